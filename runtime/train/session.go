package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/runtime/nn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// session holds a network's two graphs, built once and reused for every
// step: rebuilding a gorgonia graph per step leaks memory.
type session struct {
	net     *nn.Net
	classes int

	// training graph
	tb      *nn.B
	tvm     G.VM
	tx, ty  []float32 // backing of the input and one-hot target tensors
	loss    *G.Value
	weights []*tensor.Dense
	grads   []*tensor.Dense

	// augmentation of the training batches: none while augRNG is nil
	augPad  int
	augFlip bool
	augRNG  *rand.Rand

	// evaluation graph
	eb     *nn.B
	evm    G.VM
	ex     []float32
	logits *G.Value
	ebatch int
}

// newSession builds the training graph (batch images) and the evaluation
// graph (ebatch images, eval mode) of p's model, in float32.
func newSession(p Program, seed uint64, batch, ebatch int) (_ *session, err error) {
	s := &session{net: nn.NewNet(nn.Float32, seed), classes: p.Classes, ebatch: ebatch}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	c, h, w := p.Input[0], p.Input[1], p.Input[2]

	// Training graph: model, loss, gradients.
	tb, tin, out, err := s.net.Build(nn.Train, p.Model, batch, c, h, w)
	if err != nil {
		return nil, err
	}
	if want := []int{batch, p.Classes}; !slices.Equal(out.Shape(), want) {
		return nil, fmt.Errorf("the model's output has shape %v, want (%d, %d)", out, batch, p.Classes)
	}
	s.tb = tb
	target := tb.Input("target", batch, p.Classes)
	loss, err := buildLoss(tb, out, target)
	if err != nil {
		return nil, err
	}
	s.loss = tb.Read(loss)
	if err := tb.Grads(loss); err != nil {
		return nil, err
	}
	s.tx, err = bind(tin, batch*c*h*w)
	if err != nil {
		return nil, err
	}
	s.ty, err = bind(target, batch*p.Classes)
	if err != nil {
		return nil, err
	}
	if s.tvm, err = tb.Machine(); err != nil {
		return nil, err
	}
	for _, prm := range s.net.Params() {
		s.weights = append(s.weights, prm.Value)
	}

	// Evaluation graph: the same parameters, BatchNorm in eval mode.
	eb, ein, eout, err := s.net.Build(nn.Eval, p.Model, ebatch, c, h, w)
	if err != nil {
		return nil, err
	}
	s.eb = eb
	s.logits = eb.Read(eout)
	if s.ex, err = bind(ein, ebatch*c*h*w); err != nil {
		return nil, err
	}
	if s.evm, err = eb.Machine(); err != nil {
		return nil, err
	}
	return s, nil
}

// buildLoss adds the mean cross-entropy, turning a panic into an error.
func buildLoss(b *nn.B, out, target nn.X) (loss nn.X, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the loss: %v", r)
		}
	}()
	return b.CrossEntropy(out, target), nil
}

// bind gives the input x a preallocated float32 tensor and returns its
// backing slice, which each step overwrites.
func bind(x nn.X, n int) ([]float32, error) {
	buf := make([]float32, n)
	t := tensor.New(tensor.WithShape(x.Shape()...), tensor.WithBacking(buf))
	if err := G.Let(x.Node(), t); err != nil {
		return nil, err
	}
	return buf, nil
}

// augmentSeed separates the augmentation's random stream from the
// parameters' and the batches', which derive from the same seed.
const augmentSeed = 0x6175676d656e74

// setAugment makes step augment the training batches as mode asks (one of
// the Augment constants, "" meaning none), for images of height h, with
// random draws derived from seed.
func (s *session) setAugment(mode string, h int, seed uint64) {
	s.augPad, s.augFlip, s.augRNG = 0, false, nil
	switch mode {
	case AugmentFlip:
		s.augFlip = true
	case AugmentCropFlip:
		s.augPad, s.augFlip = data.CropPad(h), true
	default:
		return
	}
	s.augRNG = rand.New(rand.NewPCG(seed, augmentSeed))
}

// releaseTraining frees the training graph's per-run memory once training
// is over, and collects it, so that evaluating reuses it instead of raising
// the peak. The parameters stay; step must not be called after.
func (s *session) releaseTraining() {
	s.tb.Release()
	if s.tvm != nil {
		s.tvm.Close()
		s.tvm = nil // its instructions keep gorgonia's preallocated values
	}
	s.grads, s.loss = nil, nil
	runtime.GC()
}

func (s *session) close() {
	if s.tvm != nil {
		s.tvm.Close()
	}
	if s.evm != nil {
		s.evm.Close()
	}
}

// step runs one optimiser step on the images idx of set and returns the loss.
func (s *session) step(set *data.Set, idx []int, opt Optimizer) (float64, error) {
	data.Fill(set, idx, s.tx, s.ty)
	if s.augRNG != nil {
		data.Augment(set, s.tx, len(idx), s.augPad, s.augFlip, s.augRNG)
	}
	defer s.tvm.Reset()
	if err := s.tvm.RunAll(); err != nil {
		return 0, err
	}
	loss := float64((*s.loss).Data().(float32))
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, nil
	}
	if s.grads == nil {
		for _, n := range s.tb.ParamNodes() {
			g, err := n.Grad()
			if err != nil {
				return 0, fmt.Errorf("gradient of %v: %w", n, err)
			}
			d, ok := g.(*tensor.Dense)
			if !ok {
				return 0, fmt.Errorf("gradient of %v is a %T", n, g)
			}
			s.grads = append(s.grads, d)
		}
	}
	if err := opt.Step(s.weights, s.grads); err != nil {
		return 0, err
	}
	for _, g := range s.grads {
		g.Zero() // the machine adds each run's gradient to these
	}
	return loss, nil
}

// evaluate returns the accuracy and the mean cross-entropy on set, in
// batches of s.ebatch with the last one padded with zeros. stop is checked
// before every batch.
func (s *session) evaluate(set *data.Set, stop func() *failure) (acc, loss float64, err error) {
	n := set.Len()
	idx := make([]int, 0, s.ebatch)
	correct := 0
	var total float64
	imgSize := len(s.ex) / s.ebatch
	for start := 0; start < n; start += s.ebatch {
		if f := stop(); f != nil {
			return 0, 0, f
		}
		k := min(s.ebatch, n-start)
		idx = idx[:0]
		for i := start; i < start+k; i++ {
			idx = append(idx, i)
		}
		data.Fill(set, idx, s.ex, nil)
		clear(s.ex[k*imgSize:])
		s.evm.Reset()
		if err := s.evm.RunAll(); err != nil {
			return 0, 0, fmt.Errorf("evaluating: %w", err)
		}
		logits := (*s.logits).Data().([]float32)
		for j := 0; j < k; j++ {
			row := logits[j*s.classes : (j+1)*s.classes]
			label := set.Labels[start+j]
			best, max := 0, math.Inf(-1)
			for c, v := range row {
				if float64(v) > max {
					best, max = c, float64(v)
				}
			}
			if best == label {
				correct++
			}
			var z float64
			for _, v := range row {
				z += math.Exp(float64(v) - max)
			}
			total += max + math.Log(z) - float64(row[label])
		}
	}
	return float64(correct) / float64(n), total / float64(n), nil
}
