package dsl

import (
	"sort"
	"strings"
)

// OpSpec is the signature of a runtime operation usable on the right side
// of `primitive`, `stem` and `head`.
type OpSpec struct {
	Name   string
	Params []OpParam // in positional order
	Doc    string
}

// OpParam is one parameter of an operation. A parameter without a default
// (Required) must be given.
type OpParam struct {
	Name     string
	Default  float64
	Required bool
	Min      float64 // smallest allowed value
}

// Ops lists the runtime operations the language knows, by name.
var Ops = map[string]*OpSpec{
	"conv": {Name: "conv", Doc: "k x k convolution, padding k/2, no bias; out 0 keeps the channels",
		Params: []OpParam{{Name: "k", Required: true, Min: 1}, {Name: "out", Min: 0}, {Name: "stride", Default: 1, Min: 1}}},
	"batchnorm":     {Name: "batchnorm", Doc: "batch normalisation over the channels"},
	"relu":          {Name: "relu", Doc: "max(x, 0)"},
	"identity":      {Name: "identity", Doc: "the input unchanged"},
	"globalavgpool": {Name: "globalavgpool", Doc: "mean over height and width: (C, H, W) -> (C)"},
	"linear": {Name: "linear", Doc: "fully connected layer; out 0 means the number of classes",
		Params: []OpParam{{Name: "out", Min: 0}}},
}

func opNames() string {
	names := make([]string, 0, len(Ops))
	for n := range Ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
