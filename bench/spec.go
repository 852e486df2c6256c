package bench

import (
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
)

// The benchmark's run: the course's clock and duration.
const (
	DtMs       = network.DefaultDtMs // 0.5 ms
	DurationMs = 1000.0              // biological time of one run (ms)
	Steps      = 2000                // DurationMs / DtMs
	InDegree   = 100.0               // expected recurrent in-degree: pRec = InDegree / n (DefaultPRec)
)

// Names of the parts of Spec's network.
const (
	PopName   = "net"     // the population
	InputName = "in"      // the Poisson source
	SynIn     = "syn_in"  // input projection
	SynRec    = "syn_rec" // recurrent projection
)

// Random streams (math/rand/v2 PCG under the seed), the same numbers as the
// course's recurrent scenario uses: cell types 1, input synapses 2,
// recurrent synapses 3; the Poisson draws use Bernoulli stream 0.
const (
	streamTypes   = 1
	streamInput   = 2
	streamRec     = 3
	streamPoisson = 0
)

// DenseMaxN is the largest n whose projections Spec keeps dense (BLAS over
// the full matrix); above it both projections are sparse (CSR). At the
// course's n = 1000 (pRec = 0.1) the dense recurrent matrix holds 1e6
// values; at n = 1e6 it would hold 1e12, which no machine stores.
const DenseMaxN = 1000

// DefaultPRec returns the benchmark's recurrent connection probability at
// size n: InDegree / n (0.1 at the course's n = 1000), so every neuron
// keeps about 100 recurrent inputs at every n. It is 1 for n <= 100.
func DefaultPRec(n int) float64 {
	if n <= int(InDegree) {
		return 1
	}
	return InDegree / float64(n)
}

// Spec returns the course's Step 4 (the recurrent network) at size n with
// recurrent connection probability pRec, from parts, as
// network.Recurrent is built but with network.FixedProbability (one draw
// per synapse made, so n = 1e6 never tests 1e12 pairs) for both
// projections, and both projections sparse when n > DenseMaxN:
//
//   - population "net": n Izhikevich neurons, course scheme, spike at
//     35 mV, starting at rest (v = -70, u = -14); each inhibitory (fast
//     spiking) with probability 0.2, else regular spiking
//     (network.RandomInh, stream 1);
//   - source "in": 100 Poisson trains at 2 Hz inside the open window
//     (200, 700) ms (Bernoulli stream 0);
//   - "syn_in": in -> net, conductance synapses with E = 0 mV and
//     tau_g = 10 ms, connection probability 0.1, weight 0.07 (stream 2);
//   - "syn_rec": net -> net, conductance synapses with E = 0 mV for
//     excitatory and -85 mV for inhibitory presynaptic neurons,
//     tau_g = 10 ms, connection probability pRec, Gamma(2, 0.003)
//     weights, the inhibitory-to-excitatory block doubled (stream 3).
//
// The clock is dt = 0.5 ms in float64; run it for Steps steps (1000 ms).
// The spec declares no monitors (package sim counts every population's
// spikes by label regardless). Spec does not validate: a bad n or pRec is
// reported by Spec.Build (and NewReference) as a *network.OptionError.
func Spec(n int, seed uint64, pRec float64) network.Spec {
	inh, err := network.RandomInh(max(n, 0), network.InhFraction, seed, streamTypes)
	if err != nil { // only for n < 0 or a bad fraction, both excluded above
		inh = nil
	}
	cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
	for i, x := range inh {
		if x {
			_ = cells.Set(i, izhikevich.FastSpiking()) // i < n: cannot fail
		}
	}
	sparse := n > DenseMaxN
	win := stimulus.CourseWindow()
	eInh := network.EInhMV
	return network.Spec{
		DtMs: DtMs,
		Seed: seed,
		Populations: []network.Population{{
			Name: PopName,
			Model: izhikevich.Neuron{Config: izhikevich.Config{
				Cells: cells, VPeak: izhikevich.DefaultVPeak, Scheme: izhikevich.Course}},
			Inh: inh,
		}},
		Sources: []network.Source{network.Poisson{Name: InputName, N: network.NIn,
			RateHz: []float64{network.InputRateHz}, Window: &win, Stream: streamPoisson}},
		Projections: []network.Projection{
			{Name: SynIn, From: InputName, To: PopName,
				Synapse: network.Conductance{TauMs: network.TauGMs, E: []float64{0}},
				Connect: network.FixedProbability{P: network.InputProb},
				Weights: network.Constant{W: network.InputWeight},
				Stream:  streamInput, Sparse: sparse},
			{Name: SynRec, From: PopName, To: PopName,
				Synapse: network.Conductance{TauMs: network.TauGMs, E: []float64{0}, EInh: &eInh},
				Connect: network.FixedProbability{P: pRec},
				Weights: network.Gamma{Shape: network.GammaShape, Scale: network.GammaScale},
				Scale:   []network.BlockScale{{Pre: network.Inh, Post: network.Exc, Factor: network.InhToExcGain}},
				Stream:  streamRec, Sparse: sparse},
		},
	}
}
