package dsl_test

import (
	"fmt"

	"github.com/nasgc/nasgc/dsl"
)

const toy = `space toy
input  image(1, 28, 28)
output classes(10)
head = globalavgpool >> linear
primitive conv = conv(3) >> batchnorm >> relu
primitive id   = identity
topology Sequential(a, b) { out = b(a(in)) }
topology Residual(a, b)   { out = a(in) + b(in) }
S -> Sequential(S, S) | Residual(S, S) | conv | id
search { max_depth 2 }
`

func ExampleParseAndCheck() {
	g, diags := dsl.ParseAndCheck("toy.nasg", []byte(toy))
	fmt.Println(len(diags), "diagnostics; start symbol", g.Start().Name, "recursive:", g.Start().Recursive())

	_, diags = dsl.ParseAndCheck("bad.nasg", []byte(toy+"T -> Sequential(conv)\n"))
	fmt.Println(diags)
	// Output:
	// 0 diagnostics; start symbol S recursive: true
	// bad.nasg:11:6: topology Sequential takes 2 argument(s), got 1; Sequential is declared with slots (a, b)
}

func ExampleSampler() {
	g, _ := dsl.ParseAndCheck("toy.nasg", []byte(toy))
	s := dsl.NewSampler(g, 1) // the same seed gives the same architectures
	for range 3 {
		d, _ := s.Sample()
		fmt.Println(d)
	}
	// Output:
	// Sequential(id, id)
	// Residual(id, conv)
	// Residual(conv, id)
}

func ExampleGrammar_ParseTerm() {
	g, _ := dsl.ParseAndCheck("toy.nasg", []byte(toy))
	d, err := g.ParseTerm("Residual(conv, Sequential(id, conv))")
	fmt.Println(d, err)

	_, err = g.ParseTerm("Residual(conv, pool)")
	fmt.Println(err)
	// Output:
	// Residual(conv, Sequential(id, conv)) <nil>
	// column 16: pool is not an alternative of S here (alternatives: Sequential, Residual, conv, id)
}

func ExampleFormat() {
	src := []byte("space s input image(1,8,8) output classes(3)\nhead=globalavgpool>>linear\n" +
		"primitive conv=conv(3)>>relu // a 3x3 convolution\nprimitive id=identity\n" +
		"topology Res(a,b){out=a(in)+b(in)}\nS->Res(S,id)|conv\n")
	out, ds := dsl.FormatSource("s.nasg", src)
	if ds.HasErrors() {
		fmt.Println(ds)
		return
	}
	fmt.Print(string(out))
	// Output:
	// space s
	// input  image(1, 8, 8)
	// output classes(3)
	// head = globalavgpool >> linear
	// primitive conv = conv(3) >> relu // a 3x3 convolution
	// primitive id   = identity
	// topology Res(a, b) { out = a(in) + b(in) }
	// S -> Res(S, id) | conv
}

func ExampleDerivation_Key() {
	g, _ := dsl.ParseAndCheck("toy.nasg", []byte(toy))
	a, _ := g.ParseTerm("Residual(conv, Sequential(id, conv))")
	b, _ := g.ParseTerm("Residual(conv, Sequential(id, conv))")
	c, _ := g.ParseTerm("Residual(conv, Sequential(conv, id))")
	// Equal trees have equal keys: a map of architectures in memory needs
	// no walk of the tree per lookup.
	fmt.Println(a.Key() == b.Key(), a.Key() == c.Key(), len(a.Key()))
	// Output:
	// true false 16
}

func ExampleSampler_Mutate() {
	g, _ := dsl.ParseAndCheck("toy.nasg", []byte(toy))
	s := dsl.NewSampler(g, 3)
	parent, _ := g.ParseTerm("Residual(conv, Sequential(id, conv))")
	child, err := s.Mutate(parent)
	fmt.Println(err, dsl.Equal(parent, child)) // a child always differs
	a, b, err := s.Crossover(parent, parent)   // self-crossover
	fmt.Println(err, dsl.Equal(a, parent), dsl.Equal(b, parent))
	// Output:
	// <nil> false
	// <nil> false false
}

func ExampleGrammar_KernelGraphsFrom() {
	g, _ := dsl.ParseAndCheck("toy.nasg", []byte(toy))
	parent, _ := g.ParseTerm("Sequential(Residual(conv, id), conv)")
	child, _ := g.ParseTerm("Sequential(Residual(conv, conv), conv)")
	pg, _ := g.KernelGraphsFrom(parent, nil, nil)
	cg, _ := g.KernelGraphsFrom(child, parent, pg)
	// G, then level 0: the Sequential call, its arguments as nodes (the
	// deepest level, equal to G, is left out).
	for _, kg := range cg {
		lg := kg.LabelGraph()
		fmt.Println(lg.Labels, lg.Succ)
	}
	// The child differs inside the Residual call only: level 0 is the
	// parent's graph.
	fmt.Println(&cg[1].Labels[0] == &pg[1].Labels[0])
	// Output:
	// [input conv conv conv output] [[1 2] [3] [3] [4] []]
	// [input S Residual conv output] [[1] [2] [3] []]
	// true
}
