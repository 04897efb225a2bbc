package search

import (
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var bar, log strings.Builder
	for _, p := range []Progress{&BarProgress{W: &bar}, &LogProgress{W: &log}} {
		run := &Run{Trials: []*Trial{{ID: 1, Term: "conv", State: StateDone, Accuracy: 0.5}}}
		p.Begin(run, 4, 2)
		t2 := &Trial{ID: 2, Term: "Seq(conv, conv)", State: StateRunning}
		p.Started(t2, 1, 1)
		t2.State, t2.Accuracy = StateDone, 0.75
		run.Trials = append(run.Trials, t2)
		p.Finished(t2, run, 2)
		t3 := &Trial{ID: 3, Term: "id", State: StateFailed, Failure: FailBuild, Error: "undefined: x\nmore"}
		p.Started(t3, 2, 1)
		run.Trials = append(run.Trials, t3)
		p.Finished(t3, run, 3)
		p.End(run)
	}
	for _, want := range []string{"[##################......] 3/4", "ETA ", "best 75.00% Seq(conv, conv)", "trial 3 failed (build): undefined: x ...\n"} {
		if !strings.Contains(bar.String(), want) {
			t.Errorf("bar lacks %q:\n%q", want, bar.String())
		}
	}
	for _, want := range []string{"[2/4] trial 2: Seq(conv, conv)\n", "[2/4] trial 2 accuracy 75.00%", "ETA ", "incumbent: 75.00%  Seq(conv, conv)", "[3/4] trial 3 failed (build): undefined: x ..."} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}
