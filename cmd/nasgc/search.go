package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/nasgc/nasgc"
	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/exec"
	"github.com/nasgc/nasgc/search/store"
	"github.com/spf13/cobra"
)

func newSearchCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		evaluations, maxDepth, threads, workers, maxFailures int
		seed                                                 uint64
		runDir                                               string
		timeout                                              time.Duration
		tf                                                   trainFlags
	)
	cmd := &cobra.Command{
		Use:   "search [FILE.nasg] [--run DIR]",
		Short: "Search a space: sample, build, train and rank architectures (or resume a run)",
		Long: `search samples architectures from a space, builds and trains each, records
every trial in the run directory's store (run.db) and ranks the results.

If --run names a directory that already holds a run, the run is resumed:
finished trials are kept, trials that were running or pending run again,
and the search goes on until the run has its number of evaluations
(--evaluations may raise it). A resumed run uses its recorded space and
settings; FILE may be left out.`,
		Args: cobra.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set := func(name string) bool { return cmd.Flags().Changed(name) }
			resume := runDir != "" && store.Exists(runDir)
			var g *dsl.Grammar
			var err error
			switch {
			case resume:
				if g, err = loadRun(runDir, stderr); err != nil {
					return err
				}
				if len(args) == 1 {
					src, err := os.ReadFile(args[0])
					if err != nil {
						return err
					}
					if search.SpaceHash(src) != search.SpaceHash(g.Source) {
						return fmt.Errorf("%s already holds a run of another space than %s; choose another --run directory", runDir, args[0])
					}
				}
				// Flags that would change the run's settings are refused
				// quietly only when they repeat them.
				applied, err := tf.apply(cmd, g)
				if err != nil {
					return err
				}
				if applied.Train != g.Train || set("seed") && seed != g.Search.Seed || set("max-depth") && maxDepth != g.Search.MaxDepth || set("timeout") && timeout != g.Search.Timeout {
					fmt.Fprintf(stderr, "nasgc: a resumed run keeps its recorded training and search settings; the flags that change them are ignored (only --evaluations, --workers, --threads apply)\n")
				}
			case len(args) == 0:
				return usageError{errors.New("search needs a .nasg file, or --run with an existing run to resume")}
			default:
				if g, err = load(args[0], stderr); err != nil {
					return err
				}
				if g, err = tf.apply(cmd, g); err != nil {
					return err
				}
			}
			s := g.Search
			if set("evaluations") {
				if evaluations < 1 {
					return usageError{fmt.Errorf("--evaluations must be >= 1, got %d", evaluations)}
				}
				s.Evaluations = evaluations
			}
			if maxFailures == 0 || maxFailures < -1 {
				return usageError{fmt.Errorf("--max-failures must be >= 1, or -1 for never, got %d", maxFailures)}
			}
			if set("workers") && workers < 1 {
				return usageError{fmt.Errorf("--workers must be >= 1, got %d", workers)}
			}
			if !resume {
				if set("seed") {
					s.Seed = seed
				}
				if set("max-depth") {
					if maxDepth < 1 {
						return usageError{fmt.Errorf("--max-depth must be >= 1, got %d", maxDepth)}
					}
					s.MaxDepth = maxDepth
				}
				if set("timeout") {
					if timeout <= 0 {
						return usageError{fmt.Errorf("--timeout must be positive, got %s", timeout)}
					}
					s.Timeout = timeout
				}
			}
			g.Search = s
			if s.Strategy != "" && s.Strategy != "random" {
				return fmt.Errorf("strategy %q is not implemented yet; use random", s.Strategy)
			}
			if runDir == "" {
				runDir = filepath.Join("runs", fmt.Sprintf("%s-%s", g.Name, time.Now().Format("20060102-150405")))
			}
			srcDir, err := nasgc.SourceDir()
			if err != nil {
				return err
			}
			if threads == 0 {
				// GOMAXPROCS split between the workers.
				threads = max(1, runtime.NumCPU()/workers)
			}
			t := g.Train
			budget := fmt.Sprintf("%d epoch(s)", t.Epochs)
			if t.Steps > 0 {
				budget = fmt.Sprintf("%d step(s)", t.Steps)
			}
			name := "the run's space"
			if len(args) == 1 {
				name = args[0]
			}
			fmt.Fprintf(stderr, "nasgc: %s search of %s: %d evaluations, seed %d, max_depth %d, %d worker(s) with %d thread(s) each\n", s.Strategy, name, s.Evaluations, s.Seed, s.MaxDepth, workers, threads)
			fmt.Fprintf(stderr, "each candidate trains %s on %s %s training images (batch %d) and is tested on %s test images; time limit %s each\n",
				budget, count(t.Subset), t.Dataset, t.Batch, count(t.Test), s.Timeout)
			if !resume {
				fmt.Fprintf(stderr, "(these are the file's settings; change them with --evaluations, --subset, --test, --epochs, --steps)\n")
			}
			fmt.Fprintf(stderr, "run directory: %s\n", runDir)
			var prog search.Progress
			candLog := stderr
			if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
				prog = &search.BarProgress{W: stderr}
				candLog = nil // the candidates' lines are in their log.txt
			}
			l := &exec.Local{Grammar: g, SourceDir: srcDir, Threads: threads, Timeout: s.Timeout, Log: candLog,
				CacheDir: filepath.Join(runDir, "cache")}
			if workers > 1 {
				l.Log = nil // interleaved lines of several candidates help nobody
			}
			r, err := search.Search(cmd.Context(), search.Config{
				Grammar: g, Evaluations: s.Evaluations, Seed: s.Seed, MaxDepth: s.MaxDepth, Workers: workers,
				RunDir: runDir, Evaluator: l, Log: stderr, Out: stdout, Progress: prog,
				MaxConsecutiveFailures: maxFailures,
				Settings:               search.Settings{Timeout: s.Timeout, Train: g.Train, Search: s},
			})
			if err != nil {
				if errors.Is(err, context.Canceled) {
					fmt.Fprintf(stderr, "search interrupted; finished trials are in %s; resume with: nasgc search --run %s\n", filepath.Join(runDir, store.FileName), runDir)
					return errPrinted
				}
				if errors.Is(err, search.ErrTooManyFailures) {
					fmt.Fprintf(stderr, "nasgc: search stopped: %v\n", err)
					return errPrinted
				}
				return err
			}
			if r.Best() == nil {
				return errPrinted
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&evaluations, "evaluations", 0, "number of architectures to evaluate (default: the file's)")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "random seed (default: the file's)")
	cmd.Flags().IntVar(&maxDepth, "max-depth", 0, "bound on nested expansions of recursive rules (default: the file's)")
	cmd.Flags().StringVar(&runDir, "run", "", "directory for the run's store, trials and code (default: runs/SPACE-TIME); an existing run is resumed")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "time limit per candidate (default: the file's)")
	cmd.Flags().IntVar(&threads, "threads", 0, "threads per candidate (default: the cores split between the workers)")
	cmd.Flags().IntVar(&workers, "workers", 1, "candidates built and trained at once")
	cmd.Flags().IntVar(&maxFailures, "max-failures", search.DefaultMaxConsecutiveFailures, "stop after this many failed trials in a row (-1: never)")
	tf.register(cmd)
	return cmd
}

// loadRun returns the space of an existing run with its recorded settings.
func loadRun(dir string, stderr io.Writer) (*dsl.Grammar, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	m, err := st.Meta()
	if err != nil {
		return nil, err
	}
	g, ds := dsl.ParseAndCheck(filepath.Join(dir, "space.nasg"), m.SpaceSource)
	if ds.HasErrors() || g == nil {
		for _, d := range ds {
			fmt.Fprintln(stderr, d.Snippet(m.SpaceSource))
		}
		return nil, fmt.Errorf("%s: the run's space no longer checks with this nasgc", dir)
	}
	var s search.Settings
	if err := json.Unmarshal(m.Settings, &s); err != nil {
		return nil, fmt.Errorf("%s: settings: %v", dir, err)
	}
	g.Train, g.Search = s.Train, s.Search
	return g, nil
}

func count(n int) string {
	if n == 0 {
		return "all"
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
