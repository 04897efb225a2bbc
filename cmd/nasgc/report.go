package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/report"
	"github.com/spf13/cobra"
)

func newReportCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		out        string
		byStrategy bool
	)
	cmd := &cobra.Command{
		Use:   "report RUN...",
		Short: "Plot runs (PNG) and summarise them (markdown); several runs share each plot",
		Long: `report writes, for one or more runs, PNG plots of the incumbent's accuracy
against the number of evaluations and against time, a plot of all trials,
and summary.md. With several runs, each is one series on every plot, to
compare strategies or seeds. The files go to RUN/report for one run, or to
--out.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var runs []*search.Run
			for _, dir := range args {
				r, err := search.ReadRun(dir)
				if err != nil {
					return err
				}
				runs = append(runs, r)
			}
			if out == "" {
				if len(args) > 1 {
					return usageError{fmt.Errorf("--out is needed with several runs")}
				}
				out = filepath.Join(args[0], "report")
			}
			if byStrategy {
				label := "accuracy"
				for _, r := range runs {
					if r.Settings.Train.Objective == "naswot" {
						label = "NASWOT score"
					}
				}
				series, err := report.WriteComparison(out, runs, label)
				if err != nil {
					return err
				}
				for _, s := range series {
					if n := len(s.Mean); n > 0 {
						fmt.Fprintf(stdout, "%s: %d run(s), mean best %s after %d evaluations: %.4f ± %.4f\n", s.Name, s.Runs, label, n, s.Mean[n-1], s.StdErr[n-1])
					}
				}
				fmt.Fprintln(stdout, filepath.Join(out, report.ComparisonPlot))
				fmt.Fprintln(stdout, filepath.Join(out, report.ComparisonSummary))
				return nil
			}
			if err := report.Write(out, runs); err != nil {
				return err
			}
			for _, f := range report.Files {
				fmt.Fprintln(stdout, filepath.Join(out, f))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory for the plots and summary (default: RUN/report)")
	cmd.Flags().BoolVar(&byStrategy, "by-strategy", false, "compare strategies: average the runs of each strategy (seeds) into one curve with its standard error")
	return cmd
}
