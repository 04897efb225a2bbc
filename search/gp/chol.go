package gp

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// factor is the Cholesky factorisation K = UᵀU of a symmetric positive
// definite matrix, as mat.Cholesky computes it but by cholUpper (the same
// U but for rounding, in a different order), and with the condition
// number estimated on demand (as mat.Cholesky.Cond, from this U) rather
// than on every factorisation: the fit needs it only when a cheaper bound
// does not settle that the matrix is well conditioned.
type factor struct {
	n     int
	u     []float64 // U in the upper triangle, n×n row-major
	norm  float64   // ‖K‖ in mat.CondNorm
	cond  float64
	condK bool // cond is computed
	work  []float64
	iwork []int
}

// factorize factorises the symmetric matrix whose upper triangle is that
// of k (n×n, row-major) and reports whether it is positive definite.
func (f *factor) factorize(k []float64, n int) bool {
	f.n = n
	f.u = grow(f.u, n*n)
	for i := range n {
		copy(f.u[i*n+i:i*n+n], k[i*n+i:i*n+n])
	}
	f.work = grow(f.work, 3*n)
	sym := f.sym()
	f.norm = lapack64.Lansy(mat.CondNorm, sym, f.work[:n])
	f.condK = false
	return cholUpper(n, f.u)
}

func (f *factor) sym() blas64.Symmetric {
	return blas64.Symmetric{Uplo: blas.Upper, N: f.n, Stride: f.n, Data: f.u}
}

// tri returns U.
func (f *factor) tri() blas64.Triangular {
	return blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: f.n, Stride: f.n, Data: f.u}
}

// condition returns the estimate of K's condition number that
// mat.Cholesky.Cond returns.
func (f *factor) condition() float64 {
	if !f.condK {
		if cap(f.iwork) < f.n {
			f.iwork = make([]int, f.n)
		}
		v := lapack64.Pocon(f.sym(), f.norm, f.work[:3*f.n], f.iwork[:f.n])
		f.cond, f.condK = 1/v, true
	}
	return f.cond
}

// logDet returns log det K, as mat.Cholesky.LogDet.
func (f *factor) logDet() float64 {
	var det float64
	for i := range f.n {
		det += 2 * math.Log(f.u[i*f.n+i])
	}
	return det
}

// wellConditioned reports whether K, with inv the upper triangle of its
// inverse (n×n, row-major), is so well conditioned that the estimate
// condition returns cannot exceed mat.ConditionTolerance: its exact
// condition number in the same norm is below a thousandth of it. (The
// estimate is a lower bound of the condition number but for rounding,
// which at such a condition number is far below a factor 1000.)
func (f *factor) wellConditioned(inv []float64) bool {
	n := f.n
	col := f.work[:n] // absolute row sums of the inverse (symmetric)
	clear(col)
	for i := range n {
		row := inv[i*n+i : i*n+n]
		col[i] += math.Abs(row[0])
		for j := 1; j < len(row); j++ {
			a := math.Abs(row[j])
			col[i] += a
			col[i+j] += a
		}
	}
	mx := 0.0
	for _, v := range col {
		if !(v <= mx) { // NaN too
			mx = v
		}
	}
	return f.norm*mx < mat.ConditionTolerance/1000
}

// cholUpper factorises in place the symmetric matrix whose upper triangle
// is that of a (n×n, row-major) as K = UᵀU, U upper triangular, and
// reports whether K is positive definite (every pivot positive, as
// Dpotrf checks), as lapack64.Potrf does but not in its operation order:
// it is left-looking by blocks of four rows, the update of a block by the
// rows of U above it done two rows at a time with trsmRUN's fused kernel.
// Entries below the diagonal are clobbered (not read).
func cholUpper(n int, a []float64) bool {
	for i := 0; i < n; i += 4 {
		ib := min(4, n-i)
		// Rows i..i+ib-1, columns j ≥ i: a_rj -= Σ_{k<i} u_kr·u_kj.
		if ib == 4 {
			b := a[i*n+i:]
			k := 0
			for ; k+1 < i; k += 2 {
				uk, uk1 := a[k*n:k*n+n], a[(k+1)*n:(k+1)*n+n]
				y := [4]float64{-uk[i], -uk[i+1], -uk[i+2], -uk[i+3]}
				z := [4]float64{-uk1[i], -uk1[i+1], -uk1[i+2], -uk1[i+3]}
				fused4x2(n-i, &uk[i], &uk1[i], &b[0], n, &y, &z)
			}
			if k < i {
				uk := a[k*n : k*n+n]
				y := [4]float64{-uk[i], -uk[i+1], -uk[i+2], -uk[i+3]}
				var z [4]float64
				fused4x2(n-i, &uk[i], &uk[i], &b[0], n, &y, &z)
			}
		} else {
			for r := i; r < n; r++ {
				row := a[r*n : r*n+n]
				for k := range i {
					if ukr := a[k*n+r]; ukr != 0 {
						uk := a[k*n : k*n+n]
						for j := r; j < n; j++ {
							row[j] -= ukr * uk[j]
						}
					}
				}
			}
		}
		// The block itself, row by row.
		for r := i; r < i+ib; r++ {
			row := a[r*n : r*n+n]
			for k := i; k < r; k++ {
				if ukr := a[k*n+r]; ukr != 0 {
					uk := a[k*n : k*n+n]
					for j := r; j < n; j++ {
						row[j] -= ukr * uk[j]
					}
				}
			}
			d := row[r]
			if d <= 0 || math.IsNaN(d) {
				return false
			}
			d = math.Sqrt(d)
			row[r] = d
			for j := r + 1; j < n; j++ {
				row[j] /= d
			}
		}
	}
	return true
}
