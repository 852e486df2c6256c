package session

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrUnknownNode reports a fetch or feed name the graph does not declare.
	ErrUnknownNode = graph.ErrUnknownNode
	// ErrClosed reports use of a closed session.
	ErrClosed = errors.New("session: closed")
	// ErrShape reports a feed or state value of the wrong size.
	ErrShape = errors.New("session: shape mismatch")
	// ErrNoSession reports use of a nil *Session or of a zero Session (one
	// not made by New).
	ErrNoSession = errors.New("session: no session (nil or zero Session; make one with session.New)")
)

// Feeds maps input (or state) names to values, row-major, converted to the
// graph's dtype; a single value fills the whole tensor. It is TF's feed_dict.
type Feeds map[string][]float64

// slot is a host value bound to a graph node: a state, an input or a param.
type slot struct {
	name string
	node *gorgonia.Node
	val  gorgonia.Value // *tensor.Dense, *gorgonia.F64 or *gorgonia.F32
	f64  []float64      // backing of val when it is a float64 tensor
	f32  []float32      // backing of val when it is a float32 tensor
	sc64 *gorgonia.F64
	sc32 *gorgonia.F32
	next *gorgonia.Value // the read of the state's next value (states only)
	size int
	kind string // "state", "input" or "param"
	ref  View   // the tensor's values (StateRef), kept in step with val
	// pp, for a state the lean executor carries by swapping programs,
	// holds its buffer in each program: pp[p] is what program p reads.
	pp *[2]binding
	// own: the lean executor keeps the state inside the output of the op
	// that computes its next value (StateUpdater), so its next value is
	// its own memory and the carry does nothing.
	own bool
}

// binding is a slot's value and its typed views.
type binding struct {
	val  gorgonia.Value
	f64  []float64
	f32  []float32
	sc64 *gorgonia.F64
	sc32 *gorgonia.F32
}

// bindingOf returns v's binding (v: *tensor.Dense of float64 or float32,
// *gorgonia.F64 or *gorgonia.F32).
func bindingOf(v gorgonia.Value) (binding, error) {
	b := binding{val: v}
	switch x := v.(type) {
	case *gorgonia.F64:
		b.sc64 = x
	case *gorgonia.F32:
		b.sc32 = x
	case *tensor.Dense:
		switch d := x.Data().(type) {
		case []float64:
			b.f64 = d
		case []float32:
			b.f32 = d
		default:
			return binding{}, fmt.Errorf("unsupported data %T", d)
		}
	default:
		return binding{}, fmt.Errorf("unsupported value %T", v)
	}
	return b, nil
}

// use makes b the slot's current value.
func (s *slot) use(b binding) {
	s.val, s.f64, s.f32, s.sc64, s.sc32 = b.val, b.f64, b.f32, b.sc64, b.sc32
	s.ref = View{F64: b.f64, F32: b.f32}
}

func newSlot(name string, n *gorgonia.Node, init []float64) (*slot, error) {
	s := &slot{name: name, node: n, size: n.Shape().TotalSize()}
	if n.IsScalar() {
		s.size = 1
	}
	dt := n.Dtype()
	switch {
	case n.IsScalar() && dt == tensor.Float64:
		s.sc64 = gorgonia.NewF64(0)
		s.val = s.sc64
	case n.IsScalar() && dt == tensor.Float32:
		s.sc32 = gorgonia.NewF32(0)
		s.val = s.sc32
	case dt == tensor.Float64:
		s.f64 = make([]float64, s.size)
		s.val = tensor.New(tensor.WithShape(n.Shape()...), tensor.WithBacking(s.f64))
	case dt == tensor.Float32:
		s.f32 = make([]float32, s.size)
		s.val = tensor.New(tensor.WithShape(n.Shape()...), tensor.WithBacking(s.f32))
	default:
		return nil, fmt.Errorf("session: %q: unsupported dtype %v", name, dt)
	}
	s.ref = View{F64: s.f64, F32: s.f32}
	if init != nil {
		if err := s.set(init); err != nil {
			return nil, err
		}
	}
	if err := gorgonia.Let(n, s.val); err != nil {
		return nil, fmt.Errorf("session: binding %q: %w", name, err)
	}
	return s, nil
}

// set copies vals (one per element, or one for all) into the slot.
func (s *slot) set(vals []float64) error {
	if len(vals) != s.size && len(vals) != 1 {
		return fmt.Errorf("%w: %q holds %d values, got %d", ErrShape, s.name, s.size, len(vals))
	}
	switch {
	case s.sc64 != nil:
		*s.sc64 = gorgonia.F64(vals[0])
	case s.sc32 != nil:
		*s.sc32 = gorgonia.F32(vals[0])
	case s.f64 != nil && len(vals) == 1:
		for i := range s.f64 {
			s.f64[i] = vals[0]
		}
	case s.f64 != nil:
		copy(s.f64, vals)
	case len(vals) == 1:
		for i := range s.f32 {
			s.f32[i] = float32(vals[0])
		}
	default:
		for i, x := range vals {
			s.f32[i] = float32(x)
		}
	}
	return nil
}

func (s *slot) fill(x float64) {
	switch {
	case s.sc64 != nil:
		*s.sc64 = gorgonia.F64(x)
	case s.sc32 != nil:
		*s.sc32 = gorgonia.F32(x)
	case s.f64 != nil:
		for i := range s.f64 {
			s.f64[i] = x
		}
	default:
		for i := range s.f32 {
			s.f32[i] = float32(x)
		}
	}
}

// get copies the slot's values into dst (len = size) as float64.
func (s *slot) get(dst []float64) {
	switch {
	case s.sc64 != nil:
		dst[0] = float64(*s.sc64)
	case s.sc32 != nil:
		dst[0] = float64(*s.sc32)
	case s.f64 != nil:
		copy(dst, s.f64)
	default:
		for i, x := range s.f32 {
			dst[i] = float64(x)
		}
	}
}

// load copies a value computed by the VM into the slot.
func (s *slot) load(v gorgonia.Value) error {
	switch v := v.(type) {
	case *tensor.Dense:
		if v.DataSize() != s.size {
			return fmt.Errorf("%w: %q holds %d values, its next value %d", ErrShape, s.name, s.size, v.DataSize())
		}
		switch {
		case s.f64 != nil && v.Dtype() == tensor.Float64:
			copy(s.f64, v.Float64s())
			return nil
		case s.f32 != nil && v.Dtype() == tensor.Float32:
			copy(s.f32, v.Float32s())
			return nil
		case s.sc64 != nil && v.Dtype() == tensor.Float64:
			*s.sc64 = gorgonia.F64(v.Float64s()[0])
			return nil
		case s.sc32 != nil && v.Dtype() == tensor.Float32:
			*s.sc32 = gorgonia.F32(v.Float32s()[0])
			return nil
		}
	case *gorgonia.F64:
		if s.sc64 != nil {
			*s.sc64 = *v
			return nil
		}
	case *gorgonia.F32:
		if s.sc32 != nil {
			*s.sc32 = *v
			return nil
		}
	}
	return fmt.Errorf("session: %q: cannot load a %T (%v) into a %v state", s.name, v, dtypeOf(v), s.node.Dtype())
}

func dtypeOf(v gorgonia.Value) any {
	if v == nil {
		return "nil"
	}
	return v.Dtype()
}

// Option configures a Session. Options do not depend on their order;
// options that contradict each other make New return an error.
type Option func(*config)

// Executor is what runs a session's graph each step.
type Executor int

const (
	// Lean (the default) runs the graph's op nodes in topological order
	// over buffers allocated once, when the session is made: each node's
	// op is a closure over its output buffer and its inputs' buffers. It
	// allocates nothing per step (for the ops of package ops and gorgonia's
	// elementwise +, -, ⊙, ÷ and W·x; other ops run through their own
	// UsePreallocDo or Do) and computes what the tape machine computes, bit
	// for bit (same operations in the same order, the same BLAS call for
	// W·x). Every node keeps its value until the next run, so any node can
	// be read (Value, NodeValue). A state whose next value is an op's
	// output (or a part of one, ops.Part) is carried without a copy: the
	// graph is compiled into two programs that write those ops into
	// buffers of their own and read their states from the other's, and
	// each step runs the other program, so the carry swaps buffers.
	Lean Executor = iota
	// TapeMachine runs the graph with gorgonia's tape machine, which
	// allocates its buffers on every run and keeps only the values read
	// through planned Read nodes (outputs and next values).
	TapeMachine
)

// String returns "lean" or "tape".
func (e Executor) String() string {
	switch e {
	case Lean:
		return "lean"
	case TapeMachine:
		return "tape"
	}
	return fmt.Sprintf("Executor(%d)", int(e))
}

type config struct {
	vmOpts     []gorgonia.VMOpt
	checkNaN   bool
	executors  []Executor
	timer      bool
	stateCheck []StateCheck
}

// WithNaNWatch makes every run fail with an error naming the node when an op
// produces NaN or Inf (gorgonia's WithNaNWatch and WithInfWatch on the tape
// machine; a check of every op's output on the lean executor).
func WithNaNWatch() Option {
	return func(c *config) { c.checkNaN = true }
}

// WithVMOptions passes options to gorgonia's tape machine (logging,
// tracing). They apply to the tape machine only: New returns an error when
// they are given without WithTapeMachine.
func WithVMOptions(opts ...gorgonia.VMOpt) Option {
	return func(c *config) { c.vmOpts = append(c.vmOpts, opts...) }
}

// WithExecutor selects the executor (Lean, the default, or TapeMachine).
func WithExecutor(e Executor) Option {
	return func(c *config) { c.executors = append(c.executors, e) }
}

// WithTapeMachine selects gorgonia's tape machine: WithExecutor(TapeMachine).
func WithTapeMachine() Option { return WithExecutor(TapeMachine) }

// WithOpTimer makes the lean executor time every op node (cumulative time
// and number of runs, read with OpTimes). Without it no clock is read.
// New returns an error when it is given with the tape machine.
func WithOpTimer() Option {
	return func(c *config) { c.timer = true }
}

// StateCheck checks a state after a step: name is the state's name and
// vals its values (valid during the call only). A non-nil error stops the
// run; Step and Steps return it wrapped with the sample and the name.
type StateCheck func(name string, vals View) error

// WithStateCheck calls check for every tensor state after every step (Step
// and each step of Steps), after the carry. Several checks run in the
// order given. Without it nothing is called.
func WithStateCheck(check StateCheck) Option {
	return func(c *config) { c.stateCheck = append(c.stateCheck, check) }
}

// executor returns the chosen executor, or an error for contradicting
// options.
func (c *config) executor() (Executor, error) {
	e := Lean
	for i, x := range c.executors {
		if x != Lean && x != TapeMachine {
			return 0, fmt.Errorf("session: WithExecutor(%v) is unknown", x)
		}
		if i > 0 && x != e {
			return 0, fmt.Errorf("session: WithExecutor(%v) and WithExecutor(%v) contradict each other", e, x)
		}
		e = x
	}
	if e == Lean && len(c.vmOpts) > 0 {
		return 0, errors.New("session: WithVMOptions applies to the tape machine only (add WithTapeMachine)")
	}
	if e == TapeMachine && c.timer {
		return 0, errors.New("session: WithOpTimer applies to the lean executor only")
	}
	for i, f := range c.stateCheck {
		if f == nil {
			return 0, fmt.Errorf("session: WithStateCheck %d: nil check", i)
		}
	}
	return e, nil
}

// Session compiles a graph once and runs it step by step, carrying the state
// on the host.
type Session struct {
	g  *graph.Graph
	vm gorgonia.VM // the tape machine, or nil
	// leans is the lean executor (nil for the tape machine): one program,
	// or two that carry the states by taking turns (see pingPong): cur
	// runs next, ran ran last; reads[p] points the session's reads at
	// program p's buffers.
	leans    []*lean
	cur, ran int
	leanRead [][]readBind
	checks   []StateCheck
	states   []*slot
	slots    map[string]*slot           // states, inputs and params by name
	reads    map[string]*gorgonia.Value // nexts and outputs by name
	sample   int
	closed   bool
}

// New compiles g and binds its states (to their initial values), inputs (to
// zeros) and params. A graph can be compiled by one session only: New adds
// read nodes to it (for the tape machine) and binds values to its nodes.
func New(g *graph.Graph, opts ...Option) (s *Session, err error) {
	if g == nil {
		return nil, errors.New("session: nil graph")
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	var c config
	for i, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("session: New: option %d is nil", i)
		}
		o(&c)
	}
	exe, err := c.executor()
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("session: compiling the graph: gorgonia panicked: %v", r)
		}
	}()
	if err := g.MarkCompiled(); err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s = &Session{g: g, slots: map[string]*slot{}, reads: map[string]*gorgonia.Value{}, checks: c.stateCheck}
	for _, st := range g.States() {
		sl, err := newSlot(st.Name, st.Node, st.Init)
		if err != nil {
			return nil, err
		}
		sl.kind = "state"
		sl.next = new(gorgonia.Value)
		s.reads[st.Name+graph.NextSuffix] = sl.next
		s.states = append(s.states, sl)
		s.slots[st.Name] = sl
	}
	for _, in := range g.Inputs() {
		sl, err := newSlot(in.Name, in.Node, nil)
		if err != nil {
			return nil, err
		}
		sl.kind = "input"
		s.slots[in.Name] = sl
	}
	for _, p := range g.Params() {
		sl, err := paramSlot(p)
		if err != nil {
			return nil, err
		}
		s.slots[p.Name] = sl
	}
	outputs := map[string]*gorgonia.Node{}
	for _, o := range g.Outputs() {
		if _, dup := s.reads[o.Name]; dup {
			continue
		}
		s.reads[o.Name] = new(gorgonia.Value)
		outputs[o.Name] = o.Node
	}
	if exe == Lean {
		if err := s.compileLean(c); err != nil {
			return nil, err
		}
		if err := s.bindLeanReads(outputs); err != nil {
			return nil, err
		}
		return s, nil
	}
	for _, sl := range s.states {
		st, _ := g.Node(sl.name + graph.NextSuffix)
		gorgonia.Read(st, sl.next)
	}
	for name, n := range outputs {
		gorgonia.Read(n, s.reads[name])
	}
	vmOpts := append([]gorgonia.VMOpt(nil), c.vmOpts...)
	if c.checkNaN {
		vmOpts = append(vmOpts, gorgonia.WithNaNWatch(), gorgonia.WithInfWatch())
	}
	s.vm = gorgonia.NewTapeMachine(g.ExprGraph(), vmOpts...)
	return s, nil
}

// compileLean compiles the lean executor: two programs that take turns
// when some states can be carried by swapping them (pingPong; each reads
// its states from the buffers the other writes, so the carry copies
// nothing), else one.
func (s *Session) compileLean(c config) error {
	ownOut, ownBind, own, err := updateInPlace(s.g, s.slots)
	if err != nil {
		return err
	}
	for sl := range own {
		b, err := bindingOf(ownBind[sl.node])
		if err != nil {
			return fmt.Errorf("session: state %q: %w", sl.name, err)
		}
		if err := copyValue(b.val, sl.val); err != nil { // the initial state
			return fmt.Errorf("session: state %q: %w", sl.name, err)
		}
		sl.own = true
		sl.use(b)
	}
	defer func() { // Run restores the states that ops update in place
		for _, l := range s.leans {
			for sl := range own {
				l.inplace = append(l.inplace, sl.val)
			}
		}
	}()
	targets, next, err := pingPong(s.g, s.slots, own)
	if err != nil {
		return err
	}
	for sl, n := range next {
		if _, inPlace := ownOut[targets[n]]; inPlace {
			delete(next, sl) // an op that updates in place has one output buffer: copy this one
		}
	}
	if len(next) == 0 {
		l, err := compileLean(s.g, s.slots, c, ownBind, ownOut)
		if err != nil {
			return err
		}
		s.leans = []*lean{l}
		return nil
	}
	var bufs, binds [2]map[*gorgonia.Node]gorgonia.Value
	for p := range bufs {
		bufs[p], binds[p] = maps.Clone(ownOut), maps.Clone(ownBind)
		for _, o := range targets {
			if _, ok := bufs[p][o]; ok {
				continue
			}
			if bufs[p][o], err = newBuffer(o); err != nil {
				return fmt.Errorf("session: node %q: %w", nodeName(s.g, o), err)
			}
		}
	}
	// Program p reads its states from what program 1-p writes.
	for sl, n := range next {
		o := targets[n]
		for p := range binds {
			v := bufs[1-p][o]
			if n != o {
				if v, err = n.Op().(Viewer).View([]gorgonia.Value{v}); err != nil {
					return fmt.Errorf("session: state %q: %w", sl.name, err)
				}
			}
			binds[p][sl.node] = v
		}
	}
	s.leans = make([]*lean, 2)
	for p := range s.leans {
		if s.leans[p], err = compileLean(s.g, s.slots, c, binds[p], bufs[p]); err != nil {
			return err
		}
	}
	if len(s.leans[0].prog) != len(s.leans[1].prog) {
		return fmt.Errorf("session: the two lean programs have %d and %d ops", len(s.leans[0].prog), len(s.leans[1].prog))
	}
	s.leans[1].calls, s.leans[1].total = s.leans[0].calls, s.leans[0].total // one timer
	for sl := range next {
		var pp [2]binding
		for p := range pp {
			if pp[p], err = bindingOf(binds[p][sl.node]); err != nil {
				return fmt.Errorf("session: state %q: %w", sl.name, err)
			}
		}
		if err := copyValue(pp[0].val, sl.val); err != nil { // the initial state
			return fmt.Errorf("session: state %q: %w", sl.name, err)
		}
		sl.pp = &pp
		sl.use(pp[0])
	}
	return nil
}

// readBind points one of the session's reads at a program's buffer.
type readBind struct {
	into *gorgonia.Value
	v    gorgonia.Value
}

// bindLeanReads points every next value and output at its node's buffer in
// each program. A buffer that is a copied state's own tensor (a next value
// that is another state, as in a delay line) is read through a copy made
// after each run, so that the carry, which overwrites those states in
// turn, reads the values of the run.
func (s *Session) bindLeanReads(outputs map[string]*gorgonia.Node) error {
	owned := func(v gorgonia.Value) bool {
		for _, sl := range s.states {
			if sl.pp == nil && !sl.own && sharesMemory(v, sl.val) {
				return true
			}
		}
		return false
	}
	s.leanRead = make([][]readBind, len(s.leans))
	for p, l := range s.leans {
		bind := func(name string, n *gorgonia.Node, into *gorgonia.Value) error {
			v, ok := l.value(n)
			if !ok {
				return fmt.Errorf("session: %q has no value in the lean program", name)
			}
			if owned(v) {
				c, err := cloneZero(v)
				if err != nil {
					return fmt.Errorf("session: %q: %w", name, err)
				}
				l.snaps = append(l.snaps, snapshot{dst: c, src: v})
				v = c
			}
			s.leanRead[p] = append(s.leanRead[p], readBind{into: into, v: v})
			return nil
		}
		for _, sl := range s.states {
			n, err := s.g.Node(sl.name + graph.NextSuffix)
			if err != nil {
				return fmt.Errorf("session: %w", err)
			}
			if err := bind(sl.name+graph.NextSuffix, n, sl.next); err != nil {
				return err
			}
		}
		names := make([]string, 0, len(outputs))
		for name := range outputs {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if err := bind(name, outputs[name], s.reads[name]); err != nil {
				return err
			}
		}
	}
	s.pointReads(0)
	return nil
}

// pointReads points the reads at program p's buffers.
func (s *Session) pointReads(p int) {
	for _, r := range s.leanRead[p] {
		*r.into = r.v
	}
}

// cloneZero returns a new zeroed value like v.
func cloneZero(v gorgonia.Value) (gorgonia.Value, error) {
	switch x := v.(type) {
	case *gorgonia.F64:
		return gorgonia.NewF64(0), nil
	case *gorgonia.F32:
		return gorgonia.NewF32(0), nil
	case *tensor.Dense:
		return tensor.New(tensor.WithShape(x.Shape().Clone()...), tensor.Of(x.Dtype())), nil
	}
	return nil, fmt.Errorf("cannot copy a %T", v)
}

// Executor returns the session's executor (Lean for a nil Session).
func (s *Session) Executor() Executor {
	if s != nil && s.vm != nil {
		return TapeMachine
	}
	return Lean
}

// OpTimes returns, for every op node in the order the lean executor runs
// them, the time spent in it and its number of runs since New (both zero
// without WithOpTimer). It returns nil for the tape machine.
func (s *Session) OpTimes() []OpTime {
	if s == nil || s.leans == nil {
		return nil
	}
	return s.leans[0].times()
}

// Value returns the value the node name held in the last run: on the lean
// executor any named node (a state or input holds its current value; a
// next value, an output or any node named through graph.Builder.Output
// holds the value of the last run); on the tape machine a state, input,
// param, output or next value (as Fetched). The value belongs to the
// session and is valid until the next run.
func (s *Session) Value(name string) (gorgonia.Value, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if r, ok := s.reads[name]; ok {
		return *r, nil
	}
	if sl, ok := s.slots[name]; ok {
		return sl.val, nil
	}
	n, err := s.g.Node(name)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return s.NodeValue(n)
}

// NodeValue returns the value the node n (any node of the graph, named or
// not) held in the last run of the lean executor; see Value. On the tape
// machine it returns an error unless n is a bound state, input or param.
func (s *Session) NodeValue(n *gorgonia.Node) (gorgonia.Value, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	for _, sl := range s.slots {
		if sl.node == n {
			return sl.val, nil
		}
	}
	if s.leans == nil {
		return nil, errLeanOnly
	}
	l := s.leans[s.ran]
	v, ok := l.value(n)
	if !ok {
		// gorgonia may hold an equal node in n's place (it merges
		// constants by name): look it up by name.
		for _, m := range s.g.ExprGraph().ByName(n.Name()) {
			if v, ok = l.value(m); ok {
				break
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("session: %w: node %v is not in the session's graph", ErrUnknownNode, n)
	}
	return v, nil
}

// usable returns ErrNoSession for a nil or zero Session, else nil.
func (s *Session) usable() error {
	if s == nil || (s.vm == nil && s.leans == nil) {
		return ErrNoSession
	}
	return nil
}

// Close releases the VM. A closed session returns ErrClosed from every
// other method; closing it again does nothing. A nil or zero Session
// returns ErrNoSession.
func (s *Session) Close() error {
	if err := s.usable(); err != nil {
		return err
	}
	if s.closed {
		return nil
	}
	s.closed = true
	if s.vm == nil {
		return nil
	}
	return s.vm.Close()
}

// Graph returns the session's graph (nil for a nil Session).
func (s *Session) Graph() *graph.Graph {
	if s == nil {
		return nil
	}
	return s.g
}

// Sample returns the index of the sample the state holds: the number of
// steps taken since New (0 for a nil Session).
func (s *Session) Sample() int {
	if s == nil {
		return 0
	}
	return s.sample
}

func (s *Session) slot(name string) (*slot, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	sl, ok := s.slots[name]
	if !ok {
		return nil, fmt.Errorf("session: %w: %q", ErrUnknownNode, name)
	}
	return sl, nil
}

// SetInput copies values into the input (or state) name; it implements
// graph.InputWriter.
func (s *Session) SetInput(name string, values []float64) error {
	sl, err := s.slot(name)
	if err != nil {
		return err
	}
	if sl.kind == "param" {
		return fmt.Errorf("session: %q is a param, not an input", name)
	}
	return sl.set(values)
}

// FillInput sets every element of the input name to x; it implements
// graph.InputWriter.
func (s *Session) FillInput(name string, x float64) error {
	sl, err := s.slot(name)
	if err != nil {
		return err
	}
	if sl.kind == "param" {
		return fmt.Errorf("session: %q is a param, not an input", name)
	}
	sl.fill(x)
	return nil
}

// State returns a copy of the current value of the state name, as float64.
func (s *Session) State(name string) ([]float64, error) {
	sl, err := s.slot(name)
	if err != nil {
		return nil, err
	}
	if sl.kind != "state" {
		return nil, fmt.Errorf("session: %q is not a state", name)
	}
	out := make([]float64, sl.size)
	sl.get(out)
	return out, nil
}

// SetState overwrites the state name (a single value fills it).
func (s *Session) SetState(name string, values []float64) error {
	sl, err := s.slot(name)
	if err != nil {
		return err
	}
	if sl.kind != "state" {
		return fmt.Errorf("session: %q is not a state", name)
	}
	return sl.set(values)
}

// paramSlot wraps a param's tensor (the graph's own, bound to its node)
// in a slot that reads and writes its backing array in place.
func paramSlot(p graph.Param) (*slot, error) {
	sl := &slot{name: p.Name, node: p.Node, val: p.Value, kind: "param"}
	d, ok := p.Value.(*tensor.Dense)
	switch {
	case ok && d.Dtype() == tensor.Float64:
		sl.f64 = d.Float64s()
		sl.size = len(sl.f64)
	case ok && d.Dtype() == tensor.Float32:
		sl.f32 = d.Float32s()
		sl.size = len(sl.f32)
	default:
		return nil, fmt.Errorf("session: param %q: unsupported value %T", p.Name, p.Value)
	}
	return sl, nil
}

// Param returns a copy of the current value of the param name (row-major,
// as float64). Changing the copy changes nothing in the session.
func (s *Session) Param(name string) ([]float64, error) {
	sl, err := s.slot(name)
	if err != nil {
		return nil, err
	}
	if sl.kind != "param" {
		return nil, fmt.Errorf("session: %q is a %s, not a param", name, sl.kind)
	}
	out := make([]float64, sl.size)
	sl.get(out)
	return out, nil
}

// SetParam copies values (one per element, row-major, converted to the
// graph's dtype; a single value fills the param) into the param name, for
// a training loop's update. The session keeps no reference to values. The
// copy is made in place into the tensor bound to the param's node, which is
// the graph's own graph.Param.Value (so Graph.Params sees the new value
// too): the compiled session stays valid, nothing is recompiled, and the
// next Run, Step or Steps uses the new value on either executor. Only
// graph params (Builder.Param) can be set; a parameter that a model bakes
// into an op's fields (a fused engine's per-neuron constants) is not a
// graph param, and a param that no node reads (as when a fused op holds
// the values as constants) is refused with an error that says so. A wrong
// number of values wraps ErrShape and changes nothing; a closed session
// returns ErrClosed.
func (s *Session) SetParam(name string, values []float64) error {
	sl, err := s.slot(name)
	if err != nil {
		return err
	}
	if sl.kind != "param" {
		return fmt.Errorf("session: %q is a %s, not a param", name, sl.kind)
	}
	if s.closed {
		return ErrClosed
	}
	if s.g.ExprGraph().To(sl.node.ID()).Len() == 0 {
		return fmt.Errorf("session: param %q is read by no node of the graph, so setting it would change nothing (a fused op may hold its value as a constant: build the fine-grained graph, network.Fine, to change it)", name)
	}
	return sl.set(values)
}

// View gives read access to a state's host values without copying: exactly
// one of F64 and F32 is non-nil (scalars are not viewable). The lean
// executor may carry a state by swapping its buffer with the next value's
// (see Executor), so the slices of StateView are the state's values until
// the next step; StateRef gives a View that follows the steps.
type View struct {
	F64 []float64
	F32 []float32
}

// StateView returns a View of the state name's current values, valid until
// the next step (Step, Steps; Run leaves the state as it is).
func (s *Session) StateView(name string) (View, error) {
	sl, err := s.slot(name)
	if err != nil {
		return View{}, err
	}
	if sl.kind != "state" || (sl.f64 == nil && sl.f32 == nil) {
		return View{}, fmt.Errorf("session: %q is not a tensor state", name)
	}
	return sl.ref, nil
}

// StateRef returns a View of the state name that follows the steps: the
// session updates *View after every step (the lean executor may carry a
// state by swapping buffers), so a recorder can take it once and read it
// at every sample. Read it only between steps.
func (s *Session) StateRef(name string) (*View, error) {
	sl, err := s.slot(name)
	if err != nil {
		return nil, err
	}
	if sl.kind != "state" || (sl.f64 == nil && sl.f32 == nil) {
		return nil, fmt.Errorf("session: %q is not a tensor state", name)
	}
	return &sl.ref, nil
}

// Fetched returns the value of the output or next value name computed by
// the last run. It is owned by the session and valid until the next run.
func (s *Session) Fetched(name string) (gorgonia.Value, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	r, ok := s.reads[name]
	if !ok {
		return nil, fmt.Errorf("session: %w: %q is not an output or next value", ErrUnknownNode, name)
	}
	return *r, nil
}

func (s *Session) feed(feeds Feeds) error {
	for name, v := range feeds {
		if err := s.SetInput(name, v); err != nil {
			return err
		}
	}
	return nil
}

// exec runs the graph once: the lean program, or the tape followed by a
// reset (without the reset the next run does nothing).
func (s *Session) exec() (err error) {
	if err := s.usable(); err != nil {
		return err
	}
	if s.closed {
		return ErrClosed
	}
	if s.leans != nil {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("session: run at sample %d: panicked: %v", s.sample, r)
			}
		}()
		s.ran = s.cur
		if len(s.leans) > 1 {
			s.pointReads(s.ran)
		}
		if err := s.leans[s.ran].run(); err != nil {
			return fmt.Errorf("session: run at sample %d: %w", s.sample, err)
		}
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("session: run at sample %d: gorgonia panicked: %v", s.sample, r)
		}
		s.vm.Reset()
	}()
	if err := s.vm.RunAll(); err != nil {
		return fmt.Errorf("session: run at sample %d: %w", s.sample, err)
	}
	return nil
}

// commit copies every next value into its state and runs the state checks.
func (s *Session) commit() error {
	for _, sl := range s.states {
		if sl.pp != nil || sl.own {
			continue // swapped below, or updated in place
		}
		if err := sl.load(*sl.next); err != nil {
			return err
		}
	}
	if len(s.leans) > 1 {
		s.cur = 1 - s.ran
		for _, sl := range s.states {
			if sl.pp != nil {
				sl.use(sl.pp[s.cur])
			}
		}
	}
	s.sample++
	for _, check := range s.checks {
		for _, sl := range s.states {
			if sl.f64 == nil && sl.f32 == nil {
				continue
			}
			if err := check(sl.name, sl.ref); err != nil {
				return fmt.Errorf("session: state check at sample %d: %q: %w", s.sample, sl.name, err)
			}
		}
	}
	return nil
}

// Run feeds feeds, evaluates the graph on the current state and returns the
// values named in fetches, in order, without advancing the state: TF's
// sess.run(fetches, feed_dict). A fetch names a state (its current value), a
// state's next value ("net/v:next"), an input, a param or an output, and on
// the lean executor any named node (a constant, say). The
// values are owned by the session and valid until its next run; Clone them
// to keep them.
func (s *Session) Run(fetches []string, feeds Feeds) ([]gorgonia.Value, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	out := make([]gorgonia.Value, len(fetches))
	for _, f := range fetches {
		if _, ok := s.reads[f]; ok {
			continue
		}
		if _, ok := s.slots[f]; ok {
			continue
		}
		if _, err := s.g.Node(f); err != nil || s.leans == nil {
			return nil, fmt.Errorf("session: fetch: %w: %q", ErrUnknownNode, f)
		}
	}
	if err := s.feed(feeds); err != nil {
		return nil, err
	}
	// States that ops overwrite in place are saved, and restored after the
	// run; a fetched value in their memory is returned as a copy.
	var inplace, saved []gorgonia.Value
	if s.leans != nil {
		inplace = s.leans[s.cur].inplace
		for _, v := range inplace {
			c, err := cloneValue(v)
			if err != nil {
				return nil, err
			}
			saved = append(saved, c)
		}
	}
	restore := func() error {
		for i, v := range inplace {
			if err := copyValue(v, saved[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.exec(); err != nil {
		if rerr := restore(); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, err
	}
	for i, f := range fetches {
		v, err := s.Value(f)
		if err != nil {
			return nil, err
		}
		for _, w := range inplace {
			if sharesMemory(v, w) {
				if v, err = cloneValue(v); err != nil {
					return nil, err
				}
				break
			}
		}
		out[i] = v
	}
	return out, restore()
}

// cloneValue returns a copy of v.
func cloneValue(v gorgonia.Value) (gorgonia.Value, error) {
	c, err := cloneZero(v)
	if err != nil {
		return nil, err
	}
	return c, copyValue(c, v)
}

// Step feeds feeds, runs one step and carries every state to its next value.
func (s *Session) Step(feeds Feeds) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := s.feed(feeds); err != nil {
		return err
	}
	if err := s.exec(); err != nil {
		return err
	}
	return s.commit()
}

// checkEvery is how often (in steps) Steps looks at its context.
const checkEvery = 32

// Steps runs n steps. Before each step feeder (if not nil) writes the step's
// inputs; every recorder sees the current sample before the first step and
// each new sample after a step. It checks ctx every few steps and returns
// ctx's error, wrapped, when it is done; the state then holds the last
// completed step. Our code allocates nothing per step (the recorders
// preallocate in Begin). A nil ctx or a nil recorder is an error.
func (s *Session) Steps(ctx context.Context, n int, feeder graph.Feeder, recorders ...Recorder) error {
	if err := s.usable(); err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("session: Steps: n = %d must be >= 0", n)
	}
	if ctx == nil {
		return errors.New("session: Steps: nil context (use context.Background())")
	}
	for i, r := range recorders {
		if r == nil {
			return fmt.Errorf("session: Steps: recorder %d is nil", i)
		}
	}
	if s.closed {
		return ErrClosed
	}
	for _, r := range recorders {
		if err := r.Begin(s, s.sample, n); err != nil {
			return fmt.Errorf("session: recorder: %w", err)
		}
	}
	record := func() error {
		for _, r := range recorders {
			if err := r.Record(s, s.sample); err != nil {
				return fmt.Errorf("session: recorder at sample %d: %w", s.sample, err)
			}
		}
		return nil
	}
	if err := record(); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("session: stopped at sample %d: %w", s.sample, err)
			}
		}
		if feeder != nil {
			if err := feeder.Feed(s.sample, s); err != nil {
				return fmt.Errorf("session: feeding step %d: %w", s.sample, err)
			}
		}
		if err := s.exec(); err != nil {
			return err
		}
		if err := s.commit(); err != nil {
			return err
		}
		if err := record(); err != nil {
			return err
		}
	}
	return nil
}
