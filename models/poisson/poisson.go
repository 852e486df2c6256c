// Package poisson adds Poisson spike sources to a graph.
//
// # Overview
//
// A Source is n independent Poisson trains whose rates (Hz) are a per-step
// input ("rate"). Each step every train spikes with probability
// p = rate * dt * 1e-3 (dt in ms): 2 Hz at 0.5 ms gives 0.001. A rate giving
// p > 1 is an error at run time, never clipped.
//
// # Randomness
//
// Draws come from ops.Bernoulli, a counter-based generator keyed by (seed,
// stream, step, train): the spikes of a step do not depend on how a run is
// executed (one step per call or many, interrupted and resumed). The step
// is the graph's step counter (graph.Graph.StepCounter). Sources in one
// graph must have different streams, or they draw the same spikes.
//
// # Concurrency
//
// Everything here is a value or builds a graph; see package graph.
package poisson

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/ops"
)

// Config describes a source.
type Config struct {
	N      int     // number of trains; 1 to ops.MaxIndex+1
	Seed   uint64  // random seed
	Stream uint64  // sub-stream, distinct per source in a graph; <= ops.MaxIndex
	DtMs   float64 // time step (ms); > 0
}

// Validate checks the config; the error names the field (e.g.
// "Config.DtMs").
func (c Config) Validate() error {
	if c.N < 1 || uint64(c.N-1) > ops.MaxIndex {
		return fmt.Errorf("poisson: Config.N = %d must be in [1, %d]", c.N, uint64(ops.MaxIndex)+1)
	}
	if !(c.DtMs > 0) || math.IsInf(c.DtMs, 0) {
		return fmt.Errorf("poisson: Config.DtMs = %v ms must be > 0 and finite", c.DtMs)
	}
	if c.Stream > ops.MaxIndex {
		return fmt.Errorf("poisson: Config.Stream = %d must not exceed ops.MaxIndex = %d", c.Stream, uint64(ops.MaxIndex))
	}
	if err := c.op().Validate(); err != nil {
		return fmt.Errorf("poisson: Config: %w", err)
	}
	return nil
}

func (c Config) op() ops.Bernoulli {
	return ops.Bernoulli{Seed: c.Seed, Stream: c.Stream, DtMs: c.DtMs}
}

// MaxRate returns the highest rate (Hz) a train can have at this dt (p = 1).
func (c Config) MaxRate() float64 { return 1e3 / c.DtMs }

// Source is a declared source.
type Source struct {
	Config
	Rate *graph.Node // the per-step input "rate" [N] (Hz)
	step *graph.Node
}

// Declare adds the input "rate" to b's scope and uses the graph's step
// counter. A nil builder or a bad config is an error, and nothing is added.
func Declare(b *graph.Builder, cfg Config) (*Source, error) {
	if b == nil {
		return nil, errors.New("poisson: Declare: nil builder")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Source{Config: cfg}
	s.Rate = b.Input("rate", cfg.N)
	s.step = b.Graph().StepCounter()
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("poisson: declare %q: %w", b.Name(""), err)
	}
	return s, nil
}

// Step adds this step's draw and returns the spikes [N] (0/1). A nil source
// or builder is an error.
func (s *Source) Step(b *graph.Builder) (*graph.Node, error) {
	if s == nil || b == nil {
		return nil, errors.New("poisson: Step: nil source or builder")
	}
	out := b.Apply(s.op(), s.Rate, s.step)
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("poisson: step %q: %w", b.Name(""), err)
	}
	return out, nil
}

// Spikes reproduces the source's draw of one step in plain Go: dst[i] = 1
// where train i spikes at step with rate[i] (Hz), else 0. It is what the graph
// computes, for references and tests. It returns an error, and leaves dst
// unchanged, where the graph would fail: an invalid config, dst or rate not
// of length N, a negative step, or a rate whose probability
// p = rate*dt*1e-3 lies outside [0, 1] (or is NaN).
func (c Config) Spikes(dst []float64, step int, rate []float64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if len(dst) != c.N || len(rate) != c.N {
		return fmt.Errorf("poisson: Spikes: dst and rate have %d and %d values, want Config.N = %d", len(dst), len(rate), c.N)
	}
	if step < 0 {
		return fmt.Errorf("poisson: Spikes: step = %d must be >= 0", step)
	}
	for i, r := range rate {
		if p := r * c.DtMs * 1e-3; !(p >= 0 && p <= 1) {
			return fmt.Errorf("poisson: Spikes: rate[%d] = %g Hz gives p = %g at Config.DtMs = %g ms, outside [0, 1]", i, r, p, c.DtMs)
		}
	}
	for i := range dst {
		dst[i] = 0
		if ops.BernoulliDraw(c.Seed, c.Stream, uint64(step), i, rate[i]*c.DtMs*1e-3) {
			dst[i] = 1
		}
	}
	return nil
}
