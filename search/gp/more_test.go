package gp

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestTableCollisions(t *testing.T) {
	tab := newTable()
	// Four keys forced onto one hash; keys short enough to be kept in
	// the entry and longer ones kept in the arena.
	keys := [][]int32{{1, 2}, {3}, {4, 5, 6}, {7}, {1, 2, 3, 4, 5}, {1, 2, 3, 4, 6}, {1, 2, 3, 4}}
	hs := []uint64{43, 43, 43, 5, 43, 77, 78}
	for i, k := range keys {
		if _, ok := tab.get(k, hs[i]); ok {
			t.Fatalf("key %v found before it was put", k)
		}
		tab.put(k, hs[i], int32(100+i))
	}
	for i, k := range keys {
		if id, ok := tab.get(k, hs[i]); !ok || id != int32(100+i) {
			t.Errorf("get(%v) = %d, %v; want %d", k, id, ok, 100+i)
		}
	}
	if _, ok := tab.get([]int32{9}, 43); ok {
		t.Error("unknown key found")
	}
	// Growth keeps every entry.
	long := func(i int) []int32 { return []int32{int32(i), 1, 2, 3, 4, 5}[:2+i%5] }
	for i := range 1000 {
		k := long(i)
		tab.put(k, hashKey(k), int32(i))
	}
	for i := range 1000 {
		k := long(i)
		if v, ok := tab.get(k, hashKey(k)); !ok || v != int32(i) {
			t.Fatalf("table lost %d", i)
		}
	}
	for i, k := range keys {
		if id, ok := tab.get(k, hs[i]); !ok || id != int32(100+i) {
			t.Errorf("after growth get(%v) = %d, %v; want %d", k, id, ok, 100+i)
		}
	}
}

// TestFitConsistent checks that the fitted factorisation, α and NLML all
// belong to the kept hyperparameters.
func TestFitConsistent(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	m, _ := New(Config{H: []int{2, 1, 2}})
	for range 40 {
		a := randArch(r, []int{30, 4, 10}, 5)
		m.Add(a, r.NormFloat64())
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	n := m.Len()
	k := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			v := 0.0
			for s := range m.slots {
				v += p.Weights[s] * m.mats[s][i*n+j]
			}
			if i == j {
				v += p.Noise
			}
			k.SetSym(i, j, v)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(k) {
		t.Fatal("not positive definite")
	}
	var alpha mat.VecDense
	ch.SolveVecTo(&alpha, mat.NewVecDense(n, m.z))
	for i := range n {
		if math.Abs(alpha.AtVec(i)-m.alpha[i]) > 1e-8*(1+math.Abs(alpha.AtVec(i))) {
			t.Fatalf("α[%d] = %v, want %v", i, m.alpha[i], alpha.AtVec(i))
		}
	}
	if math.Abs(ch.LogDet()-m.chol.logDet()) > 1e-8 {
		t.Errorf("kept factor's log det %v, want %v", m.chol.logDet(), ch.LogDet())
	}
	params := append(append([]float64(nil), m.theta...), m.noise)
	nlml, _, _ := m.eval(params, false)
	if math.Abs(nlml-p.NLML) > 1e-8*(1+math.Abs(nlml)) {
		t.Errorf("NLML %v, recomputed %v", p.NLML, nlml)
	}
	if p.Noise < 1e-5 || p.Noise > 0.5 {
		t.Errorf("noise %v out of bounds", p.Noise)
	}
}

// TestIncremental checks that adding observations keeps the old features
// and dictionary ids.
func TestIncremental(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	m, _ := New(Config{Kernel: WL})
	for range 5 {
		m.Add(randArch(r, []int{20}, 4), r.NormFloat64())
	}
	s := m.slots[0].(*wlSlot)
	first := &s.obs[0].segs[1].ids[0]
	ids := append([]int32(nil), s.obs[0].segs[2].ids...)
	for range 50 {
		m.Add(randArch(r, []int{20}, 6), r.NormFloat64())
	}
	if &s.obs[0].segs[1].ids[0] != first {
		t.Error("old features were recomputed")
	}
	for i, id := range s.obs[0].segs[2].ids {
		if id != ids[i] {
			t.Fatal("old label ids changed")
		}
	}
	// The incremental Gram matrix equals one computed from scratch.
	n := len(s.obs)
	k := make([]float64, n*n)
	s.matrix(k)
	for i := range n {
		for j := range n {
			raw := 0.0
			ni, nj := 0.0, 0.0
			for t := 0; t <= s.cur; t++ {
				raw += dot(s.obs[i].segs[t], s.obs[j].segs[t])
				ni += s.obs[i].sq[t]
				nj += s.obs[j].sq[t]
			}
			if want := raw / math.Sqrt(ni*nj); math.Abs(k[i*n+j]-want) > 1e-12 {
				t.Fatalf("k[%d,%d] = %v, want %v", i, j, k[i*n+j], want)
			}
		}
	}
}

func TestAddClearsPending(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	m, _ := New(Config{Kernel: NASBOT})
	for range 10 {
		m.Add(randArch(r, []int{15}, 4), r.NormFloat64())
	}
	if err := m.SetPending([]Arch{randArch(r, []int{15}, 4)}); err != nil {
		t.Fatal(err)
	}
	if len(m.y) != 11 {
		t.Fatalf("%d targets with one pending", len(m.y))
	}
	m.Add(randArch(r, []int{15}, 4), 0)
	if len(m.y) != 11 || m.Len() != 11 {
		t.Fatalf("Add kept the pending one: %d targets, Len %d", len(m.y), m.Len())
	}
	if _, _, err := m.Predict(nil); !errors.Is(err, ErrNotFitted) {
		t.Fatalf("Predict after Add: %v", err)
	}
}

func TestMaximizeErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	ops := candOps(4, 2)
	acq := func(a []Arch) ([]float64, error) { return nil, errors.New("boom") }
	if _, err := Maximize(context.Background(), r, ops, acq, nil, nil, EvolutionConfig{}); err == nil || err.Error() != "boom" {
		t.Errorf("acquisition error: %v", err)
	}
	bad := ops
	bad.Features = nil
	if _, err := Maximize(context.Background(), r, bad, acq, nil, nil, EvolutionConfig{}); err == nil {
		t.Error("no error for nil Features")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok := func(a []Arch) ([]float64, error) { return make([]float64, len(a)), nil }
	if _, err := Maximize(ctx, r, ops, ok, nil, nil, EvolutionConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	failing := ops
	failing.Sample = func(*rand.Rand) (cand, error) { return nil, errors.New("no") }
	if _, err := Maximize(context.Background(), r, failing, ok, nil, nil, EvolutionConfig{PoolSize: 5}); !errors.Is(err, ErrNoCandidate) {
		t.Errorf("sampling always fails: %v", err)
	}
}

func TestFixedH(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	h := []int{1, 2}
	m, _ := New(Config{Kernel: HWL, H: h, HGrid: []int{4}})
	var archs []Arch
	for range 20 {
		a := randArch(r, []int{25, 8}, 4)
		archs = append(archs, a)
		m.Add(a, r.NormFloat64())
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	if got := m.Params().H; got[0] != 4 || got[1] != 2 || h[0] != 1 {
		t.Fatalf("H = %v (caller's %v)", got, h)
	}
	n := len(archs)
	k := make([]float64, n*n)
	out := make([]float64, n*n)
	m.slots[0].matrix(k)
	m.slots[0].cross(archs, 1, out)
	for i := range k {
		if math.Abs(k[i]-out[i]) > 1e-9 {
			t.Fatalf("matrix and cross differ at %d: %v vs %v", i, k[i], out[i])
		}
	}
	if e := minEigen(t, k, n); e < -1e-8 {
		t.Fatalf("min eigenvalue %g", e)
	}
}

func TestSmallAPI(t *testing.T) {
	for _, s := range []string{"hwl", "bohnas", "wl", "nasbowl", "nasbot"} {
		k, err := ParseKind(s)
		if err != nil {
			t.Fatal(err)
		}
		if k2, _ := ParseKind(k.String()); k2 != k {
			t.Errorf("%s round trip: %v", s, k2)
		}
	}
	if _, err := ParseKind("rbf"); err == nil {
		t.Error("no error for an unknown kernel")
	}
	if got := LogLoss(0.1); math.Abs(got-math.Log(0.1+1e-8)) > 1e-15 {
		t.Errorf("LogLoss(0.1) = %v", got)
	}
	if got := LogLoss(-1); math.IsNaN(got) {
		t.Error("LogLoss(-1) is NaN")
	}
	hist := []Observed[int]{{1, 3}, {2, 1}, {3, 2}, {4, 1}}
	if got := Best(hist, 3); len(got) != 3 || got[0] != 2 || got[1] != 4 || got[2] != 3 {
		t.Errorf("Best = %v", got)
	}
}
