// Package synapse adds conductance-based synapses with reversal potentials to
// a graph.
//
// # Overview
//
// A synapse group connects n_pre presynaptic spike trains to n_post neurons
// through a weight matrix W [n_post, n_pre] (row: postsynaptic neuron,
// column: presynaptic train). Each presynaptic train has a conductance g and
// a reversal potential E (mV). Following the course (Rasch 2012, Steps 2-4):
//
//	g <- g + s                     (s: this step's presynaptic spikes, 0/1)
//	I  = W (g .* E) - (W g) .* v   (v: the postsynaptic potential at sample k)
//	g <- g * (1 - dt/tau_g)
//
// # State and steps
//
// The state is g [n_pre]; Step returns the next g and the current I [n_post].
// OrderNotebookNeat follows the seed notebook's cell In [12] instead: the
// (W g) .* v term uses g before this step's spikes. FusedStep adds the same
// step as one fused, forward-only op (ops.Conductance) that gives Step's
// bits.
//
// # Error handling
//
// Config.Validate rejects bad sizes, non-finite values and dt >= tau_g (the
// decay factor 1 - dt/tau_g would not be positive), with an error that names
// the field. Declare and Step reject nil arguments.
//
// # Concurrency
//
// Everything here is a value or builds a graph; see package graph.
package synapse

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/ops"
)

// Order is where the current reads g relative to this step's spikes.
type Order int

const (
	// OrderCourse adds the spikes to g, then computes the current from it.
	OrderCourse Order = iota
	// OrderNotebookNeat computes W(g.*E) from g with the spikes and (W g).*v
	// from g before them, as the notebook's cell In [12] does.
	OrderNotebookNeat
)

// Config describes a synapse group.
type Config struct {
	NPre, NPost int
	// Batch is 0 for a conductance per presynaptic train ([NPre]), or the
	// batch size of batched presynaptic spikes ([Batch, NPre]): each batch
	// row then has its own conductances and current [Batch, NPost].
	Batch int
	W     []float64 // [NPost, NPre] row-major, finite; nil when Sparse is set
	// Sparse holds the weights as a CSR matrix [NPost, NPre] instead of W
	// (ops.SparseMatVec computes the products); nil for dense weights.
	Sparse *ops.CSR
	// Out holds the weights by presynaptic train instead, Wᵀ [NPre, NPost]
	// as a CSR, the layout event-driven propagation reads (DeclareEvent
	// only): a network that draws its synapses straight into it never
	// holds W by rows.
	Out   *ops.CSR
	E     []float64 // reversal potential per presynaptic train (mV), len NPre
	TauMs float64   // conductance decay time constant (ms); > DtMs
	DtMs  float64   // time step (ms); > 0
	Order Order
}

// Validate checks sizes and values; the error names the field (e.g.
// "Config.TauMs").
func (c Config) Validate() error {
	if c.NPre < 1 {
		return fmt.Errorf("synapse: Config.NPre = %d must be >= 1", c.NPre)
	}
	if c.NPost < 1 {
		return fmt.Errorf("synapse: Config.NPost = %d must be >= 1", c.NPost)
	}
	if c.Batch < 0 {
		return fmt.Errorf("synapse: Config.Batch = %d must be >= 0", c.Batch)
	}
	if c.NPre > math.MaxInt/c.NPost {
		return fmt.Errorf("synapse: Config.NPost x Config.NPre = %d x %d overflows", c.NPost, c.NPre)
	}
	if (c.W != nil && c.Sparse != nil) || (c.W != nil && c.Out != nil) || (c.Sparse != nil && c.Out != nil) {
		return errors.New("synapse: more than one of Config.W, Config.Sparse and Config.Out is set (give one)")
	}
	if c.Out != nil {
		if err := c.Out.Validate(); err != nil {
			return fmt.Errorf("synapse: Config.Out: %w", err)
		}
		if c.Out.Rows != c.NPre || c.Out.Cols != c.NPost {
			return fmt.Errorf("synapse: Config.Out is %d x %d, want Config.NPre x Config.NPost = %d x %d", c.Out.Rows, c.Out.Cols, c.NPre, c.NPost)
		}
	} else if c.Sparse != nil {
		if err := c.Sparse.Validate(); err != nil {
			return fmt.Errorf("synapse: Config.Sparse: %w", err)
		}
		if c.Sparse.Rows != c.NPost || c.Sparse.Cols != c.NPre {
			return fmt.Errorf("synapse: Config.Sparse is %d x %d, want Config.NPost x Config.NPre = %d x %d", c.Sparse.Rows, c.Sparse.Cols, c.NPost, c.NPre)
		}
	} else if len(c.W) != c.NPre*c.NPost {
		return fmt.Errorf("synapse: Config.W has %d values, want Config.NPost x Config.NPre = %d x %d", len(c.W), c.NPost, c.NPre)
	}
	if len(c.E) != c.NPre {
		return fmt.Errorf("synapse: Config.E has %d values, want Config.NPre = %d", len(c.E), c.NPre)
	}
	for i, w := range c.W {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("synapse: Config.W[%d, %d] = %v is not finite", i/c.NPre, i%c.NPre, w)
		}
	}
	for i, e := range c.E {
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return fmt.Errorf("synapse: Config.E[%d] = %v mV is not finite", i, e)
		}
	}
	if !(c.DtMs > 0) || math.IsInf(c.DtMs, 0) {
		return fmt.Errorf("synapse: Config.DtMs = %v ms must be > 0 and finite", c.DtMs)
	}
	if !(c.TauMs > c.DtMs) || math.IsInf(c.TauMs, 0) {
		return fmt.Errorf("synapse: Config.TauMs = %v ms must be finite and exceed Config.DtMs = %v ms (the decay factor 1 - dt/tau_g must be positive)", c.TauMs, c.DtMs)
	}
	if c.Order < OrderCourse || c.Order > OrderNotebookNeat {
		return fmt.Errorf("synapse: Config.Order = %d is unknown", int(c.Order))
	}
	return graph.CheckStableDt("synapse: Config.DtMs", c.DtMs, MaxStableDtMs(c.TauMs), "half the conductance decay time tau_g; see MaxStableDtMs")
}

// MaxStableDtMs returns the largest time step (ms) for a conductance that
// decays with time constant tauMs, tau/2, checked by Config.Validate (a
// *graph.UnstableError; a graph made graph.WithAllowUnstable waives it).
// The Euler decay g(k+1) = g(k)·(1 − dt/tau) must stay positive and
// monotone (dt < tau, a hard rule); at dt <= tau/2 the factor is at least
// 1/2, within 0.11 of the exact exp(−dt/tau) = 0.61, and a spike's
// conductance lasts at least two steps, so the current sampled at each
// step still follows the decay instead of vanishing after one step.
func MaxStableDtMs(tauMs float64) float64 { return tauMs / 2 }

// Decay returns the per-step decay factor 1 - dt/tau_g.
func (c Config) Decay() float64 { return 1 - c.DtMs/c.TauMs }

// Group is a declared synapse group: its config, params and state g.
type Group struct {
	Config
	G     *graph.Node // conductance state [NPre]
	w, e  *graph.Node
	decay *graph.Node
	zero  *graph.Node
	zeroE bool
}

// Declare adds the state "g" (zeros), the params "W" and "E" and the decay
// constant to b's scope. A nil builder or a bad config is an error, and
// nothing is added.
func Declare(b *graph.Builder, cfg Config) (*Group, error) {
	if b == nil {
		return nil, errors.New("synapse: Declare: nil builder")
	}
	if err := graph.PassUnstable(b, cfg.Validate()); err != nil {
		return nil, err
	}
	if cfg.Out != nil {
		return nil, errors.New("synapse: Declare: Config.Out holds the weights by presynaptic train, for DeclareEvent only (give W or Sparse)")
	}
	s := &Group{Config: cfg, zeroE: true}
	for _, e := range cfg.E {
		if e != 0 {
			s.zeroE = false
		}
	}
	shape := []int{cfg.NPre}
	if cfg.Batch > 0 {
		shape = []int{cfg.Batch, cfg.NPre}
	}
	s.G = b.State("g", []float64{0}, shape...)
	if cfg.Sparse == nil {
		s.w = b.Param("W", cfg.W, cfg.NPost, cfg.NPre)
	}
	if s.zeroE {
		s.zero = b.Const("zero", 0)
	} else {
		s.e = b.Param("E", cfg.E, cfg.NPre)
	}
	s.decay = b.Const("decay", cfg.Decay())
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("synapse: declare %q: %w", b.Name(""), err)
	}
	return s, nil
}

// Step adds one step: with presynaptic spikes pre [NPre] and postsynaptic
// potential v [NPost] it returns the next g and the current I [NPost]. When
// every E is 0 the W(g.*E) term is left out (it is exactly zero). A nil
// group or builder and nil or mis-shaped nodes are errors.
func (s *Group) Step(b *graph.Builder, g, pre, v *graph.Node) (gNext, i *graph.Node, err error) {
	if s == nil || b == nil {
		return nil, nil, errors.New("synapse: Step: nil group or builder")
	}
	gIn := b.Add(g, pre)
	gv := gIn
	if s.Order == OrderNotebookNeat {
		gv = g
	}
	i = b.Mul(s.matVec(b, gv), v)
	if s.zeroE {
		i = b.Sub(s.zero, i)
	} else {
		i = b.Sub(s.matVec(b, b.Mul(gIn, s.e)), i)
	}
	gNext = b.Mul(s.decay, gIn)
	if err := b.Err(); err != nil {
		return nil, nil, fmt.Errorf("synapse: step %q: %w", b.Name(""), err)
	}
	return gNext, i, nil
}

// matVec returns W·x, dense or sparse.
func (s *Group) matVec(b *graph.Builder, x *graph.Node) *graph.Node {
	if s.Sparse != nil {
		return b.Apply(ops.SparseMatVec{W: s.Sparse}, x)
	}
	return b.MatVec(s.w, x)
}

// FusedOp returns the fused op of the group's step (ops.Conductance).
func (s *Group) FusedOp() ops.Conductance {
	return ops.Conductance{W: s.Sparse, Decay: s.Decay(), ZeroE: s.zeroE, Neat: s.Order == OrderNotebookNeat}
}

// FusedStep adds the same step as Step as one fused, forward-only op
// (ops.Conductance, whose loop computes Step's operations in Step's order
// with the same BLAS call, so the same bits) and two views of its packed
// output, and returns the next g and the current I. Use it to simulate;
// differentiate the graph of Step.
func (s *Group) FusedStep(b *graph.Builder, g, pre, v *graph.Node) (gNext, i *graph.Node, err error) {
	if s == nil || b == nil {
		return nil, nil, errors.New("synapse: FusedStep: nil group or builder")
	}
	in := []*graph.Node{g, pre, v}
	if s.Sparse == nil {
		in = append(in, s.w)
	}
	if !s.zeroE {
		in = append(in, s.e)
	}
	packed := b.Apply(s.FusedOp(), in...)
	gNext = b.Apply(ops.Part{Offset: 0, Len: s.NPre}, packed)
	i = b.Apply(ops.Part{Offset: s.NPre, Len: s.NPost}, packed)
	if err := b.Err(); err != nil {
		return nil, nil, fmt.Errorf("synapse: fused step %q: %w", b.Name(""), err)
	}
	return gNext, i, nil
}

// Outgoing returns the weights by presynaptic train, as event-driven
// propagation reads them: Wᵀ [NPre, NPost] as a CSR (Out itself, or the
// transpose of Sparse, or of W with its zeros dropped).
func (c Config) Outgoing() (*ops.CSR, error) {
	if c.Out != nil {
		return c.Out, nil
	}
	w := c.Sparse
	if w == nil {
		var err error
		if w, err = ops.FromDense(c.NPost, c.NPre, c.W); err != nil {
			return nil, err
		}
	}
	return w.Transpose()
}

// EventGroup is a synapse group propagated event by event
// (ops.ConductanceEvent): instead of g per presynaptic train it keeps, per
// postsynaptic neuron and reversal potential, the conductance
// h[k][j] = Σ_{p in class k} W[j][p]·g[p], and adds a presynaptic neuron's
// outgoing weights only when it spikes. The current equals Step's
// W(g.*E) − (W g).*v in exact arithmetic but is summed in another order
// (so not bit for bit), and a step costs O(K·NPost + the spiking neurons'
// synapses) instead of O(NPost·NPre). It is forward only.
type EventGroup struct {
	Config
	// H is the state [K·NPost], class-major: H[k·NPost + j] is neuron j's
	// conductance of reversal potential E[k] (units of W·g).
	H *graph.Node
	// Classes are the distinct reversal potentials (mV), in order of first
	// appearance in Config.E: K = len(Classes).
	Classes []float64
	op      ops.ConductanceEvent
}

// DeclareEvent adds the state "h" (zeros) of an event-driven group to b's
// scope. The weights (W or Sparse) are transposed once into outgoing rows
// per presynaptic train (explicit zeros dropped). A nil builder or a bad
// config is an error, and nothing is added.
func DeclareEvent(b *graph.Builder, cfg Config) (*EventGroup, error) {
	if b == nil {
		return nil, errors.New("synapse: DeclareEvent: nil builder")
	}
	if err := graph.PassUnstable(b, cfg.Validate()); err != nil {
		return nil, err
	}
	out, err := cfg.Outgoing()
	if err != nil {
		return nil, fmt.Errorf("synapse: DeclareEvent: %w", err)
	}
	s := &EventGroup{Config: cfg}
	class := make([]int32, cfg.NPre)
	index := map[float64]int32{}
	for p, e := range cfg.E {
		k, ok := index[e]
		if !ok {
			k = int32(len(s.Classes))
			index[e] = k
			s.Classes = append(s.Classes, e)
		}
		class[p] = k
	}
	s.op = ops.ConductanceEvent{S: &ops.EventSynapses{Out: out, Class: class, E: s.Classes}, Decay: cfg.Decay(), Neat: cfg.Order == OrderNotebookNeat}
	s.H = b.State("h", []float64{0}, len(s.Classes)*cfg.NPost)
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("synapse: declare event %q: %w", b.Name(""), err)
	}
	return s, nil
}

// Op returns the group's op.
func (s *EventGroup) Op() ops.ConductanceEvent { return s.op }

// Step adds one event-driven step: with presynaptic spikes pre [NPre] and
// postsynaptic potential v [NPost] it returns the next h and the current I
// [NPost]. A nil group or builder is an error.
func (s *EventGroup) Step(b *graph.Builder, h, pre, v *graph.Node) (hNext, i *graph.Node, err error) {
	if s == nil || b == nil {
		return nil, nil, errors.New("synapse: EventGroup.Step: nil group or builder")
	}
	k := len(s.Classes)
	packed := b.Apply(s.op, h, pre, v)
	hNext = b.Apply(ops.Part{Offset: 0, Len: k * s.NPost}, packed)
	i = b.Apply(ops.Part{Offset: k * s.NPost, Len: s.NPost}, packed)
	if err := b.Err(); err != nil {
		return nil, nil, fmt.Errorf("synapse: event step %q: %w", b.Name(""), err)
	}
	return hNext, i, nil
}
