package report

import (
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nasgc/nasgc/search"
)

// The files Write creates in its output directory.
const (
	IncumbentByEvaluations = "incumbent_evaluations.png"
	IncumbentByTime        = "incumbent_time.png"
	AllTrials              = "trials.png"
	Summary                = "summary.md"
)

// Files lists the files Write creates.
var Files = []string{IncumbentByEvaluations, IncumbentByTime, AllTrials, Summary}

// Write writes the plots and the summary of runs into dir (created if
// needed). Each run is one series, labelled with Label.
func Write(dir string, runs []*search.Run) error {
	if len(runs) == 0 {
		return fmt.Errorf("no runs")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	labels := Labels(runs)
	// What the runs rank: accuracy in percent, or an objective's score
	// (NASWOT) as it is.
	what, scale := "accuracy (%)", 100.0
	for _, r := range runs {
		if r.Settings.Train.Objective == "naswot" {
			what, scale = "NASWOT score", 1
		}
	}
	byEval := newPlot("Incumbent by evaluations", "evaluations (finished trials)", "best "+what)
	byTime := newPlot("Incumbent over time", "minutes since the first trial started", "best "+what)
	trials := newPlot("All trials", "evaluation", what)
	for i, r := range runs {
		curve := r.Curve()
		if len(curve) == 0 {
			continue
		}
		col := plotutil.Color(i)
		ev, tm := make(plotter.XYs, len(curve)), make(plotter.XYs, len(curve))
		var ok, failed plotter.XYs
		for j, p := range curve {
			ev[j] = plotter.XY{X: float64(p.Evaluations), Y: scale * p.Accuracy}
			tm[j] = plotter.XY{X: p.Seconds / 60, Y: scale * p.Accuracy}
			if p.Trial.OK() {
				ok = append(ok, plotter.XY{X: float64(p.Evaluations), Y: scale * search.Score(p.Trial)})
			} else {
				failed = append(failed, plotter.XY{X: float64(p.Evaluations), Y: 0})
			}
		}
		if err := addStep(byEval, ev, col, labels[i]); err != nil {
			return err
		}
		if err := addStep(byTime, tm, col, labels[i]); err != nil {
			return err
		}
		if len(ok) > 0 {
			s, err := plotter.NewScatter(ok)
			if err != nil {
				return err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
			trials.Add(s)
			trials.Legend.Add(labels[i], s)
		}
		if len(failed) > 0 {
			s, err := plotter.NewScatter(failed)
			if err != nil {
				return err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: draw.CrossGlyph{}}
			trials.Add(s)
			trials.Legend.Add(labels[i]+" failed (at 0)", s)
		}
		l, err := plotter.NewLine(ev)
		if err != nil {
			return err
		}
		l.StepStyle = plotter.PostStep
		l.Color = col
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		trials.Add(l)
	}
	// Headroom above the data for the legend (top left).
	top := 100 + 6*float64(len(runs)+1)
	byEval.Y.Max, byTime.Y.Max, trials.Y.Max = top, top, top+6*float64(len(runs))
	byTime.X.Min = 0
	for name, p := range map[string]*plot.Plot{IncumbentByEvaluations: byEval, IncumbentByTime: byTime, AllTrials: trials} {
		if err := p.Save(8*vg.Inch, 5*vg.Inch, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(dir, Summary))
	if err != nil {
		return err
	}
	WriteSummary(f, runs)
	return f.Close()
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Y.Min, p.Y.Max = 0, 100
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	return p
}

func addStep(p *plot.Plot, xys plotter.XYs, col color.Color, label string) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.StepStyle = plotter.PostStep
	l.Color = col
	l.Width = vg.Points(2)
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
	p.Add(l, s)
	p.Legend.Add(label, l)
	return nil
}

// Labels names each run in plots: the run directory's base name, with its
// strategy and seed.
func Labels(runs []*search.Run) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = fmt.Sprintf("%s (%s, seed %d)", filepath.Base(r.Dir), r.Settings.Strategy, r.Settings.Seed)
	}
	return out
}

// WriteSummary writes a markdown summary of the runs: one table row per
// run and its best architectures.
func WriteSummary(w io.Writer, runs []*search.Run) {
	fmt.Fprintf(w, "# nasgc report\n\n")
	fmt.Fprintf(w, "| run | space | strategy | seed | finished | done | failed | best accuracy | minutes |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range runs {
		done, failed := 0, 0
		for _, t := range r.Finished() {
			if t.OK() {
				done++
			} else {
				failed++
			}
		}
		best, minutes := "-", "-"
		if b := r.Best(); b != nil {
			best = fmt.Sprintf("%.2f%%", 100*b.Accuracy)
		}
		if c := r.Curve(); len(c) > 0 {
			minutes = fmt.Sprintf("%.1f", c[len(c)-1].Seconds/60)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d of %d | %d | %d | %s | %s |\n", r.Dir, r.Meta.SpaceName, r.Settings.Strategy,
			r.Settings.Seed, len(r.Finished()), r.Settings.Evaluations, done, failed, best, minutes)
	}
	fmt.Fprintf(w, "\n![incumbent by evaluations](%s)\n\n![incumbent over time](%s)\n\n![all trials](%s)\n", IncumbentByEvaluations, IncumbentByTime, AllTrials)
	for _, r := range runs {
		fmt.Fprintf(w, "\n## %s\n\n", r.Dir)
		ranked := r.Ranked()
		if len(ranked) == 0 {
			fmt.Fprintf(w, "No finished trials.\n")
			continue
		}
		fmt.Fprintf(w, "| rank | trial | accuracy | params | seconds | architecture | code |\n|---|---|---|---|---|---|---|\n")
		failures := map[string]int{}
		n := 0
		for _, t := range ranked {
			if !t.OK() {
				failures[t.Failure]++
				continue
			}
			if n++; n > 10 {
				continue
			}
			fmt.Fprintf(w, "| %d | %d | %.2f%% | %d | %.0f | `%s` | %s |\n", n, t.ID, 100*t.Accuracy, t.Params, t.Seconds, t.Term, t.Dir)
		}
		if len(failures) > 0 {
			var parts []string
			for k, c := range failures {
				parts = append(parts, fmt.Sprintf("%s: %d", k, c))
			}
			fmt.Fprintf(w, "\nFailed trials by kind: %s.\n", strings.Join(slices.Sorted(slices.Values(parts)), ", "))
		}
	}
}
