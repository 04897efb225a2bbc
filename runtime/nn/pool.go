package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// poolOp is K×K average or max pooling of a 4-D x with stride and zero
// padding pad, to an oh×ow output. Windows are clipped to the image: an
// average divides by the number of positions inside the image
// (count_include_pad=False), a maximum ignores the padding.
type poolOp struct {
	opBase
	max            bool
	k, stride, pad int
	oh, ow         int
	arg            []int32 // max: the input position of each output, from the last run
	xshape         tensor.Shape
	ws             *workspace
	// window bounds: output row i reads input rows [r0[i], r1[i]), output
	// column j input columns [c0[j], c1[j])
	r0, r1, c0, c1 []int
	// 1/(window size) of each output, in float64 and float32
	inv   []float64
	inv32 []float32
}

// bounds fills the window bounds from the geometry.
func (op *poolOp) bounds() {
	op.r0, op.r1 = make([]int, op.oh), make([]int, op.oh)
	op.c0, op.c1 = make([]int, op.ow), make([]int, op.ow)
	for i := range op.oh {
		op.r0[i], op.r1[i] = op.window(i, op.xshape[2])
	}
	for j := range op.ow {
		op.c0[j], op.c1[j] = op.window(j, op.xshape[3])
	}
	op.inv, op.inv32 = make([]float64, op.oh*op.ow), make([]float32, op.oh*op.ow)
	for i := range op.oh {
		for j := range op.ow {
			op.inv[i*op.ow+j] = 1 / float64((op.r1[i]-op.r0[i])*(op.c1[j]-op.c0[j]))
			op.inv32[i*op.ow+j] = float32(op.inv[i*op.ow+j])
		}
	}
}

// invCount returns the 1/(window size) of output row i.
func invCount[T float](op *poolOp, i int) []T {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(op.inv32[i*op.ow : (i+1)*op.ow]).([]T)
	}
	return any(op.inv[i*op.ow : (i+1)*op.ow]).([]T)
}

func (op *poolOp) Arity() int { return 1 }
func (op *poolOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4))
}
func (op *poolOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, ok := ns[0].(tensor.Shape)
	if !ok || len(ns) != 1 || len(x) != 4 {
		return nil, fmt.Errorf("nn.%s: bad inputs %v", op.name, ns)
	}
	return tensor.Shape{x[0], x[1], op.oh, op.ow}, nil
}

// window returns the input rows (or columns) [lo, hi) of output row i.
func (op *poolOp) window(i, h int) (lo, hi int) {
	lo = i*op.stride - op.pad
	return max(lo, 0), min(lo+op.k, h)
}

func (op *poolOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, 1)
	if err != nil {
		return nil, err
	}
	x := in[0]
	s := x.Shape()
	if !s.Eq(op.xshape) {
		return nil, fmt.Errorf("nn.%s: input %v, built for %v", op.name, s, op.xshape)
	}
	y := op.output(x.Dtype(), tensor.Shape{s[0], s[1], op.oh, op.ow})
	if op.max && len(op.arg) != y.Len() {
		op.arg = make([]int32, y.Len())
	}
	if x.Dtype() == tensor.Float32 {
		poolForward(op, x.Float32s(), y.Float32s())
	} else {
		poolForward(op, x.Float64s(), y.Float64s())
	}
	return y, nil
}

func (op *poolOp) DiffWRT(int) []bool { return []bool{true} }

func (op *poolOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&poolGradOp{opBase: newBase(op.name + ".dx"), fwd: op}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx}, nil
}

// poolForward pools plane by plane. Averages are separable: each input
// row is summed over the column windows into tmp (H×OW), then the rows of
// tmp over the row windows.
func poolForward[T float](op *poolOp, x, y []T) {
	h, w := op.xshape[2], op.xshape[3]
	oh, ow := op.oh, op.ow
	planes := op.xshape[0] * op.xshape[1]
	parallelW(planes, func(wk, lo, hi int) {
		var tmp []T
		if !op.max {
			tmp = scratch[T](op.ws, wk, 0, h*ow)
		}
		for pl := lo; pl < hi; pl++ {
			xs, ys := x[pl*h*w:(pl+1)*h*w], y[pl*oh*ow:(pl+1)*oh*ow]
			if op.max {
				for i := range oh {
					for j := range ow {
						r0, c0 := op.r0[i], op.c0[j]
						best, at := xs[r0*w+c0], r0*w+c0
						for r := r0; r < op.r1[i]; r++ {
							for c := c0; c < op.c1[j]; c++ {
								if v := xs[r*w+c]; v > best {
									best, at = v, r*w+c
								}
							}
						}
						ys[i*ow+j], op.arg[pl*oh*ow+i*ow+j] = best, int32(at)
					}
				}
				continue
			}
			for r := range h {
				row, t := xs[r*w:(r+1)*w], tmp[r*ow:(r+1)*ow]
				if op.same3() {
					sum3(row, t)
					continue
				}
				for j := range t {
					var s T
					for _, v := range row[op.c0[j]:op.c1[j]] {
						s += v
					}
					t[j] = s
				}
			}
			for i := range oh {
				yr := ys[i*ow : (i+1)*ow]
				copy(yr, tmp[op.r0[i]*ow:(op.r0[i]+1)*ow])
				for r := op.r0[i] + 1; r < op.r1[i]; r++ {
					for j, v := range tmp[r*ow : (r+1)*ow] {
						yr[j] += v
					}
				}
				for j, v := range invCount[T](op, i) {
					yr[j] *= v
				}
			}
		}
	})
}

// poolGradOp is dx of a poolOp, from dy.
type poolGradOp struct {
	opBase
	fwd *poolOp
}

func (op *poolGradOp) Arity() int { return 1 }
func (op *poolGradOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4))
}
func (op *poolGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.fwd.xshape.Clone(), nil
}

func (op *poolGradOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, 1)
	if err != nil {
		return nil, err
	}
	dy := in[0]
	if op.fwd.max && len(op.fwd.arg) != dy.Len() {
		return nil, fmt.Errorf("nn.%s: the forward op has not run", op.name)
	}
	dx := op.output(dy.Dtype(), op.fwd.xshape)
	if dy.Dtype() == tensor.Float32 {
		poolBackward(op.fwd, dy.Float32s(), dx.Float32s())
	} else {
		poolBackward(op.fwd, dy.Float64s(), dx.Float64s())
	}
	return dx, nil
}

// poolBackward is the adjoint of poolForward: for averages, dy/count is
// spread over the row windows into tmp (H×OW), then each row of tmp over
// the column windows.
func poolBackward[T float](op *poolOp, dy, dx []T) {
	h, w := op.xshape[2], op.xshape[3]
	oh, ow := op.oh, op.ow
	planes := op.xshape[0] * op.xshape[1]
	parallelW(planes, func(wk, lo, hi int) {
		var tmp, g []T
		if !op.max {
			tmp = scratch[T](op.ws, wk, 0, h*ow)
			g = scratch[T](op.ws, wk, 1, ow)
		}
		for pl := lo; pl < hi; pl++ {
			dxs, dys := dx[pl*h*w:(pl+1)*h*w], dy[pl*oh*ow:(pl+1)*oh*ow]
			clear(dxs)
			if op.max {
				for o, at := range op.arg[pl*oh*ow : (pl+1)*oh*ow] {
					dxs[at] += dys[o]
				}
				continue
			}
			clear(tmp)
			for i := range oh {
				inv := invCount[T](op, i)
				for j, v := range dys[i*ow : (i+1)*ow] {
					g[j] = v * inv[j]
				}
				for r := op.r0[i]; r < op.r1[i]; r++ {
					t := tmp[r*ow : (r+1)*ow]
					for j, v := range g {
						t[j] += v
					}
				}
			}
			for r := range h {
				row, t := dxs[r*w:(r+1)*w], tmp[r*ow:(r+1)*ow]
				if op.same3() {
					sum3(t, row) // the window sum is its own adjoint here
					continue
				}
				for j, v := range t {
					seg := row[op.c0[j]:op.c1[j]]
					for c := range seg {
						seg[c] += v
					}
				}
			}
		}
	})
}

// same3 reports whether the pooling is 3×3, stride 1, padding 1: the
// column windows of a row are then [j−1, j+1] clipped, and OW = W.
func (op *poolOp) same3() bool { return op.k == 3 && op.stride == 1 && op.pad == 1 }

// sum3 sets dst[j] = src[j−1] + src[j] + src[j+1], terms outside src
// omitted; len(dst) = len(src).
func sum3[T float](src, dst []T) {
	n := len(src)
	dst = dst[:n]
	if n == 1 {
		dst[0] = src[0]
		return
	}
	dst[0] = src[0] + src[1]
	for j := 1; j < n-1; j++ {
		dst[j] = src[j-1] + src[j] + src[j+1]
	}
	dst[n-1] = src[n-2] + src[n-1]
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *poolOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *poolGradOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}
