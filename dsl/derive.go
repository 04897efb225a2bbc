package dsl

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
)

// Derivation is a derivation tree: the production chosen for a
// nonterminal and, for every nonterminal occurrence on that production's
// right side (in preorder), the derivation of that occurrence.
//
// Occurrences of a shared nonterminal point at one Derivation.
type Derivation struct {
	Prod *Production
	Kids []*Derivation

	info dinfo     // facts about the subtree, set by seal (memo.go)
	memo derivMemo // the constraint walk's results per input shape
	// kfrag is the subtree's part of the kernel graphs' flattened
	// architecture (kgraph.go), for small topology calls.
	kfrag kfragMemo
	// rcount is the subtree's count of swappable occurrences per rule
	// when it is not tabulated (info.rocc is), computed the first time
	// crossover asks (ruleCounts).
	rcount rcountMemo
}

// Rule is the nonterminal this derivation derives.
func (d *Derivation) Rule() *Rule { return d.Prod.Rule }

// Call is an architecture as a functional term: a terminal applied to the
// calls that fill its slots. Shared names the shared nonterminal a call was
// derived from, if any.
type Call struct {
	Terminal *Terminal
	Args     []*Call
	Shared   string
	// Rule is the nonterminal whose production this call is the whole
	// right side of, if any (nil for a call nested inside a production).
	Rule *Rule
}

// String renders the functional term, e.g.
// `Sequential(Residual(conv, id, conv), conv, linear)`.
func (c *Call) String() string {
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c *Call) write(b *strings.Builder) {
	b.WriteString(c.Terminal.Name)
	if c.Terminal.Kind != Topology {
		return
	}
	b.WriteByte('(')
	for i, a := range c.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.write(b)
	}
	b.WriteByte(')')
}

// Call returns the architecture the derivation denotes.
func (d *Derivation) Call() *Call {
	kids := d.Kids
	var build func(s *Sym) *Call
	build = func(s *Sym) *Call {
		if s.Rule != nil {
			k := kids[0]
			kids = kids[1:]
			c := k.Call()
			if s.Rule.Shared {
				c.Shared = s.Rule.Name
			}
			return c
		}
		c := &Call{Terminal: s.Terminal}
		for _, a := range s.Args {
			c.Args = append(c.Args, build(a))
		}
		return c
	}
	c := build(d.Prod.Sym)
	if c.Rule == nil {
		c.Rule = d.Rule()
	}
	return c
}

// String is the derivation's functional term.
func (d *Derivation) String() string {
	var b strings.Builder
	d.writeTerm(&b)
	return b.String()
}

// writeTerm writes the functional term straight from the tree (as
// d.Call().String(), without building the call).
func (d *Derivation) writeTerm(b *strings.Builder) {
	kids := d.Kids
	var sym func(s *Sym)
	sym = func(s *Sym) {
		if s.Rule != nil {
			kids[0].writeTerm(b)
			kids = kids[1:]
			return
		}
		b.WriteString(s.Terminal.Name)
		if s.Terminal.Kind != Topology {
			return
		}
		b.WriteByte('(')
		for i, a := range s.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			sym(a)
		}
		b.WriteByte(')')
	}
	sym(d.Prod.Sym)
}

// Sampler draws random derivations. Each production is chosen with
// probability proportional to its weight among the productions that can
// still finish within the depth budget: every expansion of a recursive rule
// uses one unit of MaxDepth, so sampling always terminates.
type Sampler struct {
	G        *Grammar
	MaxDepth int
	Rand     *rand.Rand
	// MaxNodes bounds the size of one derivation (default 100,000); a
	// grammar whose architectures grow past it is reported, not sampled.
	MaxNodes int

	nodes   int
	unsure  bool // the lookahead could not keep every topology connected
	slab    []Derivation
	kidSlab []*Derivation
}

// newDerivation allocates a derivation node and its kids' slice from
// slabs: sampling makes hundreds of nodes per architecture, and one
// allocation per slab instead of two per node more than halves its time.
func (s *Sampler) newDerivation(p *Production) *Derivation {
	if len(s.slab) == 0 {
		s.slab = make([]Derivation, 256)
	}
	d := &s.slab[0]
	s.slab = s.slab[1:]
	d.Prod = p
	if n := p.nkids; n > 0 {
		if len(s.kidSlab) < n {
			s.kidSlab = make([]*Derivation, max(1024, n))
		}
		d.Kids = s.kidSlab[:0:n]
		s.kidSlab = s.kidSlab[n:]
	}
	return d
}

// errTooLarge stops a derivation that grows past MaxNodes.
type errTooLarge struct{ max int }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("architecture grows past %d derivation nodes; lower max_depth or make the grammar's topologies smaller", e.max)
}

// NewSampler returns a sampler with the grammar's max_depth and a PCG
// source seeded with seed.
func NewSampler(g *Grammar, seed uint64) *Sampler {
	return &Sampler{G: g, MaxDepth: g.Search.MaxDepth, Rand: rand.New(rand.NewPCG(seed, 0x6e617367))}
}

// Sample derives one architecture from the start symbol.
func (s *Sampler) Sample() (d *Derivation, err error) {
	start := s.G.Start()
	if start.minBudget > s.MaxDepth {
		return nil, fmt.Errorf("start symbol %s needs max_depth %d or more, have %d", start.Name, start.minBudget, s.MaxDepth)
	}
	shared := map[*Rule]*Derivation{}
	s.nodes = 0
	if s.MaxNodes <= 0 {
		s.MaxNodes = 100_000
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(errTooLarge)
			if !ok {
				panic(r)
			}
			d, err = nil, e
		}
	}()
	// The left-to-right lookahead keeps every topology connected, except
	// where a shared nonterminal derived earlier, or a budget that leaves
	// nothing but zero, decides otherwise: such a draw is made again.
	//
	// The user's constraints are met by drawing again, up to
	// ConstraintTries times; the error then names the constraint broken
	// most often and the closest value seen.
	tries := 100
	if len(s.G.Constraints) > 0 {
		tries = ConstraintTries
	}
	connected := 0
	broken := map[int]int{}
	closest := map[int]float64{}
	for range tries {
		clear(shared)
		s.nodes = 0
		s.unsure = false
		d = s.derive(start, s.MaxDepth, shared, false)
		if s.unsure && !connectedDeriv(d) {
			continue
		}
		connected++
		err := s.G.Satisfies(d)
		if err == nil {
			return d, nil
		}
		var ce *ConstraintError
		if !errors.As(err, &ce) {
			continue
		}
		i := slices.Index(s.G.Constraints, ce.Constraint)
		broken[i]++
		if v, ok := closest[i]; !ok || math.Abs(ce.Value-ce.Constraint.Limit) < math.Abs(v-ce.Constraint.Limit) {
			closest[i] = ce.Value
		}
	}
	if connected == 0 {
		return nil, fmt.Errorf("no architecture without a topology cut off by zero in %d draws; give the nonterminals that can derive zero other alternatives", tries)
	}
	worst := -1
	for i, n := range broken {
		if worst < 0 || n > broken[worst] || n == broken[worst] && i < worst {
			worst = i
		}
	}
	k := s.G.Constraints[worst]
	return nil, fmt.Errorf("%s:%d:%d: no architecture meets `constraint %s %s %s` in %d draws (closest: %s = %s); relax the constraint or change the grammar",
		s.G.Filename, k.Pos.Line, k.Pos.Col, k.String(), k.Op, formatMeasure(k.Limit), tries, k.String(), formatMeasure(closest[worst]))
}

// ConstraintTries bounds the draws Sample makes to meet the user's
// constraints before it reports the constraint it cannot meet.
const ConstraintTries = 1000

// connectedCall reports whether every topology call of c keeps a path
// from in to out.
func connectedCall(c *Call) bool {
	if c.Terminal.Kind != Topology {
		return true
	}
	zero := make([]bool, len(c.Args))
	for i, a := range c.Args {
		zero[i] = a.Terminal.Zero()
	}
	if !c.Terminal.Topo.connected(zero) {
		return false
	}
	for _, a := range c.Args {
		if !connectedCall(a) {
			return false
		}
	}
	return true
}

// derive derives r. With noZero set, the alternatives that are a zero
// primitive are left out (unless nothing else fits the budget): the
// topology around r would lose its last path from in to out.
func (s *Sampler) derive(r *Rule, budget int, shared map[*Rule]*Derivation, noZero bool) *Derivation {
	if d, ok := shared[r]; ok {
		if noZero {
			s.unsure = true // the shared derivation may be zero here
		}
		return d
	}
	if s.nodes++; s.nodes > s.MaxNodes {
		panic(errTooLarge{s.MaxNodes})
	}
	if r.table != nil {
		tb := r.table[0]
		if noZero {
			tb = r.table[1]
		}
		e := s.draw(tb)
		if e.unsure || noZero && e.d.info.zero {
			s.unsure = true
		}
		if s.nodes += int(e.d.info.nodes) - 1; s.nodes > s.MaxNodes {
			panic(errTooLarge{s.MaxNodes})
		}
		return e.d
	}
	if r.recursive {
		budget--
	}
	allowed := func(p *Production) bool {
		return p.needs <= budget && !(noZero && p.Sym.isZero())
	}
	var total float64
	var chosen *Production
	n := 0
	for _, p := range r.Alts {
		if allowed(p) {
			total += p.Weight
			chosen, n = p, n+1
		}
	}
	if total == 0 && noZero {
		s.unsure = true // only zero fits: the topology may be cut off
		noZero = false
		for _, p := range r.Alts {
			if allowed(p) {
				total += p.Weight
				chosen, n = p, n+1
			}
		}
	}
	if n > 1 {
		// (One allowed alternative needs no draw.)
		x := s.Rand.Float64() * total
		for _, p := range r.Alts {
			if !allowed(p) {
				continue
			}
			chosen = p
			if x < p.Weight {
				break
			}
			x -= p.Weight
		}
	}
	if noZero && chosen.Sym.Rule != nil {
		s.unsure = true // a chain to another rule may end in zero
	}
	d := s.newDerivation(chosen)
	if chosen.flat {
		s.deriveFlat(chosen.Sym, &d.Kids)
	} else {
		s.deriveSym(chosen.Sym, budget, shared, &d.Kids)
	}
	d.seal()
	if r.Shared {
		shared[r] = d
	}
	return d
}

// deriveSym derives the nonterminal occurrences of sym in preorder. The
// arguments of a topology are derived left to right, and a nonterminal
// argument may become zero only if the topology keeps a path from in to
// out without it and the arguments already zero (paper-spec §2.2).
func (s *Sampler) deriveSym(sym *Sym, budget int, shared map[*Rule]*Derivation, kids *[]*Derivation) {
	if sym.Rule != nil {
		*kids = append(*kids, s.derive(sym.Rule, budget, shared, false))
		return
	}
	if sym.Terminal == nil || sym.Terminal.Kind != Topology {
		return
	}
	if len(sym.Args) > 64 {
		zero := make([]bool, len(sym.Args))
		for i, a := range sym.Args {
			zero[i] = a.isZero()
		}
		for i, a := range sym.Args {
			if a.Rule == nil {
				s.deriveSym(a, budget, shared, kids)
				continue
			}
			zero[i] = true
			d := s.derive(a.Rule, budget, shared, !sym.Terminal.Topo.connected(zero))
			zero[i] = isZeroDeriv(d)
			*kids = append(*kids, d)
		}
		return
	}
	mask := sym.zeroArgs()
	n := len(sym.Args)
	for i, a := range sym.Args {
		if a.Rule == nil {
			s.deriveSym(a, budget, shared, kids)
			continue
		}
		noZero := !sym.Terminal.Topo.connectedMask(mask|1<<i, n)
		d := s.derive(a.Rule, budget, shared, noZero)
		if isZeroDeriv(d) {
			mask |= 1 << i
		}
		*kids = append(*kids, d)
	}
}

// deriveFlat is deriveSym for a production that is one topology call
// whose arguments are all tabulated nonterminals (Production.flat): each
// argument is one draw from its table, under the zero rule.
func (s *Sampler) deriveFlat(sym *Sym, kids *[]*Derivation) {
	b := sym.Terminal.Topo
	n := len(sym.Args)
	var mask uint64
	for i, a := range sym.Args {
		noZero := !b.connectedMask(mask|1<<i, n)
		tb := a.Rule.table[0]
		if noZero {
			tb = a.Rule.table[1]
		}
		e := s.draw(tb)
		f := &e.d.info
		if e.unsure || noZero && f.zero {
			s.unsure = true
		}
		if s.nodes += int(f.nodes); s.nodes > s.MaxNodes {
			panic(errTooLarge{s.MaxNodes})
		}
		if f.zero {
			mask |= 1 << i
		}
		*kids = append(*kids, e.d)
	}
}

// isZero reports whether the symbol is a zero primitive: one whose
// pipeline contains the operation zero.
func (s *Sym) isZero() bool { return s.Terminal != nil && s.Terminal.Zero() }

// Zero reports whether the terminal is a primitive that outputs zeros:
// its pipeline contains the operation zero.
func (t *Terminal) Zero() bool {
	if t.zero != 0 {
		return t.zero == 2
	}
	for _, op := range t.Ops {
		if op.Name == "zero" {
			return true
		}
	}
	return false
}

var connectedCache sync.Map // planKey -> bool

// connected reports whether out depends on in when the slots marked in
// zero output zeros. A binary slot passes on a path through either input.
func (b *TopoBody) connected(zero []bool) bool {
	if len(zero) > 64 {
		return b.connectedSlow(zero)
	}
	var mask uint64
	for i, z := range zero {
		if z {
			mask |= 1 << i
		}
	}
	return b.connectedMask(mask, len(zero))
}

// connectedMask is connected with the zero slots as a bit mask (n slots,
// at most 64).
func (b *TopoBody) connectedMask(mask uint64, n int) bool {
	if b.conn != nil && mask < uint64(len(b.conn)) {
		return b.conn[mask]
	}
	key := planKey{b, mask}
	if v, ok := connectedCache.Load(key); ok {
		return v.(bool)
	}
	zero := make([]bool, n)
	for i := range zero {
		zero[i] = mask&(1<<i) != 0
	}
	c := b.connectedSlow(zero)
	connectedCache.Store(key, c)
	return c
}

func (b *TopoBody) connectedSlow(zero []bool) bool {
	reach := map[string]bool{"in": true}
	var expr func(e *TopoExpr) bool
	expr = func(e *TopoExpr) bool {
		if e.Slot < 0 {
			return reach[e.Ref]
		}
		if e.Slot < len(zero) && zero[e.Slot] {
			return false
		}
		ok := false
		for _, a := range e.Args {
			if expr(a) {
				ok = true
			}
		}
		return ok
	}
	for _, n := range b.Nodes {
		r := false
		for _, e := range n.Sum {
			if expr(e) {
				r = true
			}
		}
		reach[n.Name] = r
	}
	return reach["out"]
}

// TermError says where a hand-written term leaves the search space.
type TermError struct {
	Col int // 1-based byte column in the term
	Msg string
}

func (e *TermError) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

// termNode is a parsed functional term before it is matched to the grammar.
type termNode struct {
	col  int
	name string
	args []*termNode
}

// ParseTerm reads a functional term such as `Sequential(conv, id, conv)` and
// finds its derivation from the start symbol. The error says where the
// term leaves the space.
func (g *Grammar) ParseTerm(text string) (*Derivation, error) {
	p := &termParser{src: text}
	n, err := p.parse()
	if err != nil {
		return nil, err
	}
	m := &matcher{shared: map[*Rule]*Derivation{}}
	d := m.rule(g.Start(), n, 0)
	if d == nil {
		if m.err == nil {
			m.err = &TermError{Col: n.col, Msg: fmt.Sprintf("%s cannot derive this term", g.Start().Name)}
		}
		return nil, m.err
	}
	if connectedDeriv(d) {
		return d, nil
	}
	if err := disconnected(d.Call(), n); err != nil {
		return nil, err
	}
	return d, nil
}

// disconnected finds a topology call of the term whose zero arguments cut
// every path from in to out: the sampler never makes one (paper-spec
// §2.2), so such a term is not in the space.
func disconnected(c *Call, n *termNode) error {
	if c.Terminal.Kind != Topology || n != nil && len(c.Args) != len(n.args) {
		return nil
	}
	col := 1
	if n != nil {
		col = n.col
	}
	zero := make([]bool, len(c.Args))
	for i, a := range c.Args {
		zero[i] = a.Terminal.Zero()
	}
	if !c.Terminal.Topo.connected(zero) {
		return &TermError{Col: col, Msg: fmt.Sprintf("%s has no path from in to out: its zero arguments cut them all", c.Terminal.Name)}
	}
	for i, a := range c.Args {
		var an *termNode
		if n != nil {
			an = n.args[i]
		}
		if err := disconnected(a, an); err != nil {
			return err
		}
	}
	return nil
}

type termParser struct {
	src   string
	i     int
	depth int
}

func (p *termParser) skip() {
	for p.i < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.i]) >= 0 {
		p.i++
	}
}

func (p *termParser) fail(msg string) error { return &TermError{Col: p.i + 1, Msg: msg} }

func (p *termParser) parse() (*termNode, error) {
	n, err := p.node()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.i != len(p.src) {
		return nil, p.fail(fmt.Sprintf("unexpected %q after the term", p.src[p.i:p.i+1]))
	}
	return n, nil
}

func (p *termParser) node() (*termNode, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 500 {
		return nil, p.fail("term nested too deeply")
	}
	p.skip()
	start := p.i
	for p.i < len(p.src) {
		ch := p.src[p.i]
		if ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || p.i > start && ch >= '0' && ch <= '9' {
			p.i++
			continue
		}
		break
	}
	if p.i == start {
		if p.i == len(p.src) {
			return nil, p.fail("expected a name, found the end of the term")
		}
		return nil, p.fail(fmt.Sprintf("expected a name, found %q", p.src[p.i:p.i+1]))
	}
	n := &termNode{col: start + 1, name: p.src[start:p.i]}
	p.skip()
	if p.i < len(p.src) && p.src[p.i] == '(' {
		p.i++
		n.args = []*termNode{}
		for {
			a, err := p.node()
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, a)
			p.skip()
			if p.i < len(p.src) && p.src[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.src) && p.src[p.i] == ')' {
				p.i++
				break
			}
			return nil, p.fail("expected ',' or ')'")
		}
	}
	return n, nil
}

// matcher finds a derivation of a term; err keeps the deepest failure.
type matcher struct {
	shared map[*Rule]*Derivation
	err    *TermError
	errAt  int
	steps  int
}

func (m *matcher) failf(n *termNode, depth int, format string, args ...any) {
	if m.err == nil || depth > m.errAt {
		m.err = &TermError{Col: n.col, Msg: fmt.Sprintf(format, args...)}
		m.errAt = depth
	}
}

func (m *matcher) rule(r *Rule, n *termNode, depth int) *Derivation {
	if d, ok := m.shared[r]; ok {
		if d.String() != termText(n) {
			m.failf(n, depth, "shared %s is %s elsewhere; every occurrence of a shared nonterminal is the same", r.Name, d.String())
			return nil
		}
		return d
	}
	m.steps++
	if m.steps > 1_000_000 || depth > 1000 {
		m.failf(n, depth, "term too large to match")
		return nil
	}
	var names []string
	for _, p := range r.Alts {
		names = append(names, p.Sym.Name)
		var kids []*Derivation
		var saved map[*Rule]*Derivation
		if len(m.shared) > 0 {
			saved = maps.Clone(m.shared)
		}
		if !m.sym(p.Sym, n, &kids, depth) {
			if saved != nil || len(m.shared) > 0 {
				m.shared = saved
				if m.shared == nil {
					m.shared = map[*Rule]*Derivation{}
				}
			}
		} else {
			d := &Derivation{Prod: p, Kids: kids}
			d.seal()
			if r.Shared {
				m.shared[r] = d
			}
			return r.interned(d)
		}
	}
	m.failf(n, depth, "%s is not an alternative of %s here (alternatives: %s)", n.name, r.Name, strings.Join(names, ", "))
	return nil
}

func (m *matcher) sym(s *Sym, n *termNode, kids *[]*Derivation, depth int) bool {
	if s.Rule != nil {
		d := m.rule(s.Rule, n, depth+1)
		if d == nil {
			return false
		}
		*kids = append(*kids, d)
		return true
	}
	if s.Terminal.Name != n.name {
		return false
	}
	if s.Terminal.Kind == Primitive {
		if n.args != nil {
			m.failf(n, depth+1, "primitive %s takes no arguments", n.name)
			return false
		}
		return true
	}
	if len(n.args) != len(s.Args) {
		m.failf(n, depth+1, "topology %s takes %d argument(s), got %d", n.name, len(s.Args), len(n.args))
		return false
	}
	mark := len(*kids)
	for i, a := range s.Args {
		if !m.sym(a, n.args[i], kids, depth+1) {
			*kids = (*kids)[:mark]
			return false
		}
	}
	return true
}

func termText(n *termNode) string {
	if n.args == nil {
		return n.name
	}
	parts := make([]string, len(n.args))
	for i, a := range n.args {
		parts[i] = termText(a)
	}
	return n.name + "(" + strings.Join(parts, ", ") + ")"
}
