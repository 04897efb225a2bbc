package train

import (
	"context"
	"io"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/runtime/nn"
)

// The packed score equals log|det K| computed naively from unpacked codes.
func TestNASWOTScoreNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, units = 6, 150
	raw := make([][]float32, n)
	var codes [][]uint64
	for i := range n {
		raw[i] = make([]float32, units)
		for j := range raw[i] {
			raw[i][j] = float32(r.NormFloat64())
		}
		// Two activations of 100 and 50 units, packed as NASWOT packs them.
		codes = append(codes, appendBits(appendBits(nil, raw[i][:100]), raw[i][100:]))
	}
	k := make([][]float64, n)
	for i := range n {
		k[i] = make([]float64, n)
		for j := range n {
			agree := 0
			for u := range units {
				if (raw[i][u] > 0) == (raw[j][u] > 0) {
					agree++
				}
			}
			k[i][j] = float64(agree)
		}
	}
	want := math.Log(math.Abs(det(k)))
	if got := naswotScore(codes, units); math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("score %v, naive %v", got, want)
	}
	// Two identical images make K singular: the score says so.
	codes[1] = codes[0]
	if got := naswotScore(codes, units); got > -1e8 {
		t.Errorf("singular K scored %v", got)
	}
}

// det is the determinant by Gaussian elimination with partial pivoting.
func det(a [][]float64) float64 {
	n := len(a)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append([]float64(nil), a[i]...)
	}
	d := 1.0
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if m[p][c] == 0 {
			return 0
		}
		if p != c {
			m[p], m[c] = m[c], m[p]
			d = -d
		}
		d *= m[c][c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k < n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	return d
}

func naswotNet(width int) Program {
	return Program{Term: "naswot test net", Input: [3]int{1, 8, 8}, Classes: 3, Model: func(b *nn.B, x nn.X) nn.X {
		x = b.Conv(x, nn.Conv{K: 3, Out: width})
		x = b.ReLU(x)
		x = b.Conv(x, nn.Conv{K: 3})
		x = b.ReLU(x)
		x = b.GlobalAvgPool(x)
		return b.Linear(x, 3)
	}}
}

// The score is a function of the seed; the objective run reports it and
// trains nothing.
func TestNASWOTObjective(t *testing.T) {
	set := data.Synthetic(200, 1, 8, 8, 3, 1)
	a, err := NASWOT(naswotNet(8), 5, set, 32)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NASWOT(naswotNet(8), 5, set, 32)
	if a != b || math.IsNaN(a) || a < -1e8 {
		t.Fatalf("scores %v and %v with the same seed", a, b)
	}
	// A wider network separates the images at least as well.
	wide, _ := NASWOT(naswotNet(32), 5, set, 32)
	if wide < a {
		t.Errorf("width 32 scores %v below width 8's %v", wide, a)
	}
	p := naswotNet(8)
	p.Defaults = Config{Dataset: DatasetSynthetic, Epochs: 1, Batch: 32, Subset: 200, Test: 50, LR: 0.1, Objective: ObjectiveNASWOT, Seed: 5}
	res := Run(context.Background(), p, p.Defaults, io.Discard)
	if res.Status != StatusOK || res.Objective == nil || res.Steps != 0 || res.Params <= 0 || res.FLOPs <= 0 {
		t.Fatalf("result %+v", res)
	}
}
