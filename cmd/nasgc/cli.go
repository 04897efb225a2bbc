package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nasgc/nasgc"
	"github.com/nasgc/nasgc/codegen"
	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/exec"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // diagnostics, a failed candidate, a failed search
	exitUsage = 2
)

// errPrinted reports a failure whose explanation has already been printed.
var errPrinted = errors.New("failed")

type usageError struct{ error }

// Main runs nasgc with os.Args and returns the exit code.
func Main() int {
	return run(os.Args[1:], os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "nasgc: internal error: %v\n%s\nPlease report this with the input that caused it.\n", r, debug.Stack())
			code = exitFail
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errPrinted):
		return exitFail
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "nasgc: %v\nRun 'nasgc help' for usage.\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "nasgc: %v\n", err)
	return exitFail
}

// isCobraUsage recognises cobra's own errors about flags and arguments.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"unknown flag", "unknown shorthand", "unknown command", "accepts ", "requires ", "flag needs an argument", "invalid argument", "bad flag syntax"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "nasgc",
		Short: "Neural architecture search over search spaces written as context-free grammars",
		Long: `nasgc compiles search spaces written as context-free grammars (.nasg files)
and searches them: every candidate architecture becomes a standalone Go
program that trains on real data and reports its accuracy.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newCheckCmd(stdout, stderr),
		newSampleCmd(stdout, stderr),
		newGenCmd(stdout, stderr),
		newTrainCmd(stdout, stderr),
		newSearchCmd(stdout, stderr),
	)
	return root
}

// load reads, parses and checks a .nasg file, printing its diagnostics.
func load(path string, stderr io.Writer) (*dsl.Grammar, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	g, ds := dsl.ParseAndCheck(path, src)
	for _, d := range ds {
		fmt.Fprintln(stderr, d.Snippet(src))
	}
	if ds.HasErrors() || g == nil {
		n := 0
		for _, d := range ds {
			if d.Severity == dsl.Error {
				n++
			}
		}
		fmt.Fprintf(stderr, "%s: %d error(s)\n", path, n)
		return nil, errPrinted
	}
	return g, nil
}

func newCheckCmd(stdout, stderr io.Writer) *cobra.Command {
	var arch string
	cmd := &cobra.Command{
		Use:   "check FILE.nasg",
		Short: "Check a search space and print its diagnostics or a summary",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := load(args[0], stderr)
			if err != nil {
				return err
			}
			if arch != "" {
				d, err := derivation(g, arch, 0, stderr)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s is in the space %s\n", d, g.Name)
				return nil
			}
			fmt.Fprintln(stdout, summary(args[0], g))
			return nil
		},
	}
	cmd.Flags().StringVar(&arch, "arch", "", "also check that this architecture (a functional term) is in the space")
	return cmd
}

func termCol(err error) int {
	var te *dsl.TermError
	if errors.As(err, &te) && te.Col > 0 {
		return te.Col
	}
	return 1
}

func summary(path string, g *dsl.Grammar) string {
	prims, topos := 0, 0
	for _, t := range g.Terminals {
		if t.Kind == dsl.Topology {
			topos++
		} else {
			prims++
		}
	}
	recursive := ""
	for _, r := range g.Rules {
		if r.Recursive() {
			recursive = fmt.Sprintf(", recursive (sampling bounded by max_depth %d)", g.Search.MaxDepth)
			break
		}
	}
	return fmt.Sprintf("%s: ok: space %s, %d rule(s), %d terminal(s) (%d primitive(s), %d topolog%s), start symbol %s%s",
		path, g.Name, len(g.Rules), prims+topos, prims, topos, plural(topos, "y", "ies"), g.Start().Name, recursive)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func newSampleCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		n        int
		seed     uint64
		maxDepth int
	)
	cmd := &cobra.Command{
		Use:   "sample FILE.nasg",
		Short: "Print random architectures of a search space as functional terms",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 0 {
				return usageError{fmt.Errorf("-n must be >= 0, got %d", n)}
			}
			g, err := load(args[0], stderr)
			if err != nil {
				return err
			}
			s := dsl.NewSampler(g, seed)
			if maxDepth > 0 {
				s.MaxDepth = maxDepth
			}
			for range n {
				d, err := s.Sample()
				if err != nil {
					return err
				}
				fmt.Fprintln(stdout, d)
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&n, "n", "n", 10, "number of architectures")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed; the same seed prints the same architectures")
	cmd.Flags().IntVar(&maxDepth, "max-depth", 0, "bound on nested expansions of recursive rules (default: the file's max_depth)")
	return cmd
}

// trainFlags override the file's train {} block.
type trainFlags struct {
	epochs, steps, subset, test, batch int
	lr                                 float64
}

func (f *trainFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&f.epochs, "epochs", -1, "training epochs (overrides the train block)")
	cmd.Flags().IntVar(&f.steps, "steps", -1, "training steps; when set, replaces epochs")
	cmd.Flags().IntVar(&f.subset, "subset", -1, "number of training images (0 = all)")
	cmd.Flags().IntVar(&f.test, "test", -1, "number of test images (0 = all)")
	cmd.Flags().IntVar(&f.batch, "batch", -1, "batch size")
	cmd.Flags().Float64Var(&f.lr, "lr", -1, "learning rate")
}

// apply returns a copy of g whose training recipe has the flags' values.
func (f *trainFlags) apply(cmd *cobra.Command, g *dsl.Grammar) (*dsl.Grammar, error) {
	c := *g
	t := &c.Train
	set := func(name string) bool { return cmd.Flags().Changed(name) }
	check := func(name string, v, min int) error {
		if v < min {
			return usageError{fmt.Errorf("--%s must be >= %d, got %d", name, min, v)}
		}
		return nil
	}
	if set("epochs") {
		if err := check("epochs", f.epochs, 0); err != nil {
			return nil, err
		}
		t.Epochs, t.Steps = f.epochs, 0
	}
	if set("steps") {
		if err := check("steps", f.steps, 0); err != nil {
			return nil, err
		}
		t.Steps = f.steps
	}
	if set("subset") {
		if err := check("subset", f.subset, 0); err != nil {
			return nil, err
		}
		t.Subset = f.subset
	}
	if set("test") {
		if err := check("test", f.test, 0); err != nil {
			return nil, err
		}
		t.Test = f.test
	}
	if set("batch") {
		if err := check("batch", f.batch, 1); err != nil {
			return nil, err
		}
		t.Batch = f.batch
	}
	if set("lr") {
		if !(f.lr > 0) {
			return nil, usageError{fmt.Errorf("--lr must be > 0, got %g", f.lr)}
		}
		t.LR = f.lr
	}
	if t.Epochs == 0 && t.Steps == 0 {
		return nil, usageError{errors.New("nothing to train: set --epochs or --steps to at least 1")}
	}
	return &c, nil
}

// derivation returns the architecture named by --arch, or a sampled one.
func derivation(g *dsl.Grammar, arch string, seed uint64, stderr io.Writer) (*dsl.Derivation, error) {
	if arch != "" {
		d, err := g.ParseTerm(arch)
		if err != nil {
			fmt.Fprintf(stderr, "--arch: %v\n  %s\n  %s^\n", err, arch, strings.Repeat(" ", termCol(err)-1))
			return nil, errPrinted
		}
		return d, nil
	}
	return dsl.NewSampler(g, seed).Sample()
}

func newGenCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		arch, out string
		seed      uint64
		tf        trainFlags
	)
	cmd := &cobra.Command{
		Use:   "gen FILE.nasg [--arch TERM] -o DIR",
		Short: "Write the Go program of one architecture (sampled unless --arch is given)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("gen needs -o DIR")}
			}
			g, err := load(args[0], stderr)
			if err != nil {
				return err
			}
			if g, err = tf.apply(cmd, g); err != nil {
				return err
			}
			d, err := derivation(g, arch, seed, stderr)
			if err != nil {
				return err
			}
			srcDir, err := nasgc.SourceDir()
			if err != nil {
				return err
			}
			pkg, err := codegen.Generate(g, d, codegen.Options{SourceDir: srcDir})
			if err != nil {
				return err
			}
			if err := pkg.Write(out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\nwrote %s (%s); build it with: cd %s && go build\n", d, out, strings.Join(pkg.Names(), ", "), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&arch, "arch", "", "the architecture as a functional term, e.g. 'Sequential(conv, id, linear)'")
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory to write the package into")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed for sampling when --arch is not given")
	tf.register(cmd)
	return cmd
}

func newTrainCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		arch, out string
		seed      uint64
		timeout   time.Duration
		threads   int
		tf        trainFlags
	)
	cmd := &cobra.Command{
		Use:   "train (DIR | FILE.nasg --arch TERM)",
		Short: "Build and run a generated program and print its result",
		Long: `train builds a generated program and runs it. Given a directory written by
'nasgc gen', it builds and runs that program; given a .nasg file, it first
generates the program of --arch (or of a sampled architecture) into -o DIR.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			target := args[0]
			if st, err := os.Stat(target); err == nil && st.IsDir() {
				if arch != "" {
					return usageError{errors.New("--arch goes with a .nasg file, not a directory")}
				}
				return trainDir(ctx, cmd, target, tf, timeout, threads, stdout, stderr)
			}
			g, err := load(target, stderr)
			if err != nil {
				return err
			}
			if g, err = tf.apply(cmd, g); err != nil {
				return err
			}
			d, err := derivation(g, arch, seed, stderr)
			if err != nil {
				return err
			}
			srcDir, err := nasgc.SourceDir()
			if err != nil {
				return err
			}
			if out == "" {
				if out, err = os.MkdirTemp("", "nasgc-train-"); err != nil {
					return err
				}
			}
			if timeout == 0 {
				timeout = g.Search.Timeout
			}
			fmt.Fprintf(stderr, "training %s in %s\n", d, out)
			l := &exec.Local{Grammar: g, SourceDir: srcDir, Threads: threads, Timeout: timeout, Log: stderr}
			t := &search.Trial{ID: 1, Term: d.String(), Dir: out}
			l.Evaluate(ctx, t, d)
			search.WriteTable(stdout, &search.Run{Dir: out, Trials: []*search.Trial{t}})
			if !t.OK() {
				fmt.Fprintf(stderr, "training failed (%s): %s\n", t.Failure, t.Error)
				return errPrinted
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&arch, "arch", "", "the architecture as a functional term")
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory for the generated program (default: a new temporary directory)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed for sampling when --arch is not given")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "time limit for training and testing (default: the file's search timeout)")
	cmd.Flags().IntVar(&threads, "threads", 0, "threads for the candidate (default: all cores)")
	tf.register(cmd)
	return cmd
}

// trainDir builds a generated package and runs it with the flags given,
// passing its output through.
func trainDir(ctx context.Context, cmd *cobra.Command, dir string, tf trainFlags, timeout time.Duration, threads int, stdout, stderr io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		return fmt.Errorf("%s holds no generated program (no main.go); write one with nasgc gen", dir)
	}
	fmt.Fprintf(stderr, "building %s\n", dir)
	if out, err := exec.Build(ctx, dir); err != nil {
		fmt.Fprintf(stderr, "%s: build failed:\n%s", dir, out)
		return errPrinted
	}
	var args []string
	flagArg := func(name, cflag string, v any) {
		if cmd.Flags().Changed(name) {
			args = append(args, fmt.Sprintf("-%s=%v", cflag, v))
		}
	}
	flagArg("epochs", "epochs", tf.epochs)
	flagArg("steps", "steps", tf.steps)
	flagArg("subset", "subset", tf.subset)
	flagArg("test", "test", tf.test)
	flagArg("batch", "batch", tf.batch)
	flagArg("lr", "lr", tf.lr)
	flagArg("timeout", "time-limit", timeout)
	flagArg("threads", "threads", threads)
	bin, err := filepath.Abs(filepath.Join(dir, exec.BinaryName))
	if err != nil {
		return err
	}
	c := execCommand(ctx, bin, args...)
	c.Dir = dir
	c.Stdout, c.Stderr = stdout, stderr
	if err := c.Run(); err != nil {
		return errPrinted // the program printed its result and failure
	}
	return nil
}

func newSearchCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		evaluations, maxDepth, threads int
		seed                           uint64
		runDir                         string
		timeout                        time.Duration
		tf                             trainFlags
	)
	cmd := &cobra.Command{
		Use:   "search FILE.nasg",
		Short: "Search a space: sample, build, train and rank architectures",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := load(args[0], stderr)
			if err != nil {
				return err
			}
			if g, err = tf.apply(cmd, g); err != nil {
				return err
			}
			s := g.Search
			if cmd.Flags().Changed("evaluations") {
				if evaluations < 1 {
					return usageError{fmt.Errorf("--evaluations must be >= 1, got %d", evaluations)}
				}
				s.Evaluations = evaluations
			}
			if cmd.Flags().Changed("seed") {
				s.Seed = seed
			}
			if cmd.Flags().Changed("max-depth") {
				if maxDepth < 1 {
					return usageError{fmt.Errorf("--max-depth must be >= 1, got %d", maxDepth)}
				}
				s.MaxDepth = maxDepth
			}
			if cmd.Flags().Changed("timeout") {
				if timeout <= 0 {
					return usageError{fmt.Errorf("--timeout must be positive, got %s", timeout)}
				}
				s.Timeout = timeout
			}
			g.Search = s
			if runDir == "" {
				runDir = filepath.Join("runs", fmt.Sprintf("%s-%s", g.Name, time.Now().Format("20060102-150405")))
			}
			srcDir, err := nasgc.SourceDir()
			if err != nil {
				return err
			}
			t := g.Train
			budget := fmt.Sprintf("%d epoch(s)", t.Epochs)
			if t.Steps > 0 {
				budget = fmt.Sprintf("%d step(s)", t.Steps)
			}
			fmt.Fprintf(stderr, "nasgc: %s search of %s: %d evaluations, seed %d, max_depth %d\n", s.Strategy, args[0], s.Evaluations, s.Seed, s.MaxDepth)
			fmt.Fprintf(stderr, "each candidate trains %s on %s %s training images (batch %d) and is tested on %s test images; time limit %s each\n",
				budget, count(t.Subset), t.Dataset, t.Batch, count(t.Test), s.Timeout)
			fmt.Fprintf(stderr, "(these are the file's settings; change them with --evaluations, --subset, --test, --epochs, --steps)\n")
			fmt.Fprintf(stderr, "run directory: %s\n", runDir)
			l := &exec.Local{Grammar: g, SourceDir: srcDir, Threads: threads, Timeout: s.Timeout, Log: stderr}
			r, err := search.Random(cmd.Context(), search.Config{
				Grammar: g, Evaluations: s.Evaluations, Seed: s.Seed, MaxDepth: s.MaxDepth,
				RunDir: runDir, Evaluator: l, Log: stderr, Out: stdout,
			})
			if err != nil {
				if errors.Is(err, context.Canceled) {
					fmt.Fprintf(stderr, "search interrupted; finished trials are in %s\n", filepath.Join(runDir, search.ResultsFile))
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
	cmd.Flags().StringVar(&runDir, "run", "", "directory for the run's trials and code (default: runs/SPACE-TIME)")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "time limit per candidate (default: the file's)")
	cmd.Flags().IntVar(&threads, "threads", 0, "threads per candidate (default: all cores)")
	tf.register(cmd)
	return cmd
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
