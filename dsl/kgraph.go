package dsl

import "sync"

// The kernel graphs straight from a derivation (issue 6): the search
// computes them for every candidate its acquisition optimiser scores, up
// to ten thousand per proposal. This builder makes the same graphs as
// flattening into a Graph and contracting it (KernelGraphs' reference,
// kernelGraphsViaGraph in graph_ref_test.go), without the functional term,
// shapes or costs, into flat arrays.

// knode is a node of the flattened architecture, as far as kernel graphs
// care: its label, whether it is contracted in G (a sum or an identity),
// its innermost topology call, and its inputs (a slice of the builder's
// arena).
type knode struct {
	label    string
	lh       uint64 // hash of label
	contract bool
	scope    int32
	in       []int32
}

type kscope struct {
	parent, depth int32
	label         string // "D1 Linear3", or the topology alone for a nested call
	lh            uint64 // hash of label
}

type kbuilder struct {
	nodes  []knode
	scopes []kscope
	cur    int32
	arena  []int32
	used   int     // of arena
	scr    []int32 // scratch stack of the topology frames
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

// kernelGraphs is KernelGraphs built from the derivation directly.
func (g *Grammar) kernelGraphs(d *Derivation) ([]LabelGraph, error) {
	ks := kscratches.Get().(*kscratch)
	defer kscratches.Put(ks)
	b := &ks.b
	b.reset()
	b.nodes = append(b.nodes, knode{label: "input", lh: labelHash("input"), scope: -1})
	out := b.apply(d, d.Prod.Sym, 0, 0, 0)
	if out == kdead {
		return nil, errAllZero(d)
	}
	nodes := b.prune(out)
	deepest := int32(-1)
	for i := range nodes {
		if sc := nodes[i].scope; sc >= 0 {
			deepest = max(deepest, b.scopes[sc].depth)
		}
	}
	c := &ks.c
	c.reset(nodes, b.scopes)
	c.contract(-1)
	for level := int32(0); level < deepest; level++ {
		c.contract(level)
	}
	return c.finish(), nil
}

func errAllZero(d *Derivation) error {
	return &allZeroError{term: d.String()}
}

type allZeroError struct{ term string }

func (e *allZeroError) Error() string {
	return "architecture " + e.term + " is all zero: nothing reaches the output"
}

func (b *kbuilder) reset() {
	clear(b.nodes) // drop the labels' and inputs' references
	b.nodes, b.scopes, b.cur, b.scr = b.nodes[:0], b.scopes[:0], -1, b.scr[:0]
	b.arena = b.arena[:cap(b.arena)]
	b.used = 0
	b.pruned = b.pruned[:0]
}

func (b *kbuilder) ints(n int) []int32 {
	if len(b.arena)-b.used < n {
		// A new arena: the nodes made so far keep the old one.
		b.arena, b.used = make([]int32, max(2*len(b.arena), 1024, n)), 0
	}
	s := b.arena[b.used : b.used+n : b.used+n]
	b.used += n
	return s
}

func (b *kbuilder) add(n knode) int32 {
	n.scope = b.cur
	b.nodes = append(b.nodes, n)
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
		return b.apply(kid, kid.Prod.Sym, 0, in, level)
	}
	t := s.Terminal
	if t.Kind != Topology {
		return b.prim(t, []int32{in})
	}
	outer := b.cur
	b.scopes = append(b.scopes, kscope{parent: outer, depth: level, label: s.coarse, lh: s.coarseHash})
	b.cur = int32(len(b.scopes) - 1)
	out := b.body(d, s, k, in, level)
	b.cur = outer
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
	val := func(v int) int32 {
		switch {
		case v == refIn:
			return in
		case v >= 0:
			return apps[v]
		}
		return nodes[nodeOfRef(v)]
	}
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
			ins := b.ints(len(a.In))
			for j, v := range a.In {
				ins[j] = val(v)
			}
			ad := d
			for arg.Rule != nil {
				ad = ad.Kids[ak]
				arg, ak = ad.Prod.Sym, 0
			}
			apps[next] = b.prim(arg.Terminal, ins)
		}
		live := b.ints(len(sum))[:0]
		for _, v := range sum {
			if x := val(v); x != kdead {
				live = append(live, x)
			}
		}
		switch len(live) {
		case 0:
			nodes[i] = kdead
		case 1:
			nodes[i] = live[0]
		default:
			nodes[i] = b.add(knode{label: "sum", contract: true, in: live})
		}
	}
	out := nodes[len(nodes)-1]
	b.scr = b.scr[:mark]
	return out
}

// prim applies a primitive to its inputs (two for a binary primitive).
func (b *kbuilder) prim(t *Terminal, ins []int32) int32 {
	if t.Zero() {
		return kdead
	}
	n := 0
	for _, i := range ins {
		if i != kdead {
			n++
		}
	}
	if n == 0 {
		return kdead
	}
	in := b.ints(n)[:0]
	for _, i := range ins {
		if i != kdead {
			in = append(in, i)
		}
	}
	return b.add(knode{label: t.Name, lh: t.labelHash, contract: t.identity(), in: in})
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
		for _, j := range b.nodes[i].in {
			keep[j] = true
		}
	}
	if all {
		return b.nodes[:out+1]
	}
	b.index = append(b.index[:0], make([]int32, out+1)...)
	index := b.index
	nodes := b.pruned[:0]
	for i := int32(0); i <= out; i++ {
		if !keep[i] {
			continue
		}
		n := b.nodes[i]
		in := b.ints(len(n.in))
		for k, j := range n.in {
			in[k] = index[j]
		}
		n.in = in
		index[i] = int32(len(nodes))
		nodes = append(nodes, n)
	}
	b.pruned = nodes
	return nodes
}

// contractor makes the kernel graphs of one flattened architecture.
type contractor struct {
	nodes  []knode
	scopes []kscope
	kid    []int32 // kernel node of every node, or -1 when contracted
	group  []int32 // scope of the call a node is contracted into, or -1
	gkid   []int32 // kernel node of every scope's call node, or -1
	src    [][]int32
	done   []bool
	anc    []int32 // scopes' enclosing calls by depth (reset)
	stride int
	edges  []int32 // from, to pairs
	deg    []int32
	pos    []int32

	// The graphs made so far, in scratch arrays that finish copies out:
	// labels of every graph one after the other, successor lists one
	// after the other (sflat), where each node's list starts (soff, one
	// entry per node), and each graph's first label (gstart).
	labs   []string
	lhs    []uint64 // the labels' hashes
	ids    []string // each graph's content hash (LabelGraph.ID)
	sflat  []int
	soff   []int32
	gstart []int32
}

func (c *contractor) reset(nodes []knode, scopes []kscope) {
	n := len(nodes)
	c.nodes, c.scopes = nodes, scopes
	c.kid = append(c.kid[:0], make([]int32, n)...)
	c.group = append(c.group[:0], make([]int32, n)...)
	c.gkid = append(c.gkid[:0], make([]int32, len(scopes))...)
	c.done = append(c.done[:0], make([]bool, n)...)
	if cap(c.src) < n {
		c.src = append(c.src[:cap(c.src)], make([][]int32, n-cap(c.src))...)
	}
	c.src = c.src[:n]
	// anc[s*stride+d]: scope s's enclosing call at depth d (s itself at
	// its own depth). Scopes come after their parents.
	c.stride = 1
	for _, sc := range scopes {
		c.stride = max(c.stride, int(sc.depth)+1)
	}
	c.anc = append(c.anc[:0], make([]int32, len(scopes)*c.stride)...)
	for si, sc := range scopes {
		row := c.anc[si*c.stride : (si+1)*c.stride]
		if sc.parent >= 0 {
			copy(row, c.anc[int(sc.parent)*c.stride:int(sc.parent)*c.stride+int(sc.depth)])
		}
		row[sc.depth] = int32(si)
	}
	c.labs, c.sflat, c.soff, c.gstart = c.labs[:0], c.sflat[:0], c.soff[:0], c.gstart[:0]
	c.lhs, c.ids = c.lhs[:0], c.ids[:0]
}

// finish copies the graphs out of the scratch arrays, in four
// allocations whatever their number.
func (c *contractor) finish() []LabelGraph {
	graphs := make([]LabelGraph, len(c.gstart))
	labels := append([]string(nil), c.labs...)
	flat := append([]int(nil), c.sflat...)
	succ := make([][]int, len(c.labs))
	for i := range succ {
		end := int32(len(flat))
		if i+1 < len(c.soff) {
			end = c.soff[i+1]
		}
		if c.soff[i] < end {
			succ[i] = flat[c.soff[i]:end:end]
		}
	}
	clear(c.labs)
	for gi, start := range c.gstart {
		end := int32(len(labels))
		if gi+1 < len(c.gstart) {
			end = c.gstart[gi+1]
		}
		graphs[gi] = LabelGraph{Labels: labels[start:end:end], Succ: succ[start:end:end], ID: c.ids[gi]}
	}
	return graphs
}

// contract returns G when level < 0, else the graph of hierarchy level
// level: calls nested deeper than level become one node each (see
// Graph.contract, of which this is the array form).
func (c *contractor) contract(level int32) {
	nodes := c.nodes
	for i := range c.gkid {
		c.gkid[i] = -1
	}
	for i := range nodes {
		c.group[i] = -1
		if level < 0 {
			continue
		}
		sc := nodes[i].scope
		if sc < 0 || c.scopes[sc].depth <= level {
			continue
		}
		c.group[i] = c.anc[int(sc)*c.stride+int(level)+1]
	}
	base := int32(len(c.labs))
	c.gstart = append(c.gstart, base)
	labels := append(c.labs, "input")
	c.lhs = append(c.lhs, nodes[0].lh)
	c.kid[0] = 0
	for i := 1; i < len(nodes); i++ {
		if gr := c.group[i]; gr >= 0 {
			k := c.gkid[gr]
			if k < 0 {
				k = int32(len(labels)) - base
				c.gkid[gr] = k
				labels = append(labels, c.scopes[gr].label)
				c.lhs = append(c.lhs, c.scopes[gr].lh)
			}
			c.kid[i] = k
			continue
		}
		if nodes[i].contract {
			c.kid[i] = -1
			continue
		}
		c.kid[i] = int32(len(labels)) - base
		labels = append(labels, nodes[i].label)
		c.lhs = append(c.lhs, nodes[i].lh)
	}
	outK := int32(len(labels)) - base
	labels = append(labels, "output")
	c.lhs = append(c.lhs, outputHash)
	c.labs = labels
	for i := range c.done {
		c.done[i] = false
	}
	c.edges = c.edges[:0]
	for i := 1; i < len(nodes); i++ {
		to := c.kid[i]
		if to < 0 {
			continue
		}
		for _, j := range nodes[i].in {
			if from := c.kid[j]; from >= 0 || j == 0 {
				// Most edges of a level graph join two nodes of one call.
				if from != to {
					c.edges = append(c.edges, from, to)
				}
				continue
			}
			for _, from := range c.sources(j) {
				if from != to {
					c.edges = append(c.edges, from, to)
				}
			}
		}
	}
	for _, from := range c.sources(int32(len(nodes) - 1)) {
		if from != outK {
			c.edges = append(c.edges, from, outK)
		}
	}
	c.succ(int(outK) + 1)
	c.ids = append(c.ids, c.graphID(int(base), int(outK)+1))
}

var outputHash = labelHash("output")

// labelHash hashes a label for graph IDs (FNV-1a, then mixed).
func labelHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return hmix(h)
}

// graphID is the 128-bit content hash of the graph of n nodes whose first
// label is labs[base]: its labels and successor lists, as 16 bytes.
func (c *contractor) graphID(base, n int) string {
	h1, h2 := hmix(uint64(n)), hmix(uint64(n)^0x9e3779b97f4a7c15)
	first := len(c.soff) - n
	for i := range n {
		lh := c.lhs[base+i]
		h1 = hmix(h1*0xbf58476d1ce4e5b9 ^ lh)
		h2 = hmix(h2*0x94d049bb133111eb + lh)
		end := len(c.sflat)
		if first+i+1 < len(c.soff) {
			end = int(c.soff[first+i+1])
		}
		for _, v := range c.sflat[c.soff[first+i]:end] {
			h1 = hmix(h1 ^ uint64(v+1)<<32 ^ uint64(i))
			h2 = hmix(h2 + uint64(v+1)*0x2545f4914f6cdd1d + uint64(i))
		}
	}
	var b [16]byte
	for i := range 8 {
		b[i] = byte(h1 >> (8 * i))
		b[8+i] = byte(h2 >> (8 * i))
	}
	return string(b[:])
}

// sources lists the kernel nodes whose output reaches node j through
// contracted nodes only (j's own kernel node if it has one).
func (c *contractor) sources(j int32) []int32 {
	if c.kid[j] >= 0 || j == 0 {
		c.src[j] = append(c.src[j][:0], c.kid[j])
		return c.src[j]
	}
	if c.done[j] {
		return c.src[j]
	}
	s := c.src[j][:0]
	for _, i := range c.nodes[j].in {
		s = append(s, c.sources(i)...)
	}
	c.src[j], c.done[j] = s, true
	return s
}

// succ appends the successor lists of the graph of n nodes to sflat,
// sorted and without duplicates, from the edge pairs.
func (c *contractor) succ(n int) {
	c.deg = append(c.deg[:0], make([]int32, n+1)...)
	for e := 0; e < len(c.edges); e += 2 {
		c.deg[c.edges[e]+1]++
	}
	for i := 1; i <= n; i++ {
		c.deg[i] += c.deg[i-1]
	}
	start := len(c.sflat)
	c.sflat = append(c.sflat, make([]int, len(c.edges)/2)...)
	flat := c.sflat[start:]
	c.pos = append(c.pos[:0], c.deg[:n]...)
	for e := 0; e < len(c.edges); e += 2 {
		f := c.edges[e]
		flat[c.pos[f]] = int(c.edges[e+1])
		c.pos[f]++
	}
	// Sort each list (insertion sort: lists are short) and compact them
	// without duplicates.
	w := 0
	for i := range n {
		s := flat[c.deg[i]:c.deg[i+1]]
		for a := 1; a < len(s); a++ {
			for b := a; b > 0 && s[b] < s[b-1]; b-- {
				s[b], s[b-1] = s[b-1], s[b]
			}
		}
		c.soff = append(c.soff, int32(start+w))
		for k, v := range s {
			if k > 0 && v == s[k-1] {
				continue
			}
			flat[w] = v
			w++
		}
	}
	c.sflat = c.sflat[:start+w]
}
