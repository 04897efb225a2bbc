package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// DType is the element type of a network's tensors.
type DType int

// The supported element types. Training uses Float32; the tests use Float64
// for finite differences.
const (
	Float32 DType = iota
	Float64
)

func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("DType(%d)", int(d))
}

// Tensor returns the gorgonia tensor dtype of d.
func (d DType) Tensor() tensor.Dtype {
	if d == Float64 {
		return tensor.Float64
	}
	return tensor.Float32
}

// Model builds a network: it applies layers to x through b and returns the
// output. It is called once per graph, so it must create the same layers in
// the same order every time.
type Model func(b *B, x X) X

// Param is one learnable parameter tensor of a [Net].
type Param struct {
	// Name says which layer created the parameter, e.g. "conv3.w".
	Name string
	// Value holds the current value. Every graph built from the Net reads
	// this same tensor, so an in-place update is seen by all of them.
	Value *tensor.Dense
}

// Len returns the number of scalars in p.
func (p *Param) Len() int { return p.Value.Shape().TotalSize() }

// Stats are the running statistics of one BatchNorm layer, shape (C).
type Stats struct {
	Name      string
	Mean, Var *tensor.Dense
}

// Net holds the state that every graph of one model shares: the parameters
// in creation order and the BatchNorm running statistics. The first graph
// built from a Net creates and initialises them; later graphs reuse them and
// check that the model created the same shapes in the same order.
//
// A Net is not safe for concurrent use.
type Net struct {
	dtype  DType
	rng    *rand.Rand
	params []*Param
	stats  []*Stats
	built  bool
	flops  int64
}

// NewNet returns an empty network whose parameters will be initialised from
// seed.
func NewNet(dtype DType, seed uint64) *Net {
	return &Net{
		dtype: dtype,
		// The second word only separates this stream from other uses of seed.
		rng: rand.New(rand.NewPCG(seed, 0x6e6e2e696e6974)),
	}
}

// DType returns the element type of the network's tensors.
func (n *Net) DType() DType { return n.dtype }

// Params returns the parameters in creation order. The slice is the Net's
// own; do not modify it.
func (n *Net) Params() []*Param { return n.params }

// Stats returns the BatchNorm running statistics in creation order.
func (n *Net) Stats() []*Stats { return n.stats }

// NumParams returns the number of learnable scalars.
func (n *Net) NumParams() int {
	total := 0
	for _, p := range n.params {
		total += p.Len()
	}
	return total
}

// FLOPs returns the forward floating-point operations per image counted by
// the first build (a multiply-add counts as 2).
func (n *Net) FLOPs() int64 { return n.flops }

// newTensor allocates a zero tensor of the net's dtype.
func (n *Net) newTensor(shape ...int) *tensor.Dense {
	return tensor.New(tensor.Of(n.dtype.Tensor()), tensor.WithShape(shape...))
}

// fill sets every element of t from f.
func fill(t *tensor.Dense, f func() float64) {
	switch d := t.Data().(type) {
	case []float32:
		for i := range d {
			d[i] = float32(f())
		}
	case []float64:
		for i := range d {
			d[i] = f()
		}
	default:
		panic(fmt.Sprintf("nn: unsupported tensor data %T", d))
	}
}

// heNormal fills t from N(0, 2/fanIn) (Kaiming normal, fan_in mode, gain for
// ReLU), as PyTorch's kaiming_normal_(mode="fan_in", nonlinearity="relu").
func (n *Net) heNormal(t *tensor.Dense, fanIn int) {
	std := math.Sqrt(2 / float64(fanIn))
	fill(t, func() float64 { return n.rng.NormFloat64() * std })
}

// uniform fills t from U(-bound, bound).
func (n *Net) uniform(t *tensor.Dense, bound float64) {
	fill(t, func() float64 { return (2*n.rng.Float64() - 1) * bound })
}

// constant fills t with v.
func constant(t *tensor.Dense, v float64) {
	fill(t, func() float64 { return v })
}
