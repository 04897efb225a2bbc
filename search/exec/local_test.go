package exec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
)

func toy(t *testing.T) *dsl.Grammar {
	t.Helper()
	src, err := os.ReadFile("../../testdata/spaces/toy.nasg")
	if err != nil {
		t.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck("toy.nasg", src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	// Tiny training so that the tests spend their time on the paths they test.
	g.Train.Epochs, g.Train.Steps, g.Train.Subset, g.Train.Test, g.Train.Batch = 0, 3, 96, 50, 16
	return g
}

func local(t *testing.T, g *dsl.Grammar, timeout time.Duration) *Local {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return &Local{Grammar: g, SourceDir: root, Threads: 1, Timeout: timeout}
}

func TestLocalEvaluates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and trains a candidate")
	}
	g := toy(t)
	d, err := g.ParseTerm("Sequential(conv, id, linear)")
	if err != nil {
		t.Fatal(err)
	}
	tr := &search.Trial{ID: 1, Term: d.String(), Dir: t.TempDir()}
	local(t, g, time.Minute).Evaluate(context.Background(), tr, d)
	if !tr.OK() || tr.TestImages != 50 || tr.Params == 0 || tr.CodeHash == "" {
		t.Fatalf("trial %+v", tr)
	}
	for _, f := range []string{"model/model.go", "main.go", "go.mod", BinaryName, "log.txt", "result.json"} {
		if _, err := os.Stat(filepath.Join(tr.Dir, f)); err != nil {
			t.Error(err)
		}
	}
}

// A candidate past its time limit stops itself and reports a timeout.
func TestLocalTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a candidate")
	}
	g := toy(t)
	g.Train.Steps = 100000
	d, _ := g.ParseTerm("conv")
	tr := &search.Trial{ID: 1, Term: d.String(), Dir: t.TempDir()}
	local(t, g, 2*time.Second).Evaluate(context.Background(), tr, d)
	if tr.OK() || tr.Failure != search.FailTimeout {
		t.Fatalf("trial %+v", tr)
	}
}

// A package that does not compile is a build failure with the compiler's
// message, and a binary that dies without a result is a crash.
func TestLocalBuildAndCrashFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module broken\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { undefinedThing() }\n"), 0o644)
	out, err := Build(context.Background(), dir)
	if err == nil || !strings.Contains(string(out), "undefined: undefinedThing") {
		t.Fatalf("build of broken code: err %v, output %s", err, out)
	}

	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport \"os\"\n\nfunc main() { println(\"dying\"); os.Exit(3) }\n"), 0o644)
	if out, err := Build(context.Background(), dir); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	l := &Local{Timeout: time.Minute}
	_, err = l.run(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "crash: exit status 3") || !strings.Contains(err.Error(), "dying") {
		t.Fatalf("crashing candidate: %v", err)
	}
}

// A candidate whose code was built before is not built again: its binary
// comes from the cache, by code hash.
func TestLocalBuildCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and trains a candidate")
	}
	g := toy(t)
	d, err := g.ParseTerm("Sequential(conv, conv, linear)")
	if err != nil {
		t.Fatal(err)
	}
	l := local(t, g, time.Minute)
	l.CacheDir = filepath.Join(t.TempDir(), "cache")
	var trials []*search.Trial
	for i := range 2 {
		tr := &search.Trial{ID: i + 1, Term: d.String(), Dir: t.TempDir()}
		l.Evaluate(context.Background(), tr, d)
		if !tr.OK() || tr.LogTail == "" {
			t.Fatalf("trial %+v", tr)
		}
		trials = append(trials, tr)
	}
	if trials[0].CodeHash != trials[1].CodeHash {
		t.Fatal("same code, different hashes")
	}
	cached, err := os.Stat(filepath.Join(l.CacheDir, trials[0].CodeHash))
	if err != nil {
		t.Fatal(err)
	}
	second, err := os.Stat(filepath.Join(trials[1].Dir, BinaryName))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(cached, second) {
		t.Error("the second trial's binary is not the cached one")
	}
}
