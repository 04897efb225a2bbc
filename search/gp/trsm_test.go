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
// that become zero), which gonum skips; on each path of the build (AVX
// and SSE2 on amd64, the Go kernels elsewhere: GOARCH=386 go test runs
// those on an amd64 machine).
func TestTrsmMatchesGonum(t *testing.T) {
	forEachPath(t, testTrsmMatchesGonum)
}

func testTrsmMatchesGonum(t *testing.T) {
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

// specialOrNormal returns a source of normal deviates with, one time in
// ten, a zero of either sign, an infinity, a NaN, a huge or a subnormal
// number.
func specialOrNormal(r *rand.Rand) func() float64 {
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.NaN(), 1e308, 5e-324}
	return func() float64 {
		if r.IntN(10) == 0 {
			return special[r.IntN(len(special))]
		}
		return r.NormFloat64()
	}
}

// TestFused4x2Go checks the portable fused4x2Go against fused4x2 and
// its assembly versions on amd64 (SSE2, AVX) to the last bit, on every
// length up to 20 and a long one, with zeros, infinities and NaNs among
// the inputs.
func TestFused4x2Go(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	val := specialOrNormal(r)
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
		// The solve is m·n·(n-1) flops (a product and a sum per update).
		b.ReportMetric(float64(m*n*(n-1))*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFlop/s")
	})
	// V = U⁻¹ as invChol does it: rows of the identity, which skip every
	// step before their diagonal.
	v := make([]float64, n*n)
	b.Run("identity", func(b *testing.B) {
		for b.Loop() {
			clear(v)
			for i := range n {
				v[i*n+i] = 1
			}
			trsmRUN(n, n, a, n, v, n)
		}
	})
}

// TestTrsmZeroSkips checks trsmRUN against gonum's Dtrsm to the last bit
// where rows skip steps (b_k zero when step k comes) at every column, so
// at every position of trsm4's groups of four steps: b_k zero from the
// start (+0 or -0, A's column k zero above the diagonal so that it stays
// zero), or made zero by step k-1 (b_k = x_{k-1}·a_{k-1,k}), in one row of
// a block of four or in all rows; with n and m not multiples of four,
// negative pivots and -0 entries elsewhere, so that a step done where
// gonum skips it shows in the bits.
func TestTrsmZeroSkips(t *testing.T) {
	forEachPath(t, testTrsmZeroSkips)
}

func testTrsmZeroSkips(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{4, 5, 7, 8, 9, 12, 13, 19} {
		for _, m := range []int{1, 3, 4, 5, 8, 9} {
			for col := range n {
				for mode := range 3 {
					if mode == 2 && col == 0 {
						continue
					}
					lda, ldb := n+r.IntN(2), n+r.IntN(2)
					a := randFactor(t, r, n, n, 0.5, lda, false)
					for k := range n {
						// Negative pivots too, so that x_k = 0/a_kk, were a
						// skipped step done, would be -0 where gonum leaves +0.
						if r.IntN(2) == 0 {
							for j := k; j < n; j++ {
								a[k*lda+j] = -a[k*lda+j]
							}
						}
					}
					for k := range col - 1 {
						a[k*lda+col] = 0
					}
					if mode < 2 && col > 0 {
						a[(col-1)*lda+col] = 0
					}
					b := make([]float64, m*ldb)
					for i := range b {
						b[i] = r.NormFloat64()
						if r.IntN(20) == 0 {
							// -0 stays -0 only if no ±0 product is added.
							b[i] = math.Copysign(0, -1)
						}
					}
					all := r.IntN(2) == 0
					row := r.IntN(m)
					if mode == 2 {
						// The solution left of col does not depend on column
						// col of B: take x_{col-1} from a first solve.
						x := append([]float64(nil), b...)
						trsmGonum(m, n, a, lda, x, ldb)
						for i := range m {
							if all || i == row {
								b[i*ldb+col] = x[i*ldb+col-1] * a[(col-1)*lda+col]
							}
						}
					} else {
						for i := range m {
							if all || i == row {
								b[i*ldb+col] = math.Copysign(0, float64(1-2*mode))
							}
						}
					}
					want := append([]float64(nil), b...)
					trsmGonum(m, n, a, lda, want, ldb)
					got := append([]float64(nil), b...)
					trsmRUN(m, n, a, lda, got, ldb)
					for i := range got {
						if !sameBits(got[i], want[i]) {
							t.Fatalf("n=%d m=%d col=%d mode=%d all=%v row=%d: element %d (row %d col %d) = %v, gonum %v",
								n, m, col, mode, all, row, i, i/ldb, i%ldb, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

func trsmGonum(m, n int, a []float64, lda int, b []float64, ldb int) {
	blas64.Trsm(blas.Right, blas.NoTrans, 1,
		blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: lda, Data: a},
		blas64.General{Rows: m, Cols: n, Stride: ldb, Data: b})
}

// TestFused4x4Go checks the portable fused4x4Go against fused4x4 and its
// assembly versions on amd64 (SSE2, AVX) to the last bit, as
// TestFused4x2Go.
func TestFused4x4Go(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	val := specialOrNormal(r)
	for n := range 22 {
		if n == 21 {
			n = 403
		}
		lda, ldb := n+r.IntN(3), n+r.IntN(3)
		a := make([]float64, 3*lda+n+1)
		b := make([]float64, 3*ldb+n+1)
		for i := range a {
			a[i] = val()
		}
		for i := range b {
			b[i] = val()
		}
		var c [16]float64
		for i := range c {
			c[i] = val()
		}
		want := append([]float64(nil), b...)
		fused4x4Go(n, a, lda, want, ldb, &c)
		for name, f := range fused4x4Variants() {
			got := append([]float64(nil), b...)
			if n > 0 {
				f(n, &a[0], lda, &got[0], ldb, &c)
			}
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%s, n=%d: b[%d] = %v, want %v", name, n, i, got[i], want[i])
				}
			}
		}
	}
}

// TestTriangle4Go checks the portable triangle4Go against triangle4 and
// its assembly version on amd64 (AVX) to the last bit: the block of B,
// the coefficients and the count of steps, with zeros (+0, -0) at every
// position of the block, and infinities, NaNs and underflows among the
// inputs.
func TestTriangle4Go(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	special := []float64{math.Inf(-1), math.NaN(), 1e308, 5e-324, 1e-300}
	for it := range 2000 {
		lda, ldb := 4+r.IntN(3), 4+r.IntN(3)
		a := make([]float64, 3*lda+4)
		b := make([]float64, 3*ldb+4)
		for i := range a {
			a[i] = r.NormFloat64()
		}
		for i := range b {
			b[i] = r.NormFloat64()
		}
		switch it % 4 {
		case 1: // zeros
			for range 1 + r.IntN(3) {
				b[r.IntN(4)*ldb+r.IntN(4)] = math.Copysign(0, float64(1-2*r.IntN(2)))
			}
		case 2: // specials
			for range 1 + r.IntN(3) {
				b[r.IntN(4)*ldb+r.IntN(4)] = special[r.IntN(len(special))]
			}
			a[r.IntN(4)*lda+r.IntN(4)] = special[r.IntN(len(special))]
		case 3: // b_j made zero by step j-1 in one row
			i, j := r.IntN(4), 1+r.IntN(3)
			x := b[i*ldb+j-1] / a[(j-1)*lda+j-1]
			for k := range j - 1 {
				a[k*lda+j] = 0
			}
			b[i*ldb+j] = x * a[(j-1)*lda+j]
			if j-1 > 0 {
				// Step j-1 must see b_{j-1} as it is: no updates from before.
				for k := range j - 1 {
					a[k*lda+j-1] = 0
				}
			}
		}
		var wantC [16]float64
		want := append([]float64(nil), b...)
		wantG := triangle4Go(a, lda, want, ldb, &wantC)
		for name, f := range triangle4Variants() {
			var c [16]float64
			got := append([]float64(nil), b...)
			g := f(&a[0], lda, &got[0], ldb, &c)
			if g != wantG {
				t.Fatalf("it %d, %s: %d steps, want %d", it, name, g, wantG)
			}
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("it %d, %s: b[%d] = %v, want %v", it, name, i, got[i], want[i])
				}
			}
			for i := range c {
				if !sameBits(c[i], wantC[i]) {
					t.Fatalf("it %d, %s: c[%d] = %v, want %v", it, name, i, c[i], wantC[i])
				}
			}
		}
	}
}
