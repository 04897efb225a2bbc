package dsl

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkParseCheck parses and checks a space file (SetBytes: MB/s of
// source).
func BenchmarkParseCheck(b *testing.B) {
	for _, name := range []string{"../testdata/spaces/toy.nasg", "../testdata/spaces/hnb201.nasg", "../testdata/spaces/darts.nasg"} {
		src, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(name), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				f, ds := Parse(name, src)
				if ds.HasErrors() {
					b.Fatal(ds)
				}
				if g, ds := Check(f, src); g == nil {
					b.Fatal(ds)
				}
			}
		})
	}
}

// BenchmarkCheck checks hnb201.nasg, parsed once: the checker alone,
// shape and connectivity passes included.
func BenchmarkCheck(b *testing.B) {
	name := "../testdata/spaces/hnb201.nasg"
	src, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	f, ds := Parse(name, src)
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	for b.Loop() {
		if g, ds := Check(f, src); g == nil {
			b.Fatal(ds)
		}
	}
}

// BenchmarkFormat formats hnb201.nasg, parsed once.
func BenchmarkFormat(b *testing.B) {
	name := "../testdata/spaces/hnb201.nasg"
	src, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	f, _ := Parse(name, src)
	for b.Loop() {
		Format(f, src)
	}
}

// BenchmarkSample draws architectures from the toy space at max_depth 3.
func BenchmarkSample(b *testing.B) {
	g := toyGrammar(b)
	s := NewSampler(g, 1)
	for b.Loop() {
		d, err := s.Sample()
		if err != nil {
			b.Fatal(err)
		}
		_ = d.String()
	}
}

// BenchmarkDerivations measures the derivation operators on every
// testdata space: sampling (with the zero rule and the file's
// constraints), mutation, crossover, the architecture graph and the
// kernel graphs. Issue 4's target: 20,000 per second on one core for
// sampling, mutation and crossover on hnb201.
func BenchmarkDerivations(b *testing.B) {
	for _, name := range []string{"nb201", "hnb201", "darts"} {
		g := spaceGrammar(b, name)
		pool := func(s *Sampler) []*Derivation {
			var ds []*Derivation
			for range 64 {
				d, err := s.Sample()
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, d)
			}
			return ds
		}
		b.Run(name+"/sample", func(b *testing.B) {
			s := NewSampler(g, 1)
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				if _, err := s.Sample(); err != nil {
					b.Fatal(err)
				}
			}
		})
		if len(g.Constraints) > 0 {
			b.Run(name+"/sample-unconstrained", func(b *testing.B) {
				free := *g
				free.Constraints = nil
				s := NewSampler(&free, 1)
				start := cpuTime()
				defer reportCPU(b, start)
				for b.Loop() {
					if _, err := s.Sample(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(name+"/mutate", func(b *testing.B) {
			s := NewSampler(g, 2)
			ds := pool(s)
			i := 0
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				if _, err := s.Mutate(ds[i%len(ds)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		// A chain of mutations, each child the next parent, as a random
		// walk through the space: no parent is seen twice, so nothing
		// measured before is reused but what the child shares with its
		// parent.
		b.Run(name+"/mutate-chain", func(b *testing.B) {
			s := NewSampler(g, 6)
			d := pool(s)[0]
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				c, err := s.Mutate(d)
				if err != nil {
					b.Fatal(err)
				}
				d = c
			}
		})
		b.Run(name+"/crossover", func(b *testing.B) {
			s := NewSampler(g, 3)
			ds := pool(s)
			i := 0
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				if _, _, err := s.Crossover(ds[i%len(ds)], ds[(i+1)%len(ds)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(name+"/graph", func(b *testing.B) {
			s := NewSampler(g, 4)
			ds := pool(s)
			i := 0
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				if _, err := g.Graph(ds[i%len(ds)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		// The acquisition optimiser's pattern: a chain of children
		// (mutants and self-crossovers, alternately), each child's
		// kernel graphs built from its parent's; the operators' own
		// cost is in mutate-chain and crossover.
		b.Run(name+"/kernelgraphs-chain", func(b *testing.B) {
			s := NewSampler(g, 7)
			d := pool(s)[0]
			dg, err := g.KernelGraphsFrom(d, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			var ops time.Duration
			i := 0
			start := cpuTime()
			defer func() {
				b.ReportMetric(float64(cpuTime()-start-ops)/1e3/float64(b.N), "cpu-µs/graphs")
			}()
			for b.Loop() {
				t0 := cpuTime()
				c := d
				var err error
				if i%2 == 0 {
					c, err = s.Mutate(d)
				} else {
					c, _, err = s.Crossover(d, d)
				}
				ops += cpuTime() - t0
				i++
				if err != nil {
					continue
				}
				cg, err := g.KernelGraphsFrom(c, d, dg)
				if err != nil {
					continue
				}
				d, dg = c, cg
			}
		})
		// The acquisition optimiser's pattern without the operators:
		// children of a population, bred beforehand, each scored once
		// (in up to 4096 iterations: -benchtime 2000x), from its
		// parent's graphs. Unlike in kernelgraphs-chain, a child is not
		// bred from in turn, and the parents are many.
		b.Run(name+"/kernelgraphs-children", func(b *testing.B) {
			s := NewSampler(g, 8)
			pop := pool(s)
			pg := make([][]KernelGraph, len(pop))
			for i, d := range pop {
				var err error
				if pg[i], err = g.KernelGraphsFrom(d, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
			var kids []*Derivation
			var parent []int
			for i := 0; len(kids) < 4096; i++ {
				p := i % len(pop)
				var c *Derivation
				var err error
				if i%2 == 0 {
					c, err = s.Mutate(pop[p])
				} else {
					c, _, err = s.Crossover(pop[p], pop[(i*7)%len(pop)])
				}
				if err == nil {
					kids, parent = append(kids, c), append(parent, p)
				}
			}
			i := 0
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				k, p := i%len(kids), parent[i%len(kids)]
				if _, err := g.KernelGraphsFrom(kids[k], pop[p], pg[p]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(name+"/kernelgraphs", func(b *testing.B) {
			s := NewSampler(g, 5)
			ds := pool(s)
			i := 0
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				if _, err := g.KernelGraphs(ds[i%len(ds)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
