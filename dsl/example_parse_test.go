package dsl_test

import (
	"fmt"

	"github.com/nasgc/nasgc/dsl"
)

func ExampleParse() {
	src := []byte(`space tiny
primitive conv = conv(3) >> batchnorm >> relu
topology Residual(a, b) { out = a(in) + b(in) }
S -> Residual(S, conv) @0.5 | conv
`)
	file, diags := dsl.Parse("tiny.nasg", src)
	fmt.Println("diagnostics:", len(diags))
	for _, d := range file.Decls {
		if r, ok := d.(*dsl.RuleDecl); ok {
			for _, alt := range r.Alts {
				fmt.Printf("%v %s -> %s (weight %v)\n", alt.Pos, r.Name.Name, alt.Term.Name.Name, alt.Weight)
			}
		}
	}

	_, diags = dsl.Parse("broken.nasg", []byte("S = conv | id\n"))
	fmt.Println(diags)
	// Output:
	// diagnostics: 0
	// 4:6 S -> Residual (weight 0.5)
	// 4:31 S -> conv (weight 1)
	// broken.nasg:1:3: unexpected '='; expected '->' after the rule name 'S'; a rule is written NAME -> ALT | ALT; '=' defines stem, head and primitives
}
