package graph

import (
	"fmt"
	"strconv"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Builder adds named nodes and operations to a Graph under a scope.
//
// Every method that can fail records the first error in the graph and returns
// nil; once an error is recorded, every method returns nil. Check Graph.Err
// (or the error returned by a model's Step) once at the end. A nil *Builder,
// or one of a nil or zero Graph, records nothing: its methods return nil and
// its Err returns ErrNoGraph.
type Builder struct {
	g      *Graph
	prefix string
}

// Graph returns the graph the builder adds to (nil for a nil Builder).
func (b *Builder) Graph() *Graph {
	if b == nil {
		return nil
	}
	return b.g
}

// Scope returns a builder for the sub-scope name ("exc" under "net" gives
// names "net/exc/...").
func (b *Builder) Scope(name string) *Builder {
	if b == nil {
		return &Builder{prefix: name + "/"}
	}
	if err := checkName(name); err != nil && !b.broken() {
		b.g.fail(fmt.Errorf("graph: scope %q: %w", b.prefix+name, err))
	}
	return &Builder{g: b.g, prefix: b.prefix + name + "/"}
}

// Name returns the full name of local in the builder's scope.
func (b *Builder) Name(local string) string {
	if b == nil {
		return local
	}
	return b.prefix + local
}

// Err returns the graph's first recorded error, or ErrNoGraph for a nil
// Builder or one of a nil or zero Graph.
func (b *Builder) Err() error {
	if b == nil {
		return ErrNoGraph
	}
	return b.g.Err()
}

// broken reports whether the builder must not add anything: it has no usable
// graph, or the graph holds an error.
func (b *Builder) broken() bool { return b.Err() != nil }

// CheckName reports whether s is a valid local name or scope: letters,
// digits, '_' and '.', starting with a letter or '_'. The error wraps
// ErrBadName.
func CheckName(s string) error { return checkName(s) }

func checkName(s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty", ErrBadName)
	}
	c := s[0]
	if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return fmt.Errorf("%w: %q must start with a letter or '_'", ErrBadName, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("%w: %q has %q (use letters, digits, '_' and '.')", ErrBadName, s, c)
		}
	}
	return nil
}

// fullName validates local and returns its scoped name, or "" after recording
// an error.
func (b *Builder) fullName(what, local string) string {
	if b.broken() {
		return ""
	}
	if err := checkName(local); err != nil {
		b.g.fail(fmt.Errorf("graph: %s %q: %w", what, b.prefix+local, err))
		return ""
	}
	name := b.prefix + local
	if _, dup := b.g.byName[name]; dup {
		b.g.fail(fmt.Errorf("graph: %s: %w: %q", what, ErrDuplicateName, name))
		return ""
	}
	return name
}

// register records name for n, or the duplicate-name error.
func (b *Builder) register(name, kind string, n *Node) bool {
	if err := b.g.register(name, kind, n); err != nil {
		b.g.fail(err)
		return false
	}
	return true
}

// do runs a gorgonia construction, recovering its panics, and records errors
// with the op's name.
func (b *Builder) do(op string, f func() (*Node, error)) (n *Node) {
	if b.broken() {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			b.g.fail(fmt.Errorf("graph: %s in scope %q: gorgonia panicked: %v", op, b.prefix, r))
			n = nil
		}
	}()
	before := len(b.g.eg.AllNodes())
	n, err := f()
	if err != nil {
		b.g.fail(fmt.Errorf("graph: %s in scope %q: %w", op, b.prefix, err))
		return nil
	}
	b.g.recordOrigins(b.prefix, before)
	return n
}

func (b *Builder) operands(op string, xs ...*Node) bool {
	if b.broken() {
		return false
	}
	for i, x := range xs {
		if x == nil {
			b.g.fail(fmt.Errorf("graph: %s in scope %q: operand %d is nil", op, b.prefix, i))
			return false
		}
	}
	return true
}

func shapeSize(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 1 {
			return 0, fmt.Errorf("%w: dimension %d in %v must be >= 1", ErrShape, d, shape)
		}
		n *= d
	}
	return n, nil
}

func newInput(eg *gorgonia.ExprGraph, dt tensor.Dtype, name string, shape []int) *Node {
	switch len(shape) {
	case 0:
		return gorgonia.NewScalar(eg, dt, gorgonia.WithName(name))
	case 1:
		return gorgonia.NewVector(eg, dt, gorgonia.WithName(name), gorgonia.WithShape(shape...))
	case 2:
		return gorgonia.NewMatrix(eg, dt, gorgonia.WithName(name), gorgonia.WithShape(shape...))
	}
	return gorgonia.NewTensor(eg, dt, len(shape), gorgonia.WithName(name), gorgonia.WithShape(shape...))
}

// State declares a state variable named local with the given shape (none
// for a scalar) and initial value (row-major, one value per element; a single
// value fills the shape). Its next value is set with SetNext.
func (b *Builder) State(local string, init []float64, shape ...int) *Node {
	if b.broken() {
		return nil
	}
	return b.newState(local, b.g.dtype, init, shape...)
}

func (b *Builder) newState(local string, dt tensor.Dtype, init []float64, shape ...int) *Node {
	name := b.fullName("state", local)
	if name == "" {
		return nil
	}
	size, err := shapeSize(shape)
	if err != nil {
		b.g.fail(fmt.Errorf("graph: state %q: %w", name, err))
		return nil
	}
	vals := make([]float64, size)
	switch len(init) {
	case size:
		copy(vals, init)
	case 1:
		for i := range vals {
			vals[i] = init[0]
		}
	default:
		b.g.fail(fmt.Errorf("graph: state %q: %w: %d initial values for shape %v", name, ErrShape, len(init), shape))
		return nil
	}
	n := b.do("state "+name, func() (*Node, error) { return newInput(b.g.eg, dt, name, shape), nil })
	if n == nil {
		return nil
	}
	if !b.register(name, "state", n) {
		return nil
	}
	s := &State{Name: name, Node: n, Init: vals}
	b.g.states = append(b.g.states, s)
	b.g.stateOf[n] = s
	return n
}

// SetNext pairs a state with the node holding its value after the step and
// registers that node as "<state>:next". The shapes and dtypes must match.
func (b *Builder) SetNext(state, next *Node) {
	if !b.operands("SetNext", state, next) {
		return
	}
	s := b.g.stateOf[state]
	if s == nil {
		b.g.fail(fmt.Errorf("graph: SetNext: %w: %v is not a state", ErrUnknownNode, state.Name()))
		return
	}
	if s.Next != nil {
		b.g.fail(fmt.Errorf("graph: SetNext: state %q already has a next value", s.Name))
		return
	}
	if !state.Shape().Eq(next.Shape()) {
		b.g.fail(fmt.Errorf("graph: SetNext %q: %w: state %v, next %v", s.Name, ErrShape, state.Shape(), next.Shape()))
		return
	}
	if state.Dtype() != next.Dtype() {
		b.g.fail(fmt.Errorf("graph: SetNext %q: %w: state %v, next %v", s.Name, ErrDtype, state.Dtype(), next.Dtype()))
		return
	}
	if !b.register(s.Name+NextSuffix, "next", next) {
		return
	}
	s.Next = next
}

// Input declares a per-step input (a feed) of the graph's dtype.
func (b *Builder) Input(local string, shape ...int) *Node {
	name := b.fullName("input", local)
	if name == "" {
		return nil
	}
	if _, err := shapeSize(shape); err != nil {
		b.g.fail(fmt.Errorf("graph: input %q: %w", name, err))
		return nil
	}
	n := b.do("input "+name, func() (*Node, error) { return newInput(b.g.eg, b.g.dtype, name, shape), nil })
	if n == nil {
		return nil
	}
	if !b.register(name, "input", n) {
		return nil
	}
	b.g.inputs = append(b.g.inputs, Input{Name: name, Node: n})
	return n
}

// Param declares a tensor fixed for the run (weights, per-neuron
// parameters), stored in the graph's dtype. data is row-major with one value
// per element of shape (no shape: a scalar, one value). A session reads and
// sets it with Param and SetParam; Grad differentiates with respect to it.
func (b *Builder) Param(local string, data []float64, shape ...int) *Node {
	name := b.fullName("param", local)
	if name == "" {
		return nil
	}
	size, err := shapeSize(shape)
	if err != nil {
		b.g.fail(fmt.Errorf("graph: param %q: %w", name, err))
		return nil
	}
	if len(data) != size {
		b.g.fail(fmt.Errorf("graph: param %q: %w: %d values for shape %v", name, ErrShape, len(data), shape))
		return nil
	}
	val, err := NewDense(b.g.dtype, data, shape...)
	if err != nil {
		b.g.fail(fmt.Errorf("graph: param %q: %w", name, err))
		return nil
	}
	if len(shape) == 0 { // a scalar node takes a scalar tensor, not shape (1)
		if b.g.dtype == tensor.Float32 {
			val = tensor.New(tensor.FromScalar(float32(data[0])))
		} else {
			val = tensor.New(tensor.FromScalar(data[0]))
		}
	}
	n := b.do("param "+name, func() (*Node, error) {
		n := newInput(b.g.eg, b.g.dtype, name, shape)
		return n, gorgonia.Let(n, val)
	})
	if n == nil {
		return nil
	}
	if !b.register(name, "param", n) {
		return nil
	}
	b.g.params = append(b.g.params, Param{Name: name, Node: n, Value: val})
	return n
}

// Const adds a named scalar constant of the graph's dtype.
func (b *Builder) Const(local string, v float64) *Node {
	if b.broken() {
		return nil
	}
	return b.constOf(local, b.g.dtype, v)
}

func (b *Builder) constOf(local string, dt tensor.Dtype, v float64) *Node {
	name := b.fullName("const", local)
	if name == "" {
		return nil
	}
	var val any = v
	if dt == tensor.Float32 {
		val = float32(v)
	}
	n := b.do("const "+name, func() (*Node, error) {
		return gorgonia.NewConstant(val, gorgonia.WithName(name), gorgonia.In(b.g.eg)), nil
	})
	if n == nil {
		return nil
	}
	if !b.register(name, "const", n) {
		return nil
	}
	return n
}

// Scalar returns an anonymous scalar constant holding v in the graph's
// dtype, for maths such as b.Mul(b.Scalar(0.04), v): no name to invent.
// Its gorgonia name encodes the dtype and the exact value
// ("graph.const:float64:0.04"; the ':' keeps it apart from any name a
// Builder accepts), because gorgonia replaces a constant by an earlier one
// of the same name: two anonymous constants of different values are always
// different nodes, and equal values (same dtype) share one node. It is not
// registered (Graph.Names does not list it); use Const for a named,
// fetchable constant.
func (b *Builder) Scalar(v float64) *Node {
	if b.broken() {
		return nil
	}
	dt := b.g.dtype
	var val any = v
	text := strconv.FormatFloat(v, 'g', -1, 64)
	if dt == tensor.Float32 {
		val = float32(v)
		text = strconv.FormatFloat(float64(float32(v)), 'g', -1, 32)
	}
	name := "graph.const:" + dt.String() + ":" + text
	if n := b.g.anon[name]; n != nil {
		return n
	}
	n := b.do("scalar "+name, func() (*Node, error) {
		return gorgonia.NewConstant(val, gorgonia.WithName(name), gorgonia.In(b.g.eg)), nil
	})
	if n != nil {
		b.g.anon[name] = n
	}
	return n
}

// Output registers n under local so that a session can fetch it.
func (b *Builder) Output(local string, n *Node) *Node {
	if !b.operands("Output", n) {
		return nil
	}
	name := b.fullName("output", local)
	if name == "" {
		return nil
	}
	if !b.register(name, "output", n) {
		return nil
	}
	b.g.outputs = append(b.g.outputs, Output{Name: name, Node: n})
	return n
}

// NewDense returns a dense tensor of dtype dt (tensor.Float64 or
// tensor.Float32) holding a copy of data, converted, with the given shape
// (none for a tensor of shape (1)). data must hold one value per element
// and every dimension must be >= 1; otherwise it returns an error wrapping
// ErrShape (or ErrDtype for another dtype).
func NewDense(dt tensor.Dtype, data []float64, shape ...int) (*tensor.Dense, error) {
	if dt != tensor.Float64 && dt != tensor.Float32 {
		return nil, fmt.Errorf("graph: NewDense: %w: %v (want float64 or float32)", ErrDtype, dt)
	}
	if len(shape) == 0 {
		shape = []int{1}
	}
	size, err := shapeSize(shape)
	if err != nil {
		return nil, fmt.Errorf("graph: NewDense: %w", err)
	}
	if len(data) != size {
		return nil, fmt.Errorf("graph: NewDense: %w: %d values for shape %v", ErrShape, len(data), shape)
	}
	if dt == tensor.Float32 {
		d := make([]float32, len(data))
		for i, x := range data {
			d[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(d)), nil
	}
	d := append([]float64(nil), data...)
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(d)), nil
}
