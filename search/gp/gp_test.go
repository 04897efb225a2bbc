package gp

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func minEigen(t *testing.T, k []float64, n int) float64 {
	t.Helper()
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(n, append([]float64(nil), k...)), false) {
		t.Fatal("eigen decomposition failed")
	}
	return slices.Min(es.Values(nil))
}

func TestWLHandExample(t *testing.T) {
	// g1: a(x)->b(y), a->c(y), b->c; g2: x->y.
	g1 := Graph{Labels: []string{"x", "y", "y"}, Succ: [][]int{{1, 2}, {2}}}
	g2 := Graph{Labels: []string{"x", "y"}, Succ: [][]int{{1}}}
	d := newDict()
	f1 := d.wl(&g1, 1)
	f2 := d.wl(&g2, 1)
	// iteration 0: x:1, y:2 and x:1, y:1
	if !slices.Equal(f1[0].vals, []float64{1, 2}) || !slices.Equal(f2[0].vals, []float64{1, 1}) {
		t.Fatalf("iteration 0: %v %v", f1[0], f2[0])
	}
	// iteration 1: g1 has (x,[y,y]), (y,[y]), (y,[]) once each; g2 has
	// (x,[y]) and (y,[]); they share (y,[]) only.
	if !slices.Equal(f1[1].vals, []float64{1, 1, 1}) || len(f2[1].ids) != 2 {
		t.Fatalf("iteration 1: %v %v", f1[1], f2[1])
	}
	if got := dot(f1[1], f2[1]); got != 1 {
		t.Fatalf("iteration 1 dot = %v, want 1", got)
	}
	// Through a model: k = (3+1)/sqrt((5+3)(2+2)).
	m, err := New(Config{Kernel: WL, H: []int{1}, HGrid: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Graph{g1, g2} {
		if err := m.Add(Arch{Graphs: []Graph{g}}, 0); err != nil {
			t.Fatal(err)
		}
	}
	k := make([]float64, 4)
	m.slots[0].matrix(k)
	want := 4 / math.Sqrt(32)
	if math.Abs(k[1]-want) > 1e-12 || k[0] != 1 || k[3] != 1 {
		t.Fatalf("kernel %v, want off-diagonal %v", k, want)
	}
	// The candidate path (lookup mode) gives the same value.
	out := make([]float64, 2)
	m.slots[0].cross([]Arch{{Graphs: []Graph{g2}}}, 1, out)
	if math.Abs(out[0]-want) > 1e-12 || math.Abs(out[1]-1) > 1e-12 {
		t.Fatalf("cross %v", out)
	}
}

func TestKernelsPSD(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	sizes := []int{30, 3, 6, 10, 16, 24}
	for _, kind := range []Kind{HWL, WL, NASBOT} {
		m, err := New(Config{Kernel: kind})
		if err != nil {
			t.Fatal(err)
		}
		var archs []Arch
		for i := range 40 {
			var a Arch
			switch {
			case i == 5:
				a = Arch{Graphs: []Graph{{}}} // empty graph, no levels
			case i == 6:
				a = archs[3] // duplicate
			case i%7 == 0:
				a = randArch(r, sizes[:1+i%4], 5) // missing levels
			case i >= 30:
				a = randArch(r, sizes, 8) // new labels
			default:
				a = randArch(r, sizes, 5)
			}
			archs = append(archs, a)
			if err := m.Add(a, r.NormFloat64()); err != nil {
				t.Fatal(err)
			}
		}
		n := len(archs)
		k := make([]float64, n*n)
		for si, s := range m.slots {
			hs := s.grid()
			if hs == nil {
				hs = []int{s.h()}
			}
			for _, h := range hs {
				s.setH(h)
				s.matrix(k)
				if e := minEigen(t, k, n); e < -1e-8 {
					t.Errorf("%v slot %d h %d: min eigenvalue %g", kind, si, h, e)
				}
				// The candidate path agrees with the observation path.
				out := make([]float64, n*n)
				s.cross(archs, 1, out)
				for i := range out {
					if math.Abs(out[i]-k[i]) > 1e-9 {
						t.Fatalf("%v slot %d h %d: cross[%d] = %v, matrix %v", kind, si, h, i, out[i], k[i])
					}
				}
			}
		}
		// New candidates (unknown labels) against a model of the first 30:
		// the same values as between observations.
		m30, _ := New(Config{Kernel: kind})
		for _, a := range archs[:30] {
			m30.Add(a, 0)
		}
		for si, s := range m30.slots {
			s.setH(m.slots[si].h())
			m.slots[si].matrix(k)
			out := make([]float64, 30*10)
			s.cross(archs[30:], 1, out)
			for i := range 30 {
				for c := range 10 {
					if want := k[i*n+30+c]; math.Abs(out[c*30+i]-want) > 1e-9 {
						t.Fatalf("%v slot %d: new candidate %d vs %d: %v, want %v", kind, si, c, i, out[c*30+i], want)
					}
				}
			}
		}
		if err := m.Fit(); err != nil {
			t.Fatal(err)
		}
		// The fitted sum of kernels.
		w := m.Params().Weights
		sum := make([]float64, n*n)
		for s := range m.slots {
			for i := range sum {
				sum[i] += w[s] * m.mats[s][i]
			}
		}
		if e := minEigen(t, sum, n); e < -1e-8 {
			t.Errorf("%v: fitted kernel min eigenvalue %g", kind, e)
		}
	}
}

// fracGraphs returns graphs whose label mix varies, with the fraction of
// label op0 as target.
func fracGraphs(r *rand.Rand, n int) ([]Arch, []float64) {
	var archs []Arch
	var ys []float64
	for range n {
		p := r.Float64()
		w := []float64{p, (1 - p) / 3, (1 - p) / 3, (1 - p) / 3}
		g := randGraph(r, 20+r.IntN(20), 4, w)
		c := 0
		for _, l := range g.Labels {
			if l == "op0" {
				c++
			}
		}
		archs = append(archs, Arch{Graphs: []Graph{g, randGraph(r, 5, 4, w)}})
		ys = append(ys, float64(c)/float64(len(g.Labels)))
	}
	return archs, ys
}

func TestGPRecoversFunction(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	train, ytrain := fracGraphs(r, 120)
	test, ytest := fracGraphs(r, 60)
	for _, kind := range []Kind{HWL, WL, NASBOT} {
		m, _ := New(Config{Kernel: kind})
		for i := range train {
			if err := m.Add(train[i], ytrain[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.Fit(); err != nil {
			t.Fatal(err)
		}
		mu, v, err := m.Predict(test)
		if err != nil {
			t.Fatal(err)
		}
		mse, vy, mean := 0.0, 0.0, 0.0
		for _, y := range ytest {
			mean += y / float64(len(ytest))
		}
		for i := range mu {
			mse += (mu[i] - ytest[i]) * (mu[i] - ytest[i])
			vy += (ytest[i] - mean) * (ytest[i] - mean)
			if !(v[i] > 0) {
				t.Fatalf("variance %v", v[i])
			}
		}
		r2 := 1 - mse/vy
		t.Logf("%v: R² = %.3f, params %+v", kind, r2, m.Params())
		want := 0.9
		if kind == NASBOT {
			want = 0.5 // the degree terms dominate its distance
		}
		if r2 < want {
			t.Errorf("%v: R² = %.3f < %v", kind, r2, want)
		}
	}
}

func TestEIClosedForm(t *testing.T) {
	for _, c := range []struct{ mu, sigma, best float64 }{
		{0, 1, 0}, {1, 0.5, 0}, {-1, 2, 0.3}, {0.2, 1e-3, 0.1}, {3, 1, -2},
	} {
		// ∫ max(best−x, 0) N(x; μ, σ²) dx by Simpson's rule.
		lo, hi := c.mu-12*c.sigma, c.best
		num := 0.0
		if hi > lo {
			const steps = 20000
			h := (hi - lo) / steps
			f := func(x float64) float64 {
				z := (x - c.mu) / c.sigma
				return (c.best - x) * math.Exp(-0.5*z*z) / (c.sigma * math.Sqrt(2*math.Pi))
			}
			num = f(lo) + f(hi)
			for i := 1; i < steps; i++ {
				w := 2.0
				if i%2 == 1 {
					w = 4
				}
				num += w * f(lo+float64(i)*h)
			}
			num *= h / 3
		}
		got := ExpectedImprovement(c.mu, c.sigma, c.best)
		if math.Abs(got-num) > 1e-7*(1+num) {
			t.Errorf("EI(%v) = %v, numerical %v", c, got, num)
		}
	}
	if got := ExpectedImprovement(1, 0, 3); got != 2 {
		t.Errorf("EI with σ=0: %v", got)
	}
}

func TestNLMLGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	m, _ := New(Config{Kernel: HWL, H: []int{2, 1, 2}})
	for range 30 {
		a := randArch(r, []int{20, 4, 8}, 4)
		if err := m.Add(a, r.NormFloat64()); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	p := []float64{0.3, -0.5, 0.9, 0.05}
	_, g, err := m.eval(p, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p {
		const h = 1e-6
		q := slices.Clone(p)
		q[i] += h
		fp, _, _ := m.eval(q, false)
		q[i] -= 2 * h
		fm, _, _ := m.eval(q, false)
		num := (fp - fm) / (2 * h)
		if math.Abs(num-g[i]) > 1e-4*(1+math.Abs(num)) {
			t.Errorf("∂NLML/∂p[%d] = %v, finite difference %v", i, g[i], num)
		}
	}
}

func TestDegenerate(t *testing.T) {
	m, _ := New(Config{})
	if err := m.Fit(); !errors.Is(err, ErrNoData) {
		t.Fatalf("Fit with no data: %v", err)
	}
	if _, _, err := m.Predict([]Arch{{Graphs: []Graph{{}}}}); !errors.Is(err, ErrNoData) {
		t.Fatalf("Predict with no data: %v", err)
	}
	if err := m.Add(Arch{}, 0); err == nil {
		t.Fatal("no error for an architecture without graphs")
	}
	bad := Arch{Graphs: []Graph{{Labels: []string{"a"}, Succ: [][]int{{3}}}}}
	if err := m.Add(bad, 0); err == nil {
		t.Fatal("no error for an edge out of range")
	}
	g := Graph{Labels: []string{"a", "b"}, Succ: [][]int{{1}}}
	if err := m.Add(Arch{Graphs: []Graph{g}}, math.NaN()); err == nil {
		t.Fatal("no error for a NaN loss")
	}
	// One observation, then identical targets, duplicates and empty graphs.
	if err := m.Add(Arch{Graphs: []Graph{g}}, 1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Predict([]Arch{{Graphs: []Graph{g}}}); !errors.Is(err, ErrNotFitted) {
		t.Fatalf("Predict before Fit: %v", err)
	}
	check := func() {
		t.Helper()
		if err := m.Fit(); err != nil {
			t.Fatal(err)
		}
		mu, v, err := m.Predict([]Arch{{Graphs: []Graph{g}}, {Graphs: []Graph{{}}}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range mu {
			if math.IsNaN(mu[i]) || !(v[i] > 0) {
				t.Fatalf("prediction %v ± %v", mu[i], v[i])
			}
		}
		ei, err := m.EI([]Arch{{Graphs: []Graph{g}}})
		if err != nil || math.IsNaN(ei[0]) || ei[0] < 0 {
			t.Fatalf("EI %v %v", ei, err)
		}
	}
	check()
	for range 3 {
		if err := m.Add(Arch{Graphs: []Graph{g}}, 1); err != nil {
			t.Fatal(err)
		}
	}
	check()
	if err := m.Add(Arch{Graphs: []Graph{{}}}, 1); err != nil {
		t.Fatal(err)
	}
	check()
	if mu, _, _ := m.Predict([]Arch{{Graphs: []Graph{g}}}); math.Abs(mu[0]-1) > 1e-6 {
		t.Errorf("constant targets: mean %v, want 1", mu[0])
	}
	if _, err := New(Config{Kernel: 7}); err == nil {
		t.Error("no error for an unknown kernel")
	}
	if _, err := New(Config{H: []int{-1}}); err == nil {
		t.Error("no error for a negative h")
	}
}

func TestPendingRestores(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	sizes := []int{40, 4, 10}
	m, _ := New(Config{H: []int{2, 1, 2}})
	for range 25 {
		if err := m.Add(randArch(r, sizes, 6), r.NormFloat64()); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	probe := []Arch{randArch(r, sizes, 6), randArch(r, sizes, 6)}
	mu0, v0, _ := m.Predict(probe)
	inc := m.Incumbent()
	pending := []Arch{probe[0], randArch(r, sizes, 6)}
	if err := m.SetPending(pending); err != nil {
		t.Fatal(err)
	}
	if m.Len() != 25 || m.Incumbent() != inc {
		t.Fatalf("pending changed Len %d or incumbent %v", m.Len(), m.Incumbent())
	}
	mu1, v1, _ := m.Predict(probe)
	if !(v1[0] < v0[0]) {
		t.Errorf("variance at a pending architecture %v, was %v", v1[0], v0[0])
	}
	if math.Abs(mu1[0]-mu0[0]) > 0.1*math.Sqrt(v0[0]) {
		t.Errorf("mean at a pending architecture moved from %v to %v", mu0[0], mu1[0])
	}
	if err := m.SetPending(nil); err != nil {
		t.Fatal(err)
	}
	mu2, v2, _ := m.Predict(probe)
	for i := range probe {
		if math.Abs(mu2[i]-mu0[i]) > 1e-9 || math.Abs(v2[i]-v0[i]) > 1e-9 {
			t.Errorf("after clearing pending: %v ± %v, was %v ± %v", mu2[i], v2[i], mu0[i], v0[i])
		}
	}
}

// toyRun fits a model on evaluated candidates and runs one acquisition.
func toyRun(t *testing.T, seed uint64, evaluated, pending []cand) Result[cand] {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0))
	m, _ := New(Config{H: []int{2}, Kernel: WL})
	exclude := map[string]bool{}
	var hist []Observed[cand]
	for _, c := range evaluated {
		if err := m.Add(c.arch(), c.f()); err != nil {
			t.Fatal(err)
		}
		exclude[c.key()] = true
		hist = append(hist, Observed[cand]{c, c.f()})
	}
	var pa []Arch
	for _, c := range pending {
		exclude[c.key()] = true
		pa = append(pa, c.arch())
	}
	if err := m.SetPending(pa); err != nil {
		t.Fatal(err)
	}
	res, err := Maximize(context.Background(), r, candOps(8, 3), m.EI, Best(hist, 10), exclude, EvolutionConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if exclude[res.Key] {
		t.Fatalf("returned an excluded candidate %s", res.Key)
	}
	return res
}

func TestMaximize(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	ops := candOps(8, 3)
	var evaluated, pending []cand
	for range 30 {
		c, _ := ops.Sample(r)
		evaluated = append(evaluated, c)
	}
	for range 3 {
		c, _ := ops.Sample(r)
		pending = append(pending, c)
	}
	// The best of the evaluated ones is all zeros: it must not come back.
	evaluated = append(evaluated, cand{0, 0, 0, 0, 0, 0, 0, 0})
	res := toyRun(t, 7, evaluated, pending)
	t.Logf("best %v EI %.4g after %d generations, %d scored", res.X, res.Score, res.Generations, res.Scored)
	if res.X.f() > -0.5 {
		t.Errorf("acquisition found a poor candidate %v (f %v)", res.X, res.X.f())
	}
	if res.Generations < 10 || res.Generations > 50 {
		t.Errorf("%d generations", res.Generations)
	}
	// Determinism by seed.
	again := toyRun(t, 7, evaluated, pending)
	if again.Key != res.Key || again.Score != res.Score || again.Generations != res.Generations {
		t.Errorf("same seed, different results: %v vs %v", res, again)
	}
}

func TestMaximizeExhausted(t *testing.T) {
	ops := candOps(3, 2)
	all := map[string]bool{}
	var every []cand
	for i := range 8 {
		c := cand{i & 1, i >> 1 & 1, i >> 2 & 1}
		all[c.key()] = true
		every = append(every, c)
	}
	m, _ := New(Config{Kernel: WL})
	for _, c := range every[:4] {
		m.Add(c.arch(), c.f())
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	cfg := EvolutionConfig{PoolSize: 20, MaxGenerations: 12}
	if _, err := Maximize(context.Background(), r, ops, m.EI, every, all, cfg); !errors.Is(err, ErrNoCandidate) {
		t.Fatalf("all excluded: %v", err)
	}
	// One left: it must be found.
	delete(all, every[6].key())
	res, err := Maximize(context.Background(), r, ops, m.EI, every, all, cfg)
	if err != nil || res.Key != every[6].key() {
		t.Fatalf("one left: %v %v", res.Key, err)
	}
}

func TestRegularizedEvolution(t *testing.T) {
	ops := candOps(6, 3)
	r := rand.New(rand.NewPCG(9, 9))
	var hist []Observed[cand]
	exclude := map[string]bool{}
	for range 60 {
		c, err := RegularizedEvolution(context.Background(), r, ops, hist, exclude, REConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if exclude[c.key()] {
			t.Fatalf("proposed %v twice", c)
		}
		exclude[c.key()] = true
		hist = append(hist, Observed[cand]{c, c.f()})
	}
	best := Best(hist, 1)[0]
	if best.f() > -0.5 {
		t.Errorf("regularized evolution found only %v", best)
	}
	// Determinism.
	r1 := rand.New(rand.NewPCG(1, 1))
	r2 := rand.New(rand.NewPCG(1, 1))
	a, _ := RegularizedEvolution(context.Background(), r1, ops, hist, exclude, REConfig{})
	b, _ := RegularizedEvolution(context.Background(), r2, ops, hist, exclude, REConfig{})
	if a.key() != b.key() {
		t.Errorf("same seed: %v vs %v", a, b)
	}
}
