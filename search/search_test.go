package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/dsl"
)

func TestRanked(t *testing.T) {
	r := &Run{Trials: []*Trial{
		{ID: 1, Status: StatusFailed, Failure: FailBuild},
		{ID: 2, Status: StatusOK, Accuracy: 0.5, Params: 10},
		{ID: 3, Status: StatusOK, Accuracy: 0.9, Params: 30},
		{ID: 4, Status: StatusOK, Accuracy: 0.9, Params: 20},
		{ID: 5, Status: StatusFailed, Failure: FailTimeout},
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
	if (&Run{Trials: []*Trial{{ID: 1, Status: StatusFailed}}}).Best() != nil {
		t.Error("a run with only failures has no best trial")
	}
}

// scoreByTerm is an evaluator for testing the loop itself: it scores an
// architecture by its length and fails those containing "id" as crashes,
// as a candidate that crashed would come back from a real executor.
type scoreByTerm struct{ calls int }

func (s *scoreByTerm) Evaluate(_ context.Context, t *Trial, d *dsl.Derivation) {
	s.calls++
	if strings.Contains(t.Term, "id") {
		t.Status, t.Failure, t.Error = StatusFailed, FailCrash, "exit status 2"
		return
	}
	t.Status, t.Accuracy = StatusOK, 1/float64(len(t.Term))
}

func TestRandomRecordsEveryTrial(t *testing.T) {
	src, err := os.ReadFile("../testdata/spaces/toy.nasg")
	if err != nil {
		t.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck("toy.nasg", src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
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
	if len(back.Trials) != 12 || back.Best().Term != run.Best().Term {
		t.Errorf("read back %d trials, best %v", len(back.Trials), back.Best())
	}
	if !strings.Contains(out.String(), "best architecture: "+run.Best().Term) || !strings.Contains(out.String(), "failed: crash") {
		t.Errorf("table:\n%s", out.String())
	}
	if _, err := Random(context.Background(), Config{Grammar: g, Evaluations: 1, RunDir: dir, Evaluator: ev}); err == nil || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("second search into the same run directory: %v", err)
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
	run, err := Random(context.Background(), Config{Grammar: g, Evaluations: 5, RunDir: t.TempDir(), Evaluator: &scoreByTerm{}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Trials) != 2 || !strings.Contains(log.String(), "exhausted") {
		t.Errorf("%d trials; log:\n%s", len(run.Trials), log.String())
	}
}
