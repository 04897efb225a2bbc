package gp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Ops are the operations the optimisers need on candidates of type T (in
// nasgc, derivations), so that this package needs no grammar.
type Ops[T any] struct {
	// Sample draws a random candidate.
	Sample func(r *rand.Rand) (T, error)
	// Mutate returns a mutated copy of x.
	Mutate func(r *rand.Rand, x T) (T, error)
	// Crossover returns two children of a and b (a and b may be the same
	// candidate: self-crossover).
	Crossover func(r *rand.Rand, a, b T) (T, T, error)
	// Key identifies a candidate: two candidates with the same key are
	// the same architecture.
	Key func(x T) string
	// Features returns a candidate's kernel graphs (Maximize only).
	Features func(x T) (Arch, error)
}

// Acquisition scores candidates; higher is better (e.g. Model.EI).
type Acquisition func(cands []Arch) ([]float64, error)

// EvolutionConfig configures Maximize. The zero value of every field means
// the paper's default; a negative probability means 0.
type EvolutionConfig struct {
	PoolSize       int     // population size (200)
	InitialBest    int     // evaluated candidates seeding the first population (10)
	PCrossover     float64 // probability of crossover rather than mutation (0.5)
	PSelfCrossover float64 // probability that a crossover is parent1×parent1 (0.5)
	PTournament    float64 // tournament size as a fraction of PoolSize (0.2)
	MinGenerations int     // generations always run (10)
	MaxGenerations int     // generations at most (50)
	Window         int     // stop when the best score is unchanged over this many generations (5)
	Tries          int     // attempts per failing operator call (10)
}

func (c EvolutionConfig) withDefaults() EvolutionConfig {
	def := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	deff := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	def(&c.PoolSize, 200)
	def(&c.InitialBest, 10)
	deff(&c.PCrossover, 0.5)
	deff(&c.PSelfCrossover, 0.5)
	deff(&c.PTournament, 0.2)
	def(&c.MinGenerations, 10)
	def(&c.MaxGenerations, 50)
	def(&c.Window, 5)
	def(&c.Tries, 10)
	c.MaxGenerations = max(c.MaxGenerations, c.MinGenerations)
	return c
}

// check reports missing operations.
func (o *Ops[T]) check(features bool) error {
	switch {
	case o.Sample == nil:
		return errors.New("gp: Ops.Sample is nil")
	case o.Mutate == nil:
		return errors.New("gp: Ops.Mutate is nil")
	case o.Key == nil:
		return errors.New("gp: Ops.Key is nil")
	case features && o.Crossover == nil:
		return errors.New("gp: Ops.Crossover is nil")
	case features && o.Features == nil:
		return errors.New("gp: Ops.Features is nil")
	}
	return nil
}

// ErrNoCandidate is returned when the optimisers find no candidate outside
// the excluded set.
var ErrNoCandidate = errors.New("gp: no candidate outside the evaluated and pending ones")

// Result is the outcome of Maximize.
type Result[T any] struct {
	X           T
	Key         string
	Score       float64 // acquisition value of X
	Generations int     // generations run
	Scored      int     // distinct candidates scored
}

type member[T any] struct {
	x     T
	key   string
	score float64
	arch  *Arch // its features, when it was scored as a member
}

// evolver holds one Maximize call's state.
type evolver[T any] struct {
	r       *rand.Rand
	ops     Ops[T]
	acq     Acquisition
	exclude map[string]bool
	cfg     EvolutionConfig
	scores  map[string]float64 // acquisition value by key (the model is fixed during a call)
	best    member[T]          // best candidate outside exclude
	found   bool
	valid   map[string]struct{} // IDs of the graphs found valid
	archs   map[string]*Arch    // features of the last population's members
}

// Maximize is BOHNAS's acquisition optimiser, grammar-guided evolution:
// the first population is the best evaluated candidates (best, at most
// InitialBest of them, best first) plus random samples up to PoolSize.
// Each generation breeds a new population: a tournament of
// int(PTournament·PoolSize) members drawn with replacement gives the two
// with the highest score as parents; with probability PCrossover they
// are crossed over (with probability PSelfCrossover parent1 with itself)
// and both children join, otherwise parent1 is mutated. The best
// candidate so far joins every population (elitism). It runs
// MinGenerations, then up to MaxGenerations until the best score has not
// changed over Window generations, and returns the best candidate whose
// key is not in exclude (the evaluated and pending ones): excluded
// candidates take part as parents but are never returned. Scores are
// cached by key. The same r state gives the same result.
func Maximize[T any](ctx context.Context, r *rand.Rand, ops Ops[T], acq Acquisition, best []T, exclude map[string]bool, cfg EvolutionConfig) (Result[T], error) {
	cfg = cfg.withDefaults()
	var res Result[T]
	if err := ops.check(true); err != nil {
		return res, err
	}
	if acq == nil {
		return res, errors.New("gp: nil acquisition")
	}
	e := &evolver[T]{r: r, ops: ops, acq: acq, exclude: exclude, cfg: cfg, scores: make(map[string]float64), valid: make(map[string]struct{})}
	var pop []T
	pop = append(pop, best[:min(len(best), cfg.InitialBest)]...)
	for fails := 0; len(pop) < cfg.PoolSize && fails < cfg.Tries*cfg.PoolSize; {
		x, err := ops.Sample(r)
		if err != nil {
			fails++
			continue
		}
		pop = append(pop, x)
	}
	members, err := e.score(pop, nil)
	if err != nil {
		return res, err
	}
	var history []float64
	gen := 0
	for gen < cfg.MaxGenerations && len(members) > 0 {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if gen >= cfg.MinGenerations && len(history) > cfg.Window &&
			isClose(history[len(history)-1], history[len(history)-1-cfg.Window]) {
			break
		}
		children, parents := e.breed(members)
		if e.found {
			children = append(children, e.best.x)
			parents = append(parents, nil)
		}
		next, err := e.score(children, parents)
		if err != nil {
			return res, err
		}
		if len(next) > 0 {
			members = next
		}
		gen++
		history = append(history, e.best.score)
	}
	if !e.found {
		if err := e.fallback(); err != nil {
			return res, err
		}
	}
	return Result[T]{X: e.best.x, Key: e.best.key, Score: e.best.score, Generations: gen, Scored: len(e.scores)}, nil
}

// isClose is numpy.isclose with its default tolerances.
func isClose(a, b float64) bool {
	return math.Abs(a-b) <= 1e-8+1e-5*math.Abs(b)
}

// score returns the scored members of xs, in order, dropping candidates
// whose features fail; it updates the best non-excluded candidate. bases,
// when not nil, holds each candidate's parent's features (or nil), which
// the acquisition may use to compute the child's from.
func (e *evolver[T]) score(xs []T, bases []*Arch) ([]member[T], error) {
	ms := make([]member[T], 0, len(xs))
	var todo []Arch
	var todoKeys []string
	var todoAt []int
	queued := make(map[string]bool)
	for i, x := range xs {
		k := e.ops.Key(x)
		ms = append(ms, member[T]{x: x, key: k})
		if _, ok := e.scores[k]; ok || queued[k] {
			continue
		}
		a, err := e.ops.Features(x)
		if err != nil {
			continue
		}
		if a.validateSeen(e.valid) != nil {
			continue
		}
		a.checked = true
		if bases != nil {
			a.base = bases[i]
		}
		queued[k] = true
		todo = append(todo, a)
		todoKeys = append(todoKeys, k)
		todoAt = append(todoAt, len(ms)-1)
	}
	if len(todo) > 0 {
		v, err := e.acq(todo)
		if err != nil {
			return nil, err
		}
		if len(v) != len(todo) {
			return nil, fmt.Errorf("gp: acquisition returned %d values for %d candidates", len(v), len(todo))
		}
		for i, k := range todoKeys {
			s := v[i]
			if math.IsNaN(s) {
				s = math.Inf(-1)
			}
			e.scores[k] = s
			a := todo[i]
			a.base, a.checked = nil, false // no chains of ancestors
			ms[todoAt[i]].arch = &a
		}
	}
	// Members scored earlier (in this batch, or in an earlier one) keep
	// the features they had as members of the last population or as the
	// best candidate, so that their children can be computed from them.
	archs := make(map[string]*Arch, len(ms))
	for _, i := range todoAt {
		archs[ms[i].key] = ms[i].arch
	}
	out := ms[:0]
	for _, m := range ms {
		s, ok := e.scores[m.key]
		if !ok {
			continue
		}
		m.score = s
		if m.arch == nil {
			switch {
			case archs[m.key] != nil:
				m.arch = archs[m.key]
			case e.archs[m.key] != nil:
				m.arch = e.archs[m.key]
			case e.found && e.best.key == m.key:
				m.arch = e.best.arch
			}
		}
		if m.arch != nil {
			archs[m.key] = m.arch
		}
		out = append(out, m)
		if !e.exclude[m.key] && (!e.found || s > e.best.score) {
			e.best, e.found = m, true
		}
	}
	e.archs = archs
	return out, nil
}

// breed makes the next generation's children, with the features of the
// parent each child takes most of (nil when unknown).
func (e *evolver[T]) breed(pop []member[T]) ([]T, []*Arch) {
	cfg := e.cfg
	k := max(int(cfg.PTournament*float64(cfg.PoolSize)), 1)
	var out []T
	var parents []*Arch
	for fails := 0; len(out) < cfg.PoolSize && fails < cfg.Tries*cfg.PoolSize; {
		p1, p2 := -1, -1
		for range k {
			i := e.r.IntN(len(pop))
			switch {
			case i == p1 || i == p2:
			case p1 < 0 || better(pop[i], pop[p1], i, p1):
				p1, p2 = i, p1
			case p2 < 0 || better(pop[i], pop[p2], i, p2):
				p2 = i
			}
		}
		if p2 < 0 {
			p2 = p1
		}
		a, b := pop[p1].x, pop[p2].x
		if e.r.Float64() < cfg.PCrossover {
			pb := pop[p2].arch
			if e.r.Float64() < cfg.PSelfCrossover {
				b, pb = a, pop[p1].arch
			}
			c1, c2, err := e.ops.Crossover(e.r, a, b)
			if err != nil {
				fails++
				continue
			}
			// c1 is a with a subtree of b, c2 the reverse (for
			// self-crossover, both are a).
			out, parents = append(out, c1), append(parents, pop[p1].arch)
			if len(out) < cfg.PoolSize {
				out, parents = append(out, c2), append(parents, pb)
			}
			continue
		}
		c, err := e.ops.Mutate(e.r, a)
		if err != nil {
			fails++
			continue
		}
		out, parents = append(out, c), append(parents, pop[p1].arch)
	}
	return out, parents
}

// better orders members by score, then by index (for determinism).
func better[T any](a, b member[T], ia, ib int) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return ia < ib
}

// fallback looks for any random candidate outside exclude.
func (e *evolver[T]) fallback() error {
	for range e.cfg.Tries * e.cfg.PoolSize {
		x, err := e.ops.Sample(e.r)
		if err != nil {
			continue
		}
		if k := e.ops.Key(x); !e.exclude[k] {
			s, ok := e.scores[k]
			if !ok {
				s = math.NaN()
			}
			e.best, e.found = member[T]{x: x, key: k, score: s}, true
			return nil
		}
	}
	return ErrNoCandidate
}

// Observed is an evaluated candidate and its loss (lower is better).
type Observed[T any] struct {
	X    T
	Loss float64
}

// REConfig configures RegularizedEvolution; zero fields mean the paper's
// defaults.
type REConfig struct {
	Population int // the last evaluations forming the population (30)
	Tournament int // members drawn with replacement (10)
	Tries      int // attempts to find a new candidate before falling back to random (100)
}

// RegularizedEvolution proposes one candidate by regularized evolution
// (Real et al.): while fewer than Population candidates are evaluated, a
// random sample; then the population is the last Population evaluations
// of history (in evaluation order), Tournament members are drawn with
// replacement and the one with the lowest loss is mutated. It never
// returns a candidate whose key is in exclude: mutations are retried and
// random samples are the fallback.
func RegularizedEvolution[T any](ctx context.Context, r *rand.Rand, ops Ops[T], history []Observed[T], exclude map[string]bool, cfg REConfig) (T, error) {
	if cfg.Population <= 0 {
		cfg.Population = 30
	}
	if cfg.Tournament <= 0 {
		cfg.Tournament = 10
	}
	if cfg.Tries <= 0 {
		cfg.Tries = 100
	}
	var zero T
	if err := ops.check(false); err != nil {
		return zero, err
	}
	if len(history) >= cfg.Population {
		pop := history[len(history)-cfg.Population:]
		bi := -1
		for range cfg.Tournament {
			i := r.IntN(len(pop))
			if bi < 0 || cmp.Less(pop[i].Loss, pop[bi].Loss) || (pop[i].Loss == pop[bi].Loss && i < bi) {
				bi = i
			}
		}
		for range cfg.Tries {
			if err := ctx.Err(); err != nil {
				return zero, err
			}
			x, err := ops.Mutate(r, pop[bi].X)
			if err == nil && !exclude[ops.Key(x)] {
				return x, nil
			}
		}
	}
	for range cfg.Tries {
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		x, err := ops.Sample(r)
		if err == nil && !exclude[ops.Key(x)] {
			return x, nil
		}
	}
	return zero, ErrNoCandidate
}

// Best returns up to k candidates of history with the lowest losses, best
// first (ties in history order): the seeds of Maximize.
func Best[T any](history []Observed[T], k int) []T {
	idx := make([]int, len(history))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(history[a].Loss, history[b].Loss) })
	var out []T
	for _, i := range idx[:min(k, len(idx))] {
		out = append(out, history[i].X)
	}
	return out
}
