package network

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/ops"
)

// The network of Izhikevich (2003), "Simple model of spiking neurons", IEEE
// Trans. Neural Networks 14:1569-1572, program net.m (Fig. 3), with its
// published values:
//
//   - 80% excitatory and 20% inhibitory neurons (800 and 200 of 1000);
//   - excitatory: a = 0.02, b = 0.2, c = -65 + 15 r², d = 8 - 6 r²;
//     inhibitory: a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2,
//     with r uniform on [0, 1) per neuron (RS to CH, FS to LTS);
//   - all-to-all weights S[post][pre]: 0.5 r from excitatory neurons and
//     -r from inhibitory ones, r uniform on [0, 1) per pair;
//   - thalamic input each ms: Gaussian with standard deviation 5
//     (excitatory) or 2 (inhibitory);
//   - v = -65 mV and u = b v at the start; 1 ms steps under the NetM scheme
//     (threshold v >= 30 at the start of a step, reset, synaptic input
//     S·fired added, two half-steps of v, one step of u).
const (
	Izh2003ExcFraction = 0.8
	Izh2003V0          = -65.0
	Izh2003DtMs        = 1.0
	Izh2003SigmaExc    = 5.0
	Izh2003SigmaInh    = 2.0
	Izh2003WExc        = 0.5
	Izh2003WInh        = -1.0
	Izh2003VPeak       = 30.0
)

// NameNoise is the thalamic input's output node in the izhikevich2003 graph.
const NameNoise = "in/noise"

// streamIzh2003 draws the heterogeneity and the weights (PCG); the thalamic
// noise is counter-based (ops.Normal, stream 0 under Options.Seed).
const streamIzh2003 = 4

func newIzh2003(ctx context.Context, o Options) (*Net, error) {
	n := o.N
	ne := int(math.Round(Izh2003ExcFraction * float64(n)))
	net := &Net{Kind: Izhikevich2003, Options: o, N: n, NExc: ne, NInh: n - ne, V0: Izh2003V0}
	net.Inh = make([]bool, n)
	r := rand.New(rand.NewPCG(o.Seed, streamIzh2003))
	cells := izhikevich.Cells{A: make([]float64, n), B: make([]float64, n), C: make([]float64, n), D: make([]float64, n)}
	for i := 0; i < n; i++ {
		x := r.Float64()
		if i < ne {
			cells.Set(i, izhikevich.Params{A: 0.02, B: 0.2, C: -65 + 15*(x*x), D: 8 - 6*(x*x)})
			continue
		}
		net.Inh[i] = true
		cells.Set(i, izhikevich.Params{A: 0.02 + 0.08*x, B: 0.25 - 0.05*x, C: -65, D: 2})
	}
	net.Record = recordSet(net.Inh)
	net.Izh = izhikevich.Config{Cells: cells, DtMs: o.DtMs, VPeak: Izh2003VPeak, Scheme: izhikevich.NetM}
	w := make([]float64, n*n)
	for post := 0; post < n; post++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("network: %v: %w", Izhikevich2003, err)
		}
		for pre := 0; pre < n; pre++ {
			scale := Izh2003WExc
			if net.Inh[pre] {
				scale = Izh2003WInh
			}
			w[post*n+pre] = scale * r.Float64()
		}
	}
	net.Izh2003 = &Izh2003Spec{W: w, Sigma: make([]float64, n), U0: make([]float64, n)}
	for i := range net.Izh2003.Sigma {
		net.Izh2003.Sigma[i] = Izh2003SigmaExc
		if net.Inh[i] {
			net.Izh2003.Sigma[i] = Izh2003SigmaInh
		}
		net.Izh2003.U0[i] = cells.B[i] * Izh2003V0
	}
	spec := Spec{DtMs: o.DtMs, Dtype: o.Dtype, Seed: o.Seed, Engine: o.Engine, AllowUnstable: o.AllowUnstable,
		Populations: []Population{{Name: "net", Model: izhikevich.Neuron{Config: net.Izh, V0: []float64{net.V0}, U0: net.Izh2003.U0}, Inh: net.Inh}},
		Sources:     []Source{Noise{Name: "in", To: "net", Sigma: net.Izh2003.Sigma, Stream: net.Izh2003.Noise(o.Seed).Stream}},
		Projections: []Projection{{Name: "syn_rec", From: "net", To: "net", Synapse: CurrentPulse{}, W: w}},
	}
	return net, net.build(ctx, spec)
}

// Izh2003Spec holds what the izhikevich2003 network adds to a Net.
type Izh2003Spec struct {
	W     []float64 // weights [post][pre], row-major n*n
	Sigma []float64 // thalamic noise standard deviation per neuron
	U0    []float64 // initial u = b v0 per neuron
}

// Noise returns the op that draws the thalamic input, sigma .* z, where z
// is ops.NormalDraw(seed, 0, step, i).
func (s *Izh2003Spec) Noise(seed uint64) ops.Normal { return ops.Normal{Seed: seed} }
