package dsl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wantPrefix starts a line of testdata/errors that states one expected
// diagnostic: `// want LINE:COL SEVERITY: MESSAGE; HINT`, the text exactly
// as Diagnostic.Error prints it after the file name, with the severity
// always written. The want lines close each file, so that they do not move
// the positions they name.
const wantPrefix = "// want "

// TestErrorsCorpus checks every file of testdata/errors: its diagnostics
// are exactly its want lines, in order. NASGC_UPDATE=1 rewrites the want
// lines from what the checker says (review the diff).
func TestErrorsCorpus(t *testing.T) {
	files, _ := filepath.Glob("../testdata/errors/*.nasg")
	if len(files) < 10 {
		t.Fatalf("want at least 10 files in testdata/errors, have %d", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			body, want := splitWants(string(src))
			_, ds := ParseAndCheck(filepath.Base(file), src)
			var got []string
			for _, d := range ds {
				got = append(got, wantLine(d))
			}
			if os.Getenv("NASGC_UPDATE") != "" {
				out := body
				for _, g := range got {
					out += wantPrefix + g + "\n"
				}
				if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if len(want) == 0 {
				t.Fatal("the file has no want lines")
			}
			if !ds.HasErrors() {
				t.Errorf("no error reported; the corpus holds wrong files")
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// splitWants separates a corpus file into its source and its want lines.
func splitWants(src string) (body string, want []string) {
	lines := strings.SplitAfter(src, "\n")
	end := len(lines)
	for end > 0 && (strings.HasPrefix(lines[end-1], wantPrefix) || lines[end-1] == "") {
		end--
	}
	for _, l := range lines[end:] {
		if l != "" {
			want = append(want, strings.TrimSuffix(strings.TrimPrefix(l, wantPrefix), "\n"))
		}
	}
	return strings.Join(lines[:end], ""), want
}

func wantLine(d *Diagnostic) string {
	s := fmt.Sprintf("%d:%d %s: %s", d.Pos.Line, d.Pos.Col, d.Severity, d.Msg)
	if d.Hint != "" {
		s += "; " + d.Hint
	}
	return s
}
