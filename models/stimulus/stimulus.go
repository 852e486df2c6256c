// Package stimulus describes input protocols as data, and feeds them to a
// session step by step.
//
// # Overview
//
// The course applies its inputs (a current step, Poisson trains) between
// 200 ms and 700 ms: an input acts on the step from sample k to k+1 when
// Start < k*dt < Stop (strict on both sides), with k*dt computed as
// float64(k)*dt, never accumulated.
//
// Current protocols (Izhikevich's figure code uses them all) are a Protocol:
// a base value overridden by segments, each a Step, Pulse or Ramp on an
// interval whose ends are open unless marked closed, the first segment that
// contains t winning, as in an if/elseif chain. A user's own current is
// Samples, from a Go slice or a .npy file (ReadSamplesNPY). CurrentFeeder
// feeds either to a graph input.
//
// # Error handling
//
// Window.Validate and Protocol.Validate reject NaN, infinite values and
// inverted intervals, with errors that name the field; Samples returns an
// error for a step past its end rather than a zero, and WindowFeeder.At one
// for an element that Values cannot give. Nothing here panics on bad input.
//
// # Concurrency
//
// Feeders are read-only values; Feed may run from one goroutine at a time per
// writer.
package stimulus

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
)

// Window is an open time interval (ms).
type Window struct {
	StartMs, StopMs float64
}

// CourseWindow returns the course's window, 200 ms to 700 ms.
func CourseWindow() Window { return Window{StartMs: 200, StopMs: 700} }

// Validate checks the window: no NaN, and StopMs not before StartMs (an
// infinite end is allowed). The error names the field.
func (w Window) Validate() error {
	if math.IsNaN(w.StartMs) {
		return fmt.Errorf("stimulus: Window.StartMs = %v ms is not a number", w.StartMs)
	}
	if math.IsNaN(w.StopMs) {
		return fmt.Errorf("stimulus: Window.StopMs = %v ms is not a number", w.StopMs)
	}
	if w.StopMs < w.StartMs {
		return fmt.Errorf("stimulus: Window.StopMs = %v ms precedes Window.StartMs = %v ms", w.StopMs, w.StartMs)
	}
	return nil
}

// Active reports whether the step from sample k to k+1 lies in the window:
// Start < k*dt < Stop.
func (w Window) Active(k int, dtMs float64) bool {
	t := float64(k) * dtMs
	return w.StartMs < t && t < w.StopMs
}

// WindowFeeder feeds Values into Input on active steps and zeros otherwise.
type WindowFeeder struct {
	Input  string    // the graph input's name
	Values []float64 // one per element (or one for all)
	Window Window
	DtMs   float64
}

// Feed writes the step's value; it implements graph.Feeder.
func (f WindowFeeder) Feed(step int, w graph.InputWriter) error {
	if w == nil {
		return fmt.Errorf("stimulus: WindowFeeder %q: nil InputWriter", f.Input)
	}
	if f.Window.Active(step, f.DtMs) {
		return w.SetInput(f.Input, f.Values)
	}
	return w.FillInput(f.Input, 0)
}

// At returns the value of element i on step k (for plain-Go references):
// Values[i] (or Values[0] when there is one value) inside the window, 0
// outside. An i that Values cannot give (negative, past the end, or any i
// when Values is empty) is an error, inside the window or not.
func (f WindowFeeder) At(k, i int) (float64, error) {
	switch {
	case len(f.Values) == 0:
		return 0, errors.New("stimulus: WindowFeeder.At: WindowFeeder.Values is empty")
	case i < 0 || (len(f.Values) > 1 && i >= len(f.Values)):
		return 0, fmt.Errorf("stimulus: WindowFeeder.At: element %d is outside WindowFeeder.Values (%d values)", i, len(f.Values))
	}
	if !f.Window.Active(k, f.DtMs) {
		return 0, nil
	}
	if len(f.Values) == 1 {
		return f.Values[0], nil
	}
	return f.Values[i], nil
}
