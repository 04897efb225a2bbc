//go:build !amd64

package gp

import "unsafe"

func fused4x2(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64) {
	fused4x2Go(n, unsafe.Slice(a, n), unsafe.Slice(a1, n), unsafe.Slice(b0, 3*ldb+n), ldb, y, z)
}

func fused4x4(n int, a *float64, lda int, b0 *float64, ldb int, c *[16]float64) {
	fused4x4Go(n, unsafe.Slice(a, 3*lda+n), lda, unsafe.Slice(b0, 3*ldb+n), ldb, c)
}

func triangle4(a *float64, lda int, b0 *float64, ldb int, c *[16]float64) int {
	return triangle4Go(unsafe.Slice(a, 3*lda+4), lda, unsafe.Slice(b0, 3*ldb+4), ldb, c)
}
