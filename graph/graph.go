package graph

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Node is a gorgonia node; the alias keeps signatures short.
type Node = gorgonia.Node

// Sentinel errors, checked with errors.Is.
var (
	// ErrDuplicateName reports a second node with a name already in the graph.
	ErrDuplicateName = errors.New("graph: duplicate name")
	// ErrBadName reports a name that is empty or holds characters other
	// than letters, digits, '_' and '.'.
	ErrBadName = errors.New("graph: bad name")
	// ErrUnknownNode reports a name or node that the graph does not hold.
	ErrUnknownNode = errors.New("graph: unknown node")
	// ErrShape reports operands whose shapes do not fit.
	ErrShape = errors.New("graph: shape mismatch")
	// ErrDtype reports an unsupported dtype or operands of different dtypes.
	ErrDtype = errors.New("graph: dtype mismatch")
	// ErrNoGraph reports use of a nil *Graph, a zero Graph (not made by New)
	// or a nil *Builder: there is no graph to record into.
	ErrNoGraph = errors.New("graph: no graph (nil or zero Graph or Builder; make one with graph.New)")
)

// StepName is the name of the step counter state (see Graph.StepCounter).
const StepName = "step"

// NextSuffix is appended to a state's name to name its next-value node.
const NextSuffix = ":next"

// State is a state variable of the graph and the node that computes its value
// after one step.
type State struct {
	Name string
	Node *Node     // the current value: an input node bound by the runner
	Next *Node     // the value after the step; nil until SetNext
	Init []float64 // initial value, row-major, len = product of the shape
}

// Input is a per-step feed.
type Input struct {
	Name string
	Node *Node
}

// Param is a tensor fixed for a run: weights, per-neuron parameters.
type Param struct {
	Name  string
	Node  *Node
	Value tensor.Tensor
}

// Output is a named value to fetch.
type Output struct {
	Name string
	Node *Node
}

// Graph is one simulation step's expression graph plus its naming contract.
type Graph struct {
	eg       *gorgonia.ExprGraph
	dtype    tensor.Dtype
	byName   map[string]*Node
	names    map[*Node]string
	kinds    map[string]string
	origins  map[*Node]origin // computed nodes: the scope and op that made them
	opCount  map[string]int   // per scope + "\x00" + op: computed nodes named so far
	states   []*State
	stateOf  map[*Node]*State
	anon     map[string]*Node // anonymous constants (Builder.Scalar) by name
	inputs   []Input
	params   []Param
	outputs  []Output
	step     *Node
	compiled bool
	err      error

	allowUnstable bool
}

// Option configures a new Graph.
type Option func(*Graph) error

// WithDtype sets the dtype of states, inputs, params and constants:
// tensor.Float64 (the default) or tensor.Float32.
func WithDtype(dt tensor.Dtype) Option {
	return func(g *Graph) error {
		if dt != tensor.Float64 && dt != tensor.Float32 {
			return fmt.Errorf("%w: %v (want float64 or float32)", ErrDtype, dt)
		}
		g.dtype = dt
		return nil
	}
}

// New returns an empty graph.
func New(opts ...Option) (*Graph, error) {
	g := &Graph{
		eg:      gorgonia.NewGraph(),
		dtype:   tensor.Float64,
		byName:  map[string]*Node{},
		names:   map[*Node]string{},
		kinds:   map[string]string{},
		origins: map[*Node]origin{},
		opCount: map[string]int{},
		stateOf: map[*Node]*State{},
		anon:    map[string]*Node{},
	}
	for i, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("graph: New: option %d is nil", i)
		}
		if err := o(g); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// ParseDtype maps "float64" and "float32" to their tensor dtypes.
func ParseDtype(s string) (tensor.Dtype, error) {
	switch s {
	case "float64":
		return tensor.Float64, nil
	case "float32":
		return tensor.Float32, nil
	}
	return tensor.Dtype{}, fmt.Errorf("%w: %q (want float64 or float32)", ErrDtype, s)
}

// usable returns ErrNoGraph for a nil or zero Graph, else nil.
func (g *Graph) usable() error {
	if g == nil || g.eg == nil {
		return ErrNoGraph
	}
	return nil
}

// ExprGraph returns the underlying gorgonia graph (nil for a nil Graph).
func (g *Graph) ExprGraph() *gorgonia.ExprGraph {
	if g == nil {
		return nil
	}
	return g.eg
}

// Dtype returns the graph's dtype (the zero Dtype for a nil Graph).
func (g *Graph) Dtype() tensor.Dtype {
	if g == nil {
		return tensor.Dtype{}
	}
	return g.dtype
}

// Err returns the first error recorded by any of the graph's builders, or
// ErrNoGraph for a nil or zero Graph.
func (g *Graph) Err() error {
	if err := g.usable(); err != nil {
		return err
	}
	return g.err
}

// Root returns a builder for the unscoped names.
func (g *Graph) Root() *Builder { return &Builder{g: g} }

// Scope returns a builder whose names are prefixed with name + "/".
func (g *Graph) Scope(name string) *Builder { return g.Root().Scope(name) }

// Node returns the node registered under name: a state ("net/v"), a state's
// next value ("net/v:next"), an input, a param, a constant, an output or a
// gradient ("train/grad/net/W", see Builder.Grad).
func (g *Graph) Node(name string) (*Node, error) {
	if err := g.usable(); err != nil {
		return nil, err
	}
	n, ok := g.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownNode, name)
	}
	return n, nil
}

// NameOf returns the name under which n was registered, if any.
func (g *Graph) NameOf(n *Node) (string, bool) {
	if g == nil {
		return "", false
	}
	s, ok := g.names[n]
	return s, ok
}

// States returns the graph's states in the order they were declared.
func (g *Graph) States() []State {
	if g == nil {
		return nil
	}
	out := make([]State, len(g.states))
	for i, s := range g.states {
		out[i] = *s
	}
	return out
}

// Inputs returns the graph's per-step inputs in declaration order.
func (g *Graph) Inputs() []Input {
	if g == nil {
		return nil
	}
	return append([]Input(nil), g.inputs...)
}

// Params returns the graph's params in declaration order.
func (g *Graph) Params() []Param {
	if g == nil {
		return nil
	}
	return append([]Param(nil), g.params...)
}

// Outputs returns the graph's named outputs in declaration order.
func (g *Graph) Outputs() []Output {
	if g == nil {
		return nil
	}
	return append([]Output(nil), g.outputs...)
}

// Names returns every registered name, sorted.
func (g *Graph) Names() []string {
	if g == nil {
		return nil
	}
	out := make([]string, 0, len(g.byName))
	for k := range g.byName {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Validate checks that the graph is complete: no recorded error and a next
// value for every state. A nil or zero Graph gives ErrNoGraph.
func (g *Graph) Validate() error {
	if err := g.Err(); err != nil {
		return err
	}
	for _, s := range g.states {
		if s.Next == nil {
			return fmt.Errorf("graph: state %q has no next value (call SetNext)", s.Name)
		}
	}
	return nil
}

// StepCounter returns the step counter, a float64 scalar state named "step"
// that starts at 0 and grows by 1 each step. It is created on first use. It
// stays float64 in a float32 graph so that it counts exactly to 2^53. It
// returns nil after an error, and for a nil or zero Graph.
func (g *Graph) StepCounter() *Node {
	if g.usable() != nil {
		return nil
	}
	if g.step != nil || g.err != nil {
		return g.step
	}
	b := g.Root()
	n := b.newState(StepName, tensor.Float64, []float64{0})
	one := b.constOf("step_one", tensor.Float64, 1.0)
	if n == nil || one == nil {
		return nil
	}
	next := b.do("add", func() (*Node, error) { return gorgonia.Add(n, one) })
	b.SetNext(n, next)
	g.step = n
	return n
}

// MarkCompiled records that a runner has compiled the graph (adding its read
// nodes); a second call returns an error, since two runners would share the
// graph's nodes. Package session calls it.
func (g *Graph) MarkCompiled() error {
	if err := g.usable(); err != nil {
		return err
	}
	if g.compiled {
		return errors.New("graph: already compiled by a session (build a new graph for another)")
	}
	g.compiled = true
	return nil
}

// Dot returns the graph in Graphviz dot format ("" for a nil or zero Graph).
func (g *Graph) Dot() string {
	if g.usable() != nil {
		return ""
	}
	return g.eg.ToDot()
}

// Describe lists the named nodes, one a line: name, kind (state, next,
// input, param, const, output, grad), shape, dtype.
func (g *Graph) Describe() string {
	var sb strings.Builder
	for _, name := range g.Names() {
		n := g.byName[name]
		fmt.Fprintf(&sb, "%s\t%s\t%v\t%v\n", name, g.kinds[name], n.Shape(), n.Dtype())
	}
	return sb.String()
}

func (g *Graph) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

func (g *Graph) register(name, kind string, n *Node) error {
	if _, dup := g.byName[name]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicateName, name)
	}
	g.byName[name] = n
	g.kinds[name] = kind
	if _, ok := g.names[n]; !ok {
		g.names[n] = name
		if _, computed := g.origins[n]; computed {
			// A computed node's own Name() is gorgonia's expression
			// ("+(%3, %5)"); give it the scoped name, so that errors and
			// gorgonia's own tools say "net/v:next". An op node's hash
			// does not include its name, so this merges nothing.
			gorgonia.WithName(name)(n)
		}
	}
	return nil
}
