package dsl

import "sync/atomic"

// What makes the derivation operators fast (issue 4): derivations are
// immutable once made, so facts about a subtree are computed once, when
// its node is made, and kept in the node; the small rules at the bottom of
// a grammar are tabulated, so that sampling one is a single draw from a
// table of shared, pre-made subtrees; and what the constraints measure is
// memoised per subtree and input shape, so that measuring a mutated or
// crossed-over child only walks the nodes that changed.

// dinfo holds facts about a derivation subtree, computed by seal.
type dinfo struct {
	sealed bool
	zero   bool // the subtree denotes a zero primitive
	conn   bool // every topology call in the subtree keeps a path from in to out
	// flat: every kid is a tabulated subtree, so measuring the node
	// again is a few memo lookups; its own measures are not memoised.
	// (The booleans come first and together: a Derivation is 96 bytes.)
	flat  bool
	depth int32 // depthUse: recursive-rule expansions on the longest path down
	nodes int32 // derivation nodes, a shared derivation counted at each use
	occ   int32 // swappable occurrences, a shared derivation counted at each use
	// h1, h2 hash the tree's structure (productions by rule and index):
	// equal trees hash equal (Key).
	h1, h2 uint64
	// rocc counts the swappable occurrences per rule (by Rule.idx); only
	// tabulated subtrees carry it.
	rocc *[]int32
}

// facts returns d's facts: the ones seal stored, or, for a node made
// outside this package and never sealed, computed afresh.
func (d *Derivation) facts() dinfo {
	if d.info.sealed {
		return d.info
	}
	return d.computeInfo()
}

// seal computes and stores d's facts. Every constructor of a derivation
// in this package calls it once the node's kids are in place; the node is
// not changed afterwards.
func (d *Derivation) seal() { d.info = d.computeInfo() }

func (d *Derivation) computeInfo() dinfo {
	in := dinfo{sealed: true, conn: true, nodes: 1, flat: true}
	in.h1 = hmix(uint64(d.Prod.Rule.idx)<<32 | uint64(uint32(d.Prod.Index)) ^ 0x6e617367)
	in.h2 = hmix(in.h1 ^ 0x9e3779b97f4a7c15)
	for _, k := range d.Kids {
		f := &k.info
		if !f.sealed {
			c := k.computeInfo()
			f = &c
		}
		in.flat = in.flat && f.rocc != nil
		in.h1 = hmix(in.h1*0xbf58476d1ce4e5b9 ^ f.h1)
		in.h2 = hmix(in.h2*0x94d049bb133111eb + f.h2)
		in.depth = max(in.depth, f.depth)
		in.nodes += f.nodes
		in.occ += f.occ
		in.conn = in.conn && f.conn
	}
	r := d.Prod.Rule
	if r.recursive {
		in.depth++
	}
	if len(r.Alts) > 1 {
		in.occ++
	}
	s := d.Prod.Sym
	if s.Rule != nil {
		in.zero = len(d.Kids) > 0 && isZeroDeriv(d.Kids[0])
	} else {
		in.zero = s.isZero()
	}
	if in.conn {
		in.conn = symConnected(d, s, new(int))
	}
	return in
}

// hmix is the finaliser of SplitMix64: a bijection that spreads every
// input bit over the output.
func hmix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// Key is a 16-byte key of the derivation tree, made from a 128-bit hash
// of its structure computed when the tree was made: equal trees have
// equal keys, and different trees different keys but with a chance of
// about 2^-128 per pair. It is cheap (no walk) and meant for maps of
// architectures held in memory; it is not stable across changes to the
// grammar. The term (String) and the id (ID) are the durable names.
func (d *Derivation) Key() string {
	f := d.facts()
	var b [16]byte
	for i := range 8 {
		b[i] = byte(f.h1 >> (8 * i))
		b[8+i] = byte(f.h2 >> (8 * i))
	}
	return string(b[:])
}

// tentry is one pre-made derivation of a tabulated rule: cum is the
// cumulative probability of the table up to and including it, unsure says
// that the sampler's lookahead could not promise a connected topology
// around it (see Sampler.derive).
type tentry struct {
	d      *Derivation
	p, cum float64
	unsure bool
	// Walker's alias method: a uniform slot i keeps itself with
	// probability q, else gives alias.
	q     float64
	alias int32
}

// interned returns the table's node of the sealed derivation d of r when
// r is tabulated, else d: parsed trees then share their tabulated parts
// (a cell's operations) as sampled trees do, and with them those parts'
// memos, and a run's trials take a fraction of the memory.
func (r *Rule) interned(d *Derivation) *Derivation {
	if t, ok := r.tabled[[2]uint64{d.info.h1, d.info.h2}]; ok {
		return t
	}
	return d
}

// maxTable bounds the derivations tabulated per rule.
const maxTable = 4096

// tabulate makes the tables of the grammar's closed rules: rules that are
// neither recursive nor shared and whose productions reach only such rules
// (and topologies of at most 64 slots). table[0] is the distribution of
// Sampler.derive on the rule, table[1] the one with zero alternatives left
// out. A rule with more than maxTable derivations is not tabulated.
func (g *Grammar) tabulate() {
	closed := map[*Rule]bool{}
	var isClosed func(r *Rule) bool
	isClosed = func(r *Rule) bool {
		if c, ok := closed[r]; ok {
			return c
		}
		closed[r] = false // a cycle is not closed
		ok := !r.recursive && !r.Shared
		for _, p := range r.Alts {
			if !ok {
				break
			}
			ok = p.needs == 0 && symClosed(p.Sym, isClosed)
		}
		closed[r] = ok
		return ok
	}
	t := &tabler{tables: map[*Rule]*[2][]tentry{}, nrules: len(g.Rules)}
	for _, r := range g.Rules {
		r.table, r.tabled = nil, nil
		if isClosed(r) {
			r.table = t.rule(r)
		}
		if r.table != nil {
			r.tabled = map[[2]uint64]*Derivation{}
			for _, tb := range r.table {
				for _, e := range tb {
					f := e.d.facts()
					r.tabled[[2]uint64{f.h1, f.h2}] = e.d
				}
			}
		}
	}
	for _, r := range g.Rules {
		for _, p := range r.Alts {
			p.flat = flatSym(p.Sym)
		}
	}
}

// flatSym reports whether s is a topology call of at most 64 slots whose
// arguments are all tabulated nonterminals without zero primitives among
// them as written.
func flatSym(s *Sym) bool {
	if s.Terminal == nil || s.Terminal.Kind != Topology || len(s.Args) == 0 || len(s.Args) > 64 {
		return false
	}
	for _, a := range s.Args {
		if a.Rule == nil || a.Rule.table == nil {
			return false
		}
	}
	return true
}

func symClosed(s *Sym, isClosed func(*Rule) bool) bool {
	if s.Rule != nil {
		return isClosed(s.Rule)
	}
	if len(s.Args) > 64 {
		return false
	}
	for _, a := range s.Args {
		if !symClosed(a, isClosed) {
			return false
		}
	}
	return true
}

type tabler struct {
	tables map[*Rule]*[2][]tentry // nil value: too large
	nrules int
}

// errTableFull stops the enumeration of a rule past maxTable derivations.
type errTableFull struct{}

func (t *tabler) rule(r *Rule) (out *[2][]tentry) {
	if tb, ok := t.tables[r]; ok {
		return tb
	}
	t.tables[r] = nil
	defer func() {
		if e := recover(); e != nil {
			if _, full := e.(errTableFull); !full {
				panic(e)
			}
			out = nil
		}
		t.tables[r] = out
	}()
	var tb [2][]tentry
	for mode := range 2 {
		tb[mode] = t.enumerate(r, mode == 1)
		cum := 0.0
		for i := range tb[mode] {
			cum += tb[mode][i].p
			tb[mode][i].cum = cum
		}
		makeAlias(tb[mode])
	}
	return &tb
}

// makeAlias sets the alias tables of tb (Vose's construction), for draws
// in constant time.
func makeAlias(tb []tentry) {
	n := len(tb)
	total := 0.0
	for _, e := range tb {
		total += e.p
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, e := range tb {
		scaled[i] = e.p / total * float64(n)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		tb[s].q, tb[s].alias = scaled[s], int32(l)
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left has probability 1 up to rounding.
	for _, i := range large {
		tb[i].q, tb[i].alias = 1, int32(i)
	}
	for _, i := range small {
		tb[i].q, tb[i].alias = 1, int32(i)
	}
}

// get is the table of r for the mode, panicking with errTableFull when r
// is too large to tabulate.
func (t *tabler) get(r *Rule, noZero bool) []tentry {
	tb := t.rule(r)
	if tb == nil {
		panic(errTableFull{})
	}
	if noZero {
		return tb[1]
	}
	return tb[0]
}

type partial struct {
	kids   []*Derivation
	p      float64
	unsure bool
}

func (pt partial) with(e tentry) partial {
	return partial{kids: append(pt.kids[:len(pt.kids):len(pt.kids)], e.d), p: pt.p * e.p, unsure: pt.unsure || e.unsure}
}

// enumerate lists the derivations of r with the probability that
// Sampler.derive draws each (the same choices, made in the same order).
func (t *tabler) enumerate(r *Rule, noZero bool) []tentry {
	allowed := func(p *Production) bool { return !(noZero && p.Sym.isZero()) }
	var total float64
	for _, p := range r.Alts {
		if allowed(p) {
			total += p.Weight
		}
	}
	unsure := false
	if total == 0 && noZero {
		unsure, noZero = true, false
		for _, p := range r.Alts {
			total += p.Weight
		}
	}
	var out []tentry
	for _, p := range r.Alts {
		if !allowed(p) || p.Weight <= 0 {
			continue
		}
		start := partial{p: p.Weight / total, unsure: unsure || noZero && p.Sym.Rule != nil}
		t.sym(p.Sym, start, func(pt partial) {
			if len(out) >= maxTable {
				panic(errTableFull{})
			}
			d := &Derivation{Prod: p, Kids: pt.kids}
			d.seal()
			rocc := make([]int32, t.nrules)
			for _, k := range d.Kids {
				for i, c := range *k.info.rocc {
					rocc[i] += c
				}
			}
			if len(r.Alts) > 1 {
				rocc[r.idx]++
			}
			d.info.rocc = &rocc
			out = append(out, tentry{d: d, p: pt.p, unsure: pt.unsure})
		})
	}
	return out
}

// sym enumerates the kids of the nonterminal occurrences of s in preorder,
// as Sampler.deriveSym draws them, calling k for each complete choice.
func (t *tabler) sym(s *Sym, pt partial, k func(partial)) {
	if s.Rule != nil {
		for _, e := range t.get(s.Rule, false) {
			k(pt.with(e))
		}
		return
	}
	if s.Terminal == nil || s.Terminal.Kind != Topology {
		k(pt)
		return
	}
	mask := s.zeroArgs()
	n := len(s.Args)
	var arg func(i int, mask uint64, pt partial)
	arg = func(i int, mask uint64, pt partial) {
		if i == n {
			k(pt)
			return
		}
		a := s.Args[i]
		if a.Rule == nil {
			t.sym(a, pt, func(p2 partial) { arg(i+1, mask, p2) })
			return
		}
		nz := !s.Terminal.Topo.connectedMask(mask|1<<i, n)
		for _, e := range t.get(a.Rule, nz) {
			m := mask
			if e.d.info.zero {
				m |= 1 << i
			}
			arg(i+1, m, pt.with(e))
		}
	}
	arg(0, mask, pt)
}

// zeroArgs is the mask of the arguments of a topology symbol (at most 64)
// that are zero primitives.
func (s *Sym) zeroArgs() uint64 {
	var mask uint64
	for i, a := range s.Args {
		if a.isZero() {
			mask |= 1 << i
		}
	}
	return mask
}

// draw picks an entry of a table with one uniform draw (the alias
// method: the draw's integer part picks a slot, its fraction the slot or
// its alias).
func (s *Sampler) draw(tb []tentry) tentry {
	u := s.Rand.Float64() * float64(len(tb))
	i := min(int(u), len(tb)-1)
	if u-float64(i) >= tb[i].q {
		i = int(tb[i].alias)
	}
	return tb[i]
}

// measured is what the constraint walk found for a subtree on one input
// shape: its output, the depth it adds, and the parameters, FLOPs and
// counted terminals inside it. A node's memo is a short list of them, one
// per input shape, prepended behind an atomic pointer: a tabulated subtree
// is shared by many architectures and sees a few input shapes.
type measured struct {
	in, out       Shape
	live          bool
	depth         int32
	params, flops int64
	count         [maxCounted]int32
	next          *measured
	n             int // entries in the list from this one on
}

// maxCounted bounds the count(T) constraints whose counts are memoised.
const maxCounted = 4

const maxMemo = 8

func (d *Derivation) lookupMeasure(in Shape) *measured {
	for p := d.memo.Load(); p != nil; p = p.next {
		if p.in == in {
			return p
		}
	}
	return nil
}

func (d *Derivation) storeMeasure(m *measured) {
	old := d.memo.Load()
	if old != nil && old.n >= maxMemo {
		return
	}
	m.next, m.n = old, 1
	if old != nil {
		m.n = old.n + 1
	}
	d.memo.CompareAndSwap(old, m)
}

// derivMemo is the memo's type in Derivation.
type derivMemo = atomic.Pointer[measured]

// rcountMemo is Derivation's slot for its counts of occurrences per rule
// (ruleCounts).
type rcountMemo = atomic.Pointer[[]int32]
