package gp

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestTrsmMatchesGonum checks trsmRUN against gonum's Dtrsm to the last
// bit: random sizes (every residue of the row count mod 4, odd and even
// n), well and ill conditioned factors, strides wider than n, and
// right-hand sides with zeros (whole rows, single entries, and entries
// that become zero), which gonum skips.
func TestTrsmMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for it := range 200 {
		n := 1 + r.IntN(40)
		if it%20 == 0 {
			n = 200 + r.IntN(100)
		}
		m := r.IntN(11)
		lda, ldb := n+r.IntN(3), n+r.IntN(3)
		rank, diag := n, 0.5
		if it%2 == 1 {
			rank, diag = 1+r.IntN(n), math.Pow(10, -5-r.Float64()*3)
		}
		a := randFactor(t, r, n, rank, diag, lda, false)
		b := make([]float64, max(m*ldb, 1))
		for i := range b {
			b[i] = r.NormFloat64()
			switch u := r.Float64(); {
			case it%3 == 0 && u < 0.2:
				b[i] = 0
			case it%3 == 1 && u < 0.05:
				b[i] = math.Copysign(0, -1)
			}
			if it%4 == 3 && i%7 == 0 {
				b[i] = 0 // the same column zero in several rows
			}
		}
		if it%5 == 0 && m > 0 {
			clear(b[:n]) // a zero row
		}
		if it%7 == 0 && m > 1 && n > 2 {
			// Row 1 with x_0 so that b_1 becomes exactly zero after step 0
			// (b_1 - x_0·a_01 = 0 when b_1 = x_0·a_01, x_0 = b_0/a_00).
			b[ldb+0] = a[0]
			b[ldb+1] = a[1]
		}
		want := append([]float64(nil), b...)
		blas64.Trsm(blas.Right, blas.NoTrans, 1,
			blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: lda, Data: a},
			blas64.General{Rows: m, Cols: n, Stride: ldb, Data: want})
		got := append([]float64(nil), b...)
		trsmRUN(m, n, a, lda, got, ldb)
		for i := range got {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("it %d (m=%d n=%d rank=%d): element %d (row %d col %d) = %v, gonum %v", it, m, n, rank, i, i/ldb, i%ldb, got[i], want[i])
			}
		}
	}
}

// TestTrsmSolves checks that trsmRUN solves X·A = B (a check independent
// of gonum's solve).
func TestTrsmSolves(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n, m := 57, 9
	a := randFactor(t, r, n, n, 1, n, false)
	x := make([]float64, m*n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	b := make([]float64, m*n) // X·A
	for i := range m {
		for j := range n {
			for k := 0; k <= j; k++ {
				b[i*n+j] += x[i*n+k] * a[k*n+j]
			}
		}
	}
	trsmRUN(m, n, a, n, b, n)
	for i := range b {
		if math.Abs(b[i]-x[i]) > 1e-9*(1+math.Abs(x[i])) {
			t.Fatalf("element %d: %v, want %v", i, b[i], x[i])
		}
	}
}

// TestFused4x2Go checks the portable fused4x2Go against fused4x2 and
// its assembly versions on amd64 (SSE2, AVX) to the last bit, on every length up to 20 and a long
// one, with zeros, infinities and NaNs among the inputs.
func TestFused4x2Go(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.NaN(), 1e308, 5e-324}
	val := func() float64 {
		if r.IntN(10) == 0 {
			return special[r.IntN(len(special))]
		}
		return r.NormFloat64()
	}
	for n := range 22 {
		if n == 21 {
			n = 403
		}
		ldb := n + r.IntN(3)
		a, a1 := make([]float64, n+1), make([]float64, n+1)
		b := make([]float64, 3*ldb+n+1)
		for i := range a {
			a[i], a1[i] = val(), val()
		}
		for i := range b {
			b[i] = val()
		}
		var y, z [4]float64
		for i := range 4 {
			y[i], z[i] = val(), val()
		}
		want := append([]float64(nil), b...)
		fused4x2Go(n, a, a1, want, ldb, &y, &z)
		for name, f := range fusedVariants() {
			got := append([]float64(nil), b...)
			if n > 0 {
				f(n, &a[0], &a1[0], &got[0], ldb, &y, &z)
			}
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%s, n=%d: b[%d] = %v, want %v", name, n, i, got[i], want[i])
				}
			}
		}
	}
}

func BenchmarkTrsm(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	n, m := 400, 200
	a := randFactor(b, r, n, n, 1, n, false)
	src := make([]float64, m*n)
	for i := range src {
		src[i] = r.Float64()
	}
	buf := make([]float64, m*n)
	b.Run("gonum", func(b *testing.B) {
		for b.Loop() {
			copy(buf, src)
			blas64.Trsm(blas.Right, blas.NoTrans, 1,
				blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: n, Data: a},
				blas64.General{Rows: m, Cols: n, Stride: n, Data: buf})
		}
	})
	b.Run("trsmRUN", func(b *testing.B) {
		for b.Loop() {
			copy(buf, src)
			trsmRUN(m, n, a, n, buf, n)
		}
	})
}
