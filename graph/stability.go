package graph

import (
	"errors"
	"fmt"
	"math"
)

// UnstableError reports a time step beyond a model's documented stability
// bound (each model's doc comment derives its bound). A model's Validate
// returns it; a graph made WithAllowUnstable lets the model's Declare go on
// anyway. Find it with errors.As.
type UnstableError struct {
	What    string  // the component and field, e.g. "izhikevich: Config.DtMs"
	DtMs    float64 // the step asked for (ms)
	MaxDtMs float64 // the largest stable step (ms)
	Why     string  // the bound's origin, in a few words
}

func (e *UnstableError) Error() string {
	return fmt.Sprintf("%s = %g ms exceeds the stability bound of %g ms (%s)", e.What, e.DtMs, e.MaxDtMs, e.Why)
}

// CheckStableDt returns an *UnstableError when dtMs > maxDtMs, else nil.
func CheckStableDt(what string, dtMs, maxDtMs float64, why string) error {
	if dtMs > maxDtMs {
		return &UnstableError{What: what, DtMs: dtMs, MaxDtMs: maxDtMs, Why: why}
	}
	return nil
}

// WithAllowUnstable lets models declare themselves with a time step beyond
// their stability bound (see UnstableError), e.g. to show what goes wrong.
func WithAllowUnstable() Option {
	return func(g *Graph) error {
		g.allowUnstable = true
		return nil
	}
}

// AllowsUnstable reports whether the graph was made WithAllowUnstable
// (false for a nil Graph).
func (g *Graph) AllowsUnstable() bool { return g != nil && g.allowUnstable }

// Range is the documented physical range of a state's values, Min <= x <=
// Max; an infinite end leaves that side open. Every value must also be
// finite.
type Range struct{ Min, Max float64 }

// Bounded reports whether r is not the zero Range (the zero value means
// "no range given").
func (r Range) Bounded() bool { return r != Range{} }

// Finite is the range of a state with no bound but finiteness.
func Finite() Range { return Range{Min: math.Inf(-1), Max: math.Inf(1)} }

// Contains reports whether x is finite and within r.
func (r Range) Contains(x float64) bool {
	return x >= r.Min && x <= r.Max && !math.IsInf(x, 0)
}

// PassUnstable returns err, or nil when err is an *UnstableError and the
// graph that b adds to was made WithAllowUnstable: a model's Declare calls
// it on its Validate's error, so that the bound is checked in one place and
// waived by the graph's owner only.
func PassUnstable(b *Builder, err error) error {
	var ue *UnstableError
	if err != nil && errors.As(err, &ue) && b.Graph().AllowsUnstable() {
		return nil
	}
	return err
}
