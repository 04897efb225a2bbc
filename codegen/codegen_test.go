package codegen

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nasgc/nasgc"
	"github.com/nasgc/nasgc/dsl"
)

// update rewrites golden files: NASGC_UPDATE=1 go test ./codegen
var update = os.Getenv("NASGC_UPDATE") != ""

func loadSpace(t testing.TB, name string) *dsl.Grammar {
	t.Helper()
	path := filepath.Join("..", "testdata", "spaces", name)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck(name, src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return g
}

func sourceDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGolden compares generated packages with testdata/*.txtar. Each
// archive's comment is the architecture's term; its file space.nasg is the
// space, and its other files are the expected output (go.mod and go.sum,
// which hold nasgc's own dependencies, are checked by TestGoMod instead).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]byte{}
			for _, f := range ar.Files {
				want[f.Name] = f.Data
			}
			space, ok := want["space.nasg"]
			if !ok {
				t.Fatal("the archive has no space.nasg")
			}
			delete(want, "space.nasg")
			g, ds := dsl.ParseAndCheck("space.nasg", space)
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			d, err := g.ParseTerm(strings.TrimSpace(string(ar.Comment)))
			if err != nil {
				t.Fatal(err)
			}
			pkg, err := Generate(g, d, Options{SourceDir: "/NASGC"})
			if err != nil {
				t.Fatal(err)
			}
			got := &txtar.Archive{Comment: ar.Comment, Files: []txtar.File{{Name: "space.nasg", Data: space}}}
			for _, name := range pkg.Names() {
				if name != "go.mod" && name != "go.sum" {
					got.Files = append(got.Files, txtar.File{Name: name, Data: pkg.Files[name]})
				}
			}
			if update {
				if err := os.WriteFile(file, txtar.Format(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, f := range got.Files[1:] {
				if !bytes.Equal(f.Data, want[f.Name]) {
					t.Errorf("%s differs from the golden file (NASGC_UPDATE=1 go test ./codegen updates it):\n%s", f.Name, f.Data)
				}
				delete(want, f.Name)
			}
			for name := range want {
				t.Errorf("golden file has %s, the generator did not write it", name)
			}
		})
	}
}

func TestGoMod(t *testing.T) {
	g := loadSpace(t, "toy.nasg")
	d, _ := g.ParseTerm("conv")
	pkg, err := Generate(g, d, Options{SourceDir: "/src/nasgc"})
	if err != nil {
		t.Fatal(err)
	}
	mod := string(pkg.Files["go.mod"])
	for _, want := range []string{
		"// " + Header + "\n",
		"\nmodule candidate\n",
		"\nrequire github.com/nasgc/nasgc v0.0.0-00010101000000-000000000000\n",
		// Every binary that links gorgonia needs this pin on Go 1.26.
		"\tgo4.org/unsafe/assume-no-moving-gc v0.0.0-20231121144256-b99613f794b6 // indirect\n",
		"\tgorgonia.org/gorgonia v0.9.18 // indirect\n",
		"\nreplace github.com/nasgc/nasgc => /src/nasgc\n",
	} {
		if !strings.Contains(mod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	if string(pkg.Files["go.sum"]) != string(nasgc.GoSum) {
		t.Error("go.sum is not nasgc's go.sum")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	g := loadSpace(t, "toy.nasg")
	s := dsl.NewSampler(g, 5)
	for range 50 {
		d, _ := s.Sample()
		a, err := Generate(g, d, Options{SourceDir: "/x"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Generate(g, d, Options{SourceDir: "/x"})
		if a.Hash() != b.Hash() {
			t.Fatalf("two generations of %s differ", d)
		}
		if !bytes.Contains(a.Files["model.go"], []byte("// "+Header)) {
			t.Fatal("model.go lacks the generated-code header")
		}
	}
}

// TestGeneratedProgramsBuild builds the programs of many sampled toy
// architectures together (one package each, one go build call) so that any
// shape of generated code that does not compile is caught.
func TestGeneratedProgramsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated programs")
	}
	g := loadSpace(t, "toy.nasg")
	s := dsl.NewSampler(g, 99)
	s.MaxDepth = 4
	dir := t.TempDir()
	seen := map[string]bool{}
	for i := 0; len(seen) < 25 && i < 1000; i++ {
		d, _ := s.Sample()
		if seen[d.String()] {
			continue
		}
		seen[d.String()] = true
		pkg, err := Generate(g, d, Options{SourceDir: sourceDir(t)})
		if err != nil {
			t.Fatal(err)
		}
		if err := pkg.Write(filepath.Join(dir, pkg.Hash())); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		cmd := exec.Command("go", "vet", ".")
		cmd.Dir = filepath.Join(dir, e.Name())
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			model, _ := os.ReadFile(filepath.Join(cmd.Dir, "model.go"))
			t.Fatalf("generated package does not vet: %v\n%s\n%s", err, out, model)
		}
	}
}

// TestGeneratedProgramTrains builds one program with plain `go build` where
// it was written and runs it on a small slice of real MNIST.
func TestGeneratedProgramTrains(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and trains a generated program")
	}
	g := loadSpace(t, "toy.nasg")
	d, err := g.ParseTerm("Residual(conv, id, linear)")
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := Generate(g, d, Options{SourceDir: sourceDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := pkg.Write(dir); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, filepath.Join(dir, "candidate"), "-steps", "30", "-subset", "1000", "-test", "500", "-seed", "3", "-q")
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("candidate: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), stdout.String())
	}
	var res struct {
		Status     string  `json:"status"`
		Term       string  `json:"term"`
		Accuracy   float64 `json:"accuracy"`
		Loss       float64 `json:"loss"`
		Params     int     `json:"params"`
		Steps      int     `json:"steps"`
		TestImages int     `json:"test_images"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &res); err != nil {
		t.Fatalf("stdout is not one JSON result: %v\n%s", err, stdout.String())
	}
	if res.Status != "ok" || res.Term != "Residual(conv, id, linear)" || res.Steps != 30 || res.TestImages != 500 {
		t.Fatalf("result %+v", res)
	}
	// stem conv 1->16 (144) + BN (32), conv 16->16 (2304) + BN (32), linear
	// as a 1x1 conv (256), head linear 16->10 with bias (170).
	if want := 144 + 32 + 2304 + 32 + 256 + 170; res.Params != want {
		t.Errorf("params = %d, want %d", res.Params, want)
	}
	// 30 steps of SGD on MNIST beat chance (10%; on 500 images three
	// standard deviations are 4 points).
	if res.Accuracy < 0.14 || res.Accuracy > 1 {
		t.Errorf("accuracy %.3f after 30 steps", res.Accuracy)
	}
}

// TestUnsupportedOperation: the checker accepts operations the runtime
// does not have yet; Generate refuses them with an error that names the
// operation, the space and the primitive, instead of emitting code.
func TestUnsupportedOperation(t *testing.T) {
	tests := []struct {
		space, arch, want string
	}{
		{"hnb201.nasg", "Linear3(Linear3(Linear2(Cell(id, id, id, id, id, avg_pool), Cell(id, id, id, id, id, id)), Linear2(Cell(id, id, id, id, id, id), Cell(id, id, id, id, id, id)), Linear2(Cell(id, id, id, id, id, id), resBlock)), " +
			"Linear3(Linear2(Cell(id, id, id, id, id, id), Cell(id, id, id, id, id, id)), Linear2(Cell(id, id, id, id, id, id), Cell(id, id, id, id, id, id)), Linear2(Cell(id, id, id, id, id, id), resBlock)), " +
			"Linear3(Linear2(Cell(id, id, id, id, id, id), Cell(id, id, id, id, id, id)), Linear2(Cell(id, id, id, id, id, id), Cell(id, id, id, id, id, id)), Cell(id, id, id, id, id, id)))",
			"operation avgpool is not in the runtime yet (space hnb201, primitive avg_pool); gen, train and search need it"},
		{"actfn.nasg", "Binary(add, Unary(id), Unary(id))",
			"topology Binary applies its slot op to 2 tensors; binary slots are not in the runtime yet (space actfn); gen, train and search need them"},
	}
	for _, tt := range tests {
		g := loadSpace(t, tt.space)
		d, err := g.ParseTerm(tt.arch)
		if err != nil {
			t.Fatalf("%s: %v", tt.space, err)
		}
		pkg, err := Generate(g, d, Options{SourceDir: sourceDir(t)})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Generate = %v, %v; want error %q", tt.space, pkg != nil, err, tt.want)
		}
	}
}
