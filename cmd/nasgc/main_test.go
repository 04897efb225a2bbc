package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
		Setup: func(env *testscript.Env) error {
			for k, v := range vars {
				env.Setenv(k, v)
			}
			env.Setenv("SPACES", filepath.Join(root, "testdata", "spaces"))
			return nil
		},
	})
}
