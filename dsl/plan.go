package dsl

import "sync"

// A topology body compiled for evaluation: its slot applications in the
// order they are evaluated (node by node, summand by summand, inner
// applications first), and which of them a call actually runs once zero
// arguments are pruned.

// Value references inside a compiled body: an application index (>= 0),
// the body's input (refIn), or body node i (refNode(i)).
const refIn = -1

func refNode(i int) int   { return -(i + 2) }
func nodeOfRef(v int) int { return -v - 2 }

// refValue is the value v of a topology body refers to: in, the value of
// an application, or that of a body node.
func refValue[T any](v int, in T, apps, nodes []T) T {
	switch {
	case v == refIn:
		return in
	case v >= 0:
		return apps[v]
	}
	return nodes[nodeOfRef(v)]
}

// TopoApp is one application of a slot in a topology body: slot Slot
// applied to the values In (one, or two for a binary slot). A value is an
// application index (>= 0), -1 for the body's input `in`, or -(i+2) for
// body node i.
type TopoApp struct {
	Slot int
	In   []int
}

// TopoProgram is a topology body compiled for evaluation.
type TopoProgram struct {
	Apps  []TopoApp
	Nodes [][]int // per body node, the values it sums
	// NodeEnd[i] is the number of applications evaluated once body node
	// i is known: node i's own applications end there.
	NodeEnd []int
}

var programs sync.Map // *TopoBody -> *TopoProgram

// Program compiles the body (once; the result is shared and read-only).
func (b *TopoBody) Program() *TopoProgram {
	if b.prog != nil {
		return b.prog
	}
	if p, ok := programs.Load(b); ok {
		return p.(*TopoProgram)
	}
	p := &TopoProgram{Nodes: make([][]int, len(b.Nodes)), NodeEnd: make([]int, len(b.Nodes))}
	names := map[string]int{"in": refIn}
	var expr func(e *TopoExpr) int
	expr = func(e *TopoExpr) int {
		if e.Slot < 0 {
			if v, ok := names[e.Ref]; ok {
				return v
			}
			return refIn
		}
		in := make([]int, len(e.Args))
		for i, a := range e.Args {
			in[i] = expr(a)
		}
		p.Apps = append(p.Apps, TopoApp{Slot: e.Slot, In: in})
		return len(p.Apps) - 1
	}
	for i, n := range b.Nodes {
		for _, e := range n.Sum {
			p.Nodes[i] = append(p.Nodes[i], expr(e))
		}
		names[n.Name] = refNode(i)
		p.NodeEnd[i] = len(p.Apps)
	}
	v, _ := programs.LoadOrStore(b, p)
	return v.(*TopoProgram)
}

type planKey struct {
	b    *TopoBody
	mask uint64
}

var plans sync.Map // planKey -> []bool

// Plan says which applications of the body a call runs when the slots
// marked in zero output zeros: an application runs when its result is not
// zero (its slot is not zero, and one of its inputs is not zero) and it
// reaches `out`. Pruned this way, a call computes exactly the paper's
// pruned graph (paper-spec §1.4): zero edges deleted, then every node not
// on a path from in to out. The result is shared and read-only.
func (b *TopoBody) Plan(zero []bool) []bool {
	var mask uint64
	for i, z := range zero {
		if z && i < 64 {
			mask |= 1 << i
		}
	}
	if b.plans != nil && mask < uint64(len(b.plans)) {
		return b.plans[mask]
	}
	key := planKey{b, mask}
	if v, ok := plans.Load(key); ok {
		return v.([]bool)
	}
	p := b.Program()
	liveApp := make([]bool, len(p.Apps))
	liveNode := make([]bool, len(p.Nodes))
	live := func(v int) bool { return refValue(v, true, liveApp, liveNode) }
	// Applications are numbered in evaluation order, so one pass per node
	// settles forward liveness.
	next := 0
	for i, vals := range p.Nodes {
		for ; next < p.NodeEnd[i]; next++ {
			a := p.Apps[next]
			if a.Slot < len(zero) && zero[a.Slot] {
				continue
			}
			for _, v := range a.In {
				if live(v) {
					liveApp[next] = true
				}
			}
		}
		for _, v := range vals {
			if live(v) {
				liveNode[i] = true
			}
		}
	}
	// Backward: what out needs.
	needApp := make([]bool, len(p.Apps))
	needNode := make([]bool, len(p.Nodes))
	var need func(v int)
	need = func(v int) {
		switch {
		case v == refIn:
		case v >= 0:
			if liveApp[v] && !needApp[v] {
				needApp[v] = true
				for _, w := range p.Apps[v].In {
					need(w)
				}
			}
		default:
			n := nodeOfRef(v)
			if liveNode[n] && !needNode[n] {
				needNode[n] = true
				for _, w := range p.Nodes[n] {
					need(w)
				}
			}
		}
	}
	need(refNode(len(p.Nodes) - 1))
	v, _ := plans.LoadOrStore(key, needApp)
	return v.([]bool)
}

// tableSlots bounds the topologies whose connectivity and plans are
// tabulated for every zero mask when a grammar is checked.
const tableSlots = 10

// prepare precomputes, once a grammar is checked, what sampling and
// evaluation look up all the time: compiled topology bodies, their
// connectivity and plans per zero mask, and per production symbol the
// first kid of each argument.
func (g *Grammar) prepare() {
	for _, k := range g.Constraints {
		if t := g.Terminals[k.Arg]; k.Measure == "count" && t != nil && t.slot == 0 {
			g.counted = append(g.counted, t)
			t.slot = len(g.counted)
		}
	}
	g.klabels, g.khash = nil, nil
	klab := map[string]int32{}
	label := func(s string) int32 {
		if i, ok := klab[s]; ok {
			return i
		}
		i := int32(len(g.klabels))
		klab[s] = i
		g.klabels = append(g.klabels, s)
		g.khash = append(g.khash, labelHash(s))
		return i
	}
	label("input")  // klabInput
	label("sum")    // klabSum
	label("output") // klabOutput
	for _, t := range g.Terminals {
		t.labelHash = labelHash(t.Name)
		t.klab = label(t.Name)
		t.zero = 0
		z := t.Zero()
		t.zero = 1
		if z {
			t.zero = 2
		}
	}
	for _, t := range g.Terminals {
		b := t.Topo
		if t.Kind != Topology || b == nil {
			continue
		}
		b.prog = b.Program()
		n := len(b.Params)
		if n > tableSlots {
			continue
		}
		conn := make([]bool, 1<<n)
		plans := make([][]bool, 1<<n)
		zero := make([]bool, n)
		for mask := range conn {
			for i := range zero {
				zero[i] = mask&(1<<i) != 0
			}
			conn[mask] = b.connectedSlow(zero)
			plans[mask] = b.Plan(zero)
		}
		b.conn, b.plans = conn, plans
	}
	var walk func(s *Sym)
	walk = func(s *Sym) {
		if len(s.Args) == 0 {
			return
		}
		s.argStart = argKidStart(s)
		for _, a := range s.Args {
			walk(a)
		}
	}
	var coarse func(s *Sym)
	coarse = func(s *Sym) {
		if s.Terminal != nil && s.Terminal.Kind == Topology {
			s.coarse = s.Terminal.Name
			s.coarseHash = labelHash(s.coarse)
			s.coarseLab = label(s.coarse)
		}
		for _, a := range s.Args {
			coarse(a)
		}
	}
	for i, r := range g.Rules {
		r.idx = i
		g.hasShared = g.hasShared || r.Shared
		for _, p := range r.Alts {
			walk(p.Sym)
			coarse(p.Sym)
			if p.Sym.Terminal != nil && p.Sym.Terminal.Kind == Topology {
				p.Sym.coarse = r.Name + " " + p.Sym.Terminal.Name
				p.Sym.coarseHash = labelHash(p.Sym.coarse)
				p.Sym.coarseLab = label(p.Sym.coarse)
			}
		}
	}
	g.tabulate()
}

// planIn is Plan for the topology call s written in d's production, its
// first nonterminal being kid k of d: the zero arguments are read from the
// derivation (zero is scratch space for topologies past the tables).
func (s *Sym) planIn(d *Derivation, k int, zero *[]bool) []bool {
	b := s.Terminal.Topo
	starts := argKidStart(s)
	if n := len(s.Args); n <= 64 && b.plans != nil {
		var mask uint64
		for i, a := range s.Args {
			if a.Rule != nil && isZeroDeriv(d.Kids[k+starts[i]]) || a.Rule == nil && a.isZero() {
				mask |= 1 << i
			}
		}
		return b.plans[mask]
	}
	z := append((*zero)[:0], make([]bool, len(s.Args))...)
	for i, a := range s.Args {
		if a.Rule != nil {
			z[i] = isZeroDeriv(d.Kids[k+starts[i]])
		} else {
			z[i] = a.isZero()
		}
	}
	*zero = z
	return b.Plan(z)
}

// planOf is Plan for a call, its zero arguments read from the call.
func (b *TopoBody) planOf(c *Call) []bool {
	if len(c.Args) <= 64 {
		var mask uint64
		for i, a := range c.Args {
			if a.Terminal.Zero() {
				mask |= 1 << i
			}
		}
		if b.plans != nil && mask < uint64(len(b.plans)) {
			return b.plans[mask]
		}
	}
	zero := make([]bool, len(c.Args))
	for i, a := range c.Args {
		zero[i] = a.Terminal.Zero()
	}
	return b.Plan(zero)
}
