package sim_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
	"github.com/spikegraph/spikegraph/sim"
)

// firstViolation steps spec's network without a guard and returns the
// first sample, state (in the graph's order) and index at which a state is
// not finite or leaves its range: the reference the guard must match.
func firstViolation(t *testing.T, spec network.Spec, steps int) (sample int, node string, index int, ok bool) {
	t.Helper()
	net, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.New(net.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	states := net.Graph.States()
	for k := 1; k <= steps; k++ {
		if err := net.Feeder.Feed(k-1, s); err != nil {
			t.Fatal(err)
		}
		if err := s.Step(nil); err != nil {
			t.Fatal(err)
		}
		for _, st := range states {
			if st.Name == graph.StepName {
				continue
			}
			vals, err := s.State(st.Name)
			if err != nil {
				t.Fatal(err)
			}
			r, has := net.Ranges[st.Name]
			if !has {
				r = graph.Finite()
			}
			for i, x := range vals {
				if !r.Contains(x) {
					return k, st.Name, i, true
				}
			}
		}
	}
	return 0, "", 0, false
}

// checkGuard runs spec for steps steps WithGuard and requires the
// *DivergedError of the reference's first violation, or no error without
// one; it returns whether the run diverged.
func checkGuard(t *testing.T, spec network.Spec, steps int) bool {
	t.Helper()
	wantSample, wantNode, wantIndex, diverges := firstViolation(t, spec, steps)
	net, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Run(context.Background(), net, steps, sim.WithGuard())
	if !diverges {
		if err != nil {
			t.Errorf("a run that stays in range failed: %v", err)
		}
		return false
	}
	var de *sim.DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a *DivergedError at sample %d, %s[%d]", err, wantSample, wantNode, wantIndex)
	}
	if de.Sample != wantSample || de.Node != wantNode || de.Neuron != wantIndex || de.TimeMs != float64(wantSample)*spec.DtMs {
		t.Errorf("diverged at sample %d (%v ms), %s[%d]; the reference finds sample %d, %s[%d]", de.Sample, de.TimeMs, de.Node, de.Neuron, wantSample, wantNode, wantIndex)
	}
	if res == nil || res.Steps != wantSample-1 {
		t.Errorf("the result holds %v steps, want the %d before the divergence", res, wantSample-1)
	}
	return true
}

func scenarioSpec(t *testing.T, name string, o network.Options) network.Spec {
	t.Helper()
	return build(t, name, o).Network.Spec
}

// TestGuardStopsDivergence: the divergent runs, allowed past the
// dt bound, stop at the first step the reference finds out of range.
func TestGuardStopsDivergence(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		o    network.Options
		ms   float64
	}{
		{"single", network.Options{DtMs: 5, AllowUnstable: true}, 1000},
		{"single", network.Options{DtMs: 100, AllowUnstable: true}, 1000},
		{"uncoupled", network.Options{DtMs: 9.99, AllowUnstable: true, N: 200}, 999},
	} {
		spec := scenarioSpec(t, tc.name, tc.o)
		if !checkGuard(t, spec, int(math.Round(tc.ms/tc.o.DtMs))) {
			t.Errorf("%s at dt %v: no divergence found", tc.name, tc.o.DtMs)
		}
	}
}

// TestGuardWeightBlowUp: Step 4 with every recurrent weight scaled by 1e3
// drives v far below any reversal potential.
func TestGuardWeightBlowUp(t *testing.T) {
	t.Parallel()
	spec := scenarioSpec(t, "recurrent", network.Options{N: 200})
	for i := range spec.Projections {
		if spec.Projections[i].Name == "syn_rec" {
			spec.Projections[i].Scale = append(spec.Projections[i].Scale, network.BlockScale{Factor: 1e3})
		}
	}
	if !checkGuard(t, spec, 2000) {
		t.Error("recurrent weights x1e3: no divergence found")
	}
}

// nanFeeder writes NaN into neuron 3 of state before the step from sample
// at.
type nanFeeder struct {
	graph.Feeder
	state string
	n, at int
}

func (f nanFeeder) Feed(step int, w graph.InputWriter) error {
	if err := f.Feeder.Feed(step, w); err != nil {
		return err
	}
	if step != f.at {
		return nil
	}
	s := w.(*session.Session)
	vals, err := s.State(f.state)
	if err != nil {
		return err
	}
	vals[3] = math.NaN()
	return s.SetState(f.state, vals)
}

// TestGuardFloat32NaN: a NaN put into v on purpose in a float32 run stops
// the run at the step that carries it, naming net/v and neuron 3.
func TestGuardFloat32NaN(t *testing.T) {
	t.Parallel()
	net, err := network.New(network.Recurrent, network.Options{N: 100, Dtype: tensor.Float32})
	if err != nil {
		t.Fatal(err)
	}
	net.Network.Feeder = nanFeeder{Feeder: net.Network.Feeder, state: "net/v", at: 700}
	_, err = sim.Run(context.Background(), net.Network, 2000, sim.WithGuard())
	var de *sim.DivergedError
	if !errors.As(err, &de) || de.Node != "net/v" || de.Sample != 701 || de.Neuron != 3 || !math.IsNaN(de.Value) || de.TimeMs != 350.5 {
		t.Fatalf("err = %v, want a *DivergedError for net/v[3] = NaN at sample 701 (350.5 ms)", err)
	}
}

// TestGuardQuietOnDefaults: no scenario's default run (course and
// notebook) and no panel of the two figures trips the guard, in float64
// and float32.
func TestGuardQuietOnDefaults(t *testing.T) {
	t.Parallel()
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, sc := range network.Scenarios() {
			_, _, err := sim.RunScenario(context.Background(), sc.Name, network.Options{Seed: 1, Dtype: dt}, 1000, sim.WithGuard())
			if err != nil {
				t.Errorf("%s (%v): %v", sc.Name, dt, err)
			}
			if sc.Notebook {
				_, _, err := sim.RunScenario(context.Background(), sc.Name, network.Options{Seed: 1, Dtype: dt, Notebook: true}, 1000, sim.WithGuard())
				if err != nil {
					t.Errorf("%s --notebook (%v): %v", sc.Name, dt, err)
				}
			}
		}
		for _, p := range append(figures.Behaviours(), figures.Classes()...) {
			if _, err := sim.RunPanel(context.Background(), p, dt, sim.WithGuard()); err != nil {
				t.Errorf("panel %s (%v): %v", p.Key, dt, err)
			}
		}
	}
}
