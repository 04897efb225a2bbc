package dsl

// The abstract syntax tree of a .nasg file. Parse builds it; Check reads
// it (never changes it) and builds a Grammar. Every node carries the
// position of its first token.

// File is one parsed .nasg file. Decls keeps the source order.
type File struct {
	Filename string
	Decls    []Decl
}

// Decl is one top-level declaration: *SpaceDecl, *IODecl, *PipelineDecl,
// *PrimitiveDecl, *TopologyDecl, *SharedDecl, *ConstraintDecl, *RuleDecl or
// *BlockDecl.
type Decl interface {
	declNode()
	Position() Pos
}

// Ident is a name with its position.
type Ident struct {
	Pos  Pos
	Name string
}

// SpaceDecl is `space NAME`.
type SpaceDecl struct {
	Pos  Pos
	Name Ident
}

// IODecl is `input image(1, 28, 28)` (Kind "input") or
// `output classes(10)` (Kind "output").
type IODecl struct {
	Pos  Pos
	Kind string // "input" or "output"
	Call *OpCall
}

// PipelineDecl is `stem = OP >> OP ...` (Kind "stem") or `head = ...`
// (Kind "head").
type PipelineDecl struct {
	Pos  Pos
	Kind string // "stem" or "head"
	Ops  []*OpCall
}

// PrimitiveDecl is `primitive NAME = OP >> OP ...`: a terminal of arity 0
// whose meaning is a pipeline of runtime operations.
type PrimitiveDecl struct {
	Pos  Pos
	Name Ident
	Ops  []*OpCall
}

// OpCall is a runtime operation with optional arguments:
// `conv(3, out: 16)`, `batchnorm`. HasParens records whether the source
// wrote parentheses.
type OpCall struct {
	Pos       Pos
	Name      Ident
	Args      []*Arg
	HasParens bool
}

// Arg is a positional (`3`) or named (`out: 16`) argument. Name.Name is
// empty for positional arguments.
type Arg struct {
	Pos   Pos
	Name  Ident
	Value *Value
}

// ValueKind says which field of a Value is set.
type ValueKind int

const (
	NumberValue ValueKind = iota // Num and Unit; Text holds the literal as written, e.g. "2M"
	IdentValue                   // Text
	StringValue                  // Text, unquoted
	CallValue                    // Call, e.g. sgd(lr: 0.05)
)

// Value is a literal in an argument or a setting. A number may carry a
// unit suffix of letters, kept apart: `2M` has Num 2 and Unit "M", `90s`
// has Num 90 and Unit "s". The checker gives units their meaning.
type Value struct {
	Pos  Pos
	Kind ValueKind
	Num  float64
	Unit string
	Text string
	Call *OpCall
}

// TopologyDecl is `topology NAME(a, b, c) { NODE = EXPR ... }`. The body
// must assign `out`; `in` is the topology's input.
type TopologyDecl struct {
	Pos    Pos
	Name   Ident
	Params []Ident
	Nodes  []*NodeStmt
}

// NodeStmt is `NAME = TERM + TERM ...`: the node sums its terms.
type NodeStmt struct {
	Pos   Pos
	Name  Ident
	Terms []*NodeExpr
}

// NodeExpr is an expression in a topology body: `in`, a node name, or a
// slot applied to expressions, `a(in)`, `op(u1(in), u2(in))`. Args is nil
// for a bare name; a bare name is a node reference (`in` included).
type NodeExpr struct {
	Pos  Pos
	Name Ident
	Args []*NodeExpr
}

// SharedDecl is `shared CELL, OTHER`: each listed nonterminal is derived
// once per architecture and reused at every occurrence.
type SharedDecl struct {
	Pos   Pos
	Names []Ident
}

// ConstraintDecl is `constraint LHS OP RHS`, e.g. `params <= 2M` or
// `count(conv3x3o) >= 1`. Op is one of <, <=, >, >=, ==, !=.
type ConstraintDecl struct {
	Pos Pos
	LHS *CExpr
	Op  string
	RHS *CExpr
}

// CExpr is an operand of a constraint: a number, a measure (`params`), or
// a measure applied to a name (`count(conv3x3o)`).
type CExpr struct {
	Pos   Pos
	Value *Value // a number, when set
	Name  Ident  // a measure, when Value is nil
	Arg   *Ident // the measure's argument, if any
}

// RuleDecl is `NT -> ALT | ALT ...`. The first rule's nonterminal is the
// start symbol.
type RuleDecl struct {
	Pos  Pos
	Name Ident
	Alts []*Alt
}

// Alt is one alternative of a rule with its optional sampling weight
// (`@2`); Weight is 1 when the source wrote none, and HasWeight says
// whether it did.
type Alt struct {
	Pos       Pos
	Term      *Term
	Weight    float64
	HasWeight bool
}

// Term is a grammar symbol applied to arguments: `Sequential(S, S, S)`, or a
// bare symbol `conv`, `S` (Args nil, HasParens false).
type Term struct {
	Pos       Pos
	Name      Ident
	Args      []*Term
	HasParens bool
}

// BlockDecl is `train { ... }` (Kind "train") or `search { ... }` (Kind
// "search"): settings, one value each, separated by `;` or newlines.
type BlockDecl struct {
	Pos      Pos
	Kind     string
	Settings []*Setting
}

// Setting is `NAME VALUE` inside a block: `epochs 1`, `dataset mnist`,
// `optimizer sgd(lr: 0.05, momentum: 0.9)`.
type Setting struct {
	Pos   Pos
	Name  Ident
	Value *Value
}

func (*SpaceDecl) declNode()      {}
func (*IODecl) declNode()         {}
func (*PipelineDecl) declNode()   {}
func (*PrimitiveDecl) declNode()  {}
func (*TopologyDecl) declNode()   {}
func (*SharedDecl) declNode()     {}
func (*ConstraintDecl) declNode() {}
func (*RuleDecl) declNode()       {}
func (*BlockDecl) declNode()      {}

func (d *SpaceDecl) Position() Pos      { return d.Pos }
func (d *IODecl) Position() Pos         { return d.Pos }
func (d *PipelineDecl) Position() Pos   { return d.Pos }
func (d *PrimitiveDecl) Position() Pos  { return d.Pos }
func (d *TopologyDecl) Position() Pos   { return d.Pos }
func (d *SharedDecl) Position() Pos     { return d.Pos }
func (d *ConstraintDecl) Position() Pos { return d.Pos }
func (d *RuleDecl) Position() Pos       { return d.Pos }
func (d *BlockDecl) Position() Pos      { return d.Pos }
