package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/nasgc/nasgc"
	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/exec"
	"github.com/spf13/cobra"
)

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
