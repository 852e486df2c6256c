package adex_test

import (
	"context"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/examples/adex"
	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// trace is a run of a population: v, w and fired for samples 0..T,
// time-first ([T+1][N] flattened), and the spikes as (sample, neuron).
type trace struct {
	n       int
	v, w, f []float64
	spikeAt []int // sample of each spike, in order
	spikeOf []int // neuron of each spike
	samples int
}

// reference runs the package doc's step in plain Go, in the same order of
// operations as Step, over []float64.
func reference(cfg adex.Config, v0, w0 []float64, current adex.CurrentStep, steps int) trace {
	n := cfg.N
	gLDeltaT, invDeltaT, dtOverC, dtOverTauW := cfg.Factors()
	v, w, f := make([]float64, n), make([]float64, n), make([]float64, n)
	for j := 0; j < n; j++ {
		v[j], w[j] = v0[0], w0[0]
		if len(v0) == n {
			v[j] = v0[j]
		}
		if len(w0) == n {
			w[j] = w0[j]
		}
		if v[j] >= cfg.VPeak {
			f[j] = 1
		}
	}
	tr := trace{n: n, samples: steps + 1}
	record := func(k int) {
		tr.v = append(tr.v, v...)
		tr.w = append(tr.w, w...)
		tr.f = append(tr.f, f...)
		for j := 0; j < n; j++ {
			if f[j] != 0 {
				tr.spikeAt = append(tr.spikeAt, k)
				tr.spikeOf = append(tr.spikeOf, j)
			}
		}
	}
	record(0)
	for k := 0; k < steps; k++ {
		in := current.At(k)
		for j := 0; j < n; j++ {
			var vn, wn float64
			if f[j] != 0 {
				vn, wn = cfg.VR, w[j]+cfg.B
			} else {
				vMinusEL := v[j] - cfg.EL
				spike := gLDeltaT * math.Exp((v[j]-cfg.VT)*invDeltaT)
				dv := spike - cfg.GL*vMinusEL - w[j] + in
				vn = v[j] + dtOverC*dv
				dw := cfg.A*vMinusEL - w[j]
				wn = w[j] + dtOverTauW*dw
			}
			f[j] = 0
			if vn >= cfg.VPeak {
				f[j], vn = 1, cfg.VPeak
			}
			v[j], w[j] = vn, wn
		}
		record(k + 1)
	}
	return tr
}

// simulate builds the population under scope "adex" and runs it with a
// session, recording every neuron's v, w and fired.
func simulate(t *testing.T, cfg adex.Config, v0, w0 []float64, current adex.CurrentStep, steps int) trace {
	t.Helper()
	g, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("adex")
	pop, err := adex.Declare(b, cfg, v0, w0)
	if err != nil {
		t.Fatal(err)
	}
	next, err := pop.Step(b, pop.State, b.Input("I", cfg.N))
	if err != nil {
		t.Fatal(err)
	}
	if err := pop.Carry(b, next); err != nil {
		t.Fatal(err)
	}
	s, err := session.New(g, session.WithNaNWatch())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all := make([]int, cfg.N)
	for j := range all {
		all[j] = j
	}
	rv, rw, rf := session.RecordState("adex/v", all), session.RecordState("adex/w", all), session.RecordState("adex/fired", all)
	spikes := session.RecordSpikes("adex/fired", 0)
	if err := s.Steps(context.Background(), steps, current, rv, rw, rf, spikes); err != nil {
		t.Fatal(err)
	}
	tr := trace{n: cfg.N, v: rv.Data, w: rw.Data, f: rf.Data, samples: rv.Samples()}
	for _, e := range spikes.Events {
		tr.spikeAt = append(tr.spikeAt, int(e.Sample))
		tr.spikeOf = append(tr.spikeOf, int(e.Neuron))
	}
	return tr
}

// near reports whether a and b agree within 1e-9 relative to the larger
// magnitude (equal values, zeros included, always agree).
func near(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// compare fails at the first sample and neuron where the graph and the
// reference differ: v and w beyond 1e-9 relative, fired at all.
func compare(t *testing.T, got, want trace) {
	t.Helper()
	if got.samples != want.samples || len(got.v) != len(want.v) {
		t.Fatalf("samples: got=%d (%d values), want=%d (%d values)", got.samples, len(got.v), want.samples, len(want.v))
	}
	for idx := range want.v {
		k, j := idx/want.n, idx%want.n
		if got.f[idx] != want.f[idx] {
			t.Fatalf("sample %d (t = %g ms), neuron %d: fired got=%v, want=%v", k, float64(k)*dtMs, j, got.f[idx], want.f[idx])
		}
		if !near(got.v[idx], want.v[idx]) {
			t.Fatalf("sample %d (t = %g ms), neuron %d: v got=%.17g, want=%.17g", k, float64(k)*dtMs, j, got.v[idx], want.v[idx])
		}
		if !near(got.w[idx], want.w[idx]) {
			t.Fatalf("sample %d (t = %g ms), neuron %d: w got=%.17g, want=%.17g", k, float64(k)*dtMs, j, got.w[idx], want.w[idx])
		}
	}
	if len(got.spikeAt) != len(want.spikeAt) {
		t.Fatalf("spikes: got=%d, want=%d", len(got.spikeAt), len(want.spikeAt))
	}
	for i := range want.spikeAt {
		if got.spikeAt[i] != want.spikeAt[i] || got.spikeOf[i] != want.spikeOf[i] {
			t.Fatalf("spike %d: got=(sample %d, neuron %d), want=(sample %d, neuron %d)",
				i, got.spikeAt[i], got.spikeOf[i], want.spikeAt[i], want.spikeOf[i])
		}
	}
}

// TestExampleMatchesReference runs the Example's protocol through the graph
// and through the plain-Go reference: the printed spike times, intervals and
// final w are the reference's, not only the graph's.
func TestExampleMatchesReference(t *testing.T) {
	t.Parallel()
	cfg, current := protocol()
	steps := int(durationMs / dtMs)
	v0, w0 := []float64{cfg.EL}, []float64{0}
	want := reference(cfg, v0, w0, current, steps)
	compare(t, simulate(t, cfg, v0, w0, current, steps), want)
	// The Example prints these: keep the reference's version in sight.
	if len(want.spikeAt) != 6 || want.spikeAt[0] != 378 || want.spikeAt[5] != 2573 {
		t.Errorf("reference spikes at samples %v, want 6 from 378 to 2573 (the Example's output)", want.spikeAt)
	}
}

// TestReferenceSeveralNeurons checks per-neuron state: neurons that start
// apart (one above the cut-off, so fired at sample 0) and with their own w,
// under a stronger current switched on and off within the run.
func TestReferenceSeveralNeurons(t *testing.T) {
	t.Parallel()
	cfg := adex.NewConfig(adex.RegularSpiking(), 3, dtMs)
	current := adex.CurrentStep{Input: "adex/I", Amp: 1200, OnMs: 5, OffMs: 120, DtMs: dtMs}
	v0, w0 := []float64{-70.6, -55, -30}, []float64{0, 50, 120}
	steps := 1500
	want := reference(cfg, v0, w0, current, steps)
	if want.f[2] != 1 {
		t.Fatal("neuron 2 starts above the cut-off but not as fired")
	}
	compare(t, simulate(t, cfg, v0, w0, current, steps), want)
	if len(want.spikeAt) < 10 {
		t.Fatalf("only %d spikes: the test should exercise resets", len(want.spikeAt))
	}
}
