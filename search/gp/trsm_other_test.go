//go:build !amd64

package gp

import "testing"

func fusedVariants() map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64) {
	return map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64){"dispatch": fused4x2}
}

func fused4x4Variants() map[string]func(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64) {
	return map[string]func(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64){"dispatch": fused4x4}
}

func triangle4Variants() map[string]func(a *float64, lda int, b0 *float64, ldb int, c *[16]float64) int {
	return map[string]func(a *float64, lda int, b0 *float64, ldb int, c *[16]float64) int{"dispatch": triangle4}
}

// forEachPath runs f once: off amd64 there is only the Go code.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("go", f)
}
