package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/nasgc/nasgc/dsl"
)

// Strategy proposes the architectures to evaluate next. It is asked for n
// proposals at a time, given the run's whole history: every trial recorded
// so far, finished, running and pending alike, in ID order. It must not
// propose a term already in the history. A strategy keeps no state that
// cannot be rebuilt from the history and its seed: a resumed run creates
// it afresh and it carries on from the store.
//
// Propose may return fewer than n derivations; with an error wrapping
// ErrExhausted when the space has no new architecture left.
type Strategy interface {
	Name() string
	Propose(ctx context.Context, history []*Trial, n int) ([]*dsl.Derivation, error)
}

// ErrExhausted is returned by strategies that find no new architecture.
var ErrExhausted = errors.New("space exhausted")

// RandomStrategy samples distinct architectures uniformly over the grammar's
// productions.
type RandomStrategy struct {
	sampler *dsl.Sampler
	// Tries is how many samples in a row may hit known architectures
	// before the space counts as exhausted.
	Tries int
}

// NewRandom returns random search over g with the given seed and max_depth
// (0 = the grammar's).
func NewRandom(g *dsl.Grammar, seed uint64, maxDepth int) *RandomStrategy {
	s := dsl.NewSampler(g, seed)
	if maxDepth > 0 {
		s.MaxDepth = maxDepth
	}
	return &RandomStrategy{sampler: s, Tries: 1000}
}

// Name implements Strategy.
func (r *RandomStrategy) Name() string { return "random" }

// Propose implements Strategy. Resumed from a fresh sampler with the same
// seed, it draws the same sequence and skips what the history holds, so a
// run with one worker proposes the same architectures whether or not it was
// interrupted.
func (r *RandomStrategy) Propose(ctx context.Context, history []*Trial, n int) ([]*dsl.Derivation, error) {
	seen := make(map[string]bool, len(history)+n)
	for _, t := range history {
		seen[t.Term] = true
	}
	var out []*dsl.Derivation
	for len(out) < n {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		d, err := r.distinct(seen)
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (r *RandomStrategy) distinct(seen map[string]bool) (*dsl.Derivation, error) {
	for range r.Tries {
		d, err := r.sampler.Sample()
		if err != nil {
			return nil, err
		}
		if term := d.String(); !seen[term] {
			seen[term] = true
			return d, nil
		}
	}
	return nil, fmt.Errorf("%w: no new architecture in %d samples; the space (under max_depth %d) is probably exhausted", ErrExhausted, r.Tries, r.sampler.MaxDepth)
}
