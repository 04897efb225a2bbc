package dsl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes, seeded with the spaces in testdata
// and a few broken inputs. Parse must not panic, every diagnostic must
// have a position inside the file and a message, and the AST must keep
// its promises (see checkPartial) with or without errors.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"../testdata/spaces/*.nasg", "testdata/parse/*.nasg"} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, string(b))
		}
	}
	seeds = append(seeds,
		"", "S = A | B", "S -> A(B, C) @2 | D\nT -> E", "train { optimizer sgd(lr: 1e-3) }",
		"topology T(a) { out = a(in) + }", "constraint count(x) >= 2M", `stem = f("a\"b", k: 3)`,
		"/* unterminated", "\"unterminated", "S -> \xff\x00", "shared A, B,", "S -> A(((((",
	)
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, ds := Parse("fuzz.nasg", src)
		if file == nil {
			t.Fatal("nil File")
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, d := range ds {
			if d.Msg == "" {
				t.Errorf("diagnostic without a message at %v", d.Pos)
			}
			if strings.Contains(d.Msg, "internal error") {
				t.Errorf("%s", d.Error())
			}
			if d.Filename != "fuzz.nasg" {
				t.Errorf("diagnostic names file %q", d.Filename)
			}
			if !d.Pos.IsValid() || d.Pos.Col < 1 || d.Pos.Line > lines {
				t.Errorf("%s: position outside the file (%d lines)", d.Error(), lines)
			}
			if d.Severity == Error && strings.ContainsAny(d.Msg, "\n\r") {
				t.Errorf("multi-line message %q", d.Msg)
			}
		}
		for _, problem := range partialProblems(file) {
			t.Error(problem)
		}
	})
}
