package gp

// fusedVariants are the implementations of fused4x2 to check against
// fused4x2Go: both assembly versions, where the CPU runs them.
func fusedVariants() map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64) {
	v := map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64){"sse2": fused4x2SSE2, "dispatch": fused4x2}
	if useAVX {
		v["avx"] = fused4x2AVX
	}
	return v
}
