package codegen_test

import (
	"fmt"
	"strings"

	"github.com/nasgc/nasgc/codegen"
	"github.com/nasgc/nasgc/dsl"
)

func ExampleGenerate() {
	g, _ := dsl.ParseAndCheck("tiny.nasg", []byte(`space tiny
input  image(1, 28, 28)
output classes(10)
head = globalavgpool >> linear
primitive conv = conv(3) >> relu
primitive id   = identity
topology Residual(a, b) { out = a(in) + b(in) }
S -> Residual(S, S) | conv | id
`))
	d, _ := g.ParseTerm("Residual(conv, id)")
	pkg, err := codegen.Generate(g, d, codegen.Options{SourceDir: "/src/nasgc"})
	if err != nil {
		panic(err)
	}
	fmt.Println(pkg.Names())
	model := string(pkg.Files["model.go"])
	start := strings.Index(model, "// residual1 is")
	end := start + strings.Index(model[start:], "}\n")
	fmt.Println(model[start : end+1])
	// Output:
	// [go.mod go.sum main.go model.go]
	// // residual1 is Residual(conv, id).
	// func residual1(b *nn.B, in nn.X) nn.X {
	// 	out := b.Add(conv(b, in), id(b, in))
	// 	return out
	// }
}
