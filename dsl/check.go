package dsl

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Check reads a parsed file and builds its Grammar. It reports every
// problem it finds at once, sorted by position; the Grammar is nil when
// there are errors. Check never changes the File.
func Check(f *File, src []byte) (*Grammar, Diagnostics) {
	c := &checker{
		diagList: diagList{filename: f.Filename},
		g: &Grammar{
			Filename:  f.Filename,
			Source:    src,
			Terminals: map[string]*Terminal{},
			rules:     map[string]*Rule{},
			Train:     DefaultTrain,
			Search:    DefaultSearch,
		},
		declared: map[string]Pos{},
		used:     map[string]bool{},
	}
	c.check(f)
	c.ds.Sort()
	if c.ds.HasErrors() {
		return nil, c.ds
	}
	c.g.prepare()
	return c.g, c.ds
}

// ParseAndCheck parses and checks a file in one call.
func ParseAndCheck(filename string, src []byte) (*Grammar, Diagnostics) {
	f, ds := Parse(filename, src)
	if ds.HasErrors() || f == nil {
		ds.Sort()
		return nil, ds
	}
	g, cds := Check(f, src)
	return g, append(ds, cds...)
}

type checker struct {
	diagList
	g        *Grammar
	declared map[string]Pos // every terminal and nonterminal name
	used     map[string]bool
}

func (c *checker) check(f *File) {
	var (
		space                  *SpaceDecl
		input, output          *IODecl
		stem, head             *PipelineDecl
		rules                  []*RuleDecl
		shared                 []*SharedDecl
		constraints            []*ConstraintDecl
		trainBlock, searchBlok *BlockDecl
	)
	once := func(what string, prev Pos, pos Pos) bool {
		if prev.IsValid() {
			c.errorf(pos, fmt.Sprintf("keep one and delete the other (the first is at %s)", prev), "%s is declared twice", what)
			return false
		}
		return true
	}
	posOf := func(d Decl) Pos {
		if d == nil {
			return Pos{}
		}
		return d.Position()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *SpaceDecl:
			if space == nil || once("space", posOf(space), d.Pos) {
				space = d
			}
		case *IODecl:
			if d.Kind == "input" {
				if input == nil || once("input", posOf(input), d.Pos) {
					input = d
				}
			} else {
				if output == nil || once("output", posOf(output), d.Pos) {
					output = d
				}
			}
		case *PipelineDecl:
			if d.Kind == "stem" {
				if stem == nil || once("stem", posOf(stem), d.Pos) {
					stem = d
				}
			} else {
				if head == nil || once("head", posOf(head), d.Pos) {
					head = d
				}
			}
		case *PrimitiveDecl:
			if c.declare(d.Name, "primitive") {
				ops := c.pipeline(d.Ops, "primitive "+d.Name.Name, true)
				c.g.Terminals[d.Name.Name] = &Terminal{Pos: d.Name.Pos, Name: d.Name.Name, Kind: Primitive, Ops: ops}
			}
		case *TopologyDecl:
			if c.declare(d.Name, "topology") {
				body := c.topology(d)
				c.g.Terminals[d.Name.Name] = &Terminal{Pos: d.Name.Pos, Name: d.Name.Name, Kind: Topology, Topo: body}
			}
		case *SharedDecl:
			shared = append(shared, d)
		case *ConstraintDecl:
			constraints = append(constraints, d)
		case *RuleDecl:
			if prev, ok := c.g.rules[d.Name.Name]; ok {
				c.errorf(d.Name.Pos, fmt.Sprintf("put all alternatives of %s in one rule with | (the first is at %s)", d.Name.Name, prev.Pos), "nonterminal %s has a second rule", d.Name.Name)
				continue
			}
			if !c.declare(d.Name, "nonterminal") {
				continue
			}
			r := &Rule{Pos: d.Name.Pos, Name: d.Name.Name}
			c.g.rules[r.Name] = r
			c.g.Rules = append(c.g.Rules, r)
			rules = append(rules, d)
		case *BlockDecl:
			if d.Kind == "train" {
				if trainBlock == nil || once("train block", posOf(trainBlock), d.Pos) {
					trainBlock = d
				}
			} else {
				if searchBlok == nil || once("search block", posOf(searchBlok), d.Pos) {
					searchBlok = d
				}
			}
		}
	}

	if space != nil {
		c.g.Name = space.Name.Name
	} else {
		c.errorf(Pos{Line: 1, Col: 1}, "start the file with `space NAME`", "missing space declaration")
	}
	c.io(input, output)
	if stem != nil {
		c.g.Stem = c.pipeline(stem.Ops, "stem", false)
	}
	if head != nil {
		c.g.Head = c.pipeline(head.Ops, "head", false)
	} else {
		c.errorf(Pos{Line: 1, Col: 1}, "add e.g. `head = globalavgpool >> linear` so the network ends in class scores", "missing head")
	}
	c.headEndsInLinear()

	if len(rules) == 0 {
		c.errorf(Pos{Line: 1, Col: 1}, "write at least one rule such as `S -> Sequential(S, S) | conv`", "the file has no rules")
	}
	for _, d := range rules {
		c.rule(c.g.rules[d.Name.Name], d)
	}
	for _, s := range shared {
		for _, n := range s.Names {
			r := c.g.rules[n.Name]
			if r == nil {
				c.errorf(n.Pos, "shared takes the names of nonterminals defined by rules", "shared names %q, which is not a nonterminal", n.Name)
				continue
			}
			r.Shared = true
		}
	}
	if trainBlock != nil {
		c.train(trainBlock)
	}
	if searchBlok != nil {
		c.search(searchBlok)
	}
	c.constraints(constraints)
	if c.ds.HasErrors() {
		return
	}
	c.unused()
	c.termination()
	if c.ds.HasErrors() {
		return
	}
	c.inputs()
	c.zeros()
	if c.ds.HasErrors() {
		return
	}
	c.shapes()
}

// declare registers a terminal or nonterminal name and reports duplicates.
func (c *checker) declare(id Ident, what string) bool {
	if prev, ok := c.declared[id.Name]; ok {
		c.errorf(id.Pos, fmt.Sprintf("rename one of them (the first is at %s); primitives, topologies and nonterminals share one namespace", prev), "%s %s is already declared", what, id.Name)
		return false
	}
	c.declared[id.Name] = id.Pos
	return true
}

func (c *checker) io(input, output *IODecl) {
	if input == nil {
		c.errorf(Pos{Line: 1, Col: 1}, "add e.g. `input image(1, 28, 28)` (channels, height, width)", "missing input declaration")
	} else if in := input.Call; in.Name.Name != "image" || len(in.Args) != 3 {
		c.errorf(in.Pos, "write `input image(CHANNELS, HEIGHT, WIDTH)`, e.g. image(1, 28, 28)", "input must be image(channels, height, width)")
	} else {
		var dims [3]int
		for i, a := range in.Args {
			dims[i] = c.intArg(a, 1, "image dimension")
		}
		c.g.Input = Shape{dims[0], dims[1], dims[2]}
	}
	if output == nil {
		c.errorf(Pos{Line: 1, Col: 1}, "add e.g. `output classes(10)`", "missing output declaration")
	} else if out := output.Call; out.Name.Name != "classes" || len(out.Args) != 1 {
		c.errorf(out.Pos, "write `output classes(N)`, e.g. classes(10)", "output must be classes(N)")
	} else {
		c.g.Classes = c.intArg(out.Args[0], 2, "number of classes")
	}
}

func (c *checker) intArg(a *Arg, min int, what string) int {
	if a.Name.Name != "" {
		c.errorf(a.Pos, "drop the name", "%s takes no argument names", what)
	}
	return c.intValue(a.Value, min, what)
}

// intValue reads a whole number; K, M and G multiply by 10^3, 10^6, 10^9.
func (c *checker) intValue(v *Value, min int, what string) int {
	if v == nil || v.Kind != NumberValue {
		c.errorf(valuePos(v), fmt.Sprintf("write a whole number >= %d", min), "%s must be a number", what)
		return min
	}
	x := v.Num
	switch v.Unit {
	case "":
	case "K", "k":
		x *= 1e3
	case "M":
		x *= 1e6
	case "G":
		x *= 1e9
	default:
		c.errorf(v.Pos, "use no unit, or K, M or G", "unknown unit %q in %s", v.Unit, what)
		return min
	}
	if x != math.Trunc(x) || x < float64(min) || x > 1<<40 {
		c.errorf(v.Pos, fmt.Sprintf("write a whole number >= %d", min), "%s is %s", what, v.Text)
		return min
	}
	return int(x)
}

func (c *checker) floatValue(v *Value, min float64, what string) float64 {
	if v == nil || v.Kind != NumberValue || v.Unit != "" {
		c.errorf(valuePos(v), "write a plain number such as 0.05", "%s must be a number", what)
		return min
	}
	if v.Num < min || math.IsInf(v.Num, 0) || math.IsNaN(v.Num) {
		c.errorf(v.Pos, fmt.Sprintf("write a number >= %g", min), "%s is %s", what, v.Text)
		return min
	}
	return v.Num
}

func valuePos(v *Value) Pos {
	if v == nil {
		return Pos{}
	}
	return v.Pos
}

// pipeline resolves runtime operations against their signatures. Only
// the first operation of a primitive may be binary (where is then a
// primitive and binaryOK is true).
func (c *checker) pipeline(calls []*OpCall, where string, binaryOK bool) []*Op {
	var ops []*Op
	for k, call := range calls {
		spec := Ops[call.Name.Name]
		if spec == nil {
			hint := "docs/language.md lists the operations"
			if s := closest(call.Name.Name, mapKeys(Ops)); s != "" {
				hint = fmt.Sprintf("did you mean %s? (docs/language.md lists the operations)", s)
			}
			c.errorf(call.Name.Pos, hint, "unknown operation %q in %s", call.Name.Name, where)
			continue
		}
		if spec.Arity() == 2 && (k > 0 || !binaryOK) {
			hint := "a binary operation can only start a primitive's pipeline: `primitive " + spec.Name + " = " + spec.Name + "`, applied by a binary slot such as op(u1(in), u2(in))"
			c.errorf(call.Name.Pos, hint, "%s takes two tensors and cannot be used here in %s", spec.Name, where)
		}
		op := &Op{Pos: call.Pos, Name: spec.Name, Spec: spec, Args: map[string]float64{}, Text: map[string]string{}}
		set := map[string]bool{}
		for i, a := range call.Args {
			var p *OpParam
			if a.Name.Name == "" {
				if i >= len(spec.Params) {
					c.errorf(a.Pos, signature(spec), "%s takes %d argument(s), got %d", spec.Name, len(spec.Params), len(call.Args))
					break
				}
				p = &spec.Params[i]
			} else {
				for j := range spec.Params {
					if spec.Params[j].Name == a.Name.Name {
						p = &spec.Params[j]
					}
				}
				if p == nil {
					c.errorf(a.Name.Pos, signature(spec), "%s has no parameter %q", spec.Name, a.Name.Name)
					continue
				}
			}
			if set[p.Name] {
				c.errorf(a.Pos, signature(spec), "%s: %s is given twice", spec.Name, p.Name)
				continue
			}
			set[p.Name] = true
			switch p.Kind {
			case FloatParam:
				op.Args[p.Name] = c.anyFloat(a.Value, spec.Name+" "+p.Name)
			case EnumParam:
				op.Text[p.Name] = c.choice(a.Value, p.Choices, spec.Name+" "+p.Name)
			default:
				op.Args[p.Name] = float64(c.intValue(a.Value, int(p.Min), spec.Name+" "+p.Name))
			}
		}
		for _, p := range spec.Params {
			if !set[p.Name] {
				if p.Required {
					c.errorf(call.Pos, signature(spec), "%s needs its argument %s", spec.Name, p.Name)
				}
				if p.Kind == EnumParam {
					op.Text[p.Name] = p.Choices[0]
				} else {
					op.Args[p.Name] = p.Default
				}
			}
		}
		ops = append(ops, op)
	}
	return ops
}

// anyFloat reads a plain number of any sign.
func (c *checker) anyFloat(v *Value, what string) float64 {
	if v == nil || v.Kind != NumberValue || v.Unit != "" || math.IsInf(v.Num, 0) || math.IsNaN(v.Num) {
		c.errorf(valuePos(v), "write a plain number such as 0.5", "%s must be a number", what)
		return 0
	}
	return v.Num
}

// choice reads a name or string out of choices.
func (c *checker) choice(v *Value, choices []string, what string) string {
	hint := "write one of " + strings.Join(choices, ", ")
	if v == nil || (v.Kind != StringValue && v.Kind != IdentValue) {
		c.errorf(valuePos(v), hint, "%s must be a name", what)
		return choices[0]
	}
	for _, ch := range choices {
		if v.Text == ch {
			return ch
		}
	}
	c.errorf(v.Pos, hint, "%s cannot be %q", what, v.Text)
	return choices[0]
}

func signature(spec *OpSpec) string {
	if len(spec.Params) == 0 {
		return fmt.Sprintf("write %s without arguments", spec.Name)
	}
	var ps []string
	for _, p := range spec.Params {
		if p.Kind == EnumParam {
			ps = append(ps, fmt.Sprintf("%s: %s", p.Name, strings.Join(p.Choices, "|")))
		} else if p.Required {
			ps = append(ps, p.Name)
		} else {
			ps = append(ps, fmt.Sprintf("%s: %g", p.Name, p.Default))
		}
	}
	return fmt.Sprintf("the signature is %s(%s)", spec.Name, strings.Join(ps, ", "))
}

func (c *checker) headEndsInLinear() {
	if len(c.g.Head) == 0 {
		return
	}
	flat := false
	for _, op := range c.g.Head {
		switch op.Name {
		case "globalavgpool":
			flat = true
		case "linear":
			flat = true
		}
	}
	last := c.g.Head[len(c.g.Head)-1]
	if last.Name != "linear" || !flat {
		c.errorf(last.Pos, "end the head with `globalavgpool >> linear`", "the head must end in linear so that the network outputs one score per class")
	}
}

// topology checks a topology body: slots, nodes, references, `out`.
func (c *checker) topology(d *TopologyDecl) *TopoBody {
	body := &TopoBody{}
	slots := map[string]int{}
	dups := map[int]bool{}
	for i, p := range d.Params {
		if _, dup := slots[p.Name]; dup {
			c.errorf(p.Pos, "give every slot its own name", "slot %s appears twice in topology %s", p.Name, d.Name.Name)
			dups[i] = true
			continue
		}
		if p.Name == "in" || p.Name == "out" {
			c.errorf(p.Pos, "in and out name the topology's input and output node; rename the slot", "slot cannot be called %s", p.Name)
		}
		slots[p.Name] = i
		body.Params = append(body.Params, p.Name)
	}
	body.SlotInputs = make([]int, len(d.Params))
	nodes := map[string]bool{"in": true}
	slotUsed := make([]bool, len(d.Params))
	var expr func(e *NodeExpr) *TopoExpr
	expr = func(e *NodeExpr) *TopoExpr {
		if e.Args == nil {
			if _, isSlot := slots[e.Name.Name]; isSlot {
				c.errorf(e.Pos, fmt.Sprintf("apply it to a node, e.g. %s(in)", e.Name.Name), "slot %s is used as a node", e.Name.Name)
				return &TopoExpr{Slot: -1, Ref: "in"}
			}
			if !nodes[e.Name.Name] {
				c.errorf(e.Pos, "use in or a node assigned above", "undefined node %s in topology %s", e.Name.Name, d.Name.Name)
			}
			return &TopoExpr{Slot: -1, Ref: e.Name.Name}
		}
		i, ok := slots[e.Name.Name]
		if !ok {
			hint := "slots are " + strings.Join(body.Params, ", ")
			c.errorf(e.Name.Pos, hint, "%s is not a slot of topology %s", e.Name.Name, d.Name.Name)
			return &TopoExpr{Slot: -1, Ref: "in"}
		}
		switch n := len(e.Args); {
		case n > 2:
			c.errorf(e.Pos, fmt.Sprintf("write %s(x) for a unary slot or %s(x, y) for a binary one", e.Name.Name, e.Name.Name), "slot %s is applied to %d inputs; slots take one or two", e.Name.Name, n)
		case body.SlotInputs[i] != 0 && body.SlotInputs[i] != n:
			c.errorf(e.Pos, fmt.Sprintf("apply %s to %d input(s) everywhere, or use two slots", e.Name.Name, body.SlotInputs[i]), "slot %s is applied to %d input(s) here and %d elsewhere", e.Name.Name, n, body.SlotInputs[i])
		default:
			body.SlotInputs[i] = n
		}
		slotUsed[i] = true
		te := &TopoExpr{Slot: i}
		for _, a := range e.Args {
			te.Args = append(te.Args, expr(a))
		}
		return te
	}
	for _, n := range d.Nodes {
		if n.Name.Name == "in" {
			c.errorf(n.Name.Pos, "in is the topology's input; give the node another name", "cannot assign to in")
			continue
		}
		if _, isSlot := slots[n.Name.Name]; isSlot {
			c.errorf(n.Name.Pos, "rename the node", "node %s has the name of a slot", n.Name.Name)
			continue
		}
		if nodes[n.Name.Name] {
			c.errorf(n.Name.Pos, "every node is assigned once; sum its inputs with +", "node %s is assigned twice", n.Name.Name)
			continue
		}
		node := &TopoNode{Name: n.Name.Name}
		for _, t := range n.Terms {
			node.Sum = append(node.Sum, expr(t))
		}
		nodes[n.Name.Name] = true
		body.Nodes = append(body.Nodes, node)
		if n.Name.Name == "out" {
			break
		}
	}
	if !nodes["out"] {
		c.errorf(d.Name.Pos, "assign the result to out, e.g. { out = a(in) }", "topology %s never assigns out", d.Name.Name)
	} else if last := d.Nodes[len(d.Nodes)-1]; last.Name.Name != "out" {
		c.errorf(last.Pos, "assign out last", "node %s comes after out and is never used", last.Name.Name)
	}
	for i := range body.SlotInputs {
		if body.SlotInputs[i] == 0 {
			body.SlotInputs[i] = 1
		}
	}
	body.SlotInputs = body.SlotInputs[:len(body.Params)] // shorter only after an error
	for i, used := range slotUsed {
		if !used && i < len(d.Params) && !dups[i] {
			c.errorf(d.Params[i].Pos, fmt.Sprintf("use %s in the body or remove it", d.Params[i].Name), "slot %s of topology %s is never used", d.Params[i].Name, d.Name.Name)
		}
	}
	return body
}

func (c *checker) rule(r *Rule, d *RuleDecl) {
	seen := map[string]Pos{}
	for i, a := range d.Alts {
		p := &Production{Pos: a.Pos, Rule: r, Index: i, Weight: a.Weight}
		if a.HasWeight && (!(a.Weight > 0) || math.IsInf(a.Weight, 0)) {
			c.errorf(a.Pos, "weights are positive numbers, e.g. @2", "weight %g of an alternative of %s", a.Weight, r.Name)
			p.Weight = 1
		}
		if !a.HasWeight {
			p.Weight = 1
		}
		p.Sym = c.sym(a.Term, true)
		key := termString(a.Term)
		if prev, dup := seen[key]; dup {
			c.warnf(a.Pos, fmt.Sprintf("write it once with a weight, e.g. %s @2 (the first is at %s)", key, prev), "alternative %s of %s appears twice", key, r.Name)
		} else {
			seen[key] = a.Pos
		}
		r.Alts = append(r.Alts, p)
	}
}

func termString(t *Term) string {
	if t == nil {
		return ""
	}
	if !t.HasParens {
		return t.Name.Name
	}
	args := make([]string, len(t.Args))
	for i, a := range t.Args {
		args[i] = termString(a)
	}
	return t.Name.Name + "(" + strings.Join(args, ", ") + ")"
}

func (c *checker) sym(t *Term, top bool) *Sym {
	s := &Sym{Pos: t.Pos, Name: t.Name.Name}
	c.used[s.Name] = true
	if r := c.g.rules[s.Name]; r != nil {
		s.Rule = r
		if t.HasParens {
			c.errorf(t.Pos, fmt.Sprintf("write %s without arguments", s.Name), "nonterminal %s takes no arguments", s.Name)
		}
		return s
	}
	term := c.g.Terminals[s.Name]
	if term == nil {
		c.undefined(t.Name)
		return s
	}
	s.Terminal = term
	if term.Kind == Primitive && t.HasParens {
		c.errorf(t.Pos, fmt.Sprintf("write %s without arguments", s.Name), "primitive %s takes no arguments", s.Name)
		return s
	}
	if term.Kind == Topology && len(t.Args) != term.Arity() {
		c.errorf(t.Pos, fmt.Sprintf("%s is declared with slots (%s)", s.Name, strings.Join(term.Topo.Params, ", ")),
			"topology %s takes %d argument(s), got %d", s.Name, term.Arity(), len(t.Args))
		return s
	}
	for _, a := range t.Args {
		s.Args = append(s.Args, c.sym(a, false))
	}
	return s
}

func (c *checker) undefined(id Ident) {
	var names []string
	for n := range c.declared {
		names = append(names, n)
	}
	hint := "define it with a rule (`" + id.Name + " -> ...`), a primitive or a topology"
	if s := closest(id.Name, names); s != "" {
		hint = "did you mean " + s + "?"
	}
	c.errorf(id.Pos, hint, "undefined name %s", id.Name)
}

func (c *checker) unused() {
	for _, name := range sortedKeys(c.g.Terminals) {
		t := c.g.Terminals[name]
		if !c.used[name] {
			c.warnf(t.Pos, "use it in a rule or delete it", "%s %s is never used", t.Kind, name)
		}
	}
	// Reachability from the start symbol.
	reach := map[*Rule]bool{}
	var visit func(r *Rule)
	var visitSym func(s *Sym)
	visitSym = func(s *Sym) {
		if s.Rule != nil {
			visit(s.Rule)
		}
		for _, a := range s.Args {
			visitSym(a)
		}
	}
	visit = func(r *Rule) {
		if reach[r] {
			return
		}
		reach[r] = true
		for _, p := range r.Alts {
			visitSym(p.Sym)
		}
	}
	visit(c.g.Start())
	for _, r := range c.g.Rules {
		if !reach[r] {
			c.warnf(r.Pos, fmt.Sprintf("the start symbol is %s (the first rule); use %s in a rule reachable from it or delete it", c.g.Start().Name, r.Name), "nonterminal %s is unreachable", r.Name)
		}
	}
}

// termination finds the recursive rules, checks that every rule can derive a
// finite term, and computes the depth budget each rule needs.
func (c *checker) termination() {
	// A rule is recursive when it can reach itself.
	for _, r := range c.g.Rules {
		seen := map[*Rule]bool{}
		var reaches func(x *Rule) bool
		reaches = func(x *Rule) bool {
			for _, p := range x.Alts {
				for _, nt := range p.Sym.nonterminals(nil) {
					if nt == r {
						return true
					}
					if !seen[nt] {
						seen[nt] = true
						if reaches(nt) {
							return true
						}
					}
				}
			}
			return false
		}
		r.recursive = reaches(r)
	}
	const inf = math.MaxInt32
	for _, r := range c.g.Rules {
		r.minBudget = inf
	}
	for changed := true; changed; {
		changed = false
		for _, r := range c.g.Rules {
			best := inf
			for _, p := range r.Alts {
				if need := p.need(); need < best {
					best = need
				}
			}
			if best < inf && r.recursive {
				best++
			}
			if best < r.minBudget {
				r.minBudget = best
				changed = true
			}
		}
	}
	for _, r := range c.g.Rules {
		for _, p := range r.Alts {
			p.needs = p.need()
			p.nkids = len(p.Sym.nonterminals(nil))
		}
		if r.minBudget == inf {
			c.errorf(r.Pos, "add an alternative that ends the recursion, such as a primitive", "nonterminal %s can never derive a finite architecture", r.Name)
		}
		if r.Shared && r.recursive {
			c.errorf(r.Pos, "a shared nonterminal is derived once and reused; it cannot contain itself", "shared nonterminal %s is recursive", r.Name)
		}
	}
	if s := c.g.Start(); s.minBudget < inf && s.minBudget > c.g.Search.MaxDepth {
		c.errorf(s.Pos, fmt.Sprintf("set max_depth %d or more in the search block", s.minBudget), "start symbol %s needs a depth of %d, but max_depth is %d", s.Name, s.minBudget, c.g.Search.MaxDepth)
	}
}

// need is the depth budget a production needs below its rule.
func (p *Production) need() int {
	need := 0
	for _, nt := range p.Sym.nonterminals(nil) {
		if nt.minBudget > need {
			need = nt.minBudget
		}
	}
	return need
}

// nonterminals appends the nonterminal occurrences of s in preorder.
func (s *Sym) nonterminals(dst []*Rule) []*Rule {
	if s.Rule != nil {
		return append(dst, s.Rule)
	}
	for _, a := range s.Args {
		dst = a.nonterminals(dst)
	}
	return dst
}

// trainSettingNames are the settings of a `train {}` block; trainSettings
// lists them for hints.
var (
	trainSettingNames = []string{"dataset", "epochs", "steps", "batch", "subset", "validation", "test", "optimizer", "schedule", "objective", "augment"}
	trainSettings     = "train settings: " + strings.Join(trainSettingNames, ", ")
)

// oneOf returns the setting's value if it is one of names; otherwise it
// reports the value, with hint, at its position and returns old.
func (c *checker) oneOf(v *Value, old string, names []string, what, hint string) string {
	name := identValue(v)
	if !slices.Contains(names, name) {
		c.errorf(valuePos(v), hint, "unknown %s %q", what, valueText(v))
		return old
	}
	return name
}

func (c *checker) train(b *BlockDecl) {
	t := &c.g.Train
	seen := map[string]bool{}
	var datasetPos, subsetPos Pos
	for _, s := range b.Settings {
		if seen[s.Name.Name] {
			c.errorf(s.Name.Pos, "keep one", "setting %s is given twice", s.Name.Name)
			continue
		}
		seen[s.Name.Name] = true
		switch s.Name.Name {
		case "dataset":
			name := identValue(s.Value)
			if _, ok := Datasets[name]; !ok {
				c.errorf(valuePos(s.Value), "datasets: mnist, addnist, cifar10, synthetic", "unknown dataset %q", valueText(s.Value))
				continue
			}
			t.Dataset, datasetPos = name, valuePos(s.Value)
		case "epochs":
			t.Epochs = c.intValue(s.Value, 0, "epochs")
		case "steps":
			t.Steps = c.intValue(s.Value, 0, "steps")
		case "batch":
			t.Batch = c.intValue(s.Value, 2, "batch")
		case "subset":
			t.Subset, subsetPos = c.intValue(s.Value, 0, "subset"), valuePos(s.Value)
		case "validation":
			t.Validation = c.intValue(s.Value, 0, "validation")
		case "test":
			t.Test = c.intValue(s.Value, 0, "test")
		case "optimizer":
			c.optimizer(s.Value)
		case "schedule":
			t.Schedule = c.oneOf(s.Value, t.Schedule, []string{"none", "cosine"}, "schedule",
				"schedules: none (a constant learning rate), cosine (annealed to 0 over the run)")
		case "objective":
			t.Objective = c.oneOf(s.Value, t.Objective, []string{"accuracy", "naswot"}, "objective",
				"objectives: accuracy (train, then validate), naswot (the NASWOT score at initialisation, no training)")
		case "augment":
			t.Augment = c.oneOf(s.Value, t.Augment, Augments, "augment",
				"augments: none (the images as they are), flip (a random horizontal flip), crop_flip (a random crop of the image padded by H/8 pixels, then a random flip)")
		default:
			hint := trainSettings
			if n := closest(s.Name.Name, trainSettingNames); n != "" {
				hint = fmt.Sprintf("did you mean %s? (%s)", n, trainSettings)
			}
			c.errorf(s.Name.Pos, hint, "unknown train setting %s", s.Name.Name)
		}
	}
	if t.Epochs == 0 && t.Steps == 0 {
		c.errorf(b.Pos, "set epochs or steps to at least 1", "the train block trains for zero steps")
	}
	if t.Subset > 0 && t.Subset < t.Batch {
		c.errorf(subsetPos, fmt.Sprintf("set subset to at least the batch size %d, or 0 for all images", t.Batch), "subset %d is smaller than one batch of %d", t.Subset, t.Batch)
	}
	// A dataset the block names must fit the declared input and classes.
	if d := Datasets[t.Dataset]; datasetPos.Line > 0 && d.Classes != 0 && c.g.Input.C != 0 && (d.Input != c.g.Input || d.Classes != c.g.Classes) {
		c.errorf(datasetPos, fmt.Sprintf("dataset %s has images of %v in %d classes: declare `input image%v` and `output classes(%d)`, or pick another dataset (synthetic fits any shape)", t.Dataset, d.Input, d.Classes, d.Input, d.Classes),
			"the file declares input image%v and classes(%d), which dataset %s does not have", c.g.Input, c.g.Classes, t.Dataset)
	}
}

// optimizer types `optimizer sgd(lr: 0.05, momentum: 0.9, weight_decay: 0,
// nesterov: true)` or `optimizer adam(lr: 0.001, beta1: 0.9, beta2: 0.999,
// weight_decay: 0)`. Parameters left out keep the optimiser's defaults
// (DefaultSGD, DefaultAdam).
func (c *checker) optimizer(v *Value) {
	t := &c.g.Train
	const hint = "write e.g. optimizer sgd(lr: 0.05, momentum: 0.9, weight_decay: 5e-4, nesterov: true) or optimizer adam(lr: 0.001)"
	var call *OpCall
	switch {
	case v != nil && v.Kind == IdentValue:
		call = &OpCall{Pos: v.Pos, Name: Ident{Pos: v.Pos, Name: v.Text}}
	case v != nil && v.Kind == CallValue:
		call = v.Call
	default:
		c.errorf(valuePos(v), hint, "optimizer must be a name such as sgd or adam")
		return
	}
	var def TrainSettings
	var params []string
	switch call.Name.Name {
	case "sgd":
		def, params = DefaultSGD, []string{"lr", "momentum", "weight_decay", "nesterov"}
	case "adam":
		def, params = DefaultAdam, []string{"lr", "beta1", "beta2", "weight_decay"}
	default:
		c.errorf(call.Name.Pos, "optimizers: sgd, adam", "unknown optimizer %q", call.Name.Name)
		return
	}
	t.Optimizer, t.LR, t.Momentum, t.Nesterov, t.Beta1, t.Beta2, t.WeightDecay =
		def.Optimizer, def.LR, def.Momentum, def.Nesterov, def.Beta1, def.Beta2, def.WeightDecay
	seen := map[string]bool{}
	var nesterovPos Pos
	for _, a := range call.Args {
		name := a.Name.Name
		if !slices.Contains(params, name) {
			c.errorf(a.Pos, fmt.Sprintf("%s takes %s", call.Name.Name, strings.Join(params, ", ")), "%s has no parameter %q", call.Name.Name, name)
			continue
		}
		if seen[name] {
			c.errorf(a.Pos, "keep one", "%s is given twice", name)
			continue
		}
		seen[name] = true
		switch name {
		case "lr":
			t.LR = c.floatValue(a.Value, 0, "lr")
			if t.LR == 0 {
				c.errorf(valuePos(a.Value), "write a learning rate above 0, such as 0.01", "lr must be positive")
			}
		case "momentum":
			t.Momentum = c.fractionValue(a.Value, "momentum")
		case "beta1", "beta2":
			// The runtime reads a zero beta as its default, so 0 is out.
			x := c.floatValue(a.Value, 0, name)
			if v := a.Value; v != nil && v.Kind == NumberValue && v.Unit == "" && !(x > 0 && x < 1) {
				c.errorf(v.Pos, "write a number above 0 and below 1, such as 0.9", "%s is %s", name, v.Text)
				x = 0.9
			}
			if name == "beta1" {
				t.Beta1 = x
			} else {
				t.Beta2 = x
			}
		case "weight_decay":
			t.WeightDecay = c.floatValue(a.Value, 0, "weight_decay")
		case "nesterov":
			t.Nesterov, nesterovPos = c.boolValue(a.Value, "nesterov"), valuePos(a.Value)
		}
	}
	if t.Nesterov && t.Momentum == 0 {
		c.errorf(nesterovPos, "give a momentum above 0, e.g. sgd(lr: 0.1, momentum: 0.9, nesterov: true)", "Nesterov momentum needs a momentum above 0")
	}
}

// fractionValue is a number in [0, 1).
func (c *checker) fractionValue(v *Value, what string) float64 {
	x := c.floatValue(v, 0, what)
	if x >= 1 {
		c.errorf(valuePos(v), "write a number from 0 up to but not including 1, such as 0.9", "%s is %s", what, v.Text)
		return 0
	}
	return x
}

// boolValue is true or false.
func (c *checker) boolValue(v *Value, what string) bool {
	switch identValue(v) {
	case "true":
		return true
	case "false":
		return false
	}
	c.errorf(valuePos(v), "write true or false", "%s must be true or false, not %s", what, valueText(v))
	return false
}

func (c *checker) search(b *BlockDecl) {
	s := &c.g.Search
	seen := map[string]bool{}
	for _, st := range b.Settings {
		if seen[st.Name.Name] {
			c.errorf(st.Name.Pos, "keep one", "setting %s is given twice", st.Name.Name)
			continue
		}
		seen[st.Name.Name] = true
		switch st.Name.Name {
		case "strategy":
			name := identValue(st.Value)
			if !slices.Contains(Strategies, name) {
				hint := "strategies: " + strings.Join(Strategies, ", ")
				if s := closest(name, slices.Clone(Strategies)); s != "" {
					hint = "did you mean " + s + "? (" + hint + ")"
				}
				c.errorf(valuePos(st.Value), hint, "unknown strategy %q", valueText(st.Value))
			}
			s.Strategy = name
		case "evaluations":
			s.Evaluations = c.intValue(st.Value, 1, "evaluations")
		case "seed":
			s.Seed = uint64(c.intValue(st.Value, 0, "seed"))
		case "max_depth":
			s.MaxDepth = c.intValue(st.Value, 1, "max_depth")
		case "timeout":
			s.Timeout = c.duration(st.Value, "timeout")
		case "executor":
			s.Executor = identValue(st.Value)
			if s.Executor != "local" && s.Executor != "slurm" {
				c.errorf(valuePos(st.Value), "executors: local, slurm", "unknown executor %q", valueText(st.Value))
			}
		case "partition":
			s.Partition = valueText(st.Value)
			if st.Value == nil || st.Value.Kind == NumberValue {
				c.errorf(valuePos(st.Value), `write a Slurm partition name, e.g. partition "gpu"`, "partition must be a name")
			}
		case "slurm_time":
			s.SlurmTime = c.duration(st.Value, "slurm_time")
		case "cpus":
			s.CPUs = c.intValue(st.Value, 1, "cpus")
		case "mem":
			s.Mem = valueText(st.Value)
			if st.Value == nil || st.Value.Kind == IdentValue || !validMem(s.Mem) {
				c.errorf(valuePos(st.Value), "write megabytes or a size such as 512M, 4G", "mem must be a memory size, got %q", valueText(st.Value))
			}
		case "sbatch":
			if st.Value == nil || st.Value.Kind != StringValue {
				c.errorf(valuePos(st.Value), `write them quoted, e.g. sbatch "--qos=low --account=lab"`, "sbatch must be a string of sbatch arguments")
			}
			s.Sbatch = valueText(st.Value)
		case "pool":
			s.Pool = c.intValue(st.Value, 2, "pool")
		case "generations":
			s.Generations = c.intValue(st.Value, 1, "generations")
		default:
			c.errorf(st.Name.Pos, "search settings: strategy, evaluations, seed, max_depth, timeout, pool, generations, executor, partition, slurm_time, cpus, mem, sbatch", "unknown search setting %s", st.Name.Name)
		}
	}
}

func (c *checker) duration(v *Value, what string) time.Duration {
	if v == nil || v.Kind != NumberValue || !(v.Num > 0) {
		c.errorf(valuePos(v), "write a duration such as 90s, 5m or 1h", "%s must be a duration", what)
		return time.Minute
	}
	unit := map[string]time.Duration{"": time.Second, "s": time.Second, "m": time.Minute, "h": time.Hour, "ms": time.Millisecond}[v.Unit]
	if unit == 0 {
		c.errorf(v.Pos, "units: ms, s, m, h", "unknown unit %q in %s", v.Unit, what)
		return time.Minute
	}
	if v.Num*float64(unit) > float64(math.MaxInt64/2) {
		c.errorf(v.Pos, "write a shorter duration", "%s is too long", what)
		return time.Minute
	}
	return time.Duration(v.Num * float64(unit))
}

// validMem reports whether s is a memory size as sbatch --mem takes it:
// a whole number of megabytes, optionally with a unit K, M, G or T.
func validMem(s string) bool {
	if n := len(s); n > 0 && strings.ContainsRune("KMGTkmgt", rune(s[n-1])) {
		s = s[:n-1]
	}
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func identValue(v *Value) string {
	if v != nil && v.Kind == IdentValue {
		return v.Text
	}
	return ""
}

func valueText(v *Value) string {
	if v == nil {
		return ""
	}
	return v.Text
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedKeys[V any](m map[string]V) []string { return mapKeys(m) }

// closest returns the candidate nearest to name by edit distance, or "" when
// none is close.
func closest(name string, candidates []string) string {
	best, bestD := "", max(1, len(name)/3)+1
	sort.Strings(candidates)
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestD && d < len(name) && c != name {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// constraints types the constraint lines: a measure compared with a
// number. They are recorded in Grammar.Constraints; the sampler and the
// genetic operators only make architectures that meet them.
func (c *checker) constraints(ds []*ConstraintDecl) {
	const hint = "write e.g. `constraint params <= 2M`, `constraint flops <= 300M`, `constraint depth <= 40` or `constraint count(conv3x3) >= 1`"
	for _, d := range ds {
		measure, number, op := d.LHS, d.RHS, d.Op
		if measure != nil && measure.Value != nil {
			// `2M >= params`: turn it around.
			measure, number = number, measure
			op = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}[op]
		}
		if measure == nil || number == nil || measure.Value != nil || number.Value == nil {
			pos := d.Pos
			if measure != nil && number != nil && number.Value == nil {
				pos = number.Pos
			}
			c.errorf(pos, hint, "a constraint compares one measure (params, flops, depth, count(NAME)) with a number")
			continue
		}
		k := Constraint{Pos: d.Pos, Measure: measure.Name.Name, Op: op}
		switch k.Measure {
		case "params", "flops", "depth":
			if measure.Arg != nil {
				c.errorf(measure.Arg.Pos, fmt.Sprintf("write %s without an argument", k.Measure), "%s takes no argument", k.Measure)
				continue
			}
		case "count":
			if measure.Arg == nil {
				c.errorf(measure.Pos, "write count(NAME) with the name of a primitive or topology", "count needs the terminal it counts")
				continue
			}
			k.Arg = measure.Arg.Name
			if c.g.Terminals[k.Arg] == nil {
				hint := "count takes the name of a primitive or topology"
				if s := closest(k.Arg, mapKeys(c.g.Terminals)); s != "" {
					hint = "did you mean " + s + "?"
				}
				c.errorf(measure.Arg.Pos, hint, "count(%s): %s is not a terminal", k.Arg, k.Arg)
				continue
			}
			c.used[k.Arg] = true
		default:
			hint := "measures: params, flops, depth, count(NAME)"
			if s := closest(k.Measure, []string{"params", "flops", "depth", "count"}); s != "" {
				hint = "did you mean " + s + "? (" + hint + ")"
			}
			c.errorf(measure.Name.Pos, hint, "unknown measure %s in a constraint", k.Measure)
			continue
		}
		before := len(c.ds)
		k.Limit = float64(c.intValue(number.Value, 0, "the limit of "+k.Measure))
		if len(c.ds) > before {
			continue
		}
		c.g.Constraints = append(c.g.Constraints, k)
	}
}
