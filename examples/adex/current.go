package adex

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
)

// CurrentStep is a graph.Feeder that injects a step current into every
// neuron: Amp on the step from sample k to k+1 when OnMs <= k*DtMs < OffMs,
// with k*DtMs computed as float64(k)*DtMs (never accumulated), and 0
// otherwise. Its Feed depends only on the step and its fields, so a run
// split into several Steps calls feeds the same values.
type CurrentStep struct {
	Input string  // the graph input's full name, e.g. "adex/I"
	Amp   float64 // amplitude (pA); finite
	OnMs  float64 // onset (ms); finite, >= 0
	OffMs float64 // offset (ms); finite, >= OnMs
	DtMs  float64 // the graph's time step (ms); > 0 and finite
}

// Validate reports the first field that is empty, NaN, Inf or out of range.
func (c CurrentStep) Validate() error {
	if c.Input == "" {
		return errors.New("adex: CurrentStep.Input is empty")
	}
	for _, f := range []struct {
		name, unit string
		v          float64
	}{{"Amp", "pA", c.Amp}, {"OnMs", "ms", c.OnMs}, {"OffMs", "ms", c.OffMs}, {"DtMs", "ms", c.DtMs}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("adex: CurrentStep.%s = %v %s is not finite", f.name, f.v, f.unit)
		}
	}
	if c.OnMs < 0 {
		return fmt.Errorf("adex: CurrentStep.OnMs = %g ms must be >= 0", c.OnMs)
	}
	if c.OffMs < c.OnMs {
		return fmt.Errorf("adex: CurrentStep.OffMs (%g ms) must not precede OnMs (%g ms)", c.OffMs, c.OnMs)
	}
	if !(c.DtMs > 0) {
		return fmt.Errorf("adex: CurrentStep.DtMs = %g ms must be > 0", c.DtMs)
	}
	return nil
}

// At returns the current (pA) of the step from sample k to k+1; a
// plain-Go reference uses it to see the same input as the graph.
func (c CurrentStep) At(k int) float64 {
	t := float64(k) * c.DtMs
	if c.OnMs <= t && t < c.OffMs {
		return c.Amp
	}
	return 0
}

// Feed writes the current of the step that leaves sample step; it
// implements graph.Feeder. An invalid CurrentStep or a nil w is an error.
func (c CurrentStep) Feed(step int, w graph.InputWriter) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if w == nil {
		return errors.New("adex: CurrentStep.Feed: nil InputWriter")
	}
	return w.FillInput(c.Input, c.At(step))
}
