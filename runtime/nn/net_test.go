package nn_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/runtime/nn"
	G "gorgonia.org/gorgonia"
)

func smallCNN(b *nn.B, x nn.X) nn.X {
	x = b.Conv(x, nn.Conv{K: 3, Out: 4})
	x = b.BatchNorm(x)
	x = b.ReLU(x)
	y := b.Conv(x, nn.Conv{K: 3})
	y = b.BatchNorm(y)
	x = b.Add(x, y)
	x = b.Conv(x, nn.Conv{K: 1, Out: 6, Stride: 2})
	x = b.GlobalAvgPool(x)
	return b.Linear(x, 3)
}

func TestParamsSharedAcrossGraphs(t *testing.T) {
	net := nn.NewNet(nn.Float32, 1)
	tb, _, _, err := net.Build(nn.Train, smallCNN, 4, 1, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	eb, _, out, err := net.Build(nn.Eval, smallCNN, 7, 1, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Shape(); !slices.Equal(got, []int{7, 3}) {
		t.Fatalf("eval output shape %v", got)
	}
	ps := net.Params()
	if len(ps) != 9 || len(tb.ParamNodes()) != 9 || len(eb.ParamNodes()) != 9 {
		t.Fatalf("%d params, train graph %d, eval graph %d; want 9", len(ps), len(tb.ParamNodes()), len(eb.ParamNodes()))
	}
	for i, p := range ps {
		if tb.ParamNodes()[i].Value() != G.Value(p.Value) || eb.ParamNodes()[i].Value() != G.Value(p.Value) {
			t.Errorf("parameter %d (%s) is not shared", i, p.Name)
		}
	}
	// 4·1·9 + 2·4 + 4·4·9 + 2·4 + 6·4 + 6·3 + 3
	if got, want := net.NumParams(), 36+8+144+8+24+18+3; got != want {
		t.Errorf("NumParams = %d, want %d", got, want)
	}
	if net.FLOPs() <= 0 {
		t.Errorf("FLOPs = %d", net.FLOPs())
	}
}

func TestRebuildMismatch(t *testing.T) {
	for _, c := range []struct {
		name  string
		model nn.Model
		want  string
	}{
		{"shape", func(b *nn.B, x nn.X) nn.X { return b.Linear(b.GlobalAvgPool(b.Conv(x, nn.Conv{K: 5, Out: 4})), 3) }, "shape (4, 1, 5, 5)"},
		{"fewer", func(b *nn.B, x nn.X) nn.X { return b.Conv(x, nn.Conv{K: 3, Out: 4}) }, "created 1 parameters, but 9"},
		{"more", func(b *nn.B, x nn.X) nn.X { return b.Linear(smallCNN(b, x), 2) }, "first build of this model created only 9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := nn.NewNet(nn.Float32, 1)
			if _, _, _, err := net.Build(nn.Train, smallCNN, 2, 1, 8, 8); err != nil {
				t.Fatal(err)
			}
			_, _, _, err := net.Build(nn.Eval, c.model, 2, 1, 8, 8)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func values(net *nn.Net) []float32 {
	var v []float32
	for _, p := range net.Params() {
		v = append(v, p.Value.Float32s()...)
	}
	return v
}

func TestSeeds(t *testing.T) {
	build := func(seed uint64) []float32 {
		net := nn.NewNet(nn.Float32, seed)
		if _, _, _, err := net.Build(nn.Train, smallCNN, 2, 1, 8, 8); err != nil {
			t.Fatal(err)
		}
		return values(net)
	}
	a, b, c := build(1), build(1), build(2)
	if !slices.Equal(a, b) {
		t.Error("same seed, different parameters")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds, same parameters")
	}
}

// gorgonia's HeN/HeU panic for float32, so nn has its own initialisers.
func TestInit(t *testing.T) {
	net := nn.NewNet(nn.Float32, 5)
	_, _, _, err := net.Build(nn.Train, func(b *nn.B, x nn.X) nn.X {
		return b.Linear(b.Conv(x, nn.Conv{K: 3, Out: 64}), 50)
	}, 2, 64, 3, 3)
	if err != nil {
		t.Fatal(err)
	}
	meanStd := func(v []float32) (float64, float64) {
		var s, s2 float64
		for _, x := range v {
			s += float64(x)
			s2 += float64(x) * float64(x)
		}
		m := s / float64(len(v))
		return m, math.Sqrt(s2/float64(len(v)) - m*m)
	}
	ps := net.Params()
	m, sd := meanStd(ps[0].Value.Float32s())
	want := math.Sqrt(2.0 / (64 * 9))
	if math.Abs(m) > 0.05*want || math.Abs(sd-want) > 0.02*want {
		t.Errorf("conv weights: mean %.4g std %.4g, want 0 and %.4g", m, sd, want)
	}
	for _, p := range ps[1:] { // linear weight and bias: U(±1/√576)
		bound := 1 / math.Sqrt(64*9)
		for _, v := range p.Value.Float32s() {
			if math.Abs(float64(v)) > bound {
				t.Fatalf("%s: %v outside ±%v", p.Name, v, bound)
			}
		}
		if p.Len() > 1000 {
			if _, sd := meanStd(p.Value.Float32s()); math.Abs(sd-bound/math.Sqrt(3)) > 0.03*bound {
				t.Errorf("%s: std %.4g, want %.4g", p.Name, sd, bound/math.Sqrt(3))
			}
		}
	}
}

// TestBatchNormEval checks the running statistics: the training graph
// updates them by PyTorch's rule, creating the evaluation machine leaves
// them alone, and the evaluation graph normalises with them.
func TestBatchNormEval(t *testing.T) {
	const c = 3
	shape := []int{4, c, 3, 2}
	rng := rand.New(rand.NewPCG(1, 2))
	net := nn.NewNet(nn.Float64, 1)
	bn := func(b *nn.B, x nn.X) nn.X { return b.BatchNorm(x) }
	tb, tin, _, err := net.Build(nn.Train, bn, shape...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Params() {
		copy(p.Value.Float64s(), randn(rng, p.Len()))
	}
	tvm, err := tb.Machine()
	if err != nil {
		t.Fatal(err)
	}
	defer tvm.Close()
	if _, err := tb.Machine(); err == nil {
		t.Error("a second machine over the training graph was allowed")
	}
	mean, variance := make([]float64, c), []float64{1, 1, 1}
	for step := 0; step < 3; step++ {
		x := randn(rng, size(shape))
		for i := range x {
			x[i] = 3*x[i] + float64(step) // far from the initial 0/1
		}
		if err := G.Let(tin.Node(), dense(shape, x)); err != nil {
			t.Fatal(err)
		}
		tvm.Reset()
		if err := tvm.RunAll(); err != nil {
			t.Fatal(err)
		}
		for ch := 0; ch < c; ch++ {
			var vals []float64
			for n := 0; n < shape[0]; n++ {
				vals = append(vals, x[(n*c+ch)*6:(n*c+ch+1)*6]...)
			}
			var m, v float64
			for _, a := range vals {
				m += a
			}
			m /= float64(len(vals))
			for _, a := range vals {
				v += (a - m) * (a - m)
			}
			v /= float64(len(vals) - 1) // unbiased
			mean[ch] = 0.9*mean[ch] + 0.1*m
			variance[ch] = 0.9*variance[ch] + 0.1*v
		}
	}
	st := net.Stats()[0]
	if !near(st.Mean.Float64s(), mean, 1e-12) || !near(st.Var.Float64s(), variance, 1e-12) {
		t.Fatalf("running stats %v %v, want %v %v", st.Mean, st.Var, mean, variance)
	}

	eshape := []int{5, c, 3, 2}
	eb, ein, eout, err := net.Build(nn.Eval, bn, eshape...)
	if err != nil {
		t.Fatal(err)
	}
	out := eb.Read(eout)
	evm, err := eb.Machine()
	if err != nil {
		t.Fatal(err)
	}
	defer evm.Close()
	if !near(st.Mean.Float64s(), mean, 1e-12) || !near(st.Var.Float64s(), variance, 1e-12) {
		t.Fatal("creating the eval machine changed the running stats")
	}
	x := randn(rng, size(eshape))
	if err := G.Let(ein.Node(), dense(eshape, x)); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		evm.Reset()
		if err := evm.RunAll(); err != nil {
			t.Fatal(err)
		}
	}
	if !near(st.Mean.Float64s(), mean, 1e-12) || !near(st.Var.Float64s(), variance, 1e-12) {
		t.Fatal("evaluating changed the running stats")
	}
	gamma, beta := net.Params()[0].Value.Float64s(), net.Params()[1].Value.Float64s()
	want := make([]float64, len(x))
	for i := range x {
		ch := i / 6 % c
		want[i] = (x[i]-mean[ch])/math.Sqrt(variance[ch]+nn.BNEpsilon)*gamma[ch] + beta[ch]
	}
	if got := (*out).Data().([]float64); !near(got, want, 1e-12) {
		t.Fatalf("eval output %v, want %v", got, want)
	}
}

func near(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol*(1+math.Abs(b[i])) {
			return false
		}
	}
	return true
}
