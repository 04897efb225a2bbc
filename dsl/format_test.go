package dsl

import (
	"os"
	"path/filepath"
	"testing"
)

// formatFiles is every .nasg file of the repository's testdata that parses.
func formatFiles(t testing.TB) []string {
	var files []string
	for _, pat := range []string{"../testdata/spaces/*.nasg", "../testdata/errors/*.nasg", "testdata/parse/*.nasg"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d testdata files", len(files))
	}
	return files
}

// TestFormatRoundTrip: formatting keeps the syntax tree, keeps every
// comment, and is idempotent, on every testdata file that parses.
func TestFormatRoundTrip(t *testing.T) {
	for _, file := range formatFiles(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, ds := Parse(file, src)
		if ds.HasErrors() {
			continue // the syntax-error files of testdata/errors
		}
		checkFormat(t, file, f, src)
	}
}

func checkFormat(t *testing.T, name string, f *File, src []byte) {
	t.Helper()
	out := Format(f, src)
	g, ds := Parse(name, out)
	if ds.HasErrors() {
		t.Fatalf("%s: formatted output does not parse: %v\n%s", name, ds, out)
	}
	if a, b := dumpFile(f, false), dumpFile(g, false); a != b {
		t.Fatalf("%s: formatting changed the syntax tree:\n%s\nbecame\n%s\noutput:\n%s", name, a, b, out)
	}
	if again := Format(g, out); string(again) != string(out) {
		t.Fatalf("%s: not idempotent:\n%s\nthen\n%s", name, out, again)
	}
	if a, b := len(scanComments(src)), len(scanComments(out)); a != b {
		t.Fatalf("%s: %d comments became %d:\n%s", name, a, b, out)
	}
}

func TestFormatLayout(t *testing.T) {
	src := "space   x // the space\ninput image(1,28,28)\noutput   classes(10)\n\n\n" +
		"stem=conv(3,out:16)>>batchnorm\n/* block\n   comment */\nprimitive c = conv(3) // trailing\nprimitive longer = identity\n" +
		"topology T(a,b){n1=a(in);out=b(n1)+in // t\n}\nS->T(S,S)|c @2\n  |longer\nsearch {max_depth 3; seed 1}\n" +
		"train {\n epochs 1 // e\n  batch 32\n}\nconstraint count( c )>=1\n// end\n"
	want := `space x // the space
input  image(1, 28, 28)
output classes(10)

stem = conv(3, out: 16) >> batchnorm
/* block
   comment */
primitive c      = conv(3) // trailing
primitive longer = identity
topology T(a, b) {
  n1  = a(in)
  out = b(n1) + in // t
}
S -> T(S, S) | c @2
  | longer
search { max_depth 3; seed 1 }
train {
  epochs 1 // e
  batch  32
}
constraint count(c) >= 1
// end
`
	out, ds := FormatSource("x.nasg", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if _, ds := FormatSource("x.nasg", []byte("space (")); !ds.HasErrors() {
		t.Error("FormatSource accepted a syntax error")
	}
}

// FuzzFormat: on any input that parses, Format keeps the syntax tree and
// the comments and is idempotent.
func FuzzFormat(f *testing.F) {
	for _, file := range formatFiles(f) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, ds := Parse("fuzz.nasg", src)
		if ds.HasErrors() || file == nil {
			return
		}
		checkFormat(t, "fuzz.nasg", file, src)
	})
}
