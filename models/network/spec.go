package network

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/synapse"
	"github.com/spikegraph/spikegraph/ops"
)

// Neuron is the contract a neuron model meets to enter a network. It is
// defined here, where it is consumed; a model implements it while importing
// only graph and ops (izhikevich.Neuron, lif.Neuron, and the AdEx example's
// adex.Neuron do).
type Neuron interface {
	// Size returns the number of neurons (per batch row).
	Size() int
	// Declare adds the population's states, params and constants to b's
	// scope for the network's time step dtMs and returns its potential,
	// spikes and step (see graph.Neurons).
	Declare(b *graph.Builder, dtMs float64) (graph.Neurons, error)
}

// Spec is a network as data: populations, sources, projections and
// monitors on one clock. Build turns it into a graph. DtMs lives here only;
// every component reads it.
type Spec struct {
	DtMs  float64      // the clock's step (ms); > 0 and finite
	Dtype tensor.Dtype // float64 (the zero value) or float32
	Seed  uint64       // every random draw follows from it (see Projection.Stream)
	// Engine is the graph made of a step: Fused (the zero value) to
	// simulate, Fine to differentiate or inspect node by node.
	Engine Engine
	// AllowUnstable lets components run with a DtMs beyond their
	// documented stability bound (izhikevich.MaxStableDtMs,
	// synapse.MaxStableDtMs, lif.Config.MaxStableDtMs); without it Build
	// refuses such a step with an *OptionError wrapping a
	// *graph.UnstableError.
	AllowUnstable bool

	Populations []Population
	Sources     []Source
	Projections []Projection
	Monitors    []Monitor
}

// Engine is the graph Build makes of one step. Both compute the same
// values: the fused ops repeat the fine-grained graph's operations in its
// order (so the same bits, as models/network's tests check on every
// scenario).
type Engine int

const (
	// Fused (the zero value) adds each population's step as one fused,
	// forward-only op where its model offers one (graph.Neurons.Fused:
	// Izhikevich and LIF do), and each conductance projection's step as
	// one fused op (synapse.Group.FusedStep). The graph cannot be
	// differentiated; the lean executor of package session runs it with a
	// handful of loops a step.
	Fused Engine = iota
	// Fine adds the fine-grained graph of gorgonia primitives: the graph to
	// differentiate (BPTT) and to inspect node by node.
	Fine
)

// String returns "fused" or "fine".
func (e Engine) String() string {
	switch e {
	case Fused:
		return "fused"
	case Fine:
		return "fine"
	}
	return fmt.Sprintf("Engine(%d)", int(e))
}

// ParseEngine maps "fused" and "fine" to their Engine; anything else is
// an *OptionError for "engine".
func ParseEngine(s string) (Engine, error) {
	switch s {
	case "fused":
		return Fused, nil
	case "fine":
		return Fine, nil
	}
	return 0, optionf("engine", "%q (want fused or fine)", s)
}

// Population is a named group of neurons of one model. A batched model
// (lif.Config.Batch > 0: states [batch, n]) runs its batch rows side by
// side: projections from it keep a conductance per batch row, and inputs of
// shape [n] (sources, projections from unbatched populations) are shared
// by every row.
type Population struct {
	Name  string // scope of its nodes: "NAME/v", "NAME/fired", ...
	Model Neuron
	// Inh optionally labels each neuron inhibitory (true) or excitatory;
	// nil or Size() values. BlockScale, Conductance.EInh and the runner's
	// per-type rates read it.
	Inh []bool
}

// Synapse is how a projection turns presynaptic spikes into input:
// Conductance or CurrentPulse.
type Synapse interface{ isSynapse() }

// Conductance is the course's conductance synapse (package synapse): each
// presynaptic neuron has a conductance g that jumps by its spikes and decays
// with TauMs; the postsynaptic current is I = W(g.*E) - (W g).*v.
type Conductance struct {
	TauMs float64 // decay time constant (ms); > the clock's dt
	// E is the reversal potential (mV) of each presynaptic neuron: one value
	// for all or one each. With EInh set, E (one value) is the excitatory
	// neurons' and EInh the inhibitory ones' (by the presynaptic labels).
	E    []float64
	EInh *float64
	// Order is synapse.OrderCourse (the zero value) or the notebook's.
	Order synapse.Order
}

func (Conductance) isSynapse() {}

// CurrentPulse adds W·s to the postsynaptic input each step (s: this step's
// presynaptic spikes), as net.m does; weights may be negative.
type CurrentPulse struct{}

func (CurrentPulse) isSynapse() {}

// Projection connects a population or spike source (From) to a population
// (To). Its synapses come from Connect and Weights, or from W.
type Projection struct {
	Name    string // scope of its nodes ("NAME/g", "NAME/W")
	From    string // a population or a spike source
	To      string // a population
	Synapse Synapse
	// Connect and Weights draw the synapses (both set), or W gives them.
	Connect Connectivity
	Weights Weights
	// W is an explicit dense weight matrix [post, pre], row-major; zeros
	// are absent synapses.
	W []float64
	// Scale multiplies blocks of the drawn weights, in order.
	Scale []BlockScale
	// Stream is the math/rand/v2 PCG stream (under Spec.Seed) of the
	// connection and weight draws; projections need distinct streams.
	Stream uint64
	// DelaySteps delays the presynaptic spikes by whole steps (0: none, as
	// the course).
	DelaySteps int
	// Sparse stores the weights as a CSR matrix, built row by row without a
	// dense or COO copy, and multiplies with ops.SparseMatVec; dense (the
	// default) multiplies with BLAS. Both compute the same sums up to
	// rounding (a dense row is summed by BLAS, a sparse one in column order).
	Sparse bool
	// Propagation is how spikes reach the postsynaptic neurons: Auto (the
	// zero value; see Propagation), Dense or Event.
	Propagation Propagation
}

// Propagation is how a projection delivers its presynaptic spikes.
type Propagation int

const (
	// Auto chooses by the network alone, never by the machine: Event when
	// the Spec's Engine is Fused and the projection is stored Sparse or has
	// at least AutoEventPairs (pre × post) pairs; Dense otherwise (so the
	// graph of the Fine engine stays differentiable).
	Auto Propagation = iota
	// Dense multiplies the weight matrix by the presynaptic conductances
	// (or spikes) every step: O(post × pre) a step (O(synapses) when
	// Sparse). It is the fine-grained graph's arithmetic, differentiable.
	Dense
	// Event adds only the spiking neurons' outgoing weights, into
	// per-postsynaptic conductances (one per reversal potential) that decay
	// each step (synapse.EventGroup, ops.ConductanceEvent), or into the
	// current of a CurrentPulse projection (ops.SparseMatVec over Wᵀ, which
	// skips silent neurons): O(post × reversal potentials + the spikes'
	// synapses) a step. Equal to Dense in exact arithmetic, summed in
	// another order: spike trains agree in distribution, not spike for
	// spike. Forward only.
	Event
)

// AutoEventPairs is the size (pre × post pairs) from which Auto
// propagates event by event: 2^16, where a dense product (tens of µs a step)
// costs more than the event-driven update does even at 100 Hz of
// presynaptic activity (about 5 % of the presynaptic neurons a step at
// dt = 0.5 ms, each adding its row: 0.05 × nnz + 2 × post operations).
// Below it Auto keeps Dense, whose sums are the fine-grained graph's bit for
// bit (Step 2's single neuron with its 100 trains, and every figure panel).
// Event sums in another order, so its values agree with Dense's to rounding
// and its spikes in distribution (see the tests).
const AutoEventPairs = 1 << 16

// String returns "auto", "dense" or "event".
func (p Propagation) String() string {
	switch p {
	case Auto:
		return "auto"
	case Dense:
		return "dense"
	case Event:
		return "event"
	}
	return fmt.Sprintf("Propagation(%d)", int(p))
}

// ParsePropagation maps "auto", "dense" and "event" to their Propagation;
// anything else is an *OptionError for "propagation".
func ParsePropagation(s string) (Propagation, error) {
	switch s {
	case "auto":
		return Auto, nil
	case "dense":
		return Dense, nil
	case "event":
		return Event, nil
	}
	return 0, optionf("synapses", "%q (want auto, dense or event)", s)
}

// resolve returns the propagation of a projection of nPre × nPost pairs
// under engine: Dense or Event.
func (p Propagation) resolve(engine Engine, sparse bool, nPre, nPost int) (Propagation, error) {
	switch p {
	case Dense, Event:
		return p, nil
	case Auto:
		if engine == Fused && (sparse || uint64(nPre)*uint64(nPost) >= AutoEventPairs) {
			return Event, nil
		}
		return Dense, nil
	}
	return 0, optionf("Propagation", "%d is unknown (want Auto, Dense or Event)", int(p))
}

// MonitorKind is what a monitor records.
type MonitorKind int

const (
	// SpikeEvents records every spike of a population as (sample, neuron).
	SpikeEvents MonitorKind = iota + 1
	// Trace records the potential of chosen neurons of a population at
	// every sample.
	Trace
	// CountSpikes counts the spikes a spike source emits.
	CountSpikes
)

// Monitor records part of a run, like a Brian2 monitor. A runner (package
// sim) turns monitors into recorders.
type Monitor struct {
	Name  string      // the key of its results
	Kind  MonitorKind //
	Of    string      // a population (SpikeEvents, Trace) or spike source (CountSpikes)
	Index []int       // Trace: the neurons, flat indices into the state
}

// Network is a built Spec: the graph of one step, its feeder and where
// each part's nodes are.
type Network struct {
	Spec        Spec
	Graph       *graph.Graph
	Feeder      graph.Feeder
	Populations []BuiltPopulation
	Sources     []BuiltSource
	Projections []BuiltProjection
	Monitors    []BuiltMonitor
	// Ranges are the documented physical ranges of states, by name: each
	// population's V where its model documents one (graph.Neurons.VRange),
	// its spikes in [0, 1], and conductances (a synapse group's g, an
	// event group's h) >= 0. A run's guard (package sim's WithGuard) checks
	// them, and that every state is finite, after every step.
	Ranges map[string]graph.Range
}

// BuiltPopulation says where a population's nodes are.
type BuiltPopulation struct {
	Name  string
	N     int    // neurons (per batch row)
	V     string // the potential's state name, "NAME/v"
	Fired string // the spikes' state name, "NAME/fired"
	Inh   []bool // the labels (nil when none)
	NInh  int    // neurons labelled inhibitory
}

// BuiltSource says where a source's nodes are.
type BuiltSource struct {
	Name   string
	N      int
	Spikes string // spike sources: the output or input holding the spikes
	Input  string // current sources: the current's node (input or output)
}

// BuiltProjection describes a built projection.
type BuiltProjection struct {
	Name     string
	Synapses int // nonzero weights
	// Conductance is the synapse group's config for a Conductance
	// projection (nil otherwise): its weights (dense W, Sparse, or, for
	// drawn sparse event-driven projections, Out by presynaptic neuron), E, TauMs
	// and the clock's dt.
	Conductance *synapse.Config
	// W is the dense weight matrix [post, pre] of a dense CurrentPulse
	// projection.
	W []float64
	// CSR is the weight matrix of a sparse projection by rows (nil for a
	// drawn, sparse, event-driven conductance projection: see
	// Conductance.Out).
	CSR *ops.CSR
	// Propagation is how the projection was built: Dense or Event (Auto
	// resolved).
	Propagation Propagation
}

// Sparse reports whether the projection's weights are stored sparse (CSR
// by rows, or Conductance.Out by presynaptic neuron).
func (p BuiltProjection) Sparse() bool {
	return p.CSR != nil || (p.Conductance != nil && p.Conductance.Out != nil)
}

// DenseWeights returns the weights as a dense [post, pre] matrix,
// row-major, from however they are stored (W, CSR or Conductance's W,
// Sparse or Out): for inspection and tests of small networks, since it
// allocates post × pre values.
func (p BuiltProjection) DenseWeights() ([]float64, error) {
	c := p.Conductance
	switch {
	case p.W != nil:
		return append([]float64(nil), p.W...), nil
	case p.CSR != nil:
		return p.CSR.Dense()
	case c != nil && c.W != nil:
		return append([]float64(nil), c.W...), nil
	case c != nil && c.Sparse != nil:
		return c.Sparse.Dense()
	case c != nil && c.Out != nil:
		t, err := c.Out.Transpose()
		if err != nil {
			return nil, err
		}
		return t.Dense()
	}
	return nil, fmt.Errorf("network: projection %q holds no weights", p.Name)
}

// BuiltMonitor is a monitor resolved to a node name.
type BuiltMonitor struct {
	Monitor
	Node string // the state (SpikeEvents, Trace) or output (CountSpikes) it reads
}

// Population returns the built population name.
func (n *Network) Population(name string) (BuiltPopulation, bool) {
	for _, p := range n.Populations {
		if p.Name == name {
			return p, true
		}
	}
	return BuiltPopulation{}, false
}

// Build validates the spec and builds its one-step graph. The order of
// operations within a step is Schedule. Errors are *OptionError naming the
// field at fault (a component's own error is wrapped with the field path).
func (s Spec) Build() (*Network, error) { return s.BuildContext(context.Background()) }

// BuildContext is Build stopping early, with ctx's error wrapped, when ctx
// is done: drawing the synapses of a large network takes seconds.
func (s Spec) BuildContext(ctx context.Context) (net *Network, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("network: build: %w", err)
	}
	if !(s.DtMs > 0) || math.IsInf(s.DtMs, 0) {
		return nil, optionf("DtMs", "%v ms must be > 0 and finite", s.DtMs)
	}
	if s.Engine != Fused && s.Engine != Fine {
		return nil, optionf("Engine", "%d is unknown (want Fused or Fine)", int(s.Engine))
	}
	if s.Dtype == (tensor.Dtype{}) {
		s.Dtype = tensor.Float64
	}
	gopts := []graph.Option{graph.WithDtype(s.Dtype)}
	if s.AllowUnstable {
		gopts = append(gopts, graph.WithAllowUnstable())
	}
	g, err := graph.New(gopts...)
	if err != nil {
		return nil, wrapOption("Dtype", err)
	}
	if len(s.Populations) == 0 {
		return nil, optionf("Populations", "none (a network needs at least one)")
	}
	if err := s.checkNames(); err != nil {
		return nil, err
	}
	net = &Network{Spec: s, Graph: g, Ranges: map[string]graph.Range{}}
	c := clock{dtMs: s.DtMs, seed: s.Seed, g: g}

	// 1. Populations: states at sample k.
	pops := map[string]*popBuild{}
	var order []*popBuild
	for i, p := range s.Populations {
		field := fmt.Sprintf("Populations[%d]", i)
		if p.Model == nil {
			return nil, optionf(field+".Model", "is nil")
		}
		n := p.Model.Size()
		if n < 1 {
			return nil, optionf(field+".Model", "size %d must be >= 1", n)
		}
		if p.Inh != nil && len(p.Inh) != n {
			return nil, optionf(field+".Inh", "%d labels for %d neurons", len(p.Inh), n)
		}
		b := g.Scope(p.Name)
		cells, err := declareNeurons(p.Model, b, s.DtMs)
		if err != nil {
			return nil, wrapOption(field+".Model", err)
		}
		if cells.V == nil || cells.Fired == nil || cells.Advance == nil {
			return nil, optionf(field+".Model", "Declare returned no V, Fired or Advance")
		}
		pb := &popBuild{Population: p, n: n, b: b, cells: cells}
		pops[p.Name], order = pb, append(order, pb)
		bp := BuiltPopulation{Name: p.Name, N: n, Inh: p.Inh}
		bp.V, _ = g.NameOf(cells.V)
		bp.Fired, _ = g.NameOf(cells.Fired)
		if cells.VRange.Bounded() {
			net.Ranges[bp.V] = cells.VRange
		}
		net.Ranges[bp.Fired] = graph.Range{Min: 0, Max: 1}
		for _, x := range p.Inh {
			if x {
				bp.NInh++
			}
		}
		net.Populations = append(net.Populations, bp)
	}
	c.size = func(name string) (int, bool) {
		p, ok := pops[name]
		if !ok {
			return 0, false
		}
		return p.n, true
	}

	// 2. Sources: this step's spikes and currents.
	spikeSrc := map[string]declared{}
	var feeders graph.Feeders
	streams := map[string]map[uint64]string{}
	for i, src := range s.Sources {
		field := fmt.Sprintf("Sources[%d]", i)
		if src == nil {
			return nil, optionf(field, "is nil")
		}
		if kind, stream, ok := sourceStream(src); ok {
			if streams[kind] == nil {
				streams[kind] = map[uint64]string{}
			}
			if other, dup := streams[kind][stream]; dup {
				return nil, optionf(field+".Stream", "%d is also %q's: the two would draw the same numbers", stream, other)
			}
			streams[kind][stream] = src.SourceName()
		}
		d, err := src.declare(g.Scope(src.SourceName()), c)
		if err != nil {
			return nil, wrapOption(field, err)
		}
		if d.feeder != nil {
			feeders = append(feeders, d.feeder)
		}
		bs := BuiltSource{Name: src.SourceName(), N: d.n}
		if d.spikes != nil {
			spikeSrc[src.SourceName()] = d
			bs.Spikes = d.output
		} else {
			pops[d.to].inputs = append(pops[d.to].inputs, d.current)
			bs.Input = d.output
		}
		net.Sources = append(net.Sources, bs)
	}

	// 3. Projections: currents from the spikes and potentials at sample k.
	projStreams := map[uint64]string{}
	for i, p := range s.Projections {
		field := fmt.Sprintf("Projections[%d]", i)
		post, ok := pops[p.To]
		if !ok {
			return nil, optionf(field+".To", "unknown population %q", p.To)
		}
		var pre *graph.Node
		var preN int
		var preInh []bool
		if pp, ok := pops[p.From]; ok {
			pre, preN, preInh = pp.cells.Fired, pp.n, pp.Inh
		} else if d, ok := spikeSrc[p.From]; ok {
			pre, preN = d.spikes, d.n
		} else {
			return nil, optionf(field+".From", "unknown population or spike source %q", p.From)
		}
		if p.W == nil {
			if other, dup := projStreams[p.Stream]; dup {
				return nil, optionf(field+".Stream", "%d is also %q's: the two would draw the same numbers", p.Stream, other)
			}
			projStreams[p.Stream] = p.Name
		}
		b := g.Scope(p.Name)
		spikes, err := delayed(b, pre, p.DelaySteps)
		if err != nil {
			return nil, wrapOption(field+".DelaySteps", err)
		}
		prop, err := p.Propagation.resolve(s.Engine, p.Sparse, preN, post.n)
		if err != nil {
			return nil, wrapOption(field, err)
		}
		// The fused and event-driven ops take vectors: a batched population
		// ([batch, n]) runs its projections on the fine-grained graph.
		batched := len(spikes.Shape()) == 2 || len(post.cells.V.Shape()) == 2
		if batched && prop == Event {
			if p.Propagation == Event {
				return nil, optionf(field+".Propagation", "event propagation takes unbatched populations; a batched one runs dense")
			}
			prop = Dense
		}
		// Drawn sparse event-driven conductances go straight into the
		// layout they are read in (by presynaptic neuron): never held by
		// rows.
		_, conductance := p.Synapse.(Conductance)
		var w []float64
		var csr, out *ops.CSR
		var nnz int
		if prop == Event && conductance && p.Sparse && p.W == nil {
			out, nnz, err = p.outgoing(ctx, s.Seed, post.n, preN, post.Inh, preInh)
		} else {
			w, csr, nnz, err = p.weights(ctx, s.Seed, post.n, preN, post.Inh, preInh)
		}
		if errors.Is(err, ctx.Err()) && ctx.Err() != nil {
			return nil, fmt.Errorf("network: build %s: %w", field, err)
		}
		if err != nil {
			return nil, wrapOption(field, err)
		}
		bp := BuiltProjection{Name: p.Name, Synapses: nnz, CSR: csr, Propagation: prop}
		var current *graph.Node
		switch syn := p.Synapse.(type) {
		case Conductance:
			e, err := syn.reversal(preN, preInh)
			if err != nil {
				return nil, wrapOption(field+".Synapse", err)
			}
			cfg := synapse.Config{NPre: preN, NPost: post.n, W: w, Sparse: csr, Out: out, E: e, TauMs: syn.TauMs, DtMs: s.DtMs, Order: syn.Order}
			if sh := spikes.Shape(); len(sh) == 2 {
				cfg.Batch = sh[0] // batched presynaptic spikes: a conductance per batch row
			}
			if err := graph.PassUnstable(b, cfg.Validate()); err != nil {
				return nil, wrapOption(field+".Synapse", err)
			}
			if prop == Event && s.Engine == Fused && post.cells.FusedCond != nil && syn.Order == synapse.OrderCourse &&
				(len(post.events) == 0 || post.events[0].cfg.Decay() == cfg.Decay()) {
				// Merged into the population's op (step 4).
				post.events = append(post.events, eventProj{name: p.Name, field: field, cfg: cfg, spikes: spikes})
				bp.Conductance = &cfg
				net.Projections = append(net.Projections, bp)
				continue
			}
			if prop == Event {
				eg, err := synapse.DeclareEvent(b, cfg)
				if err != nil {
					return nil, wrapOption(field, err)
				}
				hNext, i, err := eg.Step(b, eg.H, spikes, post.cells.V)
				if err != nil {
					return nil, wrapOption(field, err)
				}
				b.SetNext(eg.H, hNext)
				if name, ok := g.NameOf(eg.H); ok {
					net.Ranges[name] = graph.Range{Min: 0, Max: math.Inf(1)}
				}
				current, bp.Conductance = i, &cfg
				break
			}
			grp, err := synapse.Declare(b, cfg)
			if err != nil {
				return nil, wrapOption(field, err)
			}
			step := grp.Step
			if s.Engine == Fused && !batched {
				step = grp.FusedStep
			}
			gNext, i, err := step(b, grp.G, spikes, post.cells.V)
			if err != nil {
				return nil, wrapOption(field, err)
			}
			b.SetNext(grp.G, gNext)
			if name, ok := g.NameOf(grp.G); ok {
				net.Ranges[name] = graph.Range{Min: 0, Max: math.Inf(1)}
			}
			current, bp.Conductance = i, &cfg
		case CurrentPulse:
			if prop == Event {
				m := csr
				if m == nil {
					if m, err = ops.FromDense(post.n, preN, w); err != nil {
						return nil, wrapOption(field, err)
					}
					bp.W = w
				}
				out, err := m.Transpose()
				if err != nil {
					return nil, wrapOption(field, err)
				}
				current = b.Apply(ops.SparseMatVec{W: out, Transposed: true}, spikes)
			} else if csr != nil {
				current = b.Apply(ops.SparseMatVec{W: csr}, spikes)
			} else {
				wn := b.Param("W", w, post.n, preN)
				current, bp.W = b.MatVec(wn, spikes), w
			}
		default:
			return nil, optionf(field+".Synapse", "%T is not Conductance or CurrentPulse", p.Synapse)
		}
		b.Output("I", current) // readable on every engine: session.Value("NAME/I")
		if err := b.Err(); err != nil {
			return nil, wrapOption(field, err)
		}
		post.inputs = append(post.inputs, current)
		net.Projections = append(net.Projections, bp)
	}

	// 4. Populations: sum the inputs in order and step to sample k+1.
	for i, p := range order {
		var in *graph.Node
		for _, x := range p.inputs {
			if in == nil {
				in = x
				continue
			}
			in = p.b.Add(in, x)
		}
		if len(p.events) > 0 {
			if err := p.mergeEvents(in); err != nil {
				return nil, err
			}
			continue
		}
		advance := p.cells.Advance
		if s.Engine == Fused && p.cells.Fused != nil {
			advance = p.cells.Fused
		}
		if err := advance(in); err != nil {
			return nil, wrapOption(fmt.Sprintf("Populations[%d].Model", i), err)
		}
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}

	// 5. Monitors.
	for i, m := range s.Monitors {
		bm, err := net.resolve(m)
		if err != nil {
			return nil, wrapOption(fmt.Sprintf("Monitors[%d]", i), err)
		}
		net.Monitors = append(net.Monitors, bm)
	}
	net.Feeder = feeders
	return net, nil
}

// Schedule is the order of operations within one step from sample k to
// k+1, which Build follows and which reproduces the course:
//
//  1. every source writes or draws step k's input (Poisson spikes, currents);
//  2. every projection, in order, adds its presynaptic spikes at sample k
//     to its conductances and computes its current from them and the
//     postsynaptic potential at sample k, then decays the conductances;
//  3. every population sums its inputs left to right (current sources in
//     source order, then projections in projection order; event-driven
//     conductance projections merged into the population's op last, see
//     the package doc) and takes its model's step to sample k+1 (for Izhikevich's course scheme: reset
//     the neurons that spiked at k, else integrate; then threshold).
const Schedule = "sources; projections (spikes and v at k -> current); populations (sum inputs, step to k+1)"

type popBuild struct {
	Population
	n      int
	b      *graph.Builder
	cells  graph.Neurons
	inputs []*graph.Node
	events []eventProj // event-driven conductance projections merged into the population's op
}

// eventProj is an event-driven conductance projection whose conductances
// the population's op keeps (graph.Neurons.FusedCond).
type eventProj struct {
	name, field string
	cfg         synapse.Config
	spikes      *graph.Node
}

// NameCondState is the local name, in a population's scope, of the
// conductances that its event-driven conductance projections share when
// they are merged into its op ("net/g_syn").
const NameCondState = "g_syn"

// mergeEvents adds the population's step with its merged event-driven
// conductance projections: one state of K conductances per neuron (K
// reversal potentials, in order of first appearance over the projections
// in order), one ops.Deliver adding every projection's spikes, and the
// model's FusedCond, which computes the current after in (the sum of the
// other inputs, nil for none) and the decay in its own loop.
func (p *popBuild) mergeEvents(in *graph.Node) error {
	var union []float64
	index := map[float64]int32{}
	for _, ep := range p.events {
		for _, e := range ep.cfg.E {
			if _, ok := index[e]; !ok {
				index[e] = int32(len(union))
				union = append(union, e)
			}
		}
	}
	srcs := make([]*ops.EventSynapses, len(p.events))
	args := []*graph.Node{nil}
	for i, ep := range p.events {
		out, err := ep.cfg.Outgoing()
		if err != nil {
			return wrapOption(ep.field, err)
		}
		class := make([]int32, ep.cfg.NPre)
		for j, e := range ep.cfg.E {
			class[j] = index[e]
		}
		srcs[i] = &ops.EventSynapses{Out: out, Class: class, E: union}
		args = append(args, ep.spikes)
	}
	h := p.b.State(NameCondState, []float64{0}, len(union)*p.n)
	args[0] = h
	hPlus := p.b.Apply(ops.Deliver{Sources: srcs}, args...)
	if err := p.b.Err(); err != nil {
		return wrapOption(p.events[0].field, err)
	}
	hNext, err := p.cells.FusedCond(in, hPlus, union, p.events[0].cfg.Decay())
	if err != nil {
		return wrapOption(fmt.Sprintf("Populations[%q].Model", p.Name), err)
	}
	p.b.SetNext(h, hNext)
	if err := p.b.Err(); err != nil {
		return wrapOption(p.events[0].field, err)
	}
	return nil
}

// declareNeurons calls the model's Declare and adds the builder's error.
func declareNeurons(m Neuron, b *graph.Builder, dtMs float64) (cells graph.Neurons, err error) {
	cells, err = m.Declare(b, dtMs)
	if err == nil {
		err = b.Err()
	}
	return cells, err
}

func (s Spec) checkNames() error {
	seen := map[string]string{}
	check := func(field, name string) error {
		if err := graph.CheckName(name); err != nil {
			return wrapOption(field+".Name", err)
		}
		if other, dup := seen[name]; dup {
			return optionf(field+".Name", "%q is also %s's name", name, other)
		}
		seen[name] = field
		return nil
	}
	for i, p := range s.Populations {
		if err := check(fmt.Sprintf("Populations[%d]", i), p.Name); err != nil {
			return err
		}
	}
	for i, src := range s.Sources {
		if src == nil {
			return optionf(fmt.Sprintf("Sources[%d]", i), "is nil")
		}
		if err := check(fmt.Sprintf("Sources[%d]", i), src.SourceName()); err != nil {
			return err
		}
	}
	for i, p := range s.Projections {
		if err := check(fmt.Sprintf("Projections[%d]", i), p.Name); err != nil {
			return err
		}
	}
	return nil
}

// sourceStream returns the random stream a source draws from, by kind.
func sourceStream(src Source) (kind string, stream uint64, ok bool) {
	switch s := src.(type) {
	case Poisson:
		return "Poisson", s.Stream, true
	case Noise:
		return "Noise", s.Stream, true
	}
	return "", 0, false
}

// reversal returns E per presynaptic neuron.
func (c Conductance) reversal(nPre int, inh []bool) ([]float64, error) {
	if c.EInh == nil {
		return perNeuron("E", c.E, nPre)
	}
	if len(c.E) != 1 {
		return nil, optionf("E", "%d values; with EInh, give E as the one excitatory value", len(c.E))
	}
	if inh == nil {
		return nil, &OptionError{Option: "EInh", Err: errNoLabels}
	}
	e := make([]float64, nPre)
	for i := range e {
		e[i] = c.E[0]
		if inh[i] {
			e[i] = *c.EInh
		}
	}
	return e, nil
}

// weights returns the weights: a dense matrix [post, pre] or, for a sparse
// projection, a CSR matrix; and the number of nonzero weights.
func (p Projection) weights(ctx context.Context, seed uint64, nPost, nPre int, postInh, preInh []bool) ([]float64, *ops.CSR, int, error) {
	if p.W != nil {
		if p.Connect != nil || p.Weights != nil || p.Scale != nil {
			return nil, nil, 0, optionf("W", "explicit weights exclude Connect, Weights and Scale")
		}
		if len(p.W) != nPost*nPre {
			return nil, nil, 0, optionf("W", "%d values, want %d x %d", len(p.W), nPost, nPre)
		}
		nnz := 0
		for i, x := range p.W {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, 0, optionf("W", "[%d, %d] = %v is not finite", i/nPre, i%nPre, x)
			}
			if x != 0 {
				nnz++
			}
		}
		if p.Sparse {
			csr, err := ops.FromDense(nPost, nPre, p.W)
			if err != nil {
				return nil, nil, 0, wrapOption("W", err)
			}
			return nil, csr, nnz, nil
		}
		return append([]float64(nil), p.W...), nil, nnz, nil
	}
	if err := p.checkGenerated(postInh, preInh); err != nil {
		return nil, nil, 0, err
	}
	if !p.Sparse && uint64(nPost)*uint64(nPre) > maxDense {
		return nil, nil, 0, optionf("Connect", "%d x %d dense weights exceed %d values (set Sparse)", nPost, nPre, uint64(maxDense))
	}
	var w []float64
	var rows *rowSink
	var err error
	if p.Sparse {
		if rows, err = newRowSink(nPost, nPre); err != nil {
			return nil, nil, 0, wrapOption("Connect", err)
		}
	} else {
		w = make([]float64, nPost*nPre)
	}
	nnz := 0
	err = p.eachSynapse(ctx, seed, nPost, nPre, postInh, preInh, func(post, pre int, x float64) error {
		if x != 0 {
			nnz++
		}
		if rows != nil {
			return rows.add(post, pre, x)
		}
		w[post*nPre+pre] = x
		return nil
	})
	if err != nil {
		return nil, nil, 0, err
	}
	if rows != nil {
		csr, err := rows.build()
		if err != nil {
			return nil, nil, 0, wrapOption("Connect", err)
		}
		return nil, csr, nnz, nil
	}
	return w, nil, nnz, nil
}

// checkGenerated checks a projection whose synapses are drawn: Connect
// and Weights given, finite scales, labels where a scale needs them.
func (p Projection) checkGenerated(postInh, preInh []bool) error {
	if p.Connect == nil || p.Weights == nil {
		return optionf("Connect", "give Connect and Weights, or W")
	}
	for i, sc := range p.Scale {
		if math.IsNaN(sc.Factor) || math.IsInf(sc.Factor, 0) {
			return optionf(fmt.Sprintf("Scale[%d].Factor", i), "%v is not finite", sc.Factor)
		}
		if (sc.Pre != Any && preInh == nil) || (sc.Post != Any && postInh == nil) {
			return &OptionError{Option: fmt.Sprintf("Scale[%d]", i), Err: errNoLabels}
		}
	}
	return nil
}

// eachSynapse draws p's synapses (Connect and Weights from
// PCG(seed, p.Stream), one weight right after each synapse, then the
// block scales in order) and calls put for each, zero weights included,
// in Connect's order (post ascending, then pre). It checks the order, the
// ranges and ctx (once a row); its errors are *OptionErrors for Weights
// or Connect (put's errors too).
func (p Projection) eachSynapse(ctx context.Context, seed uint64, nPost, nPre int, postInh, preInh []bool, put func(post, pre int, x float64) error) error {
	r := rand.New(rand.NewPCG(seed, p.Stream))
	draw, err := p.Weights.Sampler(r)
	if err != nil {
		return wrapOption("Weights", err)
	}
	lastPost, lastPre := 0, -1
	var bad error
	err = p.Connect.Rows(nPost, nPre, r, func(post, pre int) bool {
		if post < 0 || post >= nPost || pre < 0 || pre >= nPre || post < lastPost || (post == lastPost && pre <= lastPre) {
			bad = fmt.Errorf("synapse (%d, %d) is out of range or out of row-major order", post, pre)
			return false
		}
		if post != lastPost {
			if bad = ctx.Err(); bad != nil {
				return false
			}
		}
		lastPost, lastPre = post, pre
		x := draw()
		for _, sc := range p.Scale {
			if sc.Post.has(postInh != nil && postInh[post]) && sc.Pre.has(preInh != nil && preInh[pre]) {
				x *= sc.Factor
			}
		}
		bad = put(post, pre, x)
		return bad == nil
	})
	if err == nil {
		err = bad
	}
	return wrapOption("Connect", err)
}

// outgoing draws p's synapses as eachSynapse does and stores them by
// presynaptic neuron, Wᵀ [nPre, nPost] with zero weights left out, the
// layout event-driven propagation reads: it draws twice, first to count
// each presynaptic neuron's synapses and then to place them, so neither a
// COO copy nor the matrix by rows is ever held (at n = 1e6 with 100
// synapses each, one CSR of 1.2 GB instead of two). It returns the
// synapses' count; p.W is not allowed (the caller transposes it).
func (p Projection) outgoing(ctx context.Context, seed uint64, nPost, nPre int, postInh, preInh []bool) (*ops.CSR, int, error) {
	if p.W != nil {
		return nil, 0, optionf("W", "explicit weights are transposed, not drawn")
	}
	if err := p.checkGenerated(postInh, preInh); err != nil {
		return nil, 0, err
	}
	count := make([]int, nPre+1)
	counter := newByPre(nPre, func(ps []preOnly) error {
		for _, p := range ps {
			count[p+1]++
		}
		return nil
	})
	if nPre < byPreMinPre {
		counter.direct()
	}
	err := p.eachSynapse(ctx, seed, nPost, nPre, postInh, preInh, func(post, pre int, x float64) error {
		if x != 0 {
			return counter.add(preOnly(pre))
		}
		return nil
	})
	if err == nil {
		err = counter.flush()
	}
	if err != nil {
		return nil, 0, err
	}
	counter = nil
	for j := 0; j < nPre; j++ {
		count[j+1] += count[j]
	}
	nnz := count[nPre]
	if nnz > math.MaxInt32 {
		return nil, 0, optionf("Connect", "%d synapses exceed the 32-bit indices of the CSR (%d)", nnz, math.MaxInt32)
	}
	out := &ops.CSR{Rows: nPre, Cols: nPost, RowPtr: make([]int32, nPre+1), ColIdx: make([]int32, nnz), Val: make([]float64, nnz)}
	for j, c := range count {
		out.RowPtr[j] = int32(c)
	}
	next := count[:nPre] // the next free place of each row
	placer := newByPre(nPre, func(es []synEntry) error {
		for _, e := range es {
			k := next[e.pre]
			if k >= int(out.RowPtr[e.pre+1]) {
				return fmt.Errorf("the second draw gave presynaptic neuron %d more synapses than the first", e.pre)
			}
			out.ColIdx[k], out.Val[k] = e.post, e.x
			next[e.pre]++
		}
		return nil
	})
	if nnz < byPreMinSyn {
		placer.direct()
	} else {
		placer.reserve(nnz)
	}
	err = p.eachSynapse(ctx, seed, nPost, nPre, postInh, preInh, func(post, pre int, x float64) error {
		if x == 0 {
			return nil
		}
		return placer.add(synEntry{pre: int32(pre), post: int32(post), x: x})
	})
	if err == nil {
		err = placer.flush()
	}
	if err != nil {
		return nil, 0, err
	}
	return out, nnz, out.Validate()
}

// rowSink collects synapses row by row into a CSR builder: no dense or COO
// copy of the matrix is ever made.
type rowSink struct {
	b    *ops.CSRBuilder
	post int // the row being filled
	cols []int32
	vals []float64
	rows int
}

func newRowSink(nPost, nPre int) (*rowSink, error) {
	b, err := ops.NewCSRBuilder(nPost, nPre, 0)
	if err != nil {
		return nil, err
	}
	return &rowSink{b: b, rows: nPost}, nil
}

// add appends synapse (post, pre) with weight x, closing the rows before
// post. A zero weight is not stored.
func (s *rowSink) add(post, pre int, x float64) error {
	if err := s.flushTo(post); err != nil {
		return err
	}
	if x != 0 {
		s.cols, s.vals = append(s.cols, int32(pre)), append(s.vals, x)
	}
	return nil
}

// flushTo closes every row before post.
func (s *rowSink) flushTo(post int) error {
	for s.post < post {
		if err := s.b.AddRow(s.cols, s.vals); err != nil {
			return err
		}
		s.cols, s.vals = s.cols[:0], s.vals[:0]
		s.post++
	}
	return nil
}

func (s *rowSink) build() (*ops.CSR, error) {
	if err := s.flushTo(s.rows); err != nil {
		return nil, err
	}
	return s.b.Build()
}

// maxDense bounds a dense weight matrix (values): 20000 x 20000 float64 is
// 3.2 GB.
const maxDense = 20000 * 20000

// delayed returns pre delayed by d steps through a chain of states
// "delay1".."delayD" (delayD holds the spikes of d steps ago).
func delayed(b *graph.Builder, pre *graph.Node, d int) (*graph.Node, error) {
	if d < 0 {
		return nil, fmt.Errorf("%d must be >= 0", d)
	}
	if d > maxDelaySteps {
		return nil, fmt.Errorf("%d exceeds %d", d, maxDelaySteps)
	}
	prev := pre
	for k := 1; k <= d; k++ {
		s := b.State(fmt.Sprintf("delay%d", k), []float64{0}, pre.Shape()...)
		b.SetNext(s, prev)
		prev = s
	}
	return prev, b.Err()
}

// maxDelaySteps bounds a delay (each step of delay is one state).
const maxDelaySteps = 1000

func (n *Network) resolve(m Monitor) (BuiltMonitor, error) {
	bm := BuiltMonitor{Monitor: m}
	if m.Name == "" {
		return bm, optionf("Name", "is empty")
	}
	switch m.Kind {
	case SpikeEvents, Trace:
		p, ok := n.Population(m.Of)
		if !ok {
			return bm, optionf("Of", "unknown population %q", m.Of)
		}
		bm.Node = p.Fired
		if m.Kind == Trace {
			bm.Node = p.V
			if len(m.Index) == 0 {
				return bm, optionf("Index", "a trace needs at least one neuron")
			}
			for _, i := range m.Index {
				if i < 0 || i >= p.N {
					return bm, optionf("Index", "neuron %d is outside [0, %d)", i, p.N)
				}
			}
		}
	case CountSpikes:
		for _, s := range n.Sources {
			if s.Name == m.Of && s.Spikes != "" {
				bm.Node = s.Spikes
			}
		}
		if bm.Node == "" {
			return bm, optionf("Of", "unknown spike source %q", m.Of)
		}
	default:
		return bm, optionf("Kind", "unknown monitor kind %d", int(m.Kind))
	}
	return bm, nil
}
