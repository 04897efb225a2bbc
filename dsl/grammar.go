package dsl

import (
	"fmt"
	"sync/atomic"
	"time"
)

// Grammar is a checked search space: the typed form of a .nasg file that
// sampling, code generation and search consume. Check builds it; nothing
// changes it afterwards.
type Grammar struct {
	Name     string
	Filename string
	Source   []byte

	Input   Shape // channels, height, width of one example
	Classes int

	Stem []*Op // runtime operations applied before the searched network
	Head []*Op // and after it

	Terminals map[string]*Terminal // primitives and topologies by name
	Rules     []*Rule              // in source order; Rules[0] is the start symbol

	Train  TrainSettings
	Search SearchSettings

	// Constraints are the typed constraint lines, in source order.
	Constraints []Constraint
	counted     []*Terminal // the terminals of count(T) constraints
	hasShared   bool
	// klabels are the labels kernel graphs use (input, sum, output, then
	// terminals' names and topology calls' coarse labels), khash their
	// hashes: the kernel graph builder keeps indices into them.
	klabels []string
	khash   []uint64

	rules map[string]*Rule
}

// Shape is a tensor shape without the batch axis.
type Shape struct{ C, H, W int }

func (s Shape) String() string { return fmt.Sprintf("(%d, %d, %d)", s.C, s.H, s.W) }

// Start returns the start symbol's rule.
func (g *Grammar) Start() *Rule { return g.Rules[0] }

// Rule returns the rule of the nonterminal name, or nil.
func (g *Grammar) Rule(name string) *Rule { return g.rules[name] }

// Op is one runtime operation of a pipeline, `conv(3, out: 16)`, with its
// arguments resolved against the operation's signature.
type Op struct {
	Pos  Pos
	Name string
	Spec *OpSpec
	Args map[string]float64 // every numeric parameter of Spec, defaults filled in
	Text map[string]string  // every enumerated parameter of Spec, defaults filled in
}

// Arg returns the value of the named argument as an int.
func (o *Op) Arg(name string) int { return int(o.Args[name]) }

// TerminalKind tells primitives from topologies.
type TerminalKind int

const (
	Primitive TerminalKind = iota // arity 0: an operation on a tensor
	Topology                      // arity n: how n sub-functions are wired
)

func (k TerminalKind) String() string {
	if k == Topology {
		return "topology"
	}
	return "primitive"
}

// Terminal is a grammar terminal: a primitive (Ops set) or a topology (Topo
// set).
type Terminal struct {
	Pos  Pos
	Name string
	Kind TerminalKind
	Ops  []*Op     // primitive
	Topo *TopoBody // topology

	zero      int8   // set by Check: 1 not zero, 2 zero (see Zero)
	labelHash uint64 // of Name, for kernel graph IDs
	klab      int32  // set by Check: index of Name in Grammar.klabels
	slot      int    // set by Check: 1 + index in counts of a count(T) constraint, or 0
	costs     atomic.Pointer[[]primCost]
}

// Arity is the number of arguments a terminal takes.
func (t *Terminal) Arity() int {
	if t.Kind == Topology {
		return len(t.Topo.Params)
	}
	return 0
}

// Inputs is the terminal's tensor arity: how many tensors it takes when a
// topology applies it. A topology takes one (its `in`); a primitive takes
// as many as its first operation (2 for a binary function such as add).
func (t *Terminal) Inputs() int {
	if t.Kind == Primitive && len(t.Ops) > 0 {
		return t.Ops[0].Spec.Arity()
	}
	return 1
}

// TopoBody is a topology's parameters (slots) and its nodes in order; the
// last node is `out`. SlotInputs gives each slot's tensor arity, the
// number of inputs the body applies it to (1, or 2 for a binary slot).
type TopoBody struct {
	Params     []string
	SlotInputs []int
	Nodes      []*TopoNode

	// Set by Check (prepare): the compiled body and, for bodies of at
	// most tableSlots slots, connectivity and plans for every zero mask.
	prog  *TopoProgram
	conn  []bool
	plans [][]bool
}

// TopoNode is a named node that sums its terms.
type TopoNode struct {
	Name string
	Sum  []*TopoExpr
}

// TopoExpr is `in`, a reference to an earlier node (Slot < 0, Ref set), or
// slot number Slot applied to Args.
type TopoExpr struct {
	Slot int
	Ref  string
	Args []*TopoExpr
}

// Rule is a nonterminal and its productions.
type Rule struct {
	Pos    Pos
	Name   string
	Alts   []*Production
	Shared bool // derived once per architecture, reused at every occurrence

	recursive bool // on a cycle of rules
	minBudget int  // smallest depth budget that lets it derive a finite term
	idx       int  // index in Grammar.Rules
	// table holds every derivation of a closed rule with its probability
	// (memo.go); nil for other rules. tabled finds them by structural
	// hash, for the parser to share them as the sampler does.
	table  *[2][]tentry
	tabled map[[2]uint64]*Derivation
}

// Recursive reports whether the rule can derive itself.
func (r *Rule) Recursive() bool { return r.recursive }

// Production is one alternative of a rule.
type Production struct {
	Pos   Pos
	Rule  *Rule
	Index int
	// needs is the depth budget the production needs below its rule, set
	// by Check once termination is known (see need).
	needs int
	nkids int // nonterminal occurrences on the right side
	// flat: the right side is one topology call (of at most 64 slots)
	// whose arguments are all tabulated nonterminals (Sampler.deriveFlat).
	flat   bool
	Weight float64
	Sym    *Sym
}

// Sym is a symbol occurrence on the right side of a production: a
// nonterminal (Rule set) or a terminal (Terminal set) applied to Args.
type Sym struct {
	Pos      Pos
	Name     string
	Rule     *Rule
	Terminal *Terminal
	Args     []*Sym

	argStart []int // set by Check: each argument's first kid (argKidStart)
	// coarse is a topology call's label in the kernel graphs of hierarchy
	// levels: "D1 Linear3" for the whole right side of a production of D1,
	// the topology's name for a call nested in one.
	coarse     string
	coarseHash uint64 // labelHash(coarse)
	coarseLab  int32  // index of coarse in Grammar.klabels
}

// TrainSettings is the training recipe of the `train {}` block. Each
// field maps onto the runtime's train.Config of the same name.
type TrainSettings struct {
	Dataset     string // mnist, addnist, cifar10 or synthetic
	Epochs      int
	Steps       int // replaces Epochs when > 0
	Batch       int
	Subset      int // training images, 0 = all
	Validation  int // validation images carved from the training set, 0 = none
	Test        int // test images, 0 = all
	Optimizer   string
	LR          float64
	Momentum    float64 // sgd
	Nesterov    bool    // sgd
	Beta1       float64 // adam
	Beta2       float64 // adam
	WeightDecay float64
	Schedule    string // none or cosine
	// Objective is what a candidate reports for the search to maximise:
	// accuracy (after training; the default) or naswot, the NASWOT score
	// at initialisation on one minibatch (zero-cost: no training).
	Objective string
	// Augment is the data augmentation of the training batches: none (or
	// ""), flip (a random horizontal flip) or crop_flip (a random crop of
	// the image zero-padded by max(1, H/8) pixels, then a random flip).
	Augment string
}

// Augments are the values of the `augment` train setting.
var Augments = []string{"none", "flip", "crop_flip"}

// Datasets are the datasets a `train {}` block may name, with the image
// shape and class count each one has (a zero Shape for synthetic, which
// takes the file's).
var Datasets = map[string]struct {
	Input   Shape
	Classes int
}{
	"mnist":     {Shape{1, 28, 28}, 10},
	"addnist":   {Shape{3, 28, 28}, 20},
	"cifar10":   {Shape{3, 32, 32}, 10},
	"synthetic": {},
}

// DatasetFits returns an error unless the dataset name exists and has
// images of shape in and classes classes (synthetic fits any).
func DatasetFits(name string, in Shape, classes int) error {
	d, ok := Datasets[name]
	switch {
	case !ok:
		return fmt.Errorf("unknown dataset %q: want mnist, addnist, cifar10 or synthetic", name)
	case d.Classes != 0 && (d.Input != in || d.Classes != classes):
		return fmt.Errorf("dataset %s has images of %v in %d classes, but the space declares input image%v and classes(%d)", name, d.Input, d.Classes, in, classes)
	}
	return nil
}

// Optimizers' defaults, which an `optimizer` setting starts from.
var (
	DefaultSGD  = TrainSettings{Optimizer: "sgd", LR: 0.05, Momentum: 0.9}
	DefaultAdam = TrainSettings{Optimizer: "adam", LR: 0.001, Beta1: 0.9, Beta2: 0.999}
)

// SearchSettings is the `search {}` block.
type SearchSettings struct {
	Strategy    string
	Evaluations int
	Seed        uint64
	MaxDepth    int           // bound on nested expansions of recursive rules
	Timeout     time.Duration // per candidate, training and evaluation

	// Pool and Generations bound BO's acquisition optimiser, the
	// grammar-guided evolution (paper-spec §4.5): the population size
	// (0 = the paper's 200) and the most generations (0 = the paper's 50;
	// at least min(10, Generations) run).
	Pool        int
	Generations int

	// Executor runs the candidates: "" or "local" on this machine,
	// "slurm" as Slurm batch jobs. The fields below configure the slurm
	// executor (see docs/slurm.md).
	Executor  string
	Partition string        // sbatch --partition; "" = the cluster's default
	SlurmTime time.Duration // sbatch --time; 0 = timeout plus a margin
	CPUs      int           // sbatch --cpus-per-task; 0 = 1
	Mem       string        // sbatch --mem, e.g. "2G"; "" = the cluster's default
	Sbatch    string        // more sbatch arguments, separated by spaces
}

// Strategies are the search strategies `search { strategy NAME }` takes:
// BOHNAS (BO with the hierarchical WL kernel), NASBOWL (BO with the WL
// kernel), BO with the NASBOT kernel, regularized evolution, random.
var Strategies = []string{"bohnas", "nasbowl", "nasbot", "evolution", "random"}

// DefaultTrain and DefaultSearch are the settings a file gets for what its
// blocks leave out.
var (
	DefaultTrain = TrainSettings{Dataset: "mnist", Epochs: 1, Batch: 64, Subset: 2000, Test: 2000,
		Optimizer: "sgd", LR: 0.05, Momentum: 0.9, Schedule: "none"}
	DefaultSearch = SearchSettings{Strategy: "random", Evaluations: 6, Seed: 1, MaxDepth: 3,
		Timeout: 5 * time.Minute}
)

// Constraint is a typed `constraint` line: Measure (params, flops, depth
// or count, the latter of the terminal Arg) compared by Op with Limit.
type Constraint struct {
	Pos     Pos
	Measure string
	Arg     string
	Op      string // <, <=, >, >=, ==, !=
	Limit   float64
}

// String is the constraint's measure, e.g. `params` or `count(conv3x3)`.
func (k Constraint) String() string {
	if k.Arg != "" {
		return k.Measure + "(" + k.Arg + ")"
	}
	return k.Measure
}
