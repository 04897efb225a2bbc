package report

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/nasgc/nasgc/search"
)

// The files WriteComparison creates.
const (
	ComparisonPlot    = "strategies.png"
	ComparisonSummary = "strategies.md"
)

// Series is the mean incumbent of a group of runs (one strategy, several
// seeds) after each number of evaluations, with its standard error.
type Series struct {
	Name   string
	Runs   int
	Mean   []float64 // Mean[i]: mean best score after i+1 evaluations
	StdErr []float64
}

// Compare groups runs by strategy and averages their incumbent curves
// (search.Score: accuracy, or the objective such as NASWOT's). A run
// contributes to the evaluations it reached.
func Compare(runs []*search.Run) []Series {
	groups := map[string][][]float64{}
	for _, r := range runs {
		name := r.Settings.Strategy
		var curve []float64
		for _, p := range r.Curve() {
			curve = append(curve, p.Accuracy)
		}
		groups[name] = append(groups[name], curve)
	}
	var out []Series
	for name, curves := range groups {
		s := Series{Name: name, Runs: len(curves)}
		for i := 0; ; i++ {
			var xs []float64
			for _, c := range curves {
				if i < len(c) {
					xs = append(xs, c[i])
				}
			}
			if len(xs) < len(curves) {
				break
			}
			m, se := meanStdErr(xs)
			s.Mean, s.StdErr = append(s.Mean, m), append(s.StdErr, se)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func meanStdErr(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/float64(len(xs)-1)) / math.Sqrt(float64(len(xs)))
}

// WriteComparison writes strategies.png (mean incumbent ± standard error
// by evaluations, one line per strategy) and strategies.md (the table at
// a few budgets) into dir.
func WriteComparison(dir string, runs []*search.Run, yLabel string) ([]Series, error) {
	series := Compare(runs)
	if len(series) == 0 {
		return nil, fmt.Errorf("no runs")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Mean incumbent by evaluations"
	p.X.Label.Text = "evaluations"
	p.Y.Label.Text = yLabel
	p.Legend.Top, p.Legend.Left = false, false
	for i, s := range series {
		pts := make(plotter.XYs, len(s.Mean))
		lo := make(plotter.XYs, len(s.Mean))
		hi := make(plotter.XYs, len(s.Mean))
		for j, m := range s.Mean {
			x := float64(j + 1)
			pts[j] = plotter.XY{X: x, Y: m}
			lo[j] = plotter.XY{X: x, Y: m - s.StdErr[j]}
			hi[j] = plotter.XY{X: x, Y: m + s.StdErr[j]}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		for _, band := range []plotter.XYs{lo, hi} {
			b, err := plotter.NewLine(band)
			if err != nil {
				return nil, err
			}
			b.Color = plotutil.Color(i)
			b.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
			p.Add(b)
		}
		p.Legend.Add(fmt.Sprintf("%s (%d runs)", s.Name, s.Runs), l)
	}
	if err := p.Save(7*vg.Inch, 4.5*vg.Inch, filepath.Join(dir, ComparisonPlot)); err != nil {
		return nil, err
	}
	var b strings.Builder
	budgets := []int{10, 25, 50, 100, 150, 200}
	fmt.Fprintf(&b, "Mean best %s ± standard error over runs, by evaluations.\n\n| strategy | runs |", yLabel)
	maxLen := 0
	for _, s := range series {
		maxLen = max(maxLen, len(s.Mean))
	}
	var cols []int
	for _, k := range budgets {
		if k <= maxLen {
			cols = append(cols, k)
		}
	}
	for _, k := range cols {
		fmt.Fprintf(&b, " %d |", k)
	}
	b.WriteString("\n|---|---|")
	for range cols {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, s := range series {
		fmt.Fprintf(&b, "| %s | %d |", s.Name, s.Runs)
		for _, k := range cols {
			if k <= len(s.Mean) {
				fmt.Fprintf(&b, " %.3f ± %.3f |", s.Mean[k-1], s.StdErr[k-1])
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	return series, os.WriteFile(filepath.Join(dir, ComparisonSummary), []byte(b.String()), 0o644)
}
