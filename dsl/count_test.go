package dsl

import (
	"math"
	"math/big"
	"os"
	"testing"
)

func spaceGrammar(t testing.TB, name string) *Grammar {
	t.Helper()
	path := "../testdata/spaces/" + name + ".nasg"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, ds := ParseAndCheck(path, src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return g
}

// The paper's figures (paper-spec §3.4), derived there by exact counting.
func TestCountPaperSpaces(t *testing.T) {
	nb := spaceGrammar(t, "nb201").Count(0)
	if nb.Distinct.Int64() != 15284 || nb.Unconstrained.Int64() != 15625 || nb.Weighted.Int64() != 15284 {
		t.Errorf("nb201: distinct %v, unconstrained %v, weighted %v; want 15284, 15625, 15284", nb.Distinct, nb.Unconstrained, nb.Weighted)
	}
	h := spaceGrammar(t, "hnb201").Count(0)
	if got := Log10(h.Weighted); math.Abs(got-446.09) > 0.005 {
		t.Errorf("hnb201 weighted: 10^%.3f, want 10^446.09", got)
	}
	if got := Log10(h.Distinct); math.Abs(got-375.8) > 0.05 {
		t.Errorf("hnb201 distinct: 10^%.3f, want 10^375.8", got)
	}
	act := spaceGrammar(t, "actfn").Count(0)
	if act.Distinct.Int64() != 393762525 {
		t.Errorf("actfn: %v, want 393,762,525", act.Distinct)
	}
}

// A per-cell check against the figure the spec derives by hand: 56 non-zero
// edge choices (weighted), summed over the connected edge subsets.
func TestCountCell(t *testing.T) {
	g := mustGrammar(t, header+`
topology Cell(a, b, c, d, e, f) {
  n1  = a(in)
  n2  = b(in) + c(n1)
  out = d(in) + e(n1) + f(n2)
}
primitive zero = zero
primitive p = identity
CELL -> Cell(OPS, OPS, OPS, OPS, OPS, OPS)
OPS -> zero | p @56
`)
	sz := g.Count(0)
	want, _ := new(big.Int).SetString("34295895032", 10)
	if sz.Weighted.Cmp(want) != 0 {
		t.Errorf("weighted cell count %v, want %v", sz.Weighted, want)
	}
	if sz.Unconstrained.Int64() != 64 {
		t.Errorf("unconstrained distinct = %v, want 2^6", sz.Unconstrained)
	}
}

// enumerate lists every derivation of r within the budget (no shared
// rules), the way the sampler budgets recursion.
func enumerate(r *Rule, budget int) []*Derivation {
	if r.recursive {
		budget--
	}
	var out []*Derivation
	for _, p := range r.Alts {
		if p.needs > budget {
			continue
		}
		nts := p.Sym.nonterminals(nil)
		kids := [][]*Derivation{{}}
		for _, nt := range nts {
			var next [][]*Derivation
			for _, prefix := range kids {
				for _, d := range enumerate(nt, budget) {
					next = append(next, append(append([]*Derivation(nil), prefix...), d))
				}
			}
			kids = next
		}
		for _, k := range kids {
			out = append(out, &Derivation{Prod: p, Kids: k})
		}
	}
	return out
}

// Count agrees with brute-force enumeration on a recursive grammar with a
// zero primitive, duplicated alternatives and weights.
func TestCountMatchesEnumeration(t *testing.T) {
	g := mustGrammar(t, header+`
primitive zero = zero
S -> Seq(S, S) | Res(S, S) | conv @2 | id | zero | id
search { max_depth 3 }
`)
	for _, depth := range []int{1, 2, 3} {
		all := enumerate(g.Start(), depth)
		terms := map[string]bool{}
		connected := map[string]bool{}
		for _, d := range all {
			terms[d.String()] = true
			if connectedDeriv(d) {
				connected[d.String()] = true
			}
		}
		sz := g.Count(depth)
		if got := sz.Distinct.Int64(); got != int64(len(connected)) {
			t.Errorf("depth %d: distinct %d, enumeration %d", depth, got, len(connected))
		}
		if got := sz.Unconstrained.Int64(); got != int64(len(terms)) {
			t.Errorf("depth %d: without the zero rule %d, enumeration %d", depth, got, len(terms))
		}
		// Weighted: conv counts twice and the duplicated id twice.
		weight := func(d *Derivation) int64 {
			w := int64(1)
			var walk func(d *Derivation)
			walk = func(d *Derivation) {
				w *= int64(d.Prod.Weight)
				for _, k := range d.Kids {
					walk(k)
				}
			}
			walk(d)
			return w
		}
		var wsum int64
		for _, d := range all {
			if connectedDeriv(d) {
				wsum += weight(d)
			}
		}
		if got := sz.Weighted.Int64(); got != wsum {
			t.Errorf("depth %d: weighted %d, enumeration %d", depth, got, wsum)
		}
	}
}
