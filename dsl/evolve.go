package dsl

import (
	"errors"
	"fmt"
	"maps"
)

// Genetic operators on derivation trees (paper-spec §4.6), without the
// original's quirks: any occurrence can be picked, the first included, and
// derivations are trees, never strings.

// Occurrence is one place in a derivation where a nonterminal was
// expanded: the derivation there, the path of kid indexes from the root,
// and the depth budget the sampler had there. A shared nonterminal's
// derivation is one occurrence, however often it is used: changing it
// changes it everywhere.
type Occurrence struct {
	D      *Derivation
	Path   []int
	Budget int // depth budget on entry, before the rule's own unit
	Parent *Derivation
	Kid    int // index in Parent.Kids; -1 at the root
}

// Swappable reports whether a rule has more than one alternative: only
// such occurrences are mutated or crossed over (paper-spec §4.6).
func (r *Rule) Swappable() bool { return len(r.Alts) > 1 }

// Occurrences lists the occurrences of swappable nonterminals in d, in
// preorder, each shared derivation once (at its first occurrence).
func (g *Grammar) Occurrences(d *Derivation) []Occurrence {
	var out []Occurrence
	g.visitOcc(d, func(o *Occurrence) bool {
		c := *o
		c.Path = append([]int(nil), o.Path...)
		out = append(out, c)
		return true
	})
	return out
}

// visitOcc calls f for the occurrences of swappable nonterminals of d in
// preorder (each shared derivation once) until f returns false. The
// Occurrence and its Path are only valid during the call.
func (g *Grammar) visitOcc(d *Derivation, f func(o *Occurrence) bool) {
	var seen map[*Derivation]bool
	o := &Occurrence{Path: make([]int, 0, 32)}
	stop := false
	var walk func(d, parent *Derivation, kid int, budget int)
	walk = func(d, parent *Derivation, kid int, budget int) {
		r := d.Prod.Rule
		if r.Shared {
			if seen == nil {
				seen = map[*Derivation]bool{}
			}
			if seen[d] {
				return
			}
			seen[d] = true
		}
		if len(r.Alts) > 1 {
			o.D, o.Budget, o.Parent, o.Kid = d, budget, parent, kid
			if !f(o) {
				stop = true
				return
			}
		}
		b := budget
		if r.recursive {
			b--
		}
		for i, k := range d.Kids {
			o.Path = append(o.Path, i)
			walk(k, d, i, b)
			o.Path = o.Path[:len(o.Path)-1]
			if stop {
				return
			}
		}
	}
	walk(d, nil, -1, g.Search.MaxDepth)
}

// countOcc counts the swappable occurrences of d, of rule r only unless r
// is nil.
func (g *Grammar) countOcc(d *Derivation, r *Rule) int {
	if !g.hasShared {
		if r == nil {
			return int(d.facts().occ)
		}
		return g.countRule(d, r)
	}
	n := 0
	g.visitOcc(d, func(o *Occurrence) bool {
		if r == nil || o.D.Prod.Rule == r {
			n++
		}
		return true
	})
	return n
}

// countRule counts the occurrences of the swappable rule r in d, a
// derivation without shared nonterminals.
func (g *Grammar) countRule(d *Derivation, r *Rule) int {
	return int(ruleCounts(d, len(g.Rules))[r.idx])
}

// ruleCounts returns the swappable occurrences of d per rule (by
// Rule.idx; n rules), d having no shared nonterminals: the table's counts
// for a tabulated subtree, else counts computed once and kept in the
// node. Crossover counts a rule's occurrences in its parents, and picks
// one by stepping over whole subtrees by their counts, for every try;
// the nodes a mutation or crossover rebuilds share all but one kid with
// their originals, so a child's counts cost a sum per rebuilt node, not
// a walk of the tree.
func ruleCounts(d *Derivation, n int) []int32 {
	if d.info.rocc != nil {
		return *d.info.rocc
	}
	if p := d.rcount.Load(); p != nil {
		return *p
	}
	c := make([]int32, n)
	for _, k := range d.Kids {
		for i, x := range ruleCounts(k, n) {
			c[i] += x
		}
	}
	if r := d.Prod.Rule; len(r.Alts) > 1 {
		c[r.idx]++
	}
	// Racing goroutines store equal counts: either may win.
	d.rcount.Store(&c)
	return c
}

// occAt returns the k-th swappable occurrence of d (of rule r only unless
// r is nil), with its own copy of the path.
func (g *Grammar) occAt(d *Derivation, r *Rule, k int) (Occurrence, bool) {
	if !g.hasShared {
		return g.occAtTree(d, r, k)
	}
	var out Occurrence
	found := false
	g.visitOcc(d, func(o *Occurrence) bool {
		if r != nil && o.D.Prod.Rule != r {
			return true
		}
		if k == 0 {
			out = *o
			out.Path = append([]int(nil), o.Path...)
			found = true
			return false
		}
		k--
		return true
	})
	return out, found
}

// occAtTree is occAt on a derivation without shared nonterminals: it
// walks down to the occurrence, stepping over whole subtrees by their
// counts of occurrences.
func (g *Grammar) occAtTree(d *Derivation, r *Rule, k int) (Occurrence, bool) {
	// The path in one allocation for all but the deepest trees.
	o := Occurrence{Kid: -1, Budget: g.Search.MaxDepth, Path: make([]int, 0, 16)}
	for {
		rule := d.Prod.Rule
		if len(rule.Alts) > 1 && (r == nil || rule == r) {
			if k == 0 {
				o.D = d
				return o, true
			}
			k--
		}
		b := o.Budget
		if rule.recursive {
			b--
		}
		next := -1
		for i, kid := range d.Kids {
			var c int
			if r == nil {
				// The one fact, not a copy of all (facts).
				if kid.info.sealed {
					c = int(kid.info.occ)
				} else {
					c = int(kid.computeInfo().occ)
				}
			} else {
				c = g.countRule(kid, r)
			}
			if k < c {
				next = i
				break
			}
			k -= c
		}
		if next < 0 {
			return Occurrence{}, false
		}
		o.Parent, o.Kid, o.Budget = d, next, b
		o.Path = append(o.Path, next)
		d = d.Kids[next]
	}
}

// setAt returns root with the derivation at path replaced by nd, copying
// only what changes. When the path passes through a shared derivation, the
// new version of that shared derivation replaces it at every occurrence.
func setAt(root *Derivation, path []int, nd *Derivation) *Derivation {
	// The last shared derivation on the path, at depth j.
	j, shared := -1, (*Derivation)(nil)
	n := root
	for i := 0; ; i++ {
		if n.Rule().Shared {
			j, shared = i, n
		}
		if i == len(path) {
			break
		}
		n = n.Kids[path[i]]
	}
	if j < 0 {
		return copyPath(root, path, nd)
	}
	return substitute(root, shared, copyPath(shared, path[j:], nd), map[*Derivation]*Derivation{})
}

func copyPath(d *Derivation, path []int, nd *Derivation) *Derivation {
	if len(path) == 0 {
		return nd
	}
	// The copies of the nodes on the path, and their kid lists, are
	// made in one allocation each: a mutation or crossover copies a
	// path per change, and the copies live and die together with the
	// child (or the intermediate tree) they make.
	nk := 0
	for x, i := d, 0; i < len(path); i++ {
		nk += len(x.Kids)
		x = x.Kids[path[i]]
	}
	nodes := make([]Derivation, len(path))
	kids := make([]*Derivation, nk)
	for i := range path {
		c := &nodes[i]
		c.Prod = d.Prod
		c.Kids = kids[:len(d.Kids):len(d.Kids)]
		kids = kids[len(d.Kids):]
		copy(c.Kids, d.Kids)
		if i > 0 {
			nodes[i-1].Kids[path[i-1]] = c
		}
		d = d.Kids[path[i]]
	}
	nodes[len(path)-1].Kids[path[len(path)-1]] = nd
	// Sealed from the bottom up: a node's facts are made from its kids'.
	for i := len(path) - 1; i >= 0; i-- {
		nodes[i].seal()
	}
	return &nodes[0]
}

// substitute replaces every pointer to old in d by nw, copying the nodes
// above it and keeping shared derivations shared.
func substitute(d, old, nw *Derivation, memo map[*Derivation]*Derivation) *Derivation {
	if d == old {
		return nw
	}
	if c, ok := memo[d]; ok {
		return c
	}
	var kids []*Derivation
	for i, k := range d.Kids {
		nk := substitute(k, old, nw, memo)
		if nk != k && kids == nil {
			kids = append([]*Derivation(nil), d.Kids...)
		}
		if kids != nil {
			kids[i] = nk
		}
	}
	out := d
	if kids != nil {
		out = &Derivation{Prod: d.Prod, Kids: kids}
		out.seal()
	}
	memo[d] = out
	return out
}

// sharedOf collects the shared derivations of d by rule.
func sharedOf(d *Derivation, into map[*Rule]*Derivation) map[*Rule]*Derivation {
	if into == nil {
		into = map[*Rule]*Derivation{}
	}
	if d.Rule().Shared {
		if _, ok := into[d.Rule()]; ok {
			return into
		}
		into[d.Rule()] = d
	}
	for _, k := range d.Kids {
		sharedOf(k, into)
	}
	return into
}

// transplant copies sub for a new home whose shared derivations are
// shared: every shared nonterminal inside sub (other than sub's own rule)
// is rebound to the home's derivation of it, so the home keeps one
// derivation per shared nonterminal. Non-shared nodes are copied, so no
// non-shared node is ever aliased between two places.
func transplant(sub *Derivation, shared map[*Rule]*Derivation, top bool) *Derivation {
	if shared == nil {
		return sub // derivations are immutable: without shared rules there is nothing to rebind
	}
	if !top && sub.Rule().Shared {
		if h, ok := shared[sub.Rule()]; ok {
			return h
		}
		shared[sub.Rule()] = sub
		return sub
	}
	c := &Derivation{Prod: sub.Prod, Kids: make([]*Derivation, len(sub.Kids))}
	for i, k := range sub.Kids {
		c.Kids[i] = transplant(k, shared, false)
	}
	c.seal()
	return c
}

// isZeroDeriv reports whether d denotes a zero primitive.
func isZeroDeriv(d *Derivation) bool {
	if d.info.sealed {
		return d.info.zero
	}
	for {
		s := d.Prod.Sym
		if s.Rule == nil {
			return s.isZero()
		}
		d = d.Kids[0]
	}
}

// zeroAllowed reports whether kid k of p may denote a zero primitive: the
// topology call it is an argument of keeps a path from in to out without
// it and the other zero arguments. A kid that is not a topology argument
// (a rule whose alternative is a bare nonterminal) inherits p's own
// answer, which the caller passes as outer.
func zeroAllowed(p *Derivation, k int, outer bool) bool {
	idx := 0
	allowed, found := outer, false
	var walk func(s *Sym)
	walk = func(s *Sym) {
		if found {
			return
		}
		if s.Rule != nil {
			if idx == k {
				found = true
			}
			idx++
			return
		}
		if s.Terminal == nil || s.Terminal.Kind != Topology {
			return
		}
		start := idx
		zero := make([]bool, len(s.Args))
		slot := -1
		for i, a := range s.Args {
			if a.Rule != nil {
				if idx == k {
					slot = i
				}
				zero[i] = isZeroDeriv(p.Kids[idx])
				idx++
				continue
			}
			zero[i] = a.isZero()
			walk(a)
			if found {
				return
			}
		}
		if slot >= 0 {
			zero[slot] = true
			allowed, found = s.Terminal.Topo.connected(zero), true
			return
		}
		_ = start
	}
	walk(p.Prod.Sym)
	return allowed
}

// depthUse is the largest number of recursive-rule expansions on a path
// from d down: the budget d needs.
func depthUse(d *Derivation) int {
	if d.info.sealed {
		return int(d.info.depth)
	}
	m := 0
	for _, k := range d.Kids {
		m = max(m, depthUse(k))
	}
	if d.Rule().recursive {
		m++
	}
	return m
}

// Equal reports whether two derivations are the same tree.
func Equal(a, b *Derivation) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || a.Prod != b.Prod || len(a.Kids) != len(b.Kids) {
		return false
	}
	if a.info.sealed && b.info.sealed && (a.info.h1 != b.info.h1 || a.info.nodes != b.info.nodes) {
		return false
	}
	for i := range a.Kids {
		if !Equal(a.Kids[i], b.Kids[i]) {
			return false
		}
	}
	return true
}

// patience bounds the retries of the genetic operators and of sampling
// under constraints: an operator that cannot make a valid, different
// child in this many tries says so.
const patience = 50

// ErrNoChange is returned by Mutate and Crossover when no valid child
// different from its parents was found within the retry budget (for
// example, in a space of one architecture).
var ErrNoChange = errors.New("no valid child different from its parents")

// Mutate returns a child of d that differs from it (paper-spec §4.6, the
// "bananas" mutation): the swappable occurrences are visited in preorder
// and each is resampled with probability 1/N, N being the current number
// of occurrences, under the zero rule of its topology, the depth budget,
// the shared derivations and the user's constraints.
func (s *Sampler) Mutate(d *Derivation) (*Derivation, error) {
	for range patience {
		child := d
		n := s.G.countOcc(child, nil)
		if n == 0 {
			return nil, fmt.Errorf("mutate: %w: the architecture has no nonterminal with more than one alternative", ErrNoChange)
		}
		for i := 0; i < n; i++ {
			if s.Rand.Float64()*float64(n) >= 1 {
				continue
			}
			o, ok := s.G.occAt(child, nil, i)
			if !ok {
				break
			}
			nd, ok := s.resample(child, o)
			if !ok {
				continue
			}
			child = setAt(child, o.Path, nd)
			n = s.G.countOcc(child, nil)
		}
		if child == d || Equal(child, d) {
			continue
		}
		if s.valid(child) {
			return child, nil
		}
	}
	return nil, fmt.Errorf("mutate: %w in %d tries", ErrNoChange, patience)
}

// resample draws a new derivation for the occurrence o of the tree root,
// different from the one there, in up to patience tries.
func (s *Sampler) resample(root *Derivation, o Occurrence) (*Derivation, bool) {
	r := o.D.Rule()
	var shared map[*Rule]*Derivation
	if s.G.hasShared {
		shared = sharedOf(root, nil)
		delete(shared, r)
	}
	noZero := o.Parent != nil && !zeroAllowed(o.Parent, o.Kid, true)
	if o.D.Rule().minBudget > o.Budget {
		return nil, false
	}
	for range patience {
		// A resampled subtree may hold other shared nonterminals: those
		// keep the derivation they have elsewhere in root.
		var sh map[*Rule]*Derivation
		if shared != nil {
			sh = maps.Clone(shared)
		}
		nd, ok := s.tryDerive(r, o.Budget, sh, noZero)
		if !ok {
			return nil, false
		}
		if !Equal(nd, o.D) && !(noZero && isZeroDeriv(nd)) {
			return nd, true
		}
	}
	return nil, false
}

// tryDerive is derive with the size cap turned into a false result.
func (s *Sampler) tryDerive(r *Rule, budget int, shared map[*Rule]*Derivation, noZero bool) (d *Derivation, ok bool) {
	if s.MaxNodes <= 0 {
		s.MaxNodes = 100_000
	}
	s.nodes = 0
	defer func() {
		if e := recover(); e != nil {
			if _, big := e.(errTooLarge); !big {
				panic(e)
			}
			d, ok = nil, false
		}
	}()
	return s.derive(r, budget, shared, noZero), true
}

// Crossover swaps the subtrees of one occurrence of a swappable
// nonterminal of a with those of a random occurrence of the same
// nonterminal in b, giving two children (paper-spec §4.6). Every
// occurrence can be picked. With a == b it is self-crossover: a subtree is
// copied to another place of the same kind, which promotes repetition.
// Shared nonterminals inside a moved subtree take the derivation their new
// home has. A child that breaks the zero rule, the depth budget or a
// constraint, or equals a parent, is retried, up to patience times.
func (s *Sampler) Crossover(a, b *Derivation) (*Derivation, *Derivation, error) {
	na := s.G.countOcc(a, nil)
	if na == 0 || s.G.countOcc(b, nil) == 0 {
		return nil, nil, fmt.Errorf("crossover: %w: no nonterminal with more than one alternative", ErrNoChange)
	}
	self := a == b
	for range patience {
		x, _ := s.G.occAt(a, nil, s.Rand.IntN(na))
		nb := s.G.countOcc(b, x.D.Prod.Rule)
		if nb == 0 {
			continue
		}
		y, _ := s.G.occAt(b, x.D.Prod.Rule, s.Rand.IntN(nb))
		if Equal(x.D, y.D) {
			continue
		}
		if self {
			// One child: y's subtree copied to x's place. (The reverse
			// copy is the other pick of the same pair.)
			c := s.graft(a, x, y.D)
			if c != nil && !Equal(c, a) && s.valid(c) {
				c2 := s.graft(a, y, x.D)
				if c2 == nil || Equal(c2, a) || !s.valid(c2) {
					c2 = c
				}
				return c, c2, nil
			}
			continue
		}
		c1, c2 := s.graft(a, x, y.D), s.graft(b, y, x.D)
		if c1 == nil || c2 == nil {
			continue
		}
		if Equal(c1, a) || Equal(c1, b) || !s.valid(c1) || !s.valid(c2) {
			continue
		}
		return c1, c2, nil
	}
	return nil, nil, fmt.Errorf("crossover: %w in %d tries", ErrNoChange, patience)
}

// graft puts a copy of sub at occurrence o of root, or returns nil when
// it does not fit: the depth budget or the zero rule.
func (s *Sampler) graft(root *Derivation, o Occurrence, sub *Derivation) *Derivation {
	if depthUse(sub) > o.Budget {
		return nil
	}
	if o.Parent != nil && isZeroDeriv(sub) && !zeroAllowed(o.Parent, o.Kid, true) {
		return nil
	}
	var shared map[*Rule]*Derivation
	if s.G.hasShared {
		shared = sharedOf(root, nil)
		delete(shared, sub.Rule())
	}
	return setAt(root, o.Path, transplant(sub, shared, true))
}

// valid reports whether d satisfies the rules the sampler keeps: every
// topology connected and the user's constraints.
func (s *Sampler) valid(d *Derivation) bool {
	if !connectedDeriv(d) {
		return false
	}
	return s.G.Satisfies(d) == nil
}

// connectedDeriv reports whether every topology call of d keeps a path
// from in to out.
func connectedDeriv(d *Derivation) bool {
	if d.info.sealed {
		return d.info.conn
	}
	var seen map[*Derivation]bool
	if len(d.Rule().Alts) > 0 {
		seen = map[*Derivation]bool{}
	}
	var walk func(d *Derivation) bool
	walk = func(d *Derivation) bool {
		if d.Rule().Shared {
			if seen[d] {
				return true
			}
			seen[d] = true
		}
		if !symConnected(d, d.Prod.Sym, new(int)) {
			return false
		}
		for _, k := range d.Kids {
			if !walk(k) {
				return false
			}
		}
		return true
	}
	return walk(d)
}

// symConnected checks the topology calls written in one production; idx
// counts the kids consumed so far.
func symConnected(d *Derivation, s *Sym, idx *int) bool {
	if s.Rule != nil {
		*idx++
		return true
	}
	if s.Terminal == nil || s.Terminal.Kind != Topology {
		return true
	}
	if len(s.Args) > 64 {
		zero := make([]bool, len(s.Args))
		for i, a := range s.Args {
			if a.Rule != nil {
				zero[i] = isZeroDeriv(d.Kids[*idx])
			} else {
				zero[i] = a.isZero()
			}
			if !symConnected(d, a, idx) {
				return false
			}
		}
		return s.Terminal.Topo.connected(zero)
	}
	var mask uint64
	for i, a := range s.Args {
		if a.Rule != nil {
			if isZeroDeriv(d.Kids[*idx]) {
				mask |= 1 << i
			}
			*idx++
			continue
		}
		if a.isZero() {
			mask |= 1 << i
		}
		if !symConnected(d, a, idx) {
			return false
		}
	}
	return s.Terminal.Topo.connectedMask(mask, len(s.Args))
}
