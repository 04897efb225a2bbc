package train

import (
	"errors"
	"math"
	"testing"

	"gorgonia.org/tensor"
)

func vec(v ...float64) *tensor.Dense { return tensor.New(tensor.WithBacking(v)) }

// Weight decay acts on the weights: gorgonia's Momentum solver uses the
// velocity instead and gets 1.9 here.
func TestSGDWeightDecay(t *testing.T) {
	for _, mu := range []float64{0, 0.9} {
		w, g := vec(2), vec(1)
		opt := &SGD{LR: 0.1, Momentum: mu, WeightDecay: 0.5}
		if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{g}); err != nil {
			t.Fatal(err)
		}
		// d = 1 + 0.5·2 = 2; v = 2; w = 2 - 0.1·2 = 1.8
		if got := w.Float64s()[0]; math.Abs(got-1.8) > 1e-15 {
			t.Errorf("momentum %v: w = %v, want 1.8", mu, got)
		}
	}
}

// PyTorch's rule on the loss w²/2 (gradient w), w0 = 1, lr 0.1, momentum 0.9,
// worked by hand: v1 = 1, w1 = 0.9; v2 = 0.9·1 + 0.9 = 1.8, w2 = 0.72;
// v3 = 0.9·1.8 + 0.72 = 2.34, w3 = 0.486; v4 = 2.106 + 0.486 = 2.592, w4 = 0.2268.
func TestSGDMomentum(t *testing.T) {
	w32 := tensor.New(tensor.WithBacking([]float32{1}))
	w := vec(1)
	opt, opt32 := &SGD{LR: 0.1, Momentum: 0.9}, &SGD{LR: 0.1, Momentum: 0.9}
	for i, want := range []float64{0.9, 0.72, 0.486, 0.2268} {
		if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{vec(w.Float64s()[0])}); err != nil {
			t.Fatal(err)
		}
		g32 := tensor.New(tensor.WithBacking([]float32{w32.Float32s()[0]}))
		if err := opt32.Step([]*tensor.Dense{w32}, []*tensor.Dense{g32}); err != nil {
			t.Fatal(err)
		}
		if got := w.Float64s()[0]; math.Abs(got-want) > 1e-12 {
			t.Errorf("step %d: w = %v, want %v", i+1, got, want)
		}
		if got := w32.Float32s()[0]; math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("step %d (float32): w = %v, want %v", i+1, got, want)
		}
	}
}

func TestSGDMismatch(t *testing.T) {
	opt := &SGD{LR: 0.1}
	if err := opt.Step([]*tensor.Dense{vec(1, 2)}, []*tensor.Dense{vec(1)}); err == nil {
		t.Error("gradient of the wrong length accepted")
	}
}

// steps runs opt on the loss w²/2 (gradient w) from w0 and returns w after
// each step, in float64 and float32.
func quadSteps(t *testing.T, newOpt func() Optimizer, w0 float64, n int) (w64, w32 []float64) {
	t.Helper()
	w := vec(w0)
	wf := tensor.New(tensor.WithBacking([]float32{float32(w0)}))
	o64, o32 := newOpt(), newOpt()
	for range n {
		if err := o64.Step([]*tensor.Dense{w}, []*tensor.Dense{vec(w.Float64s()[0])}); err != nil {
			t.Fatal(err)
		}
		g := tensor.New(tensor.WithBacking([]float32{wf.Float32s()[0]}))
		if err := o32.Step([]*tensor.Dense{wf}, []*tensor.Dense{g}); err != nil {
			t.Fatal(err)
		}
		w64 = append(w64, w.Float64s()[0])
		w32 = append(w32, float64(wf.Float32s()[0]))
	}
	return w64, w32
}

// PyTorch's Nesterov rule on w²/2, w0 = 1, lr 0.1, momentum 0.9, by hand:
// g1 = 1, v1 = 1, d1 = 1 + 0.9·1 = 1.9, w1 = 0.81;
// g2 = 0.81, v2 = 0.9 + 0.81 = 1.71, d2 = 0.81 + 1.539 = 2.349, w2 = 0.5751;
// g3 = 0.5751, v3 = 1.539 + 0.5751 = 2.1141, d3 = 0.5751 + 1.90269 = 2.47779, w3 = 0.327321.
func TestSGDNesterov(t *testing.T) {
	w64, w32 := quadSteps(t, func() Optimizer { return &SGD{LR: 0.1, Momentum: 0.9, Nesterov: true} }, 1, 3)
	for i, want := range []float64{0.81, 0.5751, 0.327321} {
		if math.Abs(w64[i]-want) > 1e-12 || math.Abs(w32[i]-want) > 1e-6 {
			t.Errorf("step %d: w = %v (float32 %v), want %v", i+1, w64[i], w32[i], want)
		}
	}
	// With weight decay: w = 2, g = 1, wd 0.5: d = 2, v = 2, d = 2 + 1.8, w = 2 − 0.38.
	w, g := vec(2), vec(1)
	opt := &SGD{LR: 0.1, Momentum: 0.9, WeightDecay: 0.5, Nesterov: true}
	if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{g}); err != nil {
		t.Fatal(err)
	}
	if got := w.Float64s()[0]; math.Abs(got-1.62) > 1e-15 {
		t.Errorf("Nesterov with weight decay: w = %v, want 1.62", got)
	}
}

// Adam with a constant gradient moves every step by lr (up to eps) thanks
// to the bias correction: at step 2, m = 0.19 and v = 0.001999, which
// uncorrected would give a step of 0.19/√0.001999 ≈ 4.25·lr.
func TestAdamBiasCorrection(t *testing.T) {
	w := vec(1, -1)
	opt := &Adam{LR: 0.01}
	for i := range 3 {
		if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{vec(1, -3)}); err != nil {
			t.Fatal(err)
		}
		want := []float64{1 - 0.01*float64(i+1), -1 + 0.01*float64(i+1)}
		for k, got := range w.Float64s() {
			if math.Abs(got-want[k]) > 1e-9 {
				t.Errorf("step %d: w[%d] = %v, want %v", i+1, k, got, want[k])
			}
		}
	}
	// Weight decay is L2 added to the gradient: w = 2, g = 1, wd 0.5 gives
	// d = 2 and a first step of lr·2/(2 + 1e-8).
	w = vec(2)
	opt = &Adam{LR: 0.1, WeightDecay: 0.5}
	if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{vec(1)}); err != nil {
		t.Fatal(err)
	}
	if got, want := w.Float64s()[0], 2-0.1*2/(2+1e-8); math.Abs(got-want) > 1e-15 {
		t.Errorf("Adam with weight decay: w = %v, want %v", got, want)
	}
}

// Adam against the textbook form of the rule, with changing gradients.
func TestAdamReference(t *testing.T) {
	const lr, b1, b2, eps, wd = 0.05, 0.8, 0.99, 1e-6, 0.01
	w := vec(0.5, -1.5, 2)
	ref := []float64{0.5, -1.5, 2}
	m, v := make([]float64, 3), make([]float64, 3)
	opt := &Adam{LR: lr, Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: wd}
	for step := 1; step <= 6; step++ {
		g := []float64{math.Sin(float64(step)), 0.3 * float64(step), -1 / float64(step)}
		if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{vec(g...)}); err != nil {
			t.Fatal(err)
		}
		for i := range ref {
			d := g[i] + wd*ref[i]
			m[i] = b1*m[i] + (1-b1)*d
			v[i] = b2*v[i] + (1-b2)*d*d
			mhat := m[i] / (1 - math.Pow(b1, float64(step)))
			vhat := v[i] / (1 - math.Pow(b2, float64(step)))
			ref[i] -= lr * mhat / (math.Sqrt(vhat) + eps)
		}
		for i, got := range w.Float64s() {
			if math.Abs(got-ref[i]) > 1e-12 {
				t.Fatalf("step %d: w[%d] = %v, reference %v", step, i, got, ref[i])
			}
		}
	}
	// float32 follows the float64 rule.
	w64, w32 := quadSteps(t, func() Optimizer { return &Adam{LR: 0.1} }, 1, 5)
	for i := range w64 {
		if math.Abs(w64[i]-w32[i]) > 1e-6 {
			t.Errorf("step %d: float32 %v, float64 %v", i+1, w32[i], w64[i])
		}
	}
}

func TestOptimizersDetectNonFinite(t *testing.T) {
	for _, opt := range []Optimizer{&SGD{LR: 0.1, Momentum: 0.9}, &Adam{LR: 0.1}} {
		for _, g := range []float64{math.Inf(1), math.NaN()} {
			err := opt.Step([]*tensor.Dense{vec(1, 2)}, []*tensor.Dense{vec(0, g)})
			if !errors.Is(err, errNonFinite) {
				t.Errorf("%T with gradient %v: error %v", opt, g, err)
			}
		}
	}
	// Large finite weights are fine.
	if err := (&SGD{LR: 1}).Step([]*tensor.Dense{vec(1e300, -1e300)}, []*tensor.Dense{vec(1, 1)}); err != nil {
		t.Errorf("large weights: %v", err)
	}
}

func TestCosine(t *testing.T) {
	for _, c := range []struct {
		lr       float64
		t, total int
		want     float64
	}{
		{1, 0, 10, 1},
		{1, 5, 10, 0.5},
		{1, 10, 10, 0},
		{0.1, 2, 8, 0.1 * (1 + math.Sqrt2/2) / 2},
		{0.1, 6, 8, 0.1 * (1 - math.Sqrt2/2) / 2},
		{0.01, 3, 0, 0.01}, // no length: constant
	} {
		if got := Cosine(c.lr, c.t, c.total); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("Cosine(%v, %d, %d) = %v, want %v", c.lr, c.t, c.total, got, c.want)
		}
	}
	cfg := Config{LR: 0.2, Schedule: ScheduleCosine}
	if got := cfg.lr(50, 100); math.Abs(got-0.1) > 1e-15 {
		t.Errorf("cosine schedule at half-way: %v", got)
	}
	cfg.Schedule = ScheduleNone
	if got := cfg.lr(50, 100); got != 0.2 {
		t.Errorf("no schedule: %v", got)
	}
}
