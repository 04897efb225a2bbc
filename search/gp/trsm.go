package gp

import "gonum.org/v1/gonum/floats"

// trsmRUN solves X·A = B in place of B for X, with A upper triangular
// (non-unit diagonal) n×n and B m×n, both row-major (lda, ldb strides):
// blas64.Trsm(blas.Right, blas.NoTrans, 1, A, B) with the same floating
// point operations in the same order per element, so the same result to
// the last bit. Row i of X is found by forward substitution,
// x_k = b_k/a_kk, then b_j -= x_k·a_kj for j > k (skipped when b_k = 0,
// as gonum does); this version does it for four rows and two k at once,
// reading A a quarter as often and each row of B half as often.
func trsmRUN(m, n int, a []float64, lda int, b []float64, ldb int) {
	i := 0
	for ; i+4 <= m; i += 4 {
		trsm4(n, a, lda, b[i*ldb:], ldb)
	}
	for ; i < m; i++ {
		trsm1(n, a, lda, b[i*ldb:i*ldb+n], 0)
	}
}

// trsm1 is gonum's row solve from column k0 on (the columns before k0
// done).
func trsm1(n int, a []float64, lda int, row []float64, k0 int) {
	for k := k0; k < n; k++ {
		if row[k] == 0 {
			continue
		}
		row[k] /= a[k*lda+k]
		floats.AddScaled(row[k+1:n], -row[k], a[k*lda+k+1:k*lda+n])
	}
}

// step1 is step k of trsm1 on one row.
func step1(n int, a []float64, lda int, row []float64, k int) {
	if row[k] == 0 {
		return
	}
	row[k] /= a[k*lda+k]
	floats.AddScaled(row[k+1:n], -row[k], a[k*lda+k+1:k*lda+n])
}

func trsm4(n int, a []float64, lda int, b []float64, ldb int) {
	r0 := b[0:n:n]
	r1 := b[ldb : ldb+n : ldb+n]
	r2 := b[2*ldb : 2*ldb+n : 2*ldb+n]
	r3 := b[3*ldb : 3*ldb+n : 3*ldb+n]
	k := 0
	for k+1 < n {
		// Step k on the four rows, then step k+1, fused in one sweep of
		// j ≥ k+2 when no row skips a step.
		if r0[k] == 0 || r1[k] == 0 || r2[k] == 0 || r3[k] == 0 {
			step1(n, a, lda, r0, k)
			step1(n, a, lda, r1, k)
			step1(n, a, lda, r2, k)
			step1(n, a, lda, r3, k)
			k++
			continue
		}
		akk := a[k*lda+k]
		r0[k] /= akk
		r1[k] /= akk
		r2[k] /= akk
		r3[k] /= akk
		y0, y1, y2, y3 := -r0[k], -r1[k], -r2[k], -r3[k]
		ak := a[k*lda+k+1 : k*lda+n]
		// Column k+1 by step k.
		v := ak[0]
		r0[k+1] += float64(y0 * v)
		r1[k+1] += float64(y1 * v)
		r2[k+1] += float64(y2 * v)
		r3[k+1] += float64(y3 * v)
		if r0[k+1] == 0 || r1[k+1] == 0 || r2[k+1] == 0 || r3[k+1] == 0 {
			// Finish step k alone.
			ak = ak[1:]
			s0, s1, s2, s3 := r0[k+2:], r1[k+2:], r2[k+2:], r3[k+2:]
			for j, v := range ak {
				s0[j] += float64(y0 * v)
				s1[j] += float64(y1 * v)
				s2[j] += float64(y2 * v)
				s3[j] += float64(y3 * v)
			}
			k++
			continue
		}
		k1 := k + 1
		ak1 := a[k1*lda+k1 : k1*lda+n]
		d := ak1[0]
		r0[k1] /= d
		r1[k1] /= d
		r2[k1] /= d
		r3[k1] /= d
		z0, z1, z2, z3 := -r0[k1], -r1[k1], -r2[k1], -r3[k1]
		ak, ak1 = ak[1:], ak1[1:]
		if len(ak) > 0 {
			y := [4]float64{y0, y1, y2, y3}
			z := [4]float64{z0, z1, z2, z3}
			fused4x2(len(ak), &ak[0], &ak1[0], &r0[k+2], ldb, &y, &z)
		}
		k += 2
	}
	if k < n {
		step1(n, a, lda, r0, k)
		step1(n, a, lda, r1, k)
		step1(n, a, lda, r2, k)
		step1(n, a, lda, r3, k)
	}
}

// fused4x2Go is fused4x2 in Go: for j < n and rows r = 0..3 of b (stride
// ldb), b[r][j] = b[r][j] + y[r]·a[j] + z[r]·a1[j], rounding each product
// and sum (left to right), as gonum's two axpy steps do.
func fused4x2Go(n int, a, a1, b []float64, ldb int, y, z *[4]float64) {
	a, a1 = a[:n], a1[:n]
	s0, s1, s2, s3 := b[:n], b[ldb:ldb+n], b[2*ldb:2*ldb+n], b[3*ldb:3*ldb+n]
	y0, y1, y2, y3 := y[0], y[1], y[2], y[3]
	z0, z1, z2, z3 := z[0], z[1], z[2], z[3]
	for j, v := range a {
		w := a1[j]
		s0[j] = s0[j] + float64(y0*v) + float64(z0*w)
		s1[j] = s1[j] + float64(y1*v) + float64(z1*w)
		s2[j] = s2[j] + float64(y2*v) + float64(z2*w)
		s3[j] = s3[j] + float64(y3*v) + float64(z3*w)
	}
}
