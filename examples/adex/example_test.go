package adex_test

import (
	"context"
	"fmt"

	"github.com/spikegraph/spikegraph/examples/adex"
	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// The protocol of the Example (and of the reference test): one
// regular-spiking AdEx neuron at rest, a 800 pA step from 20 ms to the end
// of a 300 ms run (the amplitude of Brette and Gerstner's Fig. 2C
// protocol, as NEST's example of the paper uses it), Euler at 0.1 ms.
const (
	dtMs       = 0.1
	durationMs = 300.0
	ampPA      = 800.0
	onMs       = 20.0
)

func protocol() (adex.Config, adex.CurrentStep) {
	cfg := adex.NewConfig(adex.RegularSpiking(), 1, dtMs)
	return cfg, adex.CurrentStep{Input: "adex/I", Amp: ampPA, OnMs: onMs, OffMs: durationMs, DtMs: dtMs}
}

// Example defines one AdEx neuron through the public API (graph, ops),
// runs it with a session under a current step and prints its spike times
// and inter-spike intervals: the intervals grow as the adaptation current w
// builds up, the behaviour the model adds to the exponential
// integrate-and-fire neuron.
func Example() {
	cfg, current := protocol()

	// Build the step graph: state, params and constants (Declare), the
	// input current, one step (Step) and the carry of each state (Carry).
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("adex")
	pop, err := adex.Declare(b, cfg, []float64{cfg.EL}, []float64{0})
	if err != nil {
		fmt.Println(err)
		return
	}
	i := b.Input("I", cfg.N) // "adex/I", fed by current
	next, err := pop.Step(b, pop.State, i)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := pop.Carry(b, next); err != nil {
		fmt.Println(err)
		return
	}

	// Run it: compile once, then step with a feeder and recorders.
	s, err := session.New(g)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	spikes := session.RecordSpikes("adex/fired", 64)
	w := session.RecordState("adex/w", []int{0})
	steps := int(durationMs / dtMs)
	if err := s.Steps(context.Background(), steps, current, spikes, w); err != nil {
		fmt.Println(err)
		return
	}

	fmt.Printf("%d spikes in %g ms at %g pA\n", len(spikes.Events), durationMs, ampPA)
	fmt.Print("spike times (ms):")
	for _, e := range spikes.Events {
		fmt.Printf(" %.1f", float64(e.Sample)*dtMs)
	}
	fmt.Print("\nISIs (ms):")
	for k := 1; k < len(spikes.Events); k++ {
		fmt.Printf(" %.1f", float64(spikes.Events[k].Sample-spikes.Events[k-1].Sample)*dtMs)
	}
	fmt.Printf("\nw at the end: %.1f pA\n", w.Data[len(w.Data)-1])
	// Output:
	// 6 spikes in 300 ms at 800 pA
	// spike times (ms): 37.8 60.8 91.8 135.2 192.5 257.3
	// ISIs (ms): 23.0 31.0 43.4 57.3 64.8
	// w at the end: 227.4 pA
}
