package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search/gp"
)

// SurrogateNTrain are the training-set sizes of the paper's surrogate
// study (paper-spec §5.3).
var SurrogateNTrain = []int{10, 25, 50, 75, 100, 150, 200, 300, 400}

// SurrogateKernels are the surrogates the study compares by default:
// hWL (BOHNAS), WL (NASBOWL) and NASBOT.
var SurrogateKernels = []gp.Kind{gp.HWL, gp.WL, gp.NASBOT}

// SurrogateConfig configures SurrogateStudy. The zero value of every field
// means the paper's setting.
type SurrogateConfig struct {
	Kernels []gp.Kind // surrogates compared (default SurrogateKernels)
	NTrain  []int     // training-set sizes (default SurrogateNTrain)
	Seeds   int       // shuffles per training-set size (default 20)
	Test    int       // test trials at most: the last Test of each shuffle (default 500)
	Seed    uint64    // base seed of the shuffles
	// MinTest is the fewest test trials a training-set size must leave;
	// sizes that leave fewer are skipped (default 10).
	MinTest int
	// PerRun keeps only the first PerRun finished trials of each run, in
	// the order they finished (0 = all; the paper uses 100).
	PerRun int
	// GP is the models' configuration; its Kernel is set per surrogate.
	GP gp.Config
	// Workers fit this many models at once (default GOMAXPROCS). The
	// results do not depend on it.
	Workers int
	// Progress, if set, is called after each (kernel, seed) series of
	// fits with the number done and the total; calls are serialised.
	Progress func(done, total int)
}

func (c SurrogateConfig) withDefaults() (SurrogateConfig, error) {
	if len(c.Kernels) == 0 {
		c.Kernels = SurrogateKernels
	}
	seen := map[gp.Kind]bool{}
	var ks []gp.Kind
	for _, k := range c.Kernels {
		if k < gp.HWL || k > gp.NASBOT {
			return c, fmt.Errorf("unknown kernel %v", k)
		}
		if !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	c.Kernels = ks
	if len(c.NTrain) == 0 {
		c.NTrain = SurrogateNTrain
	}
	c.NTrain = slices.Clone(c.NTrain)
	slices.Sort(c.NTrain)
	c.NTrain = slices.Compact(c.NTrain)
	if c.NTrain[0] < 1 {
		return c, fmt.Errorf("n_train must be at least 1, not %d", c.NTrain[0])
	}
	if c.Seeds == 0 {
		c.Seeds = 20
	}
	if c.Test == 0 {
		c.Test = 500
	}
	if c.MinTest == 0 {
		c.MinTest = 10
	}
	if c.Seeds < 0 || c.Test < 0 || c.MinTest < 0 || c.PerRun < 0 {
		return c, errors.New("seeds, test, min test and per-run must not be negative")
	}
	c.MinTest = max(c.MinTest, 2) // a rank correlation needs two points
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c, nil
}

// Summary is a metric over the seeds: the mean and standard error of the
// values that are defined (a rank correlation is undefined, NaN, when the
// predictions or the targets all tie; a fit that fails gives NaN too).
type Summary struct {
	Mean   float64   // NaN when N is 0
	SE     float64   // standard error of the mean; NaN when N < 2
	N      int       // defined values
	Values []float64 // per seed, NaN where undefined
}

func summarizeSeeds(vs []float64) Summary {
	s := Summary{Values: vs, Mean: math.NaN(), SE: math.NaN()}
	sum := 0.0
	for _, v := range vs {
		if !math.IsNaN(v) {
			sum += v
			s.N++
		}
	}
	if s.N == 0 {
		return s
	}
	s.Mean = sum / float64(s.N)
	if s.N > 1 {
		ss := 0.0
		for _, v := range vs {
			if !math.IsNaN(v) {
				ss += (v - s.Mean) * (v - s.Mean)
			}
		}
		s.SE = math.Sqrt(ss/float64(s.N-1)) / math.Sqrt(float64(s.N))
	}
	return s
}

// jsonNum is a float64 that encodes NaN and infinities as null.
type jsonNum float64

func (f jsonNum) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// MarshalJSON encodes undefined values (NaN) as null.
func (s Summary) MarshalJSON() ([]byte, error) {
	vs := make([]jsonNum, len(s.Values))
	for i, v := range s.Values {
		vs[i] = jsonNum(v)
	}
	return json.Marshal(struct {
		Mean   jsonNum   `json:"mean"`
		SE     jsonNum   `json:"se"`
		N      int       `json:"n"`
		Values []jsonNum `json:"values"`
	}{jsonNum(s.Mean), jsonNum(s.SE), s.N, vs})
}

// SurrogateCell is one kernel at one training-set size.
type SurrogateCell struct {
	Kernel   string  `json:"kernel"`
	NTrain   int     `json:"n_train"`
	NTest    int     `json:"n_test"`
	Kendall  Summary `json:"kendall_tau"` // Kendall's τ-b of predicted mean and loss
	Spearman Summary `json:"spearman"`    // Spearman's ρ (average ranks for ties)
	Pearson  Summary `json:"pearson"`
	// NLL is the mean Gaussian negative log likelihood of the test losses
	// under the predictive mean and variance, in raw loss units (nats per
	// test trial, the loss being log(validation error + 1e-8)).
	NLL    Summary  `json:"nll"`
	Failed int      `json:"failed_fits"`      // seeds whose fit or prediction failed
	Errors []string `json:"errors,omitempty"` // their distinct errors
}

// SurrogateReport is the result of SurrogateStudy.
type SurrogateReport struct {
	Runs      []string `json:"runs"`
	SpaceName string   `json:"space"`
	SpaceHash string   `json:"space_hash"`
	Trials    int      `json:"trials"`   // pooled finished trials used
	Unusable  int      `json:"unusable"` // finished trials without kernel graphs (skipped)
	Kernels   []string `json:"kernels"`
	NTrain    []int    `json:"n_train"` // sizes evaluated
	Skipped   []int    `json:"n_train_skipped,omitempty"`
	Seeds     int      `json:"seeds"`
	Test      int      `json:"test"`
	Seed      uint64   `json:"seed"`
	PerRun    int      `json:"per_run,omitempty"`
	// Cells holds one entry per NTrain size and kernel, sizes outer.
	Cells []SurrogateCell `json:"results"`
}

// Cell returns the result of kernel at training-set size n, or nil.
func (r *SurrogateReport) Cell(kernel string, n int) *SurrogateCell {
	for i := range r.Cells {
		if r.Cells[i].Kernel == kernel && r.Cells[i].NTrain == n {
			return &r.Cells[i]
		}
	}
	return nil
}

type surrogatePoint struct {
	arch gp.Arch
	loss float64
}

// surrogateData pools the finished trials of runs with their kernel
// graphs and losses (search.Loss: failed trials count as error 1).
func surrogateData(runs []*Run, g *dsl.Grammar, perRun int) (pts []surrogatePoint, unusable int, err error) {
	archs := map[string]*gp.Arch{}
	bad := map[string]bool{}
	for _, r := range runs {
		var fin []*Trial
		for _, t := range r.Trials {
			if _, ok := Loss(t); ok {
				fin = append(fin, t)
			}
		}
		sort.SliceStable(fin, func(i, j int) bool {
			if !fin[i].Finished.Equal(fin[j].Finished) {
				return fin[i].Finished.Before(fin[j].Finished)
			}
			return fin[i].ID < fin[j].ID
		})
		if perRun > 0 && len(fin) > perRun {
			fin = fin[:perRun]
		}
		for _, t := range fin {
			loss, _ := Loss(t)
			if math.IsNaN(loss) || math.IsInf(loss, 0) || bad[t.Term] {
				unusable++
				continue
			}
			a := archs[t.Term]
			if a == nil {
				d, err := g.ParseTerm(t.Term)
				if err != nil {
					return nil, 0, fmt.Errorf("%s: trial %d: architecture %s: %w", r.Dir, t.ID, t.Term, err)
				}
				lgs, err := g.KernelGraphs(d)
				if err != nil || len(lgs) == 0 {
					// An architecture without a kernel graph (everything
					// pruned) cannot be given to a kernel.
					bad[t.Term] = true
					unusable++
					continue
				}
				a = &gp.Arch{Graphs: make([]gp.Graph, len(lgs))}
				for i, lg := range lgs {
					a.Graphs[i] = gp.Graph{Labels: lg.Labels, Succ: lg.Succ}
				}
				archs[t.Term] = a
			}
			pts = append(pts, surrogatePoint{arch: *a, loss: loss})
		}
	}
	return pts, unusable, nil
}

// SurrogateStudy is the surrogate study of paper-spec §5.3. It pools the
// finished trials of runs (all of the space g, by the hash of its source)
// and, for every seed, shuffles them; for every training-set size n it
// fits each kernel's GP to the first n trials of the shuffle and predicts
// the test set, the last cfg.Test trials (or all after the first n when
// fewer remain). It reports Kendall's τ-b, Spearman's ρ and Pearson's r
// of the predicted mean against the test losses, and the test set's mean
// negative log likelihood, as mean and standard error over the seeds.
// Sizes that leave fewer than cfg.MinTest test trials are skipped. The
// targets are Loss(t): log(validation error + 1e-8), failed trials
// counting as error 1. The result is a function of the runs and the
// configuration (seeded), whatever the number of workers.
func SurrogateStudy(ctx context.Context, runs []*Run, g *dsl.Grammar, cfg SurrogateConfig) (*SurrogateReport, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, errors.New("no runs")
	}
	if g == nil {
		return nil, errors.New("no grammar")
	}
	rep := &SurrogateReport{SpaceName: g.Name, SpaceHash: SpaceHash(g.Source), Seeds: cfg.Seeds, Test: cfg.Test, Seed: cfg.Seed, PerRun: cfg.PerRun}
	for _, r := range runs {
		rep.Runs = append(rep.Runs, r.Dir)
		if r.Meta != nil && r.Meta.SpaceHash != "" && r.Meta.SpaceHash != rep.SpaceHash {
			name := r.Meta.SpaceName
			return nil, fmt.Errorf("%s is a run of another space (%s, hash %s) than %s (%s, hash %s): a surrogate study pools runs of one space only",
				r.Dir, name, r.Meta.SpaceHash, runs[0].Dir, g.Name, rep.SpaceHash)
		}
	}
	for _, k := range cfg.Kernels {
		rep.Kernels = append(rep.Kernels, k.String())
	}
	pts, unusable, err := surrogateData(runs, g, cfg.PerRun)
	if err != nil {
		return nil, err
	}
	rep.Trials, rep.Unusable = len(pts), unusable
	if len(pts) == 0 {
		return nil, fmt.Errorf("no finished trials to study in %s", strings.Join(rep.Runs, ", "))
	}
	for _, n := range cfg.NTrain {
		if len(pts)-n >= cfg.MinTest {
			rep.NTrain = append(rep.NTrain, n)
		} else {
			rep.Skipped = append(rep.Skipped, n)
		}
	}
	if len(rep.NTrain) == 0 {
		return nil, fmt.Errorf("%d finished trials: too few for n_train %v with at least %d test trials each", len(pts), cfg.NTrain, cfg.MinTest)
	}

	// One job per (kernel, seed): a model grown through the training-set
	// sizes in increasing order (each training set is a prefix of the
	// shuffle, and Fit starts afresh, so this equals fitting anew).
	type metrics struct{ kendall, spearman, pearson, nll []float64 }
	nk, ns := len(cfg.Kernels), len(rep.NTrain)
	res := make([][]metrics, nk) // [kernel][size]
	errs := make([][][]error, nk)
	for ki := range res {
		res[ki] = make([]metrics, ns)
		errs[ki] = make([][]error, ns)
		for si := range res[ki] {
			nan := func() []float64 {
				v := make([]float64, cfg.Seeds)
				for i := range v {
					v[i] = math.NaN()
				}
				return v
			}
			res[ki][si] = metrics{nan(), nan(), nan(), nan()}
			errs[ki][si] = make([]error, cfg.Seeds)
		}
	}
	perms := make([][]int, cfg.Seeds)
	for s := range perms {
		r := rand.New(rand.NewPCG(cfg.Seed, 0x5375+uint64(s)))
		perms[s] = r.Perm(len(pts))
	}

	type job struct{ ki, s int }
	jobs := make(chan job)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		done     int
		firstErr error
	)
	total := nk * cfg.Seeds
	for range min(cfg.Workers, total) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				err := surrogateSeries(ctx, pts, perms[j.s], cfg, cfg.Kernels[j.ki], rep.NTrain, func(si int, m [4]float64, err error) {
					r := res[j.ki][si]
					r.kendall[j.s], r.spearman[j.s], r.pearson[j.s], r.nll[j.s] = m[0], m[1], m[2], m[3]
					errs[j.ki][si][j.s] = err
				})
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				done++
				if cfg.Progress != nil {
					cfg.Progress(done, total)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for ki := range nk {
		for s := range cfg.Seeds {
			select {
			case jobs <- job{ki, s}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}

	for si, n := range rep.NTrain {
		for ki, k := range cfg.Kernels {
			r := res[ki][si]
			c := SurrogateCell{Kernel: k.String(), NTrain: n, NTest: min(cfg.Test, len(pts)-n),
				Kendall: summarizeSeeds(r.kendall), Spearman: summarizeSeeds(r.spearman), Pearson: summarizeSeeds(r.pearson), NLL: summarizeSeeds(r.nll)}
			seen := map[string]bool{}
			for _, e := range errs[ki][si] {
				if e != nil {
					c.Failed++
					if !seen[e.Error()] {
						seen[e.Error()] = true
						c.Errors = append(c.Errors, e.Error())
					}
				}
			}
			rep.Cells = append(rep.Cells, c)
		}
	}
	return rep, nil
}

// surrogateSeries fits one kernel on one shuffle at every size and
// reports each size's metrics (Kendall, Spearman, Pearson, NLL) or the
// error of its fit. Only invalid input is returned as an error.
func surrogateSeries(ctx context.Context, pts []surrogatePoint, perm []int, cfg SurrogateConfig, kind gp.Kind, sizes []int, report func(si int, m [4]float64, err error)) error {
	gcfg := cfg.GP
	gcfg.Kernel = kind
	m, err := gp.New(gcfg)
	if err != nil {
		return err
	}
	added := 0
	for si, n := range sizes {
		if err := ctx.Err(); err != nil {
			return err
		}
		for ; added < n; added++ {
			p := pts[perm[added]]
			if err := m.Add(p.arch, p.loss); err != nil {
				return err
			}
		}
		test := perm[max(n, len(perm)-cfg.Test):]
		cands := make([]gp.Arch, len(test))
		y := make([]float64, len(test))
		for i, j := range test {
			cands[i], y[i] = pts[j].arch, pts[j].loss
		}
		nan := math.NaN()
		if err := m.Fit(); err != nil {
			report(si, [4]float64{nan, nan, nan, nan}, err)
			continue
		}
		mu, v, err := m.Predict(cands)
		if err != nil {
			report(si, [4]float64{nan, nan, nan, nan}, err)
			continue
		}
		report(si, [4]float64{KendallTau(mu, y), SpearmanRho(mu, y), PearsonR(mu, y), GaussianNLL(y, mu, v)}, nil)
	}
	return nil
}

// KendallTau returns Kendall's τ-b of x and y (equal lengths): the
// concordant minus discordant pairs over √(pairs untied in x × pairs
// untied in y). It is NaN when x or y all tie, or with fewer than two
// points.
func KendallTau(x, y []float64) float64 {
	n := min(len(x), len(y))
	var s, tx, ty int
	for i := range n {
		for j := i + 1; j < n; j++ {
			dx, dy := sign(x[i]-x[j]), sign(y[i]-y[j])
			s += dx * dy
			if dx != 0 {
				tx++
			}
			if dy != 0 {
				ty++
			}
		}
	}
	if tx == 0 || ty == 0 {
		return math.NaN()
	}
	return float64(s) / math.Sqrt(float64(tx)*float64(ty))
}

func sign(d float64) int {
	switch {
	case d > 0:
		return 1
	case d < 0:
		return -1
	}
	return 0
}

// SpearmanRho returns Spearman's rank correlation of x and y: Pearson's
// r of their ranks, tied values sharing their average rank. It is NaN
// when x or y all tie.
func SpearmanRho(x, y []float64) float64 {
	n := min(len(x), len(y))
	return PearsonR(Ranks(x[:n]), Ranks(y[:n]))
}

// Ranks returns the ranks (1-based) of xs, tied values getting the average
// of the ranks they span.
func Ranks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	r := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && xs[idx[j]] == xs[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			r[idx[k]] = avg
		}
		i = j
	}
	return r
}

// PearsonR returns Pearson's correlation of x and y, NaN when either is
// constant or has fewer than two points.
func PearsonR(x, y []float64) float64 {
	n := min(len(x), len(y))
	if n < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range n {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxy, sxx, syy float64
	for i := range n {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// GaussianNLL returns the mean negative log likelihood of y under
// independent normals with means mu and variances v: the mean of
// ½log(2πv) + (y−μ)²/(2v). It is NaN without points or with a variance
// that is not positive.
func GaussianNLL(y, mu, v []float64) float64 {
	n := min(len(y), len(mu), len(v))
	if n == 0 {
		return math.NaN()
	}
	s := 0.0
	for i := range n {
		if !(v[i] > 0) {
			return math.NaN()
		}
		d := y[i] - mu[i]
		s += 0.5*math.Log(2*math.Pi*v[i]) + d*d/(2*v[i])
	}
	return s / float64(n)
}

// SurrogateMetrics names the metrics of a SurrogateCell, in the order
// WriteSurrogate prints them.
var SurrogateMetrics = []string{"kendall_tau", "spearman", "pearson", "nll"}

// Metric returns the named metric of c (one of SurrogateMetrics).
func (c *SurrogateCell) Metric(name string) (Summary, bool) {
	switch name {
	case "kendall_tau":
		return c.Kendall, true
	case "spearman":
		return c.Spearman, true
	case "pearson":
		return c.Pearson, true
	case "nll":
		return c.NLL, true
	}
	return Summary{}, false
}

var surrogateTitles = map[string]string{
	"kendall_tau": "Kendall tau-b (predicted mean vs. test loss; higher is better)",
	"spearman":    "Spearman rho (higher is better)",
	"pearson":     "Pearson r (higher is better)",
	"nll":         "NLL: mean Gaussian negative log likelihood of the test losses, raw units (nats per trial, loss = log(error + 1e-8); lower is better)",
}

// WriteSurrogate prints the report: a header, then a table per metric,
// rows n_train, columns kernel, each entry the mean ± standard error over
// the seeds.
func WriteSurrogate(w io.Writer, r *SurrogateReport) {
	fmt.Fprintf(w, "surrogate study: space %s (hash %s), %d run(s), %d finished trials", r.SpaceName, r.SpaceHash, len(r.Runs), r.Trials)
	if r.PerRun > 0 {
		fmt.Fprintf(w, " (first %d of each run)", r.PerRun)
	}
	if r.Unusable > 0 {
		fmt.Fprintf(w, ", %d without kernel graphs left out", r.Unusable)
	}
	fmt.Fprintf(w, "\n%d seed(s) from base seed %d; test set: the last %d of each shuffle, or all after n_train\n", r.Seeds, r.Seed, r.Test)
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "n_train %s skipped: too few trials left to test\n", joinInts(r.Skipped))
	}
	for _, name := range SurrogateMetrics {
		fmt.Fprintf(w, "\n%s\n", surrogateTitles[name])
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprint(tw, "n_train\tn_test")
		for _, k := range r.Kernels {
			fmt.Fprintf(tw, "\t%s", k)
		}
		fmt.Fprintln(tw)
		for _, n := range r.NTrain {
			nt := 0
			var cells []string
			for _, k := range r.Kernels {
				c := r.Cell(k, n)
				if c == nil {
					cells = append(cells, "-")
					continue
				}
				nt = c.NTest
				s, _ := c.Metric(name)
				cells = append(cells, formatSummary(s, r.Seeds))
			}
			fmt.Fprintf(tw, "%d\t%d\t%s\n", n, nt, strings.Join(cells, "\t"))
		}
		tw.Flush()
	}
	sep := "\n"
	for _, c := range r.Cells {
		if c.Failed > 0 {
			fmt.Fprintf(w, "%s%s at n_train %d: %d of %d fit(s) failed: %s\n", sep, c.Kernel, c.NTrain, c.Failed, r.Seeds, strings.Join(c.Errors, "; "))
			sep = ""
		}
	}
}

func formatSummary(s Summary, seeds int) string {
	if s.N == 0 {
		return "undefined"
	}
	out := fmt.Sprintf("%.3f", s.Mean)
	if !math.IsNaN(s.SE) {
		out += fmt.Sprintf(" ± %.3f", s.SE)
	}
	if s.N < seeds {
		out += fmt.Sprintf(" (%d/%d)", s.N, seeds)
	}
	return out
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
