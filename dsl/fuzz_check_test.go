package dsl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheck runs the whole front end on arbitrary input: parse, check,
// and on a valid grammar sample architectures and parse their terms back.
// Nothing may panic or hang; every diagnostic has a position inside the
// file; a sampled term must parse back to itself.
func FuzzCheck(f *testing.F) {
	names, _ := filepath.Glob("../testdata/spaces/*.nasg")
	more, _ := filepath.Glob("testdata/parse/*.nasg")
	for _, name := range append(names, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		header + "S -> Seq(S, S) | Res(conv, id) | conv\n",
		header + "shared C\nS -> Seq(C, C)\nC -> conv | Res(conv, id)\n",
		header + "S -> Seq(T, T)\nT -> Seq(T, S) | conv\nsearch { max_depth 2 }\n",
		header + "topology Bad(a) { out = a(in) + x }\nS -> Bad(conv)\n",
		header + "primitive down = resblock(stride: 2)\nS -> Res(S, down) | Seq(S, down) | conv\n",
		header + "primitive add = add\ntopology B(op, u, v) { out = op(u(in), v(in)) }\nS -> B(add, conv, S) | conv\n",
		header + "primitive z = zero\nconstraint count(z) <= 2\nconstraint params <= 2M\nS -> Res(z, z) | Seq(z, conv)\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		g, ds := ParseAndCheck("fuzz.nasg", src)
		lines := strings.Count(string(src), "\n") + 1
		for _, d := range ds {
			if d.Msg == "" || d.Pos.Line > lines || d.Pos.Line < 1 || d.Pos.Col < 1 {
				t.Errorf("bad diagnostic %q at %v", d.Msg, d.Pos)
			}
		}
		if g == nil {
			if !ds.HasErrors() {
				t.Fatal("no grammar and no error")
			}
			return
		}
		s := NewSampler(g, 1)
		s.MaxNodes = 20000
		for range 3 {
			d, err := s.Sample()
			if err != nil {
				return // too large: reported, not a failure
			}
			term := d.String()
			back, err := g.ParseTerm(term)
			if err != nil {
				t.Fatalf("sampled %s does not parse back: %v", term, err)
			}
			if back.String() != term {
				t.Fatalf("%s parsed back as %s", term, back)
			}
		}
	})
}
