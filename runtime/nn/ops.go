package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds nn's own gorgonia ops: convolution, BatchNorm and ReLU
// with their gradients. gorgonia's versions work, but spend most of a training
// step outside the matrix products (materialised transposes, broadcast
// copies, BatchNorm statistics that contend for one cache line), and
// gorgonia's BatchNorm resets its running statistics whenever a machine is
// created. These ops keep their output tensors from run to run and share
// one workspace per graph, so a step allocates little.

var opIDs atomic.Uint64

// opBase holds what all of nn's ops share.
type opBase struct {
	name string
	id   uint64 // makes the hash unique: an op carries per-node state
	out  *tensor.Dense
	// pre is the tensor gorgonia's machine offers for the output during one
	// UsePreallocDo, with that call's inputs; alias says the op may write
	// its output over one of its inputs (element-wise ops).
	pre   G.Value
	preIn []G.Value
	alias bool
}

func newBase(name string) opBase { return opBase{name: name, id: opIDs.Add(1)} }

func (o *opBase) ReturnsPtr() bool      { return true }
func (o *opBase) CallsExtern() bool     { return false }
func (o *opBase) OverwritesInput() int  { return -1 }
func (o *opBase) WriteHash(h hash.Hash) { fmt.Fprintf(h, "nn.%s#%d", o.name, o.id) }
func (o *opBase) String() string        { return "nn." + o.name }
func (o *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// usePrealloc runs do (the op's Do) with the tensor gorgonia's machine
// offers for the output: the value of a register whose earlier value is no
// longer read in this run. The op writes its output there when it fits
// (see output), and then keeps no output of its own: the machine's register
// allocation shares one buffer among values that are not alive at the same
// time, which is what keeps a training step's memory down. Ops whose
// output is activation-sized implement gorgonia's UsePreallocDoer with it.
func (o *opBase) usePrealloc(do func(...G.Value) (G.Value, error), pre G.Value, vals []G.Value) (G.Value, error) {
	o.pre, o.preIn = pre, vals
	defer func() { o.pre, o.preIn = nil, nil }()
	return do(vals...)
}

// output returns the tensor to write the op's output into: the machine's
// offered one (usePrealloc) if it has the dtype and shape, is no view, and
// is none of the inputs (unless the op may alias them); otherwise the op's
// own, allocated at the first run and reused after. Every run overwrites
// all of it.
func (o *opBase) output(dt tensor.Dtype, shape tensor.Shape) *tensor.Dense {
	if p, ok := o.pre.(*tensor.Dense); ok && p.Dtype() == dt && p.Shape().Eq(shape) && !p.IsView() &&
		p.DataSize() == shape.TotalSize() && (o.alias || !overlaps(p, o.preIn)) {
		return p
	}
	if o.out == nil || o.out.Dtype() != dt || !o.out.Shape().Eq(shape) {
		o.out = tensor.New(tensor.Of(dt), tensor.WithShape(shape.Clone()...))
	}
	return o.out
}

// overlaps reports whether p's memory overlaps that of any of vals.
func overlaps(p *tensor.Dense, vals []G.Value) bool {
	lo, hi := p.Uintptr(), p.Uintptr()+p.MemSize()
	for _, v := range vals {
		if d, ok := v.(*tensor.Dense); ok && d.DataSize() > 0 {
			if a := d.Uintptr(); a < hi && lo < a+d.MemSize() {
				return true
			}
		}
	}
	return false
}

// release drops the op's output tensor; a later run allocates it again.
func (o *opBase) release() { o.out = nil }

// catch turns a panic in an op into its error: gorgonia runs ops on a
// goroutine of its own, where a panic would kill the process instead of
// failing the run.
func catch(op string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("nn.%s: panic: %v", op, r)
	}
}

// tensorType returns the type of a dims-dimensional tensor of 'a.
func tensorType(dims int) hm.Type { return G.TensorType{Dims: dims, Of: hm.TypeVariable('a')} }

// dense returns the inputs as dense tensors of one float dtype.
func dense(op string, vals []G.Value, arity int) ([]*tensor.Dense, error) {
	if len(vals) != arity {
		return nil, fmt.Errorf("nn.%s: %d inputs, want %d", op, len(vals), arity)
	}
	ds := make([]*tensor.Dense, len(vals))
	for i, v := range vals {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, fmt.Errorf("nn.%s: input %d is a %T, want a dense tensor", op, i, v)
		}
		if dt := d.Dtype(); (dt != tensor.Float32 && dt != tensor.Float64) || (i > 0 && dt != ds[0].Dtype()) {
			return nil, fmt.Errorf("nn.%s: input %d is %v", op, i, dt)
		}
		ds[i] = d
	}
	return ds, nil
}

// ---- convolution ----

// convOp is y = conv(x, w): x (N, C, H, W), w (O, C, K, K), zero padding
// pad, stride stride, dilation dil, no bias.
type convOp struct {
	opBase
	k, stride, pad, dil int
	ws                  *workspace
}

func (op *convOp) geom(x, w tensor.Shape) geom {
	g := geom{n: x[0], c: x[1], h: x[2], w: x[3], o: w[0], k: op.k, stride: op.stride, pad: op.pad, dil: op.dil}
	span := g.d()*(g.k-1) + 1
	g.oh = (g.h+2*g.pad-span)/g.stride + 1
	g.ow = (g.w+2*g.pad-span)/g.stride + 1
	return g
}

func (op *convOp) Arity() int { return 2 }
func (op *convOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4))
}

func (op *convOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	if len(ns) != 2 {
		return nil, fmt.Errorf("nn.conv: %d inputs", len(ns))
	}
	x, ok1 := ns[0].(tensor.Shape)
	w, ok2 := ns[1].(tensor.Shape)
	if !ok1 || !ok2 || len(x) != 4 || len(w) != 4 {
		return nil, fmt.Errorf("nn.conv: want 4-D input and weight, got %v and %v", ns[0], ns[1])
	}
	if x[1] != w[1] || w[2] != op.k || w[3] != op.k {
		return nil, fmt.Errorf("nn.conv: input %v does not fit weight %v", x, w)
	}
	g := op.geom(x, w)
	if g.h+2*g.pad < g.d()*(g.k-1)+1 || g.w+2*g.pad < g.d()*(g.k-1)+1 || g.oh <= 0 || g.ow <= 0 {
		return nil, fmt.Errorf("nn.conv: input %v is too small for a %d×%d kernel", x, op.k, op.k)
	}
	return tensor.Shape{g.n, g.o, g.oh, g.ow}, nil
}

func (op *convOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("conv", vals, 2)
	if err != nil {
		return nil, err
	}
	x, w := in[0], in[1]
	if _, err := op.InferShape(x.Shape(), w.Shape()); err != nil {
		return nil, err
	}
	g := op.geom(x.Shape(), w.Shape())
	y := op.output(x.Dtype(), tensor.Shape{g.n, g.o, g.oh, g.ow})
	if x.Dtype() == tensor.Float32 {
		convForward(g, op.ws, x.Float32s(), w.Float32s(), y.Float32s())
	} else {
		convForward(g, op.ws, x.Float64s(), w.Float64s(), y.Float64s())
	}
	return y, nil
}

func (op *convOp) DiffWRT(int) []bool { return []bool{true, true} }

func (op *convOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	dx, err := G.ApplyOp(&convGradXOp{opBase: newBase("conv.dx"), fwd: op, xshape: x.Shape().Clone()}, w, grad)
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(&convGradWOp{opBase: newBase("conv.dw"), fwd: op, wshape: w.Shape().Clone()}, x, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw}, nil
}

// convGradXOp is dx = ∂loss/∂x of a convOp, from (w, dy).
type convGradXOp struct {
	opBase
	fwd    *convOp
	xshape tensor.Shape
}

func (op *convGradXOp) Arity() int { return 2 }
func (op *convGradXOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4))
}
func (op *convGradXOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.xshape.Clone(), nil
}

func (op *convGradXOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("conv.dx", vals, 2)
	if err != nil {
		return nil, err
	}
	w, dy := in[0], in[1]
	g := op.fwd.geom(op.xshape, w.Shape())
	dx := op.output(w.Dtype(), op.xshape)
	if w.Dtype() == tensor.Float32 {
		convGradX(g, op.fwd.ws, w.Float32s(), dy.Float32s(), dx.Float32s())
	} else {
		convGradX(g, op.fwd.ws, w.Float64s(), dy.Float64s(), dx.Float64s())
	}
	return dx, nil
}

// convGradWOp is dw = ∂loss/∂w of a convOp, from (x, dy).
type convGradWOp struct {
	opBase
	fwd    *convOp
	wshape tensor.Shape
}

func (op *convGradWOp) Arity() int { return 2 }
func (op *convGradWOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4))
}
func (op *convGradWOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.wshape.Clone(), nil
}

func (op *convGradWOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("conv.dw", vals, 2)
	if err != nil {
		return nil, err
	}
	x, dy := in[0], in[1]
	g := op.fwd.geom(x.Shape(), op.wshape)
	dw := op.output(x.Dtype(), op.wshape)
	if x.Dtype() == tensor.Float32 {
		convGradW(g, op.fwd.ws, x.Float32s(), dy.Float32s(), dw.Float32s())
	} else {
		convGradW(g, op.fwd.ws, x.Float64s(), dy.Float64s(), dw.Float64s())
	}
	return dw, nil
}

// ---- BatchNorm ----

// bnOp is y = (x − μ)/√(σ² + ε)·γ + β per channel, from (x, γ, β); x is
// (N, C) or (N, C, H, W), γ and β (1, C) or (1, C, 1, 1). In training mode
// μ and σ² are the batch's (biased variance) and the running statistics
// move towards them (unbiased variance); in eval mode they are the running
// statistics. The running statistics are the Net's tensors, so every graph
// of the Net sees the same ones.
type bnOp struct {
	opBase
	train    bool
	dims     int
	momentum float64
	eps      float64
	stats    *Stats
	// from the last forward run, per channel
	mean, invstd []float64
	gen          uint64 // forward runs so far
	// Σ dy and Σ dy·x̂ per channel, for the forward run sumsGen
	sdy, sdyx []float64
	sumsGen   uint64
}

func (op *bnOp) Arity() int { return 3 }
func (op *bnOp) Type() hm.Type {
	t := tensorType(op.dims)
	return hm.NewFnType(t, t, t, t)
}
func (op *bnOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, ok := ns[0].(tensor.Shape)
	if !ok || len(ns) != 3 {
		return nil, fmt.Errorf("nn.bn: bad inputs %v", ns)
	}
	return x.Clone(), nil
}

// layout returns the batch size, channels and positions per channel of x.
func layout(x tensor.Shape) (n, c, s int) {
	n, c = x[0], x[1]
	s = 1
	for _, d := range x[2:] {
		s *= d
	}
	return n, c, s
}

func (op *bnOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("bn", vals, 3)
	if err != nil {
		return nil, err
	}
	x, gamma, beta := in[0], in[1], in[2]
	n, c, s := layout(x.Shape())
	if gamma.Len() != c || beta.Len() != c || op.stats.Mean.Len() != c {
		return nil, fmt.Errorf("nn.bn: %d channels, but γ %v, β %v", c, gamma.Shape(), beta.Shape())
	}
	if len(op.mean) != c {
		op.mean, op.invstd = make([]float64, c), make([]float64, c)
	}
	op.gen++
	y := op.output(x.Dtype(), x.Shape())
	if x.Dtype() == tensor.Float32 {
		bnForward(op, x.Float32s(), gamma.Float32s(), beta.Float32s(), y.Float32s(),
			op.stats.Mean.Float32s(), op.stats.Var.Float32s(), n, c, s)
	} else {
		bnForward(op, x.Float64s(), gamma.Float64s(), beta.Float64s(), y.Float64s(),
			op.stats.Mean.Float64s(), op.stats.Var.Float64s(), n, c, s)
	}
	return y, nil
}

func (op *bnOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (op *bnOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, gamma := inputs[0], inputs[1]
	base := newBase("bn.dx")
	base.alias = true // element-wise in dy: dx may be written over it
	dx, err := G.ApplyOp(&bnGradOp{opBase: base, fwd: op, what: bnDX, shape: x.Shape().Clone()}, x, gamma, grad)
	if err != nil {
		return nil, err
	}
	// dγ and dβ read the sums that the dx op computes (their input is dx
	// only to run after it), so dy's last reader is the dx op, which may
	// then write over it.
	dg, err := G.ApplyOp(&bnGradOp{opBase: newBase("bn.dγ"), fwd: op, what: bnDScale, shape: gamma.Shape().Clone()}, dx)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&bnGradOp{opBase: newBase("bn.dβ"), fwd: op, what: bnDBias, shape: gamma.Shape().Clone()}, dx)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dg, db}, nil
}

// What a bnGradOp computes.
const (
	bnDX = iota
	bnDScale
	bnDBias
)

// bnGradOp is one of the gradients of a bnOp, using the statistics of the
// forward op's last run: dx from (x, γ, dy), which also computes the sums
// Σ dy and Σ dy·x̂; dγ and dβ from those sums, with the dx node as their
// input.
type bnGradOp struct {
	opBase
	fwd   *bnOp
	what  int
	shape tensor.Shape
}

func (op *bnGradOp) Arity() int {
	if op.what == bnDX {
		return 3
	}
	return 1
}
func (op *bnGradOp) Type() hm.Type {
	t := tensorType(op.fwd.dims)
	if op.what != bnDX {
		return hm.NewFnType(t, t)
	}
	return hm.NewFnType(t, t, t, t)
}
func (op *bnGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }

// OverwritesInput lets gorgonia's compiler give dx dy's register when
// nothing reads dy afterwards.
func (op *bnGradOp) OverwritesInput() int {
	if op.what == bnDX {
		return 2
	}
	return -1
}

func (op *bnGradOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, op.Arity())
	if err != nil {
		return nil, err
	}
	if op.what != bnDX {
		f, c := op.fwd, op.shape[1]
		if f.sumsGen != f.gen || len(f.sdy) != c {
			return nil, fmt.Errorf("nn.%s: the dx op has not run", op.name)
		}
		out := op.output(in[0].Dtype(), op.shape)
		sums := f.sdy
		if op.what == bnDScale {
			sums = f.sdyx
		}
		if out.Dtype() == tensor.Float32 {
			for ch, v := range sums {
				out.Float32s()[ch] = float32(v)
			}
		} else {
			copy(out.Float64s(), sums)
		}
		return out, nil
	}
	x, gamma, dy := in[0], in[1], in[2]
	n, c, s := layout(x.Shape())
	if len(op.fwd.mean) != c {
		return nil, fmt.Errorf("nn.%s: the forward op has not run", op.name)
	}
	out := op.output(x.Dtype(), op.shape)
	if x.Dtype() == tensor.Float32 {
		bnBackward(op.fwd, op.what, x.Float32s(), gamma.Float32s(), dy.Float32s(), out.Float32s(), n, c, s)
	} else {
		bnBackward(op.fwd, op.what, x.Float64s(), gamma.Float64s(), dy.Float64s(), out.Float64s(), n, c, s)
	}
	return out, nil
}

// ---- ReLU ----

// reluOp is y = max(x, 0). With inplace set it lets gorgonia's compiler
// write y over x when x is not read after it.
type reluOp struct {
	opBase
	dims    int
	inplace bool
}

// OverwritesInput lets gorgonia's compiler give the output x's register
// when nothing reads x afterwards; UsePreallocDo then writes y over x.
func (op *reluOp) OverwritesInput() int {
	if op.inplace {
		return 0
	}
	return -1
}

func (op *reluOp) Arity() int { return 1 }
func (op *reluOp) Type() hm.Type {
	t := tensorType(op.dims)
	return hm.NewFnType(t, t)
}
func (op *reluOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, ok := ns[0].(tensor.Shape)
	if !ok || len(ns) != 1 {
		return nil, fmt.Errorf("nn.relu: bad inputs %v", ns)
	}
	return x.Clone(), nil
}

func (op *reluOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("relu", vals, 1)
	if err != nil {
		return nil, err
	}
	x := in[0]
	y := op.output(x.Dtype(), x.Shape())
	if x.Dtype() == tensor.Float32 {
		relu(x.Float32s(), y.Float32s())
	} else {
		relu(x.Float64s(), y.Float64s())
	}
	return y, nil
}

func (op *reluOp) DiffWRT(int) []bool { return []bool{true} }

func (op *reluOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	base := newBase("relu.dx")
	base.alias = true // element-wise: dx may be written over dy
	dx, err := G.ApplyOp(&reluGradOp{opBase: base, dims: op.dims}, output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx}, nil
}

// reluGradOp is dx = dy where y > 0, else 0, from (y, dy). It lets
// gorgonia's compiler write dx over dy when dy is not read after it: one
// activation-sized buffer less per ReLU.
type reluGradOp struct {
	opBase
	dims int
}

// OverwritesInput lets gorgonia's compiler give the output dy's register
// when nothing reads dy afterwards; UsePreallocDo then writes dx over dy.
func (op *reluGradOp) OverwritesInput() int { return 1 }

func (op *reluGradOp) Arity() int { return 2 }
func (op *reluGradOp) Type() hm.Type {
	t := tensorType(op.dims)
	return hm.NewFnType(t, t, t)
}
func (op *reluGradOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, ok := ns[0].(tensor.Shape)
	if !ok || len(ns) != 2 {
		return nil, fmt.Errorf("nn.relu.dx: bad inputs %v", ns)
	}
	return x.Clone(), nil
}

func (op *reluGradOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("relu.dx", vals, 2)
	if err != nil {
		return nil, err
	}
	y, dy := in[0], in[1]
	dx := op.output(y.Dtype(), y.Shape())
	if y.Dtype() == tensor.Float32 {
		reluGrad(y.Float32s(), dy.Float32s(), dx.Float32s())
	} else {
		reluGrad(y.Float64s(), dy.Float64s(), dx.Float64s())
	}
	return dx, nil
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *convOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *convGradXOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *bnOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *bnGradOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	if op.what != bnDX { // a parameter's gradient: keep its own
		return op.Do(vals...)
	}
	return op.usePrealloc(op.Do, pre, vals)
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *reluOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *reluGradOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}
