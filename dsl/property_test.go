package dsl

import (
	"fmt"
	"testing"
)

var spaceNames = []string{"toy", "nb201", "hnb201", "actfn", "darts"}

// checkArch asserts everything an architecture made by the sampler or a
// genetic operator must satisfy: the checker's rules, both text forms
// parse back to the same tree, and every sum merges tensors of one shape.
func checkArch(t *testing.T, g *Grammar, d *Derivation, what string) {
	t.Helper()
	if err := g.Validate(d); err != nil {
		t.Fatalf("%s: invalid: %v\n%s", what, err, d)
	}
	term := d.String()
	back, err := g.ParseTerm(term)
	if err != nil {
		t.Fatalf("%s: term does not parse back: %v\n%s", what, err, term)
	}
	if !Equal(back, d) {
		t.Fatalf("%s: term parses back to another tree\n%s\n%s", what, term, back.ID())
	}
	id := d.ID()
	back, err = g.ParseID(id)
	if err != nil {
		t.Fatalf("%s: id does not parse back: %v\n%s", what, err, id)
	}
	if !Equal(back, d) {
		t.Fatalf("%s: id parses back to another tree\n%s", what, id)
	}
	gr, err := g.Graph(d)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := gr.checkShapes(); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, term)
	}
	// The constraints' fast measure agrees with the graph.
	m, depth, ok := g.measure(d)
	if !ok || m.params != gr.Params || m.flops != gr.FLOPs || depth != gr.Depth {
		t.Fatalf("%s: measure (%d params, %d flops, depth %d) != graph (%d, %d, %d)\n%s", what, m.params, m.flops, depth, gr.Params, gr.FLOPs, gr.Depth, term)
	}
	for i, n := range m.count {
		if name := g.counted[i].Name; gr.Count(name) != n {
			t.Fatalf("%s: count(%s) %d != graph's %d", what, name, n, gr.Count(name))
		}
	}
}

// checkShapes verifies the graph: inputs before their node, one shape per
// sum and binary primitive, nothing dangling.
func (gr *Graph) checkShapes() error {
	used := make([]bool, len(gr.Nodes))
	for i := range gr.Nodes {
		n := &gr.Nodes[i]
		for _, j := range n.In {
			if j >= i {
				return fmt.Errorf("node %d reads node %d: not topological", i, j)
			}
			used[j] = true
			if (n.Kind == SumNode || n.Kind == PrimNode && len(n.In) > 1) && gr.Nodes[j].Shape != gr.Nodes[n.In[0]].Shape {
				return fmt.Errorf("node %d (%s) merges shapes %v and %v", i, n.Label(), gr.Nodes[j].Shape, gr.Nodes[n.In[0]].Shape)
			}
		}
		if n.Kind == SumNode && len(n.In) < 2 {
			return fmt.Errorf("sum node %d has %d inputs", i, len(n.In))
		}
	}
	for i := 0; i < len(gr.Nodes)-1; i++ {
		if !used[i] {
			return fmt.Errorf("node %d (%s) does not reach the output", i, gr.Nodes[i].Label())
		}
	}
	return nil
}

func propertyN(t *testing.T) int {
	if testing.Short() {
		return 500
	}
	return 10000
}

func TestPropertySamples(t *testing.T) {
	for _, name := range spaceNames {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := spaceGrammar(t, name)
			s := NewSampler(g, 42)
			for i := range propertyN(t) {
				d, err := s.Sample()
				if err != nil {
					t.Fatal(err)
				}
				checkArch(t, g, d, fmt.Sprintf("sample %d", i))
			}
		})
	}
}

func TestPropertyMutations(t *testing.T) {
	for _, name := range spaceNames {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := spaceGrammar(t, name)
			s := NewSampler(g, 43)
			d, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			for i := range propertyN(t) {
				m, err := s.Mutate(d)
				if err != nil {
					t.Fatalf("mutation %d of %s: %v", i, d, err)
				}
				if Equal(m, d) {
					t.Fatalf("mutation %d: child equals its parent", i)
				}
				checkArch(t, g, m, fmt.Sprintf("mutation %d", i))
				// A random walk, restarted now and then so that both
				// fresh and much-mutated parents are covered.
				d = m
				if i%100 == 99 {
					if d, err = s.Sample(); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

func TestPropertyCrossovers(t *testing.T) {
	for _, name := range spaceNames {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := spaceGrammar(t, name)
			s := NewSampler(g, 44)
			fails := 0
			a, _ := s.Sample()
			for i := range propertyN(t) {
				b, err := s.Sample()
				if err != nil {
					t.Fatal(err)
				}
				p2 := b
				if i%4 == 0 {
					p2 = a // self-crossover
				}
				c1, c2, err := s.Crossover(a, p2)
				if err != nil {
					// Only a pair that has a valid new child can fail
					// (two one-primitive parents have none).
					if productive(s, a, p2) {
						fails++
					}
					a = b
					continue
				}
				if Equal(c1, a) {
					t.Fatalf("crossover %d: child equals its parent", i)
				}
				checkArch(t, g, c1, fmt.Sprintf("crossover %d, child 1", i))
				checkArch(t, g, c2, fmt.Sprintf("crossover %d, child 2", i))
				a = c1
				if i%50 == 49 {
					a = b
				}
			}
			if n := propertyN(t); fails > n/100 {
				t.Errorf("%d of %d crossovers failed", fails, n)
			}
		})
	}
}

// productive reports whether some crossover of a and b gives a valid child
// that differs from both parents, trying every pair of occurrences.
func productive(s *Sampler, a, b *Derivation) bool {
	for _, x := range s.G.Occurrences(a) {
		for _, y := range s.G.Occurrences(b) {
			if x.D.Rule() != y.D.Rule() || Equal(x.D, y.D) {
				continue
			}
			c := s.graft(a, x, y.D)
			if c != nil && !Equal(c, a) && !Equal(c, b) && s.valid(c) {
				if a == b {
					return true
				}
				if c2 := s.graft(b, y, x.D); c2 != nil && s.valid(c2) {
					return true
				}
			}
		}
	}
	return false
}

// levelGraphDirect builds a hierarchy level the direct way, flattening
// with the calls nested deeper than level left as coarse nodes: the
// reference for KernelGraphs' contraction of the full graph.
func levelGraphDirect(g *Grammar, d *Derivation, level int) (LabelGraph, bool) {
	b := &graphBuilder{g: g, expand: level, cur: -1}
	b.nodes = append(b.nodes, GNode{Kind: InputNode, scope: -1})
	out := b.apply(d.Call(), 0, 0)
	if !b.coarse || out == dead {
		return LabelGraph{}, false
	}
	return b.prune(out).contract(nil), true
}

func TestKernelGraphLevels(t *testing.T) {
	for _, name := range spaceNames {
		t.Run(name, func(t *testing.T) {
			g := spaceGrammar(t, name)
			s := NewSampler(g, 45)
			for i := range 300 {
				d, err := s.Sample()
				if err != nil {
					t.Fatal(err)
				}
				kg, err := g.KernelGraphs(d)
				if err != nil {
					t.Fatal(err)
				}
				for level := 0; ; level++ {
					want, ok := levelGraphDirect(g, d, level)
					if !ok {
						if len(kg) != level+1 {
							t.Fatalf("sample %d: %d levels, want %d", i, len(kg)-1, level)
						}
						break
					}
					if level+1 >= len(kg) {
						t.Fatalf("sample %d: level %d missing", i, level)
					}
					kg[level+1].ID = ""
					if fmt.Sprint(kg[level+1]) != fmt.Sprint(want) {
						t.Fatalf("sample %d level %d:\ngot  %v\nwant %v\n%s", i, level, kg[level+1], want, d)
					}
				}
			}
		})
	}
}
