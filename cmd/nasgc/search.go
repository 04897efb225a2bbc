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
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/nasgc/nasgc"
	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/exec"
	"github.com/nasgc/nasgc/search/store"
	"github.com/spf13/cobra"
)

func newSearchCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		evaluations, maxDepth, threads, workers, maxFailures int
		seed                                                 uint64
		runDir, strategy, dataDir                            string
		timeout                                              time.Duration
		tf                                                   trainFlags
		sf                                                   slurmFlags
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
					fmt.Fprintf(stderr, "nasgc: a resumed run keeps its recorded training and search settings; the flags that change them are ignored (only --evaluations, --workers, --threads and the executor flags apply)\n")
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
			if err := sf.apply(set, &s); err != nil {
				return err
			}
			if s.Executor == "slurm" && set("threads") {
				return usageError{errors.New("--threads applies to --executor local; Slurm jobs use as many threads as they have CPUs (--cpus)")}
			}
			if set("strategy") {
				if resume && strategy != s.Strategy {
					fmt.Fprintf(stderr, "nasgc: a resumed run keeps its strategy %s; --strategy is ignored\n", s.Strategy)
				} else {
					s.Strategy = strategy
				}
			}
			g.Search = s
			candArgs, err := dataArgs(g.Train.Dataset, dataDir)
			if err != nil {
				return err
			}
			strat, err := search.NewStrategy(s.Strategy, g, s.Seed, s.MaxDepth)
			if err != nil {
				return usageError{err}
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
			if s.Executor == "slurm" {
				fmt.Fprintf(stderr, "nasgc: %s search of %s: %d evaluations, seed %d, max_depth %d, up to %d Slurm job(s) at once\n", s.Strategy, name, s.Evaluations, s.Seed, s.MaxDepth, workers)
			} else {
				fmt.Fprintf(stderr, "nasgc: %s search of %s: %d evaluations, seed %d, max_depth %d, %d worker(s) with %d thread(s) each\n", s.Strategy, name, s.Evaluations, s.Seed, s.MaxDepth, workers, threads)
			}
			if t.Objective == "naswot" {
				fmt.Fprintf(stderr, "each candidate is scored by NASWOT at initialisation on one batch of %d %s training images, without training; time limit %s each\n",
					t.Batch, t.Dataset, s.Timeout)
			} else {
				fmt.Fprintf(stderr, "each candidate trains %s on %s %s training images (batch %d) and is tested on %s test images; time limit %s each\n",
					budget, count(t.Subset), t.Dataset, t.Batch, count(t.Test), s.Timeout)
			}
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
			var ev search.Evaluator
			if s.Executor == "slurm" {
				sl, err := newSlurm(g, srcDir, runDir, s)
				if err != nil {
					return err
				}
				if prog == nil {
					sl.Log = stderr
				}
				sl.Args = append(sl.Args, candArgs...)
				fmt.Fprintf(stderr, "each candidate is a Slurm job with %s (the run directory must be on a filesystem the compute nodes share)\n", strings.Join(sl.ResourceArgs(), " "))
				ev = sl
			} else {
				l := &exec.Local{Grammar: g, SourceDir: srcDir, Threads: threads, Timeout: s.Timeout, Log: candLog,
					CacheDir: filepath.Join(runDir, "cache"), Args: candArgs}
				if workers > 1 {
					l.Log = nil // interleaved lines of several candidates help nobody
				}
				ev = l
			}
			r, err := search.Search(cmd.Context(), search.Config{
				Grammar: g, Strategy: strat, Evaluations: s.Evaluations, Seed: s.Seed, MaxDepth: s.MaxDepth, Workers: workers,
				RunDir: runDir, Evaluator: ev, Log: stderr, Out: stdout, Progress: prog,
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
	cmd.Flags().StringVar(&dataDir, "data", "", "data directory: CIFAR-10's binary files for cifar10 (required there; checked before the search starts); MNIST's files for mnist and addnist (default: found in the Go module cache). Not recorded: give it again to resume")
	cmd.Flags().StringVar(&strategy, "strategy", "", "search strategy: "+strings.Join(search.Strategies, ", ")+" (default: the file's)")
	cmd.Flags().IntVar(&evaluations, "evaluations", 0, "number of architectures to evaluate (default: the file's)")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "random seed (default: the file's)")
	cmd.Flags().IntVar(&maxDepth, "max-depth", 0, "bound on nested expansions of recursive rules (default: the file's)")
	cmd.Flags().StringVar(&runDir, "run", "", "directory for the run's store, trials and code (default: runs/SPACE-TIME); an existing run is resumed")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "time limit per candidate (default: the file's)")
	cmd.Flags().IntVar(&threads, "threads", 0, "threads per candidate (default: the cores split between the workers)")
	cmd.Flags().IntVar(&workers, "workers", 1, "candidates built and trained at once (with --executor slurm: jobs submitted at once)")
	cmd.Flags().IntVar(&maxFailures, "max-failures", search.DefaultMaxConsecutiveFailures, "stop after this many failed trials in a row (-1: never)")
	tf.register(cmd)
	sf.register(cmd)
	return cmd
}

// slurmFlags are the flags that choose and configure the executor; they
// override the file's search {} block (executor, partition, slurm_time,
// cpus, mem, sbatch) and, unlike the other settings, apply to a resumed run
// too.
type slurmFlags struct {
	executor, partition, mem, sbatch string
	slurmTime                        time.Duration
	cpus                             int
}

func (f *slurmFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.executor, "executor", "", "where candidates run: local or slurm (default: the file's, else local)")
	fl.StringVar(&f.partition, "partition", "", "slurm: sbatch --partition (default: the file's, else the cluster's)")
	fl.DurationVar(&f.slurmTime, "slurm-time", 0, "slurm: sbatch --time, rounded up to minutes (default: the file's, else --timeout plus 30s)")
	fl.IntVar(&f.cpus, "cpus", 0, "slurm: CPUs per candidate job, and its GOMAXPROCS (default: the file's, else 1)")
	fl.StringVar(&f.mem, "mem", "", "slurm: sbatch --mem, e.g. 2G (default: the file's, else the cluster's)")
	fl.StringVar(&f.sbatch, "sbatch", "", `slurm: more sbatch arguments, e.g. "--qos=low --account=lab" (default: the file's)`)
}

func (f *slurmFlags) apply(set func(string) bool, s *dsl.SearchSettings) error {
	if set("executor") {
		if f.executor != "local" && f.executor != "slurm" {
			return usageError{fmt.Errorf("--executor must be local or slurm, got %q", f.executor)}
		}
		s.Executor = f.executor
	}
	if set("partition") {
		s.Partition = f.partition
	}
	if set("slurm-time") {
		if f.slurmTime <= 0 {
			return usageError{fmt.Errorf("--slurm-time must be positive, got %s", f.slurmTime)}
		}
		s.SlurmTime = f.slurmTime
	}
	if set("cpus") {
		if f.cpus < 1 {
			return usageError{fmt.Errorf("--cpus must be >= 1, got %d", f.cpus)}
		}
		s.CPUs = f.cpus
	}
	if set("mem") {
		s.Mem = f.mem
	}
	if set("sbatch") {
		s.Sbatch = f.sbatch
	}
	if s.Executor != "slurm" {
		for _, name := range []string{"partition", "slurm-time", "cpus", "mem", "sbatch"} {
			if set(name) {
				return usageError{fmt.Errorf("--%s configures the slurm executor; add --executor slurm", name)}
			}
		}
	}
	return nil
}

// newSlurm returns the slurm executor of a run, after checking that the
// Slurm commands are installed.
func newSlurm(g *dsl.Grammar, srcDir, runDir string, s dsl.SearchSettings) (*exec.Slurm, error) {
	if err := exec.CheckSlurm(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(runDir)
	if err != nil {
		return nil, err
	}
	return &exec.Slurm{Grammar: g, SourceDir: srcDir, Timeout: s.Timeout, CacheDir: filepath.Join(abs, "cache"),
		Partition: s.Partition, Time: s.SlurmTime, CPUs: s.CPUs, Mem: s.Mem, Sbatch: strings.Fields(s.Sbatch),
		JobName: "nasgc-" + filepath.Base(abs)}, nil
}

// dataArgs checks the data directory for the dataset before any
// candidate is built and returns the candidates' flag for it (an absolute
// path: candidates run in their own directories).
func dataArgs(dataset, dir string) ([]string, error) {
	if dataset == "cifar10" {
		if dir == "" {
			return nil, usageError{errors.New("the dataset is cifar10: give --data DIR, the directory holding CIFAR-10's binary files (data_batch_1.bin to data_batch_5.bin and test_batch.bin, or the cifar-10-batches-bin directory they unpack into)")}
		}
		if err := data.CheckCIFAR10(dir); err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
	}
	if dir == "" {
		return nil, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, usageError{fmt.Errorf("--data %s: not a directory", dir)}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return []string{"-data", abs}, nil
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
