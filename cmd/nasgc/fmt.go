package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/nasgc/nasgc/dsl"
)

func newFmtCmd(stdout, stderr io.Writer) *cobra.Command {
	var write, list bool
	cmd := &cobra.Command{
		Use:   "fmt [-w] [-l] FILE.nasg...",
		Short: "Print search spaces in the canonical layout (or rewrite them with -w)",
		Long: `fmt prints each file in the canonical layout of the .nasg language
(docs/language.md): the same syntax tree and comments, spaced and aligned
one way. With -w it rewrites the files that change instead; with -l it
lists them. A file with syntax errors is left alone and its errors are
printed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := false
			for _, path := range args {
				src, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				out, ds := dsl.FormatSource(path, src)
				if ds.HasErrors() {
					for _, d := range ds {
						fmt.Fprintln(stderr, d.Snippet(src))
					}
					failed = true
					continue
				}
				changed := !bytes.Equal(out, src)
				if list && changed {
					fmt.Fprintln(stdout, path)
				}
				switch {
				case write && changed:
					info, err := os.Stat(path)
					if err != nil {
						return err
					}
					if err := os.WriteFile(path, out, info.Mode().Perm()); err != nil {
						return err
					}
				case !write && !list:
					stdout.Write(out)
				}
			}
			if failed {
				return errPrinted
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "rewrite the files instead of printing them")
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list the files whose layout differs from the canonical one")
	return cmd
}
