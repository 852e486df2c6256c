package network

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/poisson"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/models/synapse"
)

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
	// MaxN bounds n where a scenario's weights are dense n × n matrices
	// (the ring's and izhikevich2003's explicit weights, and the
	// notebook's recurrent runs, which compute W·g densely: n*n float64
	// values, twice: 20000 gives 6.4 GB).
	MaxN = 20000
	// MaxUncoupledN bounds n for the uncoupled and recurrent networks,
	// whose projections are stored sparse when large (SparsePairs).
	MaxUncoupledN = 1000000
	// SparsePairs is the size (post × pre pairs) above which the course's
	// projections (uncoupled's and recurrent's) store their weights sparse,
	// drawn row by row or straight into their event-driven layout, never
	// as a dense matrix: 2^24 pairs, 128 MiB of float64 weights. The
	// notebook's runs stay dense (they compute W·g as the notebook does).
	// Below it nothing changes; above it an event-driven projection
	// propagates the same synapses in the same order, so the same bits.
	SparsePairs = 1 << 24
	// MaxSynapses bounds the synapses a recurrent run draws (its expected
	// count, p·n²): about 12 bytes each, 4.8 GB in all. A larger network
	// takes a smaller --p-rec.
	MaxSynapses = 400_000_000
)

// Net is a built scenario: the network built from parts (Network, with its
// graph and feeder) and everything a plain-Go reference needs to recompute
// it.
type Net struct {
	Kind     Kind
	Scenario Scenario
	Options  Options
	Network  *Network     // the composed network
	Graph    *graph.Graph // Network.Graph
	Feeder   graph.Feeder // Network.Feeder
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

// The monitors every scenario's Network declares (see Net.Network's
// Spec.Monitors): the population's spikes, the potential of the neurons in
// Net.Record, and the Poisson input's spikes (scenarios with a Poisson
// source "in" only).
const (
	MonitorSpikes = "spikes" // SpikeEvents of "net"
	MonitorV      = "v"      // Trace of "net" at Net.Record
	MonitorInput  = "input"  // CountSpikes of "in"
)

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

// RandomInh labels each of n neurons inhibitory with probability pInh,
// one uniform draw per neuron from math/rand/v2's PCG(seed, stream): with
// stream 1 and pInh = InhFraction, the course's cell types.
func RandomInh(n int, pInh float64, seed, stream uint64) ([]bool, error) {
	if n < 0 {
		return nil, optionf("n", "%d must be >= 0", n)
	}
	if err := checkProb("pInh", pInh); err != nil {
		return nil, &OptionError{Option: "pInh", Err: err}
	}
	r := rand.New(rand.NewPCG(seed, stream))
	inh := make([]bool, n)
	for i := range inh {
		inh[i] = r.Float64() < pInh
	}
	return inh, nil
}

// newCourse returns the builder of one of the course's steps 1-4.
func newCourse(k Kind) func(ctx context.Context, o Options) (*Net, error) {
	return func(ctx context.Context, o Options) (*Net, error) {
		net := &Net{Kind: k, Options: o, N: o.N, V0: izhikevich.RestV, U0: izhikevich.RestU, Window: stimulus.CourseWindow()}
		if o.Notebook && k != Uncoupled && k != Recurrent {
			net.V0 = -65 // In [10] and In [12] start at v = -65 mV
		}
		many := k != Single && k != Synaptic
		cells, err := net.drawTypes(many)
		if err != nil {
			return nil, err
		}
		scheme := izhikevich.Course
		if o.Notebook {
			scheme = izhikevich.NotebookReset
			if many {
				scheme = izhikevich.NotebookHost
				for i := range cells.A {
					cells.A[i] = o.DtMs // In [13] and In [32] use a_g = dt for every neuron
				}
			}
		}
		net.Izh = izhikevich.Config{Cells: cells, DtMs: o.DtMs, VPeak: izhikevich.DefaultVPeak, Scheme: scheme}
		spec := net.spec()
		if k == Single {
			net.Current = Current
			spec.Sources = []Source{Stimulus{Name: "in", To: "net",
				Current: stimulus.Sequence(0, stimulus.Pulse(net.Window.StartMs, net.Window.StopMs, net.Current))}}
		} else {
			net.addInput(&spec)
			order := synapse.OrderCourse
			if o.Notebook && k == Synaptic {
				order = synapse.OrderNotebookNeat
			}
			in := Projection{Name: "syn_in", From: "in", To: "net", Synapse: Conductance{TauMs: TauGMs, E: []float64{0}, Order: order},
				Connect: Pairwise{P: InputProb}, Weights: Constant{W: InputWeight}, Stream: streamInput}
			if k == Synaptic {
				in.Connect = AllToAll{}
			}
			in.Sparse = StoredSparse(int64(NIn)*int64(o.N), o.Notebook)
			spec.Projections = append(spec.Projections, in)
		}
		if k == Recurrent {
			rec := Projection{Name: "syn_rec", From: "net", To: "net", Synapse: Conductance{TauMs: TauGMs, E: []float64{0}, EInh: ptr(EInhMV)},
				Connect: Pairwise{P: RecProb}, Weights: Gamma{Shape: GammaShape, Scale: GammaScale}, Stream: streamRec,
				Scale: []BlockScale{{Pre: Inh, Post: Exc, Factor: InhToExcGain}}} // course: inhibitory-to-excitatory doubled
			if o.Notebook {
				// The notebook's W += W*inh2exc*2 lands on excitatory-to-inhibitory
				// synapses and triples them (x + 2x rounds as 3x: 2x is exact).
				rec.Connect = Pairwise{P: NotebookRecProb}
				rec.Scale = []BlockScale{{Pre: Exc, Post: Inh, Factor: 3}}
			}
			if o.PRec != 0 {
				// Any other probability: the draw skips ahead instead of
				// testing every pair, so n in the tens of thousands builds in
				// time proportional to the synapses.
				rec.Connect = FixedProbability{P: o.PRec}
			}
			rec.Sparse = StoredSparse(int64(o.N)*int64(o.N), o.Notebook)
			spec.Projections = append(spec.Projections, rec)
		}
		return net, net.build(ctx, spec)
	}
}

func ptr(x float64) *float64 { return &x }

// StoredSparse reports whether a course projection (uncoupled's or
// recurrent's) of pairs post × pre pairs stores its weights sparse: above
// SparsePairs, except in the notebook's runs.
func StoredSparse(pairs int64, notebook bool) bool {
	return !notebook && pairs > SparsePairs
}

// spec returns the spec of the scenario's population "net" (Izh, V0, U0,
// Inh) with the options' clock, dtype and seed.
func (net *Net) spec() Spec {
	o := net.Options
	return Spec{DtMs: o.DtMs, Dtype: o.Dtype, Seed: o.Seed, Engine: o.Engine, AllowUnstable: o.AllowUnstable, Populations: []Population{{
		Name: "net", Model: izhikevich.Neuron{Config: net.Izh, V0: []float64{net.V0}, U0: []float64{net.U0}}, Inh: net.Inh}}}
}

// addInput adds the course's Poisson source "in": NIn trains at
// InputRateHz inside the window.
func (net *Net) addInput(spec *Spec) {
	net.Input = &poisson.Config{N: NIn, Seed: net.Options.Seed, Stream: 0, DtMs: net.Options.DtMs}
	net.Rates = make([]float64, NIn)
	for i := range net.Rates {
		net.Rates[i] = InputRateHz
	}
	win := net.Window
	spec.Sources = append(spec.Sources, Poisson{Name: "in", N: NIn, RateHz: net.Rates, Window: &win, Stream: net.Input.Stream})
}

// build adds the scenario's monitors and propagation to spec, builds it
// and fills the net's graph, feeder and synapse configs.
func (net *Net) build(ctx context.Context, spec Spec) error {
	spec.Monitors = append(spec.Monitors,
		Monitor{Name: MonitorSpikes, Kind: SpikeEvents, Of: "net"},
		Monitor{Name: MonitorV, Kind: Trace, Of: "net", Index: net.Record})
	if net.Input != nil {
		spec.Monitors = append(spec.Monitors, Monitor{Name: MonitorInput, Kind: CountSpikes, Of: "in"})
	}
	prop := net.Options.Propagation
	if net.Options.Notebook && prop == Auto {
		// The notebook computes W·g with tf.matmul: its port runs dense,
		// which also keeps the notebook's outputs bit for bit.
		prop = Dense
	}
	for i := range spec.Projections {
		spec.Projections[i].Propagation = prop
	}
	built, err := spec.BuildContext(ctx)
	if err != nil {
		return fmt.Errorf("network: %v: %w", net.Kind, err)
	}
	net.Network, net.Graph, net.Feeder = built, built.Graph, built.Feeder
	for _, p := range built.Projections {
		switch p.Name {
		case "syn_in":
			net.InputSyn = p.Conductance
		case "syn_rec":
			net.RecSyn = p.Conductance
		}
	}
	return nil
}

// drawTypes makes each neuron inhibitory (fast spiking) with probability
// InhFraction, else regular spiking, from the types stream when draw is
// true (all excitatory otherwise), and sets Inh, NInh, NExc and Record.
func (net *Net) drawTypes(draw bool) (izhikevich.Cells, error) {
	n := net.Options.N
	cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
	net.Inh = make([]bool, n)
	if draw {
		inh, err := RandomInh(n, InhFraction, net.Options.Seed, streamTypes)
		if err != nil {
			return cells, err
		}
		net.Inh = inh
	}
	for i, x := range net.Inh {
		if x {
			cells.Set(i, izhikevich.FastSpiking())
			net.NInh++
		}
	}
	net.NExc = n - net.NInh
	net.Record = recordSet(net.Inh)
	return cells, nil
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
