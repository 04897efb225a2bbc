package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nasgc/nasgc/dsl"
)

// Trial states and the failure kinds the search itself assigns; executors
// and candidates add theirs (build, nan_loss, timeout, crash, oom, ...).
const (
	StatusOK     = "ok"
	StatusFailed = "failed"

	FailBuild       = "build"
	FailTimeout     = "timeout"
	FailCrash       = "crash"
	FailInterrupted = "interrupted"
	FailInternal    = "internal"
)

// Trial is one evaluated architecture and its result.
type Trial struct {
	ID     int    `json:"id"`
	Term   string `json:"term"`
	Dir    string `json:"dir"`
	Status string `json:"status"`

	Failure string `json:"failure,omitempty"`
	Error   string `json:"error,omitempty"`

	Accuracy    float64 `json:"accuracy"`
	Loss        float64 `json:"loss"`
	Params      int     `json:"params"`
	TrainImages int     `json:"train_images"`
	TestImages  int     `json:"test_images"`

	CodeHash     string  `json:"code_hash,omitempty"`
	BuildSeconds float64 `json:"build_seconds"`
	RunSeconds   float64 `json:"run_seconds"`
	Seconds      float64 `json:"seconds"`
}

// OK reports whether the trial finished with a result.
func (t *Trial) OK() bool { return t.Status == StatusOK }

// Evaluator trains one architecture and fills in the trial's result. It
// reports every failure in the trial (Status failed with a Failure kind),
// never by panicking.
type Evaluator interface {
	Evaluate(ctx context.Context, t *Trial, d *dsl.Derivation)
}

// Config is one search.
type Config struct {
	Grammar     *dsl.Grammar
	Evaluations int
	Seed        uint64
	MaxDepth    int
	RunDir      string
	Evaluator   Evaluator
	// Log receives progress lines; Out the final table.
	Log io.Writer
	Out io.Writer
}

// Run is a finished (or stopped) search.
type Run struct {
	Dir    string
	Trials []*Trial
}

// Best returns the successful trial with the highest accuracy, or nil.
func (r *Run) Best() *Trial {
	ranked := r.Ranked()
	if len(ranked) == 0 || !ranked[0].OK() {
		return nil
	}
	return ranked[0]
}

// Ranked returns the trials best first: successful ones by accuracy (ties
// by fewer parameters), then failed ones in order.
func (r *Run) Ranked() []*Trial {
	ts := append([]*Trial(nil), r.Trials...)
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.OK() != b.OK() {
			return a.OK()
		}
		if !a.OK() {
			return a.ID < b.ID
		}
		if a.Accuracy != b.Accuracy {
			return a.Accuracy > b.Accuracy
		}
		return a.Params < b.Params
	})
	return ts
}

// ResultsFile is the file in a run directory holding one JSON trial per
// line, appended as each trial ends.
const ResultsFile = "results.jsonl"

// Random runs random search: it samples distinct architectures from the
// grammar and evaluates each. A failed candidate is recorded and the search
// goes on. Cancelling ctx stops after recording the running trial as
// interrupted.
func Random(ctx context.Context, cfg Config) (*Run, error) {
	g := cfg.Grammar
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if err := prepareRunDir(cfg.RunDir, g); err != nil {
		return nil, err
	}
	results, err := os.OpenFile(filepath.Join(cfg.RunDir, ResultsFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	defer results.Close()

	sampler := dsl.NewSampler(g, cfg.Seed)
	if cfg.MaxDepth > 0 {
		sampler.MaxDepth = cfg.MaxDepth
	}
	run := &Run{Dir: cfg.RunDir}
	seen := map[string]bool{}
	start := time.Now()
	for i := 1; i <= cfg.Evaluations; i++ {
		if ctx.Err() != nil {
			break
		}
		d, err := distinct(sampler, seen)
		if err != nil {
			fmt.Fprintf(cfg.Log, "stopping after %d evaluations: %v\n", i-1, err)
			break
		}
		t := &Trial{ID: i, Term: d.String(), Dir: filepath.Join(cfg.RunDir, "trials", fmt.Sprintf("%04d", i))}
		fmt.Fprintf(cfg.Log, "[%d/%d] %s\n", i, cfg.Evaluations, t.Term)
		tStart := time.Now()
		evaluate(ctx, cfg.Evaluator, t, d)
		t.Seconds = time.Since(tStart).Seconds()
		if ctx.Err() != nil && !t.OK() {
			t.Status, t.Failure = StatusFailed, FailInterrupted
		}
		if err := appendTrial(results, t); err != nil {
			return run, fmt.Errorf("recording trial %d: %w", t.ID, err)
		}
		run.Trials = append(run.Trials, t)
		fmt.Fprintf(cfg.Log, "[%d/%d] %s  (%.0fs; %s elapsed)\n", i, cfg.Evaluations, outcome(t), t.Seconds, time.Since(start).Round(time.Second))
		if best := run.Best(); best != nil {
			fmt.Fprintf(cfg.Log, "      incumbent: %.2f%%  %s\n", 100*best.Accuracy, best.Term)
		}
	}
	WriteTable(cfg.Out, run)
	return run, ctx.Err()
}

// evaluate calls the evaluator, turning a panic into a failed trial.
func evaluate(ctx context.Context, ev Evaluator, t *Trial, d *dsl.Derivation) {
	defer func() {
		if r := recover(); r != nil {
			t.Status, t.Failure, t.Error = StatusFailed, FailInternal, fmt.Sprint(r)
		}
	}()
	ev.Evaluate(ctx, t, d)
	if t.Status == "" {
		t.Status, t.Failure, t.Error = StatusFailed, FailInternal, "the evaluator returned no result"
	}
}

func outcome(t *Trial) string {
	if t.OK() {
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

// distinct samples an architecture not seen before.
func distinct(s *dsl.Sampler, seen map[string]bool) (*dsl.Derivation, error) {
	const tries = 1000
	for range tries {
		d, err := s.Sample()
		if err != nil {
			return nil, err
		}
		if term := d.String(); !seen[term] {
			seen[term] = true
			return d, nil
		}
	}
	return nil, fmt.Errorf("no new architecture in %d samples; the space (under max_depth %d) is probably exhausted", tries, s.MaxDepth)
}

// prepareRunDir creates a new run directory with a copy of the space.
func prepareRunDir(dir string, g *dsl.Grammar) error {
	if dir == "" {
		return errors.New("no run directory")
	}
	if _, err := os.Stat(filepath.Join(dir, ResultsFile)); err == nil {
		return fmt.Errorf("%s already holds a run; choose another --run directory (resuming a run is not supported yet)", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "trials"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "space.nasg"), g.Source, 0o644)
}

// appendTrial writes one JSON line and syncs it, so a finished trial
// survives a crash of nasgc.
func appendTrial(f *os.File, t *Trial) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

// ReadRun reads the trials recorded in a run directory.
func ReadRun(dir string) (*Run, error) {
	b, err := os.ReadFile(filepath.Join(dir, ResultsFile))
	if err != nil {
		return nil, err
	}
	run := &Run{Dir: dir}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var t Trial
		if err := json.Unmarshal([]byte(line), &t); err != nil {
			// A line cut short by a crash is the only way to get here.
			return run, fmt.Errorf("%s:%d: %v", filepath.Join(dir, ResultsFile), i+1, err)
		}
		run.Trials = append(run.Trials, &t)
	}
	return run, nil
}

// WriteTable prints the ranked trials and the best architecture.
func WriteTable(w io.Writer, r *Run) {
	ranked := r.Ranked()
	if len(ranked) == 0 {
		fmt.Fprintln(w, "no trials")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "rank\ttrial\taccuracy\tloss\tparams\tseconds\tarchitecture")
	for i, t := range ranked {
		acc, loss := "-", "-"
		rank := fmt.Sprint(i + 1)
		if t.OK() {
			acc = fmt.Sprintf("%.2f%%", 100*t.Accuracy)
			loss = fmt.Sprintf("%.4f", t.Loss)
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
	fmt.Fprintf(w, "\nbest architecture: %s\n", best.Term)
	fmt.Fprintf(w, "accuracy:          %.2f%% on %d held-out test images\n", 100*best.Accuracy, best.TestImages)
	fmt.Fprintf(w, "code:              %s\n", best.Dir)
}
