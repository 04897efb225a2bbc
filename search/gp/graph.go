package gp

import (
	"errors"
	"fmt"
	"math"
)

// Graph is a node-labelled directed graph: node i has label Labels[i] and
// edges to the nodes Succ[i] (its successors). Succ may be shorter than
// Labels (missing entries mean no successors); repeated successors count
// as parallel edges. CompactGraph makes a graph in a compact form instead,
// whose Labels and Succ are nil.
type Graph struct {
	Labels []string
	Succ   [][]int
	// ID, when not empty, names the graph's content: graphs with equal
	// IDs must have equal labels and successor lists, and graphs that
	// differ, different IDs. The model then finds the graphs it has seen
	// by their ID instead of reading them.
	ID string

	// The compact form (names not nil): node i's label is
	// names[codes[i]], its successors adj[off[i]:off[i+1]].
	names []string
	codes []int32
	off   []int32
	adj   []int
}

// CompactGraph returns the graph whose node i is labelled
// names[labels[i]] and has the successors adj[off[i]:off[i+1]] (off has
// one entry more than labels), with the given ID (see Graph.ID). Its
// arrays hold no pointers, which spares the garbage collector, and graphs
// that share one names slice (all the kernel graphs of one grammar) are
// compared label by label as integers. The model reads the slices and
// does not modify them; a malformed graph is reported when it is used, as
// for Graph.
func CompactGraph(names []string, labels []int32, off []int32, adj []int, id string) Graph {
	if names == nil {
		names = []string{}
	}
	return Graph{ID: id, names: names, codes: labels, off: off, adj: adj}
}

// size is the number of nodes.
func (g *Graph) size() int {
	if g.names != nil {
		return len(g.codes)
	}
	return len(g.Labels)
}

// label returns node i's label.
func (g *Graph) label(i int) string {
	if g.names != nil {
		return g.names[g.codes[i]]
	}
	return g.Labels[i]
}

// sameLabel reports whether node i of g and node j of h have one label:
// compact graphs whose names are one array (or prefixes of one) compare
// codes.
func (g *Graph) sameLabel(i int, h *Graph, j int) bool {
	if len(g.names) > 0 && len(h.names) > 0 && &g.names[0] == &h.names[0] {
		return g.codes[i] == h.codes[j]
	}
	return g.label(i) == h.label(j)
}

// Arch is what the models know of an architecture: its kernel graphs.
// Graphs[0] is the full graph G and Graphs[1+k] the graph of hierarchy
// level k (L0, L1, ...). An architecture with fewer levels than a kernel
// uses its deepest available graph (the last one) for the missing ones.
type Arch struct {
	Graphs []Graph

	// base is an architecture close to this one whose kernel values the
	// model may have cached (the parent of a child of the acquisition
	// optimiser): the WL slots then compute this one's from the
	// difference of their label counts.
	base *Arch
	// checked says that Maximize found the graphs valid just before
	// handing the architecture to the acquisition, which then need not
	// check them again (Predict).
	checked bool
}

// ErrNoData is returned when a model is fitted or queried without
// observations.
var ErrNoData = errors.New("gp: no observations")

// ErrNotFitted is returned by predictions on a model that has observations
// not yet fitted.
var ErrNotFitted = errors.New("gp: model not fitted")

// LogLoss is the BOHNAS objective for a validation error in [0, 1]:
// log(valError + 1e-8), to be minimised. A negative error counts as 0.
func LogLoss(valError float64) float64 {
	return math.Log(max(valError, 0) + 1e-8)
}

// graph returns the graph an architecture uses for kernel slot i (0 = G,
// 1+k = level k), falling back to its deepest graph.
func (a *Arch) graph(i int) *Graph {
	if i >= len(a.Graphs) {
		i = len(a.Graphs) - 1
	}
	return &a.Graphs[i]
}

// validate reports malformed architectures: no graphs or edges to
// nonexistent nodes.
func (a *Arch) validate() error { return a.validateSeen(nil) }

// maxSeen bounds the IDs a validity cache keeps; it is emptied when full.
const maxSeen = 1 << 16

// validateSeen is validate skipping the graphs whose ID is in seen (graphs
// with equal IDs have equal contents, so one found valid stays valid),
// and adding the IDs of the graphs it finds valid; seen may be nil.
func (a *Arch) validateSeen(seen map[string]struct{}) error {
	if len(a.Graphs) == 0 {
		return errors.New("gp: architecture has no graphs")
	}
	for gi := range a.Graphs {
		g := &a.Graphs[gi]
		if seen != nil && g.ID != "" {
			if _, ok := seen[g.ID]; ok {
				continue
			}
		}
		if err := g.validate(gi); err != nil {
			return err
		}
		if seen != nil && g.ID != "" {
			if len(seen) >= maxSeen {
				clear(seen)
			}
			seen[g.ID] = struct{}{}
		}
	}
	return nil
}

// validate reports edges to nonexistent nodes of graph gi.
func (g *Graph) validate(gi int) error {
	if g.names != nil {
		return g.validateCompact(gi)
	}
	if len(g.Succ) > len(g.Labels) {
		return fmt.Errorf("gp: graph %d: %d successor lists for %d nodes", gi, len(g.Succ), len(g.Labels))
	}
	n := uint(len(g.Labels))
	for i, ss := range g.Succ {
		for _, s := range ss {
			if uint(s) >= n {
				return fmt.Errorf("gp: graph %d: edge %d->%d out of range (%d nodes)", gi, i, s, len(g.Labels))
			}
		}
	}
	return nil
}

// validateCompact is validate for the compact form.
func (g *Graph) validateCompact(gi int) error {
	n := len(g.codes)
	if len(g.off) != n+1 || g.off[0] != 0 || int(g.off[n]) != len(g.adj) {
		return fmt.Errorf("gp: graph %d: %d successor offsets for %d nodes and %d edges", gi, len(g.off), n, len(g.adj))
	}
	for i, c := range g.codes {
		if uint(c) >= uint(len(g.names)) {
			return fmt.Errorf("gp: graph %d: node %d has label %d of %d", gi, i, c, len(g.names))
		}
		if g.off[i] > g.off[i+1] {
			return fmt.Errorf("gp: graph %d: successor offsets decrease at node %d", gi, i)
		}
	}
	for i := range n {
		for _, s := range g.adj[g.off[i]:g.off[i+1]] {
			if uint(s) >= uint(n) {
				return fmt.Errorf("gp: graph %d: edge %d->%d out of range (%d nodes)", gi, i, s, n)
			}
		}
	}
	return nil
}

func (g *Graph) succ(i int) []int {
	if g.names != nil {
		return g.adj[g.off[i]:g.off[i+1]]
	}
	if i < len(g.Succ) {
		return g.Succ[i]
	}
	return nil
}
