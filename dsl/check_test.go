package dsl

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// header is a valid preamble for check tests; line numbers in expectations
// below count from its first line.
const header = `space t
input image(1, 8, 8)
output classes(3)
stem = conv(3, out: 4) >> batchnorm
head = globalavgpool >> linear
primitive conv = conv(3) >> relu
primitive id = identity
topology Seq(a, b) { out = b(a(in)) }
topology Res(a, b) { out = a(in) + b(in) }
`

func TestCheckSpacesInTestdata(t *testing.T) {
	files, _ := filepath.Glob("../testdata/spaces/*.nasg")
	if len(files) == 0 {
		t.Fatal("no spaces in testdata/spaces")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		g, ds := ParseAndCheck(f, src)
		if ds.HasErrors() || g == nil {
			t.Errorf("%s:\n%v", f, ds)
		}
	}
}

func TestCheckDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // every diagnostic, in order
	}{
		{"ok", header + "S -> Seq(S, S) | Res(conv, id) | conv\n", nil},
		{"undefined nonterminal", header + "S -> Seq(T, conv) | conv\n",
			[]string{"t.nasg:10:10: undefined name T; define it with a rule (`T -> ...`), a primitive or a topology"}},
		{"typo suggests", header + "S -> Seq(cnv, conv)\n",
			[]string{"t.nasg:10:10: undefined name cnv; did you mean conv?"}},
		{"arity", header + "S -> Seq(conv, conv, conv) | conv\n",
			[]string{"t.nasg:10:6: topology Seq takes 2 argument(s), got 3; Seq is declared with slots (a, b)"}},
		{"primitive with args", header + "S -> conv(S) | id\n",
			[]string{"t.nasg:10:6: primitive conv takes no arguments; write conv without arguments"}},
		{"unused primitive and rule", header + "primitive extra = relu\nS -> Seq(conv, id) | Res(conv, id)\nT -> conv\n",
			[]string{
				"t.nasg:10:11: warning: primitive extra is never used; use it in a rule or delete it",
				"t.nasg:12:1: warning: nonterminal T is unreachable; the start symbol is S (the first rule); use T in a rule reachable from it or delete it",
			}},
		{"no termination", header + "S -> Seq(S, S)\n",
			[]string{"t.nasg:10:1: nonterminal S can never derive a finite architecture; add an alternative that ends the recursion, such as a primitive"}},
		{"unknown op", header + "primitive p = convv(3)\nS -> p\n",
			[]string{"t.nasg:10:15: unknown operation \"convv\" in primitive p; did you mean conv? (docs/language.md lists the operations)"}},
		{"unused slot", header + "topology Bad(a, b) { out = a(in) }\nS -> Bad(conv, id)\n",
			[]string{"t.nasg:10:17: slot b of topology Bad is never used; use b in the body or remove it"}},
		{"undefined node", header + "topology Bad(a) { out = a(n1) }\nS -> Bad(conv)\n",
			[]string{"t.nasg:10:27: undefined node n1 in topology Bad; use in or a node assigned above"}},
		{"duplicate name", header + "primitive conv = relu\nS -> conv\n",
			[]string{"t.nasg:10:11: primitive conv is already declared; rename one of them (the first is at 6:11); primitives, topologies and nonterminals share one namespace"}},
		{"bad setting", header + "S -> conv\ntrain { epochs 1; batchsize 3 }\n",
			[]string{"t.nasg:11:19: unknown train setting batchsize; train settings: dataset, epochs, steps, batch, subset, validation, test, optimizer, schedule, objective, augment"}},
		{"max depth too small", header + "S -> Seq(S, T) | T\nT -> Seq(T, T) | conv\nsearch { max_depth 1 }\n",
			[]string{"t.nasg:10:1: start symbol S needs a depth of 2, but max_depth is 1; set max_depth 2 or more in the search block"}},
		{"several errors at once", header + "S -> Seq(X, Y)\n",
			[]string{
				"t.nasg:10:10: undefined name X; define it with a rule (`X -> ...`), a primitive or a topology",
				"t.nasg:10:13: undefined name Y; define it with a rule (`Y -> ...`), a primitive or a topology",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := ParseAndCheck("t.nasg", []byte(tt.src))
			wantWarnings := strings.Contains(strings.Join(tt.want, "\n"), "warning:")
			var got []string
			for _, d := range ds {
				if d.Severity == Warning && !wantWarnings {
					continue
				}
				got = append(got, d.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestCheckGrammar(t *testing.T) {
	g, ds := ParseAndCheck("t.nasg", []byte(header+"S -> Seq(S, S) @3 | Res(conv, id) | conv\ntrain { epochs 2; subset 1K }\nsearch { timeout 90s; max_depth 4 }\n"))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if g.Input != (Shape{1, 8, 8}) || g.Classes != 3 {
		t.Errorf("input %v classes %d", g.Input, g.Classes)
	}
	if g.Train.Epochs != 2 || g.Train.Subset != 1000 || g.Train.LR != DefaultTrain.LR {
		t.Errorf("train %+v", g.Train)
	}
	if g.Search.Timeout.Seconds() != 90 || g.Search.MaxDepth != 4 {
		t.Errorf("search %+v", g.Search)
	}
	s := g.Start()
	if s.Name != "S" || !s.Recursive() || s.Alts[0].Weight != 3 || s.Alts[1].Weight != 1 {
		t.Errorf("start %s recursive %v weights %v %v", s.Name, s.Recursive(), s.Alts[0].Weight, s.Alts[1].Weight)
	}
	if got := g.Stem[0].Arg("out"); got != 4 {
		t.Errorf("stem conv out = %d", got)
	}
	res := g.Terminals["Res"].Topo
	if len(res.Nodes) != 1 || len(res.Nodes[0].Sum) != 2 || res.Nodes[0].Sum[1].Slot != 1 {
		t.Errorf("Res body %+v", res.Nodes)
	}
}

// TestOpsDocumented: every operation of Ops appears in the manual.
func TestOpsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/language.md")
	if err != nil {
		t.Fatal(err)
	}
	for name := range Ops {
		if !regexp.MustCompile(`\b` + name + `\b`).Match(doc) {
			t.Errorf("operation %s is not in docs/language.md", name)
		}
	}
}

// TestCheckDoesNotMutate: the syntax tree is the same before and after
// Check, on every testdata file, right or wrong.
func TestCheckDoesNotMutate(t *testing.T) {
	for _, file := range formatFiles(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := Parse(file, src)
		if f == nil {
			continue
		}
		before := dumpFile(f, true)
		Check(f, src)
		if after := dumpFile(f, true); after != before {
			t.Errorf("%s: Check changed the syntax tree", file)
		}
	}
}

// TestCheckTypedParts: the parts of the Grammar this version adds.
func TestCheckTypedParts(t *testing.T) {
	src := header + "primitive add = add\nprimitive bg = bgaussian(kind: abs)\nprimitive p = pow(0.5)\n" +
		"topology B(op, u, v) { out = op(u(in), v(in)) }\nS -> B(BIN, conv, p) | id\nBIN -> add | bg\n" +
		"constraint 2M >= params\nconstraint count(conv) >= 1\n"
	g, ds := ParseAndCheck("t.nasg", []byte(src))
	if g == nil {
		t.Fatal(ds)
	}
	if got := g.Terminals["B"].Topo.SlotInputs; len(got) != 3 || got[0] != 2 || got[1] != 1 || got[2] != 1 {
		t.Errorf("B's slot inputs %v, want [2 1 1]", got)
	}
	if g.Terminals["add"].Inputs() != 2 || g.Terminals["conv"].Inputs() != 1 || g.Terminals["B"].Inputs() != 1 {
		t.Error("tensor arities of add, conv, B")
	}
	if got := g.Terminals["bg"].Ops[0].Text["kind"]; got != "abs" {
		t.Errorf("bgaussian kind %q", got)
	}
	if got := g.Terminals["p"].Ops[0].Args["p"]; got != 0.5 {
		t.Errorf("pow p %v", got)
	}
	want := []Constraint{{Pos: Pos{16, 1}, Measure: "params", Op: "<=", Limit: 2e6}, {Pos: Pos{17, 1}, Measure: "count", Arg: "conv", Op: ">=", Limit: 1}}
	if len(g.Constraints) != 2 || g.Constraints[0] != want[0] || g.Constraints[1] != want[1] {
		t.Errorf("constraints %+v, want %+v", g.Constraints, want)
	}
}

// TestShapeEffects: the shape each kind of operation gives.
func TestShapeEffects(t *testing.T) {
	in := Shape{16, 32, 32}
	op := func(name string, args map[string]float64) *Op {
		return &Op{Name: name, Spec: Ops[name], Args: args}
	}
	tests := []struct {
		op   *Op
		want Shape
	}{
		{op("conv", map[string]float64{"k": 3, "out": 32, "stride": 2}), Shape{32, 16, 16}},
		{op("conv", map[string]float64{"k": 1, "stride": 1}), in},
		{op("avgpool", map[string]float64{"k": 3, "stride": 3}), Shape{16, 11, 11}},
		{op("resblock", map[string]float64{"stride": 2}), Shape{32, 16, 16}},
		{op("resblock", map[string]float64{"stride": 2, "out": 24}), Shape{24, 16, 16}},
		{op("globalavgpool", nil), Shape{16, 1, 1}},
		{op("linear", map[string]float64{}), Shape{10, 1, 1}},
		{op("mish", nil), in},
		{op("add", nil), in},
	}
	for _, tt := range tests {
		if got := tt.op.OutShape(in, 10); got != tt.want {
			t.Errorf("%s%v: %v, want %v", tt.op.Name, tt.op.Args, got, tt.want)
		}
	}
}
