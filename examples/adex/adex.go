package adex

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/ops"
)

// Params are the parameters of one AdEx cell class. Units: mV, ms, pF, nS
// and pA (Brette and Gerstner give b in nA; here it is in pA, so that every
// current has the same unit).
type Params struct {
	C      float64 // membrane capacitance (pF); > 0
	GL     float64 // leak conductance gL (nS); > 0
	EL     float64 // leak reversal potential (mV); finite
	VT     float64 // threshold of the exponential term (mV); below VPeak
	DeltaT float64 // slope factor ΔT (mV); > 0
	TauW   float64 // adaptation time constant τw (ms); > 0
	A      float64 // subthreshold adaptation a (nS); finite
	B      float64 // spike-triggered adaptation increment b (pA); finite
	VR     float64 // reset potential Vr (mV); below VPeak
	VPeak  float64 // spike cut-off (mV); above VT and VR, at most VT + 50 ΔT
}

// RegularSpiking returns the parameters of Brette and Gerstner (2005):
// C = 281 pF, gL = 30 nS, EL = -70.6 mV, VT = -50.4 mV, ΔT = 2 mV,
// τw = 144 ms, a = 4 nS, b = 80.5 pA, Vr = EL, with the cut-off
// Vpeak = VT + 5 ΔT = -40.4 mV of Brian2's example. Under a current step it
// fires tonically with spike-frequency adaptation.
func RegularSpiking() Params {
	p := Params{C: 281, GL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, TauW: 144, A: 4, B: 80.5, VR: -70.6}
	p.VPeak = p.VT + 5*p.DeltaT
	return p
}

// maxExpArg bounds (VPeak - VT)/ΔT, the largest argument of the exponential
// before a spike is cut off, far below float64 overflow (about 709) so that
// one Euler step from below the cut-off stays finite.
const maxExpArg = 50

// Rest returns the initial state (v, w) = (EL, 0). It is the rest state up
// to the exponential term, which shifts the fixed point by
// gL ΔT exp((EL - VT)/ΔT)/(gL + a), about 1e-4 mV for RegularSpiking.
func (p Params) Rest() (v, w float64) { return p.EL, 0 }

// TauM returns the membrane time constant C/gL (ms).
func (p Params) TauM() float64 { return p.C / p.GL }

// Validate reports the first field that is NaN, Inf or out of range.
func (p Params) Validate() error {
	for _, f := range []struct {
		name, unit string
		v          float64
	}{
		{"C", "pF", p.C}, {"GL", "nS", p.GL}, {"EL", "mV", p.EL}, {"VT", "mV", p.VT},
		{"DeltaT", "mV", p.DeltaT}, {"TauW", "ms", p.TauW}, {"A", "nS", p.A},
		{"B", "pA", p.B}, {"VR", "mV", p.VR}, {"VPeak", "mV", p.VPeak},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("adex: Params.%s = %v %s is not finite", f.name, f.v, f.unit)
		}
	}
	for _, f := range []struct {
		name, unit string
		v          float64
	}{{"C", "pF", p.C}, {"GL", "nS", p.GL}, {"DeltaT", "mV", p.DeltaT}, {"TauW", "ms", p.TauW}} {
		if !(f.v > 0) {
			return fmt.Errorf("adex: Params.%s = %g %s must be > 0", f.name, f.v, f.unit)
		}
	}
	if !(p.VPeak > p.VT) {
		return fmt.Errorf("adex: Params.VPeak (%g mV) must exceed Params.VT (%g mV)", p.VPeak, p.VT)
	}
	if !(p.VPeak > p.VR) {
		return fmt.Errorf("adex: Params.VPeak (%g mV) must exceed Params.VR (%g mV), or every reset would spike", p.VPeak, p.VR)
	}
	if (p.VPeak-p.VT)/p.DeltaT > maxExpArg {
		return fmt.Errorf("adex: Params.VPeak (%g mV) must be at most Params.VT + %d Params.DeltaT (%g mV): exp would overflow", p.VPeak, maxExpArg, p.VT+maxExpArg*p.DeltaT)
	}
	return nil
}

// Config describes a population of N identical AdEx neurons.
type Config struct {
	Params
	N    int     // number of neurons; >= 1
	DtMs float64 // Euler time step (ms); > 0 and below both TauM and TauW
	// Surrogate is the spike's surrogate derivative for training; nil means
	// ops.DefaultSuperSpike(). The forward pass does not depend on it.
	Surrogate ops.Surrogate
}

// NewConfig returns a config of n neurons of class p with time step dtMs.
func NewConfig(p Params, n int, dtMs float64) Config {
	return Config{Params: p, N: n, DtMs: dtMs}
}

// Validate checks the config and its params.
func (c Config) Validate() error {
	if err := c.Params.Validate(); err != nil {
		return err
	}
	if c.N < 1 {
		return fmt.Errorf("adex: Config.N = %d must be >= 1", c.N)
	}
	if !(c.DtMs > 0) || math.IsInf(c.DtMs, 0) {
		return fmt.Errorf("adex: Config.DtMs = %v ms must be > 0 and finite", c.DtMs)
	}
	// Forward Euler is unstable on the linear part once dt exceeds a time
	// constant; well before that it is inaccurate.
	if c.DtMs >= c.TauM() || c.DtMs >= c.TauW {
		return fmt.Errorf("adex: Config.DtMs = %g ms must be below TauM = C/GL (%g ms) and TauW (%g ms)", c.DtMs, c.TauM(), c.TauW)
	}
	if err := (ops.Spike{Threshold: c.VPeak, Surrogate: c.surrogate()}).Validate(); err != nil {
		return fmt.Errorf("adex: Config.Surrogate is invalid: %w", err)
	}
	return nil
}

func (c Config) surrogate() ops.Surrogate {
	if c.Surrogate == nil {
		return ops.DefaultSuperSpike()
	}
	return c.Surrogate
}

// State holds the nodes of a population's state variables, each [N].
type State struct {
	V     *graph.Node // membrane potential (mV); VPeak at a spiking sample
	W     *graph.Node // adaptation current (pA)
	Fired *graph.Node // 1 where the neuron spiked at this sample, else 0
}

// Population is a declared population: its config, its state variables and
// the params and constants its steps use. It holds nodes, never values.
type Population struct {
	Config
	State // the state variables, bound by the session
	a, b  *graph.Node
	k     consts
}

// consts are the scalar constants of a step. The products and quotients are
// computed once in Go, since the Builder has no division.
type consts struct {
	gL, eL, vT, vR, vPeak *graph.Node
	gLDeltaT, invDeltaT   *graph.Node // gL·ΔT (pA), 1/ΔT (1/mV)
	dtOverC, dtOverTauW   *graph.Node // dt/C (ms/pF), dt/τw (1)
}

// Factors returns the constants a step multiplies by, as Step computes them:
// gL·ΔT, 1/ΔT, dt/C and dt/τw. A plain-Go reference uses them to repeat the
// step's arithmetic exactly.
func (c Config) Factors() (gLDeltaT, invDeltaT, dtOverC, dtOverTauW float64) {
	return c.GL * c.DeltaT, 1 / c.DeltaT, c.DtMs / c.C, c.DtMs / c.TauW
}

// perNeuron expands vals (one value, or one per neuron) to n values,
// checking that they are finite.
func perNeuron(what, unit string, vals []float64, n int) ([]float64, error) {
	if len(vals) != 1 && len(vals) != n {
		return nil, fmt.Errorf("adex: Declare: %s0 has %d values for %d neurons (want 1 or %d)", what, len(vals), n, n)
	}
	out := make([]float64, n)
	for i := range out {
		x := vals[0]
		if len(vals) == n {
			x = vals[i]
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("adex: Declare: %s0[%d] = %v %s is not finite", what, i, x, unit)
		}
		out[i] = x
	}
	return out, nil
}

// Declare adds a population's state variables ("v", "w", "fired"), params
// ("a", "b": per-neuron copies of Params.A and Params.B) and constants to b's
// scope, starting at v0 (mV) and w0 (pA): one value for every neuron, or one
// per neuron. A neuron that starts at or above VPeak starts as fired.
func Declare(b *graph.Builder, cfg Config, v0, w0 []float64) (*Population, error) {
	if b == nil {
		return nil, errors.New("adex: Declare: nil builder")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := cfg.N
	v, err := perNeuron("v", "mV", v0, n)
	if err != nil {
		return nil, err
	}
	w, err := perNeuron("w", "pA", w0, n)
	if err != nil {
		return nil, err
	}
	fired := make([]float64, n)
	for i, vi := range v {
		if vi >= cfg.VPeak {
			fired[i] = 1
		}
	}
	aa, bb := make([]float64, n), make([]float64, n)
	for i := range aa {
		aa[i], bb[i] = cfg.A, cfg.B
	}
	p := &Population{Config: cfg}
	p.V = b.State("v", v, n)
	p.W = b.State("w", w, n)
	p.Fired = b.State("fired", fired, n)
	p.a = b.Param("a", aa, n)
	p.b = b.Param("b", bb, n)
	gLDeltaT, invDeltaT, dtOverC, dtOverTauW := cfg.Factors()
	p.k = consts{
		gL: b.Const("gL", cfg.GL), eL: b.Const("EL", cfg.EL), vT: b.Const("VT", cfg.VT),
		vR: b.Const("VR", cfg.VR), vPeak: b.Const("VPeak", cfg.VPeak),
		gLDeltaT: b.Const("gL_DeltaT", gLDeltaT), invDeltaT: b.Const("inv_DeltaT", invDeltaT),
		dtOverC: b.Const("dt_over_C", dtOverC), dtOverTauW: b.Const("dt_over_TauW", dtOverTauW),
	}
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("adex: declare %q: %w", b.Name(""), err)
	}
	return p, nil
}

// euler returns one Euler step from (v, w) with input current i (nil for
// none), in the order the package doc gives.
func (p *Population) euler(b *graph.Builder, v, w, i *graph.Node) (vE, wE *graph.Node) {
	k := p.k
	vMinusEL := b.Sub(v, k.eL)
	spike := b.Mul(k.gLDeltaT, b.Exp(b.Mul(b.Sub(v, k.vT), k.invDeltaT)))
	dv := b.Sub(b.Sub(spike, b.Mul(k.gL, vMinusEL)), w)
	if i != nil {
		dv = b.Add(dv, i)
	}
	vE = b.Add(v, b.Mul(k.dtOverC, dv))
	dw := b.Sub(b.Mul(p.a, vMinusEL), w)
	wE = b.Add(w, b.Mul(k.dtOverTauW, dw))
	return vE, wE
}

// Step adds one step from state s with input current i (pA, shape [N]; nil
// for none) and returns the next state. It is pure: it only adds nodes to
// b's graph, so calling it T times unrolls T steps.
func (p *Population) Step(b *graph.Builder, s State, i *graph.Node) (State, error) {
	if b == nil {
		return State{}, errors.New("adex: Step: nil builder")
	}
	if p == nil {
		return State{}, errors.New("adex: Step: nil population")
	}
	vE, wE := p.euler(b, s.V, s.W, i)
	v := b.Apply(ops.Where{}, s.Fired, p.k.vR, vE)
	var next State
	next.W = b.Apply(ops.Where{}, s.Fired, b.Add(s.W, p.b), wE)
	next.Fired = b.Apply(ops.Spike{Threshold: p.VPeak, Surrogate: p.surrogate()}, v)
	next.V = b.Apply(ops.Where{}, next.Fired, p.k.vPeak, v)
	if err := b.Err(); err != nil {
		return State{}, fmt.Errorf("adex: step %q: %w", b.Name(""), err)
	}
	return next, nil
}

// Carry pairs the population's state variables with next (Builder.SetNext
// for v, w and fired).
func (p *Population) Carry(b *graph.Builder, next State) error {
	if b == nil {
		return errors.New("adex: Carry: nil builder")
	}
	if p == nil {
		return errors.New("adex: Carry: nil population")
	}
	b.SetNext(p.V, next.V)
	b.SetNext(p.W, next.W)
	b.SetNext(p.Fired, next.Fired)
	if err := b.Err(); err != nil {
		return fmt.Errorf("adex: carry %q: %w", b.Name(""), err)
	}
	return nil
}
