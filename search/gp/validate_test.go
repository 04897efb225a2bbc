package gp

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestMaximizeValidatesOnce checks that Maximize hands the acquisition
// only candidates it has validated, marked so that Predict does not
// validate them again, that the mark changes no score (EI of unmarked
// copies, and a fresh model's, are the same to the last bit), that
// candidates whose features are invalid never reach the acquisition, and
// that Predict still rejects invalid unmarked architectures.
func TestMaximizeValidatesOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	m, _ := New(Config{})
	ops := candOps(12, 4)
	var best []cand
	for range 20 {
		c, _ := ops.Sample(r)
		if err := m.Add(c.arch(), c.f()); err != nil {
			t.Fatal(err)
		}
		best = append(best, c)
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	twin, _ := New(Config{})
	for _, c := range best {
		twin.Add(c.arch(), c.f())
	}
	if err := twin.Fit(); err != nil {
		t.Fatal(err)
	}
	bad := 0
	features := ops.Features
	ops.Features = func(x cand) (Arch, error) {
		a, err := features(x)
		if x[0] == 3 { // an edge out of range
			a.Graphs[0].Succ = slices.Clone(a.Graphs[0].Succ)
			a.Graphs[0].Succ[0] = []int{len(x) + 5}
			bad++
		}
		return a, err
	}
	calls := 0
	acq := func(cands []Arch) ([]float64, error) {
		calls++
		plain := make([]Arch, len(cands))
		for i := range cands {
			if !cands[i].checked {
				t.Fatalf("candidate %d not marked", i)
			}
			if err := cands[i].validate(); err != nil {
				t.Fatalf("invalid candidate %d reached the acquisition: %v", i, err)
			}
			plain[i] = Arch{Graphs: cands[i].Graphs}
		}
		v, err := m.EI(cands)
		if err != nil {
			return nil, err
		}
		w, err := twin.EI(plain)
		if err != nil {
			return nil, err
		}
		for i := range v {
			if !sameBits(v[i], w[i]) {
				t.Fatalf("EI %v marked, %v unmarked", v[i], w[i])
			}
		}
		return v, nil
	}
	if _, err := Maximize(context.Background(), r, ops, acq, best, nil, EvolutionConfig{PoolSize: 30, MaxGenerations: 5}); err != nil {
		t.Fatal(err)
	}
	if calls == 0 || bad == 0 {
		t.Fatalf("%d acquisition calls, %d invalid candidates", calls, bad)
	}
	c := best[0].arch()
	c.Graphs[0].Succ = [][]int{{len(best[0]) + 1}}
	if _, _, err := m.Predict([]Arch{c}); err == nil {
		t.Fatal("invalid architecture predicted")
	}
	// A graph with an ID found invalid is not remembered as valid.
	c.Graphs[0].ID = "x" + strconv.Itoa(1)
	for range 2 {
		if _, _, err := m.Predict([]Arch{c}); err == nil {
			t.Fatal("invalid architecture with an ID predicted")
		}
	}
}
