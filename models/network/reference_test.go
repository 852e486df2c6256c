package network_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// reference is a plain-Go transcription of the course's equations (the
// issue's "Semantics" section), written apart from the graph: loops over
// []float64 in the order the course states. It takes the drawn network
// (cells, weights, rates) from the Net but none of its graph code.
type reference struct {
	net          *network.Net
	v, u, fired  []float64
	gIn, gRec    []float64
	spikesIn     []float64
	rateNow      []float64
	current      []float64
	vNew, uNew   []float64
	step         int
	currentValue float64
	inputSpikes  int
	firedScratch []float64
}

func newReference(net *network.Net) *reference {
	n := net.N
	r := &reference{net: net, v: make([]float64, n), u: make([]float64, n), fired: make([]float64, n),
		current: make([]float64, n), vNew: make([]float64, n), uNew: make([]float64, n), currentValue: net.Current}
	for i := range r.v {
		r.v[i], r.u[i] = net.V0, net.U0
	}
	if net.Input != nil {
		r.gIn = make([]float64, net.Input.N)
		r.spikesIn = make([]float64, net.Input.N)
		r.rateNow = make([]float64, net.Input.N)
	}
	if net.RecSyn != nil {
		r.gRec = make([]float64, n)
	}
	return r
}

// synapse applies g += pre; I += W(g.*E) - (Wg).*v; g *= 1 - dt/tau.
func synapseStep(w []float64, e []float64, g, pre, v, current []float64, decay float64) {
	nPre := len(g)
	for j := range g {
		g[j] += pre[j]
	}
	for i := range current {
		row := w[i*nPre : (i+1)*nPre]
		we, wg := 0.0, 0.0
		for j, x := range row {
			we += x * (g[j] * e[j])
			wg += x * g[j]
		}
		current[i] += we - wg*v[i]
	}
	for j := range g {
		g[j] *= decay
	}
}

// advance takes the reference from sample k to k+1.
func (r *reference) advance() error {
	net := r.net
	k := r.step
	for i := range r.current {
		r.current[i] = 0
	}
	if net.Kind == network.Single && net.Window.Active(k, net.Options.DtMs) {
		for i := range r.current {
			r.current[i] = r.currentValue
		}
	}
	if net.Input != nil {
		for j := range r.rateNow {
			r.rateNow[j] = 0
			if net.Window.Active(k, net.Options.DtMs) {
				r.rateNow[j] = net.Rates[j]
			}
		}
		if err := net.Input.Spikes(r.spikesIn, k, r.rateNow); err != nil {
			return err
		}
		for _, s := range r.spikesIn {
			r.inputSpikes += int(s)
		}
		synapseStep(net.InputSyn.W, net.InputSyn.E, r.gIn, r.spikesIn, r.v, r.current, 1-net.Options.DtMs/network.TauGMs)
	}
	if net.RecSyn != nil {
		synapseStep(net.RecSyn.W, net.RecSyn.E, r.gRec, r.fired, r.v, r.current, 1-net.Options.DtMs/network.TauGMs)
	}
	c, dt := net.Izh.Cells, net.Options.DtMs
	for i := range r.v {
		v, u := r.v[i], r.u[i]
		if r.fired[i] != 0 {
			r.vNew[i] = c.C[i]
			r.uNew[i] = u + c.D[i]
		} else {
			r.vNew[i] = v + dt*((0.04*v+5)*v+140-u+r.current[i])
			r.uNew[i] = u + dt*(c.A[i]*(c.B[i]*v-u))
		}
	}
	for i := range r.v {
		r.v[i], r.u[i], r.fired[i] = r.vNew[i], r.uNew[i], 0
		if r.v[i] >= 35 {
			r.v[i], r.fired[i] = 35, 1
		}
	}
	r.step++
	return nil
}

// relClose reports whether a and b agree to 1e-9 relative to the larger of
// |a|, |b| and 1. The floor of 1 (1 mV for v, 1 for u and g) is there
// because a relative test is ill-conditioned at zero: v passes through 0 mV
// on every upstroke, and there two results that differ by 3e-12 mV (an ulp
// of the terms summed into the current) differ by 2e-9 "relative". The
// floor makes the test absolute (1e-9) only for |x| < 1.
func relClose(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// compare runs the graph and the reference side by side for steps steps and
// returns a description of the first divergence ("" if none) and the number
// of spikes seen.
func compare(t *testing.T, net *network.Net, steps int, tweak func(*reference)) (string, int) {
	t.Helper()
	s, err := session.New(net.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ref := newReference(net)
	if tweak != nil {
		tweak(ref)
	}
	type pair struct {
		name string
		ref  *[]float64
	}
	checks := []pair{{network.NameV, &ref.v}, {network.NameU, &ref.u}, {network.NameFired, &ref.fired}}
	if net.Input != nil {
		checks = append(checks, pair{network.NameGIn, &ref.gIn})
	}
	if net.RecSyn != nil {
		checks = append(checks, pair{network.NameGRec, &ref.gRec})
	}
	spikes := 0
	ctx := context.Background()
	for k := 0; k <= steps; k++ {
		for _, c := range checks {
			got, err := s.State(c.name)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range *c.ref {
				exact := c.name == network.NameFired
				if (exact && got[i] != want) || (!exact && !relClose(got[i], want)) {
					return fmt.Sprintf("sample %d (t = %g ms), %s[%d]: graph %.17g, reference %.17g",
						k, float64(k)*net.Options.DtMs, c.name, i, got[i], want), spikes
				}
			}
		}
		for _, f := range ref.fired {
			spikes += int(f)
		}
		if k == steps {
			break
		}
		if err := s.Steps(ctx, 1, net.Feeder); err != nil {
			t.Fatal(err)
		}
		if err := ref.advance(); err != nil {
			t.Fatal(err)
		}
	}
	return "", spikes
}

// TestGraphMatchesReference is the differential test of each scenario
// (float64, course semantics): v, u and g agree within 1e-9 (relClose) and
// the spikes exactly, sample by sample, over the whole 1000 ms run, which
// includes the 200-700 ms window and every spike it drives.
//
// For the recurrent network the graph's W·g (gonum BLAS) and the loop's sum
// add the 1000 terms in different orders, so they can differ by an ulp, and
// a chaotic network amplifies any spike that such a difference shifts. At
// the seeds below no spike moved in 1000 ms (checked also at seed 3), so the
// horizon is the whole run; another seed may diverge earlier, and the
// message then names the first sample and neuron that differ.
func TestGraphMatchesReference(t *testing.T) {
	cases := []struct {
		kind    network.Kind
		seed    uint64
		minSpks int
	}{
		{network.Single, 1, 8},
		{network.Synaptic, 1, 5},
		{network.Synaptic, 7, 5},
		{network.Uncoupled, 1, 500},
		{network.Recurrent, 1, 1000},
		{network.Recurrent, 2, 1000},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v/seed=%d", tc.kind, tc.seed), func(t *testing.T) {
			t.Parallel()
			// The reference keeps a conductance per presynaptic train, as the
			// course does: the dense path (event_test.go holds the default
			// event path to it).
			net, err := network.New(tc.kind, network.Options{Seed: tc.seed, Propagation: network.Dense})
			if err != nil {
				t.Fatal(err)
			}
			diff, spikes := compare(t, net, 2000, nil)
			if diff != "" {
				t.Fatalf("first divergence: %s", diff)
			}
			if spikes < tc.minSpks {
				t.Fatalf("only %d spikes: the horizon must include spikes (want >= %d)", spikes, tc.minSpks)
			}
		})
	}
}

// TestCompareNamesFirstDivergence checks that the differential test can fail
// and says where: a reference whose current step is 7.001 instead of 7 must
// part from the graph at the first step of the window, at neuron 0.
func TestCompareNamesFirstDivergence(t *testing.T) {
	net, err := network.New(network.Single, network.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	diff, _ := compare(t, net, 2000, func(r *reference) { r.currentValue = 7.001 })
	// The window opens on the step from k = 401 (200.5 ms): sample 402 is the
	// first that the current changes.
	want := "sample 402 (t = 201 ms), net/v[0]"
	if len(diff) < len(want) || diff[:len(want)] != want {
		t.Fatalf("divergence report %q, want it to start with %q", diff, want)
	}
}
