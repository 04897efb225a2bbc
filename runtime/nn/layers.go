package nn

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BatchNorm hyper-parameters, as PyTorch's defaults.
const (
	BNMomentum = 0.1  // running = (1-m)·running + m·batch statistic
	BNEpsilon  = 1e-5 // added to the variance
)

// Conv describes a 2-D convolution without bias: K×K kernel, Out output
// channels (0 means as many as the input has), stride Stride (0 means 1),
// dilation Dilation (0 means 1) and zero padding Pad on each side. Pad 0
// means "same" padding, Dilation·(K/2), which with an odd K and stride 1
// keeps the height and width; [NoPad] means no padding.
type Conv struct {
	K, Out, Stride int
	Pad, Dilation  int
}

// NoPad as the Pad of a [Conv] or [Pool] asks for no padding.
const NoPad = -1

// padding resolves a Pad field: 0 is "same" padding, dil·(k/2).
func padding(pad, k, dil int) int {
	switch {
	case pad == NoPad:
		return 0
	case pad == 0:
		return max(dil, 1) * (k / 2)
	}
	return pad
}

// must panics with a message naming the layer when err is not nil.
func must(layer string, x X, n *G.Node, err error) X {
	if err != nil {
		panic(fmt.Sprintf("nn: %s on %v: %v", layer, x, err))
	}
	return X{n}
}

func need4D(layer string, x X) {
	if x.n == nil {
		panic(fmt.Sprintf("nn: %s on a nil tensor", layer))
	}
	if x.Dims() != 4 {
		panic(fmt.Sprintf("nn: %s needs a 4-D (N, C, H, W) tensor, got %v", layer, x))
	}
}

// perImage returns the number of scalars of one image of x.
func perImage(x X) int64 {
	s := x.Shape()
	n := int64(1)
	for _, d := range s[1:] {
		n *= int64(d)
	}
	return n
}

// Conv applies the convolution c to the 4-D tensor x. The weight, shaped
// (Out, C, K, K), is initialised He-normal with fan_in = C·K·K.
//
// It is nn's own op: per image, im2col and one matrix product written
// straight into NCHW, where gorgonia's Conv2d adds a materialised transpose
// of the whole batch. With an even K the output is one larger than the
// input (padding K/2 on both sides).
func (b *B) Conv(x X, c Conv) X {
	need4D("Conv", x)
	if c.K <= 0 || c.Out < 0 || c.Stride < 0 || c.Dilation < 0 || c.Pad < NoPad {
		panic(fmt.Sprintf("nn: Conv%+v on %v: K must be positive, Out, Stride, Dilation and Pad not negative", c, x))
	}
	in := x.Shape()[1]
	if c.Out == 0 {
		c.Out = in
	}
	if c.Stride == 0 {
		c.Stride = 1
	}
	if c.Dilation == 0 {
		c.Dilation = 1
	}
	name := b.name("conv")
	fanIn := in * c.K * c.K
	w := b.param(name+".w", []int{c.Out, in, c.K, c.K}, func(t *tensor.Dense) { b.net.heNormal(t, fanIn) })
	op := &convOp{opBase: newBase(name), k: c.K, stride: c.Stride, pad: padding(c.Pad, c.K, c.Dilation), dil: c.Dilation, ws: b.ws}
	y, err := G.ApplyOp(op, x.n, w)
	out := must("Conv", x, y, err)
	s := out.Shape()
	b.flops += 2 * int64(fanIn) * int64(s[1]*s[2]*s[3])
	return out
}

// BatchNorm normalises x, 2-D (N, C) or 4-D (N, C, H, W), per channel, then
// scales and shifts it by learnable γ (ones) and β (zeros) shaped (1, C) or
// (1, C, 1, 1). In a Train graph it uses the batch statistics and updates the
// running ones (PyTorch convention: momentum 0.1, unbiased running variance);
// in an Eval graph it uses the running statistics, which all graphs of the
// Net share ([Net.Stats]).
//
// This is nn's own op, not gorgonia's BatchNorm: that one resets its running
// statistics whenever a tape machine is created over its graph, needs them
// copied between graphs, and is slow (its per-channel statistics contend
// for one cache line).
func (b *B) BatchNorm(x X) X {
	if x.n == nil || (x.Dims() != 2 && x.Dims() != 4) {
		panic(fmt.Sprintf("nn: BatchNorm needs a 2-D or 4-D tensor, got %v", x))
	}
	name := b.name("bn")
	c := x.Shape()[1]
	shape := []int{1, c}
	if x.Dims() == 4 {
		shape = []int{1, c, 1, 1}
	}
	scale := b.param(name+".scale", shape, func(t *tensor.Dense) { constant(t, 1) })
	bias := b.param(name+".bias", shape, func(t *tensor.Dense) { constant(t, 0) })
	op := &bnOp{opBase: newBase(name), train: b.mode == Train, dims: x.Dims(),
		momentum: BNMomentum, eps: BNEpsilon, stats: b.stats(name, c)}
	y, err := G.ApplyOp(op, x.n, scale, bias)
	b.flops += 2 * perImage(x)
	return must("BatchNorm", x, y, err)
}

// ReLU applies max(x, 0). Its gradient at 0 is 0.
func (b *B) ReLU(x X) X {
	if x.n == nil {
		panic("nn: ReLU on a nil tensor")
	}
	// In place only over the output of another of nn's ops: never over an
	// input's or a constant's values.
	_, inplace := x.n.Op().(interface{ release() })
	base := newBase("relu")
	base.alias = inplace
	y, err := G.ApplyOp(&reluOp{opBase: base, dims: x.Dims(), inplace: inplace}, x.n)
	b.flops += perImage(x)
	return must("ReLU", x, y, err)
}

// Identity returns x.
func (b *B) Identity(x X) X { return x }

// Add returns the element-wise sum of xs, which must all have the same
// shape. It panics naming the shapes when they differ.
func (b *B) Add(xs ...X) X {
	if len(xs) == 0 {
		panic("nn: Add of no tensors")
	}
	for i, x := range xs {
		if x.n == nil {
			panic(fmt.Sprintf("nn: Add: operand %d is a nil tensor", i+1))
		}
		if !x.n.Shape().Eq(xs[0].n.Shape()) {
			panic(fmt.Sprintf("nn: Add: operand %d has shape %v, but operand 1 has shape %v", i+1, x, xs[0]))
		}
	}
	if len(xs) == 1 {
		return xs[0]
	}
	ns := make([]*G.Node, len(xs))
	for i, x := range xs {
		ns[i] = x.n
	}
	// In place only over the output of another of nn's ops.
	_, inplace := xs[0].n.Op().(interface{ release() })
	base := newBase("add")
	y, err := G.ApplyOp(&addOp{opBase: base, n: len(xs), dims: xs[0].Dims(), inplace: inplace}, ns...)
	b.flops += int64(len(xs)-1) * perImage(xs[0])
	return must("Add", xs[0], y, err)
}

// GlobalAvgPool averages each channel of the 4-D x over its H×W positions:
// (N, C, H, W) -> (N, C).
//
// gorgonia's GlobalAveragePool2D has no gradient and its multi-axis
// Mean/Sum give wrong values for spatial sizes above 2×2, so this reshapes to
// (N, C, H·W) and reduces that one axis.
func (b *B) GlobalAvgPool(x X) X {
	need4D("GlobalAvgPool", x)
	s := x.Shape()
	b.flops += perImage(x)
	if s[2]*s[3] == 1 {
		r, err := G.Reshape(x.n, tensor.Shape{s[0], s[1]})
		return must("GlobalAvgPool", x, r, err)
	}
	r, err := G.Reshape(x.n, tensor.Shape{s[0], s[1], s[2] * s[3]})
	flat := must("GlobalAvgPool", x, r, err)
	m, err := G.Mean(flat.n, 2)
	return must("GlobalAvgPool", x, m, err)
}

// Linear applies an affine map to out features: x·W + b, with W shaped
// (in, out) and b shaped (1, out), both initialised U(±1/√in). A 4-D x is
// flattened to (N, C·H·W) first.
func (b *B) Linear(x X, out int) X {
	if x.n == nil || (x.Dims() != 2 && x.Dims() != 4) {
		panic(fmt.Sprintf("nn: Linear needs a 2-D or 4-D tensor, got %v", x))
	}
	if out <= 0 {
		panic(fmt.Sprintf("nn: Linear on %v to %d features: the count must be positive", x, out))
	}
	s := x.Shape()
	if len(s) == 4 {
		r, err := G.Reshape(x.n, tensor.Shape{s[0], s[1] * s[2] * s[3]})
		x = must("Linear", x, r, err)
	}
	in := x.Shape()[1]
	name := b.name("linear")
	bound := 1 / math.Sqrt(float64(in))
	w := b.param(name+".w", []int{in, out}, func(t *tensor.Dense) { b.net.uniform(t, bound) })
	bias := b.param(name+".b", []int{1, out}, func(t *tensor.Dense) { b.net.uniform(t, bound) })
	y, err := G.Mul(x.n, w)
	xw := must("Linear", x, y, err)
	y, err = G.BroadcastAdd(xw.n, bias, nil, []byte{0})
	b.flops += 2*int64(in)*int64(out) + int64(out)
	return must("Linear", x, y, err)
}

// CrossEntropy returns the mean over the batch of the cross-entropy between
// softmax(logits) and target, both (N, classes); target holds one-hot rows
// (or any distributions). The result is a scalar. It is one fused op with
// a max-shifted log-sum-exp, finite for any finite logits; the target gets
// no gradient.
func (b *B) CrossEntropy(logits, target X) X {
	if logits.n == nil || target.n == nil || logits.Dims() != 2 || !logits.n.Shape().Eq(target.n.Shape()) {
		panic(fmt.Sprintf("nn: CrossEntropy needs logits and targets of the same (N, classes) shape, got %v and %v", logits, target))
	}
	y, err := G.ApplyOp(&ceOp{opBase: newBase("ce")}, logits.n, target.n)
	return must("CrossEntropy", logits, y, err)
}
