package gp

import (
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/dsl"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// randFactor returns the upper Cholesky factor (stride lda ≥ n, NaN
// outside the upper triangle) of a random n×n positive definite matrix:
// well conditioned (rank n) or nearly singular (rank r < n plus the
// jitter diag); with zeros, some entries above the diagonal are zeroed.
func randFactor(t testing.TB, r *rand.Rand, n, rank int, diag float64, lda int, zeros bool) []float64 {
	k := randSym(r, n, rank, diag)
	var ch mat.Cholesky
	if !ch.Factorize(k) {
		t.Fatalf("n=%d rank=%d diag=%g: not positive definite", n, rank, diag)
	}
	var u mat.TriDense
	ch.UTo(&u)
	a := make([]float64, n*lda)
	for i := range a {
		a[i] = math.NaN() // never read
	}
	for i := range n {
		for j := i; j < n; j++ {
			a[i*lda+j] = u.At(i, j)
			if zeros && j > i && r.IntN(4) == 0 {
				a[i*lda+j] = 0
			}
		}
	}
	return a
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// TestPotrsVecMatchesGonum checks potrsVec against lapack64.Potrs (what
// mat.Cholesky.SolveVecTo runs) to the last bit: random sizes, strides,
// conditioning, zeros in the factor and in the right-hand side.
func TestPotrsVecMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for it := range 300 {
		n := 1 + r.IntN(30)
		if it%25 == 0 {
			n = 100 + r.IntN(300)
		}
		lda := n + r.IntN(3)
		rank, diag := n, 0.5
		if it%2 == 1 {
			rank, diag = 1+r.IntN(n), math.Pow(10, -5-3*r.Float64())
		}
		a := randFactor(t, r, n, rank, diag, lda, it%3 == 0)
		b := make([]float64, n)
		for i := range b {
			b[i] = r.NormFloat64()
			if it%4 == 1 && r.IntN(5) == 0 {
				b[i] = 0
			}
		}
		want := append([]float64(nil), b...)
		lapack64.Potrs(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: lda, Data: a},
			blas64.General{Rows: n, Cols: 1, Stride: 1, Data: want})
		got := append([]float64(nil), b...)
		potrsVec(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: lda, Data: a}, got)
		for i := range got {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("it %d (n=%d rank=%d): x[%d] = %v, Potrs %v", it, n, rank, i, got[i], want[i])
			}
		}
	}
}

// TestPotrsVecSolves checks potrsVec against the definition, UᵀU x = b.
func TestPotrsVecSolves(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 37
	a := randFactor(t, r, n, n, 1, n, false)
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	ux := make([]float64, n) // U x
	for i := range n {
		for j := i; j < n; j++ {
			ux[i] += a[i*n+j] * x[j]
		}
	}
	b := make([]float64, n) // Uᵀ (U x)
	for i := range n {
		for j := 0; j <= i; j++ {
			b[i] += a[j*n+i] * ux[j]
		}
	}
	potrsVec(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: n, Data: a}, b)
	for i := range b {
		if math.Abs(b[i]-x[i]) > 1e-9*(1+math.Abs(x[i])) {
			t.Fatalf("x[%d] = %v, want %v", i, b[i], x[i])
		}
	}
}

// TestValidateSeen checks that remembering valid graphs by ID skips only
// those: malformed graphs without an ID, or with a new ID, are still
// reported, with the errors of validate.
func TestValidateSeen(t *testing.T) {
	good := Graph{Labels: []string{"a", "b"}, Succ: [][]int{{1}}, ID: "g"}
	bad := Graph{Labels: []string{"a", "b"}, Succ: [][]int{{2}}}
	long := Graph{Labels: []string{"a"}, Succ: [][]int{{0}, {0}}, ID: "h"}
	neg := Graph{Labels: []string{"a"}, Succ: [][]int{{-1}}, ID: "n"}
	seen := map[string]struct{}{}
	if err := (&Arch{Graphs: []Graph{good, good}}).validateSeen(seen); err != nil {
		t.Fatal(err)
	}
	if _, ok := seen["g"]; !ok || len(seen) != 1 {
		t.Fatalf("seen = %v, want g", seen)
	}
	for _, a := range []Arch{{}, {Graphs: []Graph{good, bad}}, {Graphs: []Graph{long}}, {Graphs: []Graph{good, neg}}} {
		want := a.validate()
		if want == nil {
			t.Fatalf("%v: validate found no error", a.Graphs)
		}
		got := a.validateSeen(seen)
		if got == nil || got.Error() != want.Error() {
			t.Fatalf("%v: validateSeen = %v, want %v", a.Graphs, got, want)
		}
		if !strings.HasPrefix(got.Error(), "gp: ") {
			t.Fatalf("error %q", got)
		}
	}
	if len(seen) != 1 {
		t.Fatalf("seen = %v after malformed graphs, want g only", seen)
	}
	// A full cache is emptied, not grown.
	for i := range maxSeen + 10 {
		g := good
		g.ID = string(rune(i + 0x100))
		if err := (&Arch{Graphs: []Graph{g}}).validateSeen(seen); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) > maxSeen {
		t.Fatalf("%d IDs kept, want at most %d", len(seen), maxSeen)
	}
	// The model's Predict and Maximize's scoring reject malformed
	// candidates.
	m, err := New(Config{Kernel: WL})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Add(Arch{Graphs: []Graph{good}}, 1); err != nil {
		t.Fatal(err)
	}
	if err := m.Add(Arch{Graphs: []Graph{{Labels: []string{"b"}}}}, 2); err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Predict([]Arch{{Graphs: []Graph{good}}}); err != nil {
		t.Fatal(err)
	}
	bad.ID = "other"
	if _, _, err := m.Predict([]Arch{{Graphs: []Graph{good}}, {Graphs: []Graph{bad}}}); err == nil {
		t.Fatal("Predict accepted an edge out of range")
	}
}

// TestLookupWLDelta checks lookupWLDelta against histograms computed in
// full: its codes and squared norms equal lookupWL's, its differences the
// full histograms' (known labels only), for children that replace,
// insert or delete a block of the base, relabel nodes, change successor
// lists, are equal to the base, unrelated, or empty, at h 0..4, on graphs
// whose edges lead to later nodes and graphs with cycles, and for
// grandchildren computed from the child's delta-made codes.
func TestLookupWLDelta(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	d := newDict()
	for range 40 {
		d.wl(ptr(randGraph(r, 60, 5, nil)), 4)
	}
	full := func(g *Graph, h int) (map[int32]float64, []float64, []uint64) {
		segs, sq := d.lookupWL(g, h)
		hist := map[int32]float64{}
		for _, s := range segs {
			for j, id := range s.ids {
				hist[id] += s.vals[j]
			}
		}
		return hist, slices.Clone(sq), slices.Clone(d.ccurAll(g, h))
	}
	mutate := func(base Graph, kind int) Graph {
		nb := len(base.Labels)
		if nb == 0 {
			return randGraph(r, r.IntN(5), 6, nil)
		}
		a := r.IntN(nb)
		b := a + r.IntN(min(nb-a, 6)+1)
		switch kind % 7 {
		case 0, 1:
			return splice(r, base, a, b, r.IntN(6), 6) // 6 labels: some unknown
		case 2:
			c := Graph{Labels: slices.Clone(base.Labels), Succ: base.Succ}
			c.Labels[a] = label(r, 6, nil)
			return c
		case 3:
			c := Graph{Labels: base.Labels, Succ: slices.Clone(base.Succ)}
			if a < len(c.Succ) {
				c.Succ[a] = nil
			}
			return c
		case 4:
			return base
		case 5:
			return Graph{}
		}
		return randGraph(r, 1+r.IntN(80), 6, nil)
	}
	for trial := range 400 {
		h := r.IntN(5)
		base := randGraph(r, 1+r.IntN(100), 5, nil)
		if trial%50 == 0 {
			base = Graph{}
		}
		if trial%3 == 1 {
			// Edges to earlier nodes and self-loops (cycles): the
			// distances to the differences then take several passes.
			base.Succ = slices.Clone(base.Succ)
			for i := range base.Succ {
				if r.IntN(4) == 0 {
					base.Succ[i] = append(slices.Clone(base.Succ[i]), r.IntN(i+1))
				}
			}
		}
		bhist, bsq, bcodes := full(&base, h)
		for gen := range 3 {
			child := mutate(base, trial+gen)
			want, wantSq, wantCodes := full(&child, h)
			// Without and with the base's codes counted per iteration.
			var bc codeCounts
			bc.build(bcodes, len(base.Labels), h)
			var ids []int32
			var vals, sq []float64
			var codes []uint64
			for _, counts := range []*codeCounts{nil, &bc} {
				var ok bool
				ids, vals, sq, codes, ok = d.lookupWLDelta(&child, h, &base, bcodes, bsq, counts, []uint64{7})
				if !ok {
					t.Fatalf("trial %d: base not used", trial)
				}
				if codes[0] != 7 || !slices.Equal(codes[1:], wantCodes) {
					t.Fatalf("trial %d gen %d: codes differ from fresh ones", trial, gen)
				}
				if !slices.Equal(sq, wantSq) {
					t.Fatalf("trial %d gen %d: squared norms %v, want %v", trial, gen, sq, wantSq)
				}
				got := map[int32]float64{}
				for j, id := range ids {
					if _, dup := got[id]; dup {
						t.Fatalf("trial %d gen %d: label %d twice", trial, gen, id)
					}
					if vals[j] == 0 {
						t.Fatalf("trial %d gen %d: zero difference for label %d", trial, gen, id)
					}
					got[id] = vals[j]
				}
				wantD := map[int32]float64{}
				for id, v := range want {
					if v != bhist[id] {
						wantD[id] = v - bhist[id]
					}
				}
				for id, v := range bhist {
					if _, ok := want[id]; !ok {
						wantD[id] = -v
					}
				}
				if !maps.Equal(got, wantD) {
					t.Fatalf("trial %d gen %d: differences %v, want %v", trial, gen, got, wantD)
				}
			}
			// The next generation is computed from this one's results.
			base, bhist, bsq, bcodes = child, want, slices.Clone(sq), slices.Clone(codes[1:])
		}
	}
	// Codes that do not fit the base are refused.
	g := randGraph(r, 10, 5, nil)
	_, bsq, bcodes := full(&g, 2)
	if _, _, _, _, ok := d.lookupWLDelta(&g, 3, &g, bcodes, bsq, nil, nil); ok {
		t.Fatal("codes of h=2 used at h=3")
	}
}

// TestFactorMatchesGonum checks factor against mat.Cholesky (the factor,
// its log determinant, the condition estimate) to a tolerance growing
// with the condition number, and the factor against K itself (UᵀU = K to
// a backward error of a few ulps of ‖K‖), on well conditioned, nearly
// singular and indefinite matrices, and that wellConditioned vouches only
// for matrices whose estimate is far below mat.ConditionTolerance and
// holds for the well conditioned ones.
func TestFactorMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for it := range 160 {
		n := 1 + r.IntN(40)
		if it%10 == 0 {
			n = 150 + r.IntN(100)
		}
		rank, diag := n, 0.3
		switch it % 4 {
		case 1:
			rank, diag = 1+r.IntN(n), 1e-5
		case 2:
			rank, diag = 1+r.IntN(n), 1e-15 // condition near or past the tolerance
		case 3:
			rank, diag = 1+r.IntN(n), -1e-3 // indefinite when rank < n
		}
		k := randSym(r, n, rank, diag)
		var ch mat.Cholesky
		wantOK := ch.Factorize(k)
		var f factor
		// Garbage below the diagonal of the input is not read.
		data := slices.Clone(k.RawSymmetric().Data)
		for i := range n {
			for j := range i {
				data[i*n+j] = math.NaN()
			}
		}
		ok := f.factorize(data, n)
		if it%4 == 2 {
			// Pivots of the order of the rounding errors: either may
			// find the matrix indefinite.
			if !ok || !wantOK {
				continue
			}
		} else if ok != wantOK {
			t.Fatalf("it %d: positive definite %v, mat says %v", it, ok, wantOK)
		}
		if !wantOK {
			continue
		}
		kmax := 0.0
		for i := range n {
			for j := i; j < n; j++ {
				kmax = max(kmax, math.Abs(k.At(i, j)))
				s := 0.0
				for l := 0; l <= i; l++ {
					s += f.u[l*n+i] * f.u[l*n+j]
				}
				if d := math.Abs(s - k.At(i, j)); !(d <= 1e-14*float64(n)*kmax) {
					t.Fatalf("it %d: (UᵀU)[%d,%d] = %v, K %v", it, i, j, s, k.At(i, j))
				}
			}
		}
		cond := ch.Cond()
		tol := max(1e-12, 1e-15*cond)
		var u mat.TriDense
		ch.UTo(&u)
		umax := 0.0
		for i := range n {
			for j := i; j < n; j++ {
				umax = max(umax, math.Abs(u.At(i, j)))
			}
		}
		for i := range n {
			for j := i; j < n; j++ {
				if d := math.Abs(f.u[i*n+j] - u.At(i, j)); !(d <= tol*umax) {
					t.Fatalf("it %d (cond %.2g): U[%d,%d] = %v, mat %v", it, cond, i, j, f.u[i*n+j], u.At(i, j))
				}
			}
		}
		if d := math.Abs(f.logDet() - ch.LogDet()); !(d <= tol*float64(n)*(1+math.Abs(ch.LogDet()))) {
			t.Fatalf("it %d: log det %v, mat %v", it, f.logDet(), ch.LogDet())
		}
		if c := f.condition(); !(math.Abs(c-cond) <= max(1e-6, 1e-13*cond)*cond) {
			t.Fatalf("it %d: condition %v, mat %v", it, c, cond)
		}
		var inv mat.SymDense
		if err := ch.InverseTo(&inv); err != nil && rank == n {
			t.Fatal(err)
		}
		well := f.wellConditioned(inv.RawSymmetric().Data)
		if well && cond > mat.ConditionTolerance/100 {
			t.Fatalf("it %d: condition %g vouched for", it, cond)
		}
		if !well && cond < 1e8 {
			t.Fatalf("it %d: condition %g not vouched for", it, cond)
		}
	}
}

// TestEvalConditionError checks that the fit's NLML evaluation, with the
// gradient or without, reports a positive definite but numerically
// singular kernel matrix as mat.Cholesky.SolveVecTo does.
func TestEvalConditionError(t *testing.T) {
	n := 2
	m := &Model{chol: new(factor), spare: new(factor), z: []float64{1, -0.5}, slots: make([]slot, 1)}
	// [[1, 1-2⁻⁵³], [1-2⁻⁵³, 1]] (a noise of 1e-18 leaves it as it is):
	// Cholesky succeeds, the condition number is about 2e16.
	c := 1 - 0x1p-53
	m.mats = [][]float64{{1, c, c, 1}}
	var ch mat.Cholesky
	k := mat.NewSymDense(n, []float64{1, c, c, 1})
	if !ch.Factorize(k) {
		t.Fatal("not factorisable")
	}
	var dst mat.VecDense
	wantErr := ch.SolveVecTo(&dst, mat.NewVecDense(n, slices.Clone(m.z)))
	if wantErr == nil {
		t.Fatalf("mat accepts condition %g", ch.Cond())
	}
	for _, grad := range []bool{false, true} {
		_, _, err := m.eval([]float64{0, 1e-18}, grad)
		if err == nil || err.Error() != wantErr.Error() {
			t.Errorf("grad %v: error %v, want %v", grad, err, wantErr)
		}
	}
	// A well conditioned one passes.
	if _, _, err := m.eval([]float64{0, 0.5}, true); err != nil {
		t.Fatal(err)
	}
}

// randSym returns XXᵀ/rank + diag·I for a random n×rank X: positive
// definite of rank n when diag > 0, nearly singular when rank < n and
// diag is small, indefinite when diag < 0 and rank < n.
func randSym(r *rand.Rand, n, rank int, diag float64) *mat.SymDense {
	x := mat.NewDense(n, rank, nil)
	for i := range n {
		for j := range rank {
			x.Set(i, j, r.NormFloat64())
		}
	}
	k := mat.NewSymDense(n, nil)
	k.SymOuterK(1/float64(rank), x)
	for i := range n {
		k.SetSym(i, i, k.At(i, i)+diag)
	}
	return k
}

// BenchmarkLookupWLDelta computes the WL codes and count differences of
// children from their parent's, as the acquisition optimiser does for
// every candidate: the full graphs of hnb201 architectures (about 190
// nodes), a dictionary of 400 observations, h = 4, and the mutants and
// crossover children of one parent, with and without the parent's codes
// counted.
func BenchmarkLookupWLDelta(b *testing.B) {
	src, err := os.ReadFile("../../testdata/spaces/hnb201.nasg")
	if err != nil {
		b.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck("hnb201.nasg", src)
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	s := dsl.NewSampler(g, 3)
	full := func(x *dsl.Derivation) Graph {
		kgs, err := g.KernelGraphsFrom(x, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		k := kgs[0]
		return CompactGraph(k.Names, k.Labels, k.Off, k.Adj, k.ID)
	}
	const h = 4
	d := newDict()
	for range 400 {
		x, err := s.Sample()
		if err != nil {
			b.Fatal(err)
		}
		d.wl(ptr(full(x)), h)
	}
	parent, err := s.Sample()
	if err != nil {
		b.Fatal(err)
	}
	base := full(parent)
	_, bsq, bcodes := d.lookupWLCodes(&base, h, nil)
	bsq = slices.Clone(bsq)
	var kids []Graph
	for len(kids) < 64 {
		c, err := s.Mutate(parent)
		if len(kids)%2 == 1 {
			c, _, err = s.Crossover(parent, parent)
		}
		if err == nil {
			kids = append(kids, full(c))
		}
	}
	// The changed labels counted among the unchanged nodes by a scan of
	// the child, or from the parent's counts (made once: a parent has
	// many children).
	var bc codeCounts
	bc.build(bcodes, base.size(), h)
	for _, c := range []struct {
		name   string
		counts *codeCounts
	}{{"scan", nil}, {"counts", &bc}} {
		b.Run(c.name, func(b *testing.B) {
			var codes []uint64
			for i := 0; b.Loop(); i++ {
				_, _, _, codes, _ = d.lookupWLDelta(&kids[i%len(kids)], h, &base, bcodes, bsq, c.counts, codes[:0])
			}
		})
	}
}
