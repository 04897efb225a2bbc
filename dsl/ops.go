package dsl

import (
	"math"
	"sort"
	"strings"
)

// OpSpec is the signature of a runtime operation usable on the right side
// of `primitive`, `stem` and `head`: its parameters, how many tensors it
// takes, what it does to the shape of its input, and whether the runtime
// and code generator implement it yet.
type OpSpec struct {
	Name   string
	Params []OpParam // in positional order
	Doc    string

	// Inputs is the operation's tensor arity: 1 (the default when 0) for
	// an operation on one tensor, 2 for a binary tensor function such as
	// add. A primitive whose pipeline starts with a binary operation fills
	// a binary slot of a topology: `out = op(u1(in), u2(in))`.
	Inputs int

	// Effect says what the operation does to a (channels, height, width)
	// shape; see OutShape.
	Effect Effect

	// Runtime reports whether runtime/nn and codegen implement the
	// operation. The checker accepts every operation of Ops; codegen
	// refuses an architecture that uses one whose Runtime is false.
	Runtime bool
}

// Arity is the operation's tensor arity, 1 or 2.
func (s *OpSpec) Arity() int {
	if s.Inputs == 0 {
		return 1
	}
	return s.Inputs
}

// Effect is the shape effect of an operation.
type Effect int

const (
	// SameShape keeps (C, H, W): elementwise functions, normalisations,
	// identity, zero.
	SameShape Effect = iota
	// Spatial is a convolution or pooling with a kernel k, an optional
	// dilation d (1 when absent), padding p = d*(k/2) and an optional
	// stride s: H becomes (H + 2p - d*(k-1) - 1)/s + 1, rounded down, which
	// for an odd k is ceil(H/s); W likewise. C becomes the argument out
	// when the operation has one and it is not 0.
	Spatial
	// Residual is a residual block: H and W are divided by stride (rounded
	// up), C becomes out, or C*stride when out is 0.
	Residual
	// GlobalPool averages over H and W: (C, H, W) -> (C, 1, 1).
	GlobalPool
	// Dense is a fully connected layer: (C, H, W) -> (out, 1, 1), out 0
	// meaning the number of classes.
	Dense
)

// ParamKind says what values a parameter takes.
type ParamKind int

const (
	IntParam   ParamKind = iota // a whole number; K, M, G units allowed
	FloatParam                  // a plain number such as 0.5
	EnumParam                   // a string or name out of Choices
)

// OpParam is one parameter of an operation. A parameter without a default
// (Required) must be given.
type OpParam struct {
	Name     string
	Default  float64
	Required bool
	Min      float64 // smallest allowed value (IntParam)
	Kind     ParamKind
	Choices  []string // EnumParam; the first is the default
}

func unary(name, doc string) *OpSpec { return &OpSpec{Name: name, Doc: doc} }

func binary(name, doc string, params ...OpParam) *OpSpec {
	return &OpSpec{Name: name, Doc: doc, Inputs: 2, Params: params}
}

func withParams(s *OpSpec, params ...OpParam) *OpSpec { s.Params = params; return s }

func init() {
	for _, s := range []*OpSpec{
		unary("hardswish", "x * relu6(x + 3) / 6"),
		unary("mish", "x * tanh(softplus(x))"),
		unary("sigmoid", "1 / (1 + exp(-x))"),
		unary("tanh", "hyperbolic tangent"),
		unary("zero", "zeros of the input's shape: the edge is absent (pruned)"),
		unary("instancenorm", "normalisation over height and width, per example and channel"),
		unary("layernorm", "normalisation over (C, H, W), per example"),
		unary("neg", "-x"),
		unary("abs", "|x|"),
		withParams(unary("pow", "x^p"), OpParam{Name: "p", Required: true, Kind: FloatParam}),
		unary("sqrt", "sqrt(|x|) (safe for negative inputs)"),
		withParams(unary("scale", "w * x with a learned scalar w"), OpParam{Name: "init", Default: 1, Kind: FloatParam}),
		withParams(unary("shift", "x + w with a learned scalar w"), OpParam{Name: "init", Default: 0, Kind: FloatParam}),
		unary("log", "log(|x| + eps)"),
		unary("exp", "exp(x)"),
		unary("sin", "sin(x)"),
		unary("cos", "cos(x)"),
		unary("sinh", "sinh(x)"),
		unary("cosh", "cosh(x)"),
		unary("asinh", "asinh(x)"),
		unary("atanh", "atanh(x) (input clipped to (-1, 1))"),
		unary("sinc", "sin(x) / x"),
		unary("negrelu", "min(x, 0)"),
		unary("softplus", "log(1 + exp(x))"),
		unary("gaussian", "exp(-x^2)"),
		unary("erf", "the error function"),
		withParams(unary("constant", "a learned scalar, ignoring the input"), OpParam{Name: "init", Default: 1, Kind: FloatParam}),
		binary("add", "x1 + x2"),
		binary("mul", "x1 * x2"),
		binary("sub", "x1 - x2"),
		binary("div", "x1 / (x2 + eps), eps = 1e-6 with the sign of x2"),
		binary("max", "max(x1, x2)"),
		binary("min", "min(x1, x2)"),
		binary("bsigmoid", "sigmoid(x1) * x2"),
		binary("bgaussian", "exp(-(x1 - x2)^2) (kind square) or exp(-|x1 - x2|) (kind abs)",
			OpParam{Name: "kind", Kind: EnumParam, Choices: []string{"square", "abs"}}),
		binary("wavg", "w * x1 + (1 - w) * x2 with a learned w",
			OpParam{Name: "init", Default: 0.5, Kind: FloatParam}),
	} {
		s.Runtime = true
		Ops[s.Name] = s
	}
}

// Ops lists the runtime operations the language knows, by name.
var Ops = map[string]*OpSpec{
	"conv": {Name: "conv", Doc: "k x k convolution, padding dilation*(k/2), no bias; out 0 keeps the channels", Effect: Spatial, Runtime: true,
		Params: []OpParam{{Name: "k", Required: true, Min: 1}, {Name: "out", Min: 0}, {Name: "stride", Default: 1, Min: 1}, {Name: "dilation", Default: 1, Min: 1}}},
	"dwconv": {Name: "dwconv", Doc: "k x k depthwise convolution, padding dilation*(k/2), no bias; keeps the channels", Effect: Spatial, Runtime: true,
		Params: []OpParam{{Name: "k", Required: true, Min: 1}, {Name: "stride", Default: 1, Min: 1}, {Name: "dilation", Default: 1, Min: 1}}},
	"avgpool": {Name: "avgpool", Doc: "k x k average pooling, padding k/2, the padding not counted", Effect: Spatial, Runtime: true,
		Params: []OpParam{{Name: "k", Required: true, Min: 1}, {Name: "stride", Default: 1, Min: 1}}},
	"maxpool": {Name: "maxpool", Doc: "k x k max pooling, padding k/2", Effect: Spatial, Runtime: true,
		Params: []OpParam{{Name: "k", Required: true, Min: 1}, {Name: "stride", Default: 1, Min: 1}}},
	"resblock": {Name: "resblock", Doc: "NAS-Bench-201 residual block: two 3x3 convolutions and a shortcut; divides H and W by stride; out 0 means C*stride", Effect: Residual, Runtime: true,
		Params: []OpParam{{Name: "stride", Default: 1, Min: 1}, {Name: "out", Min: 0}}},
	"batchnorm":     {Name: "batchnorm", Doc: "batch normalisation over the channels", Runtime: true},
	"relu":          {Name: "relu", Doc: "max(x, 0)", Runtime: true},
	"identity":      {Name: "identity", Doc: "the input unchanged", Runtime: true},
	"globalavgpool": {Name: "globalavgpool", Doc: "mean over height and width: (C, H, W) -> (C)", Effect: GlobalPool, Runtime: true},
	"linear": {Name: "linear", Doc: "fully connected layer; out 0 means the number of classes", Effect: Dense, Runtime: true,
		Params: []OpParam{{Name: "out", Min: 0}}},
}

// OutShape is the shape the operation gives for an input of shape in;
// classes is the number of classes (linear with out 0).
func (o *Op) OutShape(in Shape, classes int) Shape {
	ceilDiv := func(a, b int) int {
		if b <= 1 {
			return a
		}
		return (a + b - 1) / b
	}
	switch o.Spec.Effect {
	case Spatial:
		s, k, d := max(o.Arg("stride"), 1), o.Arg("k"), max(o.Arg("dilation"), 1)
		size := func(h int) int {
			if k <= 0 || h <= 0 {
				return ceilDiv(h, s)
			}
			return max((h+2*d*(k/2)-d*(k-1)-1)/s+1, 0)
		}
		out := Shape{in.C, size(in.H), size(in.W)}
		if c := o.Arg("out"); c > 0 {
			out.C = c
		}
		return out
	case Residual:
		s := max(o.Arg("stride"), 1)
		out := Shape{min(in.C*s, min(1<<40, math.MaxInt)), ceilDiv(in.H, s), ceilDiv(in.W, s)} // the cap fits a 32-bit int too
		if c := o.Arg("out"); c > 0 {
			out.C = c
		}
		return out
	case GlobalPool:
		return Shape{in.C, 1, 1}
	case Dense:
		c := o.Arg("out")
		if c == 0 {
			c = classes
		}
		return Shape{c, 1, 1}
	}
	return in
}

func opNames() string {
	names := make([]string, 0, len(Ops))
	for n := range Ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
