package dsl

import (
	"fmt"
	"strings"
)

// NodeKind says what a node of an architecture graph is.
type NodeKind int

// The node kinds.
const (
	InputNode  NodeKind = iota // the network's input, after the stem
	PrimNode                   // a primitive applied to its inputs
	SumNode                    // the sum of two or more tensors (a topology node)
	CoarseNode                 // an unexpanded topology call (hierarchy levels only)
)

// GNode is one tensor of an architecture graph: the input, a primitive
// applied to the nodes In, or the sum of the nodes In.
type GNode struct {
	Kind NodeKind
	Prim *Terminal // PrimNode: the primitive
	Call *Call     // PrimNode and CoarseNode: the call it comes from
	In   []int     // indexes of the nodes it reads, all smaller than its own
	// ZeroIn marks, for a binary primitive, the inputs that were pruned
	// (zero): the runtime feeds zeros there.
	ZeroIn []bool
	Shape  Shape // output shape (channels, height, width)
	Params int64 // learned parameters of this node
	FLOPs  int64 // forward floating-point operations for one example

	scope int32 // the innermost topology call the node belongs to (-1: none)
}

// scope is one topology call of a flattened architecture.
type scope struct {
	parent int32 // enclosing call, -1 for the root call
	depth  int32 // 0 for the root call
	call   *Call
}

// Label is the node's label in kernel graphs: the primitive's name, or for
// an unexpanded topology call its nonterminal and topology, "D1 Linear3".
func (n *GNode) Label() string {
	switch n.Kind {
	case InputNode:
		return "input"
	case SumNode:
		return "sum"
	case CoarseNode:
		if n.Call.Rule != nil {
			return n.Call.Rule.Name + " " + n.Call.Terminal.Name
		}
		return n.Call.Terminal.Name
	}
	return n.Prim.Name
}

// Graph is an architecture flattened into one DAG (paper-spec §1.4):
// topology calls are replaced by their wiring, zero primitives and the
// nodes that only they feed are pruned, and so are nodes that do not reach
// the output. Nodes are in topological order; Nodes[0] is the input and
// the last node the output. Shapes, parameters and FLOPs are inferred from
// the input shape after the stem.
type Graph struct {
	Nodes []GNode
	// Params and FLOPs are the whole network's, stem and head included:
	// what the generated program allocates and computes per example.
	Params, FLOPs int64
	// Depth is the largest number of primitives other than identity on a
	// path from the input to the output.
	Depth int
	// Calls counts the topology calls of the architecture by name.
	Calls map[string]int

	scopes []scope
}

// Out is the index of the output node.
func (g *Graph) Out() int { return len(g.Nodes) - 1 }

// Count is the number of occurrences of the primitive or topology name.
func (g *Graph) Count(name string) int {
	n := g.Calls[name]
	for i := range g.Nodes {
		if nd := &g.Nodes[i]; nd.Kind == PrimNode && nd.Prim.Name == name {
			n++
		}
	}
	return n
}

// dead is the node index of a pruned (zero) tensor.
const dead = -1

// graphBuilder flattens calls. Calls nested deeper than expand (when
// expand >= 0) become coarse nodes.
type graphBuilder struct {
	g      *Grammar
	nodes  []GNode
	expand int
	coarse bool           // a coarse node was made
	calls  map[string]int // topology calls that reach the output, by name
	scopes []scope
	cur    int32 // current scope
	arena  []int
}

// Graph flattens the derivation into its architecture graph.
func (g *Grammar) Graph(d *Derivation) (*Graph, error) {
	return g.graphOf(d.Call(), -1)
}

func (g *Grammar) graphOf(c *Call, expand int) (*Graph, error) {
	b := &graphBuilder{g: g, expand: expand, cur: -1}
	in := g.Input
	var stemP, stemF int64
	for _, op := range g.Stem {
		p, f, out := opCost(op, in, g.Classes)
		stemP, stemF, in = stemP+p, stemF+f, out
	}
	b.nodes = append(b.nodes, GNode{Kind: InputNode, Shape: in, scope: -1})
	out := b.apply(c, 0, 0)
	if out == dead {
		return nil, fmt.Errorf("architecture %s is all zero: nothing reaches the output", c)
	}
	gr := b.prune(out)
	gr.Calls, gr.scopes = b.calls, b.scopes
	gr.Params, gr.FLOPs = stemP, stemF
	for i := range gr.Nodes {
		gr.Params += gr.Nodes[i].Params
		gr.FLOPs += gr.Nodes[i].FLOPs
	}
	s := gr.Nodes[gr.Out()].Shape
	for _, op := range g.Head {
		p, f, o := opCost(op, s, g.Classes)
		gr.Params, gr.FLOPs, s = gr.Params+p, gr.FLOPs+f, o
	}
	gr.Depth = gr.depth()
	return gr, nil
}

func (b *graphBuilder) add(n GNode) int {
	n.scope = b.cur
	b.nodes = append(b.nodes, n)
	return len(b.nodes) - 1
}

// apply applies call c to node in at topology nesting depth level; it
// returns the output node, or dead.
func (b *graphBuilder) apply(c *Call, in int, level int) int {
	if in == dead {
		return dead
	}
	t := c.Terminal
	if t.Kind != Topology {
		one := b.ints(1)
		one[0] = in
		return b.prim(c, one)
	}
	if b.expand >= 0 && level > b.expand {
		b.coarse = true
		return b.add(GNode{Kind: CoarseNode, Call: c, In: []int{in}, Shape: b.callShape(c, b.nodes[in].Shape)})
	}
	outer := b.cur
	b.scopes = append(b.scopes, scope{parent: outer, depth: int32(level), call: c})
	b.cur = int32(len(b.scopes) - 1)
	out := b.body(c, in, level)
	b.cur = outer
	if out != dead {
		if b.calls == nil {
			b.calls = map[string]int{}
		}
		b.calls[t.Name]++
	}
	return out
}

// body wires the nodes of topology call c on input node in.
func (b *graphBuilder) body(c *Call, in int, level int) int {
	t := c.Terminal
	p := t.Topo.Program()
	run := t.Topo.planOf(c)
	apps := b.ints(len(p.Apps))
	nodes := b.ints(len(p.Nodes))
	val := func(v int) int { return refValue(v, in, apps, nodes) }
	next := 0
	for i, vals := range p.Nodes {
		for ; next < p.NodeEnd[i]; next++ {
			apps[next] = dead
			if !run[next] {
				continue
			}
			a := p.Apps[next]
			if len(a.In) == 1 {
				apps[next] = b.apply(c.Args[a.Slot], val(a.In[0]), level+1)
				continue
			}
			ins := b.ints(len(a.In))
			for k, v := range a.In {
				ins[k] = val(v)
			}
			apps[next] = b.prim(c.Args[a.Slot], ins)
		}
		live := b.ints(len(vals))[:0]
		for _, v := range vals {
			if x := val(v); x != dead {
				live = append(live, x)
			}
		}
		switch len(live) {
		case 0:
			nodes[i] = dead
		case 1:
			nodes[i] = live[0]
		default:
			nodes[i] = b.add(GNode{Kind: SumNode, In: live, Shape: b.nodes[live[0]].Shape})
		}
	}
	return nodes[len(nodes)-1]
}

// prim applies a primitive to its inputs (two for a binary primitive).
func (b *graphBuilder) prim(c *Call, ins []int) int {
	t := c.Terminal
	if t.Zero() {
		return dead
	}
	n := GNode{Kind: PrimNode, Prim: t, Call: c}
	allDead := true
	for _, i := range ins {
		if i != dead {
			allDead = false
		}
	}
	if allDead {
		return dead
	}
	var shape Shape
	for k, i := range ins {
		if i == dead {
			if n.ZeroIn == nil {
				n.ZeroIn = make([]bool, len(ins))
			}
			n.ZeroIn[k] = true
			continue
		}
		shape = b.nodes[i].Shape
	}
	n.In = b.ints(len(ins))[:0]
	for _, i := range ins {
		if i != dead {
			n.In = append(n.In, i)
		}
	}
	cost := t.cost(shape, b.g.Classes)
	n.Params, n.FLOPs, n.Shape = cost.params, cost.flops, cost.out
	return b.add(n)
}

// ints takes n ints from the builder's arena (node input lists).
func (b *graphBuilder) ints(n int) []int {
	if len(b.arena) < n {
		b.arena = make([]int, max(256, n))
	}
	s := b.arena[:n:n]
	b.arena = b.arena[n:]
	return s
}

// callShape is the output shape of a call on an input shape, following
// every primitive of the call.
func (b *graphBuilder) callShape(c *Call, in Shape) Shape {
	sub := &graphBuilder{g: b.g, expand: -1, nodes: []GNode{{Kind: InputNode, Shape: in}}}
	if out := sub.apply(c, 0, 0); out != dead {
		return sub.nodes[out].Shape
	}
	return in
}

// prune keeps the nodes that reach out, renumbered in order.
func (b *graphBuilder) prune(out int) *Graph {
	keep := make([]bool, len(b.nodes))
	keep[out] = true
	for i := out; i >= 0; i-- {
		if !keep[i] {
			continue
		}
		for _, j := range b.nodes[i].In {
			keep[j] = true
		}
	}
	keep[0] = true
	all := true
	for i := 0; i <= out; i++ {
		all = all && keep[i]
	}
	if all {
		// The plans already left out what does not reach the output.
		return &Graph{Nodes: b.nodes[:out+1]}
	}
	index := make([]int, len(b.nodes))
	g := &Graph{Nodes: make([]GNode, 0, out+1)}
	for i := 0; i <= out; i++ {
		if !keep[i] {
			continue
		}
		n := b.nodes[i]
		if len(n.In) > 0 {
			in := make([]int, len(n.In))
			for k, j := range n.In {
				in[k] = index[j]
			}
			n.In = in
		}
		index[i] = len(g.Nodes)
		g.Nodes = append(g.Nodes, n)
	}
	return g
}

func (g *Graph) depth() int {
	d := make([]int, len(g.Nodes))
	for i := range g.Nodes {
		n := &g.Nodes[i]
		m := 0
		for _, j := range n.In {
			m = max(m, d[j])
		}
		if n.Kind == PrimNode && !n.Prim.identity() || n.Kind == CoarseNode {
			m++
		}
		d[i] = m
	}
	return d[len(d)-1]
}

// identity reports whether the primitive is the identity function.
func (t *Terminal) identity() bool {
	for _, op := range t.Ops {
		if op.Name != "identity" {
			return false
		}
	}
	return t.Kind == Primitive
}

// opCost is what one operation costs on an input shape: learned
// parameters, forward FLOPs per example (a multiply-add is 2), and its
// output shape. The parameter counts are those runtime/nn allocates.
func opCost(o *Op, in Shape, classes int) (params, flops int64, out Shape) {
	out = o.OutShape(in, classes)
	ci, co := int64(in.C), int64(out.C)
	hw := int64(out.H) * int64(out.W)
	elems := co * hw
	k := int64(o.Arg("k"))
	switch o.Name {
	case "conv":
		params = k * k * ci * co
		flops = 2 * params * hw
	case "dwconv":
		params = k * k * ci
		flops = 2 * params * hw
	case "resblock":
		params = 9*ci*co + 2*co + 9*co*co + 2*co
		flops = 2 * (9*ci*co + 9*co*co) * hw
		if o.Arg("stride") != 1 || ci != co {
			params += ci * co
			flops += 2*ci*co*hw + int64(in.C)*int64(in.H)*int64(in.W)
		}
		flops += 8 * elems
	case "batchnorm", "instancenorm":
		params = 2 * ci
		flops = 4 * elems
	case "layernorm":
		params = 2 * ci * int64(in.H) * int64(in.W)
		flops = 4 * elems
	case "linear":
		nin := ci * int64(in.H) * int64(in.W)
		params = nin*co + co
		flops = 2*nin*co + co
	case "scale", "shift", "constant", "wavg":
		params = 1
		flops = elems
	case "avgpool", "maxpool":
		flops = k * k * elems
	case "globalavgpool":
		flops = ci * int64(in.H) * int64(in.W)
	case "identity", "zero":
	default:
		flops = elems
	}
	return params, flops, out
}

// LabelGraph is a node-labelled directed graph, the form the search's
// graph kernels read: Succ[i] lists the successors of node i.
type LabelGraph struct {
	Labels []string
	Succ   [][]int
	// ID is a 128-bit hash of the labels and successor lists (16 bytes),
	// set by KernelGraphs: equal graphs have equal IDs, and different
	// graphs different IDs but with a chance of about 2^-128 per pair.
	ID string
}

// KernelGraphs returns the graphs the hierarchical WL kernel compares
// (paper-spec §4.3): first the full node-labelled graph G, in which every
// primitive occurrence is a node labelled by its name, identity and sums
// are contracted, and the nodes "input" and "output" are added; then one
// graph per hierarchy level l = 0, 1, ...: the calls nested deeper than l
// topologies are single nodes labelled by their nonterminal and topology
// ("D1 Linear3"). The deepest level, equal to G, is left out.
func (g *Grammar) KernelGraphs(d *Derivation) ([]LabelGraph, error) {
	ks := kscratches.Get().(*kscratch)
	defer kscratches.Put(ks)
	if _, err := g.contractAll(ks, d, 0, 0); err != nil {
		return nil, err
	}
	return ks.c.labelGraphs(), nil
}

// DOT renders the architecture graph in Graphviz's language: one box per
// primitive with its output shape, a circle per sum.
func (gr *Graph) DOT(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph architecture {\n\tlabel=%q;\n\tlabelloc=t;\n\trankdir=TB;\n\tnode [fontname=\"Helvetica\", fontsize=11];\n", title)
	for i := range gr.Nodes {
		n := &gr.Nodes[i]
		shape := fmt.Sprintf("%dx%dx%d", n.Shape.C, n.Shape.H, n.Shape.W)
		switch n.Kind {
		case InputNode:
			fmt.Fprintf(&b, "\tn%d [shape=oval, label=\"input\\n%s\"];\n", i, shape)
		case SumNode:
			fmt.Fprintf(&b, "\tn%d [shape=circle, label=\"+\"];\n", i)
		default:
			extra := ""
			if n.Params > 0 {
				extra = fmt.Sprintf("\\n%s params", groupDigits(fmt.Sprint(n.Params)))
			}
			fmt.Fprintf(&b, "\tn%d [shape=box, style=rounded, label=\"%s\\n%s%s\"];\n", i, n.Label(), shape, extra)
		}
	}
	for i := range gr.Nodes {
		for _, j := range gr.Nodes[i].In {
			fmt.Fprintf(&b, "\tn%d -> n%d;\n", j, i)
		}
	}
	out := gr.Out()
	fmt.Fprintf(&b, "\tout [shape=oval, label=\"output\"];\n\tn%d -> out;\n}\n", out)
	return b.String()
}
