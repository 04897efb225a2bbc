//go:build !amd64

package nn

func kern6x16(k int, a *float32, b *float32, ldb int, c *float32, ldc int, acc int) {
	panic("nn: no sgemm kernel on this architecture")
}

const haveKernel = false
