package network_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/ops"
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
//
// Float32 runs are compared from a copied state at every step instead
// (TestEventEqualsDenseFromCopiedState): in float32 the rounding of the
// sums (ε = 6e-8) grows through each spike's upswing, where one step
// multiplies a difference in v by up to 1 + dt·(0.08 v + 5), past any
// fixed bound within tens of milliseconds.
func TestEventMatchesDenseStepByStep(t *testing.T) {
	for _, tc := range withProjections(t, func(o *network.Options) {}) {
		if tc.opts.Dtype == tensor.Float32 {
			continue
		}
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
				var merged int // projections merged into one ops.Deliver
				if _, err := fmt.Sscanf(ot.Op, "Deliver{%d sources", &merged); err == nil {
					evOps += merged
				}
			}
			if evOps != len(enet.Network.Projections) {
				t.Fatalf("%d event-driven projections in the ops for %d projections", evOps, len(enet.Network.Projections))
			}
			tol := 1e-9
			if tc.opts.Dtype == tensor.Float32 {
				tol = 1e-3
			}
			sc, _ := network.Lookup(tc.kind.String())
			steps := int(math.Round(250 / sc.DefaultDtMs))
			spikes := 0
			for k := 0; k < steps; k++ {
				feedAndStep(t, k, dense, dnet, event, enet)
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

// TestEventEqualsDenseFromCopiedState checks the event-driven step against
// the dense one over every scenario's whole default run (both dtypes;
// izhikevich2003's current pulses have no state to convert): at
// every step the event-driven session starts from the dense session's
// state, its shared conductances set to what the dense conductances
// amount to per postsynaptic neuron and reversal potential,
// h[k][j] = Σ_proj Σ_{p: E_p = E_k} W[j][p]·g[p], and after the step
// the spikes must be identical, v, u and h' equal to the dense step's
// v, u and W g' within 1e-12 relative in float64 (relative to 1 mV where
// |v| or |u| is smaller). In float32 the bound
// is 1e-5: one step's sums in another order differ by a few float32
// roundings (ε = 6e-8) of terms up to ~100 mV·ms, amplified by
// dt·|∂(dv/dt)/∂v| ≤ 0.5·(0.08·35 + 5) < 4 in one step, so < 1e-5 of
// the values. One step only: no chaos amplifies the rounding.
func TestEventEqualsDenseFromCopiedState(t *testing.T) {
	for _, tc := range withProjections(t, func(o *network.Options) {}) {
		if tc.opts.Notebook {
			continue // the notebook's runs are dense only
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			open := func(p network.Propagation) (*session.Session, *network.Net) {
				o := tc.opts
				o.Propagation = p
				return openEngine(t, scenarioCase{tc.name, tc.kind, o}, network.Fused)
			}
			dense, dnet := open(network.Dense)
			event, enet := open(network.Event)
			tol := 1e-12
			if tc.opts.Dtype == tensor.Float32 {
				tol = 1e-5
			}
			// same compares relative to |a|, or to floor where |a| is
			// smaller (v and u cross zero: 1 mV is their scale).
			same := func(k int, what string, a, b []float64, exact bool, floor float64) {
				t.Helper()
				if len(a) != len(b) {
					t.Fatalf("step %d: %s: %d and %d values", k, what, len(a), len(b))
				}
				for j := range a {
					if exact && a[j] != b[j] || math.Abs(a[j]-b[j]) > tol*math.Max(floor, math.Abs(a[j])) {
						t.Fatalf("step %d: %s[%d]: dense %v, event %v", k, what, j, a[j], b[j])
					}
				}
			}
			shared := sharedStates(t, dnet.Network, enet.Network)
			spikes := 0
			for k := 0; k < defaultRun(t, tc.kind); k++ {
				for _, st := range dnet.Graph.States() {
					if _, isG := shared.g[st.Name]; isG {
						continue
					}
					x, err := dense.State(st.Name)
					if err != nil {
						t.Fatal(err)
					}
					if err := event.SetState(st.Name, x); err != nil {
						t.Fatal(err)
					}
				}
				for name, h := range shared.h(t, dense) {
					if err := event.SetState(name, h); err != nil {
						t.Fatal(err)
					}
				}
				feedAndStep(t, k, dense, dnet, event, enet)
				for _, name := range []string{network.NameFired, network.NameV, network.NameU} {
					a, _ := dense.State(name)
					b, _ := event.State(name)
					same(k, name, a, b, name == network.NameFired, 1)
					if name == network.NameFired {
						for _, x := range a {
							if x != 0 {
								spikes++
							}
						}
					}
				}
				for name, h := range shared.h(t, dense) {
					b, err := event.State(name)
					if err != nil {
						t.Fatal(err)
					}
					same(k, name, h, b, false, 1e-9)
				}
			}
			if spikes == 0 {
				t.Fatal("no spikes: the synapses were never exercised")
			}
		})
	}
}

// shared maps a dense network's conductance states onto an event-driven
// one's merged conductances.
type shared struct {
	g    map[string]bool // the dense conductance states
	proj map[string][]network.BuiltProjection
	k    map[string][]float64 // per merged state: its reversal potentials, in class order
	n    map[string]int
}

// sharedStates finds, for each population of the event-driven network
// with merged conductances (network.NameCondState), the dense
// projections feeding it.
func sharedStates(t *testing.T, dense, event *network.Network) shared {
	t.Helper()
	s := shared{g: map[string]bool{}, proj: map[string][]network.BuiltProjection{}, k: map[string][]float64{}, n: map[string]int{}}
	for _, p := range dense.Projections {
		if p.Conductance == nil {
			continue
		}
		var to string
		for _, q := range dense.Spec.Projections {
			if q.Name == p.Name {
				to = q.To
			}
		}
		name := to + "/" + network.NameCondState
		if _, err := event.Graph.Node(name); err != nil {
			t.Fatalf("%s: no merged conductances %q in the event-driven graph: %v", p.Name, name, err)
		}
		s.g[p.Name+"/g"] = true
		s.proj[name] = append(s.proj[name], p)
		s.n[name] = p.Conductance.NPost
		for _, e := range p.Conductance.E {
			if !slices.Contains(s.k[name], e) {
				s.k[name] = append(s.k[name], e)
			}
		}
	}
	return s
}

// h returns, per merged state, W g summed by reversal potential from the
// dense session's conductances.
func (s shared) h(t *testing.T, dense *session.Session) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	for name, ps := range s.proj {
		n, ks := s.n[name], s.k[name]
		h := make([]float64, len(ks)*n)
		for _, p := range ps {
			g, err := dense.State(p.Name + "/g")
			if err != nil {
				t.Fatal(err)
			}
			c := p.Conductance
			w := c.W
			if w == nil {
				if w, err = c.Sparse.Dense(); err != nil {
					t.Fatal(err)
				}
			}
			for pre, e := range c.E {
				k := slices.Index(ks, e)
				for j := 0; j < n; j++ {
					h[k*n+j] += w[j*c.NPre+pre] * g[pre]
				}
			}
		}
		out[name] = h
	}
	return out
}

// feedAndStep feeds step k to each (session, net) pair and steps it.
func feedAndStep(t *testing.T, k int, pairs ...any) {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		s, net := pairs[i].(*session.Session), pairs[i+1].(*network.Net)
		if err := net.Feeder.Feed(k, s); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < len(pairs); i += 2 {
		if err := pairs[i].(*session.Session).Step(nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDeliverRunsInPlace: in the recurrent network the merged
// conductances are read by ops.Deliver only, so the lean executor lets it
// add the spikes into the state's own buffer (session.InPlacer; its output
// is the state's memory), and Session.Run, which must not advance the
// state, leaves it as it was: a Run in the middle of a run changes
// nothing that the steps after it compute.
func TestDeliverRunsInPlace(t *testing.T) {
	open := func() (*session.Session, *network.Net) {
		return newSession(t, network.Recurrent, network.Options{Seed: 3, N: 300, Propagation: network.Event})
	}
	a, anet := open()
	b, bnet := open()
	var deliver *gorgonia.Node
	for _, n := range a.Graph().ExprGraph().AllNodes() {
		if _, ok := n.Op().(ops.Deliver); ok {
			deliver = n
		}
	}
	if deliver == nil {
		t.Fatal("no Deliver op in the event-driven recurrent network")
	}
	name := "net/" + network.NameCondState
	checked := 0
	for k := 0; k < 800; k++ {
		fired, _ := a.State(network.NameFired)
		if slices.Max(fired) > 0 { // spikes arrive this step: Deliver adds them
			checked++
			h, _ := a.State(name)
			view, _ := a.StateView(name)
			if _, err := a.Run([]string{network.NameV + ":next"}, nil); err != nil {
				t.Fatal(err)
			}
			if after, _ := a.State(name); !slices.Equal(h, after) {
				t.Fatal("Run changed the conductances")
			}
			out, err := a.NodeValue(deliver)
			if err != nil {
				t.Fatal(err)
			}
			if d := out.Data().([]float64); &d[0] != &view.F64[0] {
				t.Fatal("Deliver did not write into the state's buffer")
			}
		}
		feedAndStep(t, k, a, anet, b, bnet)
		for _, st := range []string{network.NameV, name} {
			x, _ := a.State(st)
			y, _ := b.State(st)
			if !slices.Equal(x, y) {
				t.Fatalf("step %d: %s differs after a Run", k, st)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no step with spikes: Run was never checked")
	}
}

// TestFusedCellsRefuseSetParam: the fused recurrent network's population
// op holds its cells' (a, b, c, d) by class, so its params "net/a"... are
// read by no node, and setting one is an error that says why, not a change
// that does nothing; on the fine-grained graph the same call works.
func TestFusedCellsRefuseSetParam(t *testing.T) {
	for _, e := range []network.Engine{network.Fused, network.Fine} {
		net, err := network.New(network.Recurrent, network.Options{Seed: 1, N: 200, Engine: e, Propagation: network.Event})
		if e == network.Fine {
			net, err = network.New(network.Recurrent, network.Options{Seed: 1, N: 200, Engine: e})
		}
		if err != nil {
			t.Fatal(err)
		}
		s, err := session.New(net.Graph)
		if err != nil {
			t.Fatal(err)
		}
		err = s.SetParam("net/a", []float64{0.03})
		if e == network.Fused {
			if err == nil || !strings.Contains(err.Error(), "read by no node") {
				t.Fatalf("fused: SetParam(net/a) = %v, want an error saying no node reads it", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("fine: SetParam(net/a) = %v", err)
		}
	}
}

// TestPopulationUpdatesInPlace: the merged population op of the
// event-driven recurrent network keeps v, u, fired and the conductances
// inside its own output (session.StateUpdater): each state's next value is
// the state's own memory, which stays put from step to step, and the
// values equal the tape machine's, which copies, bit for bit.
func TestPopulationUpdatesInPlace(t *testing.T) {
	open := func(opts ...session.Option) (*session.Session, *network.Net) {
		return newSession(t, network.Recurrent, network.Options{Seed: 2, N: 300, Propagation: network.Event}, opts...)
	}
	lean, lnet := open()
	tape, tnet := open(session.WithTapeMachine())
	names := []string{network.NameV, network.NameU, network.NameFired, "net/" + network.NameCondState}
	first := map[string]*float64{}
	for _, name := range names {
		v, _ := lean.StateView(name)
		first[name] = &v.F64[0]
	}
	for k := 0; k < 700; k++ {
		feedAndStep(t, k, lean, lnet, tape, tnet)
		for _, name := range names {
			v, _ := lean.StateView(name)
			next, err := lean.Fetched(name + ":next")
			if err != nil {
				t.Fatal(err)
			}
			if &v.F64[0] != first[name] || &next.Data().([]float64)[0] != first[name] {
				t.Fatalf("step %d: %s moved, or its next value is not its own memory", k, name)
			}
			a, _ := lean.State(name)
			b, _ := tape.State(name)
			if !slices.Equal(a, b) {
				t.Fatalf("step %d: %s differs from the tape machine's", k, name)
			}
		}
	}
}

// newSession builds kind with o and compiles it with opts.
func newSession(t testing.TB, kind network.Kind, o network.Options, opts ...session.Option) (*session.Session, *network.Net) {
	t.Helper()
	net, err := network.New(kind, o)
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.New(net.Graph, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s, net
}
