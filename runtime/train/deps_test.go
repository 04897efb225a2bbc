package train

import (
	"debug/buildinfo"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// assumeNoMovingGC is the oldest version of go4.org/unsafe/assume-no-moving-gc
// that lets binaries start under Go 1.26. gorgonia.org/tensor v0.9.24 asks
// for v0.0.0-20220617031537-928513b29760, which panics in init ("hasn't been
// updated to assert that it's safe against the go1.26 runtime"), so every
// generated program would die before main. go.mod must require this version
// or a later one.
const assumeNoMovingGC = "v0.0.0-20231121144256-b99613f794b6"

// TestGeneratedProgram builds testdata/example, a program of the shape nasgc
// generates, runs it briefly, and checks the module versions linked into it.
func TestGeneratedProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "example")
	build := exec.Command(gobin, "build", "-o", bin, "./testdata/example")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	checkAssumeNoMovingGC(t, info)

	run := exec.Command(bin, "-dataset", "synthetic", "-steps", "2", "-subset", "128", "-test", "100", "-q")
	var stderr strings.Builder
	run.Stderr = &stderr
	out, err := run.Output()
	if err != nil {
		t.Fatalf("running the program: %v\n%s", err, stderr.String())
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil || res.Status != StatusOK || res.Term != "Residual(conv, conv, id)" || res.Steps != 2 {
		t.Fatalf("result %+v, err %v; stdout %q", res, err, out)
	}
}

// checkAssumeNoMovingGC fails if the binary links a version of
// go4.org/unsafe/assume-no-moving-gc older than assumeNoMovingGC.
func checkAssumeNoMovingGC(t *testing.T, info *debug.BuildInfo) {
	t.Helper()
	for _, m := range info.Deps {
		if m.Path != "go4.org/unsafe/assume-no-moving-gc" {
			continue
		}
		if m.Replace != nil {
			m = m.Replace
		}
		if olderPseudo(m.Version, assumeNoMovingGC) {
			t.Fatalf("go4.org/unsafe/assume-no-moving-gc is %s, older than %s: binaries panic at init under this Go; run go get go4.org/unsafe/assume-no-moving-gc@%s",
				m.Version, assumeNoMovingGC, assumeNoMovingGC)
		}
		return
	}
	t.Fatal("go4.org/unsafe/assume-no-moving-gc is not linked: is gorgonia.org/tensor still used?")
}

// olderPseudo reports whether v is older than min, both v0.0.0 pseudo-versions
// (v0.0.0-yyyymmddhhmmss-commit), compared by timestamp. A tagged release
// (anything else) counts as newer.
func olderPseudo(v, min string) bool {
	stamp := func(s string) string {
		parts := strings.Split(s, "-")
		if len(parts) != 3 || parts[0] != "v0.0.0" || len(parts[1]) != 14 {
			return ""
		}
		return parts[1]
	}
	sv, smin := stamp(v), stamp(min)
	if sv == "" {
		return false
	}
	return sv < smin
}

func TestOlderPseudo(t *testing.T) {
	for _, c := range []struct {
		v    string
		want bool
	}{
		{"v0.0.0-20220617031537-928513b29760", true},
		{assumeNoMovingGC, false},
		{"v0.0.0-20250101000000-abcdefabcdef", false},
		{"v1.0.0", false},
	} {
		if got := olderPseudo(c.v, assumeNoMovingGC); got != c.want {
			t.Errorf("olderPseudo(%s) = %v", c.v, got)
		}
	}
}
