package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nasgc/nasgc/dsl"
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
		newFmtCmd(stdout, stderr),
		newCountCmd(stdout, stderr),
		newSampleCmd(stdout, stderr),
		newGraphCmd(stdout, stderr),
		newGenCmd(stdout, stderr),
		newTrainCmd(stdout, stderr),
		newSearchCmd(stdout, stderr),
		newStatusCmd(stdout, stderr),
		newBestCmd(stdout, stderr),
		newExportCmd(stdout, stderr),
		newReportCmd(stdout, stderr),
		newSurrogateCmd(stdout, stderr),
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
