package nn_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/runtime/nn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// primitivesCNN uses layers of every kind with state: parameters of all
// shapes and BatchNorm running statistics.
func primitivesCNN(b *nn.B, x nn.X) nn.X {
	x = b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 4}))
	x = b.LayerNorm(b.DWConv(b.Mish(x), nn.DWConv{K: 3}))
	x = b.InstanceNorm(b.Scale(x, 1))
	x = b.ResBlock(x, 2, 0)
	return b.Linear(b.GlobalAvgPool(b.ReLU(b.BatchNorm(x))), 3)
}

// trainSteps runs a few training graph runs so that the running
// statistics move, and perturbs the parameters.
func trainSteps(t *testing.T, net *nn.Net, m nn.Model) {
	t.Helper()
	b, in, _, err := net.Build(nn.Train, m, 4, 2, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 4*2*8*8)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	if err := G.Let(in.Node(), tensor.New(tensor.WithShape(4, 2, 8, 8), tensor.WithBacking(x))); err != nil {
		t.Fatal(err)
	}
	vm, err := b.Machine()
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	for range 3 {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range net.Params() {
		for i, v := range p.Value.Float32s() {
			p.Value.Float32s()[i] = v + 0.1*float32(rng.NormFloat64())
		}
	}
}

func TestSaveLoad(t *testing.T) {
	src := nn.NewNet(nn.Float32, 1)
	trainSteps(t, src, primitivesCNN)
	var buf bytes.Buffer
	if err := src.Save(&buf); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()

	dst := nn.NewNet(nn.Float32, 2) // other initial values
	cl, err := nn.NewClassifier(dst, primitivesCNN, 3, 2, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := dst.Load(bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	for i, p := range src.Params() {
		if !slices.Equal(p.Value.Float32s(), dst.Params()[i].Value.Float32s()) {
			t.Errorf("parameter %s differs after loading", p.Name)
		}
	}
	for i, s := range src.Stats() {
		d := dst.Stats()[i]
		if !slices.Equal(s.Mean.Float32s(), d.Mean.Float32s()) || !slices.Equal(s.Var.Float32s(), d.Var.Float32s()) {
			t.Errorf("statistics of %s differ after loading", s.Name)
		}
		if s.Mean.Float32s()[0] == 0 {
			t.Errorf("running mean of %s did not move in training", s.Name)
		}
	}

	// The loaded network classifies as the saved one, and 5 images in
	// batches of 3 (one padded) as one at a time.
	ref, err := nn.NewClassifier(src, primitivesCNN, 5, 2, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	rng := rand.New(rand.NewPCG(5, 5))
	images := make([]float32, 5*2*8*8)
	for i := range images {
		images[i] = float32(rng.NormFloat64())
	}
	want, err := ref.Scores(images)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cl.Scores(images)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5*3 {
		t.Fatalf("%d scores, want 15", len(got))
	}
	for i := range got {
		if d := got[i] - want[i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("score %d: %v after loading, %v before saving", i, got[i], want[i])
		}
	}
	classes, err := cl.Predict(images)
	if err != nil || len(classes) != 5 {
		t.Fatalf("Predict = %v, %v", classes, err)
	}

	// float32 weights load into a float64 network.
	n64 := nn.NewNet(nn.Float64, 3)
	if _, _, _, err := n64.Build(nn.Eval, primitivesCNN, 1, 2, 8, 8); err != nil {
		t.Fatal(err)
	}
	if err := n64.Load(bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	if got, want := n64.Params()[0].Value.Float64s()[0], float64(src.Params()[0].Value.Float32s()[0]); got != want {
		t.Errorf("float64 load: %v, want %v", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	src := nn.NewNet(nn.Float32, 1)
	if err := src.Save(&bytes.Buffer{}); err == nil {
		t.Error("Save of an unbuilt network: no error")
	}
	if _, _, _, err := src.Build(nn.Eval, primitivesCNN, 1, 2, 8, 8); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.Save(&buf); err != nil {
		t.Fatal(err)
	}
	other := func(b *nn.B, x nn.X) nn.X {
		x = b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 5})) // 5 channels, not 4
		x = b.LayerNorm(b.DWConv(b.Mish(x), nn.DWConv{K: 3}))
		x = b.InstanceNorm(b.Scale(x, 1))
		x = b.ResBlock(x, 2, 0)
		return b.Linear(b.GlobalAvgPool(b.ReLU(b.BatchNorm(x))), 3)
	}
	fewer := func(b *nn.B, x nn.X) nn.X { return b.Linear(b.GlobalAvgPool(x), 3) }
	for _, tt := range []struct {
		name  string
		model nn.Model
		data  []byte
		want  string
	}{
		{"shape", other, buf.Bytes(), "tensor 1 is conv1.w (4, 2, 3, 3) in the file, but conv1.w (5, 2, 3, 3) in the network"},
		{"count", fewer, buf.Bytes(), "the file holds 20 parameters and 4 BatchNorm layers, the network 2 and 0"},
		{"garbage", primitivesCNN, []byte("not weights"), "not a weights file"},
		{"truncated", primitivesCNN, buf.Bytes()[:buf.Len()/2], "not a weights file"},
	} {
		net := nn.NewNet(nn.Float32, 1)
		if err := net.Load(bytes.NewReader(tt.data)); err == nil || !strings.Contains(err.Error(), "build the network first") {
			t.Errorf("%s: Load before Build: %v", tt.name, err)
		}
		if _, _, _, err := net.Build(nn.Eval, tt.model, 1, 2, 8, 8); err != nil {
			t.Fatal(err)
		}
		before := slices.Clone(net.Params()[0].Value.Float32s())
		err := net.Load(bytes.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load = %v, want an error containing %q", tt.name, err, tt.want)
		}
		if !slices.Equal(before, net.Params()[0].Value.Float32s()) {
			t.Errorf("%s: a failed Load changed the parameters", tt.name)
		}
	}
}
