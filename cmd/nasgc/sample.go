package main

import (
	"fmt"
	"io"

	"github.com/nasgc/nasgc/dsl"
	"github.com/spf13/cobra"
)

func newSampleCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		n        int
		seed     uint64
		maxDepth int
		ids      bool
	)
	cmd := &cobra.Command{
		Use:   "sample FILE.nasg",
		Short: "Print random architectures of a search space as functional terms (or ids)",
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
				if ids {
					fmt.Fprintln(stdout, d.ID())
					continue
				}
				fmt.Fprintln(stdout, d)
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&n, "n", "n", 10, "number of architectures")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed; the same seed prints the same architectures")
	cmd.Flags().BoolVar(&ids, "ids", false, "print the paper's bracketed identifiers instead of functional terms")
	cmd.Flags().IntVar(&maxDepth, "max-depth", 0, "bound on nested expansions of recursive rules (default: the file's max_depth)")
	return cmd
}
