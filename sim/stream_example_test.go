package sim_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/sim"
)

// Stream the spikes of the course's Step 1 as spikes.csv (here into a
// buffer; a file in practice) instead of keeping them in memory.
func ExampleCSVSpikeSink() {
	p, err := sim.PlanScenario("single", network.Options{}, 1000)
	if err != nil {
		log.Fatal(err)
	}
	var file bytes.Buffer
	spikes, err := sim.NewCSVSpikeSink(&file, p.Options.DtMs)
	if err != nil {
		log.Fatal(err)
	}
	_, res, err := p.Run(context.Background(), sim.WithSpikeSink(network.MonitorSpikes, spikes))
	if err != nil {
		log.Fatal(err)
	}
	if err := spikes.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d spikes, none in memory: %v\n", spikes.Count(), res.Spikes[network.MonitorSpikes] == nil)
	fmt.Print(strings.Join(strings.SplitAfter(file.String(), "\n")[:3], ""))
	// Output:
	// 8 spikes, none in memory: true
	// t_ms,neuron
	// 206.5,0
	// 256.5,0
}
