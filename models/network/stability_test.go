package network_test

import (
	"errors"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
)

// TestUnstableDt: the divergence cases are refused by the
// scenario table before anything is built, as an *OptionError for "dt"
// wrapping an *UnstableError; AllowUnstable lets them through, and every
// scenario's default dt is within its bound.
func TestUnstableDt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		dt    float64
		bound float64
	}{{"single", 5, 1}, {"single", 100, 1}, {"uncoupled", 9.99, 1}, {"recurrent", 1.5, 1}} {
		sc, err := network.Lookup(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = sc.Check(network.Options{DtMs: tc.dt})
		var oe *network.OptionError
		var ue *network.UnstableError
		if !errors.As(err, &oe) || oe.Option != "dt" || !errors.As(err, &ue) || ue.MaxDtMs != tc.bound {
			t.Errorf("%s at dt %v: %v, want an *OptionError for dt wrapping an *UnstableError with bound %v ms", tc.name, tc.dt, err, tc.bound)
		}
		if _, err := sc.Check(network.Options{DtMs: tc.dt, AllowUnstable: true}); err != nil {
			t.Errorf("%s at dt %v with AllowUnstable: %v", tc.name, tc.dt, err)
		}
	}
	for _, sc := range network.Scenarios() {
		if sc.DefaultDtMs > sc.MaxStableDtMs() {
			t.Errorf("%s: default dt %v ms beyond its bound %v ms", sc.Name, sc.DefaultDtMs, sc.MaxStableDtMs())
		}
		if _, err := sc.Check(network.Options{}); err != nil {
			t.Errorf("%s with default options: %v", sc.Name, err)
		}
	}
	if got := mustLookup(t, "synaptic").MaxStableDtMs(); got != 1 {
		t.Errorf("synaptic: bound %v ms, want 1 (Izhikevich's, below tau_g/2 = 5)", got)
	}
}

func mustLookup(t *testing.T, name string) network.Scenario {
	t.Helper()
	sc, err := network.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestSpecUnstable: a Spec whose dt is beyond a component's bound fails
// to build unless AllowUnstable is set; the Spec is the notebook's Step 4
// built by the scenario table.
func TestSpecUnstable(t *testing.T) {
	t.Parallel()
	net, err := network.New(network.Uncoupled, network.Options{N: 20, DtMs: 2, AllowUnstable: true})
	if err != nil {
		t.Fatalf("built with AllowUnstable: %v", err)
	}
	spec := net.Network.Spec
	spec.AllowUnstable = false
	var ue *network.UnstableError
	if _, err := spec.Build(); !errors.As(err, &ue) {
		t.Errorf("Build at dt 2 ms without AllowUnstable: %v, want an *UnstableError", err)
	}
}
