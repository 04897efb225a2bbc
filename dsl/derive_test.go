package dsl

import (
	"math"
	"os"
	"strings"
	"testing"
)

func mustGrammar(t testing.TB, src string) *Grammar {
	t.Helper()
	g, ds := ParseAndCheck("t.nasg", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return g
}

func toyGrammar(t testing.TB) *Grammar {
	t.Helper()
	src, err := os.ReadFile("../testdata/spaces/toy.nasg")
	if err != nil {
		t.Fatal(err)
	}
	g, ds := ParseAndCheck("toy.nasg", src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return g
}

// depth counts the nested expansions of recursive rules on the deepest path.
func depth(d *Derivation) int {
	m := 0
	for _, k := range d.Kids {
		m = max(m, depth(k))
	}
	if d.Rule().Recursive() {
		m++
	}
	return m
}

func TestSampleTerminatesWithinMaxDepth(t *testing.T) {
	g := toyGrammar(t)
	for _, maxDepth := range []int{1, 2, 3, 5} {
		s := NewSampler(g, 7)
		s.MaxDepth = maxDepth
		deepest := 0
		for range 2000 {
			d, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			dd := depth(d)
			if dd > maxDepth {
				t.Fatalf("max_depth %d: derivation of depth %d: %s", maxDepth, dd, d)
			}
			deepest = max(deepest, dd)
		}
		if deepest != maxDepth {
			t.Errorf("max_depth %d: deepest sample has depth %d; the bound should be reachable", maxDepth, deepest)
		}
	}
}

// A grammar whose only way out is a deep chain must still terminate.
func TestSampleAlwaysRecursiveGrammarTerminates(t *testing.T) {
	g := mustGrammar(t, header+"S -> Seq(S, S) @100 | Res(S, S) @100 | conv\nsearch { max_depth 6 }\n")
	s := NewSampler(g, 1)
	for range 50 {
		d, err := s.Sample()
		if err != nil {
			t.Fatal(err)
		}
		if got := depth(d); got != 6 {
			// With these weights almost every branch recurses to the bound.
			t.Logf("depth %d", got)
		}
		if n := strings.Count(d.String(), "conv"); n > 1<<6 {
			t.Fatalf("%d leaves exceed 2^6", n)
		}
	}
}

func TestSampleSeedReproducible(t *testing.T) {
	g := toyGrammar(t)
	draw := func(seed uint64) []string {
		s := NewSampler(g, seed)
		var out []string
		for range 20 {
			d, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d.String())
		}
		return out
	}
	a, b, c := draw(3), draw(3), draw(4)
	if strings.Join(a, "|") != strings.Join(b, "|") {
		t.Error("same seed gave different samples")
	}
	if strings.Join(a, "|") == strings.Join(c, "|") {
		t.Error("different seeds gave the same 20 samples")
	}
}

func TestSampleWeights(t *testing.T) {
	g := mustGrammar(t, header+"S -> conv @3 | id\n")
	s := NewSampler(g, 1)
	n, conv := 20000, 0
	for range n {
		d, _ := s.Sample()
		if d.String() == "conv" {
			conv++
		}
	}
	if p := float64(conv) / float64(n); math.Abs(p-0.75) > 0.02 {
		t.Errorf("P(conv) = %.3f, want 0.75", p)
	}
}

func TestSharedDerivedOnce(t *testing.T) {
	g := mustGrammar(t, header+"shared C\nS -> Seq(C, C)\nC -> conv | id | Seq(conv, id) | Res(conv, conv)\n")
	s := NewSampler(g, 1)
	for range 200 {
		d, _ := s.Sample()
		c := d.Call()
		if c.Args[0].String() != c.Args[1].String() || c.Args[0].Shared != "C" {
			t.Fatalf("shared C differs between occurrences: %s", c)
		}
	}
}

func TestParseTermRoundTrip(t *testing.T) {
	g := toyGrammar(t)
	s := NewSampler(g, 11)
	for range 500 {
		d, _ := s.Sample()
		term := d.String()
		back, err := g.ParseTerm(term)
		if err != nil {
			t.Fatalf("%s: %v", term, err)
		}
		if back.String() != term {
			t.Fatalf("round trip: %s became %s", term, back)
		}
	}
}

func TestParseTermErrors(t *testing.T) {
	g := toyGrammar(t)
	tests := []struct{ term, want string }{
		{"Sequential(conv, id)", "column 1: topology Sequential takes 3 argument(s), got 2"},
		{"Sequential(conv, id, pool)", "column 22: pool is not an alternative of S here (alternatives: Sequential, Residual, conv, id, linear)"},
		{"Residual(conv, id", "column 18: expected ',' or ')'"},
		{"conv(id)", "column 1: primitive conv takes no arguments"},
		{"", "column 1: expected a name, found the end of the term"},
		{"conv x", "column 6: unexpected \"x\" after the term"},
	}
	for _, tt := range tests {
		_, err := g.ParseTerm(tt.term)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseTerm(%q) = %v, want %s", tt.term, err, tt.want)
		}
	}
}

func TestSampleTooLarge(t *testing.T) {
	g := mustGrammar(t, header+`topology W(a, b, c, d) { out = a(in) + b(in) + c(in) + d(in) }
S -> W(A, A, A, A)
A -> W(B, B, B, B)
B -> W(C, C, C, C)
C -> W(D, D, D, D)
D -> W(E, E, E, E)
E -> W(F, F, F, F)
F -> W(G, G, G, G)
G -> W(H, H, H, H)
H -> W(conv, conv, id, id)
`)
	s := NewSampler(g, 1)
	s.MaxNodes = 10000
	if _, err := s.Sample(); err == nil || !strings.Contains(err.Error(), "grows past 10000") {
		t.Fatalf("err = %v", err)
	}
}
