package search

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search/gp"
)

// Strategy names, as `search { strategy NAME }` and --strategy take them.
const (
	StrategyRandom    = "random"
	StrategyEvolution = "evolution" // regularized evolution
	StrategyBOHNAS    = "bohnas"    // BO with the hierarchical WL kernel
	StrategyNASBOWL   = "nasbowl"   // BO with the WL kernel on the full graph
	StrategyNASBOT    = "nasbot"    // BO with the NASBOT distance kernel
)

// Strategies lists the strategy names.
var Strategies = []string{StrategyBOHNAS, StrategyNASBOWL, StrategyNASBOT, StrategyEvolution, StrategyRandom}

// NewStrategy returns the named strategy over g, seeded with seed;
// maxDepth 0 means the grammar's.
func NewStrategy(name string, g *dsl.Grammar, seed uint64, maxDepth int) (Strategy, error) {
	switch name {
	case StrategyRandom, "":
		return NewRandom(g, seed, maxDepth), nil
	case StrategyEvolution:
		return &EvolutionStrategy{base: newBase(g, seed, maxDepth)}, nil
	case StrategyBOHNAS, StrategyNASBOWL, StrategyNASBOT:
		kind := map[string]gp.Kind{StrategyBOHNAS: gp.HWL, StrategyNASBOWL: gp.WL, StrategyNASBOT: gp.NASBOT}[name]
		bo := NewBO(g, seed, maxDepth, kind)
		if n := g.Search.Generations; n > 0 {
			bo.Evolution.MaxGenerations, bo.Evolution.MinGenerations = n, min(10, n)
		}
		bo.Evolution.PoolSize = g.Search.Pool
		return bo, nil
	}
	return nil, fmt.Errorf("unknown strategy %q (strategies: %v)", name, Strategies)
}

// Loss is the objective a model-based strategy minimises for a finished
// trial: log(validation error + 1e-8) (paper-spec §4.1), the validation
// error being 1 - Accuracy. A failed trial counts as error 1, the worst:
// the search learns to avoid what fails. ok is false for a trial without
// a result yet.
func Loss(t *Trial) (loss float64, ok bool) {
	switch t.State {
	case StateDone:
		if t.Objective != nil {
			return -*t.Objective, true
		}
		return gp.LogLoss(min(max(1-t.Accuracy, 0), 1)), true
	case StateFailed:
		if t.Failure == FailInterrupted {
			return 0, false
		}
		return gp.LogLoss(1), true
	}
	return 0, false
}

// base holds what the model-based strategies share: the grammar, a
// sampler driven by the strategy's random source, and the derivations of
// the history's terms.
type base struct {
	g        *dsl.Grammar
	seed     uint64
	sampler  *dsl.Sampler
	parsed   map[string]*dsl.Derivation
	ops      gp.Ops[*dsl.Derivation]
	features map[string]gp.Arch
	// lin notes, while a BO proposal runs, the operators' children's
	// parents and keeps the latest candidates' kernel graphs.
	lin *lineage
}

func newBase(g *dsl.Grammar, seed uint64, maxDepth int) base {
	s := dsl.NewSampler(g, seed)
	if maxDepth > 0 {
		s.MaxDepth = maxDepth
	}
	lin := new(lineage)
	b := base{g: g, seed: seed, sampler: s, parsed: map[string]*dsl.Derivation{}, features: map[string]gp.Arch{}, lin: lin}
	b.ops = gp.Ops[*dsl.Derivation]{
		Sample: func(r *rand.Rand) (*dsl.Derivation, error) {
			s.Rand = r
			return s.Sample()
		},
		Mutate: func(r *rand.Rand, x *dsl.Derivation) (*dsl.Derivation, error) {
			s.Rand = r
			m, err := s.Mutate(x)
			if err == nil {
				lin.child(m, x)
			}
			return m, err
		},
		Crossover: func(r *rand.Rand, a, c *dsl.Derivation) (*dsl.Derivation, *dsl.Derivation, error) {
			s.Rand = r
			x, y, err := s.Crossover(a, c)
			if err == nil {
				// x is a with a subtree of c, y the reverse.
				lin.child(x, a)
				lin.child(y, c)
			}
			return x, y, err
		},
		// Keys are the trees' 128-bit hashes: a term costs a walk and
		// an allocation per candidate, and the acquisition optimiser
		// keys ten thousand.
		Key: func(x *dsl.Derivation) string { return x.Key() },
	}
	return b
}

// lineage is what a BO proposal knows of its candidates' descent: each
// child's parent (the tree it takes most of), and the kernel graphs of
// the candidates scored lately, from which a child's are built
// (dsl.KernelGraphsFrom). Both are kept for the last few thousand
// candidates only: a child is scored in the generation it is bred, from
// a parent of the generation before.
type lineage struct {
	on              bool
	parent, parent0 map[*dsl.Derivation]*dsl.Derivation
	graphs, graphs0 map[*dsl.Derivation][]dsl.KernelGraph
}

// lineageWindow is how many candidates a lineage map holds before it
// becomes the older one.
const lineageWindow = 2048

func (l *lineage) start() {
	l.on = true
	l.parent, l.parent0 = map[*dsl.Derivation]*dsl.Derivation{}, nil
	l.graphs, l.graphs0 = map[*dsl.Derivation][]dsl.KernelGraph{}, nil
}

func (l *lineage) stop() { *l = lineage{} }

// child notes that x was made from parent p.
func (l *lineage) child(x, p *dsl.Derivation) {
	if !l.on {
		return
	}
	if len(l.parent) >= lineageWindow {
		l.parent, l.parent0 = map[*dsl.Derivation]*dsl.Derivation{}, l.parent
	}
	l.parent[x] = p
}

// kernelGraphs returns x's kernel graphs, from its parent's when they are
// kept, and keeps them.
func (l *lineage) kernelGraphs(g *dsl.Grammar, x *dsl.Derivation) ([]dsl.KernelGraph, error) {
	p, ok := l.parent[x]
	if !ok {
		p = l.parent0[x]
	}
	var pg []dsl.KernelGraph
	if p != nil {
		if pg, ok = l.graphs[p]; !ok {
			pg = l.graphs0[p]
		}
		if pg == nil {
			p = nil
		}
	}
	lgs, err := g.KernelGraphsFrom(x, p, pg)
	if err != nil {
		return nil, err
	}
	if len(l.graphs) >= lineageWindow {
		l.graphs, l.graphs0 = map[*dsl.Derivation][]dsl.KernelGraph{}, l.graphs
	}
	l.graphs[x] = lgs
	return lgs, nil
}

// rng is the random source of one Propose call: a function of the seed
// and the history's length, so that a resumed run proposes what the
// uninterrupted run would have.
func (b *base) rng(history []*Trial) *rand.Rand {
	return rand.New(rand.NewPCG(b.seed, 0x626f+uint64(len(history))))
}

// derivation parses a trial's term, once.
func (b *base) derivation(term string) (*dsl.Derivation, error) {
	if d, ok := b.parsed[term]; ok {
		return d, nil
	}
	d, err := b.g.ParseTerm(term)
	if err != nil {
		return nil, fmt.Errorf("trial architecture %s: %w", term, err)
	}
	b.parsed[term] = d
	return d, nil
}

// arch returns the kernel graphs of d, cached by key.
func (b *base) arch(d *dsl.Derivation) (gp.Arch, error) {
	key := d.Key()
	if a, ok := b.features[key]; ok {
		return a, nil
	}
	a, err := kernelArch(b.g, d)
	if err != nil {
		return gp.Arch{}, err
	}
	b.features[key] = a
	return a, nil
}

// kernelArch is what the models know of d: its kernel graphs.
func kernelArch(g *dsl.Grammar, d *dsl.Derivation) (gp.Arch, error) {
	kgs, err := g.KernelGraphsFrom(d, nil, nil)
	if err != nil {
		return gp.Arch{}, err
	}
	return archOf(kgs), nil
}

// archOf is the model's form of kernel graphs.
func archOf(kgs []dsl.KernelGraph) gp.Arch {
	a := gp.Arch{Graphs: make([]gp.Graph, len(kgs))}
	for i, k := range kgs {
		a.Graphs[i] = gp.CompactGraph(k.Names, k.Labels, k.Off, k.Adj, k.ID)
	}
	return a
}

// observed returns the finished trials in the order they finished (ties
// by ID), with their derivations and losses.
func (b *base) observed(history []*Trial) ([]gp.Observed[*dsl.Derivation], []*Trial, error) {
	var fin []*Trial
	for _, t := range history {
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
	obs := make([]gp.Observed[*dsl.Derivation], 0, len(fin))
	for _, t := range fin {
		d, err := b.derivation(t.Term)
		if err != nil {
			return nil, nil, err
		}
		loss, _ := Loss(t)
		obs = append(obs, gp.Observed[*dsl.Derivation]{X: d, Loss: loss})
	}
	return obs, fin, nil
}

// exclude is the set of architectures in the history, never proposed
// again: their keys (Derivation.Key, what the operators compare) and
// their terms (a grammar in which one term has two derivations could
// otherwise propose an evaluated term again; see excluded).
func (b *base) exclude(history []*Trial) (map[string]bool, error) {
	ex := make(map[string]bool, 2*len(history))
	for _, t := range history {
		d, err := b.derivation(t.Term)
		if err != nil {
			return nil, err
		}
		ex[t.Term] = true
		ex[d.Key()] = true
	}
	return ex, nil
}

// excluded reports whether d is in ex by key or by term.
func excluded(ex map[string]bool, d *dsl.Derivation) bool {
	return ex[d.Key()] || ex[d.String()]
}

// add puts d in ex by key and by term.
func add(ex map[string]bool, d *dsl.Derivation) {
	ex[d.Key()] = true
	ex[d.String()] = true
}

// random draws a new architecture outside ex.
func (b *base) random(r *rand.Rand, ex map[string]bool) (*dsl.Derivation, error) {
	for range 1000 {
		d, err := b.ops.Sample(r)
		if err != nil {
			return nil, err
		}
		if !excluded(ex, d) {
			return d, nil
		}
	}
	return nil, fmt.Errorf("%w: no new architecture in 1000 samples", ErrExhausted)
}

// EvolutionStrategy is regularized evolution (paper-spec §4.7): the first
// 30 architectures are random; then a tournament of 10 drawn with
// replacement from the last 30 evaluated gives a parent, which is mutated.
type EvolutionStrategy struct {
	base
	Config gp.REConfig
}

// Name implements Strategy.
func (e *EvolutionStrategy) Name() string { return StrategyEvolution }

// Propose implements Strategy.
func (e *EvolutionStrategy) Propose(ctx context.Context, history []*Trial, n int) ([]*dsl.Derivation, error) {
	r := e.rng(history)
	obs, _, err := e.observed(history)
	if err != nil {
		return nil, err
	}
	ex, err := e.exclude(history)
	if err != nil {
		return nil, err
	}
	var out []*dsl.Derivation
	for again := 0; len(out) < n; {
		d, err := gp.RegularizedEvolution(ctx, r, e.ops, obs, ex, e.Config)
		if err == nil && excluded(ex, d) {
			// Another derivation of an evaluated term (an ambiguous
			// grammar): draw again.
			add(ex, d)
			if again++; again < 1000 {
				continue
			}
			err = gp.ErrNoCandidate
		}
		if err != nil {
			if errors.Is(err, gp.ErrNoCandidate) {
				return out, fmt.Errorf("%w: %v", ErrExhausted, err)
			}
			return out, err
		}
		add(ex, d)
		out = append(out, d)
	}
	return out, nil
}

// BOStrategy is Bayesian optimisation (paper-spec §4): a Gaussian process
// on the architectures' kernel graphs, fitted to the finished trials
// (z-scored log validation errors), with trials still running added at
// their predicted mean; expected improvement maximised by
// grammar-guided evolution. The first NInit architectures are random.
// The kernel is the hierarchical WL kernel (BOHNAS), the WL kernel on the
// full graph (NASBOWL) or the NASBOT distance.
type BOStrategy struct {
	base
	kind      gp.Kind
	NInit     int
	Evolution gp.EvolutionConfig
	model     *gp.Model
	addedIDs  []int // trials in the model, in the order added
	// generations is how many generations the last proposal's
	// acquisition optimiser ran (for benchmarks and logs).
	generations int
	// scored is how many distinct candidates it scored.
	scored int
}

// NewBO returns BO with the given kernel.
func NewBO(g *dsl.Grammar, seed uint64, maxDepth int, kind gp.Kind) *BOStrategy {
	return &BOStrategy{base: newBase(g, seed, maxDepth), kind: kind, NInit: 10}
}

// Name implements Strategy.
func (b *BOStrategy) Name() string {
	switch b.kind {
	case gp.WL:
		return StrategyNASBOWL
	case gp.NASBOT:
		return StrategyNASBOT
	}
	return StrategyBOHNAS
}

// Propose implements Strategy.
func (b *BOStrategy) Propose(ctx context.Context, history []*Trial, n int) ([]*dsl.Derivation, error) {
	r := b.rng(history)
	ex, err := b.exclude(history)
	if err != nil {
		return nil, err
	}
	obs, fin, err := b.observed(history)
	if err != nil {
		return nil, err
	}
	var out []*dsl.Derivation
	if len(obs) < b.NInit {
		for len(out) < n {
			d, err := b.random(r, ex)
			if err != nil {
				return out, err
			}
			add(ex, d)
			out = append(out, d)
		}
		return out, nil
	}
	if err := b.update(obs, fin); err != nil {
		return nil, err
	}
	// The candidates' graphs are not cached by key: the optimiser scores
	// each distinct candidate once. A child's are built from its
	// parent's while the parent's are kept.
	b.lin.start()
	defer b.lin.stop()
	b.ops.Features = func(x *dsl.Derivation) (gp.Arch, error) {
		lgs, err := b.lin.kernelGraphs(b.g, x)
		if err != nil {
			return gp.Arch{}, err
		}
		return archOf(lgs), nil
	}
	// Trials under evaluation are hallucinated at their predicted mean.
	var pending []gp.Arch
	for _, t := range history {
		if _, ok := Loss(t); ok {
			continue
		}
		d, err := b.derivation(t.Term)
		if err != nil {
			return nil, err
		}
		a, err := b.arch(d)
		if err != nil {
			return nil, err
		}
		pending = append(pending, a)
	}
	best := gp.Best(obs, 10)
	for len(out) < n {
		if err := b.model.SetPending(pending); err != nil {
			// A model that cannot be fitted gives a random proposal
			// (paper-spec §4.1).
			d, rerr := b.random(r, ex)
			if rerr != nil {
				return out, rerr
			}
			add(ex, d)
			out = append(out, d)
			continue
		}
		res, err := gp.Maximize(ctx, r, b.ops, b.model.EI, best, ex, b.Evolution)
		b.generations = res.Generations
		b.scored = res.Scored
		if err == nil && excluded(ex, res.X) {
			// Another derivation of an evaluated term (an ambiguous
			// grammar): not proposed again.
			err = gp.ErrNoCandidate
		}
		if err != nil {
			if errors.Is(err, gp.ErrNoCandidate) {
				d, rerr := b.random(r, ex)
				if rerr != nil {
					return out, rerr
				}
				res.X = d
			} else {
				return out, err
			}
		}
		add(ex, res.X)
		out = append(out, res.X)
		a, err := b.arch(res.X)
		if err != nil {
			return out, err
		}
		pending = append(pending, a)
	}
	// Keep the features of the history and the proposals only.
	keep := make(map[string]gp.Arch, len(history)+len(out))
	for k := range ex {
		if a, ok := b.features[k]; ok {
			keep[k] = a
		}
	}
	b.features = keep
	return out, nil
}

// update adds the observations the model does not have yet. Trials finish
// in a different order in a resumed run, so when the order differs from
// the model's, the model is rebuilt (features are cached).
func (b *BOStrategy) update(obs []gp.Observed[*dsl.Derivation], fin []*Trial) error {
	same := b.model != nil && len(b.addedIDs) <= len(fin)
	for i := 0; same && i < len(b.addedIDs); i++ {
		same = fin[i].ID == b.addedIDs[i]
	}
	if !same {
		m, err := gp.New(gp.Config{Kernel: b.kind})
		if err != nil {
			return err
		}
		b.model, b.addedIDs = m, nil
	}
	for i := len(b.addedIDs); i < len(obs); i++ {
		a, err := b.arch(obs[i].X)
		if err != nil {
			return err
		}
		if err := b.model.Add(a, obs[i].Loss); err != nil {
			return err
		}
		b.addedIDs = append(b.addedIDs, fin[i].ID)
	}
	return nil
}
