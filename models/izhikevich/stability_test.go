package izhikevich_test

import (
	"errors"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
)

// TestStableDt: Validate accepts MaxStableDtMs and refuses a step beyond
// it with an *graph.UnstableError; Declare refuses it on a plain graph and
// declares the population on one made WithAllowUnstable.
func TestStableDt(t *testing.T) {
	t.Parallel()
	c := goodConfig()
	c.DtMs = izhikevich.MaxStableDtMs
	if err := c.Validate(); err != nil {
		t.Fatalf("dt = %v ms: %v", c.DtMs, err)
	}
	for _, dt := range []float64{1.01, 5, 100} {
		c.DtMs = dt
		var ue *graph.UnstableError
		if err := c.Validate(); !errors.As(err, &ue) || ue.MaxDtMs != izhikevich.MaxStableDtMs {
			t.Errorf("dt = %v ms: Validate = %v, want an *UnstableError with bound %v", dt, err, izhikevich.MaxStableDtMs)
		}
		strict, _ := graph.New()
		if _, err := izhikevich.Declare(strict.Scope("net"), c, []float64{-70}, []float64{-14}); !errors.As(err, &ue) {
			t.Errorf("dt = %v ms: Declare on a plain graph = %v, want an *UnstableError", dt, err)
		}
		lax, _ := graph.New(graph.WithAllowUnstable())
		if _, err := izhikevich.Declare(lax.Scope("net"), c, []float64{-70}, []float64{-14}); err != nil {
			t.Errorf("dt = %v ms: Declare WithAllowUnstable: %v", dt, err)
		}
	}
}
