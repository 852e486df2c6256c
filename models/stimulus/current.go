package stimulus

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/spikegraph/spikegraph/graph"
)

// Current is an input current given per step, as data.
type Current interface {
	// Value returns the current on the step from sample k to k+1 (at time
	// t = k*dt), or an error where it has none.
	Value(k int, dtMs float64) (float64, error)
}

// Segment is one piece of a Protocol: between FromMs and ToMs (each end open
// unless FromClosed or ToClosed), the current is Amp + Slope*(t - FromMs).
type Segment struct {
	FromMs, ToMs float64 // the interval (ms); ToMs may be +Inf; FromMs <= ToMs
	FromClosed   bool    // include t = FromMs
	ToClosed     bool    // include t = ToMs
	Amp          float64 // the value at FromMs
	Slope        float64 // change per ms (0 for a step or pulse)
}

// Contains reports whether t lies in the segment's interval.
func (s Segment) Contains(tMs float64) bool {
	after := tMs > s.FromMs || (s.FromClosed && tMs == s.FromMs)
	before := tMs < s.ToMs || (s.ToClosed && tMs == s.ToMs)
	return after && before
}

// At returns Amp + Slope*(t - FromMs) (a segment holds no state).
func (s Segment) At(tMs float64) float64 {
	if s.Slope == 0 {
		return s.Amp
	}
	return s.Amp + s.Slope*(tMs-s.FromMs)
}

// Step returns the segment I = amp for t > atMs: a current switched on after
// atMs and kept on (Izhikevich's figure code: if t > T1, I = amp).
func Step(atMs, amp float64) Segment {
	return Segment{FromMs: atMs, ToMs: math.Inf(1), Amp: amp}
}

// Pulse returns the segment I = amp for fromMs < t < toMs.
func Pulse(fromMs, toMs, amp float64) Segment {
	return Segment{FromMs: fromMs, ToMs: toMs, Amp: amp}
}

// Ramp returns the segment I = amp + slope*(t - fromMs) for fromMs < t < toMs
// (toMs may be +Inf).
func Ramp(fromMs, toMs, amp, slope float64) Segment {
	return Segment{FromMs: fromMs, ToMs: toMs, Amp: amp, Slope: slope}
}

// Protocol is a current protocol: Base, overridden on each segment's
// interval. Where segments overlap, the first one listed wins, as in an
// if/elseif chain.
type Protocol struct {
	Base     float64   // the current outside every segment
	Segments []Segment // in order of precedence
}

// Constant returns the protocol I(t) = i.
func Constant(i float64) Protocol { return Protocol{Base: i} }

// Sequence returns the protocol with base value base and the given segments
// (steps, pulses, ramps, in order of precedence).
func Sequence(base float64, segments ...Segment) Protocol {
	return Protocol{Base: base, Segments: segments}
}

// Validate reports NaN or infinite values and inverted intervals; the
// error names the field (e.g. "Protocol.Segments[1].ToMs").
func (p Protocol) Validate() error {
	if math.IsNaN(p.Base) || math.IsInf(p.Base, 0) {
		return fmt.Errorf("stimulus: Protocol.Base = %v is not finite", p.Base)
	}
	for i, s := range p.Segments {
		switch {
		case math.IsNaN(s.FromMs) || math.IsInf(s.FromMs, 1):
			return fmt.Errorf("stimulus: Protocol.Segments[%d].FromMs = %v ms must be a number below +Inf", i, s.FromMs)
		case math.IsNaN(s.ToMs) || math.IsInf(s.ToMs, -1):
			return fmt.Errorf("stimulus: Protocol.Segments[%d].ToMs = %v ms must be a number above -Inf", i, s.ToMs)
		case s.ToMs < s.FromMs:
			return fmt.Errorf("stimulus: Protocol.Segments[%d].ToMs = %v ms precedes FromMs = %v ms", i, s.ToMs, s.FromMs)
		case math.IsNaN(s.Amp) || math.IsInf(s.Amp, 0):
			return fmt.Errorf("stimulus: Protocol.Segments[%d].Amp = %v is not finite", i, s.Amp)
		case math.IsNaN(s.Slope) || math.IsInf(s.Slope, 0):
			return fmt.Errorf("stimulus: Protocol.Segments[%d].Slope = %v is not finite", i, s.Slope)
		case s.Slope != 0 && math.IsInf(s.FromMs, 0):
			return fmt.Errorf("stimulus: Protocol.Segments[%d].FromMs = %v ms: a ramp (Slope = %v) needs a finite start", i, s.FromMs, s.Slope)
		}
	}
	return nil
}

// At returns I(t): the first segment containing t, else Base.
func (p Protocol) At(tMs float64) float64 {
	for _, s := range p.Segments {
		if s.Contains(tMs) {
			return s.At(tMs)
		}
	}
	return p.Base
}

// Value returns At(float64(k)*dtMs); t is computed, never accumulated.
func (p Protocol) Value(k int, dtMs float64) (float64, error) {
	return p.At(float64(k) * dtMs), nil
}

// Samples is a user-supplied current, one value per step.
type Samples []float64

// Value returns s[k]; a step past the end is an error, not a silent zero.
func (s Samples) Value(k int, dtMs float64) (float64, error) {
	if k < 0 || k >= len(s) {
		return 0, fmt.Errorf("stimulus: step %d is outside the %d samples of the current", k, len(s))
	}
	return s[k], nil
}

// ReadSamplesNPY reads a one-dimensional float64 or float32 .npy array
// (format version 1, 2 or 3, either byte order) as Samples. A file that is
// not such an array, is empty, is shorter than its header says, or holds NaN
// or infinite values is an error.
func ReadSamplesNPY(r io.Reader) (Samples, error) {
	if r == nil {
		return nil, errors.New("stimulus: read current .npy: nil reader")
	}
	vals, err := readNPY1D(r)
	if err != nil {
		return nil, fmt.Errorf("stimulus: current .npy: %w", err)
	}
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("stimulus: current .npy: sample %d is %v", i, v)
		}
	}
	return Samples(vals), nil
}

// Sample returns the current on steps 0..n-1. A nil c or a negative n is an
// error.
func Sample(c Current, n int, dtMs float64) ([]float64, error) {
	if c == nil {
		return nil, errors.New("stimulus: Sample: nil Current")
	}
	if n < 0 {
		return nil, fmt.Errorf("stimulus: Sample: n = %d steps must be >= 0", n)
	}
	out := make([]float64, n)
	for k := range out {
		v, err := c.Value(k, dtMs)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// CurrentFeeder feeds a Current into Input (every element gets the value).
type CurrentFeeder struct {
	Input   string // the graph input's name
	Current Current
	DtMs    float64
}

// Feed writes step's current; it implements graph.Feeder. A nil Current or
// writer is an error.
func (f CurrentFeeder) Feed(step int, w graph.InputWriter) error {
	if f.Current == nil {
		return fmt.Errorf("stimulus: CurrentFeeder %q: CurrentFeeder.Current is nil", f.Input)
	}
	if w == nil {
		return fmt.Errorf("stimulus: CurrentFeeder %q: nil InputWriter", f.Input)
	}
	v, err := f.Current.Value(step, f.DtMs)
	if err != nil {
		return err
	}
	return w.FillInput(f.Input, v)
}
