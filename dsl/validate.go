package dsl

import "fmt"

// Validate checks that d is an architecture the sampler could have made:
// every production belongs to the rule it expands and has one derivation
// per nonterminal occurrence, the depth budget max_depth holds, a shared
// nonterminal has one derivation, every topology keeps a path from in to
// out, and the file's constraints hold.
func (g *Grammar) Validate(d *Derivation) error {
	shared := map[*Rule]*Derivation{}
	var walk func(d *Derivation, r *Rule, budget int) error
	walk = func(d *Derivation, r *Rule, budget int) error {
		if d == nil || d.Prod == nil {
			return fmt.Errorf("%s: missing derivation", r.Name)
		}
		if d.Prod.Rule != r {
			return fmt.Errorf("%s: production of %s used in its place", r.Name, d.Prod.Rule.Name)
		}
		if r.Shared {
			if prev, ok := shared[r]; ok {
				if prev != d && !Equal(prev, d) {
					return fmt.Errorf("shared %s has two derivations: %s and %s", r.Name, prev, d)
				}
				return nil
			}
			shared[r] = d
		}
		if r.recursive {
			budget--
		}
		if budget < 0 {
			return fmt.Errorf("%s: deeper than max_depth %d", r.Name, g.Search.MaxDepth)
		}
		nts := d.Prod.Sym.nonterminals(nil)
		if len(nts) != len(d.Kids) {
			return fmt.Errorf("%s -> %s: %d derivations for %d nonterminals", r.Name, symString(d.Prod.Sym), len(d.Kids), len(nts))
		}
		for i, k := range d.Kids {
			if err := walk(k, nts[i], budget); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(d, g.Start(), g.Search.MaxDepth); err != nil {
		return err
	}
	if !connectedDeriv(d) {
		return fmt.Errorf("a topology of %s has no path from in to out: its zero arguments cut them all", d)
	}
	return g.Satisfies(d)
}
