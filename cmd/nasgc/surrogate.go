package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/gp"
)

func newSurrogateCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		kernels []string
		ntrain  []int
		cfg     search.SurrogateConfig
		asJSON  bool
		out     string
	)
	cmd := &cobra.Command{
		Use:   "surrogate RUN...",
		Short: "Surrogate study: how well each GP kernel predicts the recorded trials of runs",
		Long: `surrogate pools the finished trials of one or more runs of the same space
and, for each seed, shuffles them, fits each kernel's Gaussian process (hwl =
BOHNAS, wl = NASBOWL, nasbot) on the first n_train trials and predicts the
test set: the last --test trials of the shuffle, or all after n_train when
fewer remain. Targets are the search's losses, log(validation error + 1e-8),
failed trials counting as error 1. For each metric it prints a table, rows
n_train and columns kernel, of the mean ± standard error over the seeds:
Kendall tau-b, Spearman rho and Pearson r of the predicted mean against the
test losses, and the mean Gaussian negative log likelihood of the test
losses in raw units (nats per trial). n_train values that leave fewer than
10 test trials are skipped.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, k := range kernels {
				kind, err := gp.ParseKind(strings.TrimSpace(k))
				if err != nil {
					return usageError{fmt.Errorf("--kernels: %v", err)}
				}
				cfg.Kernels = append(cfg.Kernels, kind)
			}
			for _, n := range ntrain {
				if n < 1 {
					return usageError{fmt.Errorf("--ntrain: %d is not a positive number of trials", n)}
				}
			}
			cfg.NTrain = ntrain
			if cfg.Seeds < 1 || cfg.Test < 1 {
				return usageError{fmt.Errorf("--seeds and --test must be at least 1")}
			}
			if out != "" && !strings.EqualFold(filepath.Ext(out), ".png") {
				return usageError{fmt.Errorf("-o %s: the plot is written as PNG; name a .png file", out)}
			}
			var runs []*search.Run
			for _, dir := range args {
				r, err := search.ReadRun(dir)
				if err != nil {
					return err
				}
				if len(runs) > 0 && r.Meta.SpaceHash != runs[0].Meta.SpaceHash {
					return fmt.Errorf("%s is a run of space %s (hash %s) but %s is of space %s (hash %s): a surrogate study pools runs of one space only",
						dir, r.Meta.SpaceName, r.Meta.SpaceHash, args[0], runs[0].Meta.SpaceName, runs[0].Meta.SpaceHash)
				}
				runs = append(runs, r)
			}
			g, err := loadRun(args[0], stderr)
			if err != nil {
				return err
			}
			rep, err := search.SurrogateStudy(cmd.Context(), runs, g, cfg)
			if err != nil {
				return err
			}
			if out != "" {
				if err := plotSurrogate(out, rep); err != nil {
					return err
				}
			}
			if asJSON {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s\n", b)
				if out != "" {
					fmt.Fprintf(stderr, "plot: %s\n", out)
				}
				return nil
			}
			search.WriteSurrogate(stdout, rep)
			if out != "" {
				fmt.Fprintf(stdout, "\nplot: %s\n", out)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&kernels, "kernels", []string{"hwl", "wl", "nasbot"}, "kernels to compare: hwl (BOHNAS), wl (NASBOWL), nasbot")
	f.IntSliceVar(&ntrain, "ntrain", search.SurrogateNTrain, "training-set sizes")
	f.IntVar(&cfg.Seeds, "seeds", 20, "shuffles (seeds) per training-set size")
	f.IntVar(&cfg.Test, "test", 500, "test trials at most: the last N of each shuffle")
	f.Uint64Var(&cfg.Seed, "seed", 0, "base seed of the shuffles")
	f.IntVar(&cfg.PerRun, "per-run", 0, "use only the first N finished trials of each run (0 = all; the paper uses 100)")
	f.IntVar(&cfg.Workers, "workers", 0, "models fitted at once (0 = one per core; results do not depend on it)")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON, with the value of every seed")
	f.StringVarP(&out, "out", "o", "", "also plot Kendall tau against n_train per kernel into this PNG file")
	return cmd
}

// errPoints are a kernel's mean Kendall tau per n_train with the standard
// error as error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// plotSurrogate writes the plot of Kendall tau against n_train, one line
// per kernel, with the standard error over the seeds as error bars.
func plotSurrogate(path string, rep *search.SurrogateReport) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Surrogate study on %s: %d trials, %d seeds", rep.SpaceName, rep.Trials, rep.Seeds)
	p.X.Label.Text = "n_train (training trials)"
	p.Y.Label.Text = "Kendall tau-b on held-out trials (mean ± s.e.)"
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	var ticks []plot.Tick
	for _, n := range rep.NTrain {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: fmt.Sprint(n)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	if len(rep.NTrain) > 0 {
		p.X.Min, p.X.Max = 0, 1.05*float64(rep.NTrain[len(rep.NTrain)-1])
	}
	for i, k := range rep.Kernels {
		var pts errPoints
		for _, n := range rep.NTrain {
			c := rep.Cell(k, n)
			if c == nil || c.Kendall.N == 0 {
				continue
			}
			se := c.Kendall.SE
			if math.IsNaN(se) {
				se = 0
			}
			pts.XYs = append(pts.XYs, plotter.XY{X: float64(n), Y: c.Kendall.Mean})
			pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{se, se})
		}
		if len(pts.XYs) == 0 {
			continue
		}
		col := plotutil.Color(i)
		l, s, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return err
		}
		l.Color, l.Width = col, vg.Points(2)
		s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: plotutil.Shape(i)}
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return err
		}
		eb.LineStyle.Color = col
		p.Add(l, s, eb)
		p.Legend.Add(k, l, s)
	}
	// Room above the data for the legend.
	p.Y.Max += 0.1 * float64(len(rep.Kernels)) * max(p.Y.Max-p.Y.Min, 0.1)
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}
