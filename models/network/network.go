// Package network builds the seed notebook's four networks as graphs.
//
// # Overview
//
// The four scenarios port Steps 1-4 of Rasch's CCN course (2012), as the
// notebook does:
//
//   - Single: one regular-spiking neuron with a current step of 7 inside the
//     window 200 < t < 700 ms.
//   - Synaptic: one neuron with 100 Poisson trains (2 Hz inside the window),
//     w_in = 0.07, E_in = 0 mV, tau_g = 10 ms.
//   - Uncoupled: n neurons (default 1000), each inhibitory (fast spiking)
//     with probability 0.2, else regular spiking; each neuron connected to
//     each of the 100 trains with probability 0.1.
//   - Recurrent: Uncoupled plus recurrent weights: connection probability
//     0.1, Gamma(shape 2, scale 0.003) weights, the inhibitory-to-excitatory
//     block doubled, E = -85 mV for inhibitory presynaptic neurons, else 0.
//   - Izhikevich2003: the network of Izhikevich (2003), net.m: 800
//     excitatory and 200 inhibitory neurons with random heterogeneity in a,
//     b, c, d, dense random current weights, Gaussian thalamic input drawn
//     in the graph (ops.Normal), 1 ms steps under izhikevich.NetM; see
//     izh2003.go.
//   - Ring: Step 5 of the course's 2013 edition, Recurrent on a ring of n
//     neurons: an excitatory neuron connects to every neuron within RingReach
//     (50) positions, an inhibitory one as in Recurrent, and only the first
//     half of the ring receives the Poisson input. The reach and the choice of
//     half are ours (see ring.go); Options.Notebook is rejected.
//
// Every neuron starts at rest, v = -70 mV, u = -14. The course's semantics
// are the default; Options.Notebook follows the notebook's final cell of each
// step instead (see the README's "Where we differ from the notebook").
//
// # Names
//
// The population's state is "net/v", "net/u", "net/fired"; a current input
// is "in/I"; the Poisson source's input is "in/rate" and its draws the output
// "in/spikes"; conductances are "syn_in/g" and "syn_rec/g".
//
// # Randomness
//
// Everything random follows from Options.Seed: the cell types, the input and
// recurrent connections and weights (each from its own PCG stream of
// math/rand/v2), and the Poisson draws (counter-based, see package poisson).
// The same seed gives the same network in float64 and float32.
package network

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/poisson"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/models/synapse"
)

// Kind is one of the four scenarios.
type Kind int

// The scenarios, in the notebook's order.
const (
	Single Kind = iota + 1
	Synaptic
	Uncoupled
	Recurrent
	// Izhikevich2003 is the network of Izhikevich (2003), net.m (see izh2003.go).
	Izhikevich2003
	// Ring is the course's Step 5, the ring network of its 2013 edition
	// (see ring.go).
	Ring
)

// String names the scenario as the command line does.
func (k Kind) String() string {
	switch k {
	case Single:
		return "single"
	case Synaptic:
		return "synaptic"
	case Uncoupled:
		return "uncoupled"
	case Recurrent:
		return "recurrent"
	case Izhikevich2003:
		return "izhikevich2003"
	case Ring:
		return "ring"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind maps a scenario name or its alias (step1..step4 for the
// notebook's steps, step5 for Ring) to its Kind.
func ParseKind(s string) (Kind, error) {
	for k := Single; k <= Ring; k++ {
		if s == k.String() {
			return k, nil
		}
	}
	for k := Single; k <= Recurrent; k++ {
		if s == fmt.Sprintf("step%d", int(k)) {
			return k, nil
		}
	}
	if s == "step5" {
		return Ring, nil
	}
	return 0, fmt.Errorf("network: unknown scenario %q (want single, synaptic, uncoupled, recurrent, izhikevich2003, ring, step1..step5)", s)
}

// HasN reports whether the scenario's size can be chosen.
func (k Kind) HasN() bool {
	return k == Uncoupled || k == Recurrent || k == Izhikevich2003 || k == Ring
}

// HasSynapses reports whether the scenario has conductance synapses (with
// the course's decay time TauGMs).
func (k Kind) HasSynapses() bool { return k != Single && k != Izhikevich2003 }

// The course's constants.
const (
	DefaultN     = 1000
	DefaultDtMs  = 0.5
	NIn          = 100   // Poisson trains
	InputRateHz  = 2.0   // rate of each train inside the window
	InputWeight  = 0.07  // w_in
	TauGMs       = 10.0  // conductance decay
	Current      = 7.0   // Step 1's applied current
	InhFraction  = 0.2   // probability that a neuron is inhibitory
	InputProb    = 0.1   // probability of a neuron-train connection
	RecProb      = 0.1   // recurrent connection probability (course)
	GammaShape   = 2.0   // recurrent weight distribution
	GammaScale   = 0.003 //
	EInhMV       = -85.0 // reversal potential of inhibitory synapses
	InhToExcGain = 2.0   // the inhibitory-to-excitatory block is doubled
	// NotebookRecProb is the notebook's recurrent connection probability.
	NotebookRecProb = 0.05
	// MaxN bounds n so that the recurrent weights fit in memory
	// (n*n float64 values, twice: 20000 gives 6.4 GB).
	MaxN = 20000
	// MaxUncoupledN bounds n for the uncoupled network (n*100 input weights).
	MaxUncoupledN = 1000000
)

// Options choose a scenario's size, step, dtype and randomness.
type Options struct {
	Seed     uint64
	N        int          // neurons for Uncoupled and Recurrent; 0 means DefaultN
	DtMs     float64      // time step (ms); 0 means DefaultDtMs
	Dtype    tensor.Dtype // float64 or float32; the zero value means float64
	Notebook bool         // follow the notebook's cells instead of the course
}

// Net is a built scenario: its graph, its feeds and everything a plain-Go
// reference needs to recompute it.
type Net struct {
	Kind     Kind
	Options  Options
	Graph    *graph.Graph
	Feeder   graph.Feeder
	N        int
	Inh      []bool // per neuron: inhibitory
	NExc     int
	NInh     int
	Record   []int // neurons whose v the command line traces
	V0, U0   float64
	Izh      izhikevich.Config
	Window   stimulus.Window
	Current  float64         // Single: the applied current
	Input    *poisson.Config // Synaptic and later: the Poisson trains
	InputSyn *synapse.Config // their synapses
	RecSyn   *synapse.Config // Recurrent: the recurrent synapses
	Rates    []float64       // per train, Hz, inside the window
	Ring     *RingSpec       // Ring: its layout
	Izh2003  *Izh2003Spec    // Izhikevich2003: weights, noise and initial u
}

// State and input names.
const (
	NameV        = "net/v"
	NameU        = "net/u"
	NameFired    = "net/fired"
	NameCurrent  = "in/I"
	NameRate     = "in/rate"
	NameSpikesIn = "in/spikes"
	NameGIn      = "syn_in/g"
	NameGRec     = "syn_rec/g"
)

// Random streams of math/rand/v2's PCG, one per purpose, so that changing one
// part of a network does not reshuffle the others.
const (
	streamTypes = iota + 1
	streamInput
	streamRec
)

func (o Options) normalize(k Kind) (Options, error) {
	if o.DtMs == 0 {
		o.DtMs = DefaultDtMs
	}
	if !(o.DtMs > 0) || math.IsInf(o.DtMs, 0) {
		return o, fmt.Errorf("network: dt = %v ms must be > 0 and finite", o.DtMs)
	}
	if o.Dtype == (tensor.Dtype{}) {
		o.Dtype = tensor.Float64
	}
	if !k.HasN() {
		if o.N != 0 && o.N != 1 {
			return o, fmt.Errorf("network: scenario %v has one neuron; n = %d does not apply", k, o.N)
		}
		o.N = 1
		return o, nil
	}
	if o.N == 0 {
		o.N = DefaultN
	}
	limit := MaxUncoupledN
	if k == Recurrent || k == Izhikevich2003 || k == Ring {
		limit = MaxN
	}
	if o.N < 1 || o.N > limit {
		return o, fmt.Errorf("network: n = %d must be in [1, %d] for %v", o.N, limit, k)
	}
	return o, nil
}

// New builds scenario k.
func New(k Kind, o Options) (*Net, error) {
	switch {
	case k == Izhikevich2003:
		return newIzh2003(o)
	case k == Ring:
		return newRing(o)
	case k < Single || k > Ring:
		return nil, fmt.Errorf("network: unknown scenario %d", int(k))
	}
	o, err := o.normalize(k)
	if err != nil {
		return nil, err
	}
	net := &Net{Kind: k, Options: o, N: o.N, V0: izhikevich.RestV, U0: izhikevich.RestU, Window: stimulus.CourseWindow()}
	if o.Notebook && k != Uncoupled && k != Recurrent {
		net.V0 = -65 // In [10] and In [12] start at v = -65 mV
	}
	cells := net.drawTypes(k.HasN())
	scheme := izhikevich.Course
	if o.Notebook {
		scheme = izhikevich.NotebookReset
		if k.HasN() {
			scheme = izhikevich.NotebookHost
			for i := range cells.A {
				cells.A[i] = o.DtMs // In [13] and In [32] use a_g = dt for every neuron
			}
		}
	}
	net.Izh = izhikevich.Config{Cells: cells, DtMs: o.DtMs, VPeak: izhikevich.DefaultVPeak, Scheme: scheme}

	if k.HasSynapses() {
		net.Input = &poisson.Config{N: NIn, Seed: o.Seed, Stream: 0, DtMs: o.DtMs}
		net.Rates = make([]float64, NIn)
		for i := range net.Rates {
			net.Rates[i] = InputRateHz
		}
		win := make([]float64, o.N*NIn)
		if k == Synaptic {
			for i := range win {
				win[i] = InputWeight
			}
		} else {
			r := rand.New(rand.NewPCG(o.Seed, streamInput))
			for i := range win {
				if r.Float64() < InputProb {
					win[i] = InputWeight
				}
			}
		}
		order := synapse.OrderCourse
		if o.Notebook && k == Synaptic {
			order = synapse.OrderNotebookNeat
		}
		net.InputSyn = &synapse.Config{NPre: NIn, NPost: o.N, W: win, E: make([]float64, NIn), TauMs: TauGMs, DtMs: o.DtMs, Order: order}
	}
	if k == Recurrent {
		net.RecSyn = recurrent(o, net.Inh)
	}
	if err := net.build(); err != nil {
		return nil, err
	}
	return net, nil
}

// drawTypes makes each neuron inhibitory (fast spiking) with probability
// InhFraction, else regular spiking, from the types stream when draw is
// true (all excitatory otherwise), and sets Inh, NInh, NExc and Record.
func (net *Net) drawTypes(draw bool) izhikevich.Cells {
	n := net.Options.N
	net.Inh = make([]bool, n)
	cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
	if draw {
		types := rand.New(rand.NewPCG(net.Options.Seed, streamTypes))
		for i := range net.Inh {
			net.Inh[i] = types.Float64() < InhFraction
			if net.Inh[i] {
				cells.Set(i, izhikevich.FastSpiking())
				net.NInh++
			}
		}
	}
	net.NExc = n - net.NInh
	net.Record = recordSet(net.Inh)
	return cells
}

// recurrent draws the recurrent weights W [post, pre] and reversal potentials.
func recurrent(o Options, inh []bool) *synapse.Config {
	n := len(inh)
	r := rand.New(rand.NewPCG(o.Seed, streamRec))
	gamma := distuv.Gamma{Alpha: GammaShape, Beta: 1 / GammaScale, Src: r}
	prob := RecProb
	if o.Notebook {
		prob = NotebookRecProb
	}
	w := make([]float64, n*n)
	for post := 0; post < n; post++ {
		for pre := 0; pre < n; pre++ {
			if r.Float64() >= prob {
				continue
			}
			x := gamma.Rand()
			switch {
			case !o.Notebook && !inh[post] && inh[pre]:
				x *= InhToExcGain // course: inhibitory-to-excitatory doubled
			case o.Notebook && inh[post] && !inh[pre]:
				x += x * 2 // notebook: W += W*inh2exc*2 lands on exc-to-inh, tripling it
			}
			w[post*n+pre] = x
		}
	}
	e := make([]float64, n)
	for i := range e {
		if inh[i] {
			e[i] = EInhMV
		}
	}
	return &synapse.Config{NPre: n, NPost: n, W: w, E: e, TauMs: TauGMs, DtMs: o.DtMs, Order: synapse.OrderCourse}
}

// recordSet picks the neurons the command line traces: the first three
// excitatory and the first two inhibitory neurons (by index), sorted.
func recordSet(inh []bool) []int {
	var out []int
	exc, in := 0, 0
	for i, isInh := range inh {
		switch {
		case !isInh && exc < 3:
			out = append(out, i)
			exc++
		case isInh && in < 2:
			out = append(out, i)
			in++
		}
	}
	sort.Ints(out)
	return out
}

func (net *Net) build() error {
	g, err := graph.New(graph.WithDtype(net.Options.Dtype))
	if err != nil {
		return fmt.Errorf("network: %w", err)
	}
	nb, in := g.Scope("net"), g.Scope("in")
	pop, err := izhikevich.Declare(nb, net.Izh, []float64{net.V0}, []float64{net.U0})
	if err != nil {
		return fmt.Errorf("network: %v: %w", net.Kind, err)
	}
	var current *graph.Node
	var feeders graph.Feeders
	if net.Kind == Single {
		net.Current = Current
		current = in.Input("I", net.N)
		feeders = append(feeders, stimulus.WindowFeeder{Input: NameCurrent, Values: []float64{net.Current}, Window: net.Window, DtMs: net.Options.DtMs})
	}
	if net.Input != nil {
		src, err := poisson.Declare(in, *net.Input)
		if err != nil {
			return fmt.Errorf("network: %v: %w", net.Kind, err)
		}
		spikes, err := src.Step(in)
		if err != nil {
			return err
		}
		in.Output("spikes", spikes)
		feeders = append(feeders, stimulus.WindowFeeder{Input: NameRate, Values: net.Rates, Window: net.Window, DtMs: net.Options.DtMs})
		current, err = synapseCurrent(g.Scope("syn_in"), *net.InputSyn, spikes, pop.V)
		if err != nil {
			return fmt.Errorf("network: %v: input synapses: %w", net.Kind, err)
		}
	}
	if net.RecSyn != nil {
		i, err := synapseCurrent(g.Scope("syn_rec"), *net.RecSyn, pop.Fired, pop.V)
		if err != nil {
			return fmt.Errorf("network: %v: recurrent synapses: %w", net.Kind, err)
		}
		current = nb.Add(current, i)
	}
	next, err := pop.Step(nb, pop.State, current)
	if err != nil {
		return err
	}
	if err := pop.Carry(nb, next); err != nil {
		return err
	}
	if err := g.Validate(); err != nil {
		return fmt.Errorf("network: %v: %w", net.Kind, err)
	}
	net.Graph, net.Feeder = g, feeders
	return nil
}

// synapseCurrent declares a synapse group, adds its step and carries g.
func synapseCurrent(b *graph.Builder, cfg synapse.Config, pre, v *graph.Node) (*graph.Node, error) {
	s, err := synapse.Declare(b, cfg)
	if err != nil {
		return nil, err
	}
	gNext, i, err := s.Step(b, s.G, pre, v)
	if err != nil {
		return nil, err
	}
	b.SetNext(s.G, gNext)
	if err := b.Err(); err != nil {
		return nil, err
	}
	return i, nil
}

// Steps returns the number of steps in durationMs, which must be a whole
// number of steps of dt (to 1e-9 relative) and at least one step.
func Steps(durationMs, dtMs float64) (int, error) {
	if math.IsNaN(durationMs) || math.IsInf(durationMs, 0) {
		return 0, fmt.Errorf("network: duration = %v ms is not finite", durationMs)
	}
	if durationMs < dtMs {
		return 0, fmt.Errorf("network: duration = %v ms is shorter than dt = %v ms", durationMs, dtMs)
	}
	x := durationMs / dtMs
	k := math.Round(x)
	if math.Abs(x-k) > 1e-9*k {
		return 0, fmt.Errorf("network: duration = %v ms is not a whole number of steps of dt = %v ms (%v steps)", durationMs, dtMs, x)
	}
	if k > math.MaxInt32 {
		return 0, errors.New("network: too many steps (more than 2^31)")
	}
	return int(k), nil
}
