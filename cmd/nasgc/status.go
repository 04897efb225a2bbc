package main

import (
	"fmt"
	"io"
	"time"

	"github.com/nasgc/nasgc/search"
	"github.com/spf13/cobra"
)

func newStatusCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "status RUN",
		Short: "Show a run's progress: trials by state, running trials, the incumbent",
		Long: `status reads a run directory's store and shows how far the run is. It
can be run while the search is running.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := search.ReadRun(args[0])
			if err != nil {
				return err
			}
			count := map[string]int{}
			var first, last time.Time
			for _, t := range r.Trials {
				count[t.State]++
				if !t.Started.IsZero() && (first.IsZero() || t.Started.Before(first)) {
					first = t.Started
				}
				if t.Finished.After(last) {
					last = t.Finished
				}
			}
			s := r.Settings
			fmt.Fprintf(stdout, "run:         %s\n", r.Dir)
			fmt.Fprintf(stdout, "space:       %s (hash %s)\n", r.Meta.SpaceName, r.Meta.SpaceHash)
			fmt.Fprintf(stdout, "strategy:    %s, seed %d, max_depth %d, %d worker(s)\n", s.Strategy, s.Seed, s.MaxDepth, s.Workers)
			fmt.Fprintf(stdout, "evaluations: %d of %d finished (%d done, %d failed), %d running, %d pending\n",
				count[search.StateDone]+count[search.StateFailed], s.Evaluations, count[search.StateDone], count[search.StateFailed],
				count[search.StateRunning], count[search.StatePending])
			if !first.IsZero() && !last.IsZero() {
				fmt.Fprintf(stdout, "time:        %s from the first start to the last finish\n", last.Sub(first).Round(time.Second))
			}
			for _, t := range r.Trials {
				if t.State == search.StateRunning {
					fmt.Fprintf(stdout, "running:     trial %d since %s: %s\n", t.ID, t.Started.Format(time.DateTime), t.Term)
				}
			}
			if b := r.Best(); b != nil {
				fmt.Fprintf(stdout, "incumbent:   %s trial %d: %s\n", search.ScoreText(b), b.ID, b.Term)
			} else {
				fmt.Fprintf(stdout, "incumbent:   none yet\n")
			}
			return nil
		},
	}
}
