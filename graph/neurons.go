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
	// VRange is V's documented physical range, which a run's guard checks
	// after every step (package sim's WithGuard); the zero value means
	// none beyond finiteness.
	VRange Range
}
