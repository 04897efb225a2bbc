package nn

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ceOp is the mean over the batch of the softmax cross-entropy of logits
// (N, K) against target rows (N, K), fused into one op and computed with a
// max-shifted log-sum-exp in float64: stable for any finite logits.
// gorgonia's LogSoftMax followed by a product with one-hot rows gives NaN
// when a logit is far below its row's maximum (−Inf·0).
type ceOp struct {
	opBase
	// softmax of the last forward run, row by row
	p []float64
}

func (op *ceOp) Arity() int { return 2 }
func (op *ceOp) Type() hm.Type {
	return hm.NewFnType(tensorType(2), tensorType(2), hm.TypeVariable('a'))
}
func (op *ceOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	if len(ns) != 2 {
		return nil, fmt.Errorf("nn.ce: %d inputs", len(ns))
	}
	return tensor.ScalarShape(), nil
}

func (op *ceOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	in, err := dense("ce", vals, 2)
	if err != nil {
		return nil, err
	}
	x, t := in[0], in[1]
	if !x.Shape().Eq(t.Shape()) || x.Dims() != 2 {
		return nil, fmt.Errorf("nn.ce: logits %v, targets %v", x.Shape(), t.Shape())
	}
	n, k := x.Shape()[0], x.Shape()[1]
	if len(op.p) != n*k {
		op.p = make([]float64, n*k)
	}
	var loss float64
	if x.Dtype() == tensor.Float32 {
		loss = ceForward(op.p, x.Float32s(), t.Float32s(), n, k)
		return G.NewF32(float32(loss)), nil
	}
	loss = ceForward(op.p, x.Float64s(), t.Float64s(), n, k)
	return G.NewF64(loss), nil
}

// ceForward returns mean_i Σ_j t_ij·(lse_i − x_ij) and stores the softmax
// rows in p.
func ceForward[T float](p []float64, x, t []T, n, k int) float64 {
	var total float64
	for i := 0; i < n; i++ {
		row, tr, pr := x[i*k:(i+1)*k], t[i*k:(i+1)*k], p[i*k:(i+1)*k]
		m := math.Inf(-1)
		for _, v := range row {
			m = max(m, float64(v))
		}
		var z float64
		for j, v := range row {
			pr[j] = math.Exp(float64(v) - m)
			z += pr[j]
		}
		lse := m + math.Log(z)
		for j, v := range row {
			pr[j] /= z
			if tv := float64(tr[j]); tv != 0 {
				total += tv * (lse - float64(v))
			}
		}
	}
	return total / float64(n)
}

func (op *ceOp) DiffWRT(int) []bool { return []bool{true, false} }

func (op *ceOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&ceGradOp{opBase: newBase("ce.dx"), fwd: op, shape: inputs[0].Shape().Clone()}, inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, nil}, nil
}

// ceGradOp is d loss/d logits = (softmax·Σt − t)·dy/N, from (target, dy),
// with the softmax of the forward op's last run.
type ceGradOp struct {
	opBase
	fwd   *ceOp
	shape tensor.Shape
}

func (op *ceGradOp) Arity() int { return 2 }
func (op *ceGradOp) Type() hm.Type {
	return hm.NewFnType(tensorType(2), hm.TypeVariable('a'), tensorType(2))
}
func (op *ceGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }

func (op *ceGradOp) Do(vals ...G.Value) (_ G.Value, err error) {
	defer catch(op.name, &err)
	if len(vals) != 2 {
		return nil, fmt.Errorf("nn.ce.dx: %d inputs", len(vals))
	}
	t, ok := vals[0].(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("nn.ce.dx: target is a %T", vals[0])
	}
	var dy float64
	switch v := vals[1].Data().(type) {
	case float32:
		dy = float64(v)
	case float64:
		dy = v
	case []float32:
		dy = float64(v[0])
	case []float64:
		dy = v[0]
	default:
		return nil, fmt.Errorf("nn.ce.dx: gradient of type %T", v)
	}
	n, k := op.shape[0], op.shape[1]
	if len(op.fwd.p) != n*k {
		return nil, fmt.Errorf("nn.ce.dx: the forward op has not run")
	}
	out := op.output(t.Dtype(), op.shape)
	if t.Dtype() == tensor.Float32 {
		ceBackward(op.fwd.p, t.Float32s(), out.Float32s(), n, k, dy)
	} else {
		ceBackward(op.fwd.p, t.Float64s(), out.Float64s(), n, k, dy)
	}
	return out, nil
}

func ceBackward[T float](p []float64, t, dx []T, n, k int, dy float64) {
	s := dy / float64(n)
	for i := 0; i < n; i++ {
		var sum float64
		for _, v := range t[i*k : (i+1)*k] {
			sum += float64(v)
		}
		for j := i * k; j < (i+1)*k; j++ {
			dx[j] = T((p[j]*sum - float64(t[j])) * s)
		}
	}
}
