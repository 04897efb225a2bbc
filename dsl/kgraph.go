package dsl

import (
	"slices"
	"sync"
	"sync/atomic"
)

// The kernel graphs straight from a derivation (issue 6): the search
// computes them for every candidate its acquisition optimiser scores, up
// to ten thousand per proposal. This builder makes the same graphs as
// flattening into a Graph and contracting it (KernelGraphs' reference,
// kernelGraphsViaGraph in graph_ref_test.go), without the functional term,
// shapes or costs, into flat arrays.

// knode is a node of the flattened architecture, as far as kernel graphs
// care: its label (an index in Grammar.klabels, or klabContract for a
// node contracted in G: a sum or an identity, whose label no graph
// shows), its innermost topology call, and its inputs
// (arena[inOff:inOff+inLen] of the builder). Nodes hold no pointers: the
// garbage collector neither scans them nor puts barriers on their writes.
// They are 16 bytes: pasting kept fragments (paste) is mostly copying
// them.
type knode struct {
	lab          int32
	scope        int32
	inOff, inLen int32
}

// klabContract is the label of a node contracted in G.
const klabContract int32 = -1

// The labels every grammar's klabels starts with.
const (
	klabInput int32 = iota
	klabSum
	klabOutput
)

type kscope struct {
	parent, depth int32
	lab           int32 // "D1 Linear3", or the topology alone for a nested call
	// The call's nodes, and those of the calls nested in it, are
	// nodes[start:end] (contiguous: the builder makes a call's nodes
	// before it returns); in is the node the call applies to, the one
	// node outside the range its nodes read.
	start, end, in int32
}

type kbuilder struct {
	nodes  []knode
	scopes []kscope
	cur    int32
	arena  []int32 // the nodes' inputs
	scr    []int32 // scratch stack of the topology frames
	ins    []int32 // scratch: a binary primitive's inputs
	zero   []bool
	keep   []bool
	index  []int32
	pruned []knode
}

const kdead = -1

// kscratch is a builder and contractor with their arrays, reused.
type kscratch struct {
	b kbuilder
	c contractor
}

var kscratches = sync.Pool{New: func() any { return new(kscratch) }}

// kernelGraphs is KernelGraphs built from the derivation directly. The
// first reuse level graphs are taken from prev instead of built (see
// KernelGraphsFrom).
func (g *Grammar) kernelGraphs(d *Derivation, reuse int32, prev []KernelGraph) ([]KernelGraph, error) {
	ks := kscratches.Get().(*kscratch)
	defer kscratches.Put(ks)
	reuse, err := g.contractAll(ks, d, reuse, len(prev))
	if err != nil {
		return nil, err
	}
	if reuse <= 0 {
		return ks.c.finish(0), nil
	}
	graphs := ks.c.finish(int(reuse))
	copy(graphs[1:], prev[1:1+reuse])
	return graphs, nil
}

// contractAll builds d's flattened architecture in ks and makes its
// graphs in ks's contractor: G, then the levels from reuse on, reuse
// being cut to the levels there are and to the nprev graphs given. It
// returns that reuse.
func (g *Grammar) contractAll(ks *kscratch, d *Derivation, reuse int32, nprev int) (int32, error) {
	b := &ks.b
	b.reset()
	b.nodes = append(b.nodes, knode{lab: klabInput, scope: -1})
	out := b.apply(d, d.Prod.Sym, 0, 0, 0)
	if out == kdead {
		return 0, errAllZero(d)
	}
	nodes := b.prune(out)
	deepest := int32(-1)
	for i := range nodes {
		if sc := nodes[i].scope; sc >= 0 {
			deepest = max(deepest, b.scopes[sc].depth)
		}
	}
	reuse = min(reuse, deepest, int32(nprev)-1)
	c := &ks.c
	c.reset(g, nodes, b.scopes, b.arena)
	c.contract(-1)
	for level := max(reuse, 0); level < deepest; level++ {
		c.contract(level)
	}
	return reuse, nil
}

// KernelGraphsFrom is KernelGraphs of d in compact form, for d a child of
// parent (a mutant or a crossover child: a tree that shares most of its
// subtrees with parent), given parent's: the graphs of the hierarchy
// levels that all of d's differences from parent lie below are parent's,
// shared, and not built again. The acquisition optimiser of the search
// computes the graphs of ten thousand children per proposal, and a
// child's differences are mostly deep in the tree. parentGraphs must be
// KernelGraphsFrom(parent, ...)'s result (nil parent for none); the
// graphs returned equal KernelGraphs(d), and may share arrays with
// parentGraphs: neither may be modified.
func (g *Grammar) KernelGraphsFrom(d, parent *Derivation, parentGraphs []KernelGraph) ([]KernelGraph, error) {
	reuse := int32(0)
	if parent != nil && len(parentGraphs) > 1 && !g.hasShared && d.facts().conn && parent.facts().conn {
		// A difference at nesting level L (a call of scope depth L, or
		// a primitive in a call of depth L-1) is inside one node of
		// every level graph k <= L-2, and changes neither its label nor
		// the wiring around it: in trees whose every topology call keeps
		// a path from its input to its output, every call's output is
		// alive whatever its arguments.
		if l := diffLevel(d, parent, 0); l > 1 {
			reuse = l - 1
		}
	}
	return g.kernelGraphs(d, reuse, parentGraphs)
}

// noDiff is diffLevel's answer for equal trees.
const noDiff = int32(1 << 30)

// diffLevel returns the lowest nesting level (apply's level) at which a
// and b, applied at level, differ; noDiff when they are equal.
func diffLevel(a, b *Derivation, level int32) int32 {
	if a == b {
		return noDiff
	}
	fa, fb := a.facts(), b.facts()
	if fa.h1 == fb.h1 && fa.h2 == fb.h2 {
		return noDiff
	}
	if a.Prod != b.Prod || len(a.Kids) != len(b.Kids) {
		return level
	}
	return diffSym(a.Prod.Sym, a, b, 0, level)
}

// diffSym is diffLevel for symbol s of a's and b's production (the same),
// its first nonterminal being kid k, applied at level.
func diffSym(s *Sym, a, b *Derivation, k int, level int32) int32 {
	if s.Rule != nil {
		return diffLevel(a.Kids[k], b.Kids[k], level)
	}
	if s.Terminal == nil || s.Terminal.Kind != Topology {
		return noDiff
	}
	starts := argKidStart(s)
	m := noDiff
	for slot, arg := range s.Args {
		m = min(m, diffSym(arg, a, b, k+starts[slot], level+1))
	}
	return m
}

// KernelGraph is a LabelGraph in compact form, with no pointers in its
// arrays: node i is labelled Names[Labels[i]] and its successors are
// Adj[Off[i]:Off[i+1]] (Off has one entry more than Labels). Names is
// the grammar's list of kernel labels, the same slice for all its graphs.
type KernelGraph struct {
	Names  []string
	Labels []int32
	Off    []int32
	Adj    []int
	ID     string // as LabelGraph.ID
}

// LabelGraph returns the graph in the form of LabelGraph.
func (k KernelGraph) LabelGraph() LabelGraph {
	lg := LabelGraph{Labels: make([]string, len(k.Labels)), Succ: make([][]int, len(k.Labels)), ID: k.ID}
	for i, l := range k.Labels {
		lg.Labels[i] = k.Names[l]
		if a, b := k.Off[i], k.Off[i+1]; a < b {
			lg.Succ[i] = k.Adj[a:b:b]
		}
	}
	return lg
}

func errAllZero(d *Derivation) error {
	return &allZeroError{term: d.String()}
}

type allZeroError struct{ term string }

func (e *allZeroError) Error() string {
	return "architecture " + e.term + " is all zero: nothing reaches the output"
}

func (b *kbuilder) reset() {
	b.nodes, b.scopes, b.cur, b.scr = b.nodes[:0], b.scopes[:0], -1, b.scr[:0]
	b.arena = b.arena[:0]
	b.pruned = b.pruned[:0]
}

// in returns the inputs of node n.
func (b *kbuilder) in(n *knode) []int32 {
	return b.arena[n.inOff : n.inOff+n.inLen]
}

// add makes a node of the current call whose inputs are arena[off:].
func (b *kbuilder) add(lab int32, contract bool, off int) int32 {
	if contract {
		lab = klabContract
	}
	b.nodes = append(b.nodes, knode{lab: lab, scope: b.cur, inOff: int32(off), inLen: int32(len(b.arena) - off)})
	return int32(len(b.nodes) - 1)
}

// apply applies symbol s of d's production (its first nonterminal being
// kid k of d) to node in at topology nesting depth level.
func (b *kbuilder) apply(d *Derivation, s *Sym, k int, in int32, level int32) int32 {
	if in == kdead {
		return kdead
	}
	if s.Rule != nil {
		kid := d.Kids[k]
		if ks := kid.Prod.Sym; ks.Terminal != nil && ks.Terminal.Kind == Topology && kid.facts().nodes <= kfragMax {
			return b.fragment(kid, in, level)
		}
		return b.apply(kid, kid.Prod.Sym, 0, in, level)
	}
	t := s.Terminal
	if t.Kind != Topology {
		return b.prim(t, in)
	}
	outer := b.cur
	sc := int32(len(b.scopes))
	b.scopes = append(b.scopes, kscope{parent: outer, depth: level, lab: s.coarseLab, start: int32(len(b.nodes)), in: in})
	b.cur = sc
	out := b.body(d, s, k, in, level)
	b.cur = outer
	b.scopes[sc].end = int32(len(b.nodes))
	return out
}

// body wires the nodes of the topology call s.
func (b *kbuilder) body(d *Derivation, s *Sym, k int, in int32, level int32) int32 {
	t := s.Terminal
	p := t.Topo.Program()
	starts := argKidStart(s)
	run := s.planIn(d, k, &b.zero)
	mark := len(b.scr)
	b.scr = append(b.scr, make([]int32, len(p.Apps)+len(p.Nodes))...)
	vals := b.scr[mark:]
	apps, nodes := vals[:len(p.Apps)], vals[len(p.Apps):]
	val := func(v int) int32 { return refValue(v, in, apps, nodes) }
	next := 0
	for i, sum := range p.Nodes {
		for ; next < p.NodeEnd[i]; next++ {
			apps[next] = kdead
			if !run[next] {
				continue
			}
			a := p.Apps[next]
			arg, ak := s.Args[a.Slot], k+starts[a.Slot]
			if len(a.In) == 1 {
				apps[next] = b.apply(d, arg, ak, val(a.In[0]), level+1)
				continue
			}
			ad := d
			for arg.Rule != nil {
				ad = ad.Kids[ak]
				arg, ak = ad.Prod.Sym, 0
			}
			b.ins = b.ins[:0]
			for _, v := range a.In {
				b.ins = append(b.ins, val(v))
			}
			apps[next] = b.prim(arg.Terminal, b.ins...)
		}
		off := len(b.arena)
		for _, v := range sum {
			if x := val(v); x != kdead {
				b.arena = append(b.arena, x)
			}
		}
		switch len(b.arena) - off {
		case 0:
			nodes[i] = kdead
		case 1:
			nodes[i] = b.arena[off]
			b.arena = b.arena[:off]
		default:
			nodes[i] = b.add(klabSum, true, off)
		}
	}
	out := nodes[len(nodes)-1]
	b.scr = b.scr[:mark]
	return out
}

// kfrag is the part of the flattened architecture a topology call's
// subtree makes (knode and kscope lists, relative), kept on the derivation
// node: subtrees are immutable and shared between a parent and its
// children (and tabulated ones by all trees), so a child's graph is
// mostly fragments pasted. Node indices are relative to the fragment's
// first node and kfragIn stands for the call's input; scope indices are
// relative to the fragment's first scope, -1 standing for the enclosing
// call, and depths relative to the call's.
type kfrag struct {
	nodes  []knode
	ins    []int32
	scopes []kscope
	out    int32 // relative, kfragIn or kdead
}

// kfragMemo is Derivation's slot for its kfrag.
type kfragMemo = atomic.Pointer[kfrag]

const (
	kfragIn = -2
	// kfragMax is the largest subtree (in derivation nodes) whose part
	// is kept: the cells of a hierarchical space, not its stages.
	kfragMax = 64
)

// kfragSeen is the kfrag slot of a derivation whose part was made once
// and not kept.
var kfragSeen = new(kfrag)

// fragment applies the topology call d to node in at level, pasting its
// kept part, or making it and keeping it when it is made the second time:
// most of the acquisition optimiser's children are scored once and
// dropped, and the calls a child's change made new (a cell, say) are
// worth keeping only when the child is bred from in turn.
func (b *kbuilder) fragment(d *Derivation, in int32, level int32) int32 {
	f := d.kfrag.Load()
	if f != nil && f != kfragSeen {
		return b.paste(f, in, level)
	}
	if f == nil {
		d.kfrag.CompareAndSwap(nil, kfragSeen)
		return b.apply(d, d.Prod.Sym, 0, in, level)
	}
	start, s0 := int32(len(b.nodes)), int32(len(b.scopes))
	out := b.apply(d, d.Prod.Sym, 0, in, level)
	rel := func(j int32) int32 {
		switch {
		case j == kdead:
			return kdead
		case j == in:
			return kfragIn
		}
		return j - start
	}
	nins := 0
	for i := range b.nodes[start:] {
		nins += int(b.nodes[int(start)+i].inLen)
	}
	f = &kfrag{nodes: make([]knode, 0, int32(len(b.nodes))-start), ins: make([]int32, 0, nins), scopes: make([]kscope, 0, int32(len(b.scopes))-s0), out: rel(out)}
	for _, n := range b.nodes[start:] {
		off := int32(len(f.ins))
		for _, j := range b.in(&n) {
			f.ins = append(f.ins, rel(j))
		}
		n.inOff, n.scope = off, n.scope-s0
		f.nodes = append(f.nodes, n)
	}
	for _, sc := range b.scopes[s0:] {
		if sc.parent < s0 {
			sc.parent = -1
		} else {
			sc.parent -= s0
		}
		sc.depth -= level
		sc.start, sc.end, sc.in = sc.start-start, sc.end-start, rel(sc.in)
		f.scopes = append(f.scopes, sc)
	}
	d.kfrag.Store(f)
	return out
}

// paste applies a kept fragment to node in at level.
func (b *kbuilder) paste(f *kfrag, in int32, level int32) int32 {
	start, s0 := int32(len(b.nodes)), int32(len(b.scopes))
	abs := func(j int32) int32 {
		switch j {
		case kdead:
			return kdead
		case kfragIn:
			return in
		}
		return j + start
	}
	// The arrays are grown first and written by index: a fragment is
	// mostly pasted, and its copies are the builder's main work.
	b.scopes = slices.Grow(b.scopes, len(f.scopes))[:int(s0)+len(f.scopes)]
	scopes := b.scopes[s0:]
	for k := range f.scopes {
		sc := &f.scopes[k]
		parent := b.cur
		if sc.parent >= 0 {
			parent = sc.parent + s0
		}
		scopes[k] = kscope{parent: parent, depth: sc.depth + level, lab: sc.lab, start: sc.start + start, end: sc.end + start, in: abs(sc.in)}
	}
	off := int32(len(b.arena))
	b.arena = slices.Grow(b.arena, len(f.ins))[:int(off)+len(f.ins)]
	arena := b.arena[off:]
	for k, j := range f.ins {
		arena[k] = abs(j)
	}
	b.nodes = slices.Grow(b.nodes, len(f.nodes))[:int(start)+len(f.nodes)]
	nodes := b.nodes[start:]
	for k := range f.nodes {
		n := f.nodes[k]
		n.inOff, n.scope = n.inOff+off, n.scope+s0
		nodes[k] = n
	}
	return abs(f.out)
}

// prim applies a primitive to its inputs (two for a binary primitive).
func (b *kbuilder) prim(t *Terminal, ins ...int32) int32 {
	if t.Zero() {
		return kdead
	}
	off := len(b.arena)
	for _, i := range ins {
		if i != kdead {
			b.arena = append(b.arena, i)
		}
	}
	if len(b.arena) == off {
		return kdead
	}
	return b.add(t.klab, t.identity(), off)
}

// prune keeps the nodes that reach out (and the input), renumbered in
// order.
func (b *kbuilder) prune(out int32) []knode {
	b.keep = append(b.keep[:0], make([]bool, out+1)...)
	keep := b.keep
	keep[out], keep[0] = true, true
	all := true
	for i := out; i >= 0; i-- {
		if !keep[i] {
			all = false
			continue
		}
		for _, j := range b.in(&b.nodes[i]) {
			keep[j] = true
		}
	}
	if all && out+1 == int32(len(b.nodes)) {
		return b.nodes
	}
	// index[i] is the number of kept nodes before i: node i's new
	// number if it is kept, and where a range starting or ending at i
	// starts or ends.
	b.index = append(b.index[:0], make([]int32, len(b.nodes)+1)...)
	index := b.index
	nodes := b.pruned[:0]
	for i := int32(0); i < int32(len(b.nodes)); i++ {
		index[i] = int32(len(nodes))
		if i > out || !keep[i] {
			continue
		}
		n := b.nodes[i]
		off := len(b.arena)
		for k := range n.inLen {
			b.arena = append(b.arena, index[b.arena[n.inOff+k]])
		}
		n.inOff = int32(off)
		nodes = append(nodes, n)
	}
	index[len(b.nodes)] = int32(len(nodes))
	for i := range b.scopes {
		sc := &b.scopes[i]
		sc.start, sc.end, sc.in = index[sc.start], index[sc.end], index[sc.in]
	}
	b.pruned = nodes
	return nodes
}

// contractor makes the kernel graphs of one flattened architecture.
type contractor struct {
	g      *Grammar
	nodes  []knode
	scopes []kscope
	arena  []int32 // the nodes' inputs
	kid    []int32 // kernel node of every node, or -1 when contracted
	// sources of a contracted node j: sarena[srcOff[j]:][:srcLen[j]]
	sarena         []int32
	srcOff, srcLen []int32
	one            [1]int32
	edges          []int32 // from, to pairs, without repeats
	// deg[k+1] counts the edges from kernel node k (zero between two
	// graphs); last[k] is where the kernel node k's latest edge goes to,
	// by its index in labs (which no two graphs share), to leave out
	// repeats.
	deg  []int32
	last []int32
	base int32 // the graph's first label in labs

	// The graphs made so far, in scratch arrays that finish copies out:
	// labels of every graph one after the other, successor lists one
	// after the other (sflat), where each node's list starts (soff, one
	// entry per node), and each graph's first label (gstart).
	labs   []int32 // indices in Grammar.klabels
	ids    []byte  // each graph's content hash (LabelGraph.ID), 16 bytes
	sflat  []int
	soff   []int32
	gstart []int32
}

func (c *contractor) reset(g *Grammar, nodes []knode, scopes []kscope, arena []int32) {
	n := len(nodes)
	c.g, c.nodes, c.scopes, c.arena = g, nodes, scopes, arena
	// Neither kid, srcOff nor srcLen is read before contract writes it:
	// they are sized, not cleared.
	c.kid = resize(c.kid, n)
	c.srcOff = resize(c.srcOff, n)
	c.srcLen = resize(c.srcLen, n)
	// A graph has at most a kernel node per node and the output.
	c.deg = resize(c.deg, n+2)
	clear(c.deg)
	c.last = resize(c.last, n+1)
	for i := range c.last {
		c.last[i] = -1
	}
	c.labs, c.sflat, c.soff, c.gstart = c.labs[:0], c.sflat[:0], c.soff[:0], c.gstart[:0]
	c.ids = c.ids[:0]
}

// resize returns s with length n, its elements left as they are.
func resize[T any](s []T, n int) []T {
	if n <= cap(s) {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}

// finish copies the graphs out of the scratch arrays, in four
// allocations whatever their number (none holding pointers but the
// graphs'): the graphs, their IDs, their labels and offsets, their
// successors. It leaves room for skip graphs after the first.
func (c *contractor) finish(skip int) []KernelGraph {
	graphs := make([]KernelGraph, len(c.gstart)+skip)
	ids := string(c.ids)
	nl := len(c.labs)
	labels := make([]int32, 2*nl+len(c.gstart))
	copy(labels, c.labs)
	labels, off := labels[:nl:nl], labels[nl:]
	adj := append([]int(nil), c.sflat...)
	for gi, start := range c.gstart {
		end := int32(len(labels))
		if gi+1 < len(c.gstart) {
			end = c.gstart[gi+1]
		}
		a0, a1 := c.soff[start], int32(len(adj))
		if end < int32(len(c.soff)) {
			a1 = c.soff[end]
		}
		o := off[int(start)+gi : int(end)+gi+1 : int(end)+gi+1]
		for i := range end - start {
			o[i] = c.soff[start+i] - a0
		}
		o[end-start] = a1 - a0
		at := gi
		if gi > 0 {
			at += skip
		}
		graphs[at] = KernelGraph{Names: c.g.klabels, Labels: labels[start:end:end], Off: o, Adj: adj[a0:a1:a1], ID: ids[16*gi : 16*gi+16]}
	}
	return graphs
}

// labelGraphs copies the graphs out of the scratch arrays as
// LabelGraphs, in five allocations whatever their number.
func (c *contractor) labelGraphs() []LabelGraph {
	lgs := make([]LabelGraph, len(c.gstart))
	ids := string(c.ids)
	labels := make([]string, len(c.labs))
	for i, l := range c.labs {
		labels[i] = c.g.klabels[l]
	}
	adj := append([]int(nil), c.sflat...)
	succ := make([][]int, len(c.labs))
	for i := range succ {
		a, b := int(c.soff[i]), len(adj)
		if i+1 < len(c.soff) {
			b = int(c.soff[i+1])
		}
		if a < b {
			succ[i] = adj[a:b:b]
		}
	}
	for gi, start := range c.gstart {
		end := int32(len(labels))
		if gi+1 < len(c.gstart) {
			end = c.gstart[gi+1]
		}
		lgs[gi] = LabelGraph{Labels: labels[start:end:end], Succ: succ[start:end:end], ID: ids[16*gi : 16*gi+16]}
	}
	return lgs
}

// contract returns G when level < 0, else the graph of hierarchy level
// level: calls nested deeper than level become one node each (see
// Graph.contract, of which this is the array form). A call made one node
// is skipped as a whole: its nodes are a contiguous range, and the one
// node outside it they read is the call's input, so a level's graph costs
// its own size and its calls', not the whole architecture's.
func (c *contractor) contract(level int32) {
	nodes := c.nodes
	base := int32(len(c.labs))
	c.base = base
	c.gstart = append(c.gstart, base)
	labels := append(c.labs, klabInput)
	c.kid[0] = 0
	c.sarena = c.sarena[:0]
	c.edges = c.edges[:0]
	for i := int32(1); i < int32(len(nodes)); {
		if sc := nodes[i].scope; level >= 0 && sc >= 0 && c.scopes[sc].depth > level {
			// The call at depth level+1 that holds node i, one node:
			// found by a walk up from the innermost, once per call.
			for c.scopes[sc].depth > level+1 {
				sc = c.scopes[sc].parent
			}
			gs := &c.scopes[sc]
			k := int32(len(labels)) - base
			labels = append(labels, gs.lab)
			c.edgesTo(c.sources(gs.in), k)
			kid := c.kid[gs.start:gs.end]
			for j := range kid {
				kid[j] = k
			}
			i = gs.end
			continue
		}
		n := &nodes[i]
		if n.lab == klabContract {
			// Its sources, made now: its inputs come before it, and
			// theirs are made.
			c.kid[i] = -1
			off := len(c.sarena)
			for _, j := range c.arena[n.inOff : n.inOff+n.inLen] {
				if k := c.kid[j]; k >= 0 || j == 0 {
					c.sarena = append(c.sarena, k)
					continue
				}
				c.sarena = append(c.sarena, c.sarena[c.srcOff[j]:c.srcOff[j]+c.srcLen[j]]...)
			}
			c.srcOff[i], c.srcLen[i] = int32(off), int32(len(c.sarena)-off)
			i++
			continue
		}
		to := int32(len(labels)) - base
		c.kid[i] = to
		labels = append(labels, n.lab)
		for _, j := range c.arena[n.inOff : n.inOff+n.inLen] {
			if from := c.kid[j]; from >= 0 || j == 0 {
				c.edge(from, to)
				continue
			}
			c.edgesTo(c.sources(j), to)
		}
		i++
	}
	outK := int32(len(labels)) - base
	labels = append(labels, klabOutput)
	c.labs = labels
	c.edgesTo(c.sources(int32(len(nodes)-1)), outK)
	c.succ(int(outK) + 1)
	c.graphID(int(base), int(outK)+1)
}

// edge notes the edge from kernel node from to kernel node to, unless
// noted already. A node's edges in are noted one after the other, in the
// order of the nodes, so a repeat is the edge its tail noted last, and
// every tail's edges come in the order of their heads.
func (c *contractor) edge(from, to int32) {
	at := c.base + to
	if c.last[from] == at {
		return
	}
	c.last[from] = at
	c.deg[from+1]++
	c.edges = append(c.edges, from, to)
}

// edgesTo notes the edges from every kernel node of froms to to.
func (c *contractor) edgesTo(froms []int32, to int32) {
	for _, from := range froms {
		c.edge(from, to)
	}
}

// labelHash hashes a label for graph IDs (FNV-1a, then mixed).
func labelHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return hmix(h)
}

// graphID appends to ids the 128-bit content hash of the graph of n
// nodes whose first label is labs[base]: its labels and successor lists,
// as 16 bytes.
func (c *contractor) graphID(base, n int) {
	h1, h2 := hmix(uint64(n)), hmix(uint64(n)^0x9e3779b97f4a7c15)
	labs := c.labs[base : base+n]
	soff := c.soff[len(c.soff)-n:]
	khash := c.g.khash
	for i, l := range labs {
		lh := khash[l]
		h1 = hmix(h1*0xbf58476d1ce4e5b9 ^ lh)
		h2 = hmix(h2*0x94d049bb133111eb + lh)
		end := len(c.sflat)
		if i+1 < len(soff) {
			end = int(soff[i+1])
		}
		// Successors two at a time (a lone last one with 0, which no
		// successor+1 is), after the node's label.
		ss := c.sflat[soff[i]:end]
		for len(ss) >= 2 {
			x := uint64(ss[0]+1) | uint64(ss[1]+1)<<32
			h1 = hmix(h1 ^ x)
			h2 = hmix(h2 + x*0x2545f4914f6cdd1d)
			ss = ss[2:]
		}
		if len(ss) == 1 {
			x := uint64(ss[0] + 1)
			h1 = hmix(h1 ^ x)
			h2 = hmix(h2 + x*0x2545f4914f6cdd1d)
		}
	}
	for i := range 8 {
		c.ids = append(c.ids, byte(h1>>(8*i)))
	}
	for i := range 8 {
		c.ids = append(c.ids, byte(h2>>(8*i)))
	}
}

// sources lists the kernel nodes whose output reaches node j through
// contracted nodes only (j's own kernel node if it has one), j being a
// node contract has passed. The list is valid until the next call.
func (c *contractor) sources(j int32) []int32 {
	if k := c.kid[j]; k >= 0 || j == 0 {
		c.one[0] = k
		return c.one[:]
	}
	return c.sarena[c.srcOff[j] : c.srcOff[j]+c.srcLen[j]]
}

// succ appends the successor lists of the graph of n nodes to sflat,
// sorted and without duplicates, from the edge pairs: edge has left out
// the repeats and counted each node's edges, and a node's edges come in
// the order of their heads, so placing them in that order sorts every
// list.
func (c *contractor) succ(n int) {
	deg := c.deg[:n+1]
	for i := 1; i <= n; i++ {
		deg[i] += deg[i-1]
	}
	start := len(c.sflat)
	for _, d := range deg[:n] {
		c.soff = append(c.soff, int32(start)+d)
	}
	c.sflat = slices.Grow(c.sflat, len(c.edges)/2)[:start+len(c.edges)/2]
	flat := c.sflat[start:]
	// deg[k] becomes the end of node k's list as its edges are placed.
	for e := 0; e < len(c.edges); e += 2 {
		f := c.edges[e]
		flat[deg[f]] = int(c.edges[e+1])
		deg[f]++
	}
	clear(deg)
}
