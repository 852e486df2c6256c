package network

import (
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/poisson"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/ops"
)

// Source is an input of a network: a spike source (Poisson, SpikeTimes),
// which projections read like a population's spikes, or a current source
// (Stimulus, Noise), which adds a current to one population. The set is
// closed: the network declares each kind itself.
type Source interface {
	// SourceName returns the source's name, the scope of its nodes.
	SourceName() string
	declare(b *graph.Builder, c clock) (declared, error)
}

// clock is what every component reads of the network's clock.
type clock struct {
	dtMs float64
	seed uint64
	g    *graph.Graph
	size func(pop string) (int, bool) // a population's size
}

// declared is a declared source: its spikes (spike sources) or its current
// and target (current sources), and its feeder.
type declared struct {
	n       int
	spikes  *graph.Node // spike sources: 0/1 [n]
	current *graph.Node // current sources: the current for To
	to      string
	feeder  graph.Feeder
	output  string // the name of spikes or current, for monitors
}

// Poisson is N independent Poisson trains with rates RateHz, drawn in the
// graph by ops.Bernoulli keyed by (Spec.Seed, Stream, step, train): the
// node "NAME/rate" is the per-step rate input and "NAME/spikes" the draws.
type Poisson struct {
	Name string
	N    int // trains; >= 1
	// RateHz is each train's rate (Hz): one value for all or N values; a
	// rate whose spike probability rate·dt·1e-3 exceeds 1 is an error.
	RateHz []float64
	// Window, when not nil, limits the rates to the open interval
	// (StartMs, StopMs); outside it the trains are silent.
	Window *stimulus.Window
	// Stream is the Bernoulli stream; Poisson sources in one network need
	// distinct streams (0 is a valid stream).
	Stream uint64
}

// SourceName implements Source.
func (p Poisson) SourceName() string { return p.Name }

func (p Poisson) declare(b *graph.Builder, c clock) (declared, error) {
	cfg := poisson.Config{N: p.N, Seed: c.seed, Stream: p.Stream, DtMs: c.dtMs}
	if err := cfg.Validate(); err != nil {
		return declared{}, wrapOption("N", err)
	}
	if len(p.RateHz) != 1 && len(p.RateHz) != p.N {
		return declared{}, optionf("RateHz", "%d values, want 1 or N = %d", len(p.RateHz), p.N)
	}
	for i, r := range p.RateHz {
		if !(r >= 0) || r*c.dtMs*1e-3 > 1 {
			return declared{}, optionf("RateHz", "[%d] = %v Hz must be >= 0 and at most %v Hz at dt = %v ms (spike probability rate·dt must not exceed 1)", i, r, cfg.MaxRate(), c.dtMs)
		}
	}
	win := stimulus.Window{StartMs: math.Inf(-1), StopMs: math.Inf(1)}
	if p.Window != nil {
		if err := p.Window.Validate(); err != nil {
			return declared{}, wrapOption("Window", err)
		}
		win = *p.Window
	}
	src, err := poisson.Declare(b, cfg)
	if err != nil {
		return declared{}, err
	}
	spikes, err := src.Step(b)
	if err != nil {
		return declared{}, err
	}
	b.Output("spikes", spikes)
	rates := append([]float64(nil), p.RateHz...)
	return declared{n: p.N, spikes: spikes, output: b.Name("spikes"),
		feeder: stimulus.WindowFeeder{Input: b.Name("rate"), Values: rates, Window: win, DtMs: c.dtMs}}, b.Err()
}

// Stimulus drives the population To with a current protocol (package
// stimulus), the same value for every neuron: the node "NAME/I" is the
// per-step input, fed with Current's value at each step.
type Stimulus struct {
	Name    string
	To      string           // the population it drives
	Current stimulus.Current // e.g. stimulus.Sequence(0, stimulus.Pulse(200, 700, 7))
}

// SourceName implements Source.
func (s Stimulus) SourceName() string { return s.Name }

func (s Stimulus) declare(b *graph.Builder, c clock) (declared, error) {
	n, ok := c.size(s.To)
	if !ok {
		return declared{}, optionf("To", "unknown population %q", s.To)
	}
	if s.Current == nil {
		return declared{}, optionf("Current", "is nil")
	}
	if v, ok := s.Current.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return declared{}, wrapOption("Current", err)
		}
	}
	in := b.Input("I", n)
	return declared{n: n, current: in, to: s.To, output: b.Name("I"),
		feeder: stimulus.CurrentFeeder{Input: b.Name("I"), Current: s.Current, DtMs: c.dtMs}}, b.Err()
}

// Noise drives the population To with Gaussian white noise: each step,
// neuron i gets Sigma[i]·ξ with ξ a standard normal drawn in the graph by
// ops.Normal keyed by (Spec.Seed, Stream, step, i), as net.m's thalamic
// input. The node "NAME/sigma" holds Sigma and "NAME/noise" the draw.
type Noise struct {
	Name   string
	To     string    // the population it drives
	Sigma  []float64 // standard deviation per neuron (one for all or one each); >= 0
	Stream uint64    // the Normal stream; noise sources need distinct streams
}

// SourceName implements Source.
func (s Noise) SourceName() string { return s.Name }

func (s Noise) declare(b *graph.Builder, c clock) (declared, error) {
	n, ok := c.size(s.To)
	if !ok {
		return declared{}, optionf("To", "unknown population %q", s.To)
	}
	sigma, err := perNeuron("Sigma", s.Sigma, n)
	if err != nil {
		return declared{}, err
	}
	for i, x := range sigma {
		if !(x >= 0) || math.IsInf(x, 0) {
			return declared{}, optionf("Sigma", "[%d] = %v must be finite and >= 0", i, x)
		}
	}
	op := ops.Normal{Seed: c.seed, Stream: s.Stream}
	if err := op.Validate(); err != nil {
		return declared{}, wrapOption("Stream", err)
	}
	sig := b.Param("sigma", sigma, n)
	noise := b.Output("noise", b.Apply(op, sig, c.g.StepCounter()))
	return declared{n: n, current: noise, to: s.To, output: b.Name("noise")}, b.Err()
}

// SpikeTimes is N trains that spike at given times: train i spikes at
// every time in Times[i] (ms), each a whole number of steps of the
// network's dt (to 1e-9 relative; other times are an error, never
// rounded). The node "NAME/spikes" is the per-step input, fed 0/1.
type SpikeTimes struct {
	Name  string
	Times [][]float64 // per train, ms, >= 0
}

// SourceName implements Source.
func (s SpikeTimes) SourceName() string { return s.Name }

func (s SpikeTimes) declare(b *graph.Builder, c clock) (declared, error) {
	n := len(s.Times)
	if n == 0 {
		return declared{}, optionf("Times", "no trains")
	}
	byStep := map[int][]int{}
	for i, ts := range s.Times {
		for j, t := range ts {
			k, err := Steps(t, c.dtMs)
			if t == 0 {
				k, err = 0, nil
			}
			if err != nil || t < 0 {
				return declared{}, optionf("Times", "[%d][%d] = %v ms is not a time >= 0 on the grid of dt = %v ms", i, j, t, c.dtMs)
			}
			byStep[k] = append(byStep[k], i)
		}
	}
	in := b.Input("spikes", n)
	return declared{n: n, spikes: in, output: b.Name("spikes"),
		feeder: &spikeFeeder{input: b.Name("spikes"), n: n, byStep: byStep, row: make([]float64, n)}}, b.Err()
}

// spikeFeeder feeds a SpikeTimes source.
type spikeFeeder struct {
	input  string
	n      int
	byStep map[int][]int
	row    []float64
}

// Feed writes the trains that spike at step (1) and the rest (0).
func (f *spikeFeeder) Feed(step int, w graph.InputWriter) error {
	trains := f.byStep[step]
	if len(trains) == 0 {
		return w.FillInput(f.input, 0)
	}
	clear(f.row)
	for _, i := range trains {
		f.row[i] = 1
	}
	return w.SetInput(f.input, f.row)
}

// perNeuron expands one value or n values to n values.
func perNeuron(field string, vals []float64, n int) ([]float64, error) {
	switch len(vals) {
	case n:
		return append([]float64(nil), vals...), nil
	case 1:
		out := make([]float64, n)
		for i := range out {
			out[i] = vals[0]
		}
		return out, nil
	}
	return nil, optionf(field, "%d values, want 1 or %d", len(vals), n)
}
