package gp

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// fused4x2 is fused4x2Go on a[:n], a1[:n] and the four rows of b from
// b0 (stride ldb), in assembly: AVX (four elements at a time) when the
// CPU has it, else SSE2 (two), with the same operations per element (no
// fused multiply-add).
func fused4x2(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64) {
	if useAVX {
		fused4x2AVX(n, a, a1, b0, ldb, y, z)
		return
	}
	fused4x2SSE2(n, a, a1, b0, ldb, y, z)
}

// fused4x4 is fused4x4Go on the four rows of A from a (stride lda) and
// the four rows of b from b0 (stride ldb), n elements each, in assembly,
// AVX or SSE2 as fused4x2.
func fused4x4(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64) {
	if useAVX {
		fused4x4AVX(n, a, lda, b0, ldb, c)
		return
	}
	fused4x4SSE2(n, a, lda, b0, ldb, c)
}

// triangle4 is triangle4Go on the 4×4 blocks of A from a (stride lda)
// and of B from b0 (stride ldb): in assembly with AVX, else in Go.
func triangle4(a *float64, lda int, b0 *float64, ldb int, c *[16]float64) int {
	if useAVX {
		return triangle4AVX(a, lda, b0, ldb, c)
	}
	return triangle4Go(unsafe.Slice(a, 3*lda+4), lda, unsafe.Slice(b0, 3*ldb+4), ldb, c)
}

// useAVX: the CPU and the operating system support AVX.
var useAVX = cpu.X86.HasAVX

//go:noescape
func fused4x2SSE2(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64)

//go:noescape
func fused4x2AVX(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64)

//go:noescape
func fused4x4SSE2(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64)

//go:noescape
func fused4x4AVX(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64)

//go:noescape
func triangle4AVX(a *float64, lda int, b0 *float64, ldb int, c *[16]float64) (steps int)
