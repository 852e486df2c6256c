package network_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// withProjections returns the scenario cases whose networks have
// projections (all but single), with opts changed by f.
func withProjections(t testing.TB, f func(o *network.Options)) []scenarioCase {
	var out []scenarioCase
	for _, tc := range scenarioCases(t) {
		if tc.kind == network.Single {
			continue
		}
		f(&tc.opts)
		out = append(out, tc)
	}
	return out
}

// TestPropagationChoice pins the Auto rule (the network alone decides) and
// that the choice is recorded per projection.
func TestPropagationChoice(t *testing.T) {
	// Under Auto, a projection of AutoEventPairs pairs or more is event
	// driven: every projection of the scenarios at their default size but
	// Step 2's 100 x 1; the notebook's runs stay dense (tf.matmul).
	for _, k := range []network.Kind{network.Synaptic, network.Uncoupled, network.Recurrent, network.Ring, network.Izhikevich2003} {
		net, err := network.New(k, network.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := network.Event
		if k == network.Synaptic {
			want = network.Dense
		}
		for _, p := range net.Network.Projections {
			if p.Propagation != want {
				t.Errorf("%v: %s: %v under Auto at the default size, want %v", k, p.Name, p.Propagation, want)
			}
		}
		if k <= network.Recurrent {
			nb, err := network.New(k, network.Options{Seed: 1, Notebook: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range nb.Network.Projections {
				if p.Propagation != network.Dense {
					t.Errorf("%v --notebook: %s: %v under Auto, want dense", k, p.Name, p.Propagation)
				}
			}
		}
		o := network.Options{Seed: 1, N: 200, Propagation: network.Event}
		if k == network.Synaptic {
			o.N = 0
		}
		net, err = network.New(k, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range net.Network.Projections {
			if p.Propagation != network.Event {
				t.Errorf("%v: %s: %v, want the event propagation asked for", k, p.Name, p.Propagation)
			}
		}
	}
	spec := func(engine network.Engine, sparse bool, n int, prop network.Propagation) network.Spec {
		cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
		return network.Spec{DtMs: 0.5, Engine: engine,
			Populations: []network.Population{{Name: "net", Model: izhikevich.Neuron{Config: izhikevich.NewConfig(cells, 0)}}},
			Sources:     []network.Source{network.SpikeTimes{Name: "in", Times: [][]float64{{1}, {2}}}},
			Projections: []network.Projection{{Name: "syn", From: "in", To: "net", Synapse: network.Conductance{TauMs: 10, E: []float64{0}},
				Connect: network.FixedProbability{P: 0.5}, Weights: network.Constant{W: 0.1}, Sparse: sparse, Propagation: prop}},
		}
	}
	cases := []struct {
		name   string
		spec   network.Spec
		want   network.Propagation
		errStr string
	}{
		{"dense small", spec(network.Fused, false, 10, network.Auto), network.Dense, ""},
		{"sparse", spec(network.Fused, true, 10, network.Auto), network.Event, ""},
		{"sparse, fine engine", spec(network.Fine, true, 10, network.Auto), network.Dense, ""},
		{"explicit dense", spec(network.Fused, true, 10, network.Dense), network.Dense, ""},
		{"explicit event, fine engine", spec(network.Fine, false, 10, network.Event), network.Event, ""},
		{"at the size threshold", spec(network.Fused, false, network.AutoEventPairs/2, network.Auto), network.Event, ""},
		{"just below it", spec(network.Fused, false, network.AutoEventPairs/2-1, network.Auto), network.Dense, ""},
		{"unknown", spec(network.Fused, false, 10, 7), 0, "Propagation"},
	}
	for _, tc := range cases {
		net, err := tc.spec.Build()
		if tc.errStr != "" {
			var oe *network.OptionError
			if !errors.As(err, &oe) {
				t.Errorf("%s: err = %v, want an *OptionError", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := net.Projections[0].Propagation; got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, s := range []string{"auto", "dense", "event"} {
		p, err := network.ParsePropagation(s)
		if err != nil || p.String() != s {
			t.Errorf("ParsePropagation(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := network.ParsePropagation("sparse"); err == nil {
		t.Error("ParsePropagation(sparse): no error")
	}
}

// TestEventMatchesDenseStepByStep runs every scenario with projections
// (both dtypes, and the notebook variants) dense and event-driven side by
// side from the start, through the silent lead-in and 50 ms into the input
// window, and requires the spikes to be identical and v and u to agree
// within 1e-9 relative (float64; 1e-3 in float32) at every step: the two
// differ only in the order of the synaptic sums, which a short horizon
// keeps from growing into a different spike.
func TestEventMatchesDenseStepByStep(t *testing.T) {
	for _, tc := range withProjections(t, func(o *network.Options) {}) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			open := func(p network.Propagation) (*session.Session, *network.Net) {
				o := tc.opts
				o.Propagation = p
				return openEngine(t, scenarioCase{tc.name, tc.kind, o}, network.Fused)
			}
			dense, dnet := open(network.Dense)
			event, enet := open(network.Event)
			evOps := 0
			for _, ot := range event.OpTimes() {
				if strings.HasPrefix(ot.Op, "ConductanceEvent") || strings.HasPrefix(ot.Op, "SparseMatVec{Wᵀ") {
					evOps++
				}
			}
			if evOps != len(enet.Network.Projections) {
				t.Fatalf("%d event-driven ops for %d projections", evOps, len(enet.Network.Projections))
			}
			tol := 1e-9
			if tc.opts.Dtype == tensor.Float32 {
				tol = 1e-3
			}
			sc, _ := network.Lookup(tc.kind.String())
			steps := int(math.Round(250 / sc.DefaultDtMs))
			spikes := 0
			for k := 0; k < steps; k++ {
				if err := dnet.Feeder.Feed(k, dense); err != nil {
					t.Fatal(err)
				}
				if err := enet.Feeder.Feed(k, event); err != nil {
					t.Fatal(err)
				}
				if err := dense.Step(nil); err != nil {
					t.Fatal(err)
				}
				if err := event.Step(nil); err != nil {
					t.Fatal(err)
				}
				for _, name := range []string{network.NameFired, network.NameV, network.NameU} {
					a, _ := dense.State(name)
					b, _ := event.State(name)
					for j := range a {
						if name == network.NameFired && a[j] != b[j] || math.Abs(a[j]-b[j]) > tol*math.Max(1, math.Abs(a[j])) {
							t.Fatalf("step %d: %s[%d]: dense %v, event %v", k, name, j, a[j], b[j])
						}
						if name == network.NameFired && a[j] != 0 {
							spikes++
						}
					}
				}
			}
			if spikes == 0 {
				t.Fatal("no spikes: the synapses were never exercised")
			}
		})
	}
}

// TestEventRatesMatchDense runs whole default runs (1000 ms) of every
// scenario with projections at n = 400, dense and event-driven, over 8
// seeds, and requires the mean rates of the excitatory and inhibitory
// neurons to agree within 2 standard errors of their difference over the
// seeds (the two propagations are equal in exact arithmetic; chaotic
// networks then diverge spike by spike, so only the distribution is
// compared).
func TestEventRatesMatchDense(t *testing.T) {
	if testing.Short() {
		t.Skip("whole runs")
	}
	const seeds = 8
	for _, kind := range []network.Kind{network.Synaptic, network.Uncoupled, network.Recurrent, network.Ring, network.Izhikevich2003} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			sc, _ := network.Lookup(kind.String())
			steps := defaultRun(t, kind)
			var diff [2][]float64
			var mean [2][2]float64
			for seed := uint64(1); seed <= seeds; seed++ {
				var r [2][2]float64 // [propagation][exc, inh]
				for i, p := range []network.Propagation{network.Dense, network.Event} {
					o := network.Options{Seed: seed, Propagation: p}
					if sc.MaxN > 0 {
						o.N = 400
					}
					net, err := network.New(kind, o)
					if err != nil {
						t.Fatal(err)
					}
					exc, inh := rates(t, net.Network, steps)
					r[i] = [2]float64{exc, inh}
					mean[i][0] += exc / seeds
					mean[i][1] += inh / seeds
				}
				diff[0] = append(diff[0], r[1][0]-r[0][0])
				diff[1] = append(diff[1], r[1][1]-r[0][1])
			}
			for c, label := range []string{"excitatory", "inhibitory"} {
				if kind == network.Synaptic && c == 1 {
					continue // one excitatory neuron
				}
				m, sd := meanSD(diff[c])
				se := sd / math.Sqrt(seeds)
				t.Logf("%s: dense %.3f Hz, event %.3f Hz, difference %.3f ± %.3f (SE)", label, mean[0][c], mean[1][c], m, se)
				if math.Abs(m) > 2*se && math.Abs(m) > 1e-9 {
					t.Errorf("%s rates: event - dense = %.3f Hz, beyond 2 SE = %.3f", label, m, 2*se)
				}
			}
		})
	}
}
