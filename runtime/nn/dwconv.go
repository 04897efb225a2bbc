package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// dwConvOp is y = depthwise conv(x, w): x (N, C, H, W), w (C, 1, K, K);
// each channel is convolved with its own K×K kernel. The geometry's o is C.
type dwConvOp struct {
	opBase
	k, stride, pad, dil int
}

func (op *dwConvOp) geom(x tensor.Shape) geom {
	g := geom{n: x[0], c: x[1], h: x[2], w: x[3], o: x[1], k: op.k, stride: op.stride, pad: op.pad, dil: op.dil}
	span := g.d()*(g.k-1) + 1
	g.oh = (g.h+2*g.pad-span)/g.stride + 1
	g.ow = (g.w+2*g.pad-span)/g.stride + 1
	return g
}

func (op *dwConvOp) Arity() int { return 2 }
func (op *dwConvOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4))
}

func (op *dwConvOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	if len(ns) != 2 {
		return nil, fmt.Errorf("nn.dwconv: %d inputs", len(ns))
	}
	x, ok1 := ns[0].(tensor.Shape)
	w, ok2 := ns[1].(tensor.Shape)
	if !ok1 || !ok2 || len(x) != 4 || len(w) != 4 {
		return nil, fmt.Errorf("nn.dwconv: want 4-D input and weight, got %v and %v", ns[0], ns[1])
	}
	if x[1] != w[0] || w[1] != 1 || w[2] != op.k || w[3] != op.k {
		return nil, fmt.Errorf("nn.dwconv: input %v does not fit weight %v", x, w)
	}
	g := op.geom(x)
	if g.h+2*g.pad < g.d()*(g.k-1)+1 || g.w+2*g.pad < g.d()*(g.k-1)+1 || g.oh <= 0 || g.ow <= 0 {
		return nil, fmt.Errorf("nn.dwconv: input %v is too small for a %d×%d kernel", x, op.k, op.k)
	}
	return tensor.Shape{g.n, g.c, g.oh, g.ow}, nil
}

func (op *dwConvOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("dwconv", vals, 2)
	if err != nil {
		return nil, err
	}
	x, w := in[0], in[1]
	if _, err := op.InferShape(x.Shape(), w.Shape()); err != nil {
		return nil, err
	}
	g := op.geom(x.Shape())
	y := op.output(x.Dtype(), tensor.Shape{g.n, g.c, g.oh, g.ow})
	if x.Dtype() == tensor.Float32 {
		dwForward(g, x.Float32s(), w.Float32s(), y.Float32s())
	} else {
		dwForward(g, x.Float64s(), w.Float64s(), y.Float64s())
	}
	return y, nil
}

func (op *dwConvOp) DiffWRT(int) []bool { return []bool{true, true} }

func (op *dwConvOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	dx, err := G.ApplyOp(&dwGradOp{opBase: newBase("dwconv.dx"), fwd: op, shape: x.Shape().Clone()}, x, w, grad)
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(&dwGradOp{opBase: newBase("dwconv.dw"), fwd: op, shape: w.Shape().Clone(), weight: true}, x, w, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw}, nil
}

// dwGradOp is the gradient of a dwConvOp with respect to its input, or to
// its weight if weight, from (x, w, dy).
type dwGradOp struct {
	opBase
	fwd    *dwConvOp
	shape  tensor.Shape
	weight bool
}

func (op *dwGradOp) Arity() int { return 3 }
func (op *dwGradOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4), tensorType(4))
}
func (op *dwGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }

func (op *dwGradOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, 3)
	if err != nil {
		return nil, err
	}
	x, w, dy := in[0], in[1], in[2]
	g := op.fwd.geom(x.Shape())
	out := op.output(x.Dtype(), op.shape)
	switch {
	case x.Dtype() == tensor.Float32 && op.weight:
		dwGradW(g, x.Float32s(), dy.Float32s(), out.Float32s())
	case x.Dtype() == tensor.Float32:
		dwGradX(g, w.Float32s(), dy.Float32s(), out.Float32s())
	case op.weight:
		dwGradW(g, x.Float64s(), dy.Float64s(), out.Float64s())
	default:
		dwGradX(g, w.Float64s(), dy.Float64s(), out.Float64s())
	}
	return out, nil
}

// dwPlane visits the taps of one K×K kernel on one plane: for each
// kernel position (ki, kj), output row i and the valid output columns
// [j0, j1), it calls f with the tap index, the output row offset, the input
// row offset and the input column shift (input column = j·S + shift).
func dwPlane(g geom, f func(tap, yrow, xrow, j0, j1, shift int)) {
	for ki := 0; ki < g.k; ki++ {
		for kj := 0; kj < g.k; kj++ {
			shift := kj*g.d() - g.pad
			j0, j1 := validRange(g.ow, g.w, g.stride, shift)
			if j0 >= j1 {
				continue
			}
			for i := 0; i < g.oh; i++ {
				r := i*g.stride + ki*g.d() - g.pad
				if r < 0 || r >= g.h {
					continue
				}
				f(ki*g.k+kj, i*g.ow, r*g.w, j0, j1, shift)
			}
		}
	}
}

// dwForward computes the depthwise convolution, plane by plane.
func dwForward[T float](g geom, x, w, y []T) {
	hw, ohw, kk := g.h*g.w, g.oh*g.ow, g.k*g.k
	parallel(g.n*g.c, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			c := pl % g.c
			xs, ys, ws := x[pl*hw:(pl+1)*hw], y[pl*ohw:(pl+1)*ohw], w[c*kk:(c+1)*kk]
			clear(ys)
			dwPlane(g, func(tap, yrow, xrow, j0, j1, shift int) {
				wv := ws[tap]
				dst, src := ys[yrow:yrow+g.ow], xs[xrow:xrow+g.w]
				if g.stride == 1 {
					s := src[j0+shift : j1+shift]
					for j, v := range dst[j0:j1] {
						dst[j0+j] = v + wv*s[j]
					}
					return
				}
				for j := j0; j < j1; j++ {
					dst[j] += wv * src[j*g.stride+shift]
				}
			})
		}
	})
}

// dwGradX computes the input gradient, plane by plane.
func dwGradX[T float](g geom, w, dy, dx []T) {
	hw, ohw, kk := g.h*g.w, g.oh*g.ow, g.k*g.k
	parallel(g.n*g.c, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			c := pl % g.c
			dxs, dys, ws := dx[pl*hw:(pl+1)*hw], dy[pl*ohw:(pl+1)*ohw], w[c*kk:(c+1)*kk]
			clear(dxs)
			dwPlane(g, func(tap, yrow, xrow, j0, j1, shift int) {
				wv := ws[tap]
				src, dst := dys[yrow:yrow+g.ow], dxs[xrow:xrow+g.w]
				for j := j0; j < j1; j++ {
					dst[j*g.stride+shift] += wv * src[j]
				}
			})
		}
	})
}

// dwGradW computes the weight gradient, channel by channel (each sums over
// the batch in order, so the result does not depend on the thread count).
func dwGradW[T float](g geom, x, dy, dw []T) {
	hw, ohw, kk := g.h*g.w, g.oh*g.ow, g.k*g.k
	parallel(g.c, func(lo, hi int) {
		acc := make([]float64, kk)
		for c := lo; c < hi; c++ {
			clear(acc)
			for b := 0; b < g.n; b++ {
				pl := b*g.c + c
				xs, dys := x[pl*hw:(pl+1)*hw], dy[pl*ohw:(pl+1)*ohw]
				dwPlane(g, func(tap, yrow, xrow, j0, j1, shift int) {
					src, d := xs[xrow:xrow+g.w], dys[yrow:yrow+g.ow]
					var s T
					for j := j0; j < j1; j++ {
						s += d[j] * src[j*g.stride+shift]
					}
					acc[tap] += float64(s)
				})
			}
			for t := range kk {
				dw[c*kk+t] = T(acc[t])
			}
		}
	})
}
