package gp

import "gonum.org/v1/gonum/floats"

// trsmRUN solves X·A = B in place of B for X, with A upper triangular
// (non-unit diagonal) n×n and B m×n, both row-major (lda, ldb strides):
// blas64.Trsm(blas.Right, blas.NoTrans, 1, A, B) with the same floating
// point operations in the same order per element, so the same result to
// the last bit. Row i of X is found by forward substitution,
// x_k = b_k/a_kk, then b_j -= x_k·a_kj for j > k (skipped when b_k = 0,
// as gonum does); this version does it for four rows and four k at once
// (see trsm4), reading A a quarter as often and each row of B a quarter as
// often.
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

// trsm4 solves four rows of B (from b, stride ldb) by groups of four
// steps: the four x_k of a group are found one after the other, each step
// updating the columns of the group after it (a small triangle, done by
// triangle4 with the four rows side by side in vector registers where the
// CPU allows), then one sweep of the columns past the group applies the
// four steps at once. Each element of the four rows is thus loaded and
// stored once per four steps instead of once per two, and the set-up of a
// sweep (its call, the coefficients, the tail past the last full vector)
// comes once per four steps; on the EPYC this was measured on, the
// triangle and those set-ups, not the sweeps' loads and stores, were what
// held the two-step version back. Each element still gets its updates one
// step at a time in increasing k, each product and sum rounded, as
// gonum's axpys give them. Where a row would skip a step of the group
// (its b_k is zero), the group stops before that step: the steps before
// it are swept, and that step is done row by row as gonum does it.
func trsm4(n int, a []float64, lda int, b []float64, ldb int) {
	r0 := b[0:n:n]
	r1 := b[ldb : ldb+n : ldb+n]
	r2 := b[2*ldb : 2*ldb+n : 2*ldb+n]
	r3 := b[3*ldb : 3*ldb+n : 3*ldb+n]
	k := 0
	for k+4 <= n {
		if r0[k] == 0 || r1[k] == 0 || r2[k] == 0 || r3[k] == 0 {
			// Step k, where some row skips, without the set-up of a
			// group: rows of the identity (invChol) skip every step
			// before their diagonal.
			step1(n, a, lda, r0, k)
			step1(n, a, lda, r1, k)
			step1(n, a, lda, r2, k)
			step1(n, a, lda, r3, k)
			k++
			continue
		}
		// c[4s+r] is -x_{k+s} of row r, the coefficient of step k+s; g
		// the steps of the group done on its own columns.
		var c [16]float64
		g := triangle4(&a[k*lda+k], lda, &r0[k], ldb, &c)
		// Columns k+4.. by steps k..k+g-1.
		j0, nj := k+4, n-k-4
		switch {
		case nj == 0:
		case g == 4:
			fused4x4(nj, &a[k*lda+j0], lda, &r0[j0], ldb, &c)
		case g >= 2:
			fused4x2(nj, &a[k*lda+j0], &a[(k+1)*lda+j0], &r0[j0], ldb,
				(*[4]float64)(c[0:4]), (*[4]float64)(c[4:8]))
			if g == 3 {
				sweep4(a[(k+2)*lda+j0:(k+2)*lda+n], r0[j0:], r1[j0:], r2[j0:], r3[j0:], (*[4]float64)(c[8:12]))
			}
		case g == 1:
			sweep4(a[k*lda+j0:k*lda+n], r0[j0:], r1[j0:], r2[j0:], r3[j0:], (*[4]float64)(c[0:4]))
		}
		k += g
		if g < 4 {
			// Step k, where some row skips.
			step1(n, a, lda, r0, k)
			step1(n, a, lda, r1, k)
			step1(n, a, lda, r2, k)
			step1(n, a, lda, r3, k)
			k++
		}
	}
	// The last (fewer than four) steps, row by row.
	trsm1(n, a, lda, r0, k)
	trsm1(n, a, lda, r1, k)
	trsm1(n, a, lda, r2, k)
	trsm1(n, a, lda, r3, k)
}

// triangle4Go is triangle4 in Go, on the 4×4 blocks a (A from a_kk,
// stride lda) and b (the four rows from column k, stride ldb): it does
// steps k, k+1, ... on the columns k..k+3 of the four rows, stopping
// before the first step that a row skips (its b_k is zero), stores the
// coefficients -x of the steps done in c (c[4s+r] for step k+s, row r),
// and returns how many steps it did.
func triangle4Go(a []float64, lda int, b []float64, ldb int, c *[16]float64) int {
	r0, r1, r2, r3 := b[0:4:4], b[ldb:ldb+4:ldb+4], b[2*ldb:2*ldb+4:2*ldb+4], b[3*ldb:3*ldb+4:3*ldb+4]
	for s := range 4 {
		if r0[s] == 0 || r1[s] == 0 || r2[s] == 0 || r3[s] == 0 {
			return s
		}
		as := a[s*lda : s*lda+4 : s*lda+4]
		d := as[s]
		r0[s] /= d
		r1[s] /= d
		r2[s] /= d
		r3[s] /= d
		y0, y1, y2, y3 := -r0[s], -r1[s], -r2[s], -r3[s]
		c[4*s], c[4*s+1], c[4*s+2], c[4*s+3] = y0, y1, y2, y3
		// The columns after s in the group by step s.
		for j := s + 1; j < 4; j++ {
			v := as[j]
			r0[j] += float64(y0 * v)
			r1[j] += float64(y1 * v)
			r2[j] += float64(y2 * v)
			r3[j] += float64(y3 * v)
		}
	}
	return 4
}

// sweep4 is one step on four rows: s_r[j] += y[r]·a[j] for j < len(a).
func sweep4(a, s0, s1, s2, s3 []float64, y *[4]float64) {
	y0, y1, y2, y3 := y[0], y[1], y[2], y[3]
	s0, s1, s2, s3 = s0[:len(a)], s1[:len(a)], s2[:len(a)], s3[:len(a)]
	for j, v := range a {
		s0[j] += float64(y0 * v)
		s1[j] += float64(y1 * v)
		s2[j] += float64(y2 * v)
		s3[j] += float64(y3 * v)
	}
}

// fused4x4Go is fused4x4 in Go: for j < n and rows r = 0..3 of b (stride
// ldb), with a_s the rows s = 0..3 of a (stride lda),
// b[r][j] = b[r][j] + c[r]·a_0[j] + c[4+r]·a_1[j] + c[8+r]·a_2[j] + c[12+r]·a_3[j],
// rounding each product and sum (left to right), as gonum's four axpy
// steps do.
func fused4x4Go(n int, a []float64, lda int, b []float64, ldb int, c *[16]float64) {
	a0, a1, a2, a3 := a[:n], a[lda:lda+n], a[2*lda:2*lda+n], a[3*lda:3*lda+n]
	for r := range 4 {
		s := b[r*ldb : r*ldb+n]
		y, z, u, w := c[r], c[4+r], c[8+r], c[12+r]
		for j := range s {
			s[j] = s[j] + float64(y*a0[j]) + float64(z*a1[j]) + float64(u*a2[j]) + float64(w*a3[j])
		}
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
