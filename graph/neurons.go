package graph

// Neurons is a neuron population declared in a graph, as a composer (such
// as package network) drives it. A neuron model's Declare returns it; the
// composer wires projections to V and Fired, sums the population's inputs
// and calls Advance once.
//
// It is a plain value of graph types so that a model package implements a
// composer's contract while importing only graph and ops.
type Neurons struct {
	// V is the membrane potential at sample k, the value a
	// conductance-based synapse reads: shape [n], or [batch, n] for a
	// batched population.
	V *Node
	// Fired is 1 where a neuron spiked at sample k, else 0; V's shape.
	Fired *Node
	// Advance adds the step from sample k to k+1, driven by input (the sum
	// of the population's inputs in the model's input unit; nil for none),
	// and pairs every state with its next value. A composer calls it once.
	Advance func(input *Node) error
	// Fused, when not nil, adds the same step as Advance as fused,
	// forward-only ops (one loop per population) that compute the same
	// values, and pairs every state with its next value; nil when the model
	// has none. A composer calls one of Advance and Fused, once: Advance
	// for a graph to differentiate, Fused to simulate.
	Fused func(input *Node) error
	// FusedCond, when not nil, is Fused with the current and decay of
	// event-driven conductance synapses computed inside the population's
	// op: h [K·n] holds each neuron's conductance per reversal potential
	// e[k] after this step's spikes (class-major), decay is 1 − dt/τ_g.
	// The op adds Σ_k e[k]·h[k] − (Σ_k h[k])·V to input (nil for none),
	// takes the step and returns decay·h, the conductances' next value.
	// nil when the model cannot; a composer calls one of Advance, Fused
	// and FusedCond, once.
	FusedCond func(input, h *Node, e []float64, decay float64) (hNext *Node, err error)
	// VRange is V's documented physical range, which a run's guard checks
	// after every step (package sim's WithGuard); the zero value means
	// none beyond finiteness.
	VRange Range
}
