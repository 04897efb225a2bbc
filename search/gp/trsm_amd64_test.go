package gp

import "testing"

// fusedVariants are the implementations of fused4x2 to check against
// fused4x2Go: both assembly versions, where the CPU runs them.
func fusedVariants() map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64) {
	v := map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64){"sse2": fused4x2SSE2, "dispatch": fused4x2}
	if useAVX {
		v["avx"] = fused4x2AVX
	}
	return v
}

// fused4x4Variants are the implementations of fused4x4 to check against
// fused4x4Go, as fusedVariants.
func fused4x4Variants() map[string]func(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64) {
	v := map[string]func(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64){"sse2": fused4x4SSE2, "dispatch": fused4x4}
	if useAVX {
		v["avx"] = fused4x4AVX
	}
	return v
}

// triangle4Variants are the implementations of triangle4 to check against
// triangle4Go: the assembly one, where the CPU runs it, and the dispatch.
func triangle4Variants() map[string]func(a *float64, lda int, b0 *float64, ldb int, c *[16]float64) int {
	v := map[string]func(a *float64, lda int, b0 *float64, ldb int, c *[16]float64) int{"dispatch": triangle4}
	if useAVX {
		v["avx"] = triangle4AVX
	}
	return v
}

// forEachPath runs f once for each way trsmRUN can go on this machine:
// AVX (if the CPU has it), then SSE2 with the triangles in Go.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := useAVX
	defer func() { useAVX = saved }()
	if saved {
		t.Run("avx", f)
	}
	useAVX = false
	t.Run("sse2", f)
}
