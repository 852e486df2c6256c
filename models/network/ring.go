package network

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/stimulus"
)

// The ring network's constants.
//
// Sources: the course's 2013 (Python) edition (M. J. Rasch, "Scientific
// Python Tutorial - CCN Course 2013: How to code a neural network
// simulation", July 10, 2013) adds a Step 5; that it is a ring network, with
// excitatory connections restricted to neighbours on the ring and input to
// half of the ring, is what the project's REFERENCES.md and issue say. The
// copies of the slides that could be found show only their opening pages,
// so Step 5's own numbers (reach, weights, rates, which half) are unknown
// here, and every number below is our choice, made to change as little of
// Step 4 as possible:
//
//   - RingReach = 50 keeps the expected excitatory in-degree of Step 4: there a
//     neuron receives from 0.8 * 0.1 * 1000 = 80 excitatory neurons; here it
//     receives from every neuron within 50 positions on either side, of which
//     0.8 * 100 = 80 are excitatory. With Step 4's Gamma(2, 0.003) weights the
//     expected total excitatory weight onto a neuron is therefore unchanged.
//   - Inhibitory neurons keep Step 4's rule (connection probability RecProb to
//     every neuron, the inhibitory-to-excitatory weights doubled, E = -85 mV).
//   - The stimulated half is the first: ring positions 0 .. n/2-1. Its neurons
//     connect to the 100 Poisson trains as in Step 3 (probability 0.1, weight
//     0.07, E = 0 mV, 2 Hz inside 200 < t < 700 ms); the other half receives no
//     external input at all.
//   - dt = 0.5 ms, tau_g = 10 ms, a run of 1000 ms, and the rest state
//     (v = -70 mV, u = -14) are Step 4's.
//
// What these numbers give (seeds 1..8, see TestRingActivity): the
// stimulated half fires at 24-36 Hz in the window (Step 4: about 11-15 Hz,
// as the local wiring concentrates the excitation), and activity spreads
// from it into the other half as a front, one reach at a time. In about half
// of the seeds the front becomes a wave that travels round the whole ring
// and outlasts the input (seed 1's raster from "spikegraph run ring": one
// revolution about every 220 ms until the end of the run). A smaller reach
// (40) leaves the other half nearly silent and the rates near Step 4's.
const (
	RingReach = 50 // an excitatory neuron reaches this many positions on either side
	// MinRingN is the smallest ring: 4 reaches, so that the middle of the
	// unstimulated half lies beyond the reach of every stimulated neuron.
	MinRingN = 4 * RingReach
)

// RingSpec is the ring's layout. Neuron i sits at position i of a ring of N
// positions (the cell types are Step 3's random draw, so excitatory and
// inhibitory neurons are interleaved at random around the ring).
type RingSpec struct {
	N     int // ring positions, one per neuron
	Reach int // excitatory presynaptic neurons connect to every other neuron within Reach positions
	// Stimulated marks the neurons that receive the Poisson input: positions
	// 0 .. NStimulated-1, the first half of the ring.
	Stimulated  []bool
	NStimulated int
}

// Distance returns the distance of positions i and j along the ring, in
// [0, N/2].
func (r *RingSpec) Distance(i, j int) int {
	d := i - j
	if d < 0 {
		d = -d
	}
	if r.N-d < d {
		d = r.N - d
	}
	return d
}

// DistanceToStimulated returns how far position i lies from the nearest
// stimulated position (0 for a stimulated neuron).
func (r *RingSpec) DistanceToStimulated(i int) int {
	if r.Stimulated[i] {
		return 0
	}
	// The stimulated arc is 0 .. NStimulated-1: its ends are the nearest.
	return min(r.Distance(i, 0), r.Distance(i, r.NStimulated-1))
}

// newRing builds the ring network (the course's Step 5; see RingSpec and the
// constants above). Options.N is the ring's size (0 means DefaultN, at least
// MinRingN); Options.Notebook is rejected, as the notebook has no Step 5.
func newRing(ctx context.Context, o Options) (*Net, error) {
	net := &Net{Kind: Ring, Options: o, N: o.N, V0: izhikevich.RestV, U0: izhikevich.RestU, Window: stimulus.CourseWindow()}
	cells, err := net.drawTypes(true)
	if err != nil {
		return nil, err
	}
	net.Izh = izhikevich.Config{Cells: cells, DtMs: o.DtMs, VPeak: izhikevich.DefaultVPeak, Scheme: izhikevich.Course}

	spec := &RingSpec{N: o.N, Reach: RingReach, Stimulated: make([]bool, o.N), NStimulated: o.N / 2}
	for i := 0; i < spec.NStimulated; i++ {
		spec.Stimulated[i] = true
	}
	net.Ring = spec

	rec, err := ringRecurrent(ctx, o, net.Inh, spec)
	if err != nil {
		return nil, err
	}
	s := net.spec()
	net.addInput(&s)
	s.Projections = []Projection{
		{Name: "syn_in", From: "in", To: "net", Synapse: Conductance{TauMs: TauGMs, E: []float64{0}}, W: ringInput(o, spec)},
		{Name: "syn_rec", From: "net", To: "net", Synapse: Conductance{TauMs: TauGMs, E: []float64{0}, EInh: ptr(EInhMV)}, W: rec},
	}
	return net, net.build(ctx, s)
}

// ringInput draws the input weights [post, train]: Step 3's draw for every
// neuron (the same stream and order as Uncoupled, so that a stimulated
// neuron gets the same trains as there), kept only for stimulated neurons.
func ringInput(o Options, spec *RingSpec) []float64 {
	w := make([]float64, o.N*NIn)
	r := rand.New(rand.NewPCG(o.Seed, streamInput))
	for i := range w {
		if r.Float64() < InputProb && spec.Stimulated[i/NIn] {
			w[i] = InputWeight
		}
	}
	return w
}

// ringRecurrent draws the recurrent weights W [post, pre]: an excitatory
// presynaptic neuron reaches every neuron within spec.Reach positions, an
// inhibitory one connects as in Recurrent (probability RecProb); weights are
// Gamma-distributed and the inhibitory-to-excitatory block is doubled.
func ringRecurrent(ctx context.Context, o Options, inh []bool, spec *RingSpec) ([]float64, error) {
	n := len(inh)
	r := rand.New(rand.NewPCG(o.Seed, streamRec))
	gamma := distuv.Gamma{Alpha: GammaShape, Beta: 1 / GammaScale, Src: r}
	w := make([]float64, n*n)
	for post := 0; post < n; post++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("network: ring: %w", err)
		}
		for pre := 0; pre < n; pre++ {
			if inh[pre] {
				if r.Float64() >= RecProb {
					continue
				}
			} else if d := spec.Distance(post, pre); d == 0 || d > spec.Reach {
				continue
			}
			x := gamma.Rand()
			if !inh[post] && inh[pre] {
				x *= InhToExcGain
			}
			w[post*n+pre] = x
		}
	}
	return w, nil
}
