package nn

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Matrix products. float32 products run on an AVX2/FMA micro-kernel when
// the CPU has one (6×16 tiles of C, A packed, B read in place); everything
// else, and float64 (the tests), runs on gonum's pure-Go BLAS. gonum's Sgemm
// reaches only a few GFLOP/s on the tall, narrow products of a convolution.

// useKernel switches the float32 micro-kernel on; tests turn it off to
// compare.
var useKernel = haveKernel

// mmSerial computes C = op(A)·B, or C += op(A)·B if acc, for row-major
// matrices, in the calling goroutine: op(A) is m×k (A itself k×m with
// stride lda if transA), B is k×n with stride ldb, C is m×n with stride ldc.
func mmSerial[T float](transA bool, m, n, k int, a []T, lda int, b []T, ldb int, acc bool, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	// The micro-kernel does not check bounds: check the matrices here.
	alen := (m-1)*lda + k
	if transA {
		alen = (k-1)*lda + m
	}
	if k > 0 && (len(a) < alen || len(b) < (k-1)*ldb+n) || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("nn: mm(%v, %d, %d, %d) on slices of %d, %d, %d", transA, m, n, k, len(a), len(b), len(c)))
	}
	if a32, ok := any(a).([]float32); ok && useKernel {
		sgemmPart(transA, 0, m, 0, n, k, a32, lda, any(b).([]float32), ldb, acc, any(c).([]float32), ldc)
		return
	}
	blasGemm(transA, m, n, k, a, lda, b, ldb, acc, c, ldc)
}

// blasGemm is mmSerial on gonum's BLAS.
func blasGemm[T float](transA bool, m, n, k int, a []T, lda int, b []T, ldb int, acc bool, c []T, ldc int) {
	ta := blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	var beta T
	if acc {
		beta = 1
	}
	switch a := any(a).(type) {
	case []float32:
		gonum.Implementation{}.Sgemm(ta, blas.NoTrans, m, n, k, 1, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gonum.Implementation{}.Dgemm(ta, blas.NoTrans, m, n, k, 1, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// Tile and block sizes of the micro-kernel.
const (
	mr = 6   // rows of a C tile
	nr = 16  // columns of a C tile
	kc = 256 // steps of k per packed block of A
)

// sgemmBuf is a worker's scratch: packed A, an edge block of B, an edge
// tile of C.
type sgemmBuf struct {
	pack, bt []float32
	ct       [mr * nr]float32
}

var sgemmBufs = sync.Pool{New: func() any { return new(sgemmBuf) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// sgemmPart computes rows [i0, i1) and columns [j0, j1) of mmSerial's
// product with the micro-kernel, packing A in blocks of kc steps.
func sgemmPart(transA bool, i0, i1, j0, j1, k int, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	buf := sgemmBufs.Get().(*sgemmBuf)
	defer sgemmBufs.Put(buf)
	strips := (i1 - i0 + mr - 1) / mr
	for pc := 0; pc < k; pc += kc {
		kl := min(kc, k-pc)
		buf.pack = grow(buf.pack, strips*mr*kl)
		packA(transA, a, lda, i0, i1, pc, kl, buf.pack)
		sgemmBlock(buf, buf.pack, i1-i0, j0, j1, kl, b[pc*ldb:], ldb, acc || pc > 0, c[i0*ldc:], ldc)
	}
}

// sgemmPacked computes C = A·B (or C += A·B if acc) for A m×k already
// packed as by packA (strips of mr rows, k steps each), B k×n, C m×n.
func sgemmPacked(pack []float32, m, n, k int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if len(pack) < (m+mr-1)/mr*mr*k || len(b) < (k-1)*ldb+n || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("nn: sgemmPacked(%d, %d, %d) on slices of %d, %d, %d", m, n, k, len(pack), len(b), len(c)))
	}
	buf := sgemmBufs.Get().(*sgemmBuf)
	defer sgemmBufs.Put(buf)
	sgemmBlock(buf, pack, m, 0, n, k, b, ldb, acc, c, ldc)
}

// sgemmBlock runs the micro-kernel on rows [0, m) (packed, kl steps per
// strip) and columns [j0, j1) of C, with B's rows b[0:kl].
func sgemmBlock(buf *sgemmBuf, pack []float32, m, j0, j1, kl int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	add := 0
	if acc {
		add = 1
	}
	strips := (m + mr - 1) / mr
	for jr := j0; jr < j1; jr += nr {
		nw := min(nr, j1-jr)
		bp, bld := &b[jr], ldb
		if nw < nr {
			buf.bt = grow(buf.bt, kl*nr)
			for l := 0; l < kl; l++ {
				row := buf.bt[l*nr : (l+1)*nr]
				copy(row, b[l*ldb+jr:l*ldb+jr+nw])
				clear(row[nw:])
			}
			bp, bld = &buf.bt[0], nr
		}
		for s := range strips {
			ir := s * mr
			mh := min(mr, m-ir)
			ap := &pack[s*mr*kl]
			if mh == mr && nw == nr {
				kern6x16(kl, ap, bp, bld, &c[ir*ldc+jr], ldc, add)
				continue
			}
			ct := buf.ct[:]
			if add == 1 {
				clear(ct)
				for r := range mh {
					copy(ct[r*nr:r*nr+nw], c[(ir+r)*ldc+jr:])
				}
			}
			kern6x16(kl, ap, bp, bld, &ct[0], nr, add)
			for r := range mh {
				copy(c[(ir+r)*ldc+jr:(ir+r)*ldc+jr+nw], ct[r*nr:r*nr+nw])
			}
		}
	}
}

// packA copies rows [i0, i1) and columns [pc, pc+kl) of op(A) into pack as
// strips of mr rows, each stored step by step (mr values per step), with
// rows past i1 zero.
func packA(transA bool, a []float32, lda, i0, i1, pc, kl int, pack []float32) {
	for s := 0; s*mr < i1-i0; s++ {
		dst := pack[s*mr*kl : (s+1)*mr*kl]
		top := i0 + s*mr
		rows := min(mr, i1-top)
		if transA { // op(A)[i, l] = a[l·lda + i]: the strip's rows are contiguous
			for l := range kl {
				src := a[(pc+l)*lda+top : (pc+l)*lda+top+rows]
				d := dst[l*mr : (l+1)*mr]
				copy(d, src)
				clear(d[rows:])
			}
			continue
		}
		for r := range mr {
			if r >= rows {
				for l := range kl {
					dst[l*mr+r] = 0
				}
				continue
			}
			src := a[(top+r)*lda+pc : (top+r)*lda+pc+kl]
			for l, v := range src {
				dst[l*mr+r] = v
			}
		}
	}
}

// sgemmRows computes C = A·B (or C += A·B if acc) on the micro-kernel for
// A m×k not packed, row r being a[offs[r]:offs[r]+k] (m = len(offs)), B
// k×n and C m×n, both with stride n.
func sgemmRows(a []float32, offs []int, k int, b []float32, n int, acc bool, c []float32) {
	m := len(offs)
	if m == 0 || n == 0 {
		return
	}
	for _, o := range offs {
		if o < 0 || o+k > len(a) {
			panic(fmt.Sprintf("nn: sgemmRows: row at %d of %d steps in a slice of %d", o, k, len(a)))
		}
	}
	if len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn: sgemmRows(%d, %d, %d) on slices of %d, %d", m, n, k, len(b), len(c)))
	}
	if k == 0 {
		if !acc {
			clear(c[:m*n])
		}
		return
	}
	buf := sgemmBufs.Get().(*sgemmBuf)
	defer sgemmBufs.Put(buf)
	add := 0
	if acc {
		add = 1
	}
	for jr := 0; jr < n; jr += nr {
		nw := min(nr, n-jr)
		bp, bld := &b[jr], n
		if nw < nr {
			buf.bt = grow(buf.bt, k*nr)
			for l := 0; l < k; l++ {
				row := buf.bt[l*nr : (l+1)*nr]
				copy(row, b[l*n+jr:l*n+jr+nw])
				clear(row[nw:])
			}
			bp, bld = &buf.bt[0], nr
		}
		for s := 0; s*mr < m; s++ {
			rows := min(mr, m-s*mr)
			var o6 [mr]int
			for r := range mr {
				o6[r] = offs[s*mr+min(r, rows-1)] // a valid row stands in for the missing ones
			}
			if rows == mr && nw == nr {
				kern6x16rows(k, &a[0], &o6, bp, bld, &c[s*mr*n+jr], n, add)
				continue
			}
			ct := buf.ct[:]
			if add == 1 {
				clear(ct)
				for r := range rows {
					copy(ct[r*nr:r*nr+nw], c[(s*mr+r)*n+jr:])
				}
			}
			kern6x16rows(k, &a[0], &o6, bp, bld, &ct[0], nr, add)
			for r := range rows {
				copy(c[(s*mr+r)*n+jr:(s*mr+r)*n+jr+nw], ct[r*nr:r*nr+nw])
			}
		}
	}
}
