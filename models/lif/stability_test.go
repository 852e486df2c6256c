package lif_test

import (
	"errors"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/lif"
)

// TestStableDt: half the shorter time constant passes (Training: tau_mem
// 10 ms, tau_syn 5 ms, so 2.5 ms); beyond it Validate and Declare refuse
// with an *graph.UnstableError unless the graph allows it.
func TestStableDt(t *testing.T) {
	t.Parallel()
	c := goodCurrent()
	if got := c.MaxStableDtMs(); got != 2.5 {
		t.Fatalf("MaxStableDtMs = %v, want 2.5", got)
	}
	c.DtMs = 2.5
	if err := c.Validate(); err != nil {
		t.Fatalf("dt = 2.5 ms: %v", err)
	}
	c.DtMs = 3
	var ue *graph.UnstableError
	if err := c.Validate(); !errors.As(err, &ue) || ue.MaxDtMs != 2.5 {
		t.Fatalf("dt = 3 ms: Validate = %v, want an *UnstableError with bound 2.5 ms", err)
	}
	strict, _ := graph.New()
	if _, err := lif.Declare(strict.Scope("net"), c, []float64{0}, []float64{0}); !errors.As(err, &ue) {
		t.Errorf("Declare on a plain graph = %v, want an *UnstableError", err)
	}
	lax, _ := graph.New(graph.WithAllowUnstable())
	if _, err := lif.Declare(lax.Scope("net"), c, []float64{0}, []float64{0}); err != nil {
		t.Errorf("Declare WithAllowUnstable: %v", err)
	}
}
