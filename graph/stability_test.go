package graph_test

import (
	"errors"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
)

func TestCheckStableDt(t *testing.T) {
	if err := graph.CheckStableDt("x", 1, 1, "why"); err != nil {
		t.Errorf("dt at the bound: %v, want nil", err)
	}
	err := graph.CheckStableDt("x: DtMs", 1.5, 1, "why")
	var ue *graph.UnstableError
	if !errors.As(err, &ue) || ue.DtMs != 1.5 || ue.MaxDtMs != 1 {
		t.Fatalf("dt beyond the bound: %v, want an *UnstableError for 1.5 and 1 ms", err)
	}
	if want := "x: DtMs = 1.5 ms exceeds the stability bound of 1 ms (why)"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestPassUnstable(t *testing.T) {
	unstable := graph.CheckStableDt("x", 2, 1, "why")
	other := errors.New("other")
	strict, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	lax, err := graph.New(graph.WithAllowUnstable())
	if err != nil {
		t.Fatal(err)
	}
	if !lax.AllowsUnstable() || strict.AllowsUnstable() {
		t.Fatalf("AllowsUnstable: lax %v, strict %v", lax.AllowsUnstable(), strict.AllowsUnstable())
	}
	if graph.PassUnstable(strict.Root(), unstable) != unstable {
		t.Error("a strict graph passed an unstable step")
	}
	if err := graph.PassUnstable(lax.Root(), unstable); err != nil {
		t.Errorf("a graph made WithAllowUnstable refused it: %v", err)
	}
	if graph.PassUnstable(lax.Root(), other) != other {
		t.Error("a graph made WithAllowUnstable passed another error")
	}
	if graph.PassUnstable(nil, unstable) != unstable {
		t.Error("a nil builder passed an unstable step")
	}
}

func TestRange(t *testing.T) {
	r := graph.Range{Min: -150, Max: math.Inf(1)}
	for _, tc := range []struct {
		x    float64
		want bool
	}{{-150, true}, {30, true}, {1e300, true}, {-150.01, false}, {math.NaN(), false}, {math.Inf(1), false}, {math.Inf(-1), false}} {
		if got := r.Contains(tc.x); got != tc.want {
			t.Errorf("Contains(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
	if f := graph.Finite(); !f.Contains(-1e308) || f.Contains(math.NaN()) || f.Contains(math.Inf(-1)) {
		t.Error("Finite: wrong")
	}
}
