package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nasgc/nasgc/runtime/nn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// harness runs a float64 model on a fixed input, with the scalar loss
// sum(y ⊙ R) for a fixed random R, so that every output element gets a
// different gradient.
type harness struct {
	t      *testing.T
	net    *nn.Net
	b      *nn.B
	in, y  nn.X
	x      *tensor.Dense // the input value
	r      []float64
	vm     G.VM
	loss   *G.Value
	output *G.Value
}

func dense(shape []int, data []float64) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

func dense32(shape []int, data []float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

func randn(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// sumAll reduces x to a scalar one axis at a time.
func sumAll(t *testing.T, n *G.Node) *G.Node {
	for n.Dims() > 0 {
		var err error
		if n, err = G.Sum(n, n.Dims()-1); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// newHarness builds m on a random input of the given shape. Parameters get
// random values (so that e.g. BatchNorm's γ and β are not 1 and 0).
func newHarness(t *testing.T, shape []int, m nn.Model) *harness {
	t.Helper()
	return newHarnessMode(t, shape, nn.Train, m)
}

// newHarnessMode is newHarness with a graph of the given mode.
func newHarnessMode(t *testing.T, shape []int, mode nn.Mode, m nn.Model) *harness {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	h := &harness{t: t, net: nn.NewNet(nn.Float64, 1)}
	b, in, y, err := h.net.Build(mode, m, shape...)
	if err != nil {
		t.Fatal(err)
	}
	h.b, h.in, h.y = b, in, y
	for _, p := range h.net.Params() {
		d := p.Value.Float64s()
		copy(d, randn(rng, len(d)))
	}
	h.x = dense(shape, randn(rng, size(shape)))
	h.r = randn(rng, size(y.Shape()))
	var prod *G.Node
	if y.Dims() == 0 {
		prod, err = G.Mul(y.Node(), G.NewConstant(h.r[0]))
	} else {
		prod, err = G.HadamardProd(y.Node(), G.NewConstant(dense(y.Shape(), h.r)))
	}
	if err != nil {
		t.Fatal(err)
	}
	lossNode := sumAll(t, prod)
	h.output = b.Read(y)
	var lv G.Value
	G.Read(lossNode, &lv)
	h.loss = &lv
	if _, err := G.Grad(lossNode, append(b.ParamNodes(), in.Node())...); err != nil {
		t.Fatal(err)
	}
	h.vm = G.NewTapeMachine(b.Graph(), G.BindDualValues(append(b.ParamNodes(), in.Node())...))
	t.Cleanup(func() { h.vm.Close() })
	if err := G.Let(in.Node(), h.x); err != nil {
		t.Fatal(err)
	}
	return h
}

// run runs the graph once and returns the loss.
func (h *harness) run() float64 {
	h.t.Helper()
	h.vm.Reset()
	if err := h.vm.RunAll(); err != nil {
		h.t.Fatal(err)
	}
	return (*h.loss).Data().(float64)
}

// grad returns a copy of the accumulated gradient of n.
func (h *harness) grad(n *G.Node) []float64 {
	h.t.Helper()
	g, err := n.Grad()
	if err != nil {
		h.t.Fatalf("gradient of %v: %v", n, err)
	}
	return append([]float64(nil), g.Data().([]float64)...)
}

// checkForward compares the model's output with want.
func (h *harness) checkForward(want []float64, tol float64) {
	h.t.Helper()
	h.run()
	var got []float64
	switch d := (*h.output).Data().(type) {
	case float64:
		got = []float64{d}
	case []float64:
		got = d
	}
	if len(got) != len(want) {
		h.t.Fatalf("output has %d elements, want %d", len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
			h.t.Fatalf("output[%d] = %.10g, want %.10g", i, got[i], want[i])
		}
	}
}

// checkGrads compares the gradients of the input and of every parameter
// with central finite differences on up to 30 elements of each.
func (h *harness) checkGrads() {
	h.t.Helper()
	// Gradients accumulate over runs: run, zero them, run again.
	h.run()
	for _, n := range append(h.b.ParamNodes(), h.in.Node()) {
		if g, err := n.Grad(); err == nil {
			g.(tensor.Tensor).Zero()
		}
	}
	h.run()
	type target struct {
		name string
		data []float64 // the value to perturb
		grad []float64 // analytic gradient
	}
	targets := []target{{"input", h.x.Float64s(), h.grad(h.in.Node())}}
	for i, p := range h.net.Params() {
		targets = append(targets, target{p.Name, p.Value.Float64s(), h.grad(h.b.ParamNodes()[i])})
	}
	const eps = 1e-5
	rng := rand.New(rand.NewPCG(3, 3))
	for _, tg := range targets {
		idx := rng.Perm(len(tg.data))
		if len(idx) > 30 {
			idx = idx[:30]
		}
		for _, i := range idx {
			old := tg.data[i]
			tg.data[i] = old + eps
			up := h.run()
			tg.data[i] = old - eps
			down := h.run()
			tg.data[i] = old
			num := (up - down) / (2 * eps)
			if d := math.Abs(num - tg.grad[i]); d > 1e-6+1e-5*math.Abs(num) {
				h.t.Errorf("d loss/d %s[%d]: analytic %.10g, finite differences %.10g", tg.name, i, tg.grad[i], num)
			}
		}
	}
}
