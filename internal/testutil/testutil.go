// Package testutil holds the helpers that several packages' tests share
// (STYLE.md section 1): it is imported by tests only.
package testutil

import (
	"errors"
	"strings"
	"testing"
)

// NoPanic runs f and returns its error; a panic fails t and comes back as
// an error, so that a table case that panics fails instead of stopping the
// test binary.
func NoPanic(t testing.TB, f func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("panicked: %v", r)
			err = errors.New("panicked")
		}
	}()
	return f()
}

// WantErr fails t unless err starts with pkg + ": " and holds want (the
// name of the field at fault); what names the case in the message.
func WantErr(t testing.TB, pkg, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), pkg+": ") || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: got=%v, want a %s error holding %q", what, err, pkg, want)
	}
}

// Float64s returns a copy of data (a gorgonia value's Data(): a float64
// or float32 slice or scalar) as float64; another type fails t.
func Float64s(t testing.TB, data any) []float64 {
	t.Helper()
	switch d := data.(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case float64:
		return []float64{d}
	case float32:
		return []float64{float64(d)}
	}
	t.Fatalf("testutil: Float64s of a %T", data)
	return nil
}

// Rows is a sink of rows (a session.NodeSink, a sim.TraceSink) that keeps
// a copy of each row and its sample.
type Rows struct {
	Samples []int
	Vals    [][]float64
}

// Sample keeps a copy of values.
func (r *Rows) Sample(sample int, values []float64) error {
	r.Samples = append(r.Samples, sample)
	r.Vals = append(r.Vals, append([]float64(nil), values...))
	return nil
}
