package network_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/session"
)

// small returns a valid spec: a population "p" of n regular-spiking cells
// driven by a Poisson source "in" through a conductance projection "syn",
// plus a recurrent current projection "rec" and two monitors.
func small(n int) network.Spec {
	return network.Spec{DtMs: 0.5, Seed: 1,
		Populations: []network.Population{{Name: "p", Model: izhikevich.Neuron{Config: izhikevich.NewConfig(izhikevich.Uniform(n, izhikevich.RegularSpiking()), 0)}, Inh: make([]bool, n)}},
		Sources:     []network.Source{network.Poisson{Name: "in", N: 10, RateHz: []float64{20}}},
		Projections: []network.Projection{
			{Name: "syn", From: "in", To: "p", Synapse: network.Conductance{TauMs: 10, E: []float64{0}}, Connect: network.Pairwise{P: 0.5}, Weights: network.Constant{W: 0.1}, Stream: 1},
			{Name: "rec", From: "p", To: "p", Synapse: network.CurrentPulse{}, Connect: network.FixedProbability{P: 0.2}, Weights: network.Uniform{Lo: 0, Hi: 1}, Stream: 2},
		},
		Monitors: []network.Monitor{{Name: "spikes", Kind: network.SpikeEvents, Of: "p"}, {Name: "v", Kind: network.Trace, Of: "p", Index: []int{0}}},
	}
}

func TestSmallSpecBuilds(t *testing.T) {
	net, err := small(4).Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Populations) != 1 || net.Populations[0].V != "p/v" || net.Populations[0].Fired != "p/fired" {
		t.Errorf("populations = %+v", net.Populations)
	}
	if len(net.Monitors) != 2 || net.Monitors[0].Node != "p/fired" || net.Monitors[1].Node != "p/v" {
		t.Errorf("monitors = %+v", net.Monitors)
	}
	if net.Sources[0].Spikes != "in/spikes" {
		t.Errorf("source spikes = %q", net.Sources[0].Spikes)
	}
}

// TestSpecBadInput: every defect is an *OptionError naming the field, and
// nothing panics.
func TestSpecBadInput(t *testing.T) {
	izh := func(n int) network.Neuron {
		return izhikevich.Neuron{Config: izhikevich.NewConfig(izhikevich.Uniform(n, izhikevich.RegularSpiking()), 0)}
	}
	cases := []struct {
		name  string
		edit  func(s *network.Spec)
		field string
	}{
		{"zero dt", func(s *network.Spec) { s.DtMs = 0 }, "DtMs"},
		{"NaN dt", func(s *network.Spec) { s.DtMs = math.NaN() }, "DtMs"},
		{"infinite dt", func(s *network.Spec) { s.DtMs = math.Inf(1) }, "DtMs"},
		{"int dtype", func(s *network.Spec) { s.Dtype = tensor.Int }, "Dtype"},
		{"no populations", func(s *network.Spec) { s.Populations = nil }, "Populations"},
		{"empty name", func(s *network.Spec) { s.Populations[0].Name = "" }, "Populations[0].Name"},
		{"duplicate name", func(s *network.Spec) { s.Projections[0].Name = "in" }, "Projections[0].Name"},
		{"nil model", func(s *network.Spec) { s.Populations[0].Model = nil }, "Populations[0].Model"},
		{"empty model", func(s *network.Spec) { s.Populations[0].Model = izhikevich.Neuron{} }, "Populations[0].Model"},
		{"model dt disagrees", func(s *network.Spec) {
			s.Populations[0].Model = izhikevich.Neuron{Config: izhikevich.NewConfig(izhikevich.Uniform(4, izhikevich.RegularSpiking()), 0.25)}
		}, "Populations[0].Model"},
		{"labels", func(s *network.Spec) { s.Populations[0].Inh = make([]bool, 3) }, "Populations[0].Inh"},
		{"bad scope name", func(s *network.Spec) { s.Populations[0].Name = "a/b" }, "Populations[0].Name"},
		{"nil source", func(s *network.Spec) { s.Sources = append(s.Sources, nil) }, "Sources[1]"},
		{"no trains", func(s *network.Spec) { s.Sources[0] = network.Poisson{Name: "in", RateHz: []float64{1}} }, "Sources[0].N"},
		{"rate count", func(s *network.Spec) { s.Sources[0] = network.Poisson{Name: "in", N: 10, RateHz: []float64{1, 2}} }, "Sources[0].RateHz"},
		{"rate too high", func(s *network.Spec) { s.Sources[0] = network.Poisson{Name: "in", N: 10, RateHz: []float64{2001}} }, "Sources[0].RateHz"},
		{"negative rate", func(s *network.Spec) { s.Sources[0] = network.Poisson{Name: "in", N: 10, RateHz: []float64{-1}} }, "Sources[0].RateHz"},
		{"NaN rate", func(s *network.Spec) {
			s.Sources[0] = network.Poisson{Name: "in", N: 10, RateHz: []float64{math.NaN()}}
		}, "Sources[0].RateHz"},
		{"bad window", func(s *network.Spec) {
			s.Sources[0] = network.Poisson{Name: "in", N: 10, RateHz: []float64{1}, Window: &stimulus.Window{StartMs: 5, StopMs: 1}}
		}, "Sources[0].Window"},
		{"same stream", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.Poisson{Name: "in2", N: 1, RateHz: []float64{1}})
		}, "Sources[1].Stream"},
		{"stimulus target", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.Stimulus{Name: "I", To: "q", Current: stimulus.Constant(1)})
		}, "Sources[1].To"},
		{"nil current", func(s *network.Spec) { s.Sources = append(s.Sources, network.Stimulus{Name: "I", To: "p"}) }, "Sources[1].Current"},
		{"NaN current", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.Stimulus{Name: "I", To: "p", Current: stimulus.Constant(math.NaN())})
		}, "Sources[1].Current"},
		{"negative sigma", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.Noise{Name: "z", To: "p", Sigma: []float64{-1}})
		}, "Sources[1].Sigma"},
		{"sigma count", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.Noise{Name: "z", To: "p", Sigma: []float64{1, 2}})
		}, "Sources[1].Sigma"},
		{"off-grid spike", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.SpikeTimes{Name: "st", Times: [][]float64{{0.3}}})
		}, "Sources[1].Times"},
		{"negative spike time", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.SpikeTimes{Name: "st", Times: [][]float64{{-1}}})
		}, "Sources[1].Times"},
		{"no spike trains", func(s *network.Spec) { s.Sources = append(s.Sources, network.SpikeTimes{Name: "st"}) }, "Sources[1].Times"},
		{"unknown post", func(s *network.Spec) { s.Projections[0].To = "q" }, "Projections[0].To"},
		{"unknown pre", func(s *network.Spec) { s.Projections[0].From = "q" }, "Projections[0].From"},
		{"current source as pre", func(s *network.Spec) {
			s.Sources = append(s.Sources, network.Stimulus{Name: "I", To: "p", Current: stimulus.Constant(1)})
			s.Projections[0].From = "I"
		}, "Projections[0].From"},
		{"nil synapse", func(s *network.Spec) { s.Projections[0].Synapse = nil }, "Projections[0].Synapse"},
		{"tau below dt", func(s *network.Spec) { s.Projections[0].Synapse = network.Conductance{TauMs: 0.5, E: []float64{0}} }, "Projections[0].Synapse"},
		{"E count", func(s *network.Spec) { s.Projections[0].Synapse = network.Conductance{TauMs: 10, E: []float64{0, 1}} }, "Projections[0].Synapse.E"},
		{"EInh without labels", func(s *network.Spec) {
			e := -85.0
			s.Projections[0].Synapse = network.Conductance{TauMs: 10, E: []float64{0}, EInh: &e}
		}, "Projections[0].Synapse.EInh"},
		{"no connect", func(s *network.Spec) { s.Projections[0].Connect = nil }, "Projections[0].Connect"},
		{"no weights", func(s *network.Spec) { s.Projections[0].Weights = nil }, "Projections[0].Connect"},
		{"probability", func(s *network.Spec) { s.Projections[0].Connect = network.Pairwise{P: 1.5} }, "Projections[0].Connect"},
		{"geometric probability", func(s *network.Spec) { s.Projections[0].Connect = network.FixedProbability{P: -0.1} }, "Projections[0].Connect"},
		{"in-degree", func(s *network.Spec) { s.Projections[0].Connect = network.FixedInDegree{K: 11} }, "Projections[0].Connect"},
		{"ring of sources", func(s *network.Spec) { s.Projections[0].Connect = network.RingNeighbours{Reach: 1} }, "Projections[0].Connect"},
		{"gamma", func(s *network.Spec) { s.Projections[0].Weights = network.Gamma{Shape: 0, Scale: 1} }, "Projections[0].Weights"},
		{"uniform", func(s *network.Spec) { s.Projections[0].Weights = network.Uniform{Lo: 2, Hi: 1} }, "Projections[0].Weights"},
		{"constant", func(s *network.Spec) { s.Projections[0].Weights = network.Constant{W: math.Inf(1)} }, "Projections[0].Weights"},
		{"scale without labels", func(s *network.Spec) {
			s.Projections[0].Scale = []network.BlockScale{{Pre: network.Inh, Post: network.Any, Factor: 2}}
		}, "Projections[0].Scale[0]"},
		{"NaN scale", func(s *network.Spec) {
			s.Projections[0].Scale = []network.BlockScale{{Factor: math.NaN()}}
		}, "Projections[0].Scale[0].Factor"},
		{"explicit and drawn", func(s *network.Spec) { s.Projections[0].W = make([]float64, 40) }, "Projections[0].W"},
		{"explicit size", func(s *network.Spec) {
			s.Projections[0].Connect, s.Projections[0].Weights, s.Projections[0].W = nil, nil, make([]float64, 39)
		}, "Projections[0].W"},
		{"explicit NaN", func(s *network.Spec) {
			w := make([]float64, 40)
			w[7] = math.NaN()
			s.Projections[0].Connect, s.Projections[0].Weights, s.Projections[0].W = nil, nil, w
		}, "Projections[0].W"},
		{"same projection stream", func(s *network.Spec) { s.Projections[1].Stream = 1 }, "Projections[1].Stream"},
		{"negative delay", func(s *network.Spec) { s.Projections[0].DelaySteps = -1 }, "Projections[0].DelaySteps"},
		{"huge delay", func(s *network.Spec) { s.Projections[0].DelaySteps = 1 << 20 }, "Projections[0].DelaySteps"},
		{"monitor name", func(s *network.Spec) { s.Monitors[0].Name = "" }, "Monitors[0].Name"},
		{"monitor target", func(s *network.Spec) { s.Monitors[0].Of = "q" }, "Monitors[0].Of"},
		{"monitor kind", func(s *network.Spec) { s.Monitors[0].Kind = 0 }, "Monitors[0].Kind"},
		{"trace index", func(s *network.Spec) { s.Monitors[1].Index = []int{4} }, "Monitors[1].Index"},
		{"empty trace", func(s *network.Spec) { s.Monitors[1].Index = nil }, "Monitors[1].Index"},
		{"count of a population", func(s *network.Spec) {
			s.Monitors = append(s.Monitors, network.Monitor{Name: "c", Kind: network.CountSpikes, Of: "p"})
		}, "Monitors[2].Of"},
		{"second population's model", func(s *network.Spec) {
			s.Populations = append(s.Populations, network.Population{Name: "q", Model: izh(0)})
		}, "Populations[1].Model"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := small(4)
			tc.edit(&s)
			net, err := buildNoPanic(s)
			var oe *network.OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("Build: net = %v, err = %v (%T); want an *OptionError", net != nil, err, err)
			}
			if oe.Option != tc.field {
				t.Errorf("Option = %q, want %q (err: %v)", oe.Option, tc.field, err)
			}
			if !strings.HasPrefix(err.Error(), "network: "+tc.field+": ") {
				t.Errorf("message %q does not start with the field", err)
			}
		})
	}
}

// buildNoPanic builds s, turning a panic into an error that fails the test.
func buildNoPanic(s network.Spec) (net *network.Network, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("Build panicked: %v", r)
		}
	}()
	return s.Build()
}

// TestDelayAndSpikeTimes: a spike given at 1 ms reaches the delay chain's
// end DelaySteps later, and a delay of 0 adds no state.
func TestDelayAndSpikeTimes(t *testing.T) {
	s := small(1)
	s.Sources = []network.Source{network.SpikeTimes{Name: "st", Times: [][]float64{{1}, {}}}}
	s.Projections = []network.Projection{{Name: "d", From: "st", To: "p", Synapse: network.CurrentPulse{}, W: []float64{1, 1}, DelaySteps: 3}}
	s.Monitors = nil
	net, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := session.New(net.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var got []int
	for k := 0; k < 10; k++ {
		if err := net.Feeder.Feed(sess.Sample(), sess); err != nil {
			t.Fatal(err)
		}
		if err := sess.Step(nil); err != nil {
			t.Fatal(err)
		}
		d, err := sess.State("d/delay3")
		if err != nil {
			t.Fatal(err)
		}
		if d[0] != 0 {
			got = append(got, sess.Sample())
		}
		if d[1] != 0 {
			t.Errorf("train 1 (no spikes) delivered at sample %d", sess.Sample())
		}
	}
	// The spike is at step 2 (1 ms / 0.5 ms); delay1 holds it at sample 3,
	// delay3 at sample 5: its current acts on the step from 5 to 6.
	if len(got) != 1 || got[0] != 5 {
		t.Errorf("delay3 nonzero at samples %v, want [5]", got)
	}
	s.Projections[0].DelaySteps = 0
	net, err = s.Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Graph.Node("d/delay1"); err == nil {
		t.Error("DelaySteps 0 declared a delay state")
	}
}

// TestSparseEqualsDense: a network with CSR weights runs as its dense twin:
// spikes identical and v within 1e-9 relative over 400 steps. The two sum
// each row in different orders (BLAS against column order), so v differs
// in the last bits; the inputs are far from the threshold's knife edge
// often enough that no spike flips in this horizon.
func TestSparseEqualsDense(t *testing.T) {
	spec := func(sparse bool) network.Spec {
		s := small(200)
		s.Sources[0] = network.Poisson{Name: "in", N: 50, RateHz: []float64{40}}
		s.Projections[0].Connect = network.FixedProbability{P: 0.2}
		s.Projections[1].Synapse = network.Conductance{TauMs: 10, E: []float64{0}}
		s.Projections[1].Weights = network.Gamma{Shape: 2, Scale: 0.003}
		s.Projections = append(s.Projections, network.Projection{Name: "pulse", From: "p", To: "p", Synapse: network.CurrentPulse{},
			Connect: network.FixedInDegree{K: 10}, Weights: network.Uniform{Lo: -0.5, Hi: 0.5}, Stream: 3})
		for i := range s.Projections {
			s.Projections[i].Sparse = sparse
		}
		return s
	}
	runs := [2][][]float64{}
	spikes := [2]int{}
	for k, sparse := range []bool{false, true} {
		net, err := spec(sparse).Build()
		if err != nil {
			t.Fatal(err)
		}
		if sparse != net.Projections[0].Sparse() {
			t.Fatalf("sparse = %v but the built projection says %v", sparse, net.Projections[0].Sparse())
		}
		sess, err := session.New(net.Graph)
		if err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 400; step++ {
			if err := net.Feeder.Feed(sess.Sample(), sess); err != nil {
				t.Fatal(err)
			}
			if err := sess.Step(nil); err != nil {
				t.Fatal(err)
			}
			v, _ := sess.State("p/v")
			f, _ := sess.State("p/fired")
			for _, x := range f {
				spikes[k] += int(x)
			}
			runs[k] = append(runs[k], append(v, f...))
		}
		sess.Close()
	}
	if spikes[0] < 50 {
		t.Fatalf("%d spikes in 400 steps: too quiet to compare", spikes[0])
	}
	for step := range runs[0] {
		d, s := runs[0][step], runs[1][step]
		for i := range d {
			tol := 1e-9 * math.Max(1, math.Abs(d[i]))
			if i >= 200 {
				tol = 0 // spikes exactly
			}
			if math.Abs(d[i]-s[i]) > tol {
				t.Fatalf("step %d, element %d: dense %v, sparse %v", step, i, d[i], s[i])
			}
		}
	}
}

// TestBuildStopsWhenCancelled: a cancelled context stops the build of a
// large network, whose synapse draw would otherwise take seconds, and
// the error wraps context.Canceled.
func TestBuildStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := small(4).BuildContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: %v", err)
	}
	for _, name := range []string{"recurrent", "ring", "izhikevich2003"} {
		sc, err := network.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			_, err := sc.BuildContext(ctx, network.Options{N: 5000}) // 0.3-1 s to build
			done <- err
		}()
		time.Sleep(5 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: %v, want context.Canceled", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still building 5 s after the cancel", name)
		}
	}
}

// TestOutgoingDrawsTheSameSynapses: a sparse event-driven conductance
// projection drawn straight by presynaptic neuron (BuiltProjection's
// Conductance.Out, two draws) holds exactly the synapses of the same
// projection drawn by rows (dense propagation's CSR), for three generators
// and weight laws, block scales and explicit zeros included.
func TestOutgoingDrawsTheSameSynapses(t *testing.T) {
	inh := make([]bool, 120)
	for i := range inh {
		inh[i] = i%5 == 0
	}
	eInh := -80.0
	for _, c := range []struct {
		connect network.Connectivity
		weights network.Weights
	}{
		{network.FixedProbability{P: 0.1}, network.Gamma{Shape: 2, Scale: 0.003}},
		{network.FixedInDegree{K: 7}, network.Uniform{Lo: 0, Hi: 1}},
		{network.AllToAll{}, network.Constant{W: 0}}, // every weight zero: no synapse
	} {
		var built [2]network.BuiltProjection
		for i, prop := range []network.Propagation{network.Dense, network.Event} {
			s := small(120)
			s.Populations[0].Inh = inh
			s.Projections[1].Connect, s.Projections[1].Weights = c.connect, c.weights
			s.Projections[1].Synapse = network.Conductance{TauMs: 10, E: []float64{0}, EInh: &eInh}
			s.Projections[1].Scale = []network.BlockScale{{Pre: network.Inh, Post: network.Exc, Factor: 2}}
			s.Projections[1].Sparse, s.Projections[1].Propagation = true, prop
			net, err := s.Build()
			if err != nil {
				t.Fatal(err)
			}
			built[i] = net.Projections[1]
		}
		if built[0].CSR == nil || built[1].Conductance.Out == nil || built[1].CSR != nil {
			t.Fatalf("%T: dense kept CSR %v, event Out %v and CSR %v", c.connect, built[0].CSR != nil, built[1].Conductance.Out != nil, built[1].CSR != nil)
		}
		if built[0].Synapses != built[1].Synapses {
			t.Fatalf("%T: %d synapses by rows, %d by presynaptic neuron", c.connect, built[0].Synapses, built[1].Synapses)
		}
		a, err := built[0].DenseWeights()
		if err != nil {
			t.Fatal(err)
		}
		b, err := built[1].DenseWeights()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a, b) {
			t.Fatalf("%T: the weights drawn by presynaptic neuron differ from those by rows", c.connect)
		}
	}
}
