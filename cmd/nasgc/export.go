package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/nasgc/nasgc/search"
	"github.com/spf13/cobra"
)

func newExportCmd(stdout, stderr io.Writer) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "export RUN",
		Short: "Write a run's trials as CSV or JSON to standard output",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "csv" && format != "json" {
				return usageError{fmt.Errorf("--format must be csv or json, got %q", format)}
			}
			r, err := search.ReadRun(args[0])
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				trials := r.Trials
				if trials == nil {
					trials = []*search.Trial{}
				}
				return enc.Encode(trials)
			}
			w := csv.NewWriter(stdout)
			w.Write([]string{"id", "term", "state", "failure", "accuracy", "loss", "params", "train_images", "test_images",
				"seed", "code_hash", "build_seconds", "run_seconds", "seconds", "attempts", "started", "finished", "dir", "error",
				"test_accuracy", "flops", "objective"})
			ts := func(t time.Time) string {
				if t.IsZero() {
					return ""
				}
				return t.UTC().Format(time.RFC3339Nano)
			}
			f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
			obj := func(x *float64) string {
				if x == nil {
					return ""
				}
				return f(*x)
			}
			for _, t := range r.Trials {
				w.Write([]string{strconv.Itoa(t.ID), t.Term, t.State, t.Failure, f(t.Accuracy), f(t.Loss), strconv.Itoa(t.Params),
					strconv.Itoa(t.TrainImages), strconv.Itoa(t.TestImages), strconv.FormatUint(t.Seed, 10), t.CodeHash,
					f(t.BuildSeconds), f(t.RunSeconds), f(t.Seconds), strconv.Itoa(t.Attempts), ts(t.Started), ts(t.Finished), t.Dir, t.Error,
					f(t.TestAccuracy), strconv.FormatInt(t.FLOPs, 10), obj(t.Objective)})
			}
			w.Flush()
			return w.Error()
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}
