package lif_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/ops"
	"github.com/spikegraph/spikegraph/session"
)

// reference is a plain-Go transcription of the step in the package doc
// ("State and steps"), line for line, over flat []float64 of Batch·N values
// (row-major). It uses the Config's numbers but none of the package's code.
// Alongside the values it carries the tangents dv, dsyn = d(v, syn)/dw of
// each element with respect to that element's own input weight w (forward-
// mode differentiation, with the surrogate h' in place of the Heaviside's
// derivative), for the gradient tests.
type reference struct {
	cfg          lif.Config
	v, syn, z    []float64
	dv, dsyn, dz []float64
	vDec         []float64 // the last step's potential before the reset
}

func newReference(cfg lif.Config, v0, syn0 []float64) *reference {
	size := max(cfg.Batch, 1) * cfg.N
	r := &reference{cfg: cfg}
	for _, p := range []*[]float64{&r.v, &r.syn, &r.z, &r.dv, &r.dsyn, &r.dz, &r.vDec} {
		*p = make([]float64, size)
	}
	fill(r.v, v0, cfg.N)
	fill(r.syn, syn0, cfg.N)
	return r
}

// fill copies init into dst: one value for all, N values per row, or all.
func fill(dst, init []float64, n int) {
	for k := range dst {
		switch len(init) {
		case 1:
			dst[k] = init[0]
		case n:
			dst[k] = init[k%n]
		default:
			dst[k] = init[k]
		}
	}
}

// surrogateDeriv returns psi of the config's surrogate.
func surrogateDeriv(s ops.Surrogate) func(float64) float64 {
	if s == nil {
		s = ops.DefaultSuperSpike()
	}
	return s.DerivAt
}

// step advances from sample k to k+1 with input x (Batch·N values, or N
// shared by every row) and its tangent dx = dx/dw (nil for none).
func (r *reference) step(x, dx []float64) {
	c := r.cfg
	aMem, aSyn := c.DtMs/c.TauMemMs, c.DtMs/c.TauSynMs
	h := surrogateDeriv(c.Surrogate)
	for k := range r.v {
		j := k % c.N
		xk, dxk := x[k%len(x)], 0.0
		if dx != nil {
			dxk = dx[k%len(dx)]
		}
		v, s, dv, ds := r.v[k], r.syn[k], r.dv[k], r.dsyn[k]

		drive, dDrive := s, ds // i
		if c.Mode == lif.ConductanceBased {
			drive = s * (c.E[j] - v) // g*(E - v)
			dDrive = ds*(c.E[j]-v) - s*dv
		}
		vDec := v + aMem*((c.VLeak-v)+drive)
		dvDec := dv + aMem*(-dv+dDrive)
		sDec := s - aSyn*s
		dsDec := ds - aSyn*ds
		z := 0.0
		if vDec >= c.VThresh {
			z = 1
		}
		dz := h(vDec-c.VThresh) * dvDec
		dzr := dz
		if c.DetachReset {
			dzr = 0
		}
		r.vDec[k] = vDec
		r.v[k] = vDec - z*(vDec-c.VReset)
		r.dv[k] = dvDec - dzr*(vDec-c.VReset) - z*dvDec
		r.z[k], r.dz[k] = z, dz
		r.syn[k] = sDec + xk
		r.dsyn[k] = dsDec + dxk
	}
}

// relClose reports whether a and b agree to 1e-9 relative to the larger of
// |a|, |b| and 1. The floor of 1 makes the test absolute (1e-9) near zero,
// where v and i cross 0 and a relative test is ill-conditioned (the same
// rule as models/network's reference test).
func relClose(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// names of the nodes a population declared in scope "p".
const (
	nameV     = "p/v"
	nameFired = "p/fired"
	nameX     = "p/x"
)

func synName(m lif.Mode) string {
	if m == lif.ConductanceBased {
		return "p/g"
	}
	return "p/i"
}

// build declares a population in scope "p" with an input "p/x" of shape
// xShape, one step and the carry.
func build(t testing.TB, cfg lif.Config, v0, syn0 []float64, xShape []int) *graph.Graph {
	t.Helper()
	g, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("p")
	pop, err := lif.Declare(b, cfg, v0, syn0)
	if err != nil {
		t.Fatal(err)
	}
	x := b.Input("x", xShape...)
	next, err := pop.Step(b, pop.State, x)
	if err != nil {
		t.Fatal(err)
	}
	if err := pop.Carry(b, next); err != nil {
		t.Fatal(err)
	}
	return g
}

// inputs draws steps inputs of size values each from a fixed seed: x = 0
// with probability 0.8, else scale[k%N]·U(0, 1), so that neuron j's mean
// synaptic state settles near E[x]·tau_syn/dt = 0.1·scale[j]·tau_syn/dt
// (scale[j] at dt = 0.5 ms, tau_syn = 5 ms). All inputs are >= 0, which keeps g >= 0.
func inputs(steps, size int, scale []float64) [][]float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([][]float64, steps)
	for k := range out {
		out[k] = make([]float64, size)
		for e := range out[k] {
			if rng.Float64() < 0.2 {
				out[k][e] = scale[e%len(scale)] * rng.Float64()
			}
		}
	}
	return out
}

// compare runs the graph and the reference side by side over len(xs) steps
// and returns a description of the first divergence ("" if none) and the
// number of spikes.
func compare(t *testing.T, cfg lif.Config, v0, syn0 []float64, xShape []int, xs [][]float64, tweak func(*lif.Config)) (string, int) {
	t.Helper()
	g := build(t, cfg, v0, syn0, xShape)
	s, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	refCfg := cfg
	if tweak != nil {
		tweak(&refCfg)
	}
	ref := newReference(refCfg, v0, syn0)
	checks := []struct {
		name  string
		ref   *[]float64
		exact bool
	}{{nameV, &ref.v, false}, {synName(cfg.Mode), &ref.syn, false}, {nameFired, &ref.z, true}}
	spikes := 0
	for k := 0; ; k++ {
		for _, c := range checks {
			got, err := s.State(c.name)
			if err != nil {
				t.Fatal(err)
			}
			for e, want := range *c.ref {
				if (c.exact && got[e] != want) || (!c.exact && !relClose(got[e], want)) {
					return fmt.Sprintf("sample %d, %s[%d] (row %d, neuron %d): graph %.17g, reference %.17g",
						k, c.name, e, e/cfg.N, e%cfg.N, got[e], want), spikes
				}
			}
		}
		if k > 0 {
			for _, z := range ref.z {
				spikes += int(z)
			}
		}
		if k == len(xs) {
			return "", spikes
		}
		if err := s.Step(session.Feeds{nameX: xs[k]}); err != nil {
			t.Fatal(err)
		}
		ref.step(xs[k], nil)
	}
}

// referenceCase is a population and its input for the differential tests.
type referenceCase struct {
	name       string
	cfg        lif.Config
	v0, syn0   []float64
	shared     bool      // one input [N] for every batch row
	scale      []float64 // input scale per neuron (see inputs)
	minSpikes  int
	silentFrom int // neurons j >= silentFrom have too little drive to fire
}

// referenceCases covers both modes, the reset policy, a batch with its own
// input per row and a batch sharing one input.
//
// Current-based (Training, dt = 0.5 ms): neuron j's i settles near scale[j]
// on average (see inputs), so scales 0.1-0.3 (a third of the rheobase 1 or
// less) stay silent and scales 1.2-4 fire.
//
// Conductance-based (VogelsAbbott, dt = 0.5 ms): g settles near scale[j];
// with E = 0 mV a neuron fires once g > (v_th - v_leak)/(E - v_th) = 10/50 =
// 0.2, so scales 0.4-1 fire (neuron 5, at 0.25, is left unconstrained). Neurons 6 and 7 have E = -80 mV, below
// v_leak, so their conductance only hyperpolarizes and they never fire.
func referenceCases() []referenceCase {
	cur := lif.Config{Params: lif.Training(), N: 8, DtMs: 0.5, Mode: lif.CurrentBased}
	curScale := []float64{4, 3, 2, 1.5, 1.2, 0.3, 0.2, 0.1}
	cond := lif.Config{Params: lif.VogelsAbbott(), N: 8, DtMs: 0.5, Mode: lif.ConductanceBased,
		E: []float64{0, 0, 0, 0, 0, 0, -80, -80}}
	condScale := []float64{1, 0.8, 0.6, 0.5, 0.4, 0.25, 1, 1}
	detached := cur
	detached.DetachReset = true
	condDetached := cond
	condDetached.DetachReset = true
	batch := cur
	batch.Batch = 3
	condBatch := cond
	condBatch.Batch = 3
	condV0 := []float64{-60, -58, -56, -54, -52, -60, -60, -60} // per neuron, repeated per row
	return []referenceCase{
		{"current", cur, []float64{0}, []float64{0}, false, curScale, 100, 5},
		{"current/detached", detached, []float64{0}, []float64{0}, false, curScale, 100, 5},
		{"current/batch", batch, []float64{0}, []float64{0}, false, curScale, 300, 5},
		{"current/batch/shared-input", batch, []float64{0.5}, []float64{1}, true, curScale, 300, 5},
		{"conductance", cond, []float64{-60}, []float64{0}, false, condScale, 100, 6},
		{"conductance/detached", condDetached, condV0, []float64{0.1}, false, condScale, 100, 6},
		{"conductance/batch", condBatch, condV0, []float64{0}, false, condScale, 300, 6},
		{"conductance/batch/shared-input", condBatch, []float64{-60}, []float64{0}, true, condScale, 300, 6},
	}
}

func (tc referenceCase) inputs(steps int) ([]int, [][]float64) {
	shape := tc.cfg.Shape()
	if tc.shared {
		shape = []int{tc.cfg.N}
	}
	size := 1
	for _, d := range shape {
		size *= d
	}
	return shape, inputs(steps, size, tc.scale)
}

// TestGraphMatchesReference is the differential test: the graph and the
// plain-Go reference agree on v and i or g within 1e-9 relative (floor 1)
// and on fired exactly, sample by sample, for 400 steps (200 ms) of random
// input in both modes, with and without DetachReset (which must not change
// the forward pass), batched and not. Each case must spike (minSpikes, so
// that the reset is exercised) and its weakly driven neurons must stay
// silent (so that the comparison also covers subthreshold decay).
func TestGraphMatchesReference(t *testing.T) {
	t.Parallel()
	const steps = 400
	for _, tc := range referenceCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			shape, xs := tc.inputs(steps)
			diff, spikes := compare(t, tc.cfg, tc.v0, tc.syn0, shape, xs, nil)
			if diff != "" {
				t.Fatalf("first divergence: %s", diff)
			}
			t.Logf("%d spikes in %d steps", spikes, steps)
			if spikes < tc.minSpikes {
				t.Fatalf("%d spikes, want >= %d: the horizon must include resets", spikes, tc.minSpikes)
			}
			// The silent neurons, run through the reference alone.
			ref := newReference(tc.cfg, tc.v0, tc.syn0)
			for k := range xs {
				ref.step(xs[k], nil)
				for e, z := range ref.z {
					if z != 0 && e%tc.cfg.N >= tc.silentFrom {
						t.Fatalf("neuron %d spiked at sample %d; the case wants it silent", e%tc.cfg.N, k+1)
					}
				}
			}
		})
	}
}

// TestCompareNamesFirstDivergence checks that the differential test can fail
// and says where: a reference whose VReset is 1e-3 higher must part from the
// graph at the first reset, which the unchanged reference locates.
func TestCompareNamesFirstDivergence(t *testing.T) {
	t.Parallel()
	tc := referenceCases()[0]
	shape, xs := tc.inputs(400)
	ref := newReference(tc.cfg, tc.v0, tc.syn0)
	first, neuron := -1, -1
	for k := 0; k < len(xs) && first < 0; k++ {
		ref.step(xs[k], nil)
		for e, z := range ref.z {
			if z != 0 {
				first, neuron = k+1, e
				break
			}
		}
	}
	if first < 0 {
		t.Fatal("no spike in the horizon")
	}
	diff, _ := compare(t, tc.cfg, tc.v0, tc.syn0, shape, xs, func(c *lif.Config) { c.VReset += 1e-3 })
	want := fmt.Sprintf("sample %d, %s[%d]", first, nameV, neuron)
	if !strings.HasPrefix(diff, want) {
		t.Fatalf("divergence report %q, want it to start with %q", diff, want)
	}
}
