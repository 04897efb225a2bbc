//go:build !amd64

package nn

func kern6x16(k int, a *float32, b *float32, ldb int, c *float32, ldc int, acc int) {
	panic("nn: no sgemm kernel on this architecture")
}

func kern6x16off(k int, a *float32, b *float32, off *int, c *float32, ldc int, acc int) {
	panic("nn: no sgemm kernel on this architecture")
}

const haveKernel = false

func relu8(x, y *float32, n int)                                   { panic("nn: no vector kernels") }
func reluGrad8(y, dy, dx *float32, n int)                          { panic("nn: no vector kernels") }
func affine8(x, y *float32, n int, scale, shift float32)           { panic("nn: no vector kernels") }
func bnDX8(x, dy, dx *float32, n int, k, a, bx, mean float32)      { panic("nn: no vector kernels") }
func dsums8(x, dy *float32, n int, mean float32, out *[16]float32) { panic("nn: no vector kernels") }
func moments8(x *float32, n int, p float32, out *[16]float32)      { panic("nn: no vector kernels") }

func kern6x16rows(k int, a *float32, aoff *[6]int, b *float32, ldb int, c *float32, ldc int, acc int) {
	panic("nn: no sgemm kernel on this architecture")
}
