package main

import (
	"fmt"
	"io"

	"github.com/nasgc/nasgc/search"
	"github.com/spf13/cobra"
)

func newBestCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "best RUN",
		Short: "Show a run's best architecture, its accuracy and where its code is",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := search.ReadRun(args[0])
			if err != nil {
				return err
			}
			b := r.Best()
			if b == nil {
				fmt.Fprintf(stderr, "%s: no trial has finished with a result yet (%d finished)\n", args[0], len(r.Finished()))
				return errPrinted
			}
			fmt.Fprintf(stdout, "best architecture: %s\n", b.Term)
			if b.Objective != nil {
				fmt.Fprintf(stdout, "score:             %s (%d parameters)\n", search.ScoreText(b), b.Params)
			} else {
				fmt.Fprintf(stdout, "accuracy:          %.2f%% on %d held-out test images (loss %.4f, %d parameters)\n", 100*b.Accuracy, b.TestImages, b.Loss, b.Params)
			}
			fmt.Fprintf(stdout, "trial:             %d of %d finished\n", b.ID, len(r.Finished()))
			fmt.Fprintf(stdout, "code:              %s\n", b.Dir)
			return nil
		},
	}
}
