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
	model := string(pkg.Files[codegen.ModelFile])
	start := strings.Index(model, "// residual1 is")
	end := start + strings.Index(model[start:], "}\n")
	fmt.Println(model[start : end+1])
	// Output:
	// [go.mod go.sum main.go model/model.go]
	// // residual1 is Residual(conv, id).
	// func residual1(b *nn.B, in nn.X) nn.X {
	// 	out := b.Add(conv(b, in), id(b, in))
	// 	return out
	// }
}

// The generated package model is importable: besides the network it
// exports its shape, classes, and constructors for inference that another
// program calls, e.g. clf, err := model.Load("weights.bin"), then
// clf.Predict(images) (see codegen/testdata/classify for a whole program).
func ExampleGenerate_reuse() {
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
	for _, line := range strings.Split(string(pkg.Files[codegen.ModelFile]), "\n") {
		for _, decl := range []string{"package ", "const ", "var ", "func New", "func Load", "func Network"} {
			if strings.HasPrefix(line, decl) {
				fmt.Println(strings.TrimSuffix(line, " {"))
			}
		}
	}
	// Output:
	// package model
	// const Term = "Residual(conv, id)"
	// var Input = [3]int{1, 28, 28}
	// const Classes = 10
	// const Batch = 32
	// func Network(b *nn.B, x nn.X) nn.X
	// func New() (*nn.Classifier, error)
	// func Load(path string) (*nn.Classifier, error)
}
