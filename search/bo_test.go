package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/internal/cputime"
	"github.com/nasgc/nasgc/search/gp"
)

func nb201(t testing.TB) *dsl.Grammar {
	t.Helper()
	src, err := os.ReadFile("../testdata/spaces/nb201.nasg")
	if err != nil {
		t.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck("nb201.nasg", src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return g
}

// cellScore evaluates an architecture by a known function of its cell:
// the more 3x3 convolutions and the fewer pools, the better — a landscape
// with structure the kernels can learn.
type cellScore struct{ calls int }

func (c *cellScore) Evaluate(ctx context.Context, t *Trial, d *dsl.Derivation) {
	c.calls++
	cell := t.Term[strings.Index(t.Term, "Cell("):]
	cell = cell[:strings.Index(cell, ")")]
	acc := 0.2 + 0.1*float64(strings.Count(cell, "conv3x3")) + 0.03*float64(strings.Count(cell, "conv1x1")) - 0.05*float64(strings.Count(cell, "avg_pool"))
	t.State, t.Accuracy = StateDone, acc
}

func bestAccuracy(run *Run) float64 {
	best := 0.0
	for _, t := range run.Trials {
		if t.OK() && t.Accuracy > best {
			best = t.Accuracy
		}
	}
	return best
}

// Every strategy runs a search to the end without proposing an
// architecture twice; the model-based ones beat random search on a
// landscape with structure, averaged over seeds.
func TestStrategiesBeatRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("fits Gaussian processes")
	}
	g := nb201(t)
	const evals = 30
	seeds := []uint64{1, 2, 3}
	mean := map[string]float64{}
	for _, name := range []string{StrategyRandom, StrategyEvolution, StrategyBOHNAS, StrategyNASBOWL, StrategyNASBOT} {
		for _, seed := range seeds {
			st, err := NewStrategy(name, g, seed, 0)
			if err != nil {
				t.Fatal(err)
			}
			if bo, ok := st.(*BOStrategy); ok {
				// A smaller acquisition search keeps the test quick.
				bo.Evolution = gp.EvolutionConfig{PoolSize: 60, MinGenerations: 3, MaxGenerations: 6}
			}
			if ev, ok := st.(*EvolutionStrategy); ok {
				ev.Config = gp.REConfig{Population: 10, Tournament: 4}
			}
			ev := &cellScore{}
			run, err := Search(context.Background(), Config{Grammar: g, Strategy: st, Evaluations: evals, Seed: seed,
				RunDir: filepath.Join(t.TempDir(), name), Evaluator: ev})
			if err != nil {
				t.Fatalf("%s seed %d: %v", name, seed, err)
			}
			seen := map[string]bool{}
			for _, tr := range run.Trials {
				if seen[tr.Term] {
					t.Fatalf("%s proposed %s twice", name, tr.Term)
				}
				seen[tr.Term] = true
			}
			if ev.calls != evals {
				t.Fatalf("%s: %d evaluations, want %d", name, ev.calls, evals)
			}
			mean[name] += bestAccuracy(run) / float64(len(seeds))
		}
	}
	t.Logf("mean best accuracy after %d evaluations: %v", evals, mean)
	for _, name := range []string{StrategyBOHNAS, StrategyNASBOWL} {
		if mean[name] <= mean[StrategyRandom] {
			t.Errorf("%s: mean best %.3f is not above random search's %.3f", name, mean[name], mean[StrategyRandom])
		}
	}
}

// BO proposes the same architectures whether or not the run was resumed.
func TestBOProposalsDependOnHistoryOnly(t *testing.T) {
	g := nb201(t)
	a, _ := NewStrategy(StrategyBOHNAS, g, 7, 0)
	b, _ := NewStrategy(StrategyBOHNAS, g, 7, 0)
	var history []*Trial
	for i := range 12 {
		ds, err := a.Propose(context.Background(), history, 1)
		if err != nil {
			t.Fatal(err)
		}
		tr := &Trial{ID: i + 1, Term: ds[0].String(), State: StateDone, Accuracy: float64(i%5) / 10}
		history = append(history, tr)
	}
	got, err := a.Propose(context.Background(), history, 2)
	if err != nil {
		t.Fatal(err)
	}
	// A fresh strategy (a resumed run) given the same history.
	again, err := b.Propose(context.Background(), history, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i].String() != again[i].String() {
			t.Fatalf("proposal %d differs after a restart:\n%s\n%s", i, got[i], again[i])
		}
		for _, h := range history {
			if h.Term == got[i].String() {
				t.Fatalf("proposed an evaluated architecture")
			}
		}
	}
	if got[0].String() == got[1].String() {
		t.Fatal("two identical proposals in one batch")
	}
}

// The language's strategy names are the ones NewStrategy builds.
func TestStrategyNames(t *testing.T) {
	g := nb201(t)
	if strings.Join(dsl.Strategies, ",") != strings.Join(Strategies, ",") {
		t.Errorf("dsl.Strategies %v != search.Strategies %v", dsl.Strategies, Strategies)
	}
	for _, name := range Strategies {
		st, err := NewStrategy(name, g, 1, 0)
		if err != nil || st.Name() != name {
			t.Errorf("%s: %v, %v", name, st, err)
		}
	}
	if _, err := NewStrategy("bayes", g, 1, 0); err == nil {
		t.Error("unknown strategy accepted")
	}
}

// BenchmarkBOPropose400 is issue 6's target: one BOHNAS proposal (GP fit
// with the h grid and Adam, then the acquisition optimiser with the
// paper's pool of 200 and 10 to 50 generations) with 400 finished trials
// of hierarchical NAS-Bench-201, in benchPropose's three settings.
func BenchmarkBOPropose400(b *testing.B) {
	src, err := os.ReadFile("../testdata/spaces/hnb201.nasg")
	if err != nil {
		b.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck("hnb201.nasg", src)
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	s := dsl.NewSampler(g, 9)
	var hist []*Trial
	for i := range 400 {
		d, err := s.Sample()
		if err != nil {
			b.Fatal(err)
		}
		// A loss with structure: the share of 3x3 convolutions.
		term := d.String()
		acc := 0.5 + 0.4*float64(strings.Count(term, "conv3x3o"))/float64(1+strings.Count(term, "Linear3(")) - 0.01*float64(i%3)
		hist = append(hist, &Trial{ID: i + 1, Term: term, State: StateDone, Accuracy: acc})
	}
	newBO := func() *BOStrategy {
		st, _ := NewStrategy(StrategyBOHNAS, g, 1, 0)
		return st.(*BOStrategy)
	}
	bo := newBO()
	for _, gens := range []int{50, 10} {
		for _, mode := range []proposeMode{modeFirst, modeInRun, modeResume} {
			b.Run(fmt.Sprintf("generations=%d/%s", gens, mode), func(b *testing.B) {
				bo.Evolution.MaxGenerations, bo.Evolution.MinGenerations = gens, min(10, gens)
				benchPropose(b, bo, newBO, hist, mode)
			})
		}
	}
}

// proposeMode is a setting of benchPropose.
type proposeMode int

const (
	// modeFirst is the first proposal of a model: the GP fit and the
	// acquisition, the trials' features already in the model.
	modeFirst proposeMode = iota
	// modeInRun is a proposal in a run: the model of the proposal
	// before, given one more trial.
	modeInRun
	// modeResume is the first proposal of a run resumed from its store:
	// a new strategy that computes the trials' kernel graphs and
	// features, then fits and acquires.
	modeResume
)

func (m proposeMode) String() string {
	return [...]string{"first", "in-run", "resume"}[m]
}

// benchPropose times bo's proposals after history and reports the CPU
// time, the generations run and the candidates scored. Each proposal is
// made, by mode, by a new model with the observations added (a run adds
// them one by one as trials finish) but not yet fitted (modeFirst); by
// the model that made the proposal before, with one trial less, as in a
// run (modeInRun: the timed part then also adds the last trial, and the
// model's buffers have the sizes of the proposal before); or by a new
// strategy (modeResume, from newBO: the timed part also parses the
// trials' architectures and computes their kernel graphs and features).
func benchPropose(b *testing.B, bo *BOStrategy, newBO func() *BOStrategy, hist []*Trial, mode proposeMode) {
	obs, fin, err := bo.observed(hist)
	if err != nil {
		b.Fatal(err)
	}
	// The history of the proposal before: without the trial that
	// finished last.
	var before []*Trial
	for _, t := range hist {
		if t != fin[len(fin)-1] {
			before = append(before, t)
		}
	}
	var cpu time.Duration
	gens, scored := 0, 0
	inRun := mode == modeInRun
	for b.Loop() {
		b.StopTimer()
		bo.model, bo.addedIDs = nil, nil
		switch mode {
		case modeInRun:
			if _, err := bo.Propose(context.Background(), before, 1); err != nil {
				b.Fatal(err)
			}
		case modeFirst:
			if err := bo.update(obs, fin); err != nil {
				b.Fatal(err)
			}
		case modeResume:
			cfg := bo.Evolution
			bo = newBO()
			bo.Evolution = cfg
		}
		b.StartTimer()
		start := cpuTime()
		if _, err := bo.Propose(context.Background(), hist, 1); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - start
		if inRun && len(bo.addedIDs) != len(fin) {
			b.Fatalf("the model has %d trials, want %d", len(bo.addedIDs), len(fin))
		}
		gens += bo.generations
		scored += bo.scored
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(gens)/float64(b.N), "generations")
	b.ReportMetric(float64(scored)/float64(b.N), "scored")
}

// BenchmarkBOProposeRecorded is BenchmarkBOPropose400 on the trials of
// recorded runs instead of a synthetic objective, with the paper's
// acquisition (pool 200, 10 generations, then up to 50 while the best EI
// changes), to see how many generations real objectives take. It needs
// the runs: NASGC_BENCH_RUNS is a glob of run directories of one space,
// e.g. bench/naswot/runs/* after bench/naswot/run.sh; the first 400
// distinct finished architectures are the history.
func BenchmarkBOProposeRecorded(b *testing.B) {
	pattern := os.Getenv("NASGC_BENCH_RUNS")
	if pattern == "" {
		b.Skip("set NASGC_BENCH_RUNS to a glob of recorded run directories")
	}
	dirs, _ := filepath.Glob(pattern)
	var g *dsl.Grammar
	var hist []*Trial
	seen := map[string]bool{}
	for _, dir := range dirs {
		run, err := ReadRun(dir)
		if err != nil {
			continue
		}
		if g == nil {
			src, err := os.ReadFile(filepath.Join(dir, "space.nasg"))
			if err != nil {
				b.Fatal(err)
			}
			var ds dsl.Diagnostics
			if g, ds = dsl.ParseAndCheck("space.nasg", src); ds.HasErrors() {
				b.Fatal(ds)
			}
		}
		for _, t := range run.Finished() {
			if len(hist) == 400 || seen[t.Term] || t.State != StateDone {
				continue
			}
			seen[t.Term] = true
			c := *t
			c.ID = len(hist) + 1
			hist = append(hist, &c)
		}
	}
	if len(hist) < 400 {
		b.Skipf("%d distinct finished trials in %s; want 400", len(hist), pattern)
	}
	newBO := func() *BOStrategy {
		st, _ := NewStrategy(StrategyBOHNAS, g, 1, 0)
		return st.(*BOStrategy)
	}
	bo := newBO()
	for _, maxGens := range []int{50, 10} {
		for _, mode := range []proposeMode{modeFirst, modeInRun, modeResume} {
			b.Run(fmt.Sprintf("generations<=%d/%s", maxGens, mode), func(b *testing.B) {
				// The paper's defaults, with at most maxGens generations.
				bo.Evolution = gp.EvolutionConfig{MaxGenerations: maxGens}
				benchPropose(b, bo, newBO, hist, mode)
			})
		}
	}
}

// cpuTime is the process's CPU time (internal/cputime).
func cpuTime() time.Duration { return cputime.Process() }
