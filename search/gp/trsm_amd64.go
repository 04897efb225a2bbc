package gp

import "golang.org/x/sys/cpu"

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

// useAVX: the CPU and the operating system support AVX.
var useAVX = cpu.X86.HasAVX

//go:noescape
func fused4x2SSE2(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64)

//go:noescape
func fused4x2AVX(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64)
