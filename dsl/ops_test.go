package dsl

import "testing"

// TestSpatialShapes: convolutions and pools give the runtime's output size,
// (H + 2p - d(k-1) - 1)/s + 1 with p = d*(k/2): ceil(H/s) for an odd k.
func TestSpatialShapes(t *testing.T) {
	in := Shape{16, 32, 31}
	op := func(name string, args map[string]float64) *Op {
		return &Op{Name: name, Spec: Ops[name], Args: args}
	}
	tests := []struct {
		op   *Op
		want Shape
	}{
		{op("conv", map[string]float64{"k": 3, "stride": 1, "dilation": 2}), in},
		{op("conv", map[string]float64{"k": 5, "stride": 2, "dilation": 2, "out": 8}), Shape{8, 16, 16}},
		{op("conv", map[string]float64{"k": 2, "stride": 1, "dilation": 1}), Shape{16, 33, 32}},
		{op("dwconv", map[string]float64{"k": 3, "stride": 2, "dilation": 1}), Shape{16, 16, 16}},
		{op("dwconv", map[string]float64{"k": 5, "stride": 1}), in},
		{op("maxpool", map[string]float64{"k": 3, "stride": 2}), Shape{16, 16, 16}},
		{op("avgpool", map[string]float64{"k": 2, "stride": 2}), Shape{16, 17, 16}},
	}
	for _, tt := range tests {
		if got := tt.op.OutShape(in, 10); got != tt.want {
			t.Errorf("%s%v on %v: %v, want %v", tt.op.Name, tt.op.Args, in, got, tt.want)
		}
	}
	for name, spec := range Ops {
		if !spec.Runtime {
			t.Errorf("operation %s is not in the runtime", name)
		}
	}
}
