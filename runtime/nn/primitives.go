package nn

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Layers of the search spaces' primitives beyond the basic ones of
// layers.go: depthwise convolution, instance and layer norm, pooling, the
// NAS-Bench-201 residual block, zero, concatenation, and the elementwise
// functions of the activation-function space.

// DWConv describes a depthwise 2-D convolution without bias: each channel
// is convolved with its own K×K kernel; the output has the input's
// channels. Stride and Dilation 0 mean 1; the padding is "same",
// Dilation·(K/2).
type DWConv struct {
	K, Stride, Dilation int
}

// DWConv applies the depthwise convolution c to the 4-D tensor x. The
// weight, shaped (C, 1, K, K) as PyTorch's Conv2d with groups=C, is
// initialised He-normal with fan_in = K·K: K·K·C parameters.
func (b *B) DWConv(x X, c DWConv) X {
	need4D("DWConv", x)
	if c.K <= 0 || c.Stride < 0 || c.Dilation < 0 {
		panic(fmt.Sprintf("nn: DWConv%+v on %v: K must be positive, Stride and Dilation not negative", c, x))
	}
	c.Stride, c.Dilation = max(c.Stride, 1), max(c.Dilation, 1)
	ch := x.Shape()[1]
	name := b.name("dwconv")
	w := b.param(name+".w", []int{ch, 1, c.K, c.K}, func(t *tensor.Dense) { b.net.heNormal(t, c.K*c.K) })
	op := &dwConvOp{opBase: newBase(name), k: c.K, stride: c.Stride, pad: padding(0, c.K, c.Dilation), dil: c.Dilation}
	y, err := G.ApplyOp(op, x.n, w)
	out := must("DWConv", x, y, err)
	b.flops += 2 * int64(c.K*c.K) * perImage(out)
	return out
}

// InstanceNorm normalises each channel of each image of the 4-D x over its
// H×W positions, then scales and shifts it by learnable per-channel γ
// (ones) and β (zeros), shaped (1, C, 1, 1): 2·C parameters. It uses the
// input's own statistics in training and evaluation alike (PyTorch's
// InstanceNorm2d(C, affine=True)).
func (b *B) InstanceNorm(x X) X { return b.norm("instancenorm", x, false) }

// LayerNorm normalises each image of the 4-D x over all its (C, H, W)
// values, then scales and shifts it elementwise by learnable γ (ones) and
// β (zeros), shaped (1, C, H, W): 2·C·H·W parameters, as PyTorch's
// LayerNorm([C, H, W]).
func (b *B) LayerNorm(x X) X { return b.norm("layernorm", x, true) }

func (b *B) norm(kind string, x X, layer bool) X {
	need4D(kind, x)
	s := x.Shape()
	shape := []int{1, s[1], 1, 1}
	if layer {
		shape = []int{1, s[1], s[2], s[3]}
	}
	name := b.name(kind)
	scale := b.param(name+".scale", shape, func(t *tensor.Dense) { constant(t, 1) })
	bias := b.param(name+".bias", shape, func(t *tensor.Dense) { constant(t, 0) })
	op := &normOp{opBase: newBase(name), layer: layer, eps: BNEpsilon}
	y, err := G.ApplyOp(op, x.n, scale, bias)
	b.flops += 4 * perImage(x)
	return must(kind, x, y, err)
}

// Pool describes K×K pooling with stride Stride (0 means 1) and zero
// padding Pad on each side (0 means K/2; [NoPad] means none).
type Pool struct {
	K, Stride, Pad int
}

// AvgPool averages each K×K window of the 4-D x. Windows are clipped to the
// image, and an average divides by the positions inside it, as PyTorch's
// AvgPool2d(count_include_pad=False). With padding K/2 and an odd K the
// output is ceil(H/Stride)×ceil(W/Stride).
func (b *B) AvgPool(x X, p Pool) X { return b.pool("avgpool", x, p, false, false) }

// MaxPool takes the maximum of each K×K window of the 4-D x, ignoring the
// padding.
func (b *B) MaxPool(x X, p Pool) X { return b.pool("maxpool", x, p, true, false) }

// pool adds a pooling op; ceil rounds the output size up (PyTorch's
// ceil_mode), so that every input position is in some window.
func (b *B) pool(kind string, x X, p Pool, isMax, ceil bool) X {
	need4D(kind, x)
	if p.K <= 0 || p.Stride < 0 || p.Pad < NoPad {
		panic(fmt.Sprintf("nn: %s%+v on %v: K must be positive, Stride and Pad not negative", kind, p, x))
	}
	p.Stride = max(p.Stride, 1)
	pad := padding(p.Pad, p.K, 1)
	if pad >= p.K {
		panic(fmt.Sprintf("nn: %s%+v on %v: the padding must be smaller than the window", kind, p, x))
	}
	s := x.Shape()
	size := func(h int) int {
		span := h + 2*pad - p.K
		if ceil {
			return (span+p.Stride-1)/p.Stride + 1
		}
		return span/p.Stride + 1
	}
	oh, ow := size(s[2]), size(s[3])
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: %s%+v on %v: the input is smaller than the window", kind, p, x))
	}
	op := &poolOp{opBase: newBase(kind), max: isMax, k: p.K, stride: p.Stride, pad: pad, oh: oh, ow: ow, xshape: tensor.Shape(s).Clone(), ws: b.ws}
	op.bounds()
	y, err := G.ApplyOp(op, x.n)
	out := must(kind, x, y, err)
	b.flops += int64(p.K*p.K) * perImage(out)
	return out
}

// ResBlock is the residual block of NAS-Bench-201 (ResNetBasicblock):
//
//	a = BN(Conv3x3(ReLU(x), stride, pad 1)), conv_a
//	a = BN(Conv3x3(ReLU(a), stride 1, pad 1)), conv_b
//	shortcut = Conv1x1(AvgPool2x2 stride 2(x)) if stride is 2 or the channels change, else x
//	out = a + shortcut
//
// out 0 means C·stride channels; stride 0 means 1. The convolutions have
// no bias and the shortcut no BatchNorm: 9·C·out + 2·out + 9·out² + 2·out
// parameters, plus C·out for the shortcut convolution. The shortcut's
// pooling rounds up (ceil mode) so that its size matches the convolutions'
// on odd inputs; on even inputs that is PyTorch's AvgPool2d(2, 2).
func (b *B) ResBlock(x X, stride, out int) X {
	need4D("ResBlock", x)
	if stride < 0 || out < 0 {
		panic(fmt.Sprintf("nn: ResBlock(stride %d, out %d) on %v: stride and out must not be negative", stride, out, x))
	}
	stride = max(stride, 1)
	in := x.Shape()[1]
	if out == 0 {
		out = in * stride
	}
	a := b.BatchNorm(b.Conv(b.ReLU(x), Conv{K: 3, Out: out, Stride: stride}))
	a = b.BatchNorm(b.Conv(b.ReLU(a), Conv{K: 3}))
	short := x
	if stride != 1 || in != out {
		if stride != 1 {
			short = b.pool("avgpool", short, Pool{K: stride, Stride: stride, Pad: NoPad}, false, true)
		}
		short = b.Conv(short, Conv{K: 1, Out: out})
	}
	return b.Add(a, short)
}

// Zero returns zeros of x's shape. No gradient flows back through it: the
// edge it stands for is absent.
func (b *B) Zero(x X) X { return b.Func("zero", x) }

// Concat concatenates 4-D (or 2-D) tensors along the channel axis; the other
// dimensions must agree.
func (b *B) Concat(xs ...X) X {
	if len(xs) == 0 {
		panic("nn: Concat of no tensors")
	}
	ns := make([]*G.Node, len(xs))
	for i, x := range xs {
		if x.n == nil {
			panic(fmt.Sprintf("nn: Concat: operand %d is a nil tensor", i+1))
		}
		s, s0 := x.Shape(), xs[0].Shape()
		if len(s) != len(s0) || len(s) < 2 {
			panic(fmt.Sprintf("nn: Concat: operand %d has shape %v, operand 1 %v", i+1, x, xs[0]))
		}
		for d := range s {
			if d != 1 && s[d] != s0[d] {
				panic(fmt.Sprintf("nn: Concat: operand %d has shape %v, operand 1 %v: only the channels may differ", i+1, x, xs[0]))
			}
		}
		ns[i] = x.n
	}
	if len(xs) == 1 {
		return xs[0]
	}
	y, err := G.Concat(1, ns...)
	return must("Concat", xs[0], y, err)
}

// HardSwish applies x·ReLU6(x + 3)/6.
func (b *B) HardSwish(x X) X { return b.Func("hardswish", x) }

// Mish applies x·tanh(softplus(x)).
func (b *B) Mish(x X) X { return b.Func("mish", x) }

// Sigmoid applies 1/(1 + exp(−x)).
func (b *B) Sigmoid(x X) X { return b.Func("sigmoid", x) }

// Tanh applies the hyperbolic tangent.
func (b *B) Tanh(x X) X { return b.Func("tanh", x) }

// Func applies the named elementwise function (see [Funcs]) to x:
//
//	neg −x; abs |x|; sqrt √|x| (its derivative uses |x| ≥ 1e-6);
//	log log(|x| + 1e-6); exp, sin, cos, sinh, cosh, tanh, asinh, erf;
//	atanh atanh(x) with x clipped to ±(1 − 1e-6); sinc sin(x)/x (1 at 0);
//	negrelu min(x, 0); softplus log(1 + eˣ); gaussian exp(−x²);
//	sigmoid, hardswish, mish; zero 0 (no gradient).
//
// It panics on an unknown name.
func (b *B) Func(name string, x X) X {
	f, ok := unaryFns[name]
	if !ok {
		panic(fmt.Sprintf("nn: unknown function %q", name))
	}
	return b.apply(name, f, x)
}

// apply adds an elementwise op of the unary f.
func (b *B) apply(name string, f *fn, x X) X {
	if x.n == nil {
		panic(fmt.Sprintf("nn: %s on a nil tensor", name))
	}
	y, err := G.ApplyOp(&elemOp{opBase: newBase(name), fn: f, arity: 1, dims: x.Dims()}, x.n)
	b.flops += perImage(x)
	return must(name, x, y, err)
}

// Pow applies x^p. A non-integer p gives NaN for negative x.
func (b *B) Pow(x X, p float64) X {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		panic(fmt.Sprintf("nn: Pow(%v) on %v: the exponent must be finite", p, x))
	}
	f := unaryFn(func(v float64) float64 { return math.Pow(v, p) },
		func(v float64) float64 {
			if p == 0 {
				return 0
			}
			return p * math.Pow(v, p-1)
		})
	return b.apply("pow", f, x)
}

// Func2 applies the named elementwise function of two tensors of one shape
// (see [Funcs2]): add, sub, mul; div x1/(x2 ± 1e-6), the divisor moved
// away from zero; max, min; bsigmoid sigmoid(x1)·x2; bgaussian_square
// exp(−(x1 − x2)²); bgaussian_abs exp(−|x1 − x2|). It panics on an unknown
// name or mismatched shapes.
func (b *B) Func2(name string, x1, x2 X) X {
	f, ok := binaryFns[name]
	if !ok {
		panic(fmt.Sprintf("nn: unknown binary function %q", name))
	}
	if x1.n == nil || x2.n == nil {
		panic(fmt.Sprintf("nn: %s of a nil tensor", name))
	}
	if !x1.n.Shape().Eq(x2.n.Shape()) {
		panic(fmt.Sprintf("nn: %s: operand 2 has shape %v, but operand 1 has shape %v", name, x2, x1))
	}
	y, err := G.ApplyOp(&elemOp{opBase: newBase(name), fn: f, arity: 2, dims: x1.Dims()}, x1.n, x2.n)
	b.flops += perImage(x1)
	return must(name, x1, y, err)
}

// BGaussian is Func2 "bgaussian_square" (kind "square") or
// "bgaussian_abs" (kind "abs").
func (b *B) BGaussian(x1, x2 X, kind string) X {
	if kind != "square" && kind != "abs" {
		panic(fmt.Sprintf("nn: BGaussian kind %q: want square or abs", kind))
	}
	return b.Func2("bgaussian_"+kind, x1, x2)
}

// The learned-scalar functions: one parameter each.
var (
	scaleFn = &fn{f: func(a, w float64) float64 { return a * w },
		da: func(a, w float64) float64 { return w }, db: func(a, w float64) float64 { return a }}
	shiftFn = &fn{f: func(a, w float64) float64 { return a + w },
		da: func(a, w float64) float64 { return 1 }, db: func(a, w float64) float64 { return 1 }}
	constFn = &fn{f: func(a, w float64) float64 { return w },
		da: func(a, w float64) float64 { return 0 }, db: func(a, w float64) float64 { return 1 }}
)

// scalar applies f(x, w) with a new learned scalar w, shaped (1).
func (b *B) scalar(kind string, f *fn, x X, init float64) X {
	if x.n == nil {
		panic(fmt.Sprintf("nn: %s on a nil tensor", kind))
	}
	name := b.name(kind)
	w := b.param(name+".w", []int{1}, func(t *tensor.Dense) { constant(t, init) })
	y, err := G.ApplyOp(&elemOp{opBase: newBase(name), fn: f, arity: 2, scalar: true, dims: x.Dims()}, x.n, w)
	b.flops += perImage(x)
	return must(kind, x, y, err)
}

// Scale multiplies x by a learned scalar that starts at init.
func (b *B) Scale(x X, init float64) X { return b.scalar("scale", scaleFn, x, init) }

// Shift adds a learned scalar that starts at init to x.
func (b *B) Shift(x X, init float64) X { return b.scalar("shift", shiftFn, x, init) }

// Constant returns a tensor of x's shape filled with a learned scalar that
// starts at init; x's values are ignored.
func (b *B) Constant(x X, init float64) X { return b.scalar("constant", constFn, x, init) }

// WAvg returns w·x1 + (1 − w)·x2 with a learned scalar w that starts at
// init, computed as x2 + w·(x1 − x2).
func (b *B) WAvg(x1, x2 X, init float64) X {
	d := b.Func2("sub", x1, x2)
	return b.Func2("add", b.scalar("wavg", scaleFn, d, init), x2)
}
