package network_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// TestBatchedPopulation: a batched LIF population ([batch, n] states) takes
// both kinds of projection, from a shared Poisson source and from itself,
// and its rows run independently: with every row started alike, the rows
// stay equal (the same input drives them); with a row started apart, that
// row's trajectory differs while the others stay equal.
func TestBatchedPopulation(t *testing.T) {
	for _, syn := range []network.Synapse{network.CurrentPulse{}, network.Conductance{TauMs: 10, E: []float64{2}}} {
		v0 := make([]float64, 3*5)
		v0[2*5] = 0.9 // row 2 starts near threshold
		s := network.Spec{DtMs: 0.5, Seed: 1,
			Populations: []network.Population{{Name: "p", Model: lif.Neuron{Config: lif.Config{Params: lif.Training(), N: 5, Batch: 3}, V0: v0}}},
			Sources:     []network.Source{network.Poisson{Name: "in", N: 4, RateHz: []float64{200}}},
			Projections: []network.Projection{
				{Name: "a", From: "in", To: "p", Synapse: syn, Connect: network.AllToAll{}, Weights: network.Constant{W: 0.3}, Stream: 1},
				{Name: "b", From: "p", To: "p", Synapse: syn, Connect: network.AllToAll{}, Weights: network.Constant{W: 0.1}, Stream: 2},
			}}
		spikes, differ := runRows(t, fmt.Sprintf("%T", syn), s, 5)
		if spikes == 0 || !differ {
			t.Errorf("%T: %d spikes in row 0; row 2 differs: %v (want spikes and a difference)", syn, spikes, differ)
		}
	}
}

// runRows builds s, whose population "p" has n neurons in at least three
// batch rows, runs 400 steps and fails unless rows 0 and 1 stay equal bit
// for bit; it returns row 0's spikes and whether row 2 ever differs.
func runRows(t *testing.T, label string, s network.Spec, n int) (spikes int, differ bool) {
	t.Helper()
	net, err := s.Build()
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	sess, err := session.New(net.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for k := 0; k < 400; k++ {
		if err := net.Feeder.Feed(sess.Sample(), sess); err != nil {
			t.Fatal(err)
		}
		if err := sess.Step(nil); err != nil {
			t.Fatal(err)
		}
		v, _ := sess.State("p/v")
		f, _ := sess.State("p/fired")
		for i := 0; i < n; i++ {
			if math.Float64bits(v[i]) != math.Float64bits(v[n+i]) {
				t.Fatalf("%s: step %d neuron %d: rows 0 and 1 differ (%v, %v)", label, k, i, v[i], v[n+i])
			}
			if math.Abs(v[i]-v[2*n+i]) > 1e-12 {
				differ = true
			}
			spikes += int(f[i])
		}
	}
	return spikes, differ
}

// TestBatchedIzhikevich: a batched Izhikevich population takes a shared
// Poisson source through a conductance projection and its own recurrent
// one; rows started alike stay equal bit for bit, a row started apart
// differs, and the rows spike.
func TestBatchedIzhikevich(t *testing.T) {
	const n, batch = 5, 3
	v0 := make([]float64, batch*n)
	for i := range v0 {
		v0[i] = izhikevich.RestV
	}
	v0[2*n] = -50 // row 2 starts apart
	s := network.Spec{DtMs: 0.5, Seed: 1, Engine: network.Fine,
		Populations: []network.Population{{Name: "p", Model: izhikevich.Neuron{
			Config: izhikevich.Config{Cells: izhikevich.Uniform(n, izhikevich.RegularSpiking()), VPeak: izhikevich.DefaultVPeak, Batch: batch}, V0: v0}}},
		Sources: []network.Source{network.Poisson{Name: "in", N: 4, RateHz: []float64{200}}},
		Projections: []network.Projection{
			{Name: "a", From: "in", To: "p", Synapse: network.Conductance{TauMs: 10, E: []float64{0}}, Connect: network.AllToAll{}, Weights: network.Constant{W: 0.1}, Stream: 1},
			{Name: "b", From: "p", To: "p", Synapse: network.Conductance{TauMs: 10, E: []float64{0}}, Connect: network.AllToAll{}, Weights: network.Constant{W: 0.02}, Stream: 2},
		}}
	spikes, differ := runRows(t, "izhikevich", s, n)
	if spikes == 0 || !differ {
		t.Errorf("%d spikes in row 0; row 2 differs: %v (want spikes and a difference)", spikes, differ)
	}
}
