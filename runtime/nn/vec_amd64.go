package nn

// The AVX2/FMA loops of vec_amd64.s; n is a positive multiple of 8.

//go:noescape
func relu8(x, y *float32, n int)

//go:noescape
func reluGrad8(y, dy, dx *float32, n int)

//go:noescape
func affine8(x, y *float32, n int, scale, shift float32)

//go:noescape
func bnDX8(x, dy, dx *float32, n int, k, a, bx, mean float32)

//go:noescape
func dsums8(x, dy *float32, n int, mean float32, out *[16]float32)

//go:noescape
func moments8(x *float32, n int, p float32, out *[16]float32)
