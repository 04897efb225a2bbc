//go:build !amd64

package gp

func fusedVariants() map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64) {
	return map[string]func(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64){"dispatch": fused4x2}
}
