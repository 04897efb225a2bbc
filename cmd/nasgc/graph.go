package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"

	"github.com/nasgc/nasgc/dsl"
	"github.com/spf13/cobra"
)

func newGraphCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		arch, out string
		seed      uint64
	)
	cmd := &cobra.Command{
		Use:   "graph FILE.nasg [--arch TERM] [-o FILE.dot|FILE.svg]",
		Short: "Print an architecture as a Graphviz graph (sampled unless --arch is given)",
		Long: `graph flattens an architecture into one graph: topologies replaced by their
wiring, zero operations and the nodes they cut off pruned, with the shape
and parameter count of every operation. It prints Graphviz's DOT language,
or writes FILE.dot, or FILE.svg when Graphviz's dot program is installed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := load(args[0], stderr)
			if err != nil {
				return err
			}
			d, err := derivation(g, arch, seed, stderr)
			if err != nil {
				return err
			}
			gr, err := g.Graph(d)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("%s: %s parameters, depth %d", g.Name, dsl.FormatCount(bigInt(gr.Params)), gr.Depth)
			dot := gr.DOT(title)
			switch ext := strings.ToLower(filepath.Ext(out)); {
			case out == "":
				_, err := io.WriteString(stdout, dot)
				return err
			case ext == ".svg":
				bin, err := osexec.LookPath("dot")
				if err != nil {
					return errors.New("writing SVG needs Graphviz's dot program (Debian package graphviz); write a .dot file instead")
				}
				c := osexec.Command(bin, "-Tsvg", "-o", out)
				c.Stdin = strings.NewReader(dot)
				var msg bytes.Buffer
				c.Stderr = &msg
				if err := c.Run(); err != nil {
					return fmt.Errorf("dot: %v: %s", err, strings.TrimSpace(msg.String()))
				}
			default:
				if err := os.WriteFile(out, []byte(dot), 0o644); err != nil {
					return err
				}
			}
			fmt.Fprintf(stdout, "%s\nwrote %s (%d operations, %s parameters)\n", d, out, len(gr.Nodes)-1, dsl.FormatCount(bigInt(gr.Params)))
			return nil
		},
	}
	cmd.Flags().StringVar(&arch, "arch", "", "the architecture, as a functional term or a bracketed id")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the sampled architecture when --arch is not given")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write FILE.dot, or FILE.svg with Graphviz")
	return cmd
}
