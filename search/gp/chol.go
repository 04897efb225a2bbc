package gp

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// factor is the Cholesky factorisation K = UᵀU of a symmetric positive
// definite matrix, as mat.Cholesky computes it (the same U to the last
// bit), but with the condition number estimated on demand rather than on
// every factorisation: the estimate costs about as much as the
// factorisation, and the fit needs it only when a cheaper bound does not
// settle that the matrix is well conditioned.
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
	_, ok := lapack64.Potrf(sym)
	return ok
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
