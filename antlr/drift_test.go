package nasg

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedParserMatchesGrammar regenerates the parser from NASG.g4 into
// a scratch directory with generate.sh and fails if the result differs from
// the committed files: a change to NASG.g4 without `make generate`, or a
// hand edit of a generated file.
func TestGeneratedParserMatchesGrammar(t *testing.T) {
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("java is not installed: cannot run the ANTLR tool")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed: cannot run generate.sh")
	}
	if os.Getenv("NASGC_ANTLR_JAR") == "" && !cachedJar() {
		if _, err := exec.LookPath("npm"); err != nil {
			t.Skip("no ANTLR jar: NASGC_ANTLR_JAR is unset, the cache holds none and npm is not installed")
		}
	}

	out := t.TempDir()
	cmd := exec.Command("bash", "generate.sh", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 3 {
			t.Skipf("ANTLR is not available: %s", strings.TrimSpace(stderr.String()))
		}
		t.Fatalf("generate.sh: %v\n%s", err, stderr.String())
	}

	fresh := generatedFiles(t, out)
	committed := generatedFiles(t, ".")
	if len(fresh) == 0 {
		t.Fatalf("generate.sh wrote no Go files\n%s", stderr.String())
	}
	for name, want := range fresh {
		got, ok := committed[name]
		switch {
		case !ok:
			t.Errorf("%s is missing: the committed parser differs from antlr/NASG.g4: run make generate", name)
		case !bytes.Equal(got, want):
			t.Errorf("%s differs: the committed parser differs from antlr/NASG.g4: run make generate", name)
		}
	}
	for name := range committed {
		if _, ok := fresh[name]; !ok {
			t.Errorf("%s is not generated from NASG.g4 any more: the committed parser differs from antlr/NASG.g4: run make generate", name)
		}
	}
}

// cachedJar reports whether generate.sh has installed the ANTLR jar into its
// cache already.
func cachedJar() bool {
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return false
		}
		cache = filepath.Join(home, ".cache")
	}
	jars, _ := filepath.Glob(filepath.Join(cache, "nasgc", "antlr4ng-cli", "node_modules", "antlr4ng-cli", "antlr4-*-complete.jar"))
	return len(jars) > 0
}

// generatedFiles reads the Go files in dir that ANTLR generated from
// NASG.g4, by their header.
func generatedFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte("// Code generated from NASG.g4 by ANTLR")) {
			files[filepath.Base(name)] = b
		}
	}
	return files
}
