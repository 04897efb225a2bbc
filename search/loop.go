package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search/store"
)

// Config is one search.
type Config struct {
	Grammar *dsl.Grammar
	// Strategy proposes architectures; nil means random search with Seed
	// and MaxDepth.
	Strategy    Strategy
	Evaluations int // finished trials (successful or failed) to reach
	Seed        uint64
	MaxDepth    int
	Workers     int // trials evaluated at once; 0 = 1
	RunDir      string
	// Settings are recorded in a new run's store; Strategy, Evaluations,
	// Seed, MaxDepth and Workers are filled in from the fields above.
	Settings  Settings
	Evaluator Evaluator
	// MaxConsecutiveFailures stops the run after that many failed trials
	// in a row; 0 means DefaultMaxConsecutiveFailures, < 0 never.
	MaxConsecutiveFailures int
	// Log receives progress lines (unless Progress is set); Out the final
	// table.
	Log      io.Writer
	Out      io.Writer
	Progress Progress
}

// DefaultMaxConsecutiveFailures is how many failures in a row stop a run.
const DefaultMaxConsecutiveFailures = 10

// ErrTooManyFailures is wrapped by the error of a run stopped because its
// last trials all failed.
var ErrTooManyFailures = errors.New("too many failures in a row")

// Random runs random search; see Search.
func Random(ctx context.Context, cfg Config) (*Run, error) {
	cfg.Strategy = nil
	return Search(ctx, cfg)
}

// Search runs a search into cfg.RunDir, creating the run or, when the
// directory already holds a run of the same space, resuming it: trials left
// running (by a killed process) or pending are run (again), finished ones
// are kept, and the strategy is asked for more until the run has
// cfg.Evaluations finished trials. A failed candidate is recorded and the
// search goes on. Cancelling ctx stops starting trials, waits for the
// running ones to return and puts them back to pending; Search then
// returns ctx's error.
func Search(ctx context.Context, cfg Config) (*Run, error) {
	g := cfg.Grammar
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	if cfg.Strategy == nil {
		cfg.Strategy = NewRandom(g, cfg.Seed, cfg.MaxDepth)
	}
	maxFail := cfg.MaxConsecutiveFailures
	if maxFail == 0 {
		maxFail = DefaultMaxConsecutiveFailures
	}
	prog := cfg.Progress
	if prog == nil {
		prog = &LogProgress{W: cfg.Log}
	}
	st, resumed, err := openRun(cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	run, err := readRun(cfg.RunDir, st)
	if err != nil {
		return nil, err
	}
	if resumed {
		if n, err := st.RequeueRunning(); err != nil {
			return nil, err
		} else if n > 0 {
			fmt.Fprintf(cfg.Log, "%d trial(s) left running by the previous process will run again\n", n)
		}
		if run, err = readRun(cfg.RunDir, st); err != nil {
			return nil, err
		}
	}

	derivs := map[int]*dsl.Derivation{}
	var queue []*Trial
	finished := 0
	for _, t := range run.Trials {
		if t.IsFinished() {
			finished++
		} else {
			queue = append(queue, t)
		}
	}
	if resumed {
		fmt.Fprintf(cfg.Log, "resuming %s: %d of %d trials finished, %d to run again\n", cfg.RunDir, finished, cfg.Evaluations, len(queue))
	}
	byID := map[int]int{} // trial ID -> index in run.Trials
	for i, t := range run.Trials {
		byID[t.ID] = i
	}

	type done struct{ t *Trial }
	results := make(chan done)
	inflight, consecutive := 0, 0
	var lastFailures []string
	var stopErr error
	exhausted := false
	prog.Begin(run, cfg.Evaluations, cfg.Workers)
	for {
		for stopErr == nil && !exhausted && ctx.Err() == nil && inflight < cfg.Workers && finished+inflight < cfg.Evaluations {
			if len(queue) == 0 {
				n := min(cfg.Workers-inflight, cfg.Evaluations-finished-inflight)
				ds, perr := cfg.Strategy.Propose(ctx, run.Trials, n)
				if len(ds) > 0 {
					terms := make([]string, len(ds))
					for i, d := range ds {
						terms[i] = d.String()
					}
					added, err := st.Add(terms...)
					if err != nil {
						stopErr = fmt.Errorf("recording proposals of %s: %w", cfg.Strategy.Name(), err)
						break
					}
					for i, t := range added {
						t.Dir = TrialDir(cfg.RunDir, t.ID)
						derivs[t.ID] = ds[i]
						byID[t.ID] = len(run.Trials)
						run.Trials = append(run.Trials, t)
						queue = append(queue, t)
					}
				}
				if perr != nil {
					if ctx.Err() == nil {
						fmt.Fprintf(cfg.Log, "stopping after %d evaluations: %v\n", finished+inflight, perr)
					}
					exhausted = true
				}
				if len(queue) == 0 {
					exhausted = true
					break
				}
			}
			t := queue[0]
			queue = queue[1:]
			d := derivs[t.ID]
			if d == nil {
				if d, err = g.ParseTerm(t.Term); err != nil {
					stopErr = fmt.Errorf("trial %d: the run's term %q is not in this space: %v", t.ID, t.Term, err)
					break
				}
			}
			if err := st.Start(t); err != nil {
				stopErr = err
				break
			}
			inflight++
			prog.Started(t, finished, inflight)
			c := *t // the worker's copy; run.Trials stays the loop's
			c.Failure, c.Error = "", ""
			go func() {
				start := time.Now()
				evaluate(context.WithValue(ctx, jobRecorderKey{}, st), cfg.Evaluator, &c, d)
				c.Seconds = time.Since(start).Seconds()
				results <- done{&c}
			}()
		}
		if inflight == 0 {
			break
		}
		r := <-results
		inflight--
		t := r.t
		if ctx.Err() != nil && !t.OK() {
			if err := st.Requeue(t, FailInterrupted); err != nil && stopErr == nil {
				stopErr = err
			}
			run.Trials[byID[t.ID]] = t
			prog.Interrupted(t)
			continue
		}
		t.Finished = time.Now()
		if err := st.Finish(t); err != nil {
			if stopErr == nil {
				stopErr = fmt.Errorf("recording trial %d: %w", t.ID, err)
			}
			continue
		}
		run.Trials[byID[t.ID]] = t
		finished++
		if t.OK() {
			consecutive, lastFailures = 0, nil
		} else {
			consecutive++
			lastFailures = append(lastFailures, t.Failure)
			if maxFail > 0 && consecutive >= maxFail && stopErr == nil {
				stopErr = fmt.Errorf("%w: the last %d trials all failed (%s); the last error was: %s\n"+
					"this is probably not the architectures' fault: check the settings and the trials' log.txt (e.g. %s)",
					ErrTooManyFailures, consecutive, summarize(lastFailures), firstLine(t.Error), filepath.Join(t.Dir, "log.txt"))
			}
		}
		prog.Finished(t, run, finished)
	}
	prog.End(run)
	WriteTable(cfg.Out, run)
	if stopErr != nil {
		return run, stopErr
	}
	return run, ctx.Err()
}

// summarize counts failure kinds: "build ×3, crash ×1".
func summarize(kinds []string) string {
	count := map[string]int{}
	var order []string
	for _, k := range kinds {
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%s ×%d", k, count[k])
	}
	return strings.Join(parts, ", ")
}

// openRun creates the run's store or opens the existing one, checking that
// it is a run of the same space.
func openRun(cfg Config) (st *store.Store, resumed bool, err error) {
	dir := cfg.RunDir
	if dir == "" {
		return nil, false, errors.New("no run directory")
	}
	g := cfg.Grammar
	hash := SpaceHash(g.Source)
	s := cfg.Settings
	s.Strategy, s.Evaluations, s.Seed, s.MaxDepth, s.Workers = cfg.Strategy.Name(), cfg.Evaluations, cfg.Seed, cfg.MaxDepth, cfg.Workers
	settings, err := json.Marshal(s)
	if err != nil {
		return nil, false, err
	}
	if store.Exists(dir) {
		st, err := store.Open(dir)
		if err != nil {
			return nil, false, err
		}
		m, err := st.Meta()
		if err != nil {
			st.Close()
			return nil, false, err
		}
		if m.SpaceHash != hash {
			st.Close()
			return nil, false, fmt.Errorf("%s already holds a run of another space (%s, hash %s; this one is %s, hash %s); choose another --run directory", dir, m.SpaceName, m.SpaceHash, g.Name, hash)
		}
		if err := st.SetSettings(settings); err != nil {
			st.Close()
			return nil, false, err
		}
		return st, true, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "results.jsonl")); err == nil {
		return nil, false, fmt.Errorf("%s holds a run of an older nasgc (results.jsonl) that cannot be resumed; choose another --run directory", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "trials"), 0o755); err != nil {
		return nil, false, err
	}
	if err := os.WriteFile(filepath.Join(dir, "space.nasg"), g.Source, 0o644); err != nil {
		return nil, false, err
	}
	st, err = store.Create(dir, store.Meta{SpaceName: g.Name, SpaceSource: bytes.Clone(g.Source), SpaceHash: hash, Settings: settings})
	return st, false, err
}

type jobRecorderKey struct{}

// RecordJob records in the run's store the id of the batch job that runs
// trial t (t.Job is set too), so that a resumed run can re-attach to the
// job instead of submitting the trial again. Evaluators that submit jobs
// call it with the context Search gave them; with any other context it
// only sets t.Job.
func RecordJob(ctx context.Context, t *Trial, job string) error {
	st, _ := ctx.Value(jobRecorderKey{}).(*store.Store)
	if st == nil {
		t.Job = job
		return nil
	}
	return st.SetJob(t, job)
}

// evaluate calls the evaluator, turning a panic into a failed trial.
func evaluate(ctx context.Context, ev Evaluator, t *Trial, d *dsl.Derivation) {
	defer func() {
		if r := recover(); r != nil {
			t.State, t.Failure, t.Error = StateFailed, FailInternal, fmt.Sprint(r)
		}
	}()
	ev.Evaluate(ctx, t, d)
	if !t.IsFinished() {
		t.State, t.Failure, t.Error = StateFailed, FailInternal, "the evaluator returned no result"
	}
}
