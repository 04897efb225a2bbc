package gp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestInverseMatchesGonum checks the eval's inverse against
// mat.Cholesky.InverseTo.
func TestInverseMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 7, 64, 130} {
		a := mat.NewDense(n, n+3, nil)
		for i := range n {
			for j := range n + 3 {
				a.Set(i, j, r.NormFloat64())
			}
		}
		var s mat.SymDense
		s.SymOuterK(1, a)
		var ch mat.Cholesky
		if !ch.Factorize(&s) {
			t.Fatal("not PD")
		}
		var want mat.SymDense
		if err := ch.InverseTo(&want); err != nil {
			t.Fatal(err)
		}
		m := &Model{spare: new(factor)}
		if !m.spare.factorize(s.RawSymmetric().Data, n) {
			t.Fatal("not PD")
		}
		got, ok := m.inverse()
		if !ok {
			t.Fatal("no inverse")
		}
		for i := range n {
			for j := i; j < n; j++ {
				g, w := got.Data[i*got.Stride+j], want.At(i, j)
				if math.Abs(g-w) > 1e-12*(1+math.Abs(w)) {
					t.Fatalf("n=%d: inv[%d,%d] = %v, want %v", n, i, j, g, w)
				}
			}
		}
	}
}

// dropCaches empties the models' cross caches.
func dropCaches(m *Model) {
	for _, s := range m.slots {
		if w, ok := s.(*wlSlot); ok {
			w.cache = rowCache{}
		}
	}
}

// TestCrossCache checks that predictions with the per-graph row cache (hits
// within a batch, across calls, after new observations) equal those
// computed from scratch one candidate at a time.
func TestCrossCache(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	sizes := []int{30, 4, 10, 16}
	m, _ := New(Config{})
	for range 25 {
		if err := m.Add(randArch(r, sizes, 5), r.NormFloat64()); err != nil {
			t.Fatal(err)
		}
	}
	var cands []Arch
	for range 12 {
		cands = append(cands, randArch(r, sizes, 6))
	}
	// Candidates sharing graphs with others: the same slices, and equal
	// copies.
	for i := range 12 {
		a := cands[i]
		b := Arch{Graphs: slices.Clone(a.Graphs)}
		b.Graphs[0] = randGraph(r, 20, 6, nil)
		cands = append(cands, b)
		c := Arch{Graphs: make([]Graph, len(a.Graphs))}
		for k, g := range a.Graphs {
			c.Graphs[k] = Graph{Labels: slices.Clone(g.Labels)}
			for _, s := range g.Succ {
				c.Graphs[k].Succ = append(c.Graphs[k].Succ, slices.Clone(s))
			}
		}
		cands = append(cands, c)
	}
	cands = append(cands, Arch{Graphs: []Graph{{}}}) // empty graphs
	check := func() {
		t.Helper()
		if err := m.Fit(); err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			mu, v, err := m.Predict(cands)
			if err != nil {
				t.Fatal(err)
			}
			for i := range cands {
				dropCaches(m)
				mu1, v1, err := m.Predict(cands[i : i+1])
				if err != nil {
					t.Fatal(err)
				}
				if mu[i] != mu1[0] || v[i] != v1[0] {
					t.Fatalf("round %d: candidate %d: batch (%v, %v), alone (%v, %v)", round, i, mu[i], v[i], mu1[0], v1[0])
				}
			}
			if round == 0 {
				// Fill the cache again for round 1's hits.
				dropCaches(m)
				if _, _, err := m.Predict(cands[:len(cands)/2]); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	check()
	// Stale rows must not survive new observations.
	if _, _, err := m.Predict(cands); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		m.Add(randArch(r, sizes, 7), r.NormFloat64())
	}
	if _, _, err := m.Predict(cands); err != ErrNotFitted {
		t.Fatalf("Predict before Fit: %v", err)
	}
	check()
	// Pending architectures change the observations too.
	if _, _, err := m.Predict(cands); err != nil {
		t.Fatal(err)
	}
	if err := m.SetPending(cands[:2]); err != nil {
		t.Fatal(err)
	}
	check()
}

// TestCrossFromBase checks the kernel values of candidates computed from
// a base (a parent whose values are cached) against those computed in
// full: equal to the last bit, whether the base's graphs were scored in an
// earlier call, earlier in the same batch, later in it, or never.
func TestCrossFromBase(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	sizes := []int{40, 4, 12, 20}
	m, _ := New(Config{})
	for range 30 {
		if err := m.Add(randArch(r, sizes, 5), r.NormFloat64()); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	parents := make([]Arch, 8)
	for i := range parents {
		parents[i] = randArch(r, sizes, 6)
	}
	// Children: a parent with a few labels changed, a node's successors
	// changed, or a graph replaced.
	child := func(p *Arch) Arch {
		c := Arch{Graphs: make([]Graph, len(p.Graphs)), base: p}
		for k, g := range p.Graphs {
			c.Graphs[k] = Graph{Labels: slices.Clone(g.Labels)}
			for _, s := range g.Succ {
				c.Graphs[k].Succ = append(c.Graphs[k].Succ, slices.Clone(s))
			}
			if n := len(g.Labels); n > 0 {
				for range 1 + r.IntN(3) {
					c.Graphs[k].Labels[r.IntN(n)] = label(r, 6, nil)
				}
				if i := r.IntN(n); i < len(c.Graphs[k].Succ) && r.IntN(2) == 0 {
					c.Graphs[k].Succ[i] = nil
				}
			}
		}
		if r.IntN(4) == 0 {
			c.Graphs[0] = randGraph(r, 30, 6, nil)
		}
		return c
	}
	var kids []Arch
	for i := range parents {
		kids = append(kids, child(&parents[i]))
	}
	full := func(cs []Arch) ([]float64, []float64) {
		t.Helper()
		plain := make([]Arch, len(cs))
		for i, c := range cs {
			plain[i] = Arch{Graphs: c.Graphs}
		}
		dropCaches(m)
		mu, v, err := m.Predict(plain)
		if err != nil {
			t.Fatal(err)
		}
		return mu, v
	}
	wantMu, wantV := full(kids)
	same := func(what string, mu, v []float64) {
		t.Helper()
		for i := range mu {
			if mu[i] != wantMu[i] || v[i] != wantV[i] {
				t.Fatalf("%s: child %d: from base (%v, %v), in full (%v, %v)", what, i, mu[i], v[i], wantMu[i], wantV[i])
			}
		}
	}
	// Bases scored in an earlier call.
	dropCaches(m)
	if _, _, err := m.Predict(parents); err != nil {
		t.Fatal(err)
	}
	mu, v, err := m.Predict(kids)
	if err != nil {
		t.Fatal(err)
	}
	same("bases cached", mu, v)
	// Bases earlier and later in the same batch, and never seen.
	for _, order := range [][]Arch{append(slices.Clone(parents), kids...), append(slices.Clone(kids), parents...), kids} {
		dropCaches(m)
		mu, v, err := m.Predict(order)
		if err != nil {
			t.Fatal(err)
		}
		if len(order) > len(kids) && order[0].base == nil {
			mu, v = mu[len(parents):], v[len(parents):]
		}
		same("one batch", mu[:len(kids)], v[:len(kids)])
	}
	// A full cache is emptied but for the bases of the batch.
	defer func(old int) { rowCacheFloats = old }(rowCacheFloats)
	rowCacheFloats = 30 * (len(parents) + len(kids)/2)
	dropCaches(m)
	for range 3 {
		if _, _, err := m.Predict(parents); err != nil {
			t.Fatal(err)
		}
		mu, v, err := m.Predict(kids)
		if err != nil {
			t.Fatal(err)
		}
		same("after compaction", mu, v)
	}
}

// splice returns base with the nodes [a, b) replaced by m new random
// nodes: edges are renumbered, edges into the removed nodes redirected to
// the first new one (or dropped), as when a subtree of a derivation is
// replaced.
func splice(r *rand.Rand, base Graph, a, b, m, nl int) Graph {
	nb := len(base.Labels)
	delta := m - (b - a)
	re := func(x int) int {
		switch {
		case x < a:
			return x
		case x >= b:
			return x + delta
		}
		if m > 0 {
			return a
		}
		return -1
	}
	g := Graph{Labels: make([]string, 0, nb+delta), Succ: make([][]int, 0, nb+delta)}
	add := func(l string, ss []int) {
		var out []int
		for _, s := range ss {
			if x := re(s); x >= 0 && x > len(g.Labels) {
				out = append(out, x)
			}
		}
		slices.Sort(out)
		g.Labels, g.Succ = append(g.Labels, l), append(g.Succ, slices.Compact(out))
	}
	for i := range a {
		add(base.Labels[i], base.succ(i))
	}
	for j := range m {
		i := a + j
		var ss []int
		if i+1 < nb+delta {
			ss = append(ss, i+1+r.IntN(min(nb+delta-i-1, 4)))
		}
		g.Labels, g.Succ = append(g.Labels, label(r, nl, nil)), append(g.Succ, ss)
	}
	for i := b; i < nb; i++ {
		add(base.Labels[i], base.succ(i))
	}
	return g
}

// TestLookupWLFrom checks the WL codes and histograms computed from a
// base graph's (lookupWLDelta) against those computed afresh, for
// children that replace, insert or delete a block of the base, relabel
// nodes, or are unrelated.
func TestLookupWLFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	d := newDict()
	for range 40 {
		d.wl(ptr(randGraph(r, 60, 5, nil)), 4)
	}
	for trial := range 300 {
		h := r.IntN(5)
		base := randGraph(r, 20+r.IntN(80), 5, nil)
		bsegs, bsq, bcodes := d.lookupWLCodes(&base, h, nil)
		bsegs, bsq = cloneSegs(bsegs), slices.Clone(bsq)
		nb := len(base.Labels)
		a := r.IntN(nb)
		b := a + r.IntN(min(nb-a, 6)+1)
		var child Graph
		switch trial % 4 {
		case 0, 1:
			child = splice(r, base, a, b, r.IntN(6), 5)
		case 2:
			child = Graph{Labels: slices.Clone(base.Labels), Succ: base.Succ}
			child.Labels[a] = label(r, 5, nil)
		default:
			child = randGraph(r, 20+r.IntN(80), 5, nil)
		}
		want, wantSq := d.lookupWL(&child, h)
		want = cloneSegs(want)
		wantSq = slices.Clone(wantSq)
		wantCodes := slices.Clone(d.ccurAll(&child, h))
		ids, vals, gotSq, gotCodes, ok := d.lookupWLDelta(&child, h, &base, bcodes, bsq, nil, nil)
		if !ok || !slices.Equal(gotSq, wantSq) || !slices.Equal(gotCodes, wantCodes) {
			t.Fatalf("trial %d: codes from the base differ from fresh ones", trial)
		}
		// The base's histograms plus the differences are the child's.
		hist := map[int32]float64{}
		for _, s := range bsegs {
			for j, id := range s.ids {
				hist[id] += s.vals[j]
			}
		}
		for j, id := range ids {
			hist[id] += vals[j]
		}
		for _, s := range want {
			for j, id := range s.ids {
				if hist[id] != s.vals[j] {
					t.Fatalf("trial %d: label %d counted %v, want %v", trial, id, hist[id], s.vals[j])
				}
				delete(hist, id)
			}
		}
		for id, v := range hist {
			if v != 0 {
				t.Fatalf("trial %d: label %d counted %v, want 0", trial, id, v)
			}
		}
	}
}

func ptr[T any](x T) *T { return &x }

func cloneSegs(s []sparse) []sparse {
	out := make([]sparse, len(s))
	for i, x := range s {
		out[i] = sparse{ids: slices.Clone(x.ids), vals: slices.Clone(x.vals)}
	}
	return out
}

// ccurAll is the codes of g at every iteration, computed afresh.
func (d *dict) ccurAll(g *Graph, h int) []uint64 {
	_, _, codes := d.lookupWLCodes(g, h, nil)
	return codes
}

// TestGraphIDs checks that graphs named by IDs give the predictions the
// same graphs give read in full, the cache serving equal graphs by ID.
func TestGraphIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	sizes := []int{30, 4, 10}
	m, _ := New(Config{})
	for range 20 {
		if err := m.Add(randArch(r, sizes, 5), r.NormFloat64()); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	var plain, named []Arch
	for i := range 10 {
		a := randArch(r, sizes, 6)
		if i%3 == 2 {
			a = plain[i-1] // repeats
		}
		plain = append(plain, a)
		b := Arch{Graphs: slices.Clone(a.Graphs)}
		for k := range b.Graphs {
			b.Graphs[k].ID = fmt.Sprint(b.Graphs[k].Labels, b.Graphs[k].Succ)
		}
		named = append(named, b)
	}
	dropCaches(m)
	mu0, v0, err := m.Predict(plain)
	if err != nil {
		t.Fatal(err)
	}
	dropCaches(m)
	for round := range 2 {
		mu1, v1, err := m.Predict(named)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(mu0, mu1) || !slices.Equal(v0, v1) {
			t.Fatalf("round %d: predictions with IDs differ", round)
		}
	}
}
