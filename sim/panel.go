package sim

import (
	"context"
	"errors"
	"fmt"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/models/network"
)

// PanelResult is a simulated figure panel, labelled as Izhikevich's figure
// program labels it: sample s >= 1 of the run is the program's iteration
// at t = (s-1)·dt, so TMs runs 0, dt, ..., the panel's duration; sample 0,
// the initial state, is left out of TMs, V and I.
type PanelResult struct {
	Panel figures.Panel // the panel run
	Dtype tensor.Dtype  // the dtype it ran in (float64 for the zero value)
	// Result is the run: p.Steps() steps, with the monitors
	// network.MonitorSpikes and network.MonitorV (samples 0..Steps) of the
	// population "cell".
	Result *Result
	TMs    []float64 // the program's times of samples 1..Steps (ms)
	V      []float64 // v at TMs (mV)
	I      []float64 // the input current at TMs
	// SpikesMs are the program's spike times (figures.Panel.SpikeTimes).
	SpikesMs []float64
}

// RunPanel builds the panel p in dtype (the zero value means float64),
// runs its p.Steps() steps and returns its trace and spike times. opts may
// give progress and session options; a sink option is an error, as the
// panel's own results need the in-memory sinks. A cancelled run returns a
// nil PanelResult and an error wrapping ctx.Err().
func RunPanel(ctx context.Context, p figures.Panel, dtype tensor.Dtype, opts ...Option) (*PanelResult, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if len(c.spikeSinks) > 0 || len(c.traceSinks) > 0 {
		return nil, errors.New("sim: RunPanel: the panel records into its own sinks; WithSpikeSink and WithTraceSink do not apply")
	}
	m, err := p.Build(dtype)
	if err != nil {
		return nil, fmt.Errorf("sim: panel %s: %w", p.Key, err)
	}
	if dtype == (tensor.Dtype{}) {
		dtype = tensor.Float64
	}
	if c.spikeCapacity == nil {
		capacity := 64
		c.spikeCapacity = &capacity
	}
	n := p.Steps()
	t := target{graph: m.Graph, feeder: m.Feeder, dtMs: p.DtMs, ranges: m.Ranges,
		pops: []network.BuiltPopulation{{Name: "cell", N: 1, V: figures.NameV, Fired: figures.NameFired}},
		monitors: []network.BuiltMonitor{
			{Monitor: network.Monitor{Name: network.MonitorSpikes, Kind: network.SpikeEvents, Of: "cell"}, Node: figures.NameFired},
			{Monitor: network.Monitor{Name: network.MonitorV, Kind: network.Trace, Of: "cell", Index: []int{0}}, Node: figures.NameV},
		}}
	res, err := run(ctx, t, n, c)
	if err != nil {
		return nil, fmt.Errorf("sim: panel %s: %w", p.Key, err)
	}
	v := res.Traces[network.MonitorV].Flat()
	if len(v) != n+1 {
		return nil, fmt.Errorf("sim: panel %s: recorded %d samples of v, want %d", p.Key, len(v), n+1)
	}
	events := res.Spikes[network.MonitorSpikes].Events
	samples := make([]int, len(events))
	for k, e := range events {
		samples[k] = int(e.Sample)
	}
	out := &PanelResult{Panel: p, Dtype: dtype, Result: res, TMs: make([]float64, n), V: v[1:], I: make([]float64, n), SpikesMs: p.SpikeTimes(samples)}
	for k := range out.TMs {
		out.TMs[k] = p.T(k + 1)
		out.I[k] = p.Current.At(out.TMs[k]) // the current of that iteration
	}
	return out, nil
}
