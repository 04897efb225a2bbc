package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// addOp is y = x₁ + x₂ + … + xₙ, element-wise, for tensors of one shape:
// one pass and one output for the whole sum (gorgonia's Add takes one
// single-threaded pass and one output per pair), split over the workers.
// Its gradient is dy itself for every operand. With inplace set (the first
// operand is another nn op's output) gorgonia's compiler may give it the
// first operand's register, and the sum is written there.
type addOp struct {
	opBase
	n, dims int
	inplace bool
}

func (op *addOp) Arity() int { return op.n }
func (op *addOp) Type() hm.Type {
	ts := make([]hm.Type, op.n+1)
	for i := range ts {
		ts[i] = tensorType(op.dims)
	}
	return hm.NewFnType(ts...)
}

func (op *addOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	if len(ns) != op.n {
		return nil, fmt.Errorf("nn.add: %d inputs, want %d", len(ns), op.n)
	}
	x, ok := ns[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("nn.add: bad input %v", ns[0])
	}
	return x.Clone(), nil
}

// OverwritesInput lets gorgonia's compiler give the sum the first
// operand's register when nothing reads that operand afterwards.
func (op *addOp) OverwritesInput() int {
	if op.inplace {
		return 0
	}
	return -1
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *addOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}

func (op *addOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("add", vals, op.n)
	if err != nil {
		return nil, err
	}
	for i, x := range in {
		if !x.Shape().Eq(in[0].Shape()) {
			return nil, fmt.Errorf("nn.add: operand %d is %v, operand 1 %v", i+1, x.Shape(), in[0].Shape())
		}
	}
	// The machine's offered tensor may be the first operand itself (the
	// first pass reads it before writing), but no other operand.
	var y *tensor.Dense
	if p, ok := op.pre.(*tensor.Dense); ok && p.Dtype() == in[0].Dtype() && p.Shape().Eq(in[0].Shape()) &&
		!p.IsView() && p.DataSize() == in[0].Shape().TotalSize() && !overlaps(p, vals[1:]) &&
		(!overlaps(p, vals[:1]) || p.Uintptr() == in[0].Uintptr()) {
		y = p
	} else {
		pre := op.pre
		op.pre = nil
		y = op.output(in[0].Dtype(), in[0].Shape())
		op.pre = pre
	}
	if y.Dtype() == tensor.Float32 {
		xs := make([][]float32, len(in))
		for i, x := range in {
			xs[i] = x.Float32s()
		}
		addN(y.Float32s(), xs)
	} else {
		xs := make([][]float64, len(in))
		for i, x := range in {
			xs[i] = x.Float64s()
		}
		addN(y.Float64s(), xs)
	}
	return y, nil
}

func (op *addOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}

func (op *addOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d := make(G.Nodes, len(inputs))
	for i := range d {
		d[i] = grad
	}
	return d, nil
}

// addN sets y = Σ xs element-wise: y = x₀ + x₁, then y += xₖ, chunk by
// chunk over the workers. y may be xs[0].
func addN[T float](y []T, xs [][]T) {
	n := len(y)
	parallel((n+elementwiseChunk-1)/elementwiseChunk, func(lo, hi int) {
		lo, hi = lo*elementwiseChunk, min(hi*elementwiseChunk, n)
		dst := y[lo:hi]
		a := xs[0][lo:hi]
		if len(xs) == 1 {
			copy(dst, a)
			return
		}
		b := xs[1][lo:hi]
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
		for _, x := range xs[2:] {
			x = x[lo:hi]
			for i := range dst {
				dst[i] += x[i]
			}
		}
	})
}
