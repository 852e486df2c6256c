package synapse_test

import (
	"errors"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/synapse"
)

// TestStableDt: tau/2 passes, beyond it Validate and both Declares refuse
// with an *graph.UnstableError unless the graph allows it.
func TestStableDt(t *testing.T) {
	t.Parallel()
	c := ok()
	if got := synapse.MaxStableDtMs(c.TauMs); got != 5 {
		t.Fatalf("MaxStableDtMs(10) = %v, want 5", got)
	}
	c.DtMs = 5
	if err := c.Validate(); err != nil {
		t.Fatalf("dt = tau/2: %v", err)
	}
	c.DtMs = 9.99
	var ue *graph.UnstableError
	if err := c.Validate(); !errors.As(err, &ue) || ue.MaxDtMs != 5 {
		t.Fatalf("dt = 9.99 ms: Validate = %v, want an *UnstableError with bound 5 ms", err)
	}
	strict, _ := graph.New()
	if _, err := synapse.Declare(strict.Scope("a"), c); !errors.As(err, &ue) {
		t.Errorf("Declare on a plain graph = %v, want an *UnstableError", err)
	}
	if _, err := synapse.DeclareEvent(strict.Scope("b"), c); !errors.As(err, &ue) {
		t.Errorf("DeclareEvent on a plain graph = %v, want an *UnstableError", err)
	}
	lax, _ := graph.New(graph.WithAllowUnstable())
	if _, err := synapse.Declare(lax.Scope("a"), c); err != nil {
		t.Errorf("Declare WithAllowUnstable: %v", err)
	}
	if _, err := synapse.DeclareEvent(lax.Scope("b"), c); err != nil {
		t.Errorf("DeclareEvent WithAllowUnstable: %v", err)
	}
}
