package dsl

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
)

var memoSpaces = []string{"toy", "nb201", "hnb201", "darts", "actfn"}

// TestTablesDrawAsTheSampler checks the tabulated rules against the
// sampler's own choices: every table's probabilities sum to one, its
// derivations are distinct, and draws made choice by choice on a copy of
// the grammar without tables fall on the table's derivations with the
// table's frequencies (a chi-square test at a fixed seed).
func TestTablesDrawAsTheSampler(t *testing.T) {
	tabulated := 0
	for _, name := range memoSpaces {
		g := spaceGrammar(t, name)
		plain := spaceGrammar(t, name)
		for _, r := range plain.Rules {
			r.table = nil
			for _, p := range r.Alts {
				p.flat = false
			}
		}
		for ri, r := range g.Rules {
			if r.table == nil {
				continue
			}
			tabulated++
			for mode, tb := range r.table {
				noZero := mode == 1
				sum := 0.0
				index := map[string]int{}
				for i, e := range tb {
					sum += e.p
					id := e.d.ID()
					if _, dup := index[id]; dup {
						t.Fatalf("%s %s: %s tabulated twice", name, r.Name, id)
					}
					index[id] = i
					checkFacts(t, name, e.d)
					for _, k := range g.Rules {
						if k.Swappable() && g.countRule(e.d, k) != countRuleWalk(e.d, k) {
							t.Fatalf("%s %s: %s has %d occurrences of %s, remembered %d", name, r.Name, id, countRuleWalk(e.d, k), k.Name, g.countRule(e.d, k))
						}
					}
				}
				if math.Abs(sum-1) > 1e-9 || math.Abs(tb[len(tb)-1].cum-sum) > 1e-12 {
					t.Fatalf("%s %s mode %d: probabilities sum to %v (last cum %v)", name, r.Name, mode, sum, tb[len(tb)-1].cum)
				}
				// The alias tables give every entry its probability:
				// exactly, as the mass of the slots that lead to it.
				mass := make([]float64, len(tb))
				for i, e := range tb {
					mass[i] += e.q / float64(len(tb))
					mass[e.alias] += (1 - e.q) / float64(len(tb))
				}
				for i, e := range tb {
					if math.Abs(mass[i]-e.p) > 1e-9 {
						t.Fatalf("%s %s mode %d: entry %d drawn with probability %v, want %v", name, r.Name, mode, i, mass[i], e.p)
					}
				}
				s := NewSampler(plain, uint64(7+ri))
				s.MaxNodes = 1 << 30
				const n = 20000
				counts := make([]float64, len(tb))
				for range n {
					d := s.derive(plain.Rules[ri], s.MaxDepth, map[*Rule]*Derivation{}, noZero)
					i, ok := index[d.ID()]
					if !ok {
						t.Fatalf("%s %s mode %d: the sampler drew %s, which the table lacks", name, r.Name, mode, d.ID())
					}
					counts[i]++
				}
				// And the table's own draws, by the alias method.
				drawn := make([]float64, len(tb))
				ts := NewSampler(g, uint64(70+ri))
				for range n {
					drawn[index[ts.draw(tb).d.ID()]]++
				}
				for what, counts := range map[string][]float64{"choice by choice": counts, "from the table": drawn} {
					chi, df := 0.0, -1.0
					for i, e := range tb {
						if e.p == 0 {
							if counts[i] > 0 {
								t.Fatalf("%s %s: drew %s of probability 0", name, r.Name, e.d.ID())
							}
							continue
						}
						exp := e.p * n
						chi += (counts[i] - exp) * (counts[i] - exp) / exp
						df++
					}
					// A bound far in the tail of chi-square(df): a wrong
					// probability of a few percent on any entry exceeds it.
					if limit := df + 6*math.Sqrt(2*df) + 10; chi > limit {
						t.Errorf("%s %s mode %d, drawn %s: chi-square %.1f with %g degrees of freedom (limit %.1f)", name, r.Name, mode, what, chi, df, limit)
					}
				}
			}
		}
	}
	if tabulated == 0 {
		t.Fatal("no rule tabulated in the testdata spaces")
	}
}

// TestFactsAndOccurrences checks what sealed nodes remember against a walk
// of the tree made afresh, and the fast occurrence lookups against the
// preorder walk, on samples, mutants and crossovers of every space.
func TestFactsAndOccurrences(t *testing.T) {
	for _, name := range memoSpaces {
		g := spaceGrammar(t, name)
		s := NewSampler(g, 11)
		var ds []*Derivation
		for range 30 {
			d, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, d)
			if m, err := s.Mutate(d); err == nil {
				ds = append(ds, m)
			}
			if a, b, err := s.Crossover(d, ds[0]); err == nil {
				ds = append(ds, a, b)
			}
			// Children of children: their rebuilt nodes' kids are
			// rebuilt nodes whose counts were kept by a crossover.
			if a, b, err := s.Crossover(ds[len(ds)-1], ds[len(ds)/2]); err == nil {
				ds = append(ds, a, b)
				if m, err := s.Mutate(a); err == nil {
					ds = append(ds, m)
				}
			}
		}
		for i, d := range ds {
			checkRuleCounts(t, g, d)
			// Keys: equal exactly for equal trees, the same for the tree
			// parsed back from the term.
			for _, e := range ds[:i] {
				if (d.Key() == e.Key()) != Equal(d, e) {
					t.Fatalf("%s: keys of %s and %s: equal %v, trees equal %v", name, d, e, d.Key() == e.Key(), Equal(d, e))
				}
			}
			back, err := g.ParseTerm(d.String())
			if err != nil {
				t.Fatal(err)
			}
			if back.Key() != d.Key() || len(d.Key()) != 16 {
				t.Fatalf("%s: %s parsed back has another key", name, d)
			}
			checkFacts(t, name, d)
			all := g.Occurrences(d)
			if !g.hasShared && int(d.facts().occ) != len(all) {
				t.Fatalf("%s: %d occurrences remembered, %d walked", name, d.facts().occ, len(all))
			}
			byRule := map[*Rule][]Occurrence{}
			for _, o := range all {
				byRule[o.D.Rule()] = append(byRule[o.D.Rule()], o)
			}
			for k, want := range all {
				got, ok := g.occAt(d, nil, k)
				if !ok || !sameOcc(got, want) {
					t.Fatalf("%s: occurrence %d: got %v, want %v", name, k, got.Path, want.Path)
				}
			}
			for r, os := range byRule {
				if n := g.countOcc(d, r); n != len(os) {
					t.Fatalf("%s: %d occurrences of %s counted, %d walked", name, n, r.Name, len(os))
				}
				for k, want := range os {
					got, ok := g.occAt(d, r, k)
					if !ok || !sameOcc(got, want) {
						t.Fatalf("%s: occurrence %d of %s: got %v, want %v", name, k, r.Name, got.Path, want.Path)
					}
				}
			}
		}
	}
}

// checkRuleCounts compares the counts of occurrences per rule of every
// node of d (kept, for nodes a mutation or crossover rebuilt, from their
// kids' counts) with a walk.
func checkRuleCounts(t *testing.T, g *Grammar, d *Derivation) {
	t.Helper()
	if g.hasShared {
		return
	}
	for _, r := range g.Rules {
		if r.Swappable() && g.countRule(d, r) != countRuleWalk(d, r) {
			t.Fatalf("%s: %d occurrences of %s counted, %d walked", d, g.countRule(d, r), r.Name, countRuleWalk(d, r))
		}
	}
	for _, k := range d.Kids {
		checkRuleCounts(t, g, k)
	}
}

// family returns a sample, its mutant and its crossover children with
// prev (those the operators make), and the sample, the next call's prev.
func family(t *testing.T, s *Sampler, prev *Derivation) ([]*Derivation, *Derivation) {
	t.Helper()
	d, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	ds := []*Derivation{d}
	if m, err := s.Mutate(d); err == nil {
		ds = append(ds, m)
	}
	if a, b, err := s.Crossover(d, prev); err == nil {
		ds = append(ds, a, b)
	}
	return ds, d
}

func countRuleWalk(d *Derivation, r *Rule) int {
	n := 0
	if d.Rule() == r {
		n++
	}
	for _, k := range d.Kids {
		n += countRuleWalk(k, r)
	}
	return n
}

func sameOcc(a, b Occurrence) bool {
	if a.D != b.D || a.Parent != b.Parent || a.Kid != b.Kid || a.Budget != b.Budget || len(a.Path) != len(b.Path) {
		return false
	}
	for i := range a.Path {
		if a.Path[i] != b.Path[i] {
			return false
		}
	}
	return true
}

// checkFacts compares every node's sealed facts with a fresh computation
// from an unsealed copy of its subtree.
func checkFacts(t *testing.T, name string, d *Derivation) {
	t.Helper()
	var copyOf func(d *Derivation) *Derivation
	copyOf = func(d *Derivation) *Derivation {
		c := &Derivation{Prod: d.Prod}
		for _, k := range d.Kids {
			c.Kids = append(c.Kids, copyOf(k))
		}
		return c
	}
	var walk func(d *Derivation)
	walk = func(d *Derivation) {
		if !d.info.sealed {
			t.Fatalf("%s: a node of %s is not sealed", name, d.Rule().Name)
		}
		got, want := d.info, copyOf(d).computeInfo()
		got.rocc = nil
		got.flat = want.flat // copies are not tabulated
		if got != want {
			t.Fatalf("%s: facts of %s: sealed %+v, computed %+v", name, d, got, want)
		}
		if connectedDeriv(d) != connectedDeriv(copyOf(d)) || isZeroDeriv(d) != isZeroDeriv(copyOf(d)) || depthUse(d) != depthUse(copyOf(d)) {
			t.Fatalf("%s: %s: fast and walked answers differ", name, d)
		}
		for _, k := range d.Kids {
			walk(k)
		}
	}
	walk(d)
}

// TestKernelGraphsDirect checks the kernel graphs built straight from the
// derivation against those made by flattening it into its Graph and
// contracting that, on samples, mutants and crossovers of every space.
func TestKernelGraphsDirect(t *testing.T) {
	for _, name := range memoSpaces {
		g := spaceGrammar(t, name)
		s := NewSampler(g, 21)
		prev, err := s.Sample()
		if err != nil {
			t.Fatal(err)
		}
		byID, byContent := map[string]string{}, map[string]string{}
		for i := range 300 {
			var ds []*Derivation
			ds, prev = family(t, s, prev)
			for _, d := range ds {
				got, err := g.KernelGraphs(d)
				if err != nil {
					t.Fatal(err)
				}
				want, err := g.kernelGraphsViaGraph(d)
				if err != nil {
					t.Fatal(err)
				}
				for k := range got {
					// IDs: equal exactly for equal graphs.
					content := fmt.Sprint(got[k].Labels, got[k].Succ)
					if c, ok := byID[got[k].ID]; ok && c != content || len(got[k].ID) != 16 {
						t.Fatalf("%s: one ID for two graphs:\n%s\n%s", name, c, content)
					}
					if id, ok := byContent[content]; ok && id != got[k].ID {
						t.Fatalf("%s: two IDs for one graph %s", name, content)
					}
					byID[got[k].ID], byContent[content] = content, got[k].ID
					got[k].ID = ""
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s sample %d: kernel graphs differ\ngot  %v\nwant %v\n%s", name, i, got, want, d)
				}
			}
		}
	}
}

// TestFlatDerivation checks the sampler's path for productions whose
// arguments are all tabulated (Sampler.deriveFlat) against the general
// path: per argument position, the drawn subtrees have the same
// distribution (a two-sample chi-square test at fixed seeds).
func TestFlatDerivation(t *testing.T) {
	checked := 0
	for _, name := range memoSpaces {
		g := spaceGrammar(t, name)
		plain := spaceGrammar(t, name)
		for _, r := range plain.Rules {
			for _, p := range r.Alts {
				p.flat = false
			}
		}
		for ri, r := range g.Rules {
			if len(r.Alts) != 1 || !r.Alts[0].flat || r.recursive || r.Shared {
				continue
			}
			checked++
			const n = 20000
			draw := func(gr *Grammar, seed uint64) []map[string]float64 {
				s := NewSampler(gr, seed)
				s.MaxNodes = 1 << 30
				// Per position the subtrees drawn, and last the joint
				// pattern of zero arguments (where the zero rule acts).
				var pos []map[string]float64
				masks := map[string]float64{}
				for range n {
					d := s.derive(gr.Rules[ri], s.MaxDepth, nil, false)
					mask := ""
					for i, k := range d.Kids {
						if i == len(pos) {
							pos = append(pos, map[string]float64{})
						}
						pos[i][k.ID()]++
						mask += fmt.Sprint(isZeroDeriv(k))
					}
					masks[mask]++
				}
				return append(pos, masks)
			}
			a, b := draw(g, 31), draw(plain, 32)
			if len(a) != len(b) {
				t.Fatalf("%s %s: %d and %d argument positions", name, r.Name, len(a), len(b))
			}
			for i := range a {
				chi, df := 0.0, -1.0
				for id := range merge(a[i], b[i]) {
					x, y := a[i][id], b[i][id]
					chi += (x - y) * (x - y) / (x + y)
					df++
				}
				if limit := df + 6*math.Sqrt(2*max(df, 1)) + 10; chi > limit {
					t.Errorf("%s %s position %d: chi-square %.1f with %g degrees of freedom (limit %.1f)", name, r.Name, i, chi, df, limit)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no flat production in the testdata spaces")
	}
}

func merge(a, b map[string]float64) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// TestKernelGraphsFrom checks a child's kernel graphs built from its
// parent's against those built afresh, on chains of mutants and
// crossovers (children of children, as the acquisition optimiser makes
// them) of every space, and that level graphs are taken from the parent
// where the child differs only deeper: the test fails if nothing is
// reused or if anything reused is wrong.
func TestKernelGraphsFrom(t *testing.T) {
	reusedAny := false
	for _, name := range memoSpaces {
		g := spaceGrammar(t, name)
		s := NewSampler(g, 23)
		d, err := s.Sample()
		if err != nil {
			t.Fatal(err)
		}
		dg, err := g.KernelGraphsFrom(d, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		other, _ := s.Sample()
		reused, children := 0, 0
		for i := range 400 {
			var kids []*Derivation
			var parents []*Derivation
			if i%2 == 0 {
				if m, err := s.Mutate(d); err == nil {
					kids, parents = append(kids, m), append(parents, d)
				}
			} else if a, b, err := s.Crossover(d, map[bool]*Derivation{true: d, false: other}[i%4 == 1]); err == nil {
				kids, parents = append(kids, a, b), append(parents, d, other)
				if i%4 == 1 {
					parents[1] = d // self-crossover: both children are d's
				}
			}
			for j, kid := range kids {
				pg := dg
				if parents[j] != d {
					if pg, err = g.KernelGraphsFrom(parents[j], nil, nil); err != nil {
						t.Fatal(err)
					}
				}
				got, err := g.KernelGraphsFrom(kid, parents[j], pg)
				want, werr := g.KernelGraphs(kid)
				if (err != nil) != (werr != nil) {
					t.Fatalf("%s: errors %v and %v", name, err, werr)
				}
				if err != nil {
					continue
				}
				if fmt.Sprint(expand(got)) != fmt.Sprint(want) {
					t.Fatalf("%s step %d: kernel graphs from the parent differ\nparent %s\nchild  %s\ngot  %v\nwant %v", name, i, parents[j], kid, expand(got), want)
				}
				children++
				for k := 1; k < len(got) && k < len(pg); k++ {
					if len(got[k].Labels) > 0 && &got[k].Labels[0] == &pg[k].Labels[0] {
						reused++
					}
				}
			}
			if len(kids) > 0 {
				// Walk on: the next children are the first child's.
				d, dg = kids[0], nil
				if parents[0] != d {
					if dg, err = g.KernelGraphsFrom(d, nil, nil); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		t.Logf("%s: %d children, %d level graphs reused", name, children, reused)
		reusedAny = reusedAny || reused > 0
	}
	if !reusedAny {
		t.Error("no level graph was ever taken from the parent")
	}
	// Without a parent, or with a parent's graphs and no parent, it is
	// KernelGraphs.
	g := spaceGrammar(t, "hnb201")
	s := NewSampler(g, 24)
	d, _ := s.Sample()
	want, _ := g.KernelGraphs(d)
	got, err := g.KernelGraphsFrom(d, nil, nil)
	if err != nil || fmt.Sprint(expand(got)) != fmt.Sprint(want) {
		t.Errorf("no parent: %v %v", got, err)
	}
}

// expand is the LabelGraph form of compact kernel graphs.
func expand(kgs []KernelGraph) []LabelGraph {
	out := make([]LabelGraph, len(kgs))
	for i, k := range kgs {
		out[i] = k.LabelGraph()
	}
	return out
}

// TestKernelGraphFragments checks the kernel graphs of trees whose
// subtrees' parts are made and dropped (a subtree's first use), made and
// kept (its second) and pasted (later), in both forms and with their IDs,
// against the reference, on samples, mutants and crossovers of every
// space. The trees are new to the grammar's fragments: each subtree that
// is not tabulated is met three times in a row.
func TestKernelGraphFragments(t *testing.T) {
	for _, name := range memoSpaces {
		g := spaceGrammar(t, name)
		s := NewSampler(g, 25)
		prev, err := s.Sample()
		if err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			var ds []*Derivation
			ds, prev = family(t, s, prev)
			for _, d := range ds {
				want, err := g.kernelGraphsViaGraph(d)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for pass := range 3 {
					lg, err := g.KernelGraphs(d)
					if err != nil {
						t.Fatal(err)
					}
					kg, err := g.KernelGraphsFrom(d, nil, nil)
					if err != nil {
						t.Fatal(err)
					}
					eg := expand(kg)
					for k := range lg {
						if pass == 0 {
							ids = append(ids, lg[k].ID)
						}
						if lg[k].ID != ids[k] || eg[k].ID != ids[k] || len(ids[k]) != 16 {
							t.Fatalf("%s sample %d pass %d: graph %d has IDs %x and %x, first %x", name, i, pass, k, lg[k].ID, eg[k].ID, ids[k])
						}
						lg[k].ID, eg[k].ID = "", ""
					}
					if fmt.Sprint(lg) != fmt.Sprint(want) || fmt.Sprint(eg) != fmt.Sprint(want) {
						t.Fatalf("%s sample %d pass %d: kernel graphs differ\ngot  %v\nand  %v\nwant %v\n%s", name, i, pass, lg, eg, want, d)
					}
				}
			}
		}
	}
}

// TestMemosConcurrent breeds from and makes the kernel graphs of one
// population in several goroutines at once: the memos kept in shared
// nodes (counts per rule, kernel graph fragments) are written as they are
// first needed, by whichever goroutine needs them (run with -race). Each
// goroutine's results equal those of the same work done alone.
func TestMemosConcurrent(t *testing.T) {
	work := func(g *Grammar, pop []*Derivation, seed uint64) string {
		s := NewSampler(g, seed)
		var b strings.Builder
		for i := range 40 {
			x, y, err := s.Crossover(pop[i%len(pop)], pop[(i*5+1)%len(pop)])
			if err != nil {
				fmt.Fprintln(&b, err)
				continue
			}
			for _, c := range []*Derivation{x, y} {
				kg, err := g.KernelGraphs(c)
				fmt.Fprintln(&b, c, err)
				for _, k := range kg {
					fmt.Fprintf(&b, "%x %v\n", k.ID, k.Succ)
				}
			}
		}
		return b.String()
	}
	population := func(g *Grammar) []*Derivation {
		s := NewSampler(g, 26)
		var pop []*Derivation
		for range 8 {
			d, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			pop = append(pop, d)
		}
		return pop
	}
	const n = 4
	// Alone: on a grammar and population of its own each time, so that
	// no memo is made before.
	var want [n]string
	for i := range n {
		g := spaceGrammar(t, "hnb201")
		want[i] = work(g, population(g), uint64(30+i))
	}
	g := spaceGrammar(t, "hnb201")
	pop := population(g)
	var got [n]string
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = work(g, pop, uint64(30+i))
		}()
	}
	wg.Wait()
	for i := range n {
		if got[i] != want[i] {
			t.Fatalf("goroutine %d: results differ from the same work done alone", i)
		}
	}
}

// TestParsedShareTables checks that a parsed term and a parsed identifier
// share the tables' nodes for their tabulated subtrees, as sampled trees
// do, and are the tree that was sampled.
func TestParsedShareTables(t *testing.T) {
	shared := 0
	for _, name := range memoSpaces {
		g := spaceGrammar(t, name)
		s := NewSampler(g, 31)
		for range 50 {
			d, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			p, err := g.ParseTerm(d.String())
			if err != nil {
				t.Fatal(err)
			}
			q, err := g.ParseID(d.ID())
			if err != nil {
				t.Fatal(err)
			}
			if p.ID() != d.ID() || p.Key() != d.Key() || q.ID() != d.ID() || q.Key() != d.Key() {
				t.Fatalf("%s: parsed %s and %s, sampled %s", name, p.ID(), q.ID(), d.ID())
			}
			var walk func(x *Derivation)
			walk = func(x *Derivation) {
				if r := x.Rule(); r.table != nil {
					f := x.facts()
					if c := r.tabled[[2]uint64{f.h1, f.h2}]; c != nil {
						if c != x {
							t.Fatalf("%s: parsed %s is not the table's node", name, x.ID())
						}
						shared++
						return
					}
				}
				for _, k := range x.Kids {
					walk(k)
				}
			}
			walk(p)
			walk(q)
		}
	}
	if shared == 0 {
		t.Fatal("no parsed subtree came from a table")
	}
}
