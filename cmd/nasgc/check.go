package main

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/nasgc/nasgc/dsl"
	"github.com/spf13/cobra"
)

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
				d, err := parseArch(g, arch)
				if err != nil {
					fmt.Fprintf(stderr, "--arch: %v\n  %s\n  %s^\n", err, arch, strings.Repeat(" ", termCol(err)-1))
					return errPrinted
				}
				if err := g.Satisfies(d); err != nil {
					fmt.Fprintf(stderr, "--arch: the grammar derives it, but %v\n", err)
					return errPrinted
				}
				gr, err := g.Graph(d)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s is in the space %s: %s parameters, %s FLOPs per example, depth %d\nid: %s\n",
					d, g.Name, dsl.FormatCount(big.NewInt(gr.Params)), dsl.FormatCount(big.NewInt(gr.FLOPs)), gr.Depth, d.ID())
				return nil
			}
			fmt.Fprintln(stdout, summary(args[0], g))
			return nil
		},
	}
	cmd.Flags().StringVar(&arch, "arch", "", "also check that this architecture (a functional term or a bracketed id) is in the space")
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
	return fmt.Sprintf("%s: ok: space %s, %d rule(s), %d terminal(s) (%d primitive(s), %d topolog%s), start symbol %s%s, %s architectures",
		path, g.Name, len(g.Rules), prims+topos, prims, topos, plural(topos, "y", "ies"), g.Start().Name, recursive, dsl.FormatCount(g.Count(0).Distinct))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
