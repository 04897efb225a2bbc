package nn

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

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

// weightsFormat names the format of [Net.Save] files, version included.
const weightsFormat = "nasgc-weights/1"

// weights is the content of a weights file (encoding/gob).
type weights struct {
	Format string // weightsFormat
	DType  string // of the saved values: "float32" or "float64"
	Params []savedTensor
	Stats  []savedTensor // BatchNorm running means then variances: "name.mean", "name.var"
}

type savedTensor struct {
	Name   string
	Shape  []int
	Data32 []float32 // when DType is float32
	Data64 []float64 // when DType is float64
}

func save(name string, t *tensor.Dense) savedTensor {
	s := savedTensor{Name: name, Shape: append([]int(nil), t.Shape()...)}
	switch d := t.Data().(type) {
	case []float32:
		s.Data32 = append([]float32(nil), d...)
	case []float64:
		s.Data64 = append([]float64(nil), d...)
	}
	return s
}

// tensors lists the Net's saved tensors in file order, with their names.
func (n *Net) tensors() (names []string, ts []*tensor.Dense) {
	for _, p := range n.params {
		names, ts = append(names, p.Name), append(ts, p.Value)
	}
	for _, s := range n.stats {
		names, ts = append(names, s.Name+".mean", s.Name+".var"), append(ts, s.Mean, s.Var)
	}
	return names, ts
}

// Save writes the network's parameters and BatchNorm running statistics to
// w. The format is encoding/gob of one record: a format tag
// ("nasgc-weights/1"), the element type, and each tensor's name (e.g.
// "conv3.w", "bn2.mean"), shape and values, parameters first in creation
// order, then the running means and variances. [Net.Load] reads it back
// into a network built from the same model. The network must have been
// built.
func (n *Net) Save(w io.Writer) error {
	if !n.built {
		return errors.New("nn: saving weights: the network has not been built yet")
	}
	f := weights{Format: weightsFormat, DType: n.dtype.String()}
	names, ts := n.tensors()
	np := len(n.params)
	for i, t := range ts {
		if i < np {
			f.Params = append(f.Params, save(names[i], t))
		} else {
			f.Stats = append(f.Stats, save(names[i], t))
		}
	}
	if err := gob.NewEncoder(w).Encode(&f); err != nil {
		return fmt.Errorf("nn: saving weights: %w", err)
	}
	return nil
}

// Load reads weights written by [Net.Save] into the network, which must be
// built from the same model: the file must hold the same tensors, with the
// same names and shapes, in the same order. Values saved as float32 load
// into a float64 network and the other way round. Nothing changes when Load
// returns an error.
func (n *Net) Load(r io.Reader) error {
	if !n.built {
		return errors.New("nn: loading weights: build the network first, then load its weights")
	}
	var f weights
	if err := gob.NewDecoder(r).Decode(&f); err != nil {
		return fmt.Errorf("nn: loading weights: not a weights file: %w", err)
	}
	if f.Format != weightsFormat {
		return fmt.Errorf("nn: loading weights: format %q, want %q", f.Format, weightsFormat)
	}
	names, ts := n.tensors()
	saved := append(append([]savedTensor(nil), f.Params...), f.Stats...)
	if len(f.Params) != len(n.params) || len(f.Stats) != 2*len(n.stats) {
		return fmt.Errorf("nn: loading weights: the file holds %d parameters and %d BatchNorm layers, the network %d and %d: it is another architecture",
			len(f.Params), len(f.Stats)/2, len(n.params), len(n.stats))
	}
	for i, s := range saved {
		t := ts[i]
		if s.Name != names[i] || !tensor.Shape(s.Shape).Eq(t.Shape()) {
			return fmt.Errorf("nn: loading weights: tensor %d is %s %v in the file, but %s %v in the network: it is another architecture",
				i+1, s.Name, tensor.Shape(s.Shape), names[i], t.Shape())
		}
		if got := max(len(s.Data32), len(s.Data64)); got != t.Len() {
			return fmt.Errorf("nn: loading weights: tensor %s has %d values for shape %v", s.Name, got, t.Shape())
		}
	}
	for i, s := range saved {
		switch d := ts[i].Data().(type) {
		case []float32:
			for j := range d {
				if s.Data32 != nil {
					d[j] = s.Data32[j]
				} else {
					d[j] = float32(s.Data64[j])
				}
			}
		case []float64:
			for j := range d {
				if s.Data64 != nil {
					d[j] = s.Data64[j]
				} else {
					d[j] = float64(s.Data32[j])
				}
			}
		}
	}
	return nil
}

// SaveFile writes the weights (see [Net.Save]) to the file at path,
// through a temporary file renamed into place, so that a reader never sees
// half a file.
func (n *Net) SaveFile(path string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("nn: saving weights: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := n.Save(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("nn: saving weights: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("nn: saving weights: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("nn: saving weights: %w", err)
	}
	return nil
}
