package nn

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// normOp normalises x, 4-D (N, C, H, W), over groups of consecutive
// elements with the group's own mean and (biased) variance, then applies
// an elementwise affine map, from (x, γ, β). Instance norm: a group is one
// channel of one image (H·W elements) and γ, β are (1, C, 1, 1). Layer
// norm: a group is one image (C·H·W elements) and γ, β are (1, C, H, W).
// Both use the statistics of the input itself in training and in
// evaluation (as PyTorch's InstanceNorm2d without running statistics and
// LayerNorm).
type normOp struct {
	opBase
	layer bool
	eps   float64
	// per group, from the last forward run
	mean, invstd []float64
}

// groups returns the group size m and the number of affine values per
// group's position: a is C for instance norm (γ index = group mod C) and
// 0 for layer norm (γ index = position in the group).
func (op *normOp) groups(x tensor.Shape) (groups, m, c int) {
	n, c, s := layout(x)
	if op.layer {
		return n, c * s, 0
	}
	return n * c, s, c
}

func (op *normOp) Arity() int { return 3 }
func (op *normOp) Type() hm.Type {
	t := tensorType(4)
	return hm.NewFnType(t, t, t, t)
}
func (op *normOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, ok := ns[0].(tensor.Shape)
	if !ok || len(ns) != 3 {
		return nil, fmt.Errorf("nn.%s: bad inputs %v", op.name, ns)
	}
	return x.Clone(), nil
}

func (op *normOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, 3)
	if err != nil {
		return nil, err
	}
	x, gamma, beta := in[0], in[1], in[2]
	ng, m, c := op.groups(x.Shape())
	if want := max(c, m*btoi(c == 0)); gamma.Len() != want || beta.Len() != want {
		return nil, fmt.Errorf("nn.%s: input %v, but γ %v, β %v", op.name, x.Shape(), gamma.Shape(), beta.Shape())
	}
	if len(op.mean) != ng {
		op.mean, op.invstd = make([]float64, ng), make([]float64, ng)
	}
	y := op.output(x.Dtype(), x.Shape())
	if x.Dtype() == tensor.Float32 {
		normForward(op, x.Float32s(), gamma.Float32s(), beta.Float32s(), y.Float32s(), ng, m, c)
	} else {
		normForward(op, x.Float64s(), gamma.Float64s(), beta.Float64s(), y.Float64s(), ng, m, c)
	}
	return y, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (op *normOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (op *normOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, gamma := inputs[0], inputs[1]
	var out G.Nodes
	for what, shape := range []tensor.Shape{x.Shape(), gamma.Shape(), gamma.Shape()} {
		n, err := G.ApplyOp(&normGradOp{opBase: newBase(op.name + [...]string{".dx", ".dγ", ".dβ"}[what]), fwd: op, what: what, shape: shape.Clone()}, x, gamma, grad)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// normGradOp is one gradient (what: bnDX, bnDScale or bnDBias) of a
// normOp, from (x, γ, dy), with the statistics of the forward op's last run.
type normGradOp struct {
	opBase
	fwd   *normOp
	what  int
	shape tensor.Shape
}

func (op *normGradOp) Arity() int { return 3 }
func (op *normGradOp) Type() hm.Type {
	t := tensorType(4)
	return hm.NewFnType(t, t, t, t)
}
func (op *normGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }

func (op *normGradOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense(op.name, vals, 3)
	if err != nil {
		return nil, err
	}
	x, gamma, dy := in[0], in[1], in[2]
	ng, m, c := op.fwd.groups(x.Shape())
	if len(op.fwd.mean) != ng {
		return nil, fmt.Errorf("nn.%s: the forward op has not run", op.name)
	}
	out := op.output(x.Dtype(), op.shape)
	if x.Dtype() == tensor.Float32 {
		normBackward(op.fwd, op.what, x.Float32s(), gamma.Float32s(), dy.Float32s(), out.Float32s(), ng, m, c)
	} else {
		normBackward(op.fwd, op.what, x.Float64s(), gamma.Float64s(), dy.Float64s(), out.Float64s(), ng, m, c)
	}
	return out, nil
}

// affineIndex returns the γ index of position e of group g.
func affineIndex(g, e, c int) int {
	if c == 0 {
		return e
	}
	return g % c
}

// normForward normalises each of the ng groups of m values of x.
func normForward[T float](op *normOp, x, gamma, beta, y []T, ng, m, c int) {
	parallel(ng, func(lo, hi int) {
		for g := lo; g < hi; g++ {
			xs, ys := x[g*m:(g+1)*m], y[g*m:(g+1)*m]
			var sum float64
			for _, v := range xs {
				sum += float64(v)
			}
			mean := sum / float64(m)
			var ss float64
			for _, v := range xs {
				d := float64(v) - mean
				ss += d * d
			}
			invstd := 1 / math.Sqrt(ss/float64(m)+op.eps)
			op.mean[g], op.invstd[g] = mean, invstd
			if c != 0 {
				scale := float64(gamma[g%c]) * invstd
				shift := float64(beta[g%c]) - mean*scale
				for i, v := range xs {
					ys[i] = T(float64(v)*scale + shift)
				}
				continue
			}
			for i, v := range xs {
				ys[i] = T((float64(v)-mean)*invstd*float64(gamma[i]) + float64(beta[i]))
			}
		}
	})
}

// normBackward computes one gradient of a normOp into out. With
// x̂ = (x − μ)·invstd and g = γ·dy per element, per group:
//
//	dx = invstd·(g − mean(g) − x̂·mean(g·x̂)),
//
// and dγ = Σ dy·x̂, dβ = Σ dy over the elements that share a γ.
func normBackward[T float](op *normOp, what int, x, gamma, dy, out []T, ng, m, c int) {
	if what != bnDX {
		// Sum over groups in order; parallel over the affine values.
		na := len(out)
		parallel(na, func(lo, hi int) {
			for a := lo; a < hi; a++ {
				var s float64
				for g := 0; g < ng; g++ {
					if c != 0 {
						if g%c != a {
							continue
						}
						xs, ds := x[g*m:(g+1)*m], dy[g*m:(g+1)*m]
						for i, d := range ds {
							if what == bnDBias {
								s += float64(d)
							} else {
								s += float64(d) * (float64(xs[i]) - op.mean[g]) * op.invstd[g]
							}
						}
						continue
					}
					d := float64(dy[g*m+a])
					if what == bnDBias {
						s += d
					} else {
						s += d * (float64(x[g*m+a]) - op.mean[g]) * op.invstd[g]
					}
				}
				out[a] = T(s)
			}
		})
		return
	}
	parallel(ng, func(lo, hi int) {
		for g := lo; g < hi; g++ {
			xs, ds, dst := x[g*m:(g+1)*m], dy[g*m:(g+1)*m], out[g*m:(g+1)*m]
			mean, invstd := op.mean[g], op.invstd[g]
			var sg, sgx float64
			for i, d := range ds {
				gv := float64(gamma[affineIndex(g, i, c)]) * float64(d)
				sg += gv
				sgx += gv * (float64(xs[i]) - mean) * invstd
			}
			sg /= float64(m)
			sgx /= float64(m)
			for i, d := range ds {
				gv := float64(gamma[affineIndex(g, i, c)]) * float64(d)
				xh := (float64(xs[i]) - mean) * invstd
				dst[i] = T(invstd * (gv - sg - xh*sgx))
			}
		}
	})
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *normOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	return op.usePrealloc(op.Do, pre, vals)
}

// UsePreallocDo implements gorgonia's UsePreallocDoer (see usePrealloc).
func (op *normGradOp) UsePreallocDo(pre G.Value, vals ...G.Value) (G.Value, error) {
	if op.what != bnDX { // a parameter's gradient: keep its own
		return op.Do(vals...)
	}
	return op.usePrealloc(op.Do, pre, vals)
}
