//go:build !amd64

package gp

import "unsafe"

func fused4x2(n int, a, a1, b0 *float64, ldb int, y, z *[4]float64) {
	fused4x2Go(n, unsafe.Slice(a, n), unsafe.Slice(a1, n), unsafe.Slice(b0, 3*ldb+n), ldb, y, z)
}
