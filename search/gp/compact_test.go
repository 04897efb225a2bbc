package gp

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// compact returns g in CompactGraph's form, its labels numbered in names
// (which it extends).
func compact(g Graph, names *[]string) Graph {
	codes := make([]int32, len(g.Labels))
	for i, l := range g.Labels {
		k := slices.Index(*names, l)
		if k < 0 {
			k = len(*names)
			*names = append(*names, l)
		}
		codes[i] = int32(k)
	}
	off := []int32{0}
	var adj []int
	for i := range g.Labels {
		adj = append(adj, g.succ(i)...)
		off = append(off, int32(len(adj)))
	}
	return CompactGraph(*names, codes, off, adj, g.ID)
}

func compactArch(a Arch, names *[]string) Arch {
	c := Arch{Graphs: make([]Graph, len(a.Graphs))}
	for i, g := range a.Graphs {
		c.Graphs[i] = compact(g, names)
	}
	return c
}

// TestCompactGraphs checks that the compact form of graphs is the same
// graph to the models: models fitted on either form give equal
// predictions to the last bit, for candidates in either form, computed
// in full or from a parent in the other form; and that malformed compact
// graphs are reported.
func TestCompactGraphs(t *testing.T) {
	for _, kind := range []Kind{HWL, WL, NASBOT} {
		r := rand.New(rand.NewPCG(7, uint64(kind)))
		names := append(make([]string, 0, 64), "unused")
		// Another numbering of the labels, for children whose parents
		// use names.
		names2 := []string{"op5", "op4", "op3", "op2", "op1", "op0"}
		plain, _ := New(Config{Kernel: kind})
		comp, _ := New(Config{Kernel: kind})
		for i := range 40 {
			a := randArch(r, []int{30, 6, 12}, 5)
			loss := float64(strings.Count(fmt.Sprint(a.Graphs[0].Labels), "op1")) + 0.1*float64(i%3)
			if err := plain.Add(a, loss); err != nil {
				t.Fatal(err)
			}
			if err := comp.Add(compactArch(a, &names), loss); err != nil {
				t.Fatal(err)
			}
		}
		if err := plain.Fit(); err != nil {
			t.Fatal(err)
		}
		if err := comp.Fit(); err != nil {
			t.Fatal(err)
		}
		var cands, ccands []Arch
		for range 20 {
			a := randArch(r, []int{30, 6, 12}, 6) // a label no observation has
			cands = append(cands, a)
			ccands = append(ccands, compactArch(a, &names))
		}
		// Children: a parent with one label changed, the parent in the
		// other form.
		for i := range 10 {
			p := cands[i]
			c := Arch{Graphs: slices.Clone(p.Graphs)}
			g := c.Graphs[0]
			g.Labels = slices.Clone(g.Labels)
			g.Labels[len(g.Labels)/2] = "op" + fmt.Sprint(i%5)
			c.Graphs[0] = g
			cands = append(cands, Arch{Graphs: c.Graphs, base: &ccands[i]})
			cc := compactArch(c, &names2)
			cc.base = &ccands[i]
			ccands = append(ccands, cc)
		}
		want, wv, err := plain.Predict(cands)
		if err != nil {
			t.Fatal(err)
		}
		got, gv, err := comp.Predict(ccands)
		if err != nil {
			t.Fatal(err)
		}
		mixed, mv, err := plain.Predict(ccands)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] || gv[i] != wv[i] || mixed[i] != want[i] || mv[i] != wv[i] {
				t.Fatalf("%v candidate %d: compact %v±%v, mixed %v±%v, plain %v±%v", kind, i, got[i], gv[i], mixed[i], mv[i], want[i], wv[i])
			}
		}
	}

	ok := CompactGraph([]string{"a", "b"}, []int32{0, 1}, []int32{0, 1, 1}, []int{1}, "")
	bad := map[string]Graph{
		"offsets":    CompactGraph([]string{"a", "b"}, []int32{0, 1}, []int32{0, 1}, []int{1}, ""),
		"label":      CompactGraph([]string{"a", "b"}, []int32{0, 2}, []int32{0, 1, 1}, []int{1}, ""),
		"edge":       CompactGraph([]string{"a", "b"}, []int32{0, 1}, []int32{0, 1, 1}, []int{2}, ""),
		"decreasing": CompactGraph([]string{"a", "b"}, []int32{0, 1}, []int32{0, 2, 1}, []int{1}, ""),
		"no names":   CompactGraph(nil, []int32{0}, []int32{0, 0}, nil, ""),
	}
	if err := (&Arch{Graphs: []Graph{ok}}).validate(); err != nil {
		t.Errorf("valid compact graph: %v", err)
	}
	for name, g := range bad {
		if err := (&Arch{Graphs: []Graph{g}}).validate(); err == nil {
			t.Errorf("%s: malformed compact graph accepted", name)
		}
	}
}

// TestSameLabel checks the label comparison of the WL slots' alignment:
// codes are compared only within one array of names.
func TestSameLabel(t *testing.T) {
	names := append(make([]string, 0, 8), "a", "b")
	other := []string{"b", "a"}
	g := CompactGraph(names, []int32{0, 1}, []int32{0, 0, 0}, nil, "")
	names = append(names, "c") // the same array, longer
	h := CompactGraph(names, []int32{0, 2}, []int32{0, 0, 0}, nil, "")
	o := CompactGraph(other, []int32{0, 1}, []int32{0, 0, 0}, nil, "")
	p := Graph{Labels: []string{"a", "b"}}
	for _, c := range []struct {
		g    *Graph
		i    int
		h    *Graph
		j    int
		want bool
	}{
		{&g, 0, &h, 0, true}, {&g, 1, &h, 1, false}, {&g, 0, &o, 0, false},
		{&g, 0, &o, 1, true}, {&o, 0, &p, 1, true}, {&p, 0, &g, 1, false},
	} {
		if got := c.g.sameLabel(c.i, c.h, c.j); got != c.want {
			t.Errorf("%q vs %q: %v, want %v", c.g.label(c.i), c.h.label(c.j), got, c.want)
		}
	}
}
