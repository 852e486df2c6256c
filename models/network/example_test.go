package network_test

import (
	"context"
	"fmt"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/session"
)

// ExampleSpec_Build composes a network from parts, as Brian2's NeuronGroup,
// Synapses and monitors on one clock: two Izhikevich cells driven by a
// current step feed a LIF population through current pulses, and a spike
// monitor on each population. dt is given once, in the Spec.
func ExampleSpec_Build() {
	spec := network.Spec{DtMs: 0.5, Seed: 1,
		Populations: []network.Population{
			{Name: "izh", Model: izhikevich.Neuron{Config: izhikevich.NewConfig(izhikevich.Uniform(2, izhikevich.RegularSpiking()), 0)}},
			{Name: "lif", Model: lif.Neuron{Config: lif.Config{Params: lif.Training(), N: 3}}},
		},
		Sources: []network.Source{
			network.Stimulus{Name: "in", To: "izh", Current: stimulus.Sequence(0, stimulus.Step(50, 10))}, // 10 from t > 50 ms
		},
		Projections: []network.Projection{
			{Name: "syn", From: "izh", To: "lif", Synapse: network.CurrentPulse{}, Connect: network.AllToAll{}, Weights: network.Constant{W: 4}},
		},
		Monitors: []network.Monitor{
			{Name: "izh spikes", Kind: network.SpikeEvents, Of: "izh"},
			{Name: "lif spikes", Kind: network.SpikeEvents, Of: "lif"},
		},
	}
	net, err := spec.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := session.New(net.Graph)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	var recs []*session.SpikeRecorder
	var rs []session.Recorder
	for _, m := range net.Monitors {
		r := session.RecordSpikes(m.Node, 0)
		recs, rs = append(recs, r), append(rs, r)
	}
	if err := s.Steps(context.Background(), 1000, net.Feeder, rs...); err != nil { // 500 ms
		fmt.Println(err)
		return
	}
	for i, m := range net.Monitors {
		fmt.Printf("%s (%s): %d spikes\n", m.Name, m.Node, len(recs[i].Events))
	}
	// Output:
	// izh spikes (izh/fired): 22 spikes
	// lif spikes (lif/fired): 69 spikes
}
