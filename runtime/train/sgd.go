package train

import (
	"fmt"

	"gorgonia.org/tensor"
)

// SGD is stochastic gradient descent with momentum and weight decay, with
// PyTorch's update rule (dampening 0, no Nesterov):
//
//	d = g + WeightDecay·w
//	v = Momentum·v + d      (v starts at 0)
//	w = w − LR·v
//
// gorgonia's own Momentum solver is not used: its L2 term is computed from
// the velocity instead of the weights.
type SGD struct {
	LR, Momentum, WeightDecay float64

	velocity []any // []float32 or []float64, one per weight tensor
}

// Step updates every weight tensor in place from its gradient. The weights
// and their order must be the same at every call.
func (s *SGD) Step(weights, grads []*tensor.Dense) error {
	if len(weights) != len(grads) {
		return fmt.Errorf("train: SGD step with %d weights and %d gradients", len(weights), len(grads))
	}
	if s.velocity == nil {
		s.velocity = make([]any, len(weights))
	} else if len(s.velocity) != len(weights) {
		return fmt.Errorf("train: SGD step with %d weights after %d", len(weights), len(s.velocity))
	}
	for i, w := range weights {
		g := grads[i]
		if g.Dtype() != w.Dtype() || g.Len() != w.Len() {
			return fmt.Errorf("train: SGD: gradient %d (%v %v) does not match its weight (%v %v)", i, g.Dtype(), g.Shape(), w.Dtype(), w.Shape())
		}
		switch w.Dtype() {
		case tensor.Float32:
			if s.velocity[i] == nil {
				s.velocity[i] = make([]float32, w.Len())
			}
			update(w.Float32s(), g.Float32s(), s.velocity[i].([]float32), float32(s.LR), float32(s.Momentum), float32(s.WeightDecay))
		case tensor.Float64:
			if s.velocity[i] == nil {
				s.velocity[i] = make([]float64, w.Len())
			}
			update(w.Float64s(), g.Float64s(), s.velocity[i].([]float64), s.LR, s.Momentum, s.WeightDecay)
		default:
			return fmt.Errorf("train: SGD: weight %d has unsupported type %v", i, w.Dtype())
		}
	}
	return nil
}

func update[T float32 | float64](w, g, v []T, lr, mu, wd T) {
	v = v[:len(w)]
	g = g[:len(w)]
	for i := range w {
		v[i] = mu*v[i] + g[i] + wd*w[i]
		w[i] -= lr * v[i]
	}
}
