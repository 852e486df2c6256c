package sim_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/internal/testutil"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
	"github.com/spikegraph/spikegraph/sim"
)

// TestWatchEqualsSession: on the default (fused) engine, the records of
// watched nodes (states, next values, conductances, a projection's current, the Poisson
// spikes, the step counter) every third step equal what the session
// reports for each node after the steps of those samples, bit for bit,
// in float64 and float32.
func TestWatchEqualsSession(t *testing.T) {
	t.Parallel()
	// At n = 300 the input projection is dense (its current "syn_in/I" is
	// a node) and the recurrent one event-driven, merged into the
	// population's op: its conductances are the state "net/g_syn".
	names := []string{"net/v", "net/v:next", "net/u:next", "net/g_syn", "net/g_syn:next", "syn_in/I", "in/spikes", "net/fired:next", "step"}
	const steps, every = 900, 3 // into the input window (200 ms) and spiking
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		o := network.Options{Seed: 3, N: 300, Dtype: dt}
		// The reference: step by step, reading Session.Value.
		net := build(t, "recurrent", o)
		s, err := session.New(net.Graph)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][][]float64{}
		for k := 1; k <= steps; k++ {
			if err := net.Feeder.Feed(k-1, s); err != nil {
				t.Fatal(err)
			}
			if err := s.Step(nil); err != nil {
				t.Fatal(err)
			}
			if k%every == 0 {
				for _, name := range names {
					v, err := s.Value(name)
					if err != nil {
						t.Fatal(err)
					}
					want[name] = append(want[name], testutil.Float64s(t, v.Data()))
				}
			}
		}
		s.Close()
		net = build(t, "recurrent", o)
		var opts []sim.Option
		got := map[string]*testutil.Rows{}
		for _, name := range names {
			got[name] = &testutil.Rows{}
			opts = append(opts, sim.WithWatch(name, every, got[name]))
		}
		if _, err := sim.Run(context.Background(), net.Network, steps, opts...); err != nil {
			t.Fatal(err)
		}
		spiking := false
		for _, name := range names {
			g := got[name]
			if len(g.Vals) != steps/every || g.Samples[0] != every || g.Samples[len(g.Samples)-1] != steps {
				t.Fatalf("%v %s: %d records, samples %d..%d; want %d, %d..%d", dt, name, len(g.Vals), g.Samples[0], g.Samples[len(g.Samples)-1], steps/every, every, steps)
			}
			for i := range g.Vals {
				if !slices.Equal(g.Vals[i], want[name][i]) {
					t.Fatalf("%v %s: record %d (sample %d) differs from Session.Value", dt, name, i, g.Samples[i])
				}
				if name == "net/fired:next" && slices.Contains(g.Vals[i], 1) {
					spiking = true
				}
			}
		}
		if !spiking {
			t.Errorf("%v: no spike watched; the test would not see the spike condition", dt)
		}
	}
}

// TestWatchUnknown: an unknown name is an *UnknownNodeError with the close
// names before any step; a node of the fine graph only (the dense
// conductances syn_rec/g, which the fused engine's event-driven synapses
// replace by per-postsynaptic ones) says so.
func TestWatchUnknown(t *testing.T) {
	t.Parallel()
	net := build(t, "recurrent", network.Options{N: 50})
	_, err := sim.Run(context.Background(), net.Network, 10, sim.WithWatch("net/vv", 1, &testutil.Rows{}))
	var ue *sim.UnknownNodeError
	if !errors.As(err, &ue) || !errors.Is(err, sim.ErrUnknownNode) || ue.FineOnly || !slices.Contains(ue.Close, "net/v") {
		t.Fatalf("err = %v, want an *UnknownNodeError naming net/v as close", err)
	}
	if _, err := sim.NodeShape(net.Graph, "v"); !errors.As(err, &ue) || len(ue.Close) == 0 || ue.Close[0] != "net/v" {
		t.Errorf("NodeShape(v): %v, want net/v first", err)
	}
	if sh, err := sim.NodeShape(net.Graph, "step"); err != nil || len(sh) != 0 {
		t.Errorf("NodeShape(step) = %v, %v; want a scalar", sh, err)
	}
	if sh, err := sim.NodeShape(net.Graph, "net/v:next"); err != nil || !slices.Equal(sh, []int{50}) {
		t.Errorf("NodeShape(net/v:next) = %v, %v; want [50]", sh, err)
	}

	p, err := sim.PlanScenario("recurrent", network.Options{Seed: 1}, 100)
	if err != nil {
		t.Fatal(err)
	}
	fused, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.WatchShape(context.Background(), fused, "syn_rec/g"); !errors.As(err, &ue) || !ue.FineOnly {
		t.Fatalf("syn_rec/g on the fused engine: %v, want FineOnly", err)
	}
	if _, err := p.WatchShape(context.Background(), fused, "syn_rec/nope"); !errors.As(err, &ue) || ue.FineOnly {
		t.Errorf("syn_rec/nope: %v, want unknown, not FineOnly", err)
	}
	p.Options.Engine = network.Fine
	fine, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	if sh, err := p.WatchShape(context.Background(), fine, "syn_rec/g"); err != nil || !slices.Equal(sh, []int{1000}) {
		t.Errorf("syn_rec/g on the fine engine: %v, %v", sh, err)
	}
}
