package gp

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// naiveInvChol is the reference of invChol: V = U⁻¹ column by column by
// back substitution (U·v_j = e_j), then K⁻¹ = V·Vᵀ by plain sums, in
// float64 and with no shared code.
func naiveInvChol(n int, u []float64, ldu int) []float64 {
	v := make([]float64, n*n)
	for j := range n {
		for i := j; i >= 0; i-- {
			s := 0.0
			if i == j {
				s = 1
			}
			for k := i + 1; k <= j; k++ {
				s -= u[i*ldu+k] * v[k*n+j]
			}
			v[i*n+j] = s / u[i*ldu+i]
		}
	}
	inv := make([]float64, n*n)
	for i := range n {
		for j := range n {
			s := 0.0
			for k := max(i, j); k < n; k++ {
				s += v[i*n+k] * v[j*n+k]
			}
			inv[i*n+j] = s
		}
	}
	return inv
}

// TestInvChol checks invChol's upper triangle against lapack64.Potri and
// a naive reference, to 1e-10 of the inverse's largest entry on well
// conditioned matrices and to 1e-13 times the condition number on
// ill-conditioned (jittered, nearly singular) ones: every size residue
// mod 4, strides wider than n, factors with zero entries, and a zero
// diagonal (no inverse, as Potri).
func TestInvChol(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for it := range 160 {
		n := 1 + r.IntN(40)
		if it%16 == 0 {
			n = 150 + r.IntN(120)
		}
		lda := n + r.IntN(3)
		rank, diag := n, 0.5
		switch it % 4 {
		case 1:
			rank, diag = 1+r.IntN(n), 1e-3
		case 2:
			rank, diag = 1+r.IntN(n), 1e-6 // the fit's first jitter
		case 3:
			rank, diag = 1+r.IntN(n), 1e-9
		}
		u := randFactor(t, r, n, rank, diag, lda, it%5 == 4)
		inv, scratch := make([]float64, n*n), make([]float64, n*n)
		for i := range inv {
			inv[i], scratch[i] = math.NaN(), math.NaN() // overwritten
		}
		if !invChol(n, u, lda, inv, scratch) {
			t.Fatalf("it %d: no inverse", it)
		}
		want := make([]float64, n*n)
		for i := range n {
			copy(want[i*n+i:i*n+n], u[i*lda+i:i*lda+n])
		}
		if _, ok := lapack64.Potri(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: n, Data: want}); !ok {
			t.Fatalf("it %d: Potri fails", it)
		}
		naive := naiveInvChol(n, u, lda)
		big, cond := 0.0, 0.0
		for i := range n {
			for j := i; j < n; j++ {
				big = max(big, math.Abs(want[i*n+j]))
			}
		}
		// cond ≥ ‖K⁻¹‖max·‖K‖max; the tolerance grows with it.
		kmax := 0.0
		for i := range n {
			for j := i; j < n; j++ {
				s := 0.0
				for k := 0; k <= i; k++ {
					s += u[k*lda+i] * u[k*lda+j]
				}
				kmax = max(kmax, math.Abs(s))
			}
		}
		cond = big * kmax * float64(n)
		tol := max(1e-10, 1e-13*cond) * big
		if it%4 == 0 && cond < 1e4 {
			tol = 1e-10 * big
		}
		for i := range n {
			for j := i; j < n; j++ {
				g := inv[i*n+j]
				if d := math.Abs(g - want[i*n+j]); !(d <= tol) {
					t.Fatalf("it %d (n %d, cond ~%.2g): inv[%d,%d] = %v, Potri %v (tol %g)", it, n, cond, i, j, g, want[i*n+j], tol)
				}
				if d := math.Abs(g - naive[i*n+j]); !(d <= tol) {
					t.Fatalf("it %d (n %d, cond ~%.2g): inv[%d,%d] = %v, naive %v (tol %g)", it, n, cond, i, j, g, naive[i*n+j], tol)
				}
			}
		}
		if it%4 == 0 && !(cond < 1e4) {
			t.Fatalf("it %d: well conditioned case has condition ~%g", it, cond)
		}
	}
	// A zero on the diagonal: no inverse.
	u := []float64{2, 1, 0, 0, 0, 1, 0, 0, 3}
	if invChol(3, u, 3, make([]float64, 9), make([]float64, 9)) {
		t.Fatal("inverse of a singular factor")
	}
	// n = 0.
	if !invChol(0, nil, 0, nil, nil) {
		t.Fatal("n = 0")
	}
}
