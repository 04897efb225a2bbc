package nn

import (
	"fmt"
	"gorgonia.org/tensor"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveMM is the reference for mm.
func naiveMM(transA bool, m, n, k int, a []float64, lda int, b []float64, ldb int, acc bool, c []float64, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				av := a[i*lda+l]
				if transA {
					av = a[l*lda+i]
				}
				s += av * b[l*ldb+j]
			}
			if acc {
				s += c[i*ldc+j]
			}
			c[i*ldc+j] = s
		}
	}
}

func TestMM(t *testing.T) {
	if !haveKernel {
		t.Log("no AVX2/FMA: testing the gonum path only")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sz := range [][3]int{{1, 1, 1}, {6, 16, 1}, {16, 50, 9}, {7, 33, 300}, {13, 16, 513}, {144, 80, 16}, {5, 3, 700}} {
		for _, transA := range []bool{false, true} {
			for _, acc := range []bool{false, true} {
				for _, kernel := range []bool{false, true} {
					if kernel && !haveKernel {
						continue
					}
					m, n, k := sz[0], sz[1], sz[2]
					name := fmt.Sprintf("%dx%dx%d/trans=%v/acc=%v/kernel=%v", m, n, k, transA, acc, kernel)
					lda, ldb, ldc := k+3, n+2, n+5
					if transA {
						lda = m + 3
					}
					a64 := make([]float64, max(m, k)*lda)
					b64 := make([]float64, k*ldb)
					c64 := make([]float64, m*ldc)
					for _, v := range [][]float64{a64, b64, c64} {
						for i := range v {
							v[i] = float64(float32(rng.NormFloat64()))
						}
					}
					a32, b32, c32 := to32(a64), to32(b64), to32(c64)
					naiveMM(transA, m, n, k, a64, lda, b64, ldb, acc, c64, ldc)
					useKernel = kernel
					mmSerial(transA, m, n, k, a32, lda, b32, ldb, acc, c32, ldc)
					useKernel = haveKernel
					for i := range m {
						for j := range n {
							got, want := float64(c32[i*ldc+j]), c64[i*ldc+j]
							if math.Abs(got-want) > 1e-4*math.Sqrt(float64(k))*(1+math.Abs(want)) {
								t.Fatalf("%s: C[%d,%d] = %v, want %v", name, i, j, got, want)
							}
						}
						// Padding between rows is untouched.
						for j := n; j < ldc && i*ldc+j < len(c32); j++ {
							if float64(c32[i*ldc+j]) != c64[i*ldc+j] {
								t.Fatalf("%s: wrote C[%d,%d] outside the matrix", name, i, j)
							}
						}
					}
				}
			}
		}
	}
}

func to32(v []float64) []float32 {
	w := make([]float32, len(v))
	for i, x := range v {
		w[i] = float32(x)
	}
	return w
}

// TestConvFloat32 checks the float32 convolution (micro-kernel) against
// the float64 one (gonum) on the shapes of a small CNN.
func TestConvFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, g := range []geom{
		{n: 5, c: 3, h: 9, w: 7, o: 16, k: 3, stride: 1, pad: 1},
		{n: 4, c: 16, h: 8, w: 8, o: 32, k: 3, stride: 2, pad: 1},
		{n: 3, c: 20, h: 6, w: 5, o: 7, k: 1, stride: 1, pad: 0},
		{n: 2, c: 4, h: 11, w: 11, o: 5, k: 5, stride: 2, pad: 2},
		{n: 9, c: 2, h: 7, w: 7, o: 3, k: 1, stride: 2, pad: 0}, // C·K·K < mr
		{n: 3, c: 1, h: 5, w: 6, o: 17, k: 3, stride: 1, pad: 1},
	} {
		g.oh = (g.h+2*g.pad-g.k)/g.stride + 1
		g.ow = (g.w+2*g.pad-g.k)/g.stride + 1
		x64 := make([]float64, g.n*g.c*g.h*g.w)
		w64 := make([]float64, g.o*g.kk())
		dy64 := make([]float64, g.n*g.o*g.p())
		for _, v := range [][]float64{x64, w64, dy64} {
			for i := range v {
				v[i] = float64(float32(rng.NormFloat64()))
			}
		}
		y64, dx64, dw64 := make([]float64, len(dy64)), make([]float64, len(x64)), make([]float64, len(w64))
		ws := &workspace{}
		convForward(g, ws, x64, w64, y64)
		convGradX(g, ws, w64, dy64, dx64)
		convGradW(g, ws, x64, dy64, dw64)
		y, dx, dw := make([]float32, len(dy64)), make([]float32, len(x64)), make([]float32, len(w64))
		convForward(g, ws, to32(x64), to32(w64), y)
		convGradX(g, ws, to32(w64), to32(dy64), dx)
		convGradW(g, ws, to32(x64), to32(dy64), dw)
		for _, c := range []struct {
			name string
			got  []float32
			want []float64
		}{{"y", y, y64}, {"dx", dx, dx64}, {"dw", dw, dw64}} {
			for i := range c.want {
				if math.Abs(float64(c.got[i])-c.want[i]) > 1e-4*(1+math.Abs(c.want[i])) {
					t.Fatalf("%+v: %s[%d] = %v, want %v", g, c.name, i, c.got[i], c.want[i])
				}
			}
		}
	}
}

// A panic inside an op must come back as an error: gorgonia runs ops on a
// goroutine where a panic cannot be recovered by the caller.
func TestCatch(t *testing.T) {
	f := func() (err error) {
		defer catch("conv", &err)
		var s []float32
		_ = s[3]
		return nil
	}
	if err := f(); err == nil || !strings.Contains(err.Error(), "nn.conv: panic") {
		t.Fatalf("err = %v", err)
	}
}

func TestConvDoChecksShapes(t *testing.T) {
	op := &convOp{opBase: newBase("conv"), k: 3, stride: 1, pad: 1, ws: &workspace{}}
	x := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(1, 2, 4, 4))
	w := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(3, 5, 3, 3)) // 5 input channels, x has 2
	if _, err := op.Do(x, w); err == nil {
		t.Fatal("no error for mismatched channels")
	}
}
