package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/runtime/data"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"nasgc": func() { os.Exit(Main()) },
	})
}

// goEnv asks the go command for a variable, so that scripts that build
// candidates share this machine's module and build caches.
func goEnv(t *testing.T, name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// TestScript runs the CLI scripts in testdata/script. Scripts that build and
// train candidates skip under -short. NASGC_UPDATE=1 rewrites the expected
// outputs that scripts compare with cmp.
func TestScript(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"NASGC_ROOT": root}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOFLAGS", "GOTOOLCHAIN"} {
		vars[name] = goEnv(t, name)
	}
	if v := os.Getenv("NASGC_MNIST_DIR"); v != "" {
		vars["NASGC_MNIST_DIR"] = v
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("NASGC_UPDATE") != "",
		Cmds:          map[string]func(ts *testscript.TestScript, neg bool, args []string){"mkcifar": mkcifar},
		Setup: func(env *testscript.Env) error {
			for k, v := range vars {
				env.Setenv(k, v)
			}
			env.Setenv("SPACES", filepath.Join(root, "testdata", "spaces"))
			return nil
		},
	})
}

// mkcifar DIR N writes CIFAR-10's six binary files into DIR, N records
// each: label r%10 and pixels of a value per channel that depends on the
// label, so that a network can learn them.
func mkcifar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkcifar DIR N")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("mkcifar: %v", err)
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	for _, f := range append(slices.Clone(data.CIFAR10TrainFiles), data.CIFAR10TestFile) {
		var b bytes.Buffer
		for r := range n {
			b.WriteByte(byte(r % 10))
			for c := range 3 {
				b.Write(bytes.Repeat([]byte{byte(25*(r%10) + 5*c)}, 1024))
			}
		}
		ts.Check(os.WriteFile(filepath.Join(dir, f), b.Bytes(), 0o644))
	}
}
