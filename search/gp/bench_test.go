package gp

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/nasgc/nasgc/internal/cputime"
)

// cpuTime is the process's CPU time (internal/cputime).
func cpuTime() time.Duration { return cputime.Process() }

// loop runs f as b.Loop says and reports its CPU seconds per run; it
// returns the number of runs.
func loop(b *testing.B, f func()) int {
	b.Helper()
	n := 0
	var cpu time.Duration
	for b.Loop() {
		t := cpuTime()
		f()
		cpu += cpuTime() - t
		n++
	}
	b.ReportMetric(cpu.Seconds()/float64(n), "cpu-s/op")
	return n
}

// benchArch is a candidate of the benchmarks: random graphs the size of a
// hierarchical NAS-Bench-201 architecture's (G with 100-250 nodes, levels
// L0..L4 smaller), 15 labels.
type benchArch struct {
	a   Arch
	key string
}

var benchLevelSizes = []int{4, 10, 24, 48, 90}

func newBenchArch(r *rand.Rand) *benchArch {
	a := Arch{Graphs: []Graph{randGraph(r, 100+r.IntN(151), 15, nil)}}
	for _, s := range benchLevelSizes {
		a.Graphs = append(a.Graphs, randGraph(r, s/2+r.IntN(s), 15, nil))
	}
	return &benchArch{a: a, key: strconv.FormatUint(r.Uint64(), 36)}
}

func benchOps() Ops[*benchArch] {
	return Ops[*benchArch]{
		Sample: func(r *rand.Rand) (*benchArch, error) { return newBenchArch(r), nil },
		Mutate: func(r *rand.Rand, x *benchArch) (*benchArch, error) {
			// Like resampling a subtree at depth k: G and the levels from
			// k on change, the coarser ones stay.
			c := &benchArch{a: Arch{Graphs: slices.Clone(x.a.Graphs)}, key: strconv.FormatUint(r.Uint64(), 36)}
			k := r.IntN(len(benchLevelSizes))
			relabel(r, &c.a.Graphs[0], 3)
			for i := 1 + k; i < len(c.a.Graphs); i++ {
				relabel(r, &c.a.Graphs[i], 1)
			}
			return c, nil
		},
		Crossover: func(r *rand.Rand, a, b *benchArch) (*benchArch, *benchArch, error) {
			// Like swapping subtrees at depth k: each child takes the
			// other's levels from k on; G changes.
			k := 1 + r.IntN(len(benchLevelSizes))
			c1 := &benchArch{a: Arch{Graphs: slices.Clone(a.a.Graphs)}, key: strconv.FormatUint(r.Uint64(), 36)}
			c2 := &benchArch{a: Arch{Graphs: slices.Clone(b.a.Graphs)}, key: strconv.FormatUint(r.Uint64(), 36)}
			copy(c1.a.Graphs[k:], b.a.Graphs[k:])
			copy(c2.a.Graphs[k:], a.a.Graphs[k:])
			relabel(r, &c1.a.Graphs[0], 3)
			relabel(r, &c2.a.Graphs[0], 3)
			return c1, c2, nil
		},
		Key:      func(x *benchArch) string { return x.key },
		Features: func(x *benchArch) (Arch, error) { return x.a, nil },
	}
}

// relabel replaces g by a copy with k random nodes relabelled.
func relabel(r *rand.Rand, g *Graph, k int) {
	g.Labels = slices.Clone(g.Labels)
	for range k {
		g.Labels[r.IntN(len(g.Labels))] = "op" + strconv.Itoa(r.IntN(15))
	}
}

// benchTarget is a smooth function of the label mix, so that the fit has
// something to find.
func benchTarget(a Arch) float64 {
	t := 0.0
	for _, l := range a.Graphs[0].Labels {
		if l == "op0" || l == "op1" {
			t++
		}
	}
	return -t / float64(len(a.Graphs[0].Labels))
}

func benchModel(b *testing.B, cfg Config, n int) (*Model, []Observed[*benchArch], map[string]bool) {
	b.Helper()
	r := rand.New(rand.NewPCG(42, 42))
	m, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var hist []Observed[*benchArch]
	exclude := map[string]bool{}
	for range n {
		x := newBenchArch(r)
		y := benchTarget(x.a) + 0.01*r.NormFloat64()
		if err := m.Add(x.a, y); err != nil {
			b.Fatal(err)
		}
		hist = append(hist, Observed[*benchArch]{x, y})
		exclude[x.key] = true
	}
	return m, hist, exclude
}

// BenchmarkAdd400 adds 400 observations to an empty hWL model (features
// and Gram rows of each, computed once).
func BenchmarkAdd400(b *testing.B) {
	loop(b, func() { benchModel(b, Config{}, 400) })
}

// BenchmarkFit400 fits an hWL model on 400 observations (h grid + Adam).
func BenchmarkFit400(b *testing.B) {
	m, _, _ := benchModel(b, Config{}, 400)
	loop(b, func() {
		if err := m.Fit(); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkFitAcquire400 is one BOHNAS step with 400 observations: the fit
// and one acquisition round (evolution maximising EI). hwl-hG4 fixes G's
// h at 4, the top of the grid (the grid picks 0 on this target).
func BenchmarkFitAcquire400(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"hwl", Config{Kernel: HWL}},
		{"hwl-hG4", Config{Kernel: HWL, HGrid: []int{4}}},
		{"wl", Config{Kernel: WL}},
		{"nasbot", Config{Kernel: NASBOT}},
	} {
		b.Run(c.name, func(b *testing.B) {
			m, hist, exclude := benchModel(b, c.cfg, 400)
			gens, scored := 0, 0
			var fit, acq time.Duration
			runs := loop(b, func() {
				t0 := cpuTime()
				if err := m.Fit(); err != nil {
					b.Fatal(err)
				}
				t1 := cpuTime()
				r := rand.New(rand.NewPCG(7, 7))
				res, err := Maximize(context.Background(), r, benchOps(), m.EI, Best(hist, 10), exclude, EvolutionConfig{})
				if err != nil {
					b.Fatal(err)
				}
				fit += t1 - t0
				acq += cpuTime() - t1
				gens, scored = res.Generations, res.Scored
			})
			b.ReportMetric(fit.Seconds()/float64(runs), "fit-cpu-s/op")
			b.ReportMetric(acq.Seconds()/float64(runs), "acq-cpu-s/op")
			b.ReportMetric(float64(gens), "generations")
			b.ReportMetric(float64(scored), "candidates")
		})
	}
}
