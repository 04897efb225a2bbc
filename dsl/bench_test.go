package dsl

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseCheck parses and checks a space file (SetBytes: MB/s of
// source).
func BenchmarkParseCheck(b *testing.B) {
	for _, name := range []string{"../testdata/spaces/toy.nasg", "../testdata/spaces/hnb201.nasg", "../testdata/spaces/darts.nasg"} {
		src, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(name), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				f, ds := Parse(name, src)
				if ds.HasErrors() {
					b.Fatal(ds)
				}
				if g, ds := Check(f, src); g == nil {
					b.Fatal(ds)
				}
			}
		})
	}
}

// BenchmarkCheck checks hnb201.nasg, parsed once: the checker alone,
// shape and connectivity passes included.
func BenchmarkCheck(b *testing.B) {
	name := "../testdata/spaces/hnb201.nasg"
	src, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	f, ds := Parse(name, src)
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	for b.Loop() {
		if g, ds := Check(f, src); g == nil {
			b.Fatal(ds)
		}
	}
}

// BenchmarkFormat formats hnb201.nasg, parsed once.
func BenchmarkFormat(b *testing.B) {
	name := "../testdata/spaces/hnb201.nasg"
	src, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	f, _ := Parse(name, src)
	for b.Loop() {
		Format(f, src)
	}
}

// BenchmarkSample draws architectures from the toy space at max_depth 3.
func BenchmarkSample(b *testing.B) {
	g := toyGrammar(b)
	s := NewSampler(g, 1)
	for b.Loop() {
		d, err := s.Sample()
		if err != nil {
			b.Fatal(err)
		}
		_ = d.String()
	}
}
