package dsl

import "sync"

// A fast walk over a derivation that computes what the constraints
// measure (parameters, FLOPs, depth, terminal counts) without building the
// architecture graph. It follows the same pruning as the graph (Plan).

// symKids caches, per topology symbol of a production, the index of each
// argument's first derivation among the production's kids.
var symKids sync.Map // *Sym -> []int

func argKidStart(s *Sym) []int {
	if s.argStart != nil {
		return s.argStart
	}
	if v, ok := symKids.Load(s); ok {
		return v.([]int)
	}
	starts := make([]int, len(s.Args))
	n := 0
	for i, a := range s.Args {
		starts[i] = n
		n += len(a.nonterminals(nil))
	}
	v, _ := symKids.LoadOrStore(s, starts)
	return v.([]int)
}

type flow struct {
	shape Shape
	depth int
}

type measurer struct {
	fs     []flow // scratch stacks of the topology frames
	bs     []bool
	g      *Grammar
	params int64
	flops  int64
	count  []int // per terminal of Grammar.counted
	slab   []measured
	zero   []bool // planIn scratch
}

// measurers keeps measurers, their scratch stacks and memo slabs, for
// reuse.
var measurers = sync.Pool{New: func() any { return new(measurer) }}

// release gives m back for reuse; m must not be used afterwards.
func (m *measurer) release() {
	m.g, m.params, m.flops, m.count = nil, 0, 0, m.count[:0]
	m.fs, m.bs = m.fs[:0], m.bs[:0]
	measurers.Put(m)
}

// newMeasured takes a memo entry from the slab. Entries handed out are
// never reused: they belong to the derivations that keep them.
func (m *measurer) newMeasured() *measured {
	if len(m.slab) == 0 {
		m.slab = make([]measured, 64)
	}
	r := &m.slab[0]
	m.slab = m.slab[1:]
	return r
}

// measure returns the measures of d: params and flops of the whole
// network, depth, and counts of the terminals named in constraints. ok is
// false when nothing reaches the output.
func (g *Grammar) measure(d *Derivation) (m *measurer, depth int, ok bool) {
	m = measurers.Get().(*measurer)
	m.g = g
	if len(g.counted) > 0 {
		m.count = append(m.count[:0], make([]int, len(g.counted))...)
	}
	in := g.Input
	for _, op := range g.Stem {
		p, f, out := opCost(op, in, g.Classes)
		m.params, m.flops, in = m.params+p, m.flops+f, out
	}
	out, live := m.deriv(d, flow{shape: in})
	if !live {
		return m, 0, false
	}
	s := out.shape
	for _, op := range g.Head {
		p, f, o := opCost(op, s, g.Classes)
		m.params, m.flops, s = m.params+p, m.flops+f, o
	}
	return m, out.depth, true
}

// deriv measures d on input in. The result is memoised in d per input
// shape: a subtree's output shape, liveness, parameters, FLOPs and counts
// depend on its input's shape only, and the depth it adds does not depend
// on the input's depth.
func (m *measurer) deriv(d *Derivation, in flow) (flow, bool) {
	if mm := d.lookupMeasure(in.shape); mm != nil {
		m.params += mm.params
		m.flops += mm.flops
		for i := range m.count {
			m.count[i] += int(mm.count[i])
		}
		return flow{shape: mm.out, depth: in.depth + int(mm.depth)}, mm.live
	}
	if len(m.count) > maxCounted || d.info.flat && d.info.rocc == nil {
		// Not memoised: a node whose kids are all tabulated measures
		// again in a few lookups, and a fresh sample has dozens.
		return m.sym(d, d.Prod.Sym, 0, in)
	}
	p0, f0 := m.params, m.flops
	var c0 [maxCounted]int
	copy(c0[:], m.count)
	out, live := m.sym(d, d.Prod.Sym, 0, flow{shape: in.shape})
	r := m.newMeasured()
	*r = measured{in: in.shape, out: out.shape, live: live, depth: int32(out.depth), params: m.params - p0, flops: m.flops - f0}
	for i := range m.count {
		r.count[i] = int32(m.count[i] - c0[i])
	}
	d.storeMeasure(r)
	out.depth += in.depth
	return out, live
}

// sym evaluates symbol s of d's production, whose first nonterminal is
// kid k of d.
func (m *measurer) sym(d *Derivation, s *Sym, k int, in flow) (flow, bool) {
	if s.Rule != nil {
		return m.deriv(d.Kids[k], in)
	}
	t := s.Terminal
	if t.Kind != Topology {
		ins, live := [1]flow{in}, [1]bool{true}
		return m.prim(t, ins[:], live[:])
	}
	starts := argKidStart(s)
	fmark, bmark := len(m.fs), len(m.bs)
	run := s.planIn(d, k, &m.zero)
	p := t.Topo.Program()
	apps := m.flows(len(p.Apps))
	liveApp := m.bools(len(p.Apps))
	nodes := m.flows(len(p.Nodes))
	liveNode := m.bools(len(p.Nodes))
	next := 0
	for i, vals := range p.Nodes {
		for ; next < p.NodeEnd[i]; next++ {
			if !run[next] {
				continue
			}
			a := p.Apps[next]
			arg := s.Args[a.Slot]
			var insBuf [2]flow
			var liveBuf [2]bool
			ins, liveIn := insBuf[:0], liveBuf[:0]
			for _, v := range a.In {
				ins, liveIn = append(ins, refValue(v, in, apps, nodes)), append(liveIn, refValue(v, true, liveApp, liveNode))
			}
			if len(ins) == 1 {
				apps[next], liveApp[next] = m.sym(d, arg, k+starts[a.Slot], ins[0])
			} else {
				apps[next], liveApp[next] = m.binary(d, arg, k+starts[a.Slot], ins, liveIn)
			}
		}
		var out flow
		for _, v := range vals {
			f, l := refValue(v, in, apps, nodes), refValue(v, true, liveApp, liveNode)
			if !l {
				continue
			}
			if !liveNode[i] {
				out, liveNode[i] = f, true
				continue
			}
			out.depth = max(out.depth, f.depth)
		}
		nodes[i] = out
	}
	last := len(p.Nodes) - 1
	if t.slot > 0 && liveNode[last] {
		m.count[t.slot-1]++
	}
	out, live := nodes[last], liveNode[last]
	m.fs, m.bs = m.fs[:fmark], m.bs[:bmark]
	return out, live
}

// binary applies the binary primitive that arg (of d's production)
// derives.
func (m *measurer) binary(d *Derivation, arg *Sym, k int, ins []flow, live []bool) (flow, bool) {
	for arg.Rule != nil {
		d = d.Kids[k]
		arg, k = d.Prod.Sym, 0
	}
	return m.prim(arg.Terminal, ins, live)
}

func (m *measurer) prim(t *Terminal, ins []flow, live []bool) (flow, bool) {
	if t.Zero() {
		return flow{}, false
	}
	var f flow
	ok := false
	for i, in := range ins {
		if live[i] {
			if !ok {
				f, ok = in, true
			}
			f.depth = max(f.depth, in.depth)
		}
	}
	if !ok {
		return flow{}, false
	}
	c := t.cost(f.shape, m.g.Classes)
	m.params, m.flops, f.shape = m.params+c.params, m.flops+c.flops, c.out
	if !t.identity() {
		f.depth++
	}
	if t.slot > 0 {
		m.count[t.slot-1]++
	}
	return f, true
}

// flows and bools take zeroed scratch space from the frame stacks; the
// frame gives it back by truncating on return.
func (m *measurer) flows(n int) []flow {
	start := len(m.fs)
	m.fs = append(m.fs, make([]flow, n)...)
	return m.fs[start:len(m.fs):len(m.fs)]
}

func (m *measurer) bools(n int) []bool {
	start := len(m.bs)
	m.bs = append(m.bs, make([]bool, n)...)
	return m.bs[start:len(m.bs):len(m.bs)]
}

// primCost is what a primitive's pipeline costs on one input shape.
type primCost struct {
	in, out       Shape
	params, flops int64
}

// cost returns the pipeline's cost on shape in, memoised per terminal: a
// primitive sees few input shapes. The memo is a copy-on-write slice
// behind an atomic pointer, safe for concurrent use.
func (t *Terminal) cost(in Shape, classes int) primCost {
	memo := t.costs.Load()
	if memo != nil {
		for i := range *memo {
			if (*memo)[i].in == in {
				return (*memo)[i]
			}
		}
	}
	c := primCost{in: in, out: in}
	for _, op := range t.Ops {
		p, f, out := opCost(op, c.out, classes)
		c.params, c.flops, c.out = c.params+p, c.flops+f, out
	}
	if memo == nil || len(*memo) < 16 {
		var next []primCost
		if memo != nil {
			next = append(next, *memo...)
		}
		next = append(next, c)
		t.costs.CompareAndSwap(memo, &next)
	}
	return c
}
