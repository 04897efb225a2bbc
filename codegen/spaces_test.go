package codegen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nasgc/nasgc/dsl"
)

// spaceFiles are the spaces of testdata/spaces.
func spaceFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "spaces", "*.nasg"))
	if len(files) < 5 {
		t.Fatalf("%d spaces in testdata/spaces, want at least 5", len(files))
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return files
}

// sampleArchs generates the packages of n sampled architectures of a space.
func sampleArchs(t *testing.T, space string, n int, seed uint64) []*Package {
	pkgs, _ := sampleArchsParams(t, space, n, seed)
	return pkgs
}

// sampleArchsParams is sampleArchs that also returns each architecture's
// parameter count as the grammar computes it (dsl.Grammar.Graph).
func sampleArchsParams(t *testing.T, space string, n int, seed uint64) ([]*Package, []int64) {
	t.Helper()
	g := loadSpace(t, space)
	s := dsl.NewSampler(g, seed)
	var pkgs []*Package
	var params []int64
	for tries := 0; len(pkgs) < n && tries < 20*n; tries++ {
		d, err := s.Sample()
		if err != nil || d == nil {
			continue
		}
		pkg, err := Generate(g, d, Options{SourceDir: sourceDir(t)})
		if err != nil {
			t.Fatalf("%s: %s: %v", space, d, err)
		}
		gr, err := g.Graph(d)
		if err != nil {
			t.Fatalf("%s: %s: %v", space, d, err)
		}
		pkgs, params = append(pkgs, pkg), append(params, gr.Params)
	}
	if len(pkgs) < n {
		t.Fatalf("%s: only %d of %d samples", space, len(pkgs), n)
	}
	return pkgs, params
}

// exportImporter returns a types importer that reads the compiled export
// data of the runtime's packages and their dependencies (one `go list
// -export` call, which compiles them if the build cache lacks them).
func exportImporter(t *testing.T, fset *token.FileSet) types.ImporterFrom {
	t.Helper()
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", nnPath, trainPath, "os")
	cmd.Dir = sourceDir(t)
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok && file != "" {
			exports[path] = file
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	}).(types.ImporterFrom)
}

// withModel resolves the generated model package, and others with imp.
type withModel struct {
	imp   types.Importer
	model *types.Package
}

func (w withModel) Import(path string) (*types.Package, error) {
	if path == modelPath {
		return w.model, nil
	}
	return w.imp.Import(path)
}

// typeCheck type-checks a generated package's two Go packages, as the
// compiler would, and returns the first error.
func typeCheck(fset *token.FileSet, imp types.ImporterFrom, pkg *Package) error {
	parse := func(name string) (*ast.File, error) {
		return parser.ParseFile(fset, name, pkg.Files[name], parser.SkipObjectResolution)
	}
	mf, err := parse(ModelFile)
	if err != nil {
		return err
	}
	model, err := (&types.Config{Importer: imp}).Check(modelPath, fset, []*ast.File{mf}, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", ModelFile, err)
	}
	main, err := parse("main.go")
	if err != nil {
		return err
	}
	if _, err := (&types.Config{Importer: withModel{imp, model}}).Check("candidate", fset, []*ast.File{main}, nil); err != nil {
		return fmt.Errorf("main.go: %w", err)
	}
	return nil
}

// TestSampledArchitecturesCompile generates 100 sampled architectures of
// every space of testdata/spaces and type-checks both packages of each
// (model and main) against the compiled runtime, in process: what `go
// build` would reject, this rejects, for a fraction of its cost.
func TestSampledArchitecturesCompile(t *testing.T) {
	fset := token.NewFileSet()
	imp := exportImporter(t, fset)
	// The check catches what the compiler would.
	bad := sampleArchs(t, "toy.nasg", 1, 1)[0]
	bad.Files[ModelFile] = bytes.Replace(bad.Files[ModelFile], []byte("b.BatchNorm(x)"), []byte("b.BatchNorm(x, 1)"), 1)
	if err := typeCheck(fset, imp, bad); err == nil || !strings.Contains(err.Error(), "too many arguments") {
		t.Fatalf("type-checking a broken program: %v", err)
	}
	start := time.Now()
	total := 0
	for _, space := range spaceFiles(t) {
		for _, pkg := range sampleArchs(t, space, 100, 1) {
			if err := typeCheck(fset, imp, pkg); err != nil {
				t.Fatalf("%s: %s: generated code does not compile: %v\n%s", space, pkg.Term, err, pkg.Files[ModelFile])
			}
			total++
		}
	}
	t.Logf("type-checked %d generated programs in %v", total, time.Since(start).Round(time.Millisecond))
}

// harness is the main package of TestSampledArchitecturesTrain's module:
// it imports every generated model package (p0, p1, ...), builds each
// network's training graph at batch 4 and checks its output shape, and
// trains those marked for it with plain SGD on one fixed batch of random
// images and labels. It prints one JSON line per architecture.
const harness = `package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/nasgc/nasgc/runtime/nn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
%s)

type arch struct {
	term    string
	model   nn.Model
	input   [3]int
	classes int
	steps   int
}

var archs = []arch{
%s}

type result struct {
	Term   string
	Params int
	Err    string
	Losses []float64
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	for _, a := range archs {
		r := result{Term: a.term}
		if err := run(a, &r); err != nil {
			r.Err = err.Error()
		}
		enc.Encode(r)
	}
}

func run(a arch, r *result) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %%v", p)
		}
	}()
	const batch = 4
	net := nn.NewNet(nn.Float32, 1)
	b, in, out, err := net.Build(nn.Train, a.model, batch, a.input[0], a.input[1], a.input[2])
	if err != nil {
		return err
	}
	r.Params = net.NumParams()
	if s := out.Shape(); len(s) != 2 || s[0] != batch || s[1] != a.classes {
		return fmt.Errorf("output %%v, want (%%d, %%d)", out, batch, a.classes)
	}
	if a.steps == 0 {
		return nil
	}
	target := b.Input("target", batch, a.classes)
	loss := b.CrossEntropy(out, target)
	lv := b.Read(loss)
	if err := b.Grads(loss); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, batch*a.input[0]*a.input[1]*a.input[2])
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]float32, batch*a.classes)
	for i := 0; i < batch; i++ {
		y[i*a.classes+rng.IntN(a.classes)] = 1
	}
	if err := G.Let(in.Node(), tensor.New(tensor.WithShape(in.Shape()...), tensor.WithBacking(x))); err != nil {
		return err
	}
	if err := G.Let(target.Node(), tensor.New(tensor.WithShape(batch, a.classes), tensor.WithBacking(y))); err != nil {
		return err
	}
	vm, err := b.Machine()
	if err != nil {
		return err
	}
	defer vm.Close()
	for step := 0; step < a.steps; step++ {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			return err
		}
		l := float64((*lv).Data().(float32))
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return fmt.Errorf("loss %%v at step %%d after %%v", l, step, r.Losses)
		}
		r.Losses = append(r.Losses, l)
		// SGD with the gradient clipped to norm 1: some sampled networks
		// (sums of unnormalised skip paths) start with huge logits.
		var grads [][]float32
		var norm float64
		for _, p := range b.ParamNodes() {
			g, err := p.Grad()
			if err != nil {
				return err
			}
			gd := g.Data().([]float32)
			for _, v := range gd {
				norm += float64(v) * float64(v)
			}
			grads = append(grads, gd)
		}
		lr := 0.05 / math.Max(1, math.Sqrt(norm))
		for i, gd := range grads {
			w := net.Params()[i].Value.Float32s()
			for j := range w {
				w[j] -= float32(lr) * gd[j]
				gd[j] = 0
			}
		}
	}
	return nil
}
`

// TestSampledArchitecturesTrain compiles 100 sampled architectures of
// every space for real, as one Go module with one package per
// architecture (one `go vet` and one `go build` of a program importing
// all 500), then runs that program: it builds every network's training
// graph (its parameters must be those the grammar counts) and trains two
// of each space for 6 steps on a fixed batch: the loss must fall. (go vet
// runs on the program and one package per space.)
func TestSampledArchitecturesTrain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and trains generated programs")
	}
	const perSpace, trained, steps = 100, 2, 6
	dir := t.TempDir()
	var imports, entries strings.Builder
	var gomod []byte
	vet := []string{"vet", "."} // the harness and one model package per space
	k := 0
	wantParams := map[string]int64{}
	for _, space := range spaceFiles(t) {
		pkgs, params := sampleArchsParams(t, space, perSpace, 2)
		for i, pkg := range pkgs {
			wantParams[pkg.Term] = params[i]
			gomod = pkg.Files["go.mod"]
			path := filepath.Join(dir, fmt.Sprintf("p%d", k), ModelFile)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, pkg.Files[ModelFile], 0o644); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				vet = append(vet, fmt.Sprintf("./p%d/model", k))
			}
			s := 0
			if i < trained {
				s = steps
			}
			fmt.Fprintf(&imports, "\tp%d \"candidate/p%d/model\"\n", k, k)
			fmt.Fprintf(&entries, "\t{p%d.Term, p%d.Network, p%d.Input, p%d.Classes, %d},\n", k, k, k, k, s)
			k++
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(fmt.Sprintf(harness, imports.String(), entries.String())), 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd := func(args ...string) {
		t.Helper()
		start := time.Now()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("go %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	}
	goCmd(vet...)
	goCmd("build", "-o", "harness", ".")
	start := time.Now()
	cmd := exec.Command(filepath.Join(dir, "harness"))
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("harness: %v\n%s", err, out)
	}
	t.Logf("built %d training graphs and trained %d networks in %v", k, trained*len(spaceFiles(t)), time.Since(start).Round(time.Millisecond))
	n := 0
	for dec := json.NewDecoder(bytes.NewReader(out)); ; n++ {
		var r struct {
			Term   string
			Params int
			Err    string
			Losses []float64
		}
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if r.Err != "" {
			t.Errorf("%s: %s", r.Term, r.Err)
			continue
		}
		if want := wantParams[r.Term]; int64(r.Params) != want {
			t.Errorf("%s: the network has %d parameters, the grammar counts %d", r.Term, r.Params, want)
		}
		if len(r.Losses) == 0 {
			continue
		}
		first, last := r.Losses[0], r.Losses[len(r.Losses)-1]
		if math.IsNaN(last) || math.IsInf(last, 0) || !(last < first) {
			t.Errorf("%s: the loss did not fall in %d steps: %v", r.Term, steps, r.Losses)
		}
	}
	if n != k {
		t.Errorf("%d results for %d architectures", n, k)
	}
}
