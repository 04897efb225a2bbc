package nn

import (
	"fmt"
	"math"
	"sort"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// fn is an elementwise function of one or two arguments with its partial
// derivatives: y = f(a, b), ∂y/∂a = da(a, b), ∂y/∂b = db(a, b). A unary
// function ignores b; its db is nil.
type fn struct {
	f, da, db func(a, b float64) float64
}

// Small constants of the activation-function space.
const (
	logEps   = 1e-6     // log(|x| + logEps)
	divEps   = 1e-6     // the smallest divisor of div
	sqrtMin  = 1e-6     // sqrt's derivative uses |x| >= sqrtMin
	atanhLim = 1 - 1e-6 // atanh clips its input to ±atanhLim
)

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func softplus(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

// mish is x·tanh(softplus(x)) with one exponential: with e = eˣ,
// tanh(log(1 + e)) = n/(n + 2), n = e² + 2e.
func mish(x float64) float64 {
	if x > 20 {
		return x
	}
	e := math.Exp(x)
	n := e * (e + 2)
	return x * n / (n + 2)
}

// mishGrad is mish's derivative, tanh(sp) + x·sigmoid(x)·(1 − tanh²(sp)),
// in the same terms: t = n/(n+2), 1 − t² = 4(n+1)/(n+2)², sigmoid = e/(1+e).
func mishGrad(x float64) float64 {
	if x > 20 {
		return 1
	}
	e := math.Exp(x)
	n := e * (e + 2)
	d := n + 2
	return n/d + x*e/(1+e)*4*(n+1)/(d*d)
}

func unaryFn(f, d func(x float64) float64) *fn {
	return &fn{f: func(a, _ float64) float64 { return f(a) }, da: func(a, _ float64) float64 { return d(a) }}
}

// unaryFns are the parameterless unary functions of [B.Func], by name.
var unaryFns = map[string]*fn{
	"neg": unaryFn(func(x float64) float64 { return -x }, func(float64) float64 { return -1 }),
	"abs": unaryFn(math.Abs, sign),
	"sqrt": unaryFn(func(x float64) float64 { return math.Sqrt(math.Abs(x)) },
		func(x float64) float64 { return sign(x) / (2 * math.Sqrt(max(math.Abs(x), sqrtMin))) }),
	"log": unaryFn(func(x float64) float64 { return math.Log(math.Abs(x) + logEps) },
		func(x float64) float64 { return sign(x) / (math.Abs(x) + logEps) }),
	"exp":   unaryFn(math.Exp, math.Exp),
	"sin":   unaryFn(math.Sin, math.Cos),
	"cos":   unaryFn(math.Cos, func(x float64) float64 { return -math.Sin(x) }),
	"sinh":  unaryFn(math.Sinh, math.Cosh),
	"cosh":  unaryFn(math.Cosh, math.Sinh),
	"tanh":  unaryFn(math.Tanh, func(x float64) float64 { t := math.Tanh(x); return 1 - t*t }),
	"asinh": unaryFn(math.Asinh, func(x float64) float64 { return 1 / math.Sqrt(x*x+1) }),
	"atanh": unaryFn(func(x float64) float64 { return math.Atanh(min(max(x, -atanhLim), atanhLim)) },
		func(x float64) float64 {
			if x <= -atanhLim || x >= atanhLim {
				return 0
			}
			return 1 / (1 - x*x)
		}),
	"sinc": unaryFn(func(x float64) float64 {
		if math.Abs(x) < 1e-4 {
			return 1 - x*x/6
		}
		return math.Sin(x) / x
	}, func(x float64) float64 {
		if math.Abs(x) < 1e-4 {
			return -x / 3
		}
		return (x*math.Cos(x) - math.Sin(x)) / (x * x)
	}),
	"negrelu": unaryFn(func(x float64) float64 { return min(x, 0) }, func(x float64) float64 {
		if x < 0 {
			return 1
		}
		return 0
	}),
	"softplus": unaryFn(softplus, sigmoid),
	"gaussian": unaryFn(func(x float64) float64 { return math.Exp(-x * x) },
		func(x float64) float64 { return -2 * x * math.Exp(-x*x) }),
	"erf":     unaryFn(math.Erf, func(x float64) float64 { return 2 / math.SqrtPi * math.Exp(-x*x) }),
	"sigmoid": unaryFn(sigmoid, func(x float64) float64 { s := sigmoid(x); return s * (1 - s) }),
	"hardswish": unaryFn(func(x float64) float64 { return x * min(max(x+3, 0), 6) / 6 }, func(x float64) float64 {
		switch {
		case x < -3:
			return 0
		case x > 3:
			return 1
		}
		return (2*x + 3) / 6
	}),
	"mish": unaryFn(mish, mishGrad),
	// zero: zeros of the input's shape; no gradient flows through.
	"zero": unaryFn(func(float64) float64 { return 0 }, func(float64) float64 { return 0 }),
}

// binaryFns are the functions of [B.Func2], by name.
var binaryFns = map[string]*fn{
	"add": {f: func(a, b float64) float64 { return a + b },
		da: func(a, b float64) float64 { return 1 }, db: func(a, b float64) float64 { return 1 }},
	"mul": {f: func(a, b float64) float64 { return a * b },
		da: func(a, b float64) float64 { return b }, db: func(a, b float64) float64 { return a }},
	"sub": {f: func(a, b float64) float64 { return a - b },
		da: func(a, b float64) float64 { return 1 }, db: func(a, b float64) float64 { return -1 }},
	"div": {f: func(a, b float64) float64 { return a / divisor(b) },
		da: func(a, b float64) float64 { return 1 / divisor(b) },
		db: func(a, b float64) float64 { d := divisor(b); return -a / (d * d) }},
	"max": {f: math.Max,
		da: func(a, b float64) float64 { return float64(btoi(a >= b)) },
		db: func(a, b float64) float64 { return float64(btoi(a < b)) }},
	"min": {f: math.Min,
		da: func(a, b float64) float64 { return float64(btoi(a <= b)) },
		db: func(a, b float64) float64 { return float64(btoi(a > b)) }},
	"bsigmoid": {f: func(a, b float64) float64 { return sigmoid(a) * b },
		da: func(a, b float64) float64 { s := sigmoid(a); return s * (1 - s) * b },
		db: func(a, b float64) float64 { return sigmoid(a) }},
	"bgaussian_square": {f: func(a, b float64) float64 { return math.Exp(-(a - b) * (a - b)) },
		da: func(a, b float64) float64 { return -2 * (a - b) * math.Exp(-(a-b)*(a-b)) },
		db: func(a, b float64) float64 { return 2 * (a - b) * math.Exp(-(a-b)*(a-b)) }},
	"bgaussian_abs": {f: func(a, b float64) float64 { return math.Exp(-math.Abs(a - b)) },
		da: func(a, b float64) float64 { return -sign(a-b) * math.Exp(-math.Abs(a-b)) },
		db: func(a, b float64) float64 { return sign(a-b) * math.Exp(-math.Abs(a-b)) }},
}

// divisor is b moved away from zero by divEps: div never divides by less.
func divisor(b float64) float64 {
	if b < 0 {
		return b - divEps
	}
	return b + divEps
}

// Funcs returns the names [B.Func] accepts, sorted.
func Funcs() []string { return sortedKeys(unaryFns) }

// Funcs2 returns the names [B.Func2] accepts, sorted.
func Funcs2() []string { return sortedKeys(binaryFns) }

func sortedKeys(m map[string]*fn) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// elemOp applies fn elementwise: y = f(a) (arity 1) or y = f(a, b) (arity
// 2). With scalar, b is a one-element tensor (a learned scalar) broadcast
// over a; otherwise a and b have one shape.
type elemOp struct {
	opBase
	fn     *fn
	arity  int
	scalar bool
	dims   int
}

func (op *elemOp) Arity() int { return op.arity }
func (op *elemOp) Type() hm.Type {
	t := tensorType(op.dims)
	if op.arity == 1 {
		return hm.NewFnType(t, t)
	}
	if op.scalar {
		return hm.NewFnType(t, tensorType(1), t)
	}
	return hm.NewFnType(t, t, t)
}
func (op *elemOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, ok := ns[0].(tensor.Shape)
	if !ok || len(ns) != op.arity {
		return nil, fmt.Errorf("nn.%s: bad inputs %v", op.name, ns)
	}
	return x.Clone(), nil
}

func (op *elemOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, op.arity)
	if err != nil {
		return nil, err
	}
	a := in[0]
	if err := op.checkB(in); err != nil {
		return nil, err
	}
	y := op.output(a.Dtype(), a.Shape())
	if a.Dtype() == tensor.Float32 {
		elemForward(op, slices32(in), y.Float32s())
	} else {
		elemForward(op, slices64(in), y.Float64s())
	}
	return y, nil
}

// checkB checks the second input's size.
func (op *elemOp) checkB(in []*tensor.Dense) error {
	if op.arity == 1 {
		return nil
	}
	if op.scalar && in[1].Len() != 1 || !op.scalar && !in[1].Shape().Eq(in[0].Shape()) {
		return fmt.Errorf("nn.%s: operands %v and %v", op.name, in[0].Shape(), in[1].Shape())
	}
	return nil
}

func slices32(in []*tensor.Dense) [][]float32 {
	s := make([][]float32, len(in))
	for i, d := range in {
		s[i] = d.Float32s()
	}
	return s
}

func slices64(in []*tensor.Dense) [][]float64 {
	s := make([][]float64, len(in))
	for i, d := range in {
		s[i] = d.Float64s()
	}
	return s
}

// operand returns the value of the second operand at i (0 for arity 1).
func operand[T float](b []T, scalar bool, i int) float64 {
	switch {
	case b == nil:
		return 0
	case scalar:
		return float64(b[0])
	}
	return float64(b[i])
}

func elemForward[T float](op *elemOp, in [][]T, y []T) {
	a := in[0]
	var b []T
	if len(in) > 1 {
		b = in[1]
	}
	f := op.fn.f
	parallel((len(a)+elementwiseChunk-1)/elementwiseChunk, func(lo, hi int) {
		lo, hi = lo*elementwiseChunk, min(hi*elementwiseChunk, len(a))
		for i := lo; i < hi; i++ {
			y[i] = T(f(float64(a[i]), operand(b, op.scalar, i)))
		}
	})
}

func (op *elemOp) DiffWRT(int) []bool {
	if op.arity == 1 {
		return []bool{true}
	}
	return []bool{true, true}
}

func (op *elemOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	var out G.Nodes
	for wrt := range op.arity {
		args := append(append(G.Nodes(nil), inputs...), grad)
		n, err := G.ApplyOp(&elemGradOp{opBase: newBase(op.name + ".d" + string(rune('a'+wrt))), fwd: op, wrt: wrt,
			shape: inputs[wrt].Shape().Clone()}, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// elemGradOp is the gradient of an elemOp with respect to its input wrt
// (0 or 1), from (a, [b,] dy). The gradient of a broadcast scalar is the
// sum over all elements.
type elemGradOp struct {
	opBase
	fwd   *elemOp
	wrt   int
	shape tensor.Shape
}

func (op *elemGradOp) Arity() int { return op.fwd.arity + 1 }
func (op *elemGradOp) Type() hm.Type {
	t := tensorType(op.fwd.dims)
	switch {
	case op.fwd.arity == 1:
		return hm.NewFnType(t, t, t)
	case op.fwd.scalar && op.wrt == 1:
		return hm.NewFnType(t, tensorType(1), t, tensorType(1))
	case op.fwd.scalar:
		return hm.NewFnType(t, tensorType(1), t, t)
	}
	return hm.NewFnType(t, t, t, t)
}
func (op *elemGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }

func (op *elemGradOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, op.fwd.arity+1)
	if err != nil {
		return nil, err
	}
	if err := op.fwd.checkB(in); err != nil {
		return nil, err
	}
	out := op.output(in[0].Dtype(), op.shape)
	if in[0].Dtype() == tensor.Float32 {
		elemBackward(op, slices32(in), out.Float32s())
	} else {
		elemBackward(op, slices64(in), out.Float64s())
	}
	return out, nil
}

func elemBackward[T float](op *elemGradOp, in [][]T, out []T) {
	a, dy := in[0], in[len(in)-1]
	var b []T
	if len(in) > 2 {
		b = in[1]
	}
	d := op.fwd.fn.da
	if op.wrt == 1 {
		d = op.fwd.fn.db
	}
	chunks := (len(a) + elementwiseChunk - 1) / elementwiseChunk
	if op.wrt == 1 && op.fwd.scalar {
		// Partial sums per chunk, added in order: the same result whatever
		// the thread count.
		parts := make([]float64, chunks)
		parallel(chunks, func(lo, hi int) {
			for c := lo; c < hi; c++ {
				var s float64
				for i := c * elementwiseChunk; i < min((c+1)*elementwiseChunk, len(a)); i++ {
					s += float64(dy[i]) * d(float64(a[i]), float64(b[0]))
				}
				parts[c] = s
			}
		})
		var s float64
		for _, p := range parts {
			s += p
		}
		out[0] = T(s)
		return
	}
	parallel(chunks, func(lo, hi int) {
		lo, hi = lo*elementwiseChunk, min(hi*elementwiseChunk, len(a))
		for i := lo; i < hi; i++ {
			out[i] = T(float64(dy[i]) * d(float64(a[i]), operand(b, op.fwd.scalar, i)))
		}
	})
}
