package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/sim"
)

// Engine is what simulates the network.
type Engine int

const (
	// EngineGraph builds Spec's network as a graph (network.Spec.Build)
	// and runs it with sim.Run: the engine under test.
	EngineGraph Engine = iota + 1
	// EngineReference runs the plain-Go event-driven loop (Reference).
	EngineReference
)

// String returns "graph" or "reference".
func (e Engine) String() string {
	switch e {
	case EngineGraph:
		return "graph"
	case EngineReference:
		return "reference"
	}
	return fmt.Sprintf("Engine(%d)", int(e))
}

// ErrUnknownEngine reports an engine name or value that is not one of the
// engines.
var ErrUnknownEngine = errors.New("unknown engine")

// ParseEngine returns the engine named s ("graph" or "reference").
func ParseEngine(s string) (Engine, error) {
	for _, e := range []Engine{EngineGraph, EngineReference} {
		if s == e.String() {
			return e, nil
		}
	}
	return 0, fmt.Errorf("bench: %w %q (want graph or reference)", ErrUnknownEngine, s)
}

// Result is one run of Spec(N, Seed, PRec) for Steps steps.
type Result struct {
	Engine Engine
	N      int
	Seed   uint64
	PRec   float64
	Steps  int
	DtMs   float64
	// Loop is the wall time of the stepping loop only: sim.Result.Wall for
	// the graph, the Reference.Run call for the reference. Building the
	// network, compiling the graph and drawing the synapses are in Setup.
	Loop  time.Duration
	Setup time.Duration
	// LoopCPU is the CPU time (user + system, every thread of the process,
	// the garbage collector's included) spent during the loop; 0 where it
	// cannot be read. On a machine shared with other work, Loop grows with
	// the contention and LoopCPU much less: Brian2's standalone reports
	// this kind of time (std::clock) as its run time.
	LoopCPU time.Duration
	// Spikes and rates over samples 0..Steps, by the neurons' labels, in Hz
	// per neuron over Steps·DtMs (package sim's definition).
	NExc, NInh           int
	SpikesExc, SpikesInh int
	RateExcHz, RateInhHz float64
	InputSpikes          int // Poisson spikes over steps 0..Steps-1
	SynapsesIn           int // synapses of the input projection
	SynapsesRec          int // synapses of the recurrent projection
	// PeakRSS is the process's peak resident set size (bytes, VmHWM of
	// /proc/self/status) read after the run; 0 where it cannot be read.
	// It is the process's peak so far: with PeakRSSReset it was reset
	// (ResetPeakRSS) just before the run's setup, so it is this run's peak
	// including what the process held already (the Go runtime, the test
	// binary); without, it may be an earlier run's.
	PeakRSS      int64
	PeakRSSReset bool
}

// BiologicalSeconds returns the simulated time, Steps·DtMs, in seconds.
func (r Result) BiologicalSeconds() float64 { return float64(r.Steps) * r.DtMs / 1e3 }

// NsPerNeuronStep returns the loop time per neuron and step (ns).
func (r Result) NsPerNeuronStep() float64 {
	return nsPerNeuronStep(r.Loop, r.N, r.Steps)
}

// RealTimeFactor returns the loop time over the simulated time: 1 runs in
// real time, 0.1 ten times faster, 10 ten times slower.
func (r Result) RealTimeFactor() float64 { return r.Loop.Seconds() / r.BiologicalSeconds() }

func nsPerNeuronStep(d time.Duration, n, steps int) float64 {
	if n == 0 || steps == 0 {
		return 0
	}
	return float64(d.Nanoseconds()) / float64(n) / float64(steps)
}

// Run runs Spec(n, seed, pRec) for Steps steps (1000 ms) on engine e and
// returns the loop time, spikes and rates. Before the setup it collects
// garbage, returns freed memory to the system and resets the process's
// peak RSS (where Linux allows), and collects garbage again before the
// loop, so the run's timing and peak are its own as far as one process
// allows. Runs are meant to be sequential: the peak RSS is the process's.
func Run(ctx context.Context, e Engine, n int, seed uint64, pRec float64) (Result, error) {
	res := Result{Engine: e, N: n, Seed: seed, PRec: pRec, Steps: Steps, DtMs: DtMs}
	if e != EngineGraph && e != EngineReference {
		return res, fmt.Errorf("bench: run: %w %d", ErrUnknownEngine, int(e))
	}
	debug.FreeOSMemory()
	res.PeakRSSReset = ResetPeakRSS() == nil
	spec := Spec(n, seed, pRec)
	start := time.Now()
	var err error
	switch e {
	case EngineGraph:
		err = runGraph(ctx, spec, &res)
	case EngineReference:
		err = runReference(ctx, spec, &res)
	}
	if err != nil {
		return res, err
	}
	res.Setup = time.Since(start) - res.Loop
	if res.NExc > 0 {
		res.RateExcHz = float64(res.SpikesExc) / float64(res.NExc) / res.BiologicalSeconds()
	}
	if res.NInh > 0 {
		res.RateInhHz = float64(res.SpikesInh) / float64(res.NInh) / res.BiologicalSeconds()
	}
	res.PeakRSS, _ = PeakRSS()
	return res, nil
}

const monitorInput = "input"

func runGraph(ctx context.Context, spec network.Spec, res *Result) error {
	spec.Monitors = append(spec.Monitors,
		network.Monitor{Name: monitorInput, Kind: network.CountSpikes, Of: InputName},
		network.Monitor{Name: monitorClock, Kind: network.Trace, Of: PopName, Index: []int{0}})
	net, err := spec.BuildContext(ctx)
	if err != nil {
		return fmt.Errorf("bench: graph: %w", err)
	}
	for _, p := range net.Projections {
		switch p.Name {
		case SynIn:
			res.SynapsesIn = p.Synapses
		case SynRec:
			res.SynapsesRec = p.Synapses
		}
	}
	runtime.GC()
	clock := &cpuClock{}
	out, err := sim.Run(ctx, net, res.Steps, sim.WithTraceSink(monitorClock, clock))
	if err != nil {
		return fmt.Errorf("bench: graph: %w", err)
	}
	if clock.cpu != nil {
		res.LoopCPU = clock.cpu()
	}
	pop, ok := out.Population(PopName)
	if !ok {
		return fmt.Errorf("bench: graph: no population %q in the result", PopName)
	}
	res.Loop = out.Wall
	res.NExc, res.NInh = pop.NExc, pop.NInh
	res.SpikesExc, res.SpikesInh = pop.SpikesExc, pop.SpikesInh
	res.InputSpikes = int(out.Counts[monitorInput])
	return nil
}

// monitorClock is a one-neuron trace whose sink starts the CPU clock at
// sample 0, which sim.Run records inside its timed loop, after compiling
// the graph: so LoopCPU, like Loop, leaves the compilation out.
const monitorClock = "bench_clock"

type cpuClock struct{ cpu func() time.Duration }

// Sample implements sim.TraceSink.
func (c *cpuClock) Sample(sample int, _ []float64) error {
	if sample == 0 {
		c.cpu = startCPU()
	}
	return nil
}

func runReference(ctx context.Context, spec network.Spec, res *Result) error {
	ref, err := NewReference(ctx, spec)
	if err != nil {
		return err
	}
	res.SynapsesIn, res.SynapsesRec = ref.Synapses()
	for _, x := range ref.Labels() {
		if x {
			res.NInh++
		}
	}
	res.NExc = ref.N() - res.NInh
	runtime.GC()
	cpu := startCPU()
	start := time.Now()
	err = ref.Run(ctx, res.Steps)
	res.Loop = time.Since(start)
	res.LoopCPU = cpu()
	if err != nil {
		return err
	}
	res.SpikesExc, res.SpikesInh = ref.Spikes()
	res.InputSpikes = ref.InputSpikes()
	return nil
}

// startCPU returns a func that returns the process's CPU time since
// startCPU was called (0 where it cannot be read).
func startCPU() func() time.Duration {
	t0, ok := processCPU()
	return func() time.Duration {
		t1, ok1 := processCPU()
		if !ok || !ok1 {
			return 0
		}
		return t1 - t0
	}
}
