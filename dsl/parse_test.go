package dsl

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dumper prints an AST one declaration per line, in a form close to the
// source, so that table tests can state the expected tree. With pos set,
// every node and name carries its position as @line:col.
type dumper struct {
	b   strings.Builder
	pos bool
}

func dumpFile(f *File, pos bool) string {
	d := &dumper{pos: pos}
	for _, decl := range f.Decls {
		d.decl(decl)
		d.b.WriteByte('\n')
	}
	return d.b.String()
}

func (d *dumper) p(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

func (d *dumper) at(p Pos) {
	if d.pos {
		d.p("@%d:%d", p.Line, p.Col)
	}
}

func (d *dumper) ident(id Ident) {
	d.p("%s", id.Name)
	d.at(id.Pos)
}

func (d *dumper) decl(decl Decl) {
	switch x := decl.(type) {
	case *SpaceDecl:
		d.p("space")
		d.at(x.Pos)
		d.p(" ")
		d.ident(x.Name)
	case *IODecl:
		d.p("%s", x.Kind)
		d.at(x.Pos)
		d.p(" ")
		d.call(x.Call)
	case *PipelineDecl:
		d.p("%s", x.Kind)
		d.at(x.Pos)
		d.p(" = ")
		d.ops(x.Ops)
	case *PrimitiveDecl:
		d.p("primitive")
		d.at(x.Pos)
		d.p(" ")
		d.ident(x.Name)
		d.p(" = ")
		d.ops(x.Ops)
	case *TopologyDecl:
		d.p("topology")
		d.at(x.Pos)
		d.p(" ")
		d.ident(x.Name)
		d.p("(")
		for i, id := range x.Params {
			if i > 0 {
				d.p(", ")
			}
			d.ident(id)
		}
		d.p(") {")
		for _, n := range x.Nodes {
			d.p(" ")
			d.ident(n.Name)
			if n.Pos != n.Name.Pos {
				d.p("!pos")
			}
			d.p(" =")
			for i, t := range n.Terms {
				if i > 0 {
					d.p(" +")
				}
				d.p(" ")
				d.nodeExpr(t)
			}
			d.p(";")
		}
		d.p(" }")
	case *SharedDecl:
		d.p("shared")
		d.at(x.Pos)
		for i, id := range x.Names {
			if i > 0 {
				d.p(",")
			}
			d.p(" ")
			d.ident(id)
		}
	case *ConstraintDecl:
		d.p("constraint")
		d.at(x.Pos)
		d.p(" ")
		d.cexpr(x.LHS)
		d.p(" %s ", x.Op)
		d.cexpr(x.RHS)
	case *RuleDecl:
		d.ident(x.Name)
		if x.Pos != x.Name.Pos {
			d.p("!pos")
		}
		d.p(" ->")
		for i, a := range x.Alts {
			if i > 0 {
				d.p(" |")
			}
			d.p(" ")
			d.term(a.Term)
			if a.Pos != a.Term.Pos {
				d.p("!pos")
			}
			if a.HasWeight {
				d.p(" @%v", a.Weight)
			} else if a.Weight != 1 {
				d.p(" !weight=%v", a.Weight)
			}
		}
	case *BlockDecl:
		d.p("%s", x.Kind)
		d.at(x.Pos)
		d.p(" {")
		for _, s := range x.Settings {
			d.p(" ")
			d.ident(s.Name)
			if s.Pos != s.Name.Pos {
				d.p("!pos")
			}
			d.p(" ")
			d.value(s.Value)
			d.p(";")
		}
		d.p(" }")
	default:
		d.p("?%T", decl)
	}
}

func (d *dumper) ops(ops []*OpCall) {
	for i, op := range ops {
		if i > 0 {
			d.p(" >> ")
		}
		d.call(op)
	}
}

func (d *dumper) call(c *OpCall) {
	d.ident(c.Name)
	if c.Pos != c.Name.Pos {
		d.p("!pos")
	}
	if !c.HasParens {
		if len(c.Args) > 0 {
			d.p("!args")
		}
		return
	}
	d.p("(")
	for i, a := range c.Args {
		if i > 0 {
			d.p(", ")
		}
		if a.Name.Name != "" {
			d.ident(a.Name)
			d.p(": ")
			if a.Pos != a.Name.Pos {
				d.p("!pos")
			}
		} else if a.Pos != a.Value.Pos {
			d.p("!pos")
		}
		d.value(a.Value)
	}
	d.p(")")
}

// value prints a number as num(TEXT=NUM UNIT), a string quoted, a name
// bare and a call as a call.
func (d *dumper) value(v *Value) {
	switch v.Kind {
	case NumberValue:
		d.p("num(%s=%v", v.Text, v.Num)
		if v.Unit != "" {
			d.p(" %s", v.Unit)
		}
		d.p(")")
		d.at(v.Pos)
	case IdentValue:
		d.p("%s", v.Text)
		d.at(v.Pos)
	case StringValue:
		d.p("%q", v.Text)
		d.at(v.Pos)
	case CallValue:
		if v.Call.Pos != v.Pos || v.Text != v.Call.Name.Name {
			d.p("!callvalue")
		}
		d.call(v.Call)
	}
}

func (d *dumper) nodeExpr(e *NodeExpr) {
	d.ident(e.Name)
	if e.Pos != e.Name.Pos {
		d.p("!pos")
	}
	if e.Args == nil {
		return
	}
	d.p("(")
	for i, a := range e.Args {
		if i > 0 {
			d.p(", ")
		}
		d.nodeExpr(a)
	}
	d.p(")")
}

func (d *dumper) term(t *Term) {
	d.ident(t.Name)
	if t.Pos != t.Name.Pos {
		d.p("!pos")
	}
	if !t.HasParens {
		if len(t.Args) > 0 {
			d.p("!args")
		}
		return
	}
	d.p("(")
	for i, a := range t.Args {
		if i > 0 {
			d.p(", ")
		}
		d.term(a)
	}
	d.p(")")
}

func (d *dumper) cexpr(e *CExpr) {
	if e.Value != nil {
		if e.Pos != e.Value.Pos {
			d.p("!pos")
		}
		d.value(e.Value)
		return
	}
	d.ident(e.Name)
	if e.Pos != e.Name.Pos {
		d.p("!pos")
	}
	if e.Arg != nil {
		d.p("(")
		d.ident(*e.Arg)
		d.p(")")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", ""},
		{"only comments", "// a\n/* b\n c */  // d", ""},
		{"space", "space toy", "space toy\n"},
		{"io", "input image(1, 28, 28)\noutput classes(10)",
			"input image(num(1=1), num(28=28), num(28=28))\noutput classes(num(10=10))\n"},
		{"pipelines", "stem = conv(3, out: 16) >> batchnorm\nhead = globalavgpool>>linear",
			"stem = conv(num(3=3), out: num(16=16)) >> batchnorm\nhead = globalavgpool >> linear\n"},
		{"primitive", "primitive conv = conv(3) >> batchnorm >> relu",
			"primitive conv = conv(num(3=3)) >> batchnorm >> relu\n"},
		{"empty parens", "primitive p = f()", "primitive p = f()\n"},
		{"argument kinds", `primitive p = f(relu, g(1, k: h), name: "a b", s: "q\"\\\n", x: y)`,
			`primitive p = f(relu, g(num(1=1), k: h), name: "a b", s: "q\"\\\n", x: y)` + "\n"},
		{"numbers", "train { a 3; b 0.05; c 1e-3; d 2M; e 300M; f 180s; g 1.5E+2k; h 2e; i 007; j 64k }",
			"train { a num(3=3); b num(0.05=0.05); c num(1e-3=0.001); d num(2M=2 M); e num(300M=300 M); " +
				"f num(180s=180 s); g num(1.5E+2k=150 k); h num(2e=2 e); i num(007=7); j num(64k=64 k); }\n"},
		{"settings without separators", "search {\n  strategy random\n  evaluations 6 seed 1;\n}",
			"search { strategy random; evaluations num(6=6); seed num(1=1); }\n"},
		{"call setting", "train { optimizer sgd(lr: 0.05, momentum: 0.9) }",
			"train { optimizer sgd(lr: num(0.05=0.05), momentum: num(0.9=0.9)); }\n"},
		{"empty block", "train {}", "train { }\n"},
		{"topology", "topology Cell(a, b, c) {\n n1 = a(in)\n n2 = b(in) + c(n1); out = n2 }",
			"topology Cell(a, b, c) { n1 = a(in); n2 = b(in) + c(n1); out = n2; }\n"},
		{"binary slot", "topology Binary(op, u1, u2) { out = op(u1(in), u2(in)) }",
			"topology Binary(op, u1, u2) { out = op(u1(in), u2(in)); }\n"},
		{"empty topology", "topology T(a) {}", "topology T(a) { }\n"},
		{"shared", "shared CELL\nshared A, B,C", "shared CELL\nshared A, B, C\n"},
		{"constraints", "constraint params <= 2M\nconstraint count(conv3x3o) >= 1\nconstraint 40 > depth\n" +
			"constraint a < b constraint a == 1 constraint a != 2",
			"constraint params <= num(2M=2 M)\nconstraint count(conv3x3o) >= num(1=1)\nconstraint num(40=40) > depth\n" +
				"constraint a < b\nconstraint a == num(1=1)\nconstraint a != num(2=2)\n"},
		{"rule", "S -> Sequential(S, S, S) | Residual(S, S, S) | conv | id",
			"S -> Sequential(S, S, S) | Residual(S, S, S) | conv | id\n"},
		{"weights", "OPS -> id | zero @0.5 | Linear1(CONVBLOCK) @2 | avg_pool @1",
			"OPS -> id | zero @0.5 | Linear1(CONVBLOCK) @2 | avg_pool @1\n"},
		{"rules across lines", "S -> A | B(C)\nT -> D\n  | E\n  | F(G(H), I)\nU->V",
			"S -> A | B(C)\nT -> D | E | F(G(H), I)\nU -> V\n"},
		{"in and out are names", "in -> out\nS -> in(out)", "in -> out\nS -> in(out)\n"},
		{"keyword prefixes are names", "spaces -> input1 | searching | train_ | Head", "spaces -> input1 | searching | train_ | Head\n"},
		{"comments anywhere", "S /* a */ -> /* b\n */ A // c\n | B", "S -> A | B\n"},
		{"byte order mark", "\uFEFFspace toy", "space toy\n"},
		{"toy", toySrc, "space toy\ninput image(num(1=1), num(28=28), num(28=28))\noutput classes(num(10=10))\n" +
			"stem = conv(num(3=3), out: num(16=16)) >> batchnorm\nhead = globalavgpool >> linear\n" +
			"primitive conv = conv(num(3=3)) >> batchnorm >> relu\nprimitive id = identity\nprimitive linear = conv(num(1=1))\n" +
			"topology Sequential(a, b, c) { out = c(b(a(in))); }\ntopology Residual(a, b, c) { out = b(a(in)) + c(in); }\n" +
			"S -> Sequential(S, S, S) | Residual(S, S, S) | conv | id | linear\n" +
			"train { dataset mnist; epochs num(1=1); batch num(128=128); optimizer sgd(lr: num(0.05=0.05), momentum: num(0.9=0.9)); }\n" +
			"search { strategy bohnas; evaluations num(12=12); initial num(4=4); seed num(1=1); }\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ds := Parse("t.nasg", []byte(tt.src))
			if len(ds) > 0 {
				t.Fatalf("Parse(%q) reported:\n%v", tt.src, ds)
			}
			if f == nil || f.Filename != "t.nasg" {
				t.Fatalf("Parse(%q) = %+v, want a File named t.nasg", tt.src, f)
			}
			if got := dumpFile(f, false); got != tt.want {
				t.Errorf("Parse(%q):\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}

// toySrc is the toy space of language.md §1.
const toySrc = `space toy

input  image(1, 28, 28)          // channels, height, width
output classes(10)

stem = conv(3, out: 16) >> batchnorm
head = globalavgpool >> linear

primitive conv   = conv(3) >> batchnorm >> relu
primitive id     = identity
primitive linear = conv(1)

topology Sequential(a, b, c) { out = c(b(a(in))) }
topology Residual(a, b, c)   { out = b(a(in)) + c(in) }

S -> Sequential(S, S, S) | Residual(S, S, S) | conv | id | linear

train  { dataset mnist; epochs 1; batch 128; optimizer sgd(lr: 0.05, momentum: 0.9) }
search { strategy bohnas; evaluations 12; initial 4; seed 1 }
`

func TestParsePositions(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"decls", "space toy\n  input image(1, 28)\nstem = conv(3, out: 16) >> bn\n",
			"space@1:1 toy@1:7\n" +
				"input@2:3 image@2:9(num(1=1)@2:15, num(28=28)@2:18)\n" +
				"stem@3:1 = conv@3:8(num(3=3)@3:13, out@3:16: num(16=16)@3:21) >> bn@3:28\n"},
		{"tabs count one byte", "\tS ->\tA\t|\tB",
			"S@1:2 -> A@1:7 | B@1:11\n"},
		{"columns are bytes", `train { name "héllo"; epochs 1 } /* é */ S -> A`,
			`train@1:1 { name@1:9 "héllo"@1:14; epochs@1:24 num(1=1)@1:31; }` + "\n" +
				"S@1:44 -> A@1:49\n"},
		{"crlf", "S -> A\r\n  | B(C)\r\nshared X\r\n",
			"S@1:1 -> A@1:6 | B@2:5(C@2:7)\nshared@3:1 X@3:8\n"},
		{"topology and constraint", "topology T(a, b) {\n  n1 = a(in)\n  out = b(n1) + in\n}\nconstraint count(x) >= 1",
			"topology@1:1 T@1:10(a@1:12, b@1:15) { n1@2:3 = a@2:8(in@2:10); out@3:3 = b@3:9(n1@3:11) + in@3:17; }\n" +
				"constraint@5:1 count@5:12(x@5:18) >= num(1=1)@5:24\n"},
		{"weights and calls", "O -> a @2 | b\ntrain { opt sgd(lr: 1e-3) }",
			"O@1:1 -> a@1:6 @2 | b@1:13\ntrain@2:1 { opt@2:9 sgd@2:13(lr@2:17: num(1e-3=0.001)@2:21); }\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ds := Parse("t.nasg", []byte(tt.src))
			if len(ds) > 0 {
				t.Fatalf("Parse(%q) reported:\n%v", tt.src, ds)
			}
			if got := dumpFile(f, true); got != tt.want {
				t.Errorf("Parse(%q):\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // every diagnostic, in order
	}{
		{"equals instead of arrow", "S = A | B\n", []string{
			"t.nasg:1:3: unexpected '='; expected '->' after the rule name 'S'; a rule is written NAME -> ALT | ALT; '=' defines stem, head and primitives"}},
		{"missing bar", "S -> A B(C)\n", []string{
			"t.nasg:1:8: unexpected 'B' after an alternative of rule 'S'; separate alternatives with '|'"}},
		{"missing pipe", "stem = conv(3) batchnorm\n", []string{
			"t.nasg:1:16: unexpected 'batchnorm' after the stem pipeline; separate operations with '>>'"}},
		{"missing pipe in primitive", "primitive c = conv(3) relu\n", []string{
			"t.nasg:1:23: unexpected 'relu' after primitive 'c'; separate operations with '>>'"}},
		{"missing comma in shared", "shared A B\n", []string{
			"t.nasg:1:10: unexpected 'B' after a shared declaration; separate names with ','"}},
		{"name on its own line", "S -> A\nB C\n", []string{
			"t.nasg:2:3: unexpected 'C'; expected '->' after the rule name 'B'; a rule is written NAME -> ALT | ALT"}},
		{"unfinished pipeline before a keyword", "stem = conv(3) >>\nhead = linear\n", []string{
			"t.nasg:2:1: unexpected keyword 'head'; expected a name in the stem pipeline; the declaration before 'head' is incomplete"}},
		{"unclosed block before a keyword", "train { epochs 1\nsearch { seed 1 }\n", []string{
			"t.nasg:2:1: unexpected keyword 'search'; expected ';', '}' or a name in the train block; the declaration before 'search' is incomplete"}},
		{"misspelt keyword", "primitve conv = conv(3)\n", []string{
			"t.nasg:1:10: unexpected 'conv'; expected '->' after the rule name 'primitve'; did you mean the keyword 'primitive'?"}},
		{"comma between alternatives", "S -> A, B\n", []string{
			"t.nasg:1:7: unexpected ','; expected a declaration; alternatives of a rule are separated by '|'"}},
		{"keyword as rule name", "search -> A\n", []string{
			"t.nasg:1:8: unexpected '->' after the keyword 'search'; 'search' is a keyword and cannot name a rule"}},
		{"unclosed term", "S -> A | B(C\nT -> D\n", []string{
			"t.nasg:2:1: unexpected 'T'; expected ',' or ')' in the rule for 'S'"}},
		{"missing alternative", "S -> A |\n", []string{
			"t.nasg:2:1: unexpected end of file; expected a name in the rule for 'S'"}},
		{"missing argument value", "stem = conv(3, out: ) >> bn", []string{
			"t.nasg:1:21: unexpected ')'; expected a name, a number or a string in the arguments of 'conv'"}},
		{"missing comma", "input image(1, 2 3)", []string{
			"t.nasg:1:18: unexpected '3'; expected ',' or ')' in the arguments of 'image'"}},
		{"setting without value", "train { epochs }", []string{
			"t.nasg:1:16: unexpected '}'; expected a name, a number or a string in setting 'epochs' of the train block"}},
		{"number in topology", "topology T(a) { out = a(in) + 3 }", []string{
			"t.nasg:1:31: unexpected '3'; expected a name in node 'out' of topology 'T'; a topology body wires slots and nodes; numbers belong in primitives"}},
		{"node without =", "topology T(a) {\n  out a(in)\n}", []string{
			"t.nasg:2:7: unexpected 'a'; expected '=' in node 'out' of topology 'T'"}},
		{"topology without params", "topology T() { out = in }", []string{
			"t.nasg:1:12: unexpected ')'; expected a name in topology 'T'"}},
		{"unclosed topology", "topology T(a) { out = a(in)\n", []string{
			"t.nasg:2:1: unexpected end of file; expected '}' or a name in topology 'T'"}},
		{"constraint without comparison", "constraint params 2M", []string{
			"t.nasg:1:19: unexpected '2M'; expected a comparison (<=, >=, <, >, ==, !=) in a constraint"}},
		{"constraint without bound", "constraint params <=", []string{
			"t.nasg:1:21: unexpected end of file; expected a name or a number in a constraint"}},
		{"stray semicolon", "space toy;\n", []string{
			"t.nasg:1:10: unexpected ';'; expected a declaration; ';' separates settings in train and search blocks and nodes in topologies; declarations need no separator"}},
		{"stray paren", "S -> A\n)\n", []string{
			"t.nasg:2:1: unexpected ')'; expected a declaration; a declaration starts with space, input, output, stem, head, primitive, topology, shared, constraint, train or search, or is a rule NAME -> ALT | ALT"}},
		{"keyword where a name belongs", "S -> train", []string{
			"t.nasg:1:6: unexpected keyword 'train'; expected a name in the rule for 'S'; 'train' is a keyword and cannot be used as a name"}},
		{"weight with unit", "S -> A @2x | B", []string{
			"t.nasg:1:9: sampling weight 2x has a unit; write the weight as a plain number, e.g. @2"}},
		{"missing weight", "S -> A @ | B", []string{
			"t.nasg:1:10: unexpected '|'; expected a number in the rule for 'S'"}},
		{"hash comment", "# comment\nS -> A\n", []string{
			"t.nasg:1:1: unexpected character '#'; comments start with // or /*"}},
		{"negative number", "train { lr -3 }", []string{
			"t.nasg:1:12: unexpected character '-'; numbers cannot be negative"}},
		{"single quotes", "train { dataset 'x' }", []string{
			`t.nasg:1:17: unexpected character "'"; strings are written in double quotes: "text"`}},
		{"unterminated string", "train { dataset \"abc\n}", []string{
			`t.nasg:1:17: string not terminated; close it with " on the same line`}},
		{"bad escape", `train { dataset "a\d" }`, []string{
			`t.nasg:1:17: invalid escape in string "a\d"; escapes are those of Go: \" \\ \n \t \xHH \uHHHH ...`}},
		{"unterminated comment", "S -> A /* B\n | C", []string{
			"t.nasg:1:8: comment not terminated: /* has no matching */; close it with */"}},
		{"too large a number", "train { epochs 1e999 }", []string{
			"t.nasg:1:16: number 1e999 is too large"}},
		{"NUL byte", "S -> A\x00", []string{
			"t.nasg:1:7: unexpected character U+0000"}},
		{"invalid UTF-8", "S -> A\xff\xfe", []string{
			"t.nasg:1:7: invalid UTF-8 byte 0xFF; .nasg files are UTF-8 text"}},
		{"non-ASCII name", "S -> é", []string{
			"t.nasg:1:6: unexpected character 'é' (U+00E9); names use only ASCII letters, digits and _"}},
		{"column after multi-byte text", "/* ü */ S A", []string{
			"t.nasg:1:12: unexpected 'A'; expected '->' after the rule name 'S'; a rule is written NAME -> ALT | ALT"}},
		{"long name is cut", "B" + strings.Repeat("x", 40) + " C", []string{
			"t.nasg:1:43: unexpected 'C'; expected '->' after the rule name 'Bxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'; a rule is written NAME -> ALT | ALT"}},
		{"errors on separate lines are all reported", "S = A\ntrain { epochs }\ntopology T() { out = in }\n", []string{
			"t.nasg:1:3: unexpected '='; expected '->' after the rule name 'S'; a rule is written NAME -> ALT | ALT; '=' defines stem, head and primitives",
			"t.nasg:2:16: unexpected '}'; expected a name, a number or a string in setting 'epochs' of the train block",
			"t.nasg:3:12: unexpected ')'; expected a name in topology 'T'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ds := Parse("t.nasg", []byte(tt.src))
			if f == nil {
				t.Fatalf("Parse(%q) returned a nil File", tt.src)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Error())
				if d.Severity != Error {
					t.Errorf("%s: severity %v, want error", d.Error(), d.Severity)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Parse(%q) diagnostics:\n got %s\nwant %s", tt.src, strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
			checkPartial(t, f)
		})
	}
}

func TestParseShortensLongTokens(t *testing.T) {
	_, ds := Parse("t.nasg", []byte("S -> A(B "+strings.Repeat("y", 100)+")"))
	if len(ds) != 1 {
		t.Fatalf("got %d diagnostics, want 1: %v", len(ds), ds)
	}
	want := "t.nasg:1:10: unexpected '" + strings.Repeat("y", 29) + "...'; expected ',' or ')' in the rule for 'S'"
	if got := ds[0].Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParsePartialAST(t *testing.T) {
	src := "space toy\nS -> A | B(\nprimitive p = conv(3)\nT -> C @\ntopology X(a) { out = a(in) + }\ntrain { epochs 2 }\n"
	f, ds := Parse("t.nasg", []byte(src))
	if !ds.HasErrors() {
		t.Fatal("want syntax errors")
	}
	checkPartial(t, f)
	got := dumpFile(f, false)
	for _, want := range []string{"space toy\n", "primitive p = conv(num(3=3))\n", "train { epochs num(2=2); }\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("partial AST lacks %q:\n%s", want, got)
		}
	}
}

func TestParseLimits(t *testing.T) {
	deep := func(n int) string { return "S -> " + strings.Repeat("A(", n) + "B" + strings.Repeat(")", n) }
	tests := []struct {
		name, src string
		want      string // the first diagnostic; "" for none
	}{
		{"nesting at the limit", deep(maxNesting), ""},
		{"nesting over the limit", deep(maxNesting + 1),
			"t.nasg:1:407: nesting too deep: more than 200 open parentheses or braces"},
		{"100k open parens", "S -> " + strings.Repeat("(", 100000),
			"t.nasg:1:206: nesting too deep: more than 200 open parentheses or braces"},
		{"100k nested terms", deep(100000),
			"t.nasg:1:407: nesting too deep: more than 200 open parentheses or braces"},
		{"too large", "S -> A\n" + strings.Repeat(" ", maxSourceBytes),
			"t.nasg:1:1: file is too large: 4194311 bytes; the limit is 4194304 bytes (4 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			f, ds := Parse("t.nasg", []byte(tt.src))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Parse took %v", d)
			}
			if f == nil {
				t.Fatal("nil File")
			}
			got := ""
			if len(ds) > 0 {
				got = ds[0].Error()
			}
			if got != tt.want {
				t.Errorf("first diagnostic:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseStopsAfterTooManyErrors(t *testing.T) {
	src := strings.Repeat("S = A\n", 500)
	f, ds := Parse("t.nasg", []byte(src))
	if f == nil {
		t.Fatal("nil File")
	}
	if len(ds) != maxSyntaxErrs+1 {
		t.Fatalf("got %d diagnostics, want %d", len(ds), maxSyntaxErrs+1)
	}
	if got, want := ds[len(ds)-1].Error(), "t.nasg:51:3: too many syntax errors; stopping here"; got != want {
		t.Errorf("last diagnostic:\n got %s\nwant %s", got, want)
	}
	checkPartial(t, f)
}

// TestParseLargeInput checks that a big, valid file parses in reasonable
// time: the parser is linear, about 1 MB/s.
func TestParseLargeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "R%d -> Linear3(C, C, CELL) | Residual3(C, C, CELL, CELL) @2 | id\n", i)
	}
	start := time.Now()
	f, ds := Parse("big.nasg", []byte(b.String()))
	if len(ds) > 0 {
		t.Fatalf("diagnostics: %v", ds[0])
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("%d bytes took %v", b.Len(), d)
	}
	if len(f.Decls) < 10000 {
		t.Errorf("%d declarations", len(f.Decls))
	}
}

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/parse/hnb201.nasg")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, ds := Parse("hnb201.nasg", src); len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}

func TestParseTestdata(t *testing.T) {
	files, err := filepath.Glob("../testdata/spaces/*.nasg")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("testdata/parse/*.nasg")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, more...)
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, ds := Parse(name, src)
			if len(ds) > 0 {
				t.Fatalf("diagnostics:\n%v", ds)
			}
			if len(f.Decls) == 0 {
				t.Fatal("no declarations")
			}
			if _, ok := f.Decls[0].(*SpaceDecl); !ok {
				t.Errorf("first declaration is %T, want *SpaceDecl", f.Decls[0])
			}
			checkPartial(t, f)
		})
	}
}

// TestParseFixtureShapes spot-checks the transcribed spaces.
func TestParseFixtureShapes(t *testing.T) {
	count := func(name string) map[string]int {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, ds := Parse(name, src)
		if len(ds) > 0 {
			t.Fatalf("%s: %v", name, ds)
		}
		n := map[string]int{}
		for _, d := range f.Decls {
			n[fmt.Sprintf("%T", d)]++
			if r, ok := d.(*RuleDecl); ok {
				n["alts"] += len(r.Alts)
			}
		}
		return n
	}
	tests := []struct {
		file                            string
		primitives, topologies, rules   int
		alts, shared, blocks, constrain int
	}{
		{"testdata/parse/hnb201.nasg", 13, 7, 11, 30, 0, 2, 2},
		{"testdata/parse/nb201.nasg", 6, 3, 7, 11, 1, 2, 0},
		{"testdata/parse/actfn.nasg", 35, 2, 4, 39, 0, 2, 0},
	}
	for _, tt := range tests {
		n := count(tt.file)
		got := []int{n["*dsl.PrimitiveDecl"], n["*dsl.TopologyDecl"], n["*dsl.RuleDecl"], n["alts"], n["*dsl.SharedDecl"], n["*dsl.BlockDecl"], n["*dsl.ConstraintDecl"]}
		want := []int{tt.primitives, tt.topologies, tt.rules, tt.alts, tt.shared, tt.blocks, tt.constrain}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: primitives, topologies, rules, alternatives, shared, blocks, constraints = %v, want %v", tt.file, got, want)
		}
	}
}

// TestParsePrintsNothing guards against ANTLR's console listener and the
// stray prints of its runtime.
func TestParsePrintsNothing(t *testing.T) {
	inputs := []string{
		"S = A | B", "S -> A(", ")))", "train { x }", "\xff\x00#", "constraint <", "topology T(", `"abc`, "/*",
		"S -> A B C D E F G", strings.Repeat("S = A\n", 100),
	}
	stdout, stderr := os.Stdout, os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout, os.Stderr = w, w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	func() {
		defer func() { os.Stdout, os.Stderr = stdout, stderr }()
		for _, in := range inputs {
			Parse("t.nasg", []byte(in))
		}
	}()
	w.Close()
	if out := <-done; len(out) > 0 {
		t.Errorf("Parse printed %q", out)
	}
}

// checkPartial checks the promises Parse makes even for broken input:
// every node has a valid position, and every pointer the AST documents as
// set is non-nil.
func checkPartial(t *testing.T, f *File) {
	t.Helper()
	for _, err := range partialProblems(f) {
		t.Error(err)
	}
}

func partialProblems(f *File) []string {
	var errs []string
	bad := func(what string, p Pos) {
		if !p.IsValid() || p.Col < 1 {
			errs = append(errs, fmt.Sprintf("%s has invalid position %v", what, p))
		}
	}
	var value func(v *Value)
	var call func(c *OpCall)
	call = func(c *OpCall) {
		if c == nil {
			errs = append(errs, "nil OpCall")
			return
		}
		bad("OpCall "+c.Name.Name, c.Pos)
		if c.Name.Name == "" {
			errs = append(errs, "OpCall without a name")
		}
		for _, a := range c.Args {
			if a == nil || a.Value == nil {
				errs = append(errs, "nil Arg or Arg.Value")
				continue
			}
			bad("Arg", a.Pos)
			value(a.Value)
		}
	}
	value = func(v *Value) {
		bad("Value", v.Pos)
		if v.Kind == CallValue {
			call(v.Call)
		}
	}
	var term func(x *Term)
	term = func(x *Term) {
		if x == nil {
			errs = append(errs, "nil Term")
			return
		}
		bad("Term", x.Pos)
		for _, a := range x.Args {
			term(a)
		}
	}
	var nodeExpr func(x *NodeExpr)
	nodeExpr = func(x *NodeExpr) {
		if x == nil {
			errs = append(errs, "nil NodeExpr")
			return
		}
		bad("NodeExpr", x.Pos)
		for _, a := range x.Args {
			nodeExpr(a)
		}
	}
	cexpr := func(x *CExpr) {
		if x == nil {
			errs = append(errs, "nil CExpr")
			return
		}
		bad("CExpr", x.Pos)
		if x.Value != nil {
			value(x.Value)
		}
	}
	for _, d := range f.Decls {
		if d == nil {
			errs = append(errs, "nil Decl")
			continue
		}
		bad(fmt.Sprintf("%T", d), d.Position())
		switch x := d.(type) {
		case *IODecl:
			call(x.Call)
		case *PipelineDecl:
			for _, op := range x.Ops {
				call(op)
			}
		case *PrimitiveDecl:
			for _, op := range x.Ops {
				call(op)
			}
		case *TopologyDecl:
			for _, n := range x.Nodes {
				if n == nil {
					errs = append(errs, "nil NodeStmt")
					continue
				}
				bad("NodeStmt", n.Pos)
				for _, e := range n.Terms {
					nodeExpr(e)
				}
			}
		case *ConstraintDecl:
			cexpr(x.LHS)
			cexpr(x.RHS)
			switch x.Op {
			case "<", "<=", ">", ">=", "==", "!=":
			default:
				errs = append(errs, "constraint operator "+strconv.Quote(x.Op))
			}
		case *RuleDecl:
			for _, a := range x.Alts {
				if a == nil {
					errs = append(errs, "nil Alt")
					continue
				}
				bad("Alt", a.Pos)
				term(a.Term)
			}
		case *BlockDecl:
			for _, s := range x.Settings {
				if s == nil || s.Value == nil {
					errs = append(errs, "nil Setting or Setting.Value")
					continue
				}
				bad("Setting", s.Pos)
				value(s.Value)
			}
		}
	}
	return errs
}

// TestParseConcurrent parses from several goroutines at once: the
// generated parser shares its DFA cache between parsers.
func TestParseConcurrent(t *testing.T) {
	src, err := os.ReadFile("testdata/parse/hnb201.nasg")
	if err != nil {
		t.Fatal(err)
	}
	want := dumpFile(mustParse(t, src), true)
	done := make(chan string)
	for range 4 {
		go func() {
			f, _ := Parse("hnb201.nasg", src)
			done <- dumpFile(f, true)
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Error("concurrent parses disagree")
		}
	}
}

func mustParse(t *testing.T, src []byte) *File {
	t.Helper()
	f, ds := Parse("t.nasg", src)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	return f
}
