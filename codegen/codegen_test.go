package codegen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
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
		for _, name := range []string{"main.go", ModelFile} {
			if !bytes.HasPrefix(a.Files[name], []byte("// "+Header+"\n")) {
				t.Fatalf("%s lacks the generated-code header", name)
			}
		}
	}
}

// TestGeneratedProgramTrains builds one program with plain `go build` where
// it was written, runs it on a small slice of real MNIST with -weights, and
// then reuses the generated package from another program
// (testdata/classify, in a module of its own): loading the saved weights
// through the package's Load, it must classify the same test images with
// the same accuracy.
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
	root := t.TempDir()
	dir := filepath.Join(root, "cand")
	if err := pkg.Write(dir); err != nil {
		t.Fatal(err)
	}
	goBuild := func(dir string) {
		t.Helper()
		build := exec.Command("go", "build")
		build.Dir = dir
		build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build in %s: %v\n%s", dir, err, out)
		}
	}
	goBuild(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	weights := filepath.Join(root, "weights.bin")
	run := exec.CommandContext(ctx, filepath.Join(dir, "candidate"), "-steps", "30", "-subset", "1000", "-test", "500", "-seed", "3", "-q", "-weights", weights)
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("candidate: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), stdout.String())
	}
	var res struct {
		Status       string  `json:"status"`
		Term         string  `json:"term"`
		Accuracy     float64 `json:"accuracy"`
		TestAccuracy float64 `json:"test_accuracy"`
		Loss         float64 `json:"loss"`
		Params       int     `json:"params"`
		Steps        int     `json:"steps"`
		TestImages   int     `json:"test_images"`
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
	if res.TestAccuracy < 0.14 || res.TestAccuracy > 1 {
		t.Errorf("test accuracy %.3f after 30 steps", res.TestAccuracy)
	}

	// Another program imports the generated package and loads the weights.
	cl := filepath.Join(root, "classify")
	src, err := os.ReadFile(filepath.Join("testdata", "classify", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	mod := strings.Replace(string(pkg.Files["go.mod"]), "\nmodule candidate\n", "\nmodule classify\n", 1) +
		"\nrequire candidate v0.0.0-00010101000000-000000000000\n\nreplace candidate => ../cand\n"
	for name, data := range map[string][]byte{"go.mod": []byte(mod), "go.sum": pkg.Files["go.sum"], "main.go": src} {
		if err := os.MkdirAll(cl, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cl, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goBuild(cl)
	out, err := exec.CommandContext(ctx, filepath.Join(cl, "classify"), "-weights", weights, "-test", "500").CombinedOutput()
	if err != nil {
		t.Fatalf("classify: %v\n%s", err, out)
	}
	var correct, n int
	if _, err := fmt.Sscanf(string(out), "%d of %d correct", &correct, &n); err != nil {
		t.Fatalf("classify printed %q: %v", out, err)
	}
	t.Logf("the training program: test accuracy %.4f; the reusing program: %d of %d", res.TestAccuracy, correct, n)
	if n != res.TestImages || correct != int(math.Round(res.TestAccuracy*float64(n))) {
		t.Errorf("the reusing program classified %d of %d right; the training program reported test accuracy %.4f on %d images",
			correct, n, res.TestAccuracy, res.TestImages)
	}
}

// TestUnsupportedOperation: codegen refuses an operation whose Runtime
// flag is false with an error that names the operation, the space and the
// primitive, instead of emitting code. (Every operation of dsl.Ops is in
// the runtime: the test clears the flag on a copy.)
func TestUnsupportedOperation(t *testing.T) {
	g := loadSpace(t, "actfn.nasg")
	d, err := g.ParseTerm("Binary(add, Unary(sinc), Unary(id))")
	if err != nil {
		t.Fatal(err)
	}
	op := g.Terminals["sinc"].Ops[0]
	spec := *op.Spec
	spec.Runtime = false
	op.Spec = &spec
	const want = "operation sinc is not in the runtime yet (space actfn, primitive sinc); gen, train and search need it"
	if _, err := Generate(g, d, Options{SourceDir: sourceDir(t)}); err == nil || err.Error() != want {
		t.Errorf("Generate: %v; want error %q", err, want)
	}
}

// Every operation of the language is in the runtime, and codegen maps each.
func TestEveryOperationGenerates(t *testing.T) {
	gen := &generator{g: &dsl.Grammar{Classes: 10}}
	for name, spec := range dsl.Ops {
		if !spec.Runtime {
			t.Errorf("operation %s: Runtime is false", name)
		}
		op := &dsl.Op{Name: name, Spec: spec, Args: map[string]float64{}, Text: map[string]string{}}
		for _, p := range spec.Params {
			op.Args[p.Name] = max(p.Default, 1)
		}
		var code string
		if spec.Arity() == 2 {
			code = fmt.Sprintf("%#v", gen.binaryOp(op))
		} else {
			code = fmt.Sprintf("%#v", gen.op(op))
		}
		if strings.Contains(code, "unsupportedOperation") {
			t.Errorf("operation %s: codegen emits %s", name, code)
		}
	}
}

// TestAugmentDefault checks that the train block's augment reaches the
// program's defaults, and that nothing is written without one.
func TestAugmentDefault(t *testing.T) {
	g := loadSpace(t, "toy.nasg")
	d, err := g.ParseTerm("conv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ augment, want string }{{"", ""}, {"none", ""}, {"flip", `Augment: "flip"`}, {"crop_flip", `Augment: "crop_flip"`}} {
		g.Train.Augment = c.augment
		pkg, err := Generate(g, d, Options{SourceDir: "/x"})
		if err != nil {
			t.Fatal(err)
		}
		main := string(pkg.Files["main.go"])
		if has := strings.Contains(main, "Augment"); has != (c.want != "") {
			t.Errorf("augment %q: main.go mentions Augment: %v\n%s", c.augment, has, main)
		}
		if c.want != "" && !strings.Contains(strings.Join(strings.Fields(main), " "), c.want) {
			t.Errorf("augment %q: main.go lacks %s\n%s", c.augment, c.want, main)
		}
	}
}
