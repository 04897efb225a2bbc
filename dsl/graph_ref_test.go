package dsl

import "sort"

// The kernel graphs made by flattening a derivation into its Graph and
// contracting that: the reference dsl/kgraph.go's direct builder is tested
// against (memo_test.go, property_test.go).

// kernelGraphsViaGraph is KernelGraphs made by flattening d into its
// Graph and contracting it: the reference the direct builder is tested
// against.
func (g *Grammar) kernelGraphsViaGraph(d *Derivation) ([]LabelGraph, error) {
	full, err := g.Graph(d)
	if err != nil {
		return nil, err
	}
	out := []LabelGraph{full.labelGraph()}
	deepest := int32(-1)
	for i := range full.Nodes {
		if sc := full.Nodes[i].scope; sc >= 0 {
			deepest = max(deepest, full.scopes[sc].depth)
		}
	}
	for level := int32(0); level < deepest; level++ {
		out = append(out, full.levelGraph(level))
	}
	return out, nil
}

// levelGraph contracts every topology call nested deeper than level into
// one node labelled by its nonterminal and topology: a call is a
// single-entry single-exit part of the graph, so this is the graph of the
// architecture with those calls left unexpanded.
func (gr *Graph) levelGraph(level int32) LabelGraph {
	// group[i]: the call node i is contracted into, or -1.
	group := make([]int32, len(gr.Nodes))
	for i := range gr.Nodes {
		group[i] = -1
		sc := gr.Nodes[i].scope
		if sc < 0 || gr.scopes[sc].depth <= level {
			continue
		}
		for gr.scopes[sc].depth > level+1 {
			sc = gr.scopes[sc].parent
		}
		group[i] = sc
	}
	return gr.contract(group)
}

// labelGraph contracts the sums and identities of the graph and adds the
// input and output nodes.
func (gr *Graph) labelGraph() LabelGraph { return gr.contract(nil) }

// contract builds the kernel graph: nodes in one group (a call) become one
// node labelled by the call; sums and identities outside groups are
// contracted (their inputs wired to their consumers); the input and output
// nodes are added.
func (gr *Graph) contract(group []int32) LabelGraph {
	// kid: the kernel node of each graph node, or -1 when contracted.
	kid := make([]int, len(gr.Nodes))
	lg := LabelGraph{Labels: make([]string, 1, len(gr.Nodes)+1)}
	lg.Labels[0] = "input"
	var groupKid []int
	if group != nil {
		groupKid = make([]int, len(gr.scopes))
		for i := range groupKid {
			groupKid[i] = -1
		}
	}
	for i := 1; i < len(gr.Nodes); i++ {
		n := &gr.Nodes[i]
		if group != nil && group[i] >= 0 {
			k := groupKid[group[i]]
			if k < 0 {
				k = len(lg.Labels)
				groupKid[group[i]] = k
				c := gr.scopes[group[i]].call
				label := c.Terminal.Name
				if c.Rule != nil {
					label = c.Rule.Name + " " + label
				}
				lg.Labels = append(lg.Labels, label)
			}
			kid[i] = k
			continue
		}
		if n.Kind == SumNode || n.Kind == PrimNode && n.Prim.identity() {
			kid[i] = -1
			continue
		}
		kid[i] = len(lg.Labels)
		lg.Labels = append(lg.Labels, n.Label())
	}
	outK := len(lg.Labels)
	lg.Labels = append(lg.Labels, "output")
	lg.Succ = make([][]int, len(lg.Labels))
	// link adds edges from the kernel nodes whose output reaches node j
	// through contracted nodes only, to kernel node to.
	var link func(j, to int)
	link = func(j, to int) {
		if k := kid[j]; k >= 0 || j == 0 {
			if j == 0 {
				k = 0
			}
			if k != to {
				lg.Succ[k] = append(lg.Succ[k], to)
			}
			return
		}
		for _, i := range gr.Nodes[j].In {
			link(i, to)
		}
	}
	for i := 1; i < len(gr.Nodes); i++ {
		if kid[i] < 0 {
			continue
		}
		for _, j := range gr.Nodes[i].In {
			link(j, kid[i])
		}
	}
	link(len(gr.Nodes)-1, outK)
	for i, s := range lg.Succ {
		if len(s) > 1 {
			sort.Ints(s)
			lg.Succ[i] = dedupInts(s)
		}
	}
	return lg
}

func dedupInts(s []int) []int {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}
