package main

import (
	"errors"
	"fmt"
	"io"

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
