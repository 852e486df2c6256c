package lif_test

import (
	"context"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/session"
)

// ExamplePopulation_Step drives three current-based neurons of the Training
// preset with constant currents 0.5, 1.5 and 3 (the rheobase is 1) for 60 ms
// and prints their spike times next to the analytic period
// T = tau_mem ln(I/(I - 1)). Each neuron starts at i = I and receives
// x = (dt/tau_syn)·I per step, which holds i at I. At dt = 0.5 ms the Euler
// steps give 22 and 8 samples per period (K = ceil(L/f) in
// TestConstantDriveMatchesAnalyticPeriod), within [T(1 - dt/tau_mem), T + dt).
// The fetched v is the potential after the reset: k samples after the last
// reset (or the start) it is I(1 - 0.95^k), so 0.5(1 - 0.95^120) = 0.499,
// 1.5(1 - 0.95^10) = 0.602, and v_reset = 0 for the neuron that spiked at
// the last sample.
func ExamplePopulation_Step() {
	currents := []float64{0.5, 1.5, 3}
	cfg := lif.Config{Params: lif.Training(), N: len(currents), DtMs: 0.5, Mode: lif.CurrentBased}

	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("exc")
	pop, err := lif.Declare(b, cfg, []float64{cfg.VReset}, currents)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := b.Input("x", cfg.N)
	next, err := pop.Step(b, pop.State, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := pop.Carry(b, next); err != nil {
		fmt.Println(err)
		return
	}

	s, err := session.New(g)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	hold := make([]float64, cfg.N)
	for j, c := range currents {
		hold[j] = cfg.DtMs / cfg.TauSynMs * c
	}
	rec := session.RecordSpikes("exc/fired", 64)
	if err := s.Steps(context.Background(), 120, constFeeder{"exc/x", hold}, rec); err != nil {
		fmt.Println(err)
		return
	}
	for j, c := range currents {
		var times []float64
		for _, ev := range rec.Events {
			if int(ev.Neuron) == j {
				times = append(times, float64(ev.Sample)*cfg.DtMs)
			}
		}
		if c <= cfg.Rheobase() {
			fmt.Printf("I = %g: spikes at %v ms (below the rheobase)\n", c, times)
			continue
		}
		fmt.Printf("I = %g: spikes at %v ms, T = %.2f ms\n", c, times, cfg.TauMemMs*math.Log(c/(c-cfg.Rheobase())))
	}
	v, err := s.State("exc/v")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("v after 60 ms: %.3f\n", v)
	// Output:
	// I = 0.5: spikes at [] ms (below the rheobase)
	// I = 1.5: spikes at [11 22 33 44 55] ms, T = 10.99 ms
	// I = 3: spikes at [4 8 12 16 20 24 28 32 36 40 44 48 52 56 60] ms, T = 4.05 ms
	// v after 60 ms: [0.499 0.602 0.000]
}
