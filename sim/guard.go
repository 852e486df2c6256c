package sim

import (
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// DivergedError reports a run stopped by its guard (WithGuard): after a
// step, a state held a value that is not finite or lies outside its
// documented physical range (network.Network.Ranges). Find it with
// errors.As; the samples recorded up to the step before stay valid.
type DivergedError struct {
	Node   string      // the state, e.g. "net/v"
	Sample int         // the sample the step produced: the state after step Sample
	TimeMs float64     // Sample·dt
	Neuron int         // the first offending index into the state (row-major)
	Value  float64     // its value
	Range  graph.Range // the state's documented range (graph.Finite() when none)
}

func (e *DivergedError) Error() string {
	what := "is not finite"
	switch {
	case math.IsNaN(e.Value) || math.IsInf(e.Value, 0):
	case e.Value < e.Range.Min:
		what = fmt.Sprintf("is below the state's physical minimum %g", e.Range.Min)
	default:
		what = fmt.Sprintf("is above the state's physical maximum %g", e.Range.Max)
	}
	return fmt.Sprintf("diverged: %s at step %d (t = %s ms): neuron %d = %g %s", e.Node, e.Sample,
		formatG(e.TimeMs), e.Neuron, e.Value, what)
}

// formatG prints a time with 12 significant digits, as spikes.csv does.
func formatG(x float64) string { return fmt.Sprintf("%.12g", x) }

// WithGuard checks every state after every step: each value must be
// finite and within the state's documented physical range
// (network.Network.Ranges: an Izhikevich V >= izhikevich.VMin, spikes in
// [0, 1], conductances >= 0). The first value that is not stops the run
// with a *DivergedError naming the state, the step, its time and the
// first neuron. It is a session.WithStateCheck; one pass over each state
// with two comparisons per value.
func WithGuard() Option {
	return func(c *config) {
		if c.guard {
			c.fail(fmt.Errorf("sim: WithGuard given twice"))
			return
		}
		c.guard = true
	}
}

// guard is the state check of a run made WithGuard.
type guard struct {
	s      *session.Session
	dtMs   float64
	ranges map[string]graph.Range
	lim64  map[string][2]float64
	lim32  map[string][2]float32
}

func newGuard(ranges map[string]graph.Range, dtMs float64) *guard {
	g := &guard{dtMs: dtMs, ranges: ranges, lim64: map[string][2]float64{}, lim32: map[string][2]float32{}}
	for name, r := range ranges {
		g.lim64[name] = [2]float64{max(r.Min, -math.MaxFloat64), min(r.Max, math.MaxFloat64)}
		g.lim32[name] = [2]float32{float32(max(r.Min, -math.MaxFloat32)), float32(min(r.Max, math.MaxFloat32))}
	}
	return g
}

// check is the session.StateCheck: !(lo <= x && x <= hi) is true for NaN,
// for ±Inf (the limits are finite) and outside the range.
func (g *guard) check(name string, v session.View) error {
	if v.F64 != nil {
		lim, ok := g.lim64[name]
		if !ok {
			lim = [2]float64{-math.MaxFloat64, math.MaxFloat64}
		}
		lo, hi := lim[0], lim[1]
		for i, x := range v.F64 {
			if !(x >= lo && x <= hi) {
				return g.fail(name, i, x)
			}
		}
		return nil
	}
	lim, ok := g.lim32[name]
	if !ok {
		lim = [2]float32{-math.MaxFloat32, math.MaxFloat32}
	}
	lo, hi := lim[0], lim[1]
	for i, x := range v.F32 {
		if !(x >= lo && x <= hi) {
			return g.fail(name, i, float64(x))
		}
	}
	return nil
}

func (g *guard) fail(name string, i int, x float64) error {
	r, ok := g.ranges[name]
	if !ok {
		r = graph.Finite()
	}
	k := g.s.Sample()
	return &DivergedError{Node: name, Sample: k, TimeMs: float64(k) * g.dtMs, Neuron: i, Value: x, Range: r}
}
