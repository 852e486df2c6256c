package train_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/ops"
	"github.com/spikegraph/spikegraph/session"
	"github.com/spikegraph/spikegraph/train"
)

// step3 is the course's Step 3 (uncoupled Izhikevich neurons, 20 %
// inhibitory, 100 Poisson trains at 2 Hz, each connected with p = 0.1 and
// w_in = 0.07 through a conductance with E = 0 and tau = 10 ms), with the
// input on from t = 0 and the input weights drawn once (seed 11) and
// given explicitly so that a neuron's input gain scales its row.
type step3 struct {
	n     int
	w     []float64 // [n, 100]
	cells izhikevich.Cells
}

func newStep3(n int) step3 {
	rng := rand.New(rand.NewPCG(11, 12))
	w := make([]float64, n*network.NIn)
	for i := range w {
		if rng.Float64() < network.InputProb {
			w[i] = network.InputWeight
		}
	}
	cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
	for i := 0; i < n; i += 5 {
		_ = cells.Set(i, izhikevich.FastSpiking())
	}
	return step3{n: n, w: w, cells: cells}
}

// spec returns the network with each neuron's input row scaled by gain[i].
func (s step3) spec(seed uint64, gain []float64, cfg izhikevich.Config, engine network.Engine) network.Spec {
	w := append([]float64(nil), s.w...)
	for i := 0; i < s.n; i++ {
		for j := 0; j < network.NIn; j++ {
			w[i*network.NIn+j] *= gain[i]
		}
	}
	cfg.Cells = s.cells
	rates := make([]float64, network.NIn)
	for i := range rates {
		rates[i] = network.InputRateHz
	}
	return network.Spec{DtMs: 0.5, Seed: seed, Engine: engine,
		Populations: []network.Population{{Name: "net", Model: izhikevich.Neuron{Config: cfg}}},
		Sources:     []network.Source{network.Poisson{Name: "in", N: network.NIn, RateHz: rates}},
		Projections: []network.Projection{{Name: "syn_in", From: "in", To: "net",
			Synapse: network.Conductance{TauMs: network.TauGMs, E: []float64{0}}, W: w, Propagation: network.Dense}},
	}
}

// counts runs the spec for steps steps and returns each neuron's spikes.
func counts(t testing.TB, spec network.Spec, steps int) []float64 {
	net, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.New(net.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := make([]float64, spec.Populations[0].Model.Size())
	view, err := s.StateRef("net/fired")
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < steps; k++ {
		if net.Feeder != nil {
			if err := net.Feeder.Feed(k, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Step(nil); err != nil {
			t.Fatal(err)
		}
		for i, f := range view.F64 {
			out[i] += f
		}
	}
	return out
}

func spikeLoss(g *graph.Graph) (*graph.Node, error) {
	f, err := g.Node("net/fired" + graph.NextSuffix)
	if err != nil {
		return nil, err
	}
	b := g.Scope("loss")
	return b.Sum(f), b.Err()
}

// gainGrad returns d(spike count)/d gain_i = Σ_j W_ij dL/dW_ij at gain 1.
func (s step3) gainGrad(t testing.TB, seed uint64, cfg izhikevich.Config, steps int) ([]float64, float64) {
	ones := make([]float64, s.n)
	for i := range ones {
		ones[i] = 1
	}
	model, feeder, err := train.SpecModel(s.spec(seed, ones, cfg, network.Fine))
	if err != nil {
		t.Fatal(err)
	}
	bp, err := train.NewBPTT(model, spikeLoss, train.Options{Params: []string{"syn_in/W"}})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	res, err := bp.Gradients(context.Background(), steps, feeder)
	if err != nil {
		t.Fatal(err)
	}
	dW := res.Grads["syn_in/W"]
	out := make([]float64, s.n)
	for i := 0; i < s.n; i++ {
		for j := 0; j < network.NIn; j++ {
			out[i] += s.w[i*network.NIn+j] * dW[i*network.NIn+j]
		}
	}
	return out, res.Loss
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// TestIzhikevichSpikeCountGradient: on the course's Step 3 (n = 200
// uncoupled neurons, Poisson input, 200 ms at dt = 0.5 ms), the
// spike-count gradient with respect to each neuron's input gain, under the
// Linearised policy (Config.WithLinearisedGradient), correlates at least 0.8
// across neurons with the central finite difference of the spike count
// (gain ±10 %), both averaged over the same 100 Poisson seeds (common
// random numbers). The bound is the issue's; the finite difference's own
// split-half reliability caps what any predictor can reach (measured: two
// halves of 50 seeds correlate 0.54, so about 0.84 for a fixed predictor),
// and the plain SpikeAtPeak gradient, measured on the same setup, reached
// 0.11, 0.14 and 0.29 for SuperSpike beta = 10, 1 and 0.1 (Linearised:
// 0.83; TestIzhikevichGradientReport). Slow (20-60 s on a loaded 2-core
// machine): skipped with -short.
func TestIzhikevichSpikeCountGradient(t *testing.T) {
	if testing.Short() {
		t.Skip("the 100-seed protocol takes about 30 s")
	}
	corr, spikes := izhikevichCorrelation(t, 100, izhikevich.NewConfig(izhikevich.Cells{}, 0).WithLinearisedGradient())
	t.Logf("correlation %.3f; %.1f spikes per seed", corr, spikes)
	if spikes < 50 {
		t.Fatalf("%.1f spikes per seed: too few for a spike-count gradient", spikes)
	}
	if !(corr >= 0.8) {
		t.Errorf("correlation of the gradient with the finite difference = %.3f, want >= 0.8", corr)
	}
}

// izhikevichCorrelation runs the protocol of TestIzhikevichSpikeCountGradient
// with cfg's gradient policy (cfg.Cells is replaced) over seeds seeds.
func izhikevichCorrelation(t testing.TB, seeds int, cfg izhikevich.Config) (corr, spikes float64) {
	corr, _, spikes = izhikevichReport(t, seeds, cfg)
	return corr, spikes
}

// izhikevichReport also returns mean(gradient) / mean(finite difference).
func izhikevichReport(t testing.TB, seeds int, cfg izhikevich.Config) (corr, ratio, spikes float64) {
	const n, steps = 200, 400
	s := newStep3(n)
	up, down := make([]float64, n), make([]float64, n)
	for i := range up {
		up[i], down[i] = 1.1, 0.9
	}
	cfg.Cells = s.cells
	fd, gr := make([]float64, n), make([]float64, n)
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		cu := counts(t, s.spec(seed, up, cfg, network.Fused), steps)
		cd := counts(t, s.spec(seed, down, cfg, network.Fused), steps)
		g, l := s.gainGrad(t, seed, cfg, steps)
		spikes += l / float64(seeds)
		for i := range fd {
			fd[i] += (cu[i] - cd[i]) / 0.2
			gr[i] += g[i]
		}
	}
	return pearson(fd, gr), mean(gr) / mean(fd), spikes
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// TestIzhikevichGradientReport prints the protocol of
// TestIzhikevichSpikeCountGradient for every policy of the analysis in
// package izhikevich's doc (correlation, and the gradient's mean over the
// finite difference's). It runs only with SPIKEGRAPH_REPORT=1 (minutes):
//
//	SPIKEGRAPH_REPORT=1 go test ./train/ -run TestIzhikevichGradientReport -v -timeout 30m
func TestIzhikevichGradientReport(t *testing.T) {
	if os.Getenv("SPIKEGRAPH_REPORT") != "1" {
		t.Skip("set SPIKEGRAPH_REPORT=1 to run the report")
	}
	base := izhikevich.NewConfig(izhikevich.Cells{}, 0)
	with := func(g izhikevich.Gradient, beta, theta, lin float64) izhikevich.Config {
		c := base
		c.Gradient, c.Surrogate, c.VTheta, c.VLin = g, ops.SuperSpike{Beta: beta}, theta, lin
		return c
	}
	cases := []struct {
		name string
		cfg  izhikevich.Config
	}{
		{"SpikeAtPeak beta=10", with(izhikevich.SpikeAtPeak, 10, 0, 0)},
		{"SpikeAtPeak beta=1", with(izhikevich.SpikeAtPeak, 1, 0, 0)},
		{"SpikeAtPeak beta=0.1", with(izhikevich.SpikeAtPeak, 0.1, 0, 0)},
		{"PseudoThreshold -55 beta=0.3", with(izhikevich.PseudoThreshold, 0.3, -55, 0)},
		{"PseudoThreshold -55 beta=1", with(izhikevich.PseudoThreshold, 1, -55, 0)},
		{"Linearised at VPeak (35) beta=0.3", with(izhikevich.Linearised, 0.3, 35, -70)},
		{"Linearised at VPeak (35) beta=0.1", with(izhikevich.Linearised, 0.1, 35, -70)},
		{"Linearised -50 lin -65 beta=1", with(izhikevich.Linearised, 1, -50, -65)},
		{"Linearised default (-55, -70, 0.3)", base.WithLinearisedGradient()},
	}
	for _, c := range cases {
		corr, ratio, spikes := izhikevichReport(t, 100, c.cfg)
		t.Logf("%-36s correlation %6.3f  mean grad / mean FD %8.3g  spikes/seed %.1f", c.name, corr, ratio, spikes)
	}
}
