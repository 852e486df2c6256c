package figures

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
)

// Panel is one panel of a published figure: a neuron, its initial state, its
// time step, its duration and its input current.
type Panel struct {
	Key        string              // "A".."T" for behaviours, "RS", "IB", ... for classes
	Name       string              // the panel's title, e.g. "tonic spiking"
	Params     izhikevich.Params   // a, b, c, d
	Eq         izhikevich.Equation // Standard() except for (G), (L) and (R)
	V0, U0     float64             // initial v (mV) and u
	DtMs       float64             // the figure code's tau (ms)
	DurationMs float64             // the loop runs t = 0, dt, ..., DurationMs
	Current    stimulus.Protocol   // I(t)
}

// VPeak is the figure code's spike cut-off: v > 30 mV is a spike, recorded as 30.
const VPeak = 30.0

// Names of the graph's nodes.
const (
	NameV       = "cell/v"
	NameU       = "cell/u"
	NameFired   = "cell/fired"
	NameCurrent = "in/I"
)

// Steps returns the number of loop iterations, DurationMs/DtMs + 1 (the
// figure code's tspan = 0:tau:T has that many elements).
func (p Panel) Steps() int { return int(math.Round(p.DurationMs/p.DtMs)) + 1 }

// T returns the time label of sample s >= 1 of a run: the figure code's
// iteration at t = (s-1)*dt produced it (sample 0 is the initial state).
func (p Panel) T(s int) float64 { return float64(s-1) * p.DtMs }

// Validate checks the panel's values; the error starts with "figures: "
// and the panel's key.
func (p Panel) Validate() error {
	if !(p.DtMs > 0) || math.IsInf(p.DtMs, 0) || !(p.DurationMs >= 0) || math.IsInf(p.DurationMs, 0) {
		return fmt.Errorf("figures: %s: dt = %v ms and duration = %v ms must be positive and finite", p.Key, p.DtMs, p.DurationMs)
	}
	if x := p.DurationMs / p.DtMs; math.Abs(x-math.Round(x)) > 1e-9*x {
		return fmt.Errorf("figures: %s: duration %v ms is not a whole number of steps of %v ms", p.Key, p.DurationMs, p.DtMs)
	}
	if math.IsNaN(p.V0) || math.IsInf(p.V0, 0) || math.IsNaN(p.U0) || math.IsInf(p.U0, 0) {
		return fmt.Errorf("figures: %s: initial state (%v, %v) is not finite", p.Key, p.V0, p.U0)
	}
	if err := p.Current.Validate(); err != nil {
		return fmt.Errorf("figures: %s: %w", p.Key, err)
	}
	if err := p.config().Validate(); err != nil {
		return fmt.Errorf("figures: %s: %w", p.Key, err)
	}
	return nil
}

func (p Panel) config() izhikevich.Config {
	eq := p.Eq
	return izhikevich.Config{
		Cells:  izhikevich.Uniform(1, p.Params),
		DtMs:   p.DtMs,
		VPeak:  VPeak,
		Scheme: izhikevich.Figure,
		Eq:     &eq,
	}
}

// Model is a panel built as a graph: one neuron under the Figure scheme, fed
// with the panel's current.
type Model struct {
	Panel  Panel
	Graph  *graph.Graph
	Feeder graph.Feeder
	// Ranges are the states' physical ranges (network.Network.Ranges).
	Ranges map[string]graph.Range
}

// Build returns the panel's graph in dtype (float64 reproduces the figure
// code; the zero value means float64).
func (p Panel) Build(dtype tensor.Dtype) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if dtype == (tensor.Dtype{}) {
		dtype = tensor.Float64
	}
	spec := network.Spec{DtMs: p.DtMs, Dtype: dtype,
		Populations: []network.Population{{Name: "cell", Model: izhikevich.Neuron{Config: p.config(), V0: []float64{p.V0}, U0: []float64{p.U0}}}},
		Sources:     []network.Source{network.Stimulus{Name: "in", To: "cell", Current: p.Current}},
	}
	net, err := spec.Build()
	if err != nil {
		return nil, fmt.Errorf("figures: %s: %w", p.Key, err)
	}
	return &Model{Panel: p, Graph: net.Graph, Feeder: net.Feeder, Ranges: net.Ranges}, nil
}

// SpikeTimes returns the figure code's spike times (ms) for the samples at
// which the neuron fired: sample s is labelled (s-1)*dt.
func (p Panel) SpikeTimes(samples []int) []float64 {
	out := make([]float64, len(samples))
	for i, s := range samples {
		out[i] = p.T(s)
	}
	return out
}

// CrossingTimes returns the times of the samples of trace v (sample 0 the
// initial state) at which v first reaches threshold from below: the
// convention of OpenSourceBrain's model validation ("first sample at or above
// 0 mV"), which differs from the figure code's label when v passes the
// threshold one sample before it exceeds VPeak.
func (p Panel) CrossingTimes(v []float64, threshold float64) []float64 {
	var out []float64
	for s := 1; s < len(v); s++ {
		if v[s] >= threshold && v[s-1] < threshold {
			out = append(out, p.T(s))
		}
	}
	return out
}
