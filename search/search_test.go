package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nasgc/nasgc/dsl"
)

func TestRanked(t *testing.T) {
	r := &Run{Trials: []*Trial{
		{ID: 1, State: StateFailed, Failure: FailBuild},
		{ID: 2, State: StateDone, Accuracy: 0.5, Params: 10},
		{ID: 3, State: StateDone, Accuracy: 0.9, Params: 30},
		{ID: 4, State: StateDone, Accuracy: 0.9, Params: 20},
		{ID: 5, State: StateFailed, Failure: FailTimeout},
		{ID: 6, State: StatePending},
	}}
	var ids []int
	for _, tr := range r.Ranked() {
		ids = append(ids, tr.ID)
	}
	if got := fmt.Sprint(ids); got != "[4 3 2 1 5]" {
		t.Errorf("ranked %s, want [4 3 2 1 5]", got)
	}
	if r.Best().ID != 4 {
		t.Errorf("best %d", r.Best().ID)
	}
	if (&Run{Trials: []*Trial{{ID: 1, State: StateFailed}}}).Best() != nil {
		t.Error("a run with only failures has no best trial")
	}
}

// scoreByTerm is an evaluator for testing the loop itself: it scores an
// architecture by its length and fails those containing "id" as crashes,
// as a candidate that crashed would come back from a real executor. It
// cancels the search (when cancel is set) at its stopAt'th call.
type scoreByTerm struct {
	mu     sync.Mutex
	calls  int
	terms  []string
	stopAt int
	cancel context.CancelFunc
	fail   bool // fail everything
}

func (s *scoreByTerm) Evaluate(ctx context.Context, t *Trial, d *dsl.Derivation) {
	s.mu.Lock()
	s.calls++
	s.terms = append(s.terms, t.Term)
	if s.cancel != nil && s.calls == s.stopAt {
		s.cancel()
	}
	s.mu.Unlock()
	if ctx.Err() != nil {
		t.State, t.Failure = StateFailed, FailInterrupted
		return
	}
	if s.fail || strings.Contains(t.Term, "id") {
		t.State, t.Failure, t.Error = StateFailed, FailCrash, "exit status 2"
		return
	}
	t.State, t.Accuracy = StateDone, 1/float64(len(t.Term))
}

func toy(t *testing.T) *dsl.Grammar {
	t.Helper()
	src, err := os.ReadFile("../testdata/spaces/toy.nasg")
	if err != nil {
		t.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck("toy.nasg", src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return g
}

func TestRandomRecordsEveryTrial(t *testing.T) {
	g := toy(t)
	dir := filepath.Join(t.TempDir(), "run")
	ev := &scoreByTerm{}
	var out strings.Builder
	run, err := Random(context.Background(), Config{Grammar: g, Evaluations: 12, Seed: 3, MaxDepth: 2, RunDir: dir, Evaluator: ev, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if ev.calls != 12 || len(run.Trials) != 12 {
		t.Fatalf("%d calls, %d trials", ev.calls, len(run.Trials))
	}
	seen := map[string]bool{}
	failed := 0
	for _, tr := range run.Trials {
		if seen[tr.Term] {
			t.Errorf("architecture %s evaluated twice", tr.Term)
		}
		seen[tr.Term] = true
		if !tr.OK() {
			failed++
		}
	}
	if failed == 0 || failed == 12 {
		t.Fatalf("%d of 12 failed; the test needs both kinds", failed)
	}
	back, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Trials) != 12 || back.Best().Term != run.Best().Term || back.Settings.Seed != 3 || back.Meta.SpaceHash != SpaceHash(g.Source) {
		t.Errorf("read back %d trials, best %v, settings %+v", len(back.Trials), back.Best(), back.Settings)
	}
	if !strings.Contains(out.String(), "best architecture: "+run.Best().Term) || !strings.Contains(out.String(), "failed: crash") {
		t.Errorf("table:\n%s", out.String())
	}
	// The run is complete: searching it again evaluates nothing.
	ev2 := &scoreByTerm{}
	if _, err := Random(context.Background(), Config{Grammar: g, Evaluations: 12, Seed: 3, MaxDepth: 2, RunDir: dir, Evaluator: ev2}); err != nil || ev2.calls != 0 {
		t.Errorf("searching a finished run again: %v, %d calls", err, ev2.calls)
	}
	// A run of another space is never mixed into this one.
	other := *g
	other.Source = append([]byte("// changed\n"), g.Source...)
	if _, err := Random(context.Background(), Config{Grammar: &other, Evaluations: 13, RunDir: dir, Evaluator: ev}); err == nil || !strings.Contains(err.Error(), "another space") {
		t.Errorf("search of another space into the run directory: %v", err)
	}
}

// Interrupting a run and resuming it, repeatedly, gives the same trials as
// an uninterrupted run with the same seed, each evaluated to the end once.
func TestResumeIsTheSameRun(t *testing.T) {
	g := toy(t)
	want := &scoreByTerm{}
	full, err := Random(context.Background(), Config{Grammar: g, Evaluations: 10, Seed: 5, MaxDepth: 2, RunDir: t.TempDir(), Evaluator: want})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var evaluated []string
	for i, stopAt := range []int{3, 1, 4, 100} {
		ctx, cancel := context.WithCancel(context.Background())
		ev := &scoreByTerm{stopAt: stopAt, cancel: cancel}
		_, err := Random(ctx, Config{Grammar: g, Evaluations: 10, Seed: 5, MaxDepth: 2, RunDir: dir, Evaluator: ev})
		cancel()
		if stopAt < 100 && !errors.Is(err, context.Canceled) || stopAt == 100 && err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		// The evaluation cut short (the stopAt'th) is not finished.
		n := len(ev.terms)
		if stopAt < 100 {
			n--
		}
		evaluated = append(evaluated, ev.terms[:n]...)
	}
	run, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Finished()) != 10 || len(run.Trials) != 10 {
		t.Fatalf("%d finished of %d trials", len(run.Finished()), len(run.Trials))
	}
	for i, tr := range run.Trials {
		if tr.Term != full.Trials[i].Term || tr.State != full.Trials[i].State {
			t.Errorf("trial %d: %s %s, uninterrupted run: %s %s", tr.ID, tr.Term, tr.State, full.Trials[i].Term, full.Trials[i].State)
		}
	}
	if fmt.Sprint(evaluated) != fmt.Sprint(want.terms) {
		t.Errorf("evaluated to the end\n%v\nuninterrupted:\n%v", evaluated, want.terms)
	}
}

// A space with fewer architectures than evaluations ends early, not in a loop.
func TestRandomExhaustsSmallSpace(t *testing.T) {
	src := "space s\ninput image(1, 4, 4)\noutput classes(2)\nhead = globalavgpool >> linear\nprimitive a = relu\nprimitive b = identity\nS -> a | b\n"
	g, ds := dsl.ParseAndCheck("s.nasg", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	var log strings.Builder
	run, err := Random(context.Background(), Config{Grammar: g, Evaluations: 5, Workers: 2, RunDir: t.TempDir(), Evaluator: &scoreByTerm{}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Trials) != 2 || !strings.Contains(log.String(), "exhausted") {
		t.Errorf("%d trials; log:\n%s", len(run.Trials), log.String())
	}
}

func TestTooManyFailuresStop(t *testing.T) {
	g := toy(t)
	var log strings.Builder
	run, err := Random(context.Background(), Config{Grammar: g, Evaluations: 20, MaxDepth: 2, RunDir: t.TempDir(),
		Evaluator: &scoreByTerm{fail: true}, MaxConsecutiveFailures: 4, Log: &log})
	if !errors.Is(err, ErrTooManyFailures) || !strings.Contains(err.Error(), "the last 4 trials all failed (crash ×4)") || !strings.Contains(err.Error(), "exit status 2") {
		t.Fatalf("err %v", err)
	}
	if len(run.Finished()) != 4 {
		t.Errorf("%d finished trials", len(run.Finished()))
	}
}

// concurrent counts how many evaluations run at once.
type concurrent struct {
	scoreByTerm
	now, peak atomic.Int32
	gate      chan struct{}
	open      sync.Once
}

func (c *concurrent) Evaluate(ctx context.Context, t *Trial, d *dsl.Derivation) {
	n := c.now.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if n == 3 {
		// All three workers are busy at once. (Later they may be again:
		// the gate is closed once.)
		c.open.Do(func() { close(c.gate) })
	}
	<-c.gate
	c.scoreByTerm.Evaluate(ctx, t, d)
	c.now.Add(-1)
}

func TestWorkers(t *testing.T) {
	g := toy(t)
	ev := &concurrent{gate: make(chan struct{})}
	dir := t.TempDir()
	run, err := Random(context.Background(), Config{Grammar: g, Evaluations: 9, Seed: 1, MaxDepth: 2, Workers: 3, RunDir: dir, Evaluator: ev})
	if err != nil {
		t.Fatal(err)
	}
	if ev.peak.Load() != 3 || ev.calls != 9 || len(run.Finished()) != 9 {
		t.Fatalf("peak %d, %d calls, %d finished", ev.peak.Load(), ev.calls, len(run.Finished()))
	}
	back, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tr := range back.Trials {
		if !tr.IsFinished() || seen[tr.Term] || tr.Attempts != 1 {
			t.Errorf("trial %+v", tr)
		}
		seen[tr.Term] = true
	}
}
