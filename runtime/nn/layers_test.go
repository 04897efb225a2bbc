package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/runtime/nn"
	G "gorgonia.org/gorgonia"
)

// Naive references, written for clarity only.

func conv2d(x []float64, xs []int, w []float64, out, k, stride int) []float64 {
	return conv2dPD(x, xs, w, out, k, stride, k/2, 1)
}

// conv2dPD is conv2d with padding p and dilation d.
func conv2dPD(x []float64, xs []int, w []float64, out, k, stride, p, d int) []float64 {
	n, c, h, wd := xs[0], xs[1], xs[2], xs[3]
	oh, ow := (h+2*p-d*(k-1)-1)/stride+1, (wd+2*p-d*(k-1)-1)/stride+1
	y := make([]float64, n*out*oh*ow)
	for b := 0; b < n; b++ {
		for o := 0; o < out; o++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					var s float64
					for ci := 0; ci < c; ci++ {
						for di := 0; di < k; di++ {
							for dj := 0; dj < k; dj++ {
								r, q := i*stride+di*d-p, j*stride+dj*d-p
								if r < 0 || r >= h || q < 0 || q >= wd {
									continue
								}
								s += x[((b*c+ci)*h+r)*wd+q] * w[((o*c+ci)*k+di)*k+dj]
							}
						}
					}
					y[((b*out+o)*oh+i)*ow+j] = s
				}
			}
		}
	}
	return y
}

// batchNorm normalises with the batch statistics (biased variance).
func batchNorm(x []float64, xs []int, gamma, beta []float64) []float64 {
	n, c := xs[0], xs[1]
	sp := len(x) / (n * c)
	y := make([]float64, len(x))
	for ci := 0; ci < c; ci++ {
		var m, v float64
		for b := 0; b < n; b++ {
			for s := 0; s < sp; s++ {
				m += x[(b*c+ci)*sp+s]
			}
		}
		m /= float64(n * sp)
		for b := 0; b < n; b++ {
			for s := 0; s < sp; s++ {
				d := x[(b*c+ci)*sp+s] - m
				v += d * d
			}
		}
		v /= float64(n * sp)
		for b := 0; b < n; b++ {
			for s := 0; s < sp; s++ {
				i := (b*c+ci)*sp + s
				y[i] = (x[i]-m)/math.Sqrt(v+nn.BNEpsilon)*gamma[ci] + beta[ci]
			}
		}
	}
	return y
}

func params(h *harness) [][]float64 {
	var ps [][]float64
	for _, p := range h.net.Params() {
		ps = append(ps, p.Value.Float64s())
	}
	return ps
}

func TestConv(t *testing.T) {
	for _, c := range []nn.Conv{
		{K: 3}, {K: 3, Stride: 2}, {K: 1}, {K: 1, Stride: 2}, {K: 3, Out: 5, Stride: 2}, {K: 5, Out: 2},
	} {
		t.Run(fmt.Sprintf("K%d_Out%d_S%d", c.K, c.Out, c.Stride), func(t *testing.T) {
			shape := []int{2, 3, 7, 6}
			h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.Conv(x, c) })
			out, stride := c.Out, c.Stride
			if out == 0 {
				out = 3
			}
			if stride == 0 {
				stride = 1
			}
			p := c.K / 2
			wantShape := []int{2, out, (7+2*p-c.K)/stride + 1, (6+2*p-c.K)/stride + 1}
			if fmt.Sprint(h.y.Shape()) != fmt.Sprint(wantShape) {
				t.Fatalf("shape %v, want %v", h.y.Shape(), wantShape)
			}
			h.checkForward(conv2d(h.x.Float64s(), shape, params(h)[0], out, c.K, stride), 1e-12)
			h.checkGrads()
		})
	}
}

func TestBatchNormTrain(t *testing.T) {
	for _, shape := range [][]int{{4, 3, 5, 7}, {6, 5}} {
		t.Run(fmt.Sprint(len(shape), "D"), func(t *testing.T) {
			h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.BatchNorm(x) })
			ps := params(h)
			h.checkForward(batchNorm(h.x.Float64s(), shape, ps[0], ps[1]), 1e-10)
			h.checkGrads()
		})
	}
}

func TestReLU(t *testing.T) {
	shape := []int{2, 3, 4, 5}
	h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.ReLU(x) })
	want := append([]float64(nil), h.x.Float64s()...)
	for i := range want {
		want[i] = math.Max(want[i], 0)
	}
	h.checkForward(want, 0)
	h.checkGrads()
}

func TestAdd(t *testing.T) {
	shape := []int{2, 3, 4, 5}
	// x + 2·relu(x) + identity(x): three operands, two of them the same node.
	h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X {
		r := b.ReLU(x)
		return b.Add(x, r, b.Identity(r))
	})
	want := append([]float64(nil), h.x.Float64s()...)
	for i, v := range want {
		want[i] = v + 2*math.Max(v, 0)
	}
	h.checkForward(want, 1e-15)
	h.checkGrads()
}

func TestAddMismatchPanics(t *testing.T) {
	net := nn.NewNet(nn.Float64, 1)
	_, _, _, err := net.Build(nn.Train, func(b *nn.B, x nn.X) nn.X {
		return b.Add(x, b.Conv(x, nn.Conv{K: 3, Stride: 2}))
	}, 2, 3, 8, 8)
	if err == nil {
		t.Fatal("no error for Add of (2, 3, 8, 8) and (2, 3, 4, 4)")
	}
	for _, s := range []string{"(2, 3, 8, 8)", "(2, 3, 4, 4)"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name shape %s", err, s)
		}
	}
}

// GlobalAvgPool must be right for spatial sizes above 2×2, where gorgonia's
// multi-axis Mean is wrong, and must have a gradient, which gorgonia's
// GlobalAveragePool2D lacks.
func TestGlobalAvgPool(t *testing.T) {
	for _, shape := range [][]int{{2, 3, 5, 7}, {3, 2, 1, 1}, {2, 2, 2, 2}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.GlobalAvgPool(x) })
			if fmt.Sprint(h.y.Shape()) != fmt.Sprint(shape[:2]) {
				t.Fatalf("shape %v, want %v", h.y.Shape(), shape[:2])
			}
			x := h.x.Float64s()
			sp := shape[2] * shape[3]
			want := make([]float64, shape[0]*shape[1])
			for i := range want {
				for s := 0; s < sp; s++ {
					want[i] += x[i*sp+s]
				}
				want[i] /= float64(sp)
			}
			h.checkForward(want, 1e-14)
			h.checkGrads()
		})
	}
}

func TestLinear(t *testing.T) {
	for _, shape := range [][]int{{3, 7}, {2, 3, 2, 2}} {
		t.Run(fmt.Sprint(len(shape), "D"), func(t *testing.T) {
			const out = 4
			h := newHarness(t, shape, func(b *nn.B, x nn.X) nn.X { return b.Linear(x, out) })
			ps := params(h)
			w, bias := ps[0], ps[1]
			x := h.x.Float64s()
			n, in := shape[0], len(x)/shape[0]
			want := make([]float64, n*out)
			for i := 0; i < n; i++ {
				for o := 0; o < out; o++ {
					s := bias[o]
					for k := 0; k < in; k++ {
						s += x[i*in+k] * w[k*out+o]
					}
					want[i*out+o] = s
				}
			}
			h.checkForward(want, 1e-13)
			h.checkGrads()
		})
	}
}

func TestCrossEntropy(t *testing.T) {
	const n, k = 5, 4
	rng := rand.New(rand.NewPCG(9, 9))
	target := make([]float64, n*k)
	for i := 0; i < n; i++ {
		target[i*k+rng.IntN(k)] = 1
	}
	h := newHarness(t, []int{n, k}, func(b *nn.B, x nn.X) nn.X {
		tg := b.Input("target", n, k)
		if err := G.Let(tg.Node(), dense([]int{n, k}, target)); err != nil {
			t.Fatal(err)
		}
		return b.CrossEntropy(x, tg)
	})
	x := h.x.Float64s()
	var want float64
	for i := 0; i < n; i++ {
		var z float64
		for j := 0; j < k; j++ {
			z += math.Exp(x[i*k+j])
		}
		for j := 0; j < k; j++ {
			want -= target[i*k+j] * (x[i*k+j] - math.Log(z))
		}
	}
	want /= n
	h.checkForward([]float64{want}, 1e-13)
	h.checkGrads()
}

// Large logits must not overflow the softmax.
func TestCrossEntropyLargeLogits(t *testing.T) {
	net := nn.NewNet(nn.Float32, 1)
	var lossv *G.Value
	b, in, _, err := net.Build(nn.Eval, func(b *nn.B, x nn.X) nn.X {
		tg := b.Input("t", 2, 3)
		if err := G.Let(tg.Node(), dense32([]int{2, 3}, []float32{1, 0, 0, 0, 0, 1})); err != nil {
			t.Fatal(err)
		}
		loss := b.CrossEntropy(x, tg)
		lossv = b.Read(loss)
		return loss
	}, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := G.Let(in.Node(), dense32([]int{2, 3}, []float32{1000, 0, -1000, 0, 500, 0})); err != nil {
		t.Fatal(err)
	}
	vm, err := b.Machine()
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	// Row 1 is right with margin 1000 (loss 0); row 2 is wrong by 500.
	if got := (*lossv).Data().(float32); math.Abs(float64(got)-250) > 1e-3 {
		t.Errorf("loss %v, want 250", got)
	}
}
