package nn_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/nasgc/nasgc/runtime/nn"
)

func TestConvPadDilation(t *testing.T) {
	for _, c := range []nn.Conv{
		{K: 3, Dilation: 2}, {K: 3, Dilation: 2, Stride: 2, Out: 4}, {K: 5, Dilation: 2},
		{K: 3, Pad: nn.NoPad}, {K: 3, Pad: 2, Stride: 2}, {K: 1, Pad: 1},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			shape := []int{2, 3, 9, 8}
			h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.Conv(x, c) })
			out, stride, d := max(c.Out, 0), max(c.Stride, 1), max(c.Dilation, 1)
			if out == 0 {
				out = 3
			}
			p := c.Pad
			switch p {
			case 0:
				p = d * (c.K / 2)
			case nn.NoPad:
				p = 0
			}
			want := conv2dPD(h.x.Float64s(), shape, params(h)[0], out, c.K, stride, p, d)
			if got := size(h.y.Shape()); got != len(want) {
				t.Fatalf("shape %v, %d elements; want %d", h.y.Shape(), got, len(want))
			}
			if c.Pad == 0 && (h.y.Shape()[2] != (9+stride-1)/stride || h.y.Shape()[3] != (8+stride-1)/stride) {
				t.Errorf("same padding gives %v", h.y.Shape())
			}
			h.checkForward(want, 1e-12)
			h.checkGrads()
		})
	}
}

// dwconv2d is a naive depthwise convolution, padding d·(k/2).
func dwconv2d(x []float64, xs []int, w []float64, k, stride, d int) []float64 {
	n, c, h, wd := xs[0], xs[1], xs[2], xs[3]
	p := d * (k / 2)
	oh, ow := (h+2*p-d*(k-1)-1)/stride+1, (wd+2*p-d*(k-1)-1)/stride+1
	y := make([]float64, n*c*oh*ow)
	for b := 0; b < n; b++ {
		for ci := 0; ci < c; ci++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					var s float64
					for di := 0; di < k; di++ {
						for dj := 0; dj < k; dj++ {
							r, q := i*stride+di*d-p, j*stride+dj*d-p
							if r >= 0 && r < h && q >= 0 && q < wd {
								s += x[((b*c+ci)*h+r)*wd+q] * w[(ci*k+di)*k+dj]
							}
						}
					}
					y[((b*c+ci)*oh+i)*ow+j] = s
				}
			}
		}
	}
	return y
}

func TestDWConv(t *testing.T) {
	for _, c := range []nn.DWConv{{K: 3}, {K: 3, Stride: 2}, {K: 5}, {K: 3, Dilation: 2}, {K: 1, Stride: 2}} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			shape := []int{2, 3, 7, 6}
			h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.DWConv(x, c) })
			if got := h.net.NumParams(); got != c.K*c.K*3 {
				t.Errorf("NumParams = %d, want %d", got, c.K*c.K*3)
			}
			stride := max(c.Stride, 1)
			if want := []int{2, 3, (7 + stride - 1) / stride, (6 + stride - 1) / stride}; !slices.Equal(h.y.Shape(), want) {
				t.Fatalf("shape %v, want %v", h.y.Shape(), want)
			}
			h.checkForward(dwconv2d(h.x.Float64s(), shape, params(h)[0], c.K, stride, max(c.Dilation, 1)), 1e-12)
			h.checkGrads()
		})
	}
}

// groupNorm normalises groups of m consecutive values; gamma and beta are
// indexed by aff(group, position).
func groupNorm(x []float64, m int, gamma, beta []float64, aff func(g, e int) int) []float64 {
	y := make([]float64, len(x))
	for g := 0; g < len(x)/m; g++ {
		var mean, v float64
		for e := 0; e < m; e++ {
			mean += x[g*m+e]
		}
		mean /= float64(m)
		for e := 0; e < m; e++ {
			v += (x[g*m+e] - mean) * (x[g*m+e] - mean)
		}
		v /= float64(m)
		for e := 0; e < m; e++ {
			a := aff(g, e)
			y[g*m+e] = (x[g*m+e]-mean)/math.Sqrt(v+nn.BNEpsilon)*gamma[a] + beta[a]
		}
	}
	return y
}

func TestInstanceNorm(t *testing.T) {
	shape := []int{3, 4, 5, 6}
	for _, mode := range []nn.Mode{nn.Train, nn.Eval} {
		h := newHarnessMode(t, shape, mode, func(b *nn.B, x nn.X) nn.X { return b.InstanceNorm(x) })
		if got := h.net.NumParams(); got != 2*4 {
			t.Errorf("NumParams = %d, want 8", got)
		}
		ps := params(h)
		h.checkForward(groupNorm(h.x.Float64s(), 30, ps[0], ps[1], func(g, e int) int { return g % 4 }), 1e-12)
		h.checkGrads()
	}
}

func TestLayerNorm(t *testing.T) {
	shape := []int{3, 4, 5, 6}
	for _, mode := range []nn.Mode{nn.Train, nn.Eval} {
		h := newHarnessMode(t, shape, mode, func(b *nn.B, x nn.X) nn.X { return b.LayerNorm(x) })
		if got := h.net.NumParams(); got != 2*4*5*6 {
			t.Errorf("NumParams = %d, want 240", got)
		}
		ps := params(h)
		h.checkForward(groupNorm(h.x.Float64s(), 120, ps[0], ps[1], func(g, e int) int { return e }), 1e-12)
		h.checkGrads()
	}
}

// ref are reference definitions of the elementwise functions, written
// independently of the package's.
var ref = map[string]func(x float64) float64{
	"neg":      func(x float64) float64 { return -x },
	"abs":      math.Abs,
	"sqrt":     func(x float64) float64 { return math.Sqrt(math.Abs(x)) },
	"log":      func(x float64) float64 { return math.Log(math.Abs(x) + 1e-6) },
	"exp":      math.Exp,
	"sin":      math.Sin,
	"cos":      math.Cos,
	"sinh":     math.Sinh,
	"cosh":     math.Cosh,
	"tanh":     math.Tanh,
	"asinh":    math.Asinh,
	"atanh":    func(x float64) float64 { return math.Atanh(math.Max(-1+1e-6, math.Min(1-1e-6, x))) },
	"sinc":     func(x float64) float64 { return math.Sin(x) / x },
	"negrelu":  func(x float64) float64 { return math.Min(x, 0) },
	"softplus": func(x float64) float64 { return math.Log(1 + math.Exp(x)) },
	"gaussian": func(x float64) float64 { return math.Exp(-x * x) },
	"erf":      math.Erf,
	"sigmoid":  func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
	"hardswish": func(x float64) float64 {
		return x * math.Min(math.Max(x+3, 0), 6) / 6
	},
	"mish": func(x float64) float64 { return x * math.Tanh(math.Log(1+math.Exp(x))) },
	"zero": func(float64) float64 { return 0 },
}

var ref2 = map[string]func(a, b float64) float64{
	"add": func(a, b float64) float64 { return a + b },
	"sub": func(a, b float64) float64 { return a - b },
	"mul": func(a, b float64) float64 { return a * b },
	"div": func(a, b float64) float64 {
		if b < 0 {
			return a / (b - 1e-6)
		}
		return a / (b + 1e-6)
	},
	"max":              math.Max,
	"min":              math.Min,
	"bsigmoid":         func(a, b float64) float64 { return b / (1 + math.Exp(-a)) },
	"bgaussian_square": func(a, b float64) float64 { return math.Exp(-(a - b) * (a - b)) },
	"bgaussian_abs":    func(a, b float64) float64 { return math.Exp(-math.Abs(a - b)) },
}

func TestFunc(t *testing.T) {
	if got, want := len(nn.Funcs()), len(ref); got != want {
		t.Errorf("%d functions, %d references", got, want)
	}
	for _, name := range nn.Funcs() {
		t.Run(name, func(t *testing.T) {
			f := ref[name]
			if f == nil {
				t.Fatal("no reference")
			}
			for _, dims := range [][]int{{2, 3, 4, 5}, {3, 4}} {
				h := newHarness(t, dims, func(b *nn.B, x nn.X) nn.X { return b.Func(name, x) })
				want := slices.Clone(h.x.Float64s())
				for i, v := range want {
					want[i] = f(v)
				}
				h.checkForward(want, 1e-12)
				h.checkGrads()
			}
		})
	}
}

func TestFunc2(t *testing.T) {
	if got, want := len(nn.Funcs2()), len(ref2); got != want {
		t.Errorf("%d functions, %d references", got, want)
	}
	for _, name := range nn.Funcs2() {
		t.Run(name, func(t *testing.T) {
			f := ref2[name]
			if f == nil {
				t.Fatal("no reference")
			}
			// The second operand is cos(x): a different tensor that still
			// depends on the input.
			h := newHarness(t, []int{2, 3, 4, 5}, func(b *nn.B, x nn.X) nn.X { return b.Func2(name, x, b.Func("cos", x)) })
			want := slices.Clone(h.x.Float64s())
			for i, v := range want {
				want[i] = f(v, math.Cos(v))
			}
			h.checkForward(want, 1e-12)
			h.checkGrads()
		})
	}
}

func TestPowAndScalars(t *testing.T) {
	shape := []int{2, 3, 4, 5}
	tests := []struct {
		name   string
		params int
		model  nn.Model
		want   func(x float64, w []float64) float64
	}{
		{"pow2", 0, func(b *nn.B, x nn.X) nn.X { return b.Pow(x, 2) }, func(x float64, _ []float64) float64 { return x * x }},
		{"pow3", 0, func(b *nn.B, x nn.X) nn.X { return b.Pow(x, 3) }, func(x float64, _ []float64) float64 { return x * x * x }},
		{"scale", 1, func(b *nn.B, x nn.X) nn.X { return b.Scale(x, 1) }, func(x float64, w []float64) float64 { return w[0] * x }},
		{"shift", 1, func(b *nn.B, x nn.X) nn.X { return b.Shift(x, 0) }, func(x float64, w []float64) float64 { return w[0] + x }},
		{"constant", 1, func(b *nn.B, x nn.X) nn.X { return b.Constant(x, 1) }, func(x float64, w []float64) float64 { return w[0] }},
		{"wavg", 1, func(b *nn.B, x nn.X) nn.X { return b.WAvg(x, b.Func("sin", x), 0.5) },
			func(x float64, w []float64) float64 { return w[0]*x + (1-w[0])*math.Sin(x) }},
		{"bgaussian", 0, func(b *nn.B, x nn.X) nn.X { return b.BGaussian(x, b.Func("sin", x), "abs") },
			func(x float64, _ []float64) float64 { return math.Exp(-math.Abs(x - math.Sin(x))) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, shape, tt.model)
			if got := h.net.NumParams(); got != tt.params {
				t.Errorf("NumParams = %d, want %d", got, tt.params)
			}
			var w []float64
			if tt.params > 0 {
				w = params(h)[0]
			}
			want := slices.Clone(h.x.Float64s())
			for i, v := range want {
				want[i] = tt.want(v, w)
			}
			h.checkForward(want, 1e-12)
			h.checkGrads()
		})
	}
}

// pool2d is naive pooling with windows clipped to the image; oh, ow are
// the output size.
func pool2d(x []float64, xs []int, k, stride, p, oh, ow int, isMax bool) []float64 {
	n, c, h, wd := xs[0], xs[1], xs[2], xs[3]
	y := make([]float64, n*c*oh*ow)
	for pl := 0; pl < n*c; pl++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				s, cnt, best := 0.0, 0, math.Inf(-1)
				for di := 0; di < k; di++ {
					for dj := 0; dj < k; dj++ {
						r, q := i*stride+di-p, j*stride+dj-p
						if r >= 0 && r < h && q >= 0 && q < wd {
							v := x[(pl*h+r)*wd+q]
							s, cnt, best = s+v, cnt+1, math.Max(best, v)
						}
					}
				}
				if isMax {
					y[(pl*oh+i)*ow+j] = best
				} else {
					y[(pl*oh+i)*ow+j] = s / float64(cnt)
				}
			}
		}
	}
	return y
}

func TestPool(t *testing.T) {
	for _, isMax := range []bool{false, true} {
		for _, p := range []nn.Pool{{K: 3}, {K: 3, Stride: 2}, {K: 5}, {K: 2, Stride: 2, Pad: nn.NoPad}, {K: 3, Stride: 2, Pad: nn.NoPad}} {
			t.Run(fmt.Sprintf("max=%v_%+v", isMax, p), func(t *testing.T) {
				shape := []int{2, 3, 7, 6}
				h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X {
					if isMax {
						return b.MaxPool(x, p)
					}
					return b.AvgPool(x, p)
				})
				stride, pad := max(p.Stride, 1), p.K/2
				if p.Pad == nn.NoPad {
					pad = 0
				}
				oh, ow := (7+2*pad-p.K)/stride+1, (6+2*pad-p.K)/stride+1
				if want := []int{2, 3, oh, ow}; !slices.Equal(h.y.Shape(), want) {
					t.Fatalf("shape %v, want %v", h.y.Shape(), want)
				}
				h.checkForward(pool2d(h.x.Float64s(), shape, p.K, stride, pad, oh, ow, isMax), 1e-13)
				h.checkGrads()
			})
		}
	}
}

func relu64(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Max(v, 0)
	}
	return y
}

func TestResBlock(t *testing.T) {
	for _, tt := range []struct{ stride, out, wantOut int }{{2, 0, 6}, {1, 0, 3}, {1, 5, 5}, {2, 4, 4}} {
		t.Run(fmt.Sprintf("s%d_out%d", tt.stride, tt.out), func(t *testing.T) {
			const cin = 3
			shape := []int{2, cin, 7, 6}
			h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.ResBlock(x, tt.stride, tt.out) })
			co := tt.wantOut
			want := 9*cin*co + 2*co + 9*co*co + 2*co
			short := tt.stride != 1 || co != cin
			if short {
				want += cin * co
			}
			if got := h.net.NumParams(); got != want {
				t.Errorf("NumParams = %d, want %d", got, want)
			}
			oh, ow := (7+tt.stride-1)/tt.stride, (6+tt.stride-1)/tt.stride
			if ws := []int{2, co, oh, ow}; !slices.Equal(h.y.Shape(), ws) {
				t.Fatalf("shape %v, want %v", h.y.Shape(), ws)
			}
			ps := params(h)
			x := h.x.Float64s()
			a := conv2d(relu64(x), shape, ps[0], co, 3, tt.stride)
			as := []int{2, co, oh, ow}
			a = batchNorm(a, as, ps[1], ps[2])
			a = conv2d(relu64(a), as, ps[3], co, 3, 1)
			a = batchNorm(a, as, ps[4], ps[5])
			s := x
			if short {
				if tt.stride != 1 {
					s = pool2d(x, shape, 2, 2, 0, oh, ow, false)
				}
				s = conv2d(s, []int{2, cin, oh, ow}, ps[6], co, 1, 1)
			}
			for i := range a {
				a[i] += s[i]
			}
			h.checkForward(a, 1e-10)
			h.checkGrads()
		})
	}
}

func TestZeroAndConcat(t *testing.T) {
	shape := []int{2, 3, 4, 5}
	h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X {
		return b.Concat(b.Func("sin", x), b.Zero(b.Conv(x, nn.Conv{K: 1, Out: 2})), x)
	})
	if want := []int{2, 8, 4, 5}; !slices.Equal(h.y.Shape(), want) {
		t.Fatalf("shape %v, want %v", h.y.Shape(), want)
	}
	x := h.x.Float64s()
	var want []float64
	for b := 0; b < 2; b++ {
		img := x[b*60 : (b+1)*60]
		for _, v := range img {
			want = append(want, math.Sin(v))
		}
		want = append(want, make([]float64, 40)...)
		want = append(want, img...)
	}
	h.checkForward(want, 1e-15)
	h.checkGrads()
	// The zero edge passes no gradient back to its convolution.
	for _, v := range h.grad(h.b.ParamNodes()[0]) {
		if v != 0 {
			t.Fatalf("gradient %v behind Zero", v)
		}
	}
}

// Parameter counts are those the grammar-side count computes.
func TestParamCounts(t *testing.T) {
	net := nn.NewNet(nn.Float32, 1)
	const c, hw = 4, 8
	_, _, _, err := net.Build(nn.Train, func(b *nn.B, x nn.X) nn.X {
		x = b.Conv(x, nn.Conv{K: 3, Out: c, Dilation: 2}) // 9·2·4
		x = b.DWConv(x, nn.DWConv{K: 5})                  // 25·4
		x = b.BatchNorm(x)                                // 8
		x = b.InstanceNorm(x)                             // 8
		x = b.LayerNorm(x)                                // 2·4·8·8
		x = b.Scale(b.Shift(b.Constant(x, 1), 0), 1)      // 3
		x = b.WAvg(b.Func("exp", x), b.Pow(x, 2), 0.5)    // 1
		x = b.MaxPool(b.AvgPool(b.HardSwish(x), nn.Pool{K: 3}), nn.Pool{K: 3, Stride: 2})
		x = b.ResBlock(x, 2, 0)                         // 9·4·8 + 16 + 9·64 + 16 + 32
		return b.Linear(b.GlobalAvgPool(b.Mish(x)), 10) // 80 + 10
	}, 2, 2, hw, hw)
	if err != nil {
		t.Fatal(err)
	}
	want := 9*2*4 + 25*4 + 8 + 8 + 2*4*8*8 + 3 + 1 + (9*4*8 + 16 + 9*64 + 16 + 32) + 90
	if got := net.NumParams(); got != want {
		t.Errorf("NumParams = %d, want %d", got, want)
	}
}

// Bad arguments become Build errors, not crashes.
func TestPrimitiveErrors(t *testing.T) {
	for name, m := range map[string]nn.Model{
		"func":       func(b *nn.B, x nn.X) nn.X { return b.Func("nope", x) },
		"func2":      func(b *nn.B, x nn.X) nn.X { return b.Func2("nope", x, x) },
		"func2shape": func(b *nn.B, x nn.X) nn.X { return b.Func2("add", x, b.AvgPool(x, nn.Pool{K: 3, Stride: 2})) },
		"bgaussian":  func(b *nn.B, x nn.X) nn.X { return b.BGaussian(x, x, "cube") },
		"pool":       func(b *nn.B, x nn.X) nn.X { return b.AvgPool(x, nn.Pool{K: 9, Pad: nn.NoPad}) },
		"dwconv":     func(b *nn.B, x nn.X) nn.X { return b.DWConv(x, nn.DWConv{K: 0}) },
		"conv":       func(b *nn.B, x nn.X) nn.X { return b.Conv(x, nn.Conv{K: 9, Pad: nn.NoPad}) },
		"concat":     func(b *nn.B, x nn.X) nn.X { return b.Concat(x, b.AvgPool(x, nn.Pool{K: 3, Stride: 2})) },
		"pow":        func(b *nn.B, x nn.X) nn.X { return b.Pow(x, math.NaN()) },
	} {
		net := nn.NewNet(nn.Float32, 1)
		if _, _, _, err := net.Build(nn.Train, m, 2, 3, 8, 8); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// 3×3 pooling with stride 1 on planes one or two pixels wide or high.
func TestPoolTiny(t *testing.T) {
	for _, shape := range [][]int{{1, 2, 1, 4}, {1, 2, 2, 1}, {2, 1, 1, 1}, {1, 1, 2, 2}} {
		for _, isMax := range []bool{false, true} {
			t.Run(fmt.Sprint(shape, isMax), func(t *testing.T) {
				h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X {
					if isMax {
						return b.MaxPool(x, nn.Pool{K: 3})
					}
					return b.AvgPool(x, nn.Pool{K: 3})
				})
				h.checkForward(pool2d(h.x.Float64s(), shape, 3, 1, 1, shape[2], shape[3], isMax), 1e-13)
				h.checkGrads()
			})
		}
	}
}

// allOps uses every layer, for the float32 check.
func allOps(b *nn.B, x nn.X) nn.X {
	x = b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 4, Dilation: 2}))
	x = b.InstanceNorm(b.DWConv(b.HardSwish(x), nn.DWConv{K: 3, Stride: 2}))
	x = b.LayerNorm(b.Mish(x))
	y := b.Func2("bsigmoid", b.Func("sin", x), b.Func("softplus", x))
	x = b.WAvg(b.Scale(y, 1.5), b.Shift(b.Tanh(x), 0.1), 0.3)
	x = b.MaxPool(b.AvgPool(b.Sigmoid(x), nn.Pool{K: 3}), nn.Pool{K: 3})
	x = b.Concat(b.ResBlock(x, 2, 0), b.Zero(b.ResBlock(x, 2, 0)))
	return b.Linear(b.GlobalAvgPool(b.ReLU(x)), 5)
}

// The float32 kernels compute what the float64 ones (checked above)
// compute, up to rounding.
func TestFloat32MatchesFloat64(t *testing.T) {
	run := func(dt nn.DType) []float64 {
		net := nn.NewNet(dt, 4)
		cl, err := nn.NewClassifier(net, allOps, 3, 2, 9, 9)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		images := make([]float32, 3*2*9*9)
		for i := range images {
			images[i] = float32(math.Sin(float64(i)))
		}
		s, err := cl.Scores(images)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float64, len(s))
		for i, v := range s {
			out[i] = float64(v)
		}
		return out
	}
	a, b := run(nn.Float32), run(nn.Float64)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-4*(1+math.Abs(b[i])) {
			t.Fatalf("score %d: float32 %v, float64 %v", i, a[i], b[i])
		}
	}
}
