package dsl

import (
	"os"
	"testing"
)

// TestSamplerKeepsTopologiesConnected: in the NAS-Bench-201 spaces an
// edge may be zero only while the cell keeps a path from in to out
// (paper-spec §2.2); without the rule about 341 of 15,625 cells (2 %)
// would be disconnected.
func TestSamplerKeepsTopologiesConnected(t *testing.T) {
	for _, name := range []string{"nb201.nasg", "hnb201.nasg", "darts.nasg"} {
		src, err := os.ReadFile("../testdata/spaces/" + name)
		if err != nil {
			t.Fatal(err)
		}
		g, ds := ParseAndCheck(name, src)
		if g == nil {
			t.Fatal(ds)
		}
		s := NewSampler(g, 7)
		zeros, calls := 0, 0
		for range 300 {
			d, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			var walk func(c *Call)
			walk = func(c *Call) {
				if c.Terminal.Kind != Topology {
					return
				}
				calls++
				zero := make([]bool, len(c.Args))
				for i, a := range c.Args {
					zero[i] = a.Terminal.Zero()
					if zero[i] {
						zeros++
					}
				}
				if !c.Terminal.Topo.connected(zero) {
					t.Fatalf("%s: sampled a disconnected %s", name, c)
				}
				for _, a := range c.Args {
					walk(a)
				}
			}
			walk(d.Call())
		}
		if zeros == 0 {
			t.Errorf("%s: no zero in %d topology calls; the sampler excludes zero altogether", name, calls)
		}
	}
}

func TestConnected(t *testing.T) {
	cell := &TopoBody{Params: []string{"a", "b", "c", "d", "e", "f"}, Nodes: []*TopoNode{
		{Name: "n1", Sum: []*TopoExpr{{Slot: 0, Args: []*TopoExpr{{Slot: -1, Ref: "in"}}}}},
		{Name: "n2", Sum: []*TopoExpr{{Slot: 1, Args: []*TopoExpr{{Slot: -1, Ref: "in"}}}, {Slot: 2, Args: []*TopoExpr{{Slot: -1, Ref: "n1"}}}}},
		{Name: "out", Sum: []*TopoExpr{{Slot: 3, Args: []*TopoExpr{{Slot: -1, Ref: "in"}}}, {Slot: 4, Args: []*TopoExpr{{Slot: -1, Ref: "n1"}}}, {Slot: 5, Args: []*TopoExpr{{Slot: -1, Ref: "n2"}}}}},
	}}
	// Count the zero patterns of the 6 edges that keep a path: with 5
	// operations of which one is zero, 15,284 of 15,625 cells are
	// connected (language.md §3), i.e. sum over connected patterns of
	// 4^(non-zero edges).
	total := 0
	for mask := range 1 << 6 {
		zero := make([]bool, 6)
		nonZero := 0
		for i := range 6 {
			zero[i] = mask&(1<<i) != 0
			if !zero[i] {
				nonZero++
			}
		}
		if cell.connected(zero) {
			n := 1
			for range nonZero {
				n *= 4
			}
			total += n
		}
	}
	if total != 15284 {
		t.Errorf("connected NAS-Bench-201 cells: %d, want 15,284", total)
	}
}

// TestParseTermRejectsDisconnected: a hand-written term with a cell cut
// off by zero is not in the space.
func TestParseTermRejectsDisconnected(t *testing.T) {
	src, err := os.ReadFile("../testdata/spaces/nb201.nasg")
	if err != nil {
		t.Fatal(err)
	}
	g, ds := ParseAndCheck("nb201.nasg", src)
	if g == nil {
		t.Fatal(ds)
	}
	cell := func(ops string) string { return "Cell(" + ops + ")" }
	term := func(c string) string {
		return "Linear3(Linear3(Linear2(" + c + ", " + c + "), Linear2(" + c + ", " + c + "), Linear2(" + c + ", resBlock)), " +
			"Linear3(Linear2(" + c + ", " + c + "), Linear2(" + c + ", " + c + "), Linear2(" + c + ", resBlock)), " +
			"Linear3(Linear2(" + c + ", " + c + "), Linear2(" + c + ", " + c + "), " + c + "))"
	}
	if _, err := g.ParseTerm(term(cell("zero, conv3x3, zero, zero, zero, conv1x1"))); err != nil {
		t.Errorf("connected cell: %v", err)
	}
	_, err = g.ParseTerm(term(cell("zero, zero, conv3x3, zero, id, zero")))
	if err == nil || err.Error() != "column 25: Cell has no path from in to out: its zero arguments cut them all" {
		t.Errorf("disconnected cell: %v", err)
	}
}

// TestSamplerSharedZero: a shared nonterminal that derives zero is the
// same at every occurrence, so the lookahead cannot help; the sampler
// draws again instead of returning a disconnected architecture.
func TestSamplerSharedZero(t *testing.T) {
	src := header + "primitive none = zero\nshared E\nS -> Res(E, E)\nE -> none | conv\n"
	g, ds := ParseAndCheck("t.nasg", []byte(src))
	if g == nil {
		t.Fatal(ds)
	}
	s := NewSampler(g, 1)
	for range 50 {
		d, err := s.Sample()
		if err != nil {
			t.Fatal(err)
		}
		if got := d.String(); got != "Res(conv, conv)" {
			t.Fatalf("sampled %s", got)
		}
	}
	only := header + "primitive none = zero\nshared E\nS -> Res(E, E)\nE -> none | Z\nZ -> none\n"
	g, ds = ParseAndCheck("t.nasg", []byte(only))
	if g != nil {
		t.Fatalf("Res(E, E) with E only zero checked: %v", ds)
	}
}
