package main

import (
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/nasgc/nasgc/dsl"
	"github.com/spf13/cobra"
)

func newCountCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		maxDepth int
		exact    bool
	)
	cmd := &cobra.Command{
		Use:   "count FILE.nasg",
		Short: "Print the exact size of a search space: distinct and weighted architectures",
		Long: `count prints the exact number of architectures of a search space, counted
with big integers:

  distinct     the architectures the sampler can derive: identical
               alternatives count once, every topology keeps a path from
               in to out (the zero rule)
  weighted     an alternative of weight w counted w times, as the paper
               counted duplicated productions (its "10^446" for hnb201)
  no zero rule every derivation, including topologies cut off by zero

Constraints (params, flops, depth, count) are not counted: with them the
sizes are upper bounds. Recursive grammars are counted within max_depth.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := load(args[0], stderr)
			if err != nil {
				return err
			}
			if maxDepth < 0 {
				return usageError{fmt.Errorf("--max-depth must be >= 0, got %d", maxDepth)}
			}
			sz := g.Count(maxDepth)
			show := dsl.FormatCount
			if exact {
				show = func(x *big.Int) string {
					if x == nil {
						return "n/a"
					}
					return x.String()
				}
			}
			fmt.Fprintf(stdout, "%s: space %s", args[0], g.Name)
			if recursive(g) {
				fmt.Fprintf(stdout, " (recursive; counted within max_depth %d)", sz.MaxDepth)
			}
			fmt.Fprintln(stdout)
			fmt.Fprintf(stdout, "  distinct architectures:        %s\n", show(sz.Distinct))
			if sz.Weighted != nil {
				fmt.Fprintf(stdout, "  weighted (as the paper counts): %s\n", show(sz.Weighted))
			} else {
				fmt.Fprintf(stdout, "  weighted (as the paper counts): n/a (a weight is not a whole number)\n")
			}
			fmt.Fprintf(stdout, "  without the zero rule:         %s\n", show(sz.Unconstrained))
			if len(g.Constraints) > 0 {
				var ks []string
				for _, k := range g.Constraints {
					ks = append(ks, fmt.Sprintf("%s %s %s", k.String(), k.Op, dsl.FormatMeasure(k.Limit)))
				}
				fmt.Fprintf(stdout, "  not counted: constraint %s (the sizes are upper bounds)\n", strings.Join(ks, ", "))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&maxDepth, "max-depth", 0, "depth budget of recursive rules (default: the file's max_depth)")
	cmd.Flags().BoolVar(&exact, "exact", false, "print every digit")
	return cmd
}

func recursive(g *dsl.Grammar) bool {
	for _, r := range g.Rules {
		if r.Recursive() {
			return true
		}
	}
	return false
}

func bigInt(n int64) *big.Int { return big.NewInt(n) }
