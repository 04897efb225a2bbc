package train

import (
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
