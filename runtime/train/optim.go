package train

import (
	"errors"
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// errNonFinite is the error an [Optimizer] wraps when an update makes a
// weight NaN or infinite.
var errNonFinite = errors.New("a weight became NaN or infinite")

// Optimizer updates weight tensors in place from their gradients. [SGD]
// and [Adam] implement it.
type Optimizer interface {
	// Step updates every weight tensor from its gradient. The weights and
	// their order must be the same at every call. It returns an error if
	// an updated weight is NaN or infinite.
	Step(weights, grads []*tensor.Dense) error
	// SetLR sets the learning rate of the following steps (a schedule
	// calls it before every step).
	SetLR(lr float64)
}

// SGD is stochastic gradient descent with momentum, Nesterov momentum and
// weight decay, with PyTorch's update rule (torch.optim.SGD, dampening 0):
//
//	d = g + WeightDecay·w
//	v = Momentum·v + d          (v starts at 0, so v = d at the first step)
//	d = d + Momentum·v          if Nesterov, else d = v
//	w = w − LR·d
//
// With Momentum 0 it is plain SGD. gorgonia's own Momentum solver is not
// used: its L2 term is computed from the velocity instead of the weights.
type SGD struct {
	LR, Momentum, WeightDecay float64
	Nesterov                  bool

	velocity []any // []float32 or []float64, one per weight tensor
}

// SetLR implements [Optimizer].
func (s *SGD) SetLR(lr float64) { s.LR = lr }

// Step implements [Optimizer].
func (s *SGD) Step(weights, grads []*tensor.Dense) error {
	if err := checkStep("SGD", weights, grads, &s.velocity); err != nil {
		return err
	}
	for i, w := range weights {
		var ok bool
		switch w.Dtype() {
		case tensor.Float32:
			v := state[float32](&s.velocity[i], w.Len())
			ok = sgdUpdate(w.Float32s(), grads[i].Float32s(), v, float32(s.LR), float32(s.Momentum), float32(s.WeightDecay), s.Nesterov)
		case tensor.Float64:
			v := state[float64](&s.velocity[i], w.Len())
			ok = sgdUpdate(w.Float64s(), grads[i].Float64s(), v, s.LR, s.Momentum, s.WeightDecay, s.Nesterov)
		}
		if !ok {
			return fmt.Errorf("train: SGD: weight tensor %d: %w", i, errNonFinite)
		}
	}
	return nil
}

// sgdUpdate applies one SGD step and reports whether every weight is
// finite afterwards.
func sgdUpdate[T float32 | float64](w, g, v []T, lr, mu, wd T, nesterov bool) bool {
	v = v[:len(w)]
	g = g[:len(w)]
	var sum T // NaN or ±Inf if any weight is; 0·w keeps large finite weights from overflowing
	for i := range w {
		d := g[i] + wd*w[i]
		v[i] = mu*v[i] + d
		if nesterov {
			d += mu * v[i]
		} else {
			d = v[i]
		}
		w[i] -= lr * d
		sum += 0 * w[i]
	}
	return sum == 0
}

// Adam is the Adam optimiser with PyTorch's update rule (torch.optim.Adam,
// amsgrad off), where weight decay is an L2 term added to the gradient (not
// AdamW's decoupled decay). At step t = 1, 2, ...:
//
//	g = g + WeightDecay·w
//	m = Beta1·m + (1 − Beta1)·g
//	v = Beta2·v + (1 − Beta2)·g²
//	w = w − LR · (m / (1 − Beta1^t)) / (sqrt(v / (1 − Beta2^t)) + Eps)
//
// Zero Beta1, Beta2 and Eps mean PyTorch's defaults 0.9, 0.999 and 1e-8.
type Adam struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64

	t    int
	m, v []any
}

// Adam's defaults, which zero fields of [Adam] stand for.
const (
	AdamBeta1 = 0.9
	AdamBeta2 = 0.999
	AdamEps   = 1e-8
)

// SetLR implements [Optimizer].
func (a *Adam) SetLR(lr float64) { a.LR = lr }

// Step implements [Optimizer].
func (a *Adam) Step(weights, grads []*tensor.Dense) error {
	if err := checkStep("Adam", weights, grads, &a.m); err != nil {
		return err
	}
	if a.v == nil {
		a.v = make([]any, len(weights))
	}
	b1, b2, eps := orDefault(a.Beta1, AdamBeta1), orDefault(a.Beta2, AdamBeta2), orDefault(a.Eps, AdamEps)
	a.t++
	bc1 := 1 - math.Pow(b1, float64(a.t))
	bc2 := 1 - math.Pow(b2, float64(a.t))
	// PyTorch's arrangement: step = lr/bc1, denominator sqrt(v)/sqrt(bc2) + eps.
	step, sbc2 := a.LR/bc1, math.Sqrt(bc2)
	for i, w := range weights {
		var ok bool
		switch w.Dtype() {
		case tensor.Float32:
			m, v := state[float32](&a.m[i], w.Len()), state[float32](&a.v[i], w.Len())
			ok = adamUpdate(w.Float32s(), grads[i].Float32s(), m, v, float32(b1), float32(1-b1), float32(b2), float32(1-b2), float32(eps), float32(a.WeightDecay), float32(step), float32(sbc2))
		case tensor.Float64:
			m, v := state[float64](&a.m[i], w.Len()), state[float64](&a.v[i], w.Len())
			ok = adamUpdate(w.Float64s(), grads[i].Float64s(), m, v, b1, 1-b1, b2, 1-b2, eps, a.WeightDecay, step, sbc2)
		}
		if !ok {
			return fmt.Errorf("train: Adam: weight tensor %d: %w", i, errNonFinite)
		}
	}
	return nil
}

// adamUpdate applies one Adam step; c1 and c2 are 1−b1 and 1−b2, computed
// in float64 as PyTorch does.
func adamUpdate[T float32 | float64](w, g, m, v []T, b1, c1, b2, c2, eps, wd, step, sbc2 T) bool {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	var sum T
	for i := range w {
		d := g[i] + wd*w[i]
		m[i] = b1*m[i] + c1*d
		v[i] = b2*v[i] + c2*d*d
		w[i] -= step * m[i] / (T(math.Sqrt(float64(v[i])))/sbc2 + eps)
		sum += 0 * w[i]
	}
	return sum == 0
}

func orDefault(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

// checkStep checks that weights and grads match each other and the
// optimiser's state, whose slice it allocates at the first step.
func checkStep(name string, weights, grads []*tensor.Dense, st *[]any) error {
	if len(weights) != len(grads) {
		return fmt.Errorf("train: %s step with %d weights and %d gradients", name, len(weights), len(grads))
	}
	if *st == nil {
		*st = make([]any, len(weights))
	} else if len(*st) != len(weights) {
		return fmt.Errorf("train: %s step with %d weights after %d", name, len(weights), len(*st))
	}
	for i, w := range weights {
		g := grads[i]
		if g.Dtype() != w.Dtype() || g.Len() != w.Len() {
			return fmt.Errorf("train: %s: gradient %d (%v %v) does not match its weight (%v %v)", name, i, g.Dtype(), g.Shape(), w.Dtype(), w.Shape())
		}
		if w.Dtype() != tensor.Float32 && w.Dtype() != tensor.Float64 {
			return fmt.Errorf("train: %s: weight %d has unsupported type %v", name, i, w.Dtype())
		}
	}
	return nil
}

// state returns the optimiser state slice in *p, allocating n zeros the
// first time.
func state[T float32 | float64](p *any, n int) []T {
	if *p == nil {
		*p = make([]T, n)
	}
	return (*p).([]T)
}

// Cosine returns the learning rate of step t (counting from 0) of a run of
// total steps under cosine annealing to 0 without warm-up:
//
//	lr·(1 + cos(π·t/total))/2
//
// It is PyTorch's CosineAnnealingLR(T_max = total, eta_min = 0) stepped
// after every optimiser step: step 0 uses lr, and the rate falls smoothly
// to lr·(1 + cos(π·(total−1)/total))/2 at the last step. Runs anneal per
// step, not per epoch, so that runs of a few steps anneal too.
func Cosine(lr float64, t, total int) float64 {
	if total <= 0 {
		return lr
	}
	return lr * (1 + math.Cos(math.Pi*float64(t)/float64(total))) / 2
}
