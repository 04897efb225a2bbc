package dsl

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Size is the exact size of a search space, counted with big integers.
type Size struct {
	// Distinct is the number of distinct architectures the sampler can
	// derive: identical alternatives of a rule count once, and every
	// topology keeps a path from in to out (the zero rule, paper-spec
	// §2.2).
	Distinct *big.Int
	// Weighted counts an alternative of weight w (a whole number) w times,
	// as the paper counted duplicated productions (paper-spec §3.4). Nil
	// when a weight is not a whole number.
	Weighted *big.Int
	// Unconstrained is Distinct without the zero rule: every derivation,
	// including those whose zero arguments cut a topology off.
	Unconstrained *big.Int
	// MaxDepth is the depth budget the count was made with; it matters
	// only for recursive grammars.
	MaxDepth int
}

// Log10 returns log10(x) for a positive big integer (0 for x <= 0).
func Log10(x *big.Int) float64 {
	if x == nil || x.Sign() <= 0 {
		return 0
	}
	f := new(big.Float).SetInt(x)
	mant := new(big.Float)
	exp := f.MantExp(mant) // x = mant * 2^exp, 0.5 <= mant < 1
	m, _ := mant.Float64()
	return math.Log10(m) + float64(exp)*math.Log10(2)
}

// FormatCount renders a count exactly when it is short and as a power of
// ten otherwise, e.g. "15,284" or "~10^375.80 (376 digits)".
func FormatCount(x *big.Int) string {
	if x == nil {
		return "n/a"
	}
	s := x.String()
	if len(s) <= 18 {
		return groupDigits(s)
	}
	return fmt.Sprintf("~10^%.2f (%d digits)", Log10(x), len(s))
}

func groupDigits(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Count returns the exact size of the space the sampler derives from with
// depth budget maxDepth (the grammar's max_depth when maxDepth <= 0).
//
// Counting works on the zero status of each derivation: a topology's
// arguments are combined over the patterns of zero arguments that keep a
// path from in to out. A shared nonterminal is derived once per
// architecture: the count multiplies the macro structure, with the shared
// nonterminal as one choice, by the shared nonterminal's own count, split
// by whether it derives zero. User constraints (params, flops, ...) are not
// counted: the sizes are upper bounds when the file has constraints.
func (g *Grammar) Count(maxDepth int) Size {
	if maxDepth <= 0 {
		maxDepth = g.Search.MaxDepth
	}
	sz := Size{MaxDepth: maxDepth}
	sz.Distinct = newCounter(g, maxDepth, countDistinct).total()
	sz.Unconstrained = newCounter(g, maxDepth, countUnconstrained).total()
	whole := true
	for _, r := range g.Rules {
		for _, p := range r.Alts {
			if p.Weight != math.Trunc(p.Weight) || p.Weight < 0 {
				whole = false
			}
		}
	}
	if whole {
		sz.Weighted = newCounter(g, maxDepth, countWeighted).total()
	}
	return sz
}

type countMode int

const (
	countDistinct countMode = iota
	countWeighted
	countUnconstrained
)

// zn is a count split by zero status: derivations that are a zero
// primitive and those that are not.
type zn struct{ z, n *big.Int }

func (a zn) add(b zn) zn {
	return zn{new(big.Int).Add(a.z, b.z), new(big.Int).Add(a.n, b.n)}
}

func (a zn) scale(k *big.Int) zn {
	return zn{new(big.Int).Mul(a.z, k), new(big.Int).Mul(a.n, k)}
}

func (a zn) sum() *big.Int { return new(big.Int).Add(a.z, a.n) }

var (
	bigZero = big.NewInt(0)
	bigOne  = big.NewInt(1)
)

type counter struct {
	g        *Grammar
	maxDepth int
	mode     countMode
	shared   []*Rule        // shared rules, in source order
	status   map[*Rule]bool // the zero status assumed for each shared rule
	memo     map[countKey]zn
}

type countKey struct {
	r      *Rule
	budget int
	status uint64
}

func newCounter(g *Grammar, maxDepth int, mode countMode) *counter {
	c := &counter{g: g, maxDepth: maxDepth, mode: mode, status: map[*Rule]bool{}, memo: map[countKey]zn{}}
	for _, r := range g.Rules {
		if r.Shared {
			c.shared = append(c.shared, r)
		}
	}
	return c
}

// total sums the start symbol's count over every zero status of the
// shared rules (at most 2^k for k shared rules; rules beyond 16 are
// assumed not zero).
func (c *counter) total() *big.Int {
	sum := new(big.Int)
	k := min(len(c.shared), 16)
	for mask := uint64(0); mask < 1<<k; mask++ {
		clear(c.status)
		for i, r := range c.shared {
			c.status[r] = i < k && mask&(1<<i) != 0
		}
		prod := new(big.Int).Set(bigOne)
		for _, r := range c.shared {
			own := c.ruleOwn(r, c.maxDepth)
			if c.status[r] {
				prod.Mul(prod, own.z)
			} else {
				prod.Mul(prod, own.n)
			}
			if prod.Sign() == 0 {
				break
			}
		}
		if prod.Sign() == 0 {
			continue
		}
		start := c.rule(c.g.Start(), c.maxDepth)
		sum.Add(sum, prod.Mul(prod, start.sum()))
	}
	return sum
}

func (c *counter) statusKey() uint64 {
	var k uint64
	for i, r := range c.shared {
		if i < 64 && c.status[r] {
			k |= 1 << i
		}
	}
	return k
}

// rule counts r at an occurrence: a shared rule is one choice there, of
// the assumed zero status.
func (c *counter) rule(r *Rule, budget int) zn {
	if r.Shared {
		if c.status[r] {
			return zn{bigOne, bigZero}
		}
		return zn{bigZero, bigOne}
	}
	return c.ruleOwn(r, budget)
}

// ruleOwn counts the derivations of r itself with the given budget.
func (c *counter) ruleOwn(r *Rule, budget int) zn {
	key := countKey{r, budget, c.statusKey()}
	if v, ok := c.memo[key]; ok {
		return v
	}
	if r.recursive {
		budget--
	}
	total := zn{bigZero, bigZero}
	seen := map[string]bool{}
	for _, p := range r.Alts {
		if p.needs > budget {
			continue
		}
		mult := bigOne
		switch c.mode {
		case countWeighted:
			mult = big.NewInt(int64(p.Weight))
		default:
			text := symString(p.Sym)
			if seen[text] {
				continue
			}
			seen[text] = true
		}
		total = total.add(c.sym(p.Sym, budget).scale(mult))
	}
	c.memo[key] = total
	return total
}

// sym counts the derivations of one production's symbol.
func (c *counter) sym(s *Sym, budget int) zn {
	if s.Rule != nil {
		return c.rule(s.Rule, budget)
	}
	if s.Terminal == nil {
		return zn{bigZero, bigZero}
	}
	if s.Terminal.Kind != Topology {
		if s.Terminal.Zero() {
			return zn{bigOne, bigZero}
		}
		return zn{bigZero, bigOne}
	}
	args := make([]zn, len(s.Args))
	for i, a := range s.Args {
		args[i] = c.sym(a, budget)
	}
	if c.mode == countUnconstrained {
		prod := new(big.Int).Set(bigOne)
		for _, a := range args {
			prod.Mul(prod, a.sum())
		}
		return zn{bigZero, prod}
	}
	// Sum over the zero patterns that keep the topology connected.
	total := new(big.Int)
	n := len(args)
	if n > 20 {
		// Too many patterns to enumerate: count the patterns without zero
		// arguments only (a lower bound, never reached by the paper's
		// spaces).
		prod := new(big.Int).Set(bigOne)
		for _, a := range args {
			prod.Mul(prod, a.n)
		}
		return zn{bigZero, prod}
	}
	zero := make([]bool, n)
	term := new(big.Int)
patterns:
	for mask := 0; mask < 1<<n; mask++ {
		for i := range n {
			zero[i] = mask&(1<<i) != 0
			if zero[i] && args[i].z.Sign() == 0 || !zero[i] && args[i].n.Sign() == 0 {
				continue patterns
			}
		}
		if !s.Terminal.Topo.connected(zero) {
			continue
		}
		term.Set(bigOne)
		for i := range n {
			if zero[i] {
				term.Mul(term, args[i].z)
			} else {
				term.Mul(term, args[i].n)
			}
		}
		total.Add(total, term)
	}
	return zn{bigZero, total}
}
