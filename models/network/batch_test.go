package network_test

import (
	"math"
	"testing"

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
		net, err := s.Build()
		if err != nil {
			t.Fatalf("%T: %v", syn, err)
		}
		sess, err := session.New(net.Graph)
		if err != nil {
			t.Fatal(err)
		}
		spikes, differ := 0, false
		for k := 0; k < 400; k++ {
			if err := net.Feeder.Feed(sess.Sample(), sess); err != nil {
				t.Fatal(err)
			}
			if err := sess.Step(nil); err != nil {
				t.Fatal(err)
			}
			v, _ := sess.State("p/v")
			f, _ := sess.State("p/fired")
			for i := 0; i < 5; i++ {
				if v[i] != v[5+i] {
					t.Fatalf("%T: step %d neuron %d: rows 0 and 1 differ (%v, %v)", syn, k, i, v[i], v[5+i])
				}
				if math.Abs(v[i]-v[10+i]) > 1e-12 {
					differ = true
				}
				spikes += int(f[i])
			}
		}
		sess.Close()
		if spikes == 0 || !differ {
			t.Errorf("%T: %d spikes in row 0; row 2 differs: %v (want spikes and a difference)", syn, spikes, differ)
		}
	}
}
