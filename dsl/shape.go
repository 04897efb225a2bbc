package dsl

import (
	"fmt"
	"strings"
)

// The tensor-arity and shape passes of the checker. They run after names,
// arities and termination are known to be right.

// inputs checks tensor arity: every rule derives functions of one tensor
// arity, and every argument of a topology call has the arity of the slot
// it fills (a binary slot takes a binary primitive such as add).
func (c *checker) inputs() {
	state := map[*Rule]int{} // 0 new, 1 visiting, 2 done
	arity := map[*Rule]int{}
	var symInputs func(s *Sym) int
	var ruleInputs func(r *Rule) int
	ruleInputs = func(r *Rule) int {
		switch state[r] {
		case 1:
			return 0 // on a cycle: decided by the other alternatives
		case 2:
			return arity[r]
		}
		state[r] = 1
		first, firstName := 0, ""
		for _, p := range r.Alts {
			a := symInputs(p.Sym)
			if a == 0 {
				continue
			}
			if first == 0 {
				first, firstName = a, p.Sym.Name
				continue
			}
			if a != first {
				c.errorf(p.Pos, "put the binary functions in a rule of their own and pass it to a binary slot",
					"nonterminal %s mixes functions of %s (%s) and of %s (%s)", r.Name, tensors(first), firstName, tensors(a), p.Sym.Name)
				break
			}
		}
		state[r], arity[r] = 2, first
		return first
	}
	symInputs = func(s *Sym) int {
		if s.Rule != nil {
			return ruleInputs(s.Rule)
		}
		if s.Terminal != nil {
			return s.Terminal.Inputs()
		}
		return 0
	}
	var walk func(s *Sym)
	walk = func(s *Sym) {
		if s.Terminal != nil && s.Terminal.Kind == Topology {
			body := s.Terminal.Topo
			for i, a := range s.Args {
				if i >= len(body.SlotInputs) {
					break
				}
				if have, need := symInputs(a), body.SlotInputs[i]; have != 0 && have != need {
					c.errorf(a.Pos, map[int]string{1: "pass a function of one tensor, such as a primitive of unary operations or a topology", 2: "pass a binary primitive such as `primitive add = add`, or a nonterminal of them"}[need],
						"%s is a function of %s, but slot %s of %s applies it to %s", a.Name, tensors(have), body.Params[i], s.Name, tensors(need))
				}
			}
		}
		for _, a := range s.Args {
			walk(a)
		}
	}
	for _, r := range c.g.Rules {
		ruleInputs(r)
		for _, p := range r.Alts {
			walk(p.Sym)
		}
	}
	if start := c.g.Start(); arity[start] == 2 {
		c.errorf(start.Pos, "the start symbol must derive a network of one input; use the binary functions inside a topology's binary slot", "start symbol %s derives functions of two tensors", start.Name)
	}
}

func tensors(n int) string {
	if n == 1 {
		return "one tensor"
	}
	return fmt.Sprintf("%d tensors", n)
}

// shapeOut is one shape a symbol can produce, with the path that changes
// the shape (empty when the output shape equals the input shape).
type shapeOut struct {
	S   Shape
	Why string
}

type shapeSet []shapeOut

// shapeError is a shape error waiting for the shortest path to it.
type shapeError struct {
	pos       Pos
	stack     []string
	msg, hint string
}

type shapeKey struct {
	r      *Rule
	in     Shape
	budget int
}

// Limits of the shape pass: distinct shapes per symbol and input, work,
// and nesting. A grammar past them gets a warning that its shapes are not
// proven, never a wrong error.
const (
	maxShapes     = 16
	maxShapeSteps = 200_000
	maxShapeDepth = 400
	// maxShapeBudget bounds the depth budget the shape pass follows: a
	// recursive grammar is followed through 48 nested expansions of its
	// recursive rules even when max_depth allows more.
	maxShapeBudget = 48
)

type shaper struct {
	c        *checker
	memo     map[shapeKey]shapeSet
	reported map[string]*shapeError
	steps    int
	depth    int
	gaveUp   bool
}

// shapes proves that every node of every topology merges inputs of one
// shape, in every derivation the sampler can make: it follows the input
// shape (after the stem) through every production within the depth budget.
func (c *checker) shapes() {
	in := c.g.Input
	for _, op := range c.g.Stem {
		in = op.OutShape(in, c.g.Classes)
	}
	s := &shaper{c: c, memo: map[shapeKey]shapeSet{}, reported: map[string]*shapeError{}}
	start := c.g.Start()
	budget := max(min(c.g.Search.MaxDepth, maxShapeBudget), start.minBudget)
	s.rule(start, in, budget, nil)
	for _, key := range sortedKeys(s.reported) {
		e := s.reported[key]
		c.errorf(e.pos, e.hint, "%s", e.msg)
	}
	if s.gaveUp {
		c.warnf(start.Pos, "simplify the grammar or lower max_depth to have its shapes checked",
			"the grammar is too large for the shape check; shapes are not proven for every derivation")
	}
}

func (ss shapeSet) add(s *shaper, o shapeOut) shapeSet {
	for i, x := range ss {
		if x.S == o.S {
			if len(o.Why) < len(x.Why) {
				ss[i].Why = o.Why // the shortest explanation
			}
			return ss
		}
	}
	if len(ss) >= maxShapes {
		s.gaveUp = true
		return ss
	}
	return append(ss, o)
}

func (s *shaper) rule(r *Rule, in Shape, budget int, stack []string) shapeSet {
	key := shapeKey{r, in, budget}
	if out, ok := s.memo[key]; ok {
		return out
	}
	if s.steps++; s.steps > maxShapeSteps || s.depth > maxShapeDepth {
		s.gaveUp = true
		return nil // unknown: merges skip it, so no error is invented
	}
	s.depth++
	defer func() { s.depth-- }()
	if r.recursive {
		budget--
	}
	stack = append(stack[:len(stack):len(stack)], r.Name)
	var out shapeSet
	for _, p := range r.Alts {
		if p.need() > budget {
			continue
		}
		for _, o := range s.sym(p.Sym, in, budget, stack) {
			if o.S != in {
				o.Why = joinWhy(r.Name, o.Why, " -> ")
			} else {
				o.Why = ""
			}
			out = out.add(s, o)
		}
	}
	s.memo[key] = out // empty when every alternative has a shape error
	return out
}

func joinWhy(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

func (s *shaper) sym(sym *Sym, in Shape, budget int, stack []string) shapeSet {
	switch {
	case sym.Rule != nil:
		return s.rule(sym.Rule, in, budget, stack)
	case sym.Terminal == nil:
		return shapeSet{{S: in}}
	case sym.Terminal.Kind == Primitive:
		out := in
		for _, op := range sym.Terminal.Ops {
			out = op.OutShape(out, s.c.g.Classes)
		}
		if out == in {
			return shapeSet{{S: out}}
		}
		return shapeSet{{S: out, Why: sym.Name}}
	}
	return s.topology(sym, in, budget, stack)
}

// topology follows the shapes through one topology call and reports the
// nodes whose terms can differ in shape.
func (s *shaper) topology(sym *Sym, in Shape, budget int, stack []string) shapeSet {
	body := sym.Terminal.Topo
	env := map[string]shapeSet{"in": {{S: in}}}
	failed := false
	var expr func(e *TopoExpr) shapeSet
	expr = func(e *TopoExpr) shapeSet {
		if e.Slot < 0 {
			if v, ok := env[e.Ref]; ok {
				return v
			}
			return shapeSet{{S: in}}
		}
		if e.Slot >= len(sym.Args) || len(e.Args) == 0 {
			return shapeSet{{S: in}}
		}
		x := expr(e.Args[0])
		if len(e.Args) == 2 {
			y := expr(e.Args[1])
			if !s.merge(sym, fmt.Sprintf("binary slot %s", body.Params[e.Slot]), in, stack,
				[]string{exprText(e.Args[0], body, sym), exprText(e.Args[1], body, sym)}, []shapeSet{x, y}) {
				failed = true
			}
		}
		var out shapeSet
		for _, i := range x {
			for _, o := range s.sym(sym.Args[e.Slot], i.S, budget, stack) {
				o.Why = joinWhy(i.Why, o.Why, ", then ")
				out = out.add(s, o)
			}
		}
		return out
	}
	for _, n := range body.Nodes {
		sets := make([]shapeSet, len(n.Sum))
		texts := make([]string, len(n.Sum))
		for i, e := range n.Sum {
			sets[i] = expr(e)
			texts[i] = exprText(e, body, sym)
		}
		if failed || !s.merge(sym, "node "+n.Name, in, stack, texts, sets) {
			// Reported once; the call has no shape, so that nothing
			// downstream reports the same mistake again.
			return nil
		}
		if len(sets) > 0 {
			env[n.Name] = sets[0]
		}
	}
	var out shapeSet
	for _, o := range env["out"] {
		if o.S == in {
			o.Why = ""
		}
		out = out.add(s, o)
	}
	return out
}

// merge reports the first two terms (or two derivations of one term) that
// give a sum different shapes, and says whether there were none. A node
// of one term merges nothing: it may pass on different shapes in
// different derivations, which matters only where they meet.
func (s *shaper) merge(sym *Sym, what string, in Shape, stack []string, texts []string, sets []shapeSet) bool {
	if len(sets) < 2 {
		return true
	}
	type entry struct {
		term int
		o    shapeOut
	}
	var first *entry
	for i, set := range sets {
		for _, o := range set {
			if first == nil {
				first = &entry{i, o}
				continue
			}
			if o.S == first.o.S {
				continue
			}
			// One error per call and node: the one reached by the
			// shortest path from the start symbol.
			key := fmt.Sprintf("%v %s", sym.Pos, what)
			if prev, ok := s.reported[key]; ok && len(prev.stack) <= len(stack) {
				return false
			}
			a, b := first, &entry{i, o}
			// Name the changed path first.
			if a.o.Why == "" && b.o.Why != "" {
				a, b = b, a
			}
			verb, prep := "adds", "to"
			if strings.HasPrefix(what, "binary") {
				verb, prep = "combines", "with"
			}
			var msg string
			if a.term == b.term {
				msg = fmt.Sprintf("%s %s %s %s, but %s is %s in some derivations and %s in others", sym.Name, what, verb, strings.Join(texts, " and "), texts[a.term], describe(in, a.o), describe(in, b.o))
			} else {
				msg = fmt.Sprintf("%s %s %s %s %s %s %s %s", sym.Name, what, verb, texts[a.term], describe(in, a.o), prep, texts[b.term], describe(in, b.o))
			}
			hint := "the terms of a sum need one shape in every derivation: downsample (or change channels) on every path into the node or on none"
			s.reported[key] = &shapeError{pos: sym.Pos, stack: stack, msg: msg,
				hint: fmt.Sprintf("%s (%s is reached from the start symbol by %s, with input %v)", hint, sym.Name, strings.Join(stack, " -> "), in)}
			return false
		}
	}
	return true
}

// describe says how out differs from in: `(downsampled x2, channels 16 ->
// 32, via DOWN -> resBlock)`.
func describe(in Shape, o shapeOut) string {
	var parts []string
	switch {
	case o.S.H == in.H && o.S.W == in.W:
		parts = append(parts, "not downsampled")
	case o.S.H < in.H && o.S.H > 0 && (in.H+o.S.H-1)/o.S.H > 1:
		parts = append(parts, fmt.Sprintf("downsampled x%d", (in.H+o.S.H-1)/o.S.H))
	default:
		parts = append(parts, fmt.Sprintf("height and width %dx%d", o.S.H, o.S.W))
	}
	if o.S.C != in.C {
		parts = append(parts, fmt.Sprintf("channels %d -> %d", in.C, o.S.C))
	}
	if o.Why != "" {
		parts = append(parts, "via "+o.Why)
	}
	return fmt.Sprintf("(%s: %s)", o.S, strings.Join(parts, ", "))
}

// exprText writes a topology expression with its slots' arguments:
// `c(in) = DOWN`.
func exprText(e *TopoExpr, body *TopoBody, sym *Sym) string {
	text := topoExprString(e, body)
	if e.Slot >= 0 && e.Slot < len(sym.Args) {
		text += " = " + symString(sym.Args[e.Slot])
	}
	return text
}

func topoExprString(e *TopoExpr, body *TopoBody) string {
	if e.Slot < 0 {
		return e.Ref
	}
	name := "?"
	if e.Slot < len(body.Params) {
		name = body.Params[e.Slot]
	}
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = topoExprString(a, body)
	}
	return name + "(" + strings.Join(args, ", ") + ")"
}

func symString(s *Sym) string {
	if len(s.Args) == 0 {
		return s.Name
	}
	args := make([]string, len(s.Args))
	for i, a := range s.Args {
		args[i] = symString(a)
	}
	return s.Name + "(" + strings.Join(args, ", ") + ")"
}

// zeros checks connectivity: no topology call of a production may have
// only zero primitives (or nonterminals that derive nothing else) on
// every path from in to out. Where a nonterminal can derive zero and
// something else, the sampler chooses so that the path stays.
func (c *checker) zeros() {
	always := map[*Rule]bool{}
	state := map[*Rule]int{}
	var ruleZero func(r *Rule) bool
	ruleZero = func(r *Rule) bool {
		if state[r] != 0 {
			return always[r] // on a cycle: not (yet) known to be zero
		}
		state[r] = 1
		z := len(r.Alts) > 0
		for _, p := range r.Alts {
			if p.Sym.Rule != nil {
				if !ruleZero(p.Sym.Rule) {
					z = false
				}
			} else if !p.Sym.isZero() {
				z = false
			}
		}
		always[r] = z
		state[r] = 2
		return z
	}
	symZero := func(s *Sym) bool {
		if s.Rule != nil {
			return ruleZero(s.Rule)
		}
		return s.isZero()
	}
	var walk func(s *Sym)
	walk = func(s *Sym) {
		if s.Terminal != nil && s.Terminal.Kind == Topology {
			zero := make([]bool, len(s.Args))
			var names []string
			for i, a := range s.Args {
				if zero[i] = symZero(a); zero[i] && i < len(s.Terminal.Topo.Params) {
					names = append(names, s.Terminal.Topo.Params[i])
				}
			}
			if len(names) > 0 && !s.Terminal.Topo.connected(zero) {
				c.errorf(s.Pos, "pass an operation that is not zero to at least one slot on a path from in to out",
					"%s never connects its input to its output: slot(s) %s always get zero", symString(s), strings.Join(names, ", "))
			}
		}
		for _, a := range s.Args {
			walk(a)
		}
	}
	for _, r := range c.g.Rules {
		for _, p := range r.Alts {
			walk(p.Sym)
		}
	}
}
