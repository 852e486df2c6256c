package lif

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/ops"
)

// Params are the parameters of a population of leaky integrate-and-fire
// neurons. Potentials share one unit (mV, or dimensionless as in Training);
// times are in ms.
type Params struct {
	TauMemMs float64 // membrane time constant τ_mem (ms); finite, > DtMs
	TauSynMs float64 // synaptic current or conductance time constant τ_syn (ms); finite, > DtMs
	VLeak    float64 // leak (resting) potential (units of v); finite
	VThresh  float64 // spike threshold (units of v); finite, > VReset
	VReset   float64 // potential after a spike (units of v); finite, < VThresh
}

// Training returns the dimensionless preset used for surrogate-gradient
// training: τ_mem = 10 ms, τ_syn = 5 ms, v_leak = 0, v_th = 1, v_reset = 0.
// These are the defaults of Norse's LIFParameters (Pehle and Pedersen 2021,
// "Norse - A deep learning library for spiking neural networks",
// doi:10.5281/zenodo.4422025) and the time constants of Zenke's SpyTorch
// tutorials (doi:10.5281/zenodo.3724018). The rheobase current is
// v_th - v_leak = 1.
func Training() Params {
	return Params{TauMemMs: 10, TauSynMs: 5, VLeak: 0, VThresh: 1, VReset: 0}
}

// VogelsAbbott returns the excitatory cell of the conductance-based (COBA)
// network of Vogels and Abbott (2005, J. Neurosci. 25(46):10786-10795), as
// used in benchmark 1 of Brette et al. (2007, J. Comput. Neurosci.
// 23:349-398): τ_mem = 20 ms, excitatory τ_syn = 5 ms, v_leak = v_reset =
// -60 mV, v_th = -50 mV; excitatory synapses reverse at 0 mV (pass E = 0 in
// Config.E). The paper's 5 ms refractory period and its inhibitory channel
// (τ = 10 ms, E = -80 mV) are not part of this package's model. Here g is
// measured in units of the leak conductance.
func VogelsAbbott() Params {
	return Params{TauMemMs: 20, TauSynMs: 5, VLeak: -60, VThresh: -50, VReset: -60}
}

// Validate checks that every field is finite, that both time constants are
// positive and that VReset is below VThresh. It clips nothing.
func (p Params) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"TauMemMs", p.TauMemMs}, {"TauSynMs", p.TauSynMs}, {"VLeak", p.VLeak}, {"VThresh", p.VThresh}, {"VReset", p.VReset}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("lif: Params.%s = %v is not finite", f.name, f.v)
		}
	}
	if !(p.TauMemMs > 0) {
		return fmt.Errorf("lif: Params.TauMemMs = %g ms must be > 0", p.TauMemMs)
	}
	if !(p.TauSynMs > 0) {
		return fmt.Errorf("lif: Params.TauSynMs = %g ms must be > 0", p.TauSynMs)
	}
	if !(p.VReset < p.VThresh) {
		return fmt.Errorf("lif: Params.VReset = %g must be below Params.VThresh = %g", p.VReset, p.VThresh)
	}
	return nil
}

// Rheobase returns the smallest constant current (as R·I, in units of v)
// that makes a current-based neuron fire: VThresh - VLeak.
func (p Params) Rheobase() float64 { return p.VThresh - p.VLeak }

// Mode selects how a population receives its input.
type Mode int

const (
	// CurrentBased gives each neuron a synaptic current i (as R·I, in units
	// of v) that decays with τ_syn; the step's input is added to i.
	CurrentBased Mode = iota
	// ConductanceBased gives each neuron a synaptic conductance g (in units
	// of the leak conductance) that decays with τ_syn and drives v towards
	// the neuron's reversal potential E; the step's input is added to g.
	ConductanceBased
)

// String returns "current" or "conductance".
func (m Mode) String() string {
	switch m {
	case CurrentBased:
		return "current"
	case ConductanceBased:
		return "conductance"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Config describes a population. The zero value is not usable: Validate
// rejects N = 0.
type Config struct {
	Params
	N     int     // number of neurons; >= 1
	Batch int     // 0: states of shape [N]; >= 1: states of shape [Batch, N]
	DtMs  float64 // Euler time step (ms); > 0 and below TauMemMs and TauSynMs
	Mode  Mode    // CurrentBased (the zero value) or ConductanceBased
	// E is the reversal potential of each neuron's conductance (units of
	// v), N finite values, in ConductanceBased mode; it must be empty in
	// CurrentBased mode.
	E []float64
	// DetachReset stops the gradient through the spike in the reset term
	// v_dec - z·(v_dec - v_reset): z enters it through ops.StopGradient, so
	// the reset contributes -z·dv_dec only. The spikes returned in
	// State.Fired keep their surrogate gradient either way, and the forward
	// values do not depend on it.
	DetachReset bool
	// Surrogate is the spike's surrogate derivative; nil means
	// ops.DefaultSuperSpike(). The forward pass does not depend on it.
	Surrogate ops.Surrogate
}

// Validate checks the config: the params, sizes, dt against both time
// constants, the mode, E and the surrogate.
func (c Config) Validate() error {
	if err := c.Params.Validate(); err != nil {
		return err
	}
	if c.N < 1 {
		return fmt.Errorf("lif: Config.N = %d must be >= 1", c.N)
	}
	if c.Batch < 0 {
		return fmt.Errorf("lif: Config.Batch = %d must be >= 0", c.Batch)
	}
	if c.Batch > 0 && c.N > math.MaxInt/c.Batch {
		return fmt.Errorf("lif: Config.Batch x Config.N = %d x %d overflows", c.Batch, c.N)
	}
	if !(c.DtMs > 0) || math.IsInf(c.DtMs, 0) {
		return fmt.Errorf("lif: Config.DtMs = %v ms must be > 0 and finite", c.DtMs)
	}
	if !(c.DtMs < c.TauMemMs) || !(c.DtMs < c.TauSynMs) {
		return fmt.Errorf("lif: Config.DtMs = %g ms must be below TauMemMs = %g ms and TauSynMs = %g ms (the Euler decay factors 1 - dt/tau must be positive)",
			c.DtMs, c.TauMemMs, c.TauSynMs)
	}
	switch c.Mode {
	case CurrentBased:
		if len(c.E) != 0 {
			return fmt.Errorf("lif: Config.E has %d values, but the current-based mode has no reversal potential", len(c.E))
		}
	case ConductanceBased:
		if len(c.E) != c.N {
			return fmt.Errorf("lif: Config.E has %d values, want Config.N = %d", len(c.E), c.N)
		}
		for j, e := range c.E {
			if math.IsNaN(e) || math.IsInf(e, 0) {
				return fmt.Errorf("lif: Config.E[%d] = %v is not finite", j, e)
			}
		}
	default:
		return fmt.Errorf("lif: Config.Mode = %d is unknown", int(c.Mode))
	}
	if c.Surrogate != nil {
		if v, ok := c.Surrogate.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return fmt.Errorf("lif: Config.Surrogate: %w", err)
			}
		}
	}
	return graph.CheckStableDt("lif: Config.DtMs", c.DtMs, c.MaxStableDtMs(), "half the shorter of TauMemMs and TauSynMs; see Config.MaxStableDtMs")
}

// MaxStableDtMs returns the largest time step (ms), half the shorter time
// constant, checked by Validate (a *graph.UnstableError; a graph made
// graph.WithAllowUnstable waives it). Each Euler update is a decay
// x(k+1) = x + (dt/tau)(x_inf − x) with factor 1 − dt/tau, which must be
// positive for a monotone decay (dt < tau, a hard rule); dt <= tau/2 keeps
// it at least 1/2, within 0.11 of the exact exp(−dt/tau), as for the
// conductance synapse (synapse.MaxStableDtMs).
func (c Config) MaxStableDtMs() float64 { return math.Min(c.TauMemMs, c.TauSynMs) / 2 }

// Shape returns the shape of each state variable: [N] or [Batch, N].
func (c Config) Shape() []int {
	if c.Batch > 0 {
		return []int{c.Batch, c.N}
	}
	return []int{c.N}
}

// State holds the nodes of a population's state variables, each of shape
// Config.Shape(). Exactly one of I and G is set, by the mode.
type State struct {
	V     *graph.Node // membrane potential after the reset (VReset at a spiking sample)
	I     *graph.Node // synaptic current (R·I, units of v); CurrentBased only
	G     *graph.Node // synaptic conductance (units of the leak conductance); ConductanceBased only
	Fired *graph.Node // 1 where the neuron spiked at this sample, else 0
}

// Population is a declared population: its config, its state variables and
// the constants its steps use.
type Population struct {
	Config
	State // the state variables, bound by the session
	k     consts
}

type consts struct {
	aMem, aSyn, vLeak, vReset *graph.Node // dt/τ_mem, dt/τ_syn, v_leak, v_reset
	e                         *graph.Node // reversal potentials [N]; ConductanceBased only
}

// ErrInit reports initial values of the wrong length or value.
var ErrInit = errors.New("lif: bad initial state")

// expand returns init as Batch·N values (or N when Batch = 0): one value
// fills everything, N values repeat for every batch row, and Batch·N values
// are taken as they are (row-major).
func (c Config) expand(name string, init []float64) ([]float64, error) {
	rows := max(c.Batch, 1)
	out := make([]float64, rows*c.N)
	switch len(init) {
	case 1:
		for k := range out {
			out[k] = init[0]
		}
	case c.N:
		for r := 0; r < rows; r++ {
			copy(out[r*c.N:], init)
		}
	case rows * c.N:
		copy(out, init)
	default:
		return nil, fmt.Errorf("%w: %s has %d values, want 1, N = %d or Batch·N = %d", ErrInit, name, len(init), c.N, rows*c.N)
	}
	for k, x := range out {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%w: %s[%d] = %v is not finite", ErrInit, name, k, x)
		}
	}
	return out, nil
}

// Declare adds a population's state variables to b's scope: "v", "fired"
// (zeros) and "i" (CurrentBased) or "g" (ConductanceBased), with the
// param "E" and the constants of the step. v0 and syn0 give the initial v
// and i or g: one value for all, N values (repeated for every batch row) or
// Batch·N values, all finite; an initial g must be >= 0.
func Declare(b *graph.Builder, cfg Config, v0, syn0 []float64) (*Population, error) {
	if err := graph.PassUnstable(b, cfg.Validate()); err != nil {
		return nil, err
	}
	v, err := cfg.expand("v0", v0)
	if err != nil {
		return nil, err
	}
	s, err := cfg.expand("syn0", syn0)
	if err != nil {
		return nil, err
	}
	if cfg.Mode == ConductanceBased {
		for k, x := range s {
			if x < 0 {
				return nil, fmt.Errorf("%w: g0[%d] = %g must be >= 0", ErrInit, k, x)
			}
		}
	}
	if b == nil {
		return nil, errors.New("lif: declare: nil builder")
	}
	shape := cfg.Shape()
	p := &Population{Config: cfg}
	p.V = b.State("v", v, shape...)
	if cfg.Mode == ConductanceBased {
		p.G = b.State("g", s, shape...)
		p.k.e = b.Param("E", cfg.E, cfg.N)
	} else {
		p.I = b.State("i", s, shape...)
	}
	p.Fired = b.State("fired", []float64{0}, shape...)
	p.k.aMem = b.Const("dt_over_tau_mem", cfg.DtMs/cfg.TauMemMs)
	p.k.aSyn = b.Const("dt_over_tau_syn", cfg.DtMs/cfg.TauSynMs)
	p.k.vLeak = b.Const("v_leak", cfg.VLeak)
	p.k.vReset = b.Const("v_reset", cfg.VReset)
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("lif: declare %q: %w", b.Name(""), err)
	}
	return p, nil
}

// Step adds one Euler step (the order is in the package doc) from state s
// with input x and returns the next state. x is added to i (CurrentBased) or
// g (ConductanceBased) after the decay; it has the state's shape, or shape
// [N] to give every batch row the same input, or is nil for none. s.Fired
// is not read. Step is pure: it only adds nodes to b's graph.
func (p *Population) Step(b *graph.Builder, s State, x *graph.Node) (State, error) {
	if p == nil || b == nil {
		return State{}, errors.New("lif: step: nil population or builder")
	}
	syn, synName := s.I, "I"
	if p.Mode == ConductanceBased {
		syn, synName = s.G, "G"
	}
	if s.V == nil || syn == nil {
		return State{}, fmt.Errorf("lif: step %q (%v): the state needs V and %s", b.Name(""), p.Mode, synName)
	}
	want := p.Shape()
	for _, n := range []struct {
		name string
		node *graph.Node
	}{{"V", s.V}, {synName, syn}} {
		if !sameShape(n.node.Shape(), want) {
			return State{}, fmt.Errorf("lif: step %q: %s has shape %v, want %v", b.Name(""), n.name, n.node.Shape(), want)
		}
	}
	if x != nil && !sameShape(x.Shape(), want) && !sameShape(x.Shape(), []int{p.N}) {
		shared := ""
		if p.Batch > 0 {
			shared = fmt.Sprintf(" or [%d]", p.N)
		}
		return State{}, fmt.Errorf("lif: step %q: input has shape %v, want %v%s", b.Name(""), x.Shape(), want, shared)
	}

	// Integrate v from (v, i) or (v, g) at sample k.
	drive := syn // i: R·I in units of v
	if p.Mode == ConductanceBased {
		drive = b.Mul(syn, b.Sub(p.k.e, s.V)) // g·(E - v)
	}
	vDec := b.Add(s.V, b.Mul(p.k.aMem, b.Add(b.Sub(p.k.vLeak, s.V), drive)))
	synDec := b.Sub(syn, b.Mul(p.k.aSyn, syn))

	// Threshold and reset, by arithmetic only (so that [N] constants and
	// params broadcast over a batch).
	sur := p.Surrogate
	if sur == nil {
		sur = ops.DefaultSuperSpike()
	}
	z := b.Apply(ops.Spike{Threshold: p.VThresh, Surrogate: sur}, vDec)
	zr := z
	if p.DetachReset {
		zr = b.Apply(ops.StopGradient{}, z)
	}
	var next State
	next.V = b.Sub(vDec, b.Mul(zr, b.Sub(vDec, p.k.vReset)))
	next.Fired = z

	// Input last.
	synNext := synDec
	if x != nil {
		synNext = b.Add(synDec, x)
	}
	if p.Mode == ConductanceBased {
		next.G = synNext
	} else {
		next.I = synNext
	}
	if err := b.Err(); err != nil {
		return State{}, fmt.Errorf("lif: step %q (%v): %w", b.Name(""), p.Mode, err)
	}
	return next, nil
}

// Carry pairs the population's state variables with next (graph.Builder's
// SetNext for v, i or g, and fired).
func (p *Population) Carry(b *graph.Builder, next State) error {
	if p == nil || b == nil {
		return errors.New("lif: carry: nil population or builder")
	}
	b.SetNext(p.V, next.V)
	if p.Mode == ConductanceBased {
		b.SetNext(p.G, next.G)
	} else {
		b.SetNext(p.I, next.I)
	}
	b.SetNext(p.Fired, next.Fired)
	if err := b.Err(); err != nil {
		return fmt.Errorf("lif: carry %q: %w", b.Name(""), err)
	}
	return nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FusedOp returns the fused op of the population's step (ops.LIFStep),
// with an input when input is true.
func (p *Population) FusedOp(input bool) ops.LIFStep {
	return ops.LIFStep{AMem: p.DtMs / p.TauMemMs, ASyn: p.DtMs / p.TauSynMs, VLeak: p.VLeak, VReset: p.VReset, VThresh: p.VThresh,
		Conductance: p.Mode == ConductanceBased, Input: input}
}

// FusedStep adds the same step as Step as one fused, forward-only op
// (ops.LIFStep, whose loop computes Step's operations in Step's order, so
// the same bits) and three views of its packed output, and returns the
// next state. It takes unbatched populations (Batch = 0) and an input of
// shape [N] (or nil). Use it to simulate; differentiate the graph of Step.
func (p *Population) FusedStep(b *graph.Builder, s State, x *graph.Node) (State, error) {
	if p == nil || b == nil {
		return State{}, errors.New("lif: fused step: nil population or builder")
	}
	if p.Batch > 0 {
		return State{}, fmt.Errorf("lif: fused step %q: Config.Batch = %d: the fused op takes unbatched populations (use Step)", b.Name(""), p.Batch)
	}
	syn := s.I
	if p.Mode == ConductanceBased {
		syn = s.G
	}
	if s.V == nil || syn == nil {
		return State{}, fmt.Errorf("lif: fused step %q (%v): the state needs V and its synaptic variable", b.Name(""), p.Mode)
	}
	in := []*graph.Node{s.V, syn}
	if p.Mode == ConductanceBased {
		in = append(in, p.k.e)
	}
	if x != nil {
		in = append(in, x)
	}
	packed := b.Apply(p.FusedOp(x != nil), in...)
	v := b.Apply(ops.Part{Offset: 0, Len: p.N}, packed)
	synNext := b.Apply(ops.Part{Offset: p.N, Len: p.N}, packed)
	next := State{V: v, Fired: b.Apply(ops.Part{Offset: 2 * p.N, Len: p.N}, packed)}
	if p.Mode == ConductanceBased {
		next.G = synNext
	} else {
		next.I = synNext
	}
	if err := b.Err(); err != nil {
		return State{}, fmt.Errorf("lif: fused step %q (%v): %w", b.Name(""), p.Mode, err)
	}
	return next, nil
}
