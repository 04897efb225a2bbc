package nn

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Mode says whether a graph trains (BatchNorm uses batch statistics and
// updates the running ones) or evaluates (BatchNorm uses the running
// statistics).
type Mode int

// The graph modes.
const (
	Train Mode = iota
	Eval
)

func (m Mode) String() string {
	if m == Eval {
		return "eval"
	}
	return "train"
}

// X is a tensor in a graph under construction: NCHW (4-D) or (N, C) (2-D).
// The zero X is not a tensor.
type X struct {
	n *G.Node
}

// Shape returns a copy of x's shape, batch first.
func (x X) Shape() []int {
	if x.n == nil {
		return nil
	}
	return append([]int(nil), x.n.Shape()...)
}

// Dims returns the number of dimensions of x.
func (x X) Dims() int { return len(x.Shape()) }

// Node returns the gorgonia node behind x, for code that goes beyond this
// package's layers (tests, losses, readers).
func (x X) Node() *G.Node { return x.n }

// String returns x's shape, e.g. "(64, 16, 28, 28)".
func (x X) String() string {
	if x.n == nil {
		return "<nil>"
	}
	return fmt.Sprint(x.n.Shape())
}

// B builds one graph of a [Net]'s model. Its layer methods panic when the
// layer cannot be applied (wrong rank, mismatched shapes): a Model has no
// error result, and [Net.Build] turns the panic into an error.
type B struct {
	net   *Net
	g     *G.ExprGraph
	mode  Mode
	count map[string]int // layers of each kind so far, for names

	params []*G.Node  // parameter nodes in creation order
	nstats int        // BatchNorm layers so far
	wrt    []*G.Node  // nodes Grads differentiates with respect to
	flops  int64      // forward FLOPs of one image
	ws     *workspace // scratch memory of the graph's ops

	finished bool
	vm       G.VM
}

// NewBuilder starts a new, empty graph of n's model in the given mode.
func (n *Net) NewBuilder(mode Mode) *B {
	return &B{net: n, g: G.NewGraph(), mode: mode, count: map[string]int{}, ws: &workspace{}}
}

// Build builds m into a new graph on an input of the given shape (batch
// first) and finishes it (see [B.Finish]). A panic inside m is returned as an
// error.
func (n *Net) Build(mode Mode, m Model, shape ...int) (b *B, in, out X, err error) {
	b = n.NewBuilder(mode)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the %s graph: %v", mode, r)
		}
	}()
	in = b.Input("x", shape...)
	out = m(b, in)
	if out.n == nil {
		return b, in, out, fmt.Errorf("building the %s graph: the model returned no tensor", mode)
	}
	return b, in, out, b.Finish()
}

// Net returns the network whose state b's graph uses.
func (b *B) Net() *Net { return b.net }

// Mode returns the graph's mode.
func (b *B) Mode() Mode { return b.mode }

// Graph returns the gorgonia graph being built.
func (b *B) Graph() *G.ExprGraph { return b.g }

// ParamNodes returns this graph's parameter nodes, in the order of
// [Net.Params].
func (b *B) ParamNodes() []*G.Node { return b.params }

// FLOPs returns the forward floating-point operations of one image counted
// so far in this graph.
func (b *B) FLOPs() int64 { return b.flops }

func (b *B) dt() tensor.Dtype { return b.net.dtype.Tensor() }

// name returns a fresh name for a layer of the given kind: conv1, conv2...
func (b *B) name(kind string) string {
	b.count[kind]++
	return fmt.Sprintf("%s%d", kind, b.count[kind])
}

// Input adds an input placeholder of the given shape. Its value is set with
// gorgonia.Let before running the graph.
func (b *B) Input(name string, shape ...int) X {
	for _, d := range shape {
		if d <= 0 {
			panic(fmt.Sprintf("nn: input %q has shape %v; every dimension must be positive", name, shape))
		}
	}
	return X{G.NewTensor(b.g, b.dt(), len(shape), G.WithShape(shape...), G.WithName("in."+name))}
}

// param returns the node of the next parameter. The first build of the Net
// creates it with init; later builds reuse the value created by the first,
// after checking the shape.
func (b *B) param(name string, shape []int, init func(t *tensor.Dense)) *G.Node {
	if b.finished {
		panic("nn: a layer with parameters was added after Finish")
	}
	i := len(b.params)
	net := b.net
	var p *Param
	if !net.built {
		t := net.newTensor(shape...)
		init(t)
		p = &Param{Name: name, Value: t}
		net.params = append(net.params, p)
	} else {
		if i >= len(net.params) {
			panic(fmt.Sprintf("nn: %s is parameter %d, but the first build of this model created only %d: a Model must build the same layers every time", name, i+1, len(net.params)))
		}
		p = net.params[i]
		if !tensor.Shape(shape).Eq(p.Value.Shape()) {
			panic(fmt.Sprintf("nn: parameter %d (%s) has shape %v, but the first build of this model created %s with shape %v", i+1, name, tensor.Shape(shape), p.Name, p.Value.Shape()))
		}
	}
	// Unique names matter: gorgonia merges input nodes that hash alike.
	n := G.NewTensor(b.g, b.dt(), len(shape), G.WithShape(shape...),
		G.WithName(fmt.Sprintf("p%d.%s", i, name)), G.WithValue(p.Value))
	b.params = append(b.params, n)
	return n
}

// stats returns the running statistics of the next BatchNorm layer,
// creating them (mean 0, variance 1) in the first build.
func (b *B) stats(name string, channels int) *Stats {
	i := b.nstats
	b.nstats++
	net := b.net
	if !net.built {
		s := &Stats{Name: name, Mean: net.newTensor(channels), Var: net.newTensor(channels)}
		constant(s.Var, 1)
		net.stats = append(net.stats, s)
		return s
	}
	if i >= len(net.stats) {
		panic(fmt.Sprintf("nn: %s is BatchNorm %d, but the first build of this model had only %d", name, i+1, len(net.stats)))
	}
	s := net.stats[i]
	if got := s.Mean.Shape()[0]; got != channels {
		panic(fmt.Sprintf("nn: BatchNorm %d (%s) has %d channels, but %d in the first build", i+1, name, channels, got))
	}
	return s
}

// Finish checks that the graph created exactly the parameters and BatchNorm
// layers of the Net's first build; the first build fixes them. Finish is
// idempotent; [B.Machine] calls it.
func (b *B) Finish() error {
	if b.finished {
		return nil
	}
	net := b.net
	if !net.built {
		net.built = true
		net.flops = b.flops
	} else {
		if len(b.params) != len(net.params) {
			return fmt.Errorf("nn: the model created %d parameters, but %d in its first build", len(b.params), len(net.params))
		}
		if b.nstats != len(net.stats) {
			return fmt.Errorf("nn: the model created %d BatchNorm layers, but %d in its first build", b.nstats, len(net.stats))
		}
	}
	b.finished = true
	return nil
}

// Grads adds the gradient of the scalar loss with respect to every
// parameter, and to the extra nodes given (for tests), to the graph. Call it
// before [B.Machine]; the machine then accumulates each gradient into the
// node's dual value (read it with Node.Grad, and zero it after use).
func (b *B) Grads(loss X, extra ...X) error {
	if b.vm != nil {
		return errors.New("nn: Grads after Machine")
	}
	wrt := append([]*G.Node(nil), b.params...)
	for _, x := range extra {
		wrt = append(wrt, x.n)
	}
	if _, err := G.Grad(loss.n, wrt...); err != nil {
		return fmt.Errorf("nn: gradient: %w", err)
	}
	b.wrt = wrt
	return nil
}

// Read makes every run of the machine copy x's value into the returned
// Value. Call it before [B.Machine]. A copy is needed because gorgonia may
// overwrite an intermediate value in place later in the same run.
func (b *B) Read(x X) *G.Value {
	v := new(G.Value)
	G.Read(x.n, v)
	return v
}

// Machine compiles the graph into its tape machine. Create one machine per
// graph and reuse it for every run: gorgonia leaks memory when graphs and
// machines are rebuilt.
func (b *B) Machine() (vm G.VM, err error) {
	if b.vm != nil {
		return nil, errors.New("nn: the graph already has a machine")
	}
	if err := b.Finish(); err != nil {
		return nil, err
	}
	var opts []G.VMOpt
	if b.mode == Eval {
		opts = append(opts, G.EvalMode())
	}
	if len(b.wrt) > 0 {
		opts = append(opts, G.BindDualValues(b.wrt...))
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("nn: compiling the %s graph: %v", b.mode, r)
		}
	}()
	vm = G.NewTapeMachine(b.g, opts...)
	b.vm = vm
	return vm, nil
}

// Release frees the memory that b's graph keeps from run to run: the
// output tensors of nn's ops, the scratch memory they share, and the values
// gorgonia's machine bound to the graph's nodes. The parameters and
// BatchNorm statistics, which belong to the Net, stay. A program calls it
// when it is done with a graph, e.g. with the training graph before it
// evaluates, so that the evaluation graph reuses that memory instead of
// adding to the peak. The graph's machine must not run after Release;
// close it.
func (b *B) Release() {
	if b.vm != nil {
		b.vm.Reset() // drops the machine's registers
	}
	for _, n := range b.g.AllNodes() {
		if r, ok := n.Op().(interface{ release() }); ok {
			r.release()
		}
		if n.Op() != nil {
			unbind(n)
		}
	}
	b.ws.mu.Lock()
	b.ws.f32, b.ws.f64, b.ws.ints = nil, nil, [nslots][]int{}
	b.ws.mu.Unlock()
}

// unbind drops the value that a run bound to node n. gorgonia's own
// UnbindAllNonInputs hands the values to its tensor pool, which then gives
// memory still in use (a reshape's view, an op's kept output) to other
// tensors; so this clears the node's unexported field directly. If the
// field is not there (another gorgonia version), the value stays bound:
// only the memory is not freed.
func unbind(n *G.Node) {
	f := reflect.ValueOf(n).Elem().FieldByName("boundTo")
	if !f.IsValid() || f.Kind() != reflect.Interface || !f.CanAddr() {
		return
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.Zero(f.Type()))
}
