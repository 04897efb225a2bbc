package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search/store"
)

// Trial is one architecture of a run and, once finished, its result.
type Trial = store.Trial

// Trial states (see package store) and the failure kinds the search itself
// assigns; executors and candidates add theirs (nan_loss, oom, ...).
const (
	StatePending = store.Pending
	StateRunning = store.Running
	StateDone    = store.Done
	StateFailed  = store.Failed

	FailBuild       = "build"
	FailTimeout     = "timeout"
	FailCrash       = "crash"
	FailInterrupted = "interrupted"
	FailInternal    = "internal"
)

// Evaluator trains one architecture and fills in the trial's result: State
// StateDone with the result, or StateFailed with a Failure kind. It reports
// every failure in the trial, never by panicking. It must be safe for
// concurrent use when the search runs several workers.
type Evaluator interface {
	Evaluate(ctx context.Context, t *Trial, d *dsl.Derivation)
}

// Settings are a run's settings as recorded in its store.
type Settings struct {
	Strategy    string             `json:"strategy"`
	Evaluations int                `json:"evaluations"`
	Seed        uint64             `json:"seed"`
	MaxDepth    int                `json:"max_depth"`
	Timeout     time.Duration      `json:"timeout"`
	Workers     int                `json:"workers"`
	Train       dsl.TrainSettings  `json:"train"`
	Search      dsl.SearchSettings `json:"search"`
}

// SpaceHash is the hash identifying a space's source in a run.
func SpaceHash(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])[:16]
}

// Run is a search run as read from its store.
type Run struct {
	Dir      string
	Meta     *store.Meta
	Settings Settings
	Trials   []*Trial
}

// ReadRun reads a run directory's store.
func ReadRun(dir string) (*Run, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return readRun(dir, st)
}

func readRun(dir string, st *store.Store) (*Run, error) {
	m, err := st.Meta()
	if err != nil {
		return nil, err
	}
	run := &Run{Dir: dir, Meta: m}
	if len(m.Settings) > 0 {
		if err := json.Unmarshal(m.Settings, &run.Settings); err != nil {
			return nil, fmt.Errorf("%s: settings: %v", dir, err)
		}
	}
	if run.Trials, err = st.Trials(); err != nil {
		return nil, err
	}
	for _, t := range run.Trials {
		t.Dir = TrialDir(dir, t.ID)
	}
	return run, nil
}

// TrialDir is the directory of a trial's code, binary and log.
func TrialDir(runDir string, id int) string {
	return filepath.Join(runDir, "trials", fmt.Sprintf("%04d", id))
}

// Finished returns the trials that finished, with a result or a failure.
func (r *Run) Finished() []*Trial {
	var out []*Trial
	for _, t := range r.Trials {
		if t.IsFinished() {
			out = append(out, t)
		}
	}
	return out
}

// Best returns the successful trial with the highest accuracy, or nil.
func (r *Run) Best() *Trial {
	ranked := r.Ranked()
	if len(ranked) == 0 || !ranked[0].OK() {
		return nil
	}
	return ranked[0]
}

// Score is what the search maximises for a successful trial: its
// Objective when the run has one (NASWOT), else its accuracy (validation
// accuracy when the recipe has a validation split).
func Score(t *Trial) float64 {
	if t.Objective != nil {
		return *t.Objective
	}
	return t.Accuracy
}

// ScoreText renders a successful trial's score: "97.50%" for an accuracy,
// "naswot 702.25" for an objective.
func ScoreText(t *Trial) string {
	if t.Objective != nil {
		return fmt.Sprintf("naswot %.2f", *t.Objective)
	}
	return fmt.Sprintf("%.2f%%", 100*t.Accuracy)
}

// Ranked returns the finished trials best first: successful ones by
// Score (ties by fewer parameters), then failed ones in order.
func (r *Run) Ranked() []*Trial {
	ts := r.Finished()
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.OK() != b.OK() {
			return a.OK()
		}
		if !a.OK() {
			return a.ID < b.ID
		}
		if sa, sb := Score(a), Score(b); sa != sb {
			return sa > sb
		}
		return a.Params < b.Params
	})
	return ts
}

// Point is one step of a run's incumbent curve.
type Point struct {
	Evaluations int     // finished trials so far
	Seconds     float64 // since the first trial started
	Accuracy    float64 // best accuracy so far
	Trial       *Trial  // the trial that finished at this point
}

// Curve returns, for every finished trial in the order they finished, the
// incumbent's accuracy at that moment.
func (r *Run) Curve() []Point {
	fin := r.Finished()
	sort.SliceStable(fin, func(i, j int) bool { return fin[i].Finished.Before(fin[j].Finished) })
	var start time.Time
	for _, t := range fin {
		if !t.Started.IsZero() && (start.IsZero() || t.Started.Before(start)) {
			start = t.Started
		}
	}
	var pts []Point
	best, have := 0.0, false
	for i, t := range fin {
		if t.OK() && (!have || Score(t) > best) {
			best, have = Score(t), true
		}
		pts = append(pts, Point{Evaluations: i + 1, Seconds: t.Finished.Sub(start).Seconds(), Accuracy: best, Trial: t})
	}
	return pts
}

func outcome(t *Trial) string {
	if t.OK() {
		if t.Objective != nil {
			return fmt.Sprintf("naswot score %.2f", *t.Objective)
		}
		if t.TestAccuracy != 0 && t.TestAccuracy != t.Accuracy {
			return fmt.Sprintf("validation accuracy %.2f%% (test %.2f%% on %d images), %d parameters", 100*t.Accuracy, 100*t.TestAccuracy, t.TestImages, t.Params)
		}
		return fmt.Sprintf("accuracy %.2f%% on %d test images, %d parameters", 100*t.Accuracy, t.TestImages, t.Params)
	}
	msg := "failed (" + t.Failure + ")"
	if t.Error != "" {
		msg += ": " + firstLine(t.Error)
	}
	return msg
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// WriteTable prints the ranked trials and the best architecture.
func WriteTable(w io.Writer, r *Run) {
	ranked := r.Ranked()
	if len(ranked) == 0 {
		fmt.Fprintln(w, "no trials")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := "accuracy"
	if ranked[0].Objective != nil {
		head = "score"
	}
	fmt.Fprintf(tw, "rank\ttrial\t%s\tloss\tparams\tseconds\tarchitecture\n", head)
	for i, t := range ranked {
		acc, loss := "-", "-"
		rank := fmt.Sprint(i + 1)
		if t.OK() {
			acc = ScoreText(t)
			if t.Objective == nil { // a zero-cost score has no training loss
				loss = fmt.Sprintf("%.4f", t.Loss)
			}
		} else {
			rank = "-"
			acc = "failed: " + t.Failure
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%.0f\t%s\n", rank, t.ID, acc, loss, t.Params, t.Seconds, t.Term)
	}
	tw.Flush()
	best := r.Best()
	if best == nil {
		fmt.Fprintln(w, "\nno candidate finished; see the log.txt of each trial")
		return
	}
	WriteBest(w, best)
}

// WriteBest prints the best architecture, its accuracy and its code.
func WriteBest(w io.Writer, best *Trial) {
	fmt.Fprintf(w, "\nbest architecture: %s\n", best.Term)
	fmt.Fprintf(w, "result:            %s\n", outcome(best))
	fmt.Fprintf(w, "code:              %s\n", best.Dir)
}
