package gp_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/nasgc/nasgc/search/gp"
)

// chain is a toy candidate: a sequence of operations, whose kernel graph
// is a path input -> ops... -> output.
type chain []string

func (c chain) arch() gp.Arch {
	g := gp.Graph{Labels: append(append([]string{"input"}, c...), "output")}
	for i := range len(g.Labels) - 1 {
		g.Succ = append(g.Succ, []int{i + 1})
	}
	return gp.Arch{Graphs: []gp.Graph{g}}
}

var ops = []string{"conv3x3", "conv1x1", "avgpool", "skip"}

// loss is the toy objective: the more 3x3 convolutions the better.
func (c chain) loss() float64 {
	return gp.LogLoss(1 - float64(strings.Count(strings.Join(c, " "), "conv3x3"))/float64(len(c)+1))
}

func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	cops := gp.Ops[chain]{
		Sample: func(r *rand.Rand) (chain, error) {
			c := make(chain, 4)
			for i := range c {
				c[i] = ops[r.IntN(len(ops))]
			}
			return c, nil
		},
		Mutate: func(r *rand.Rand, x chain) (chain, error) {
			c := append(chain(nil), x...)
			c[r.IntN(len(c))] = ops[r.IntN(len(ops))]
			return c, nil
		},
		Crossover: func(r *rand.Rand, a, b chain) (chain, chain, error) {
			i := r.IntN(len(a))
			return append(append(chain(nil), a[:i]...), b[i:]...), append(append(chain(nil), b[:i]...), a[i:]...), nil
		},
		Key:      func(x chain) string { return strings.Join(x, " ") },
		Features: func(x chain) (gp.Arch, error) { return x.arch(), nil },
	}

	// Ten random evaluations.
	m, _ := gp.New(gp.Config{Kernel: gp.WL})
	evaluated := map[string]bool{}
	var history []gp.Observed[chain]
	for len(history) < 10 {
		c, _ := cops.Sample(r)
		if evaluated[cops.Key(c)] {
			continue
		}
		evaluated[cops.Key(c)] = true
		history = append(history, gp.Observed[chain]{X: c, Loss: c.loss()})
		m.Add(c.arch(), c.loss())
	}

	// One BO step: fit, then maximise EI over new candidates.
	if err := m.Fit(); err != nil {
		fmt.Println(err)
		return
	}
	res, err := gp.Maximize(context.Background(), r, cops, m.EI, gp.Best(history, 10), evaluated, gp.EvolutionConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("observations:", m.Len())
	fmt.Println("new:", !evaluated[res.Key])
	fmt.Println("improves on the best:", res.X.loss() <= m.Incumbent())
	// Output:
	// observations: 10
	// new: true
	// improves on the best: true
}

func ExampleCompactGraph() {
	// input -> conv -> pool -> output, and input -> pool.
	names := []string{"input", "conv", "pool", "output"}
	compact := gp.CompactGraph(names, []int32{0, 1, 2, 3}, []int32{0, 2, 3, 4, 4}, []int{1, 2, 2, 3}, "")
	plain := gp.Graph{Labels: names, Succ: [][]int{{1, 2}, {2}, {3}}}
	other := gp.Graph{Labels: []string{"input", "pool", "output"}, Succ: [][]int{{1}, {2}}}

	m, _ := gp.New(gp.Config{Kernel: gp.WL})
	_ = m.Add(gp.Arch{Graphs: []gp.Graph{plain}}, -1)
	_ = m.Add(gp.Arch{Graphs: []gp.Graph{other}}, -2)
	_ = m.Fit()
	mu, _, err := m.Predict([]gp.Arch{{Graphs: []gp.Graph{compact}}, {Graphs: []gp.Graph{plain}}})
	fmt.Println(err, mu[0] == mu[1])
	// Output: <nil> true
}
