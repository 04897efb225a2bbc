package gp

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// randGraph returns a random DAG with n nodes, labels drawn from the
// first nl letters with the given weights (uniform if nil), and each node
// linked to 1..3 later nodes.
func randGraph(r *rand.Rand, n, nl int, weights []float64) Graph {
	g := Graph{Labels: make([]string, n), Succ: make([][]int, n)}
	for i := range n {
		g.Labels[i] = label(r, nl, weights)
		if i == n-1 {
			continue
		}
		for range 1 + r.IntN(3) {
			g.Succ[i] = append(g.Succ[i], i+1+r.IntN(min(n-i-1, 8)))
		}
	}
	return g
}

func label(r *rand.Rand, nl int, weights []float64) string {
	if weights == nil {
		return "op" + strconv.Itoa(r.IntN(nl))
	}
	u := r.Float64()
	for i, w := range weights {
		if u < w {
			return "op" + strconv.Itoa(i)
		}
		u -= w
	}
	return "op" + strconv.Itoa(len(weights)-1)
}

// randArch returns an architecture whose graph k has about sizes[k] nodes.
func randArch(r *rand.Rand, sizes []int, nl int) Arch {
	var a Arch
	for _, s := range sizes {
		n := s/2 + r.IntN(s)
		a.Graphs = append(a.Graphs, randGraph(r, n, nl, nil))
	}
	return a
}

// cand is a toy candidate for the optimiser tests: a sequence of label
// indices, whose kernel graph is a path.
type cand []int

func (c cand) key() string { return fmt.Sprint([]int(c)) }

func (c cand) arch() Arch {
	g := Graph{}
	for i, x := range c {
		g.Labels = append(g.Labels, "op"+strconv.Itoa(x))
		if i+1 < len(c) {
			g.Succ = append(g.Succ, []int{i + 1})
		}
	}
	return Arch{Graphs: []Graph{g}}
}

// candOps are the operators on sequences of length n over nl labels.
func candOps(n, nl int) Ops[cand] {
	return Ops[cand]{
		Sample: func(r *rand.Rand) (cand, error) {
			c := make(cand, n)
			for i := range c {
				c[i] = r.IntN(nl)
			}
			return c, nil
		},
		Mutate: func(r *rand.Rand, x cand) (cand, error) {
			c := append(cand(nil), x...)
			c[r.IntN(n)] = r.IntN(nl)
			return c, nil
		},
		Crossover: func(r *rand.Rand, a, b cand) (cand, cand, error) {
			i := r.IntN(n)
			c1 := append(append(cand(nil), a[:i]...), b[i:]...)
			c2 := append(append(cand(nil), b[:i]...), a[i:]...)
			return c1, c2, nil
		},
		Key:      func(x cand) string { return x.key() },
		Features: func(x cand) (Arch, error) { return x.arch(), nil },
	}
}

// f is the toy objective: lower when label 0 is frequent.
func (c cand) f() float64 {
	t := 0.0
	for _, x := range c {
		if x == 0 {
			t++
		}
	}
	return -t / float64(len(c))
}
