package gp

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Kind selects a model's kernel.
type Kind int

// The kernels of the BO variants of the paper.
const (
	// HWL is the hierarchical WL kernel of BOHNAS: a softmax-weighted sum
	// of normalised WL kernels on [G, L0, L1, ...].
	HWL Kind = iota
	// WL is the WL kernel on the full graph G alone (NASBOWL).
	WL
	// NASBOT is the NASBOT-style distance kernel on G.
	NASBOT
)

// String returns the kernel's name, as ParseKind reads it.
func (k Kind) String() string {
	switch k {
	case HWL:
		return "hwl"
	case WL:
		return "wl"
	case NASBOT:
		return "nasbot"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind returns the kernel named by s: "hwl" (also "bohnas"), "wl"
// (also "nasbowl") or "nasbot".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "hwl", "bohnas":
		return HWL, nil
	case "wl", "nasbowl":
		return WL, nil
	case "nasbot":
		return NASBOT, nil
	}
	return 0, fmt.Errorf("gp: unknown kernel %q (want hwl, wl or nasbot)", s)
}

// Config are a model's settings. The zero value of every field means the
// paper's default.
type Config struct {
	Kernel Kind
	// H is the WL iteration count per graph [G, L0, L1, ...]: the number
	// of entries sets the number of kernels. Default [2, 1, 2, 2, 2, 2]
	// for HWL, [2] for WL. G's entry is replaced by the grid search.
	H []int
	// HGrid are the values of G's h tried by NLML with uniform weights
	// (default 0..4; one value fixes G's h to it, an empty non-nil slice
	// fixes it to H[0]).
	HGrid []int
	// AdamSteps and AdamLR configure the fit of the kernel weights and
	// the noise (default 20 and 0.1).
	AdamSteps int
	AdamLR    float64
	// NoiseInit is the initial noise variance σ² (default 1e-3), kept in
	// [NoiseMin, NoiseMax] (default [1e-5, 0.5]).
	NoiseInit, NoiseMin, NoiseMax float64
	// Lengthscale is NASBOT's ℓ (default 3).
	Lengthscale float64
}

func (c Config) withDefaults() (Config, error) {
	if c.Kernel < HWL || c.Kernel > NASBOT {
		return c, fmt.Errorf("gp: unknown kernel %v", c.Kernel)
	}
	if c.H == nil {
		if c.Kernel == HWL {
			c.H = []int{2, 1, 2, 2, 2, 2}
		} else {
			c.H = []int{2}
		}
	}
	if c.Kernel != HWL {
		c.H = c.H[:1]
	}
	if len(c.H) == 0 {
		return c, errors.New("gp: empty H")
	}
	if c.HGrid == nil {
		c.HGrid = []int{0, 1, 2, 3, 4}
	}
	for _, h := range append(append([]int(nil), c.H...), c.HGrid...) {
		if h < 0 || h > 32 {
			return c, fmt.Errorf("gp: WL iteration count %d out of range [0, 32]", h)
		}
	}
	c.H = append([]int(nil), c.H...)
	c.HGrid = append([]int(nil), c.HGrid...)
	if len(c.HGrid) == 0 {
		c.HGrid = c.H[:1:1]
	}
	if len(c.HGrid) == 1 {
		c.H[0] = c.HGrid[0]
	}
	if c.AdamSteps == 0 {
		c.AdamSteps = 20
	}
	if c.AdamLR == 0 {
		c.AdamLR = 0.1
	}
	if c.NoiseInit == 0 {
		c.NoiseInit = 1e-3
	}
	if c.NoiseMin == 0 {
		c.NoiseMin = 1e-5
	}
	if c.NoiseMax == 0 {
		c.NoiseMax = 0.5
	}
	if !(0 < c.NoiseMin && c.NoiseMin <= c.NoiseMax) {
		return c, fmt.Errorf("gp: bad noise bounds [%g, %g]", c.NoiseMin, c.NoiseMax)
	}
	c.NoiseInit = min(max(c.NoiseInit, c.NoiseMin), c.NoiseMax)
	if c.Lengthscale == 0 {
		c.Lengthscale = 3
	}
	if c.AdamSteps < 0 || c.AdamLR < 0 || c.Lengthscale < 0 {
		return c, errors.New("gp: negative setting")
	}
	return c, nil
}

// Model is a zero-mean Gaussian process on architectures, with z-scored
// targets. Observations are added incrementally: their kernel features
// and Gram rows are computed once. A Model is not safe for concurrent use.
type Model struct {
	cfg   Config
	slots []slot
	y     []float64 // losses: the real observations, then hallucinated ones
	nReal int

	fitted bool
	theta  []float64
	w      []float64 // softmax(theta)
	noise  float64
	nlml   float64
	mean   float64 // of y
	std    float64 // of y (1 if 0)
	z      []float64
	chol   *factor
	alpha  []float64
	mats   [][]float64 // normalised kernel matrix per slot

	spare *factor
	ksym  []float64
	kinv  []float64           // inverse scratch of eval
	kinvT []float64           // its scratch
	ks    []float64           // cross scratch of Predict
	valid map[string]struct{} // IDs of the graphs found valid
}

// New returns an empty model.
func New(cfg Config) (*Model, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, chol: new(factor), spare: new(factor), valid: make(map[string]struct{})}
	switch cfg.Kernel {
	case NASBOT:
		m.slots = []slot{newNASBOTSlot(cfg.Lengthscale)}
	default:
		for i, h := range cfg.H {
			hs := []int{h}
			if i == 0 {
				hs = cfg.HGrid
			}
			m.slots = append(m.slots, newWLSlot(i, hs, h))
		}
	}
	m.theta = make([]float64, len(m.slots))
	m.w = make([]float64, len(m.slots))
	m.mats = make([][]float64, len(m.slots))
	return m, nil
}

// Len returns the number of observations (not counting pending ones).
func (m *Model) Len() int { return m.nReal }

// Add records an observation: an architecture and its loss (lower is
// better; see LogLoss). It drops the pending architectures (see
// SetPending) and the fit; call Fit before predicting.
func (m *Model) Add(a Arch, loss float64) error {
	if err := a.validate(); err != nil {
		return err
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("gp: loss %v is not finite", loss)
	}
	m.truncate(m.nReal)
	m.add(&a, loss)
	m.nReal++
	return nil
}

func (m *Model) add(a *Arch, loss float64) {
	for _, s := range m.slots {
		s.add(a)
	}
	m.y = append(m.y, loss)
	m.fitted = false
}

func (m *Model) truncate(n int) {
	if len(m.y) == n {
		return
	}
	for _, s := range m.slots {
		s.truncate(n)
	}
	m.y = m.y[:n]
	m.fitted = false
}

// SetPending makes the model account for architectures under evaluation:
// it fits the model on the observations, predicts the pending
// architectures, adds them with their predicted mean as hallucinated
// losses, and refits. The incumbent stays the best real loss. A later
// SetPending replaces the pending set; nil or empty clears it (and fits).
func (m *Model) SetPending(pending []Arch) error {
	for i := range pending {
		if err := pending[i].validate(); err != nil {
			return err
		}
	}
	m.truncate(m.nReal)
	if !m.fitted {
		if err := m.Fit(); err != nil {
			return err
		}
	}
	if len(pending) == 0 {
		return nil
	}
	mu, _, err := m.Predict(pending)
	if err != nil {
		return err
	}
	for i := range pending {
		m.add(&pending[i], mu[i])
	}
	return m.Fit()
}

// Params are a fitted model's hyperparameters.
type Params struct {
	H       []int     // WL iteration count per kernel (nil for NASBOT)
	Weights []float64 // softmax kernel weights
	Noise   float64   // noise variance σ² (of the z-scored targets)
	NLML    float64   // negative log marginal likelihood of the fit
}

// Params returns the hyperparameters of the last fit.
func (m *Model) Params() Params {
	p := Params{Weights: append([]float64(nil), m.w...), Noise: m.noise, NLML: m.nlml}
	for _, s := range m.slots {
		if h := s.h(); h >= 0 {
			p.H = append(p.H, h)
		}
	}
	return p
}

// Incumbent returns the best (lowest) observed loss, +Inf without
// observations.
func (m *Model) Incumbent() float64 {
	b := math.Inf(1)
	for _, y := range m.y[:m.nReal] {
		b = min(b, y)
	}
	return b
}

// Fit fits the hyperparameters on the observations (and the pending
// architectures): first G's WL iteration count h by grid search with
// uniform weights and the initial noise, then the kernel weights θ
// (softmax) and the noise by Adam on NLML/n, keeping the best iterate and
// its own factorisation.
func (m *Model) Fit() error {
	n := len(m.y)
	if n == 0 {
		return ErrNoData
	}
	m.fitted = false
	m.zscore()
	for i, s := range m.slots {
		m.mats[i] = grow(m.mats[i], n*n)
		s.matrix(m.mats[i])
	}
	k := len(m.slots)
	params := make([]float64, k+1)
	for i := range k {
		params[i] = 1 / float64(k)
	}
	params[k] = m.cfg.NoiseInit

	if hs := m.slots[0].grid(); len(hs) > 1 {
		bestH, best := -1, math.Inf(1)
		for _, h := range hs {
			m.slots[0].setH(h)
			m.slots[0].matrix(m.mats[0])
			v, _, err := m.eval(params, false)
			if err == nil && v < best {
				bestH, best = h, v
			}
		}
		if bestH < 0 {
			return errors.New("gp: kernel matrix not positive definite for any h")
		}
		m.slots[0].setH(bestH)
		m.slots[0].matrix(m.mats[0])
	}

	var (
		best     = math.Inf(1)
		bestP    = make([]float64, k+1)
		bestA    = make([]float64, n)
		mom, vel = make([]float64, k+1), make([]float64, k+1)
		b1, b2   = 0.9, 0.999
		lastErr  error
	)
	for it := 0; it <= m.cfg.AdamSteps; it++ {
		last := it == m.cfg.AdamSteps
		v, grad, err := m.eval(params, !last)
		if err != nil {
			lastErr = err
			break
		}
		if v < best {
			best = v
			copy(bestP, params)
			copy(bestA, m.alpha)
			m.chol, m.spare = m.spare, m.chol // eval factorises into spare
		}
		if last {
			break
		}
		lr := m.cfg.AdamLR
		t := float64(it + 1)
		for i, g := range grad {
			g /= float64(n)
			mom[i] = b1*mom[i] + (1-b1)*g
			vel[i] = b2*vel[i] + (1-b2)*g*g
			mh := mom[i] / (1 - math.Pow(b1, t))
			vh := vel[i] / (1 - math.Pow(b2, t))
			params[i] -= lr * mh / (math.Sqrt(vh) + 1e-8)
		}
		params[k] = min(max(params[k], m.cfg.NoiseMin), m.cfg.NoiseMax)
	}
	if math.IsInf(best, 1) {
		return fmt.Errorf("gp: fit failed: %w", lastErr)
	}
	copy(m.theta, bestP[:k])
	softmax(m.w, m.theta)
	m.noise = bestP[k]
	m.nlml = best
	m.alpha = append(m.alpha[:0], bestA...)
	m.fitted = true
	return nil
}

func (m *Model) zscore() {
	n := float64(len(m.y))
	mean := 0.0
	for _, y := range m.y {
		mean += y
	}
	mean /= n
	v := 0.0
	for _, y := range m.y {
		v += (y - mean) * (y - mean)
	}
	std := math.Sqrt(v / n)
	if !(std > 0) {
		std = 1
	}
	m.mean, m.std = mean, std
	m.z = grow(m.z, len(m.y))
	for i, y := range m.y {
		m.z[i] = (y - mean) / std
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func softmax(w, theta []float64) {
	mx := math.Inf(-1)
	for _, t := range theta {
		mx = max(mx, t)
	}
	s := 0.0
	for i, t := range theta {
		w[i] = math.Exp(t - mx)
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
}

// errNotPD reports a kernel matrix that stays indefinite with jitter.
var errNotPD = errors.New("gp: kernel matrix not positive definite (after jitter)")

// eval computes the NLML at params = [θ..., σ²] for the current kernel
// matrices, factorising into m.spare and setting m.alpha; with grad, it
// also returns the gradient of the NLML.
func (m *Model) eval(params []float64, withGrad bool) (float64, []float64, error) {
	n, k := len(m.z), len(m.slots)
	w := make([]float64, k)
	softmax(w, params[:k])
	noise := params[k]
	m.ksym = grow(m.ksym, n*n)
	K := m.ksym
	for i := range n {
		row := K[i*n+i : i*n+n]
		clear(row)
		for s := range k {
			floats.AddScaled(row, w[s], m.mats[s][i*n+i:i*n+n])
		}
		row[0] += noise
	}
	ok := m.spare.factorize(K, n)
	for try, jitter := 0, 1e-6; !ok && try < 3; try, jitter = try+1, jitter*10 {
		for i := range n {
			K[i*n+i] += jitter
		}
		ok = m.spare.factorize(K, n)
		for i := range n {
			K[i*n+i] -= jitter
		}
	}
	if !ok {
		return 0, nil, errNotPD
	}
	m.alpha = grow(m.alpha, n)
	copy(m.alpha, m.z)
	potrsVec(m.spare.tri(), m.alpha)
	// The errors of mat.Cholesky.SolveVecTo (then of the inverse): the
	// condition number over mat.ConditionTolerance, which the inverse,
	// when there is one, mostly rules out without the estimate.
	var raw blas64.Symmetric
	invOK := false
	if withGrad {
		raw, invOK = m.inverse()
	}
	if !invOK || !m.spare.wellConditioned(raw.Data) {
		if c := m.spare.condition(); c > mat.ConditionTolerance {
			return 0, nil, mat.Condition(c)
		}
	}
	if withGrad && !invOK {
		return 0, nil, mat.Condition(math.Inf(1))
	}
	fit := 0.0
	for i := range n {
		fit += m.z[i] * m.alpha[i]
	}
	nlml := 0.5*fit + 0.5*m.spare.logDet() + 0.5*float64(n)*math.Log(2*math.Pi)
	if !withGrad {
		return nlml, nil, nil
	}
	a := m.alpha
	// g[s] = ½ tr((K⁻¹ − ααᵀ) K̃_s); only the upper triangle of inv is set.
	g := make([]float64, k)
	trW := 0.0
	wrow := make([]float64, n)
	for i := range n {
		// Row i of the upper triangle of W, off-diagonal entries doubled.
		ir := raw.Data[i*raw.Stride+i : i*raw.Stride+n]
		wr := wrow[:n-i]
		copy(wr, ir)
		floats.AddScaled(wr, -a[i], a[i:])
		floats.Scale(2, wr[1:])
		trW += wr[0]
		for s := range k {
			g[s] += 0.5 * floats.Dot(wr, m.mats[s][i*n+i:i*n+n])
		}
	}
	grad := make([]float64, k+1)
	wg := 0.0
	for s := range k {
		wg += w[s] * g[s]
	}
	for s := range k {
		grad[s] = w[s] * (g[s] - wg)
	}
	grad[k] = 0.5 * trW
	return nlml, grad, nil
}

// potrsVec solves UᵀU x = b in place of b for an upper triangular U as
// lapack64.Potrs does for one right-hand side (two Dtrsm, Left, Upper,
// Trans then NoTrans), with the same floating-point operations in the
// same order, so the same result to the last bit, without Dtrsm's call per
// element.
func potrsVec(u blas64.Triangular, b []float64) {
	n, lda, a := u.N, u.Stride, u.Data
	b = b[:n]
	// Uᵀy = b: for k = 0..n-1, y_k = b_k·(1/u_kk), b_i -= u_ki·y_k (i > k).
	for k := range n {
		b[k] *= 1 / a[k*lda+k]
		yk := b[k]
		row := a[k*lda+k+1 : k*lda+n]
		rest := b[k+1 : k+1+len(row)]
		for i, va := range row {
			if va != 0 {
				rest[i] += float64(-va * yk)
			}
		}
	}
	// Ux = y: for i = n-1..0, x_i = (y_i - Σ_{k>i} u_ik·x_k)·(1/u_ii), the
	// sum in increasing k.
	for i := n - 1; i >= 0; i-- {
		row := a[i*lda+i+1 : i*lda+n]
		xs := b[i+1 : i+1+len(row)]
		bi := b[i]
		for k, va := range row {
			if va != 0 {
				bi += float64(-va * xs[k])
			}
		}
		b[i] = bi * (1 / a[i*lda+i])
	}
}

// inverse returns the upper triangle of the inverse of the matrix m.spare
// factorises (invChol), into a buffer the model keeps, and whether U has
// no zero on its diagonal (as Dpotri's success).
func (m *Model) inverse() (blas64.Symmetric, bool) {
	u := m.spare.tri()
	n := u.N
	m.kinv = grow(m.kinv, n*n)
	m.kinvT = grow(m.kinvT, n*n)
	ok := invChol(n, u.Data, u.Stride, m.kinv, m.kinvT)
	return blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: m.kinv}, ok
}

// Predict returns the predictive mean and variance of the loss of every
// candidate (de-normalised; the variance includes the noise and is at
// least the noise variance).
func (m *Model) Predict(cands []Arch) (mean, variance []float64, err error) {
	if len(m.y) == 0 {
		return nil, nil, ErrNoData
	}
	if !m.fitted {
		return nil, nil, ErrNotFitted
	}
	for i := range cands {
		if cands[i].checked {
			continue // by Maximize, just before
		}
		if err := cands[i].validateSeen(m.valid); err != nil {
			return nil, nil, fmt.Errorf("candidate %d: %w", i, err)
		}
	}
	n, c := len(m.y), len(cands)
	if c == 0 {
		return nil, nil, nil
	}
	m.ks = grow(m.ks, c*n) // K*ᵀ: c×n
	ks := m.ks
	clear(ks)
	for s, sl := range m.slots {
		sl.cross(cands, m.w[s], ks)
	}
	mean = make([]float64, c)
	for j := range c {
		mean[j] = floats.Dot(ks[j*n:j*n+n], m.alpha)
	}
	// V = K*ᵀU⁻¹ (K = UᵀU): the variance reduction of candidate j is ‖V_j‖².
	// trsmRUN is blas64.Trsm(blas.Right, blas.NoTrans, 1, U, K*ᵀ), to the
	// last bit.
	u := m.chol.tri()
	trsmRUN(c, n, u.Data, u.Stride, ks, n)
	variance = make([]float64, c)
	for j := range c {
		v := ks[j*n : j*n+n]
		variance[j] = max(1+m.noise-floats.Dot(v, v), m.noise) * m.std * m.std
		mean[j] = mean[j]*m.std + m.mean
	}
	return mean, variance, nil
}

// EI returns the expected improvement of every candidate over the
// incumbent (the best observed loss).
func (m *Model) EI(cands []Arch) ([]float64, error) {
	mu, v, err := m.Predict(cands)
	if err != nil {
		return nil, err
	}
	best := m.Incumbent()
	ei := make([]float64, len(mu))
	for i := range mu {
		ei[i] = ExpectedImprovement(mu[i], math.Sqrt(v[i]), best)
	}
	return ei, nil
}

// ExpectedImprovement is the closed-form EI for minimisation with ξ = 0 of
// a Gaussian N(mu, sigma²) over the incumbent best:
// σφ(u) + (best − μ)Φ(u), u = (best − μ)/σ.
func ExpectedImprovement(mu, sigma, best float64) float64 {
	d := best - mu
	if !(sigma > 0) {
		return max(d, 0)
	}
	u := d / sigma
	pdf := math.Exp(-0.5*u*u) / math.Sqrt(2*math.Pi)
	cdf := 0.5 * math.Erfc(-u/math.Sqrt2)
	return max(sigma*pdf+d*cdf, 0)
}
