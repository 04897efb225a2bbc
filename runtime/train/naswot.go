package train

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/runtime/nn"
	"gonum.org/v1/gonum/mat"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// naswotOps are the activations whose binary codes NASWOT reads: the
// ReLU-like ones, whose output is positive exactly where the unit is on.
var naswotOps = map[string]bool{"nn.relu": true, "nn.hardswish": true, "nn.mish": true}

// NASWOT scores a network at initialisation without training (Mellor et
// al., "Neural Architecture Search without Training", ICML 2021): one
// training-mode forward pass of batch images of set; each image gets the
// binary code of which ReLU-like units are on; K[i][j] counts the units
// on which images i and j agree; the score is log|det K|. Higher is
// better: a network whose units separate the images well scores high.
func NASWOT(p Program, seed uint64, set *data.Set, batch int) (float64, error) {
	score, _, err := naswot(p, seed, set, batch)
	return score, err
}

// naswot is NASWOT, also returning the network it built (nil if it built
// none), whose size a run reports.
func naswot(p Program, seed uint64, set *data.Set, batch int) (float64, *nn.Net, error) {
	if err := p.validate(); err != nil {
		return 0, nil, err
	}
	if set.Len() < batch {
		return 0, nil, fmt.Errorf("naswot: %d images are fewer than one batch of %d", set.Len(), batch)
	}
	net := nn.NewNet(nn.Float32, seed)
	c, h, w := p.Input[0], p.Input[1], p.Input[2]
	b, in, _, err := net.Build(nn.Train, p.Model, batch, c, h, w)
	if err != nil {
		return 0, nil, err
	}
	var acts []*G.Value
	for _, n := range b.Graph().AllNodes() {
		if n.Op() != nil && naswotOps[n.Op().String()] {
			v := new(G.Value)
			G.Read(n, v)
			acts = append(acts, v)
		}
	}
	if len(acts) == 0 {
		return 0, net, errors.New("naswot: the network has no ReLU-like activation to read")
	}
	x, err := bind(in, batch*c*h*w)
	if err != nil {
		return 0, net, err
	}
	vm, err := b.Machine()
	if err != nil {
		return 0, net, err
	}
	defer vm.Close()
	idx := data.Permutation(set.Len(), seed, 0)[:batch]
	data.Fill(set, idx, x, make([]float32, batch*p.Classes))
	if err := vm.RunAll(); err != nil {
		return 0, net, err
	}
	// Pack every image's code into 64-bit words.
	codes := make([][]uint64, batch)
	units := 0
	for _, v := range acts {
		t, ok := (*v).(*tensor.Dense)
		if !ok {
			return 0, net, fmt.Errorf("naswot: activation value of type %T", *v)
		}
		vals, ok := t.Data().([]float32)
		if !ok {
			return 0, net, fmt.Errorf("naswot: activation data of type %T", t.Data())
		}
		per := len(vals) / batch
		units += per
		for i := range batch {
			codes[i] = appendBits(codes[i], vals[i*per:(i+1)*per])
		}
	}
	return naswotScore(codes, units), net, nil
}

// appendBits appends the signs (x > 0) of xs to a bit code. Codes are
// padded to whole words per activation, with zero bits that agree.
func appendBits(code []uint64, xs []float32) []uint64 {
	for i := 0; i < len(xs); i += 64 {
		var word uint64
		for j := i; j < min(i+64, len(xs)); j++ {
			if xs[j] > 0 {
				word |= 1 << (j - i)
			}
		}
		code = append(code, word)
	}
	return code
}

// naswotScore is log|det K| with K[i][j] = units − Hamming(code i, code j).
func naswotScore(codes [][]uint64, units int) float64 {
	n := len(codes)
	k := mat.NewSymDense(n, nil)
	for i := range n {
		k.SetSym(i, i, float64(units))
		for j := i + 1; j < n; j++ {
			d := 0
			for w := range codes[i] {
				d += bits.OnesCount64(codes[i][w] ^ codes[j][w])
			}
			k.SetSym(i, j, float64(units-d))
		}
	}
	var lu mat.LU
	lu.Factorize(k)
	logdet, _ := lu.LogDet()
	if math.IsNaN(logdet) || math.IsInf(logdet, 0) {
		return -1e9 // singular: identical codes for two images
	}
	return logdet
}
