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
// # Engines
//
// Spec.Engine (and Options.Engine) chooses the graph of a step: Fused, the
// default, puts each population's step (Izhikevich, LIF) and each
// conductance projection's step in one fused, forward-only op, which the
// lean executor of package session runs as a few loops; Fine builds the
// fine-grained graph of gorgonia primitives, to differentiate or inspect.
// The fused ops repeat the graph's operations in its order, so both give
// the same bits (TestFusedEqualsFine checks every scenario step by step),
// and both keep the names below.
//
// Projection.Propagation (and Options.Propagation) chooses how spikes reach
// their targets: Dense multiplies the weights every step; Event adds only
// the spiking neurons' outgoing weights into per-postsynaptic conductances,
// one per reversal potential, that decay each step ("NAME/h" in place of
// "NAME/g"; synapse.EventGroup). The two are equal in exact arithmetic but
// summed in another order. Under the Fused engine, the event-driven
// conductance projections (course order) into a population whose model
// offers graph.Neurons.FusedCond (Izhikevich's course scheme) and that
// share the first one's time constant share one set of conductances,
// "POP/g_syn" (NameCondState; the projections' weights add per reversal
// potential, exact in the math since each current is linear in g and
// every g decays alike): one ops.Deliver adds all their spikes and the
// population's own op computes the current and the decay in its loop, so
// a step makes two passes over the neurons. Their current is added after
// the population's other inputs and has no "NAME/I" node. A Sparse
// event-driven conductance projection is drawn straight into the layout
// by presynaptic neuron that propagation reads (synapse.Config.Out), never
// held by rows.
//
// Auto, the default, decides by the network only: Event for a Sparse
// projection or one of at least AutoEventPairs pairs under the Fused
// engine, Dense otherwise; BuiltProjection.Propagation
// records the choice.
//
// # Names
//
// The population's state is "net/v", "net/u", "net/fired"; a current input
// is "in/I"; the Poisson source's input is "in/rate" and its draws the output
// "in/spikes"; conductances are "syn_in/g" and "syn_rec/g" ("net/g_syn"
// when event-driven and merged, "syn_in/h" and "syn_rec/h" when
// event-driven and not), and each projection's current is the output
// "syn_in/I", "syn_rec/I" on every engine where it is not merged into the
// population's op (a Spec's projection NAME gives "NAME/I").
//
// # Randomness
//
// Everything random follows from Options.Seed: the cell types, the input and
// recurrent connections and weights (each from its own PCG stream of
// math/rand/v2), and the Poisson draws (counter-based, see package poisson).
// The same seed gives the same network in float64 and float32.
package network
