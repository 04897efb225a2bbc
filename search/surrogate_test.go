package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search/gp"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// Values computed by hand (see the comments).
func TestSurrogateRankCorrelations(t *testing.T) {
	// No ties: y = [3 1 2 5 4] against x ascending. Of the 10 pairs, 7 are
	// concordant and 3 discordant: τ = (7−3)/10 = 0.4. Rank differences
	// [−2 1 1 −1 1], Σd² = 8: ρ = 1 − 6·8/(5·24) = 0.6.
	x, y := []float64{1, 2, 3, 4, 5}, []float64{3, 1, 2, 5, 4}
	if got := KendallTau(x, y); !near(got, 0.4) {
		t.Errorf("tau = %v, want 0.4", got)
	}
	if got := SpearmanRho(x, y); !near(got, 0.6) {
		t.Errorf("rho = %v, want 0.6", got)
	}
	// Ties: x = [1 2 2 3], y = [1 3 2 2]. Pairs: (0,1) (0,2) (0,3)
	// concordant, (1,3) discordant, (1,2) tied in x, (2,3) tied in y:
	// τ-b = (3−1)/√(5·5) = 0.4. Average ranks [1 2.5 2.5 4] and
	// [1 4 2.5 2.5]: deviations [−1.5 0 0 1.5] and [−1.5 1.5 0 0],
	// ρ = 2.25/√(4.5·4.5) = 0.5.
	x, y = []float64{1, 2, 2, 3}, []float64{1, 3, 2, 2}
	if got := KendallTau(x, y); !near(got, 0.4) {
		t.Errorf("tau-b = %v, want 0.4", got)
	}
	if got := Ranks(y); fmt.Sprint(got) != "[1 4 2.5 2.5]" {
		t.Errorf("ranks = %v", got)
	}
	if got := SpearmanRho(x, y); !near(got, 0.5) {
		t.Errorf("rho = %v, want 0.5", got)
	}
	// Perfect and reversed orders; Pearson of a line.
	up, down := []float64{1, 2, 3}, []float64{9, 4, 1}
	if KendallTau(up, down) != -1 || SpearmanRho(up, down) != -1 || KendallTau(up, up) != 1 {
		t.Error("perfect orders")
	}
	if got := PearsonR(up, []float64{2, 4, 6}); !near(got, 1) {
		t.Errorf("pearson = %v", got)
	}
	// Undefined: constant input, fewer than two points.
	for _, v := range []float64{
		KendallTau(up, []float64{1, 1, 1}), SpearmanRho([]float64{2, 2}, []float64{1, 2}),
		KendallTau(nil, nil), PearsonR([]float64{1}, []float64{1}), GaussianNLL(nil, nil, nil),
		GaussianNLL([]float64{0}, []float64{0}, []float64{0}),
	} {
		if !math.IsNaN(v) {
			t.Errorf("got %v, want NaN", v)
		}
	}
	// NLL of N(0, 1): ½log 2π at the mean, plus ½ one s.d. away.
	if got := GaussianNLL([]float64{0, 1}, []float64{0, 0}, []float64{1, 1}); !near(got, 0.5*math.Log(2*math.Pi)+0.25) {
		t.Errorf("nll = %v", got)
	}
}

func TestSurrogateSummary(t *testing.T) {
	s := summarizeSeeds([]float64{1, math.NaN(), 3})
	if s.N != 2 || s.Mean != 2 || !near(s.SE, 1) { // sd √2, se √2/√2
		t.Errorf("%+v", s)
	}
	b, err := json.Marshal(summarizeSeeds([]float64{math.NaN()}))
	if err != nil || string(b) != `{"mean":null,"se":null,"n":0,"values":[null]}` {
		t.Errorf("%s %v", b, err)
	}
}

// failingCellScore is cellScore, with architectures whose cell has three
// or more pools failing (as error 1).
type failingCellScore struct {
	mu sync.Mutex
	cellScore
}

func (c *failingCellScore) Evaluate(ctx context.Context, t *Trial, d *dsl.Derivation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cellScore.Evaluate(ctx, t, d)
	cell := t.Term[strings.Index(t.Term, "Cell("):]
	if strings.Count(cell[:strings.Index(cell, ")")], "avg_pool") >= 3 {
		t.State, t.Failure, t.Accuracy = StateFailed, FailCrash, 0
	}
}

// constScore gives every architecture the same accuracy.
type constScore struct{}

func (constScore) Evaluate(ctx context.Context, t *Trial, d *dsl.Derivation) {
	t.State, t.Accuracy = StateDone, 0.5
}

func surrogateRun(t *testing.T, g *dsl.Grammar, name string, evals int, seed uint64, ev Evaluator) *Run {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if _, err := Random(context.Background(), Config{Grammar: g, Evaluations: evals, Seed: seed, RunDir: dir, Evaluator: ev}); err != nil {
		t.Fatal(err)
	}
	r, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The WL kernels learn the cell landscape: with 60 training trials their
// predictions rank the held-out trials well. The study is deterministic
// whatever the number of workers.
func TestSurrogateStudy(t *testing.T) {
	if testing.Short() {
		t.Skip("fits Gaussian processes")
	}
	g := nb201(t)
	runs := []*Run{
		surrogateRun(t, g, "a", 70, 1, &failingCellScore{}),
		surrogateRun(t, g, "b", 50, 2, &failingCellScore{}),
	}
	cfg := SurrogateConfig{NTrain: []int{60, 10, 200}, Seeds: 4, Test: 50, Seed: 3, Workers: 3}
	rep, err := SurrogateStudy(context.Background(), runs, g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	WriteSurrogate(&out, rep)
	t.Log("\n" + out.String())
	if rep.Trials != 120 || fmt.Sprint(rep.NTrain) != "[10 60]" || fmt.Sprint(rep.Skipped) != "[200]" || len(rep.Cells) != 6 {
		t.Fatalf("trials %d, n_train %v, skipped %v, %d cells", rep.Trials, rep.NTrain, rep.Skipped, len(rep.Cells))
	}
	failed := 0
	for _, r := range runs {
		for _, tr := range r.Trials {
			if tr.State == StateFailed {
				failed++
			}
		}
	}
	if failed == 0 {
		t.Error("no failed trial in the history")
	}
	for _, k := range []string{"hwl", "wl"} {
		c := rep.Cell(k, 60)
		if c.NTest != 50 || c.Kendall.N != 4 || c.Failed != 0 {
			t.Fatalf("%s: %+v", k, c)
		}
		if c.Kendall.Mean < 0.4 || c.Spearman.Mean < 0.5 {
			t.Errorf("%s at n_train 60: Kendall tau %.3f, Spearman %.3f; want ≥ 0.4, ≥ 0.5", k, c.Kendall.Mean, c.Spearman.Mean)
		}
		if c.NLL.Mean >= rep.Cell(k, 10).NLL.Mean {
			t.Errorf("%s: NLL %.3f at n_train 60 not below %.3f at 10", k, c.NLL.Mean, rep.Cell(k, 10).NLL.Mean)
		}
	}
	if !strings.Contains(out.String(), "Kendall tau-b") || !strings.Contains(out.String(), "n_train 200 skipped") {
		t.Errorf("output:\n%s", out.String())
	}

	cfg.Workers = 1
	again, err := SurrogateStudy(context.Background(), runs, g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(rep)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Errorf("results differ with 1 worker:\n%s\n%s", a, b)
	}
}

// Degenerate inputs give errors or undefined (NaN) metrics, never a panic.
func TestSurrogateDegenerate(t *testing.T) {
	g := nb201(t)
	ctx := context.Background()
	fast := gp.Config{HGrid: []int{}, AdamSteps: 2}
	if _, err := SurrogateStudy(ctx, nil, g, SurrogateConfig{}); err == nil {
		t.Error("no runs: no error")
	}
	empty := &Run{Dir: "empty", Meta: nil}
	if _, err := SurrogateStudy(ctx, []*Run{empty}, g, SurrogateConfig{}); err == nil || !strings.Contains(err.Error(), "no finished trials") {
		t.Errorf("0 trials: %v", err)
	}
	few := surrogateRun(t, g, "few", 12, 1, &cellScore{})
	if _, err := SurrogateStudy(ctx, []*Run{few}, g, SurrogateConfig{GP: fast}); err == nil || !strings.Contains(err.Error(), "too few") {
		t.Errorf("12 trials, n_train from 10: %v", err)
	}
	if _, err := SurrogateStudy(ctx, []*Run{few}, g, SurrogateConfig{NTrain: []int{0}}); err == nil {
		t.Error("n_train 0: no error")
	}

	// All losses equal: the correlations are undefined, the NLL is not.
	same := surrogateRun(t, g, "same", 20, 2, constScore{})
	rep, err := SurrogateStudy(ctx, []*Run{same}, g, SurrogateConfig{NTrain: []int{5}, Seeds: 2, GP: fast})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Cells {
		if c.Kendall.N != 0 || c.Spearman.N != 0 || c.NLL.N+c.Failed != 2 {
			t.Errorf("%+v", c)
		}
	}
	var out strings.Builder
	WriteSurrogate(&out, rep)
	if !strings.Contains(out.String(), "undefined") {
		t.Errorf("output:\n%s", out.String())
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}

	// Runs of two spaces are not pooled.
	other := *same
	other.Dir = "other"
	m := *same.Meta
	m.SpaceHash, m.SpaceName = "0123456789abcdef", "other"
	other.Meta = &m
	if _, err := SurrogateStudy(ctx, []*Run{same, &other}, g, SurrogateConfig{}); err == nil || !strings.Contains(err.Error(), "another space") {
		t.Errorf("mixed spaces: %v", err)
	}
}

func ExampleKendallTau() {
	pred := []float64{0.1, 0.4, 0.3, 0.9}
	loss := []float64{1, 2, 3, 4}
	fmt.Printf("tau %.3f, rho %.3f\n", KendallTau(pred, loss), SpearmanRho(pred, loss))
	// Output: tau 0.667, rho 0.800
}
