package sim_test

import (
	"context"
	"fmt"
	"log"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/sim"
)

// Two regular-spiking neurons driven by a current of 7 from 200 to 700 ms
// (the course's Step 1, twice), run for 1000 ms at 0.5 ms.
func ExampleRun() {
	cells := izhikevich.Uniform(2, izhikevich.RegularSpiking())
	spec := network.Spec{
		DtMs: 0.5,
		Populations: []network.Population{{Name: "rs",
			Model: izhikevich.Neuron{Config: izhikevich.Config{Cells: cells, VPeak: izhikevich.DefaultVPeak, Scheme: izhikevich.Course}}}},
		Sources: []network.Source{network.Stimulus{Name: "in", To: "rs",
			Current: stimulus.Sequence(0, stimulus.Pulse(200, 700, 7))}},
		Monitors: []network.Monitor{
			{Name: "spikes", Kind: network.SpikeEvents, Of: "rs"},
			{Name: "v", Kind: network.Trace, Of: "rs", Index: []int{0}},
		},
	}
	net, err := spec.Build()
	if err != nil {
		log.Fatal(err)
	}
	res, err := sim.Run(context.Background(), net, 2000)
	if err != nil {
		log.Fatal(err)
	}
	rs := res.Populations[0]
	fmt.Printf("%s: %d spikes, %.0f Hz per neuron over %g ms\n", rs.Name, rs.Spikes, rs.RateHz, res.DurationMs())
	first := res.Spikes["spikes"].Events[0]
	fmt.Printf("first spike: neuron %d at %g ms\n", first.Neuron, res.TimeMs(int(first.Sample)))
	fmt.Printf("v of neuron 0: %d samples, %g mV at 0 ms\n", res.Traces["v"].Samples(), res.Traces["v"].Data[0][0])
	// Output:
	// rs: 16 spikes, 8 Hz per neuron over 1000 ms
	// first spike: neuron 0 at 206.5 ms
	// v of neuron 0: 2001 samples, -70 mV at 0 ms
}

// The course's Step 1 from the scenario table: one neuron, 1000 ms.
func ExampleRunScenario() {
	net, res, err := sim.RunScenario(context.Background(), "single", network.Options{}, 1000)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v: %d steps of %g ms, %d spikes\n", net.Kind, res.Steps, res.DtMs, len(res.Spikes[network.MonitorSpikes].Events))
	// Output:
	// single: 2000 steps of 0.5 ms, 8 spikes
}

// A broken rule comes back as a *network.OptionError naming the option,
// before anything is built.
func ExamplePlanScenario() {
	_, err := sim.PlanScenario("synaptic", network.Options{DtMs: 10}, 1000)
	fmt.Println(err)
	// Output:
	// network: dt: 10 ms must be below tau_g = 10 ms (the conductance decay factor 1 - dt/tau_g would not be positive)
}
