package izhikevich

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/ops"
)

// Params are the parameters of one Izhikevich cell class (dimensionless as
// in the paper; with v in mV and t in ms).
type Params struct {
	A float64 // time scale of the recovery variable u (1/ms); finite (> 0 but for the 2004 panels (S) and (T))
	B float64 // sensitivity of u to v; finite
	C float64 // after-spike reset value of v (mV); below the peak
	D float64 // after-spike increment of u; finite
}

// RegularSpiking returns the excitatory regular-spiking class:
// a = 0.02, b = 0.2, c = -65, d = 8 (Izhikevich 2003, Fig. 2).
func RegularSpiking() Params { return Params{A: 0.02, B: 0.2, C: -65, D: 8} }

// FastSpiking returns the inhibitory fast-spiking class used by the course:
// a = 0.1, b = 0.2, c = -65, d = 2 (Rasch 2012, Step 3; Izhikevich 2003 gives
// d = 2 for FS).
func FastSpiking() Params { return Params{A: 0.1, B: 0.2, C: -65, D: 2} }

// DefaultVPeak is the course's spike cut-off (mV).
const DefaultVPeak = 35.0

// RestV and RestU are the rest state the course starts every neuron in.
const (
	RestV = -70.0 // mV
	RestU = -14.0 // b*v = 0.2 * -70
)

// Equation holds the coefficients of the model's two equations,
//
//	dv/dt = K2 v² + K1 v + K0 − u + I
//	du/dt = a (b (v − VU) − KU u)
//
// Standard is Izhikevich (2003), eqs. (1)-(2). Izhikevich's figure code for
// the 2004 behaviours changes it for three panels: Modified2004 for (G)
// class 1 excitability and (L) integrator, Accommodation for (R).
type Equation struct {
	K2 float64 // coefficient of v² (1/(mV·ms)); finite
	K1 float64 // coefficient of v (1/ms); finite
	K0 float64 // constant drive (mV/ms); finite
	VU float64 // the v at which u's drive vanishes when KU = 0 (mV); finite
	KU float64 // weight of u in its own equation: 1, or 0 for accommodation; finite
}

// Standard returns dv/dt = 0.04v² + 5v + 140 − u + I, du/dt = a(bv − u)
// (Izhikevich 2003, eqs. 1-2).
func Standard() Equation { return Equation{K2: 0.04, K1: 5, K0: 140, VU: 0, KU: 1} }

// Modified2004 returns dv/dt = 0.04v² + 4.1v + 108 − u + I, the equation
// Izhikevich's figure1.m uses for (G) class 1 excitable and (L) integrator.
func Modified2004() Equation { return Equation{K2: 0.04, K1: 4.1, K0: 108, VU: 0, KU: 1} }

// Accommodation returns du/dt = a·b·(v + 65), the u equation of panel (R)
// accommodation in figure1.m (u does not decay on its own), with the
// standard v equation.
func Accommodation() Equation { return Equation{K2: 0.04, K1: 5, K0: 140, VU: -65, KU: 0} }

// standardU reports whether u's equation is a(bv − u); the graph then skips
// the VU and KU terms (b(v − 0) − 1·u equals bv − u bit for bit anyway).
func (e Equation) standardU() bool { return e.VU == 0 && e.KU == 1 }

// Validate reports whether every coefficient is finite; the error names
// the coefficient (e.g. "Equation.K1").
func (e Equation) Validate() error { return e.validate("Equation") }

// validate is Validate with the errors naming the fields as what.K2 etc.
func (e Equation) validate(what string) error {
	for _, x := range []struct {
		name string
		v    float64
	}{{"K2", e.K2}, {"K1", e.K1}, {"K0", e.K0}, {"VU", e.VU}, {"KU", e.KU}} {
		if !finite(x.v) {
			return fmt.Errorf("izhikevich: %s.%s = %v is not finite", what, x.name, x.v)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Cells holds per-neuron parameters; all slices have the population's size.
type Cells struct {
	A, B, C, D []float64
}

// Uniform returns n cells of class p; for n <= 0 it returns no cells, which
// Validate rejects.
func Uniform(n int, p Params) Cells {
	if n <= 0 {
		return Cells{}
	}
	c := Cells{A: make([]float64, n), B: make([]float64, n), C: make([]float64, n), D: make([]float64, n)}
	for i := 0; i < n; i++ {
		c.A[i], c.B[i], c.C[i], c.D[i] = p.A, p.B, p.C, p.D
	}
	return c
}

// Set gives neuron i the class p. An index outside every one of the four
// slices is an error, and nothing is changed.
func (c Cells) Set(i int, p Params) error {
	if i < 0 || i >= len(c.A) || i >= len(c.B) || i >= len(c.C) || i >= len(c.D) {
		return fmt.Errorf("izhikevich: Cells.Set: neuron %d is out of range (Cells.A, B, C, D hold %d, %d, %d, %d values)",
			i, len(c.A), len(c.B), len(c.C), len(c.D))
	}
	c.A[i], c.B[i], c.C[i], c.D[i] = p.A, p.B, p.C, p.D
	return nil
}

// Len returns the number of neurons.
func (c Cells) Len() int { return len(c.A) }

// Validate checks sizes and values against the peak vpeak (finite): at
// least one cell, four slices of one length, finite values and every c
// below vpeak. The error names the field and neuron (e.g. "Cells.C[1]").
func (c Cells) Validate(vpeak float64) error { return c.validate("Cells", vpeak) }

// validate is Validate with the errors naming the fields as what.A etc.
func (c Cells) validate(what string, vpeak float64) error {
	if !finite(vpeak) {
		return fmt.Errorf("izhikevich: %s: vpeak = %v mV is not finite", what, vpeak)
	}
	n := len(c.A)
	if n == 0 {
		return fmt.Errorf("izhikevich: %s.A is empty: no cells", what)
	}
	if len(c.B) != n || len(c.C) != n || len(c.D) != n {
		return fmt.Errorf("izhikevich: %[1]s.B, %[1]s.C, %[1]s.D have %[2]d, %[3]d, %[4]d values, want len(%[1]s.A) = %[5]d",
			what, len(c.B), len(c.C), len(c.D), n)
	}
	for i := 0; i < n; i++ {
		for _, x := range []struct {
			name string
			v    float64
		}{{"A", c.A[i]}, {"B", c.B[i]}, {"C", c.C[i]}, {"D", c.D[i]}} {
			if !finite(x.v) {
				return fmt.Errorf("izhikevich: %s.%s[%d] = %v is not finite", what, x.name, i, x.v)
			}
		}
		if c.C[i] >= vpeak {
			return fmt.Errorf("izhikevich: %s.C[%d] = %g mV must be below the peak VPeak = %g mV", what, i, c.C[i], vpeak)
		}
	}
	return nil
}

// Scheme is the order of operations within one step (see the package doc).
type Scheme int

const (
	// Course is the course's scheme: a spiking sample resets without
	// integration.
	Course Scheme = iota
	// NotebookReset is the notebook's cells In [10] and In [12]: reset, then
	// integrate in the same step.
	NotebookReset
	// NotebookHost is the notebook's cells In [13] and In [32]: reset v,
	// integrate, and add d to u on the crossing step.
	NotebookHost
	// Figure is the order of Izhikevich's figure code for the 2003 classes
	// and the 2004 behaviours: v, then u from the new v, then v > vpeak.
	Figure
	// NetM is the order of Izhikevich's 2003 network program net.m: v >= vpeak
	// at the start of a step, reset, then two half-steps of v and one of u.
	NetM
)

// String names the scheme.
func (s Scheme) String() string {
	switch s {
	case Course:
		return "course"
	case NotebookReset:
		return "notebook-reset"
	case NotebookHost:
		return "notebook-host"
	case Figure:
		return "figure"
	case NetM:
		return "net.m"
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// Config describes a population.
type Config struct {
	Cells  Cells
	DtMs   float64 // time step (ms); > 0
	VPeak  float64 // spike cut-off (mV); the stored v of a spiking sample
	Scheme Scheme
	// Eq is the model's equation; nil means Standard().
	Eq *Equation
	// Surrogate is the spike's surrogate derivative for training; nil means
	// ops.DefaultSuperSpike(). The forward pass does not depend on it.
	Surrogate ops.Surrogate
	// Batch is 0 for states of shape [n], or the number of rows of
	// independent copies of the population, states [Batch, n] sharing the
	// cells' a, b, c, d (a batch of trials for training). >= 0.
	Batch int
	// Gradient is the surrogate-gradient policy (see Gradient and the
	// package doc's Gradients section); the zero value, SpikeAtPeak, is
	// the plain surrogate on v − VPeak. The forward pass does not depend
	// on it: every value is the same bit for bit.
	Gradient Gradient
	// VTheta (mV) is the pseudo-threshold the surrogate is centred on
	// under PseudoThreshold and Linearised: finite and at most VPeak
	// (DefaultVTheta, the unstable fixed point at rest). Unused under
	// SpikeAtPeak.
	VTheta float64
	// VLin (mV) is where Linearised takes the tangent of the quadratic
	// term K2 v² + K1 v for the backward pass: finite (DefaultVLin, the
	// rest potential). Used under Linearised only.
	VLin float64
}

// WithLinearisedGradient returns c with the gradient policy that points the
// spike-count gradient the right way (see the package doc): Linearised,
// VTheta = DefaultVTheta, VLin = DefaultVLin and the surrogate
// SuperSpike{Beta: DefaultLinearisedBeta}.
func (c Config) WithLinearisedGradient() Config {
	c.Gradient, c.VTheta, c.VLin = Linearised, DefaultVTheta, DefaultVLin
	c.Surrogate = ops.SuperSpike{Beta: DefaultLinearisedBeta}
	return c
}

// NewConfig returns a course-scheme config with peak DefaultVPeak.
func NewConfig(cells Cells, dtMs float64) Config {
	return Config{Cells: cells, DtMs: dtMs, VPeak: DefaultVPeak, Scheme: Course}
}

// Validate checks the config: DtMs, VPeak, Scheme, Eq, Surrogate and Cells.
// The error names the field (e.g. "Config.DtMs", "Config.Cells.C[2]").
func (c Config) Validate() error {
	if !(c.DtMs > 0) || math.IsInf(c.DtMs, 0) {
		return fmt.Errorf("izhikevich: Config.DtMs = %v ms must be > 0 and finite", c.DtMs)
	}
	if !finite(c.VPeak) {
		return fmt.Errorf("izhikevich: Config.VPeak = %v mV is not finite", c.VPeak)
	}
	if c.Scheme < Course || c.Scheme > NetM {
		return fmt.Errorf("izhikevich: Config.Scheme = %d is unknown", int(c.Scheme))
	}
	if c.Batch < 0 {
		return fmt.Errorf("izhikevich: Config.Batch = %d must be >= 0", c.Batch)
	}
	if n := c.Cells.Len(); c.Batch > 0 && n > 0 && n > math.MaxInt/c.Batch {
		return fmt.Errorf("izhikevich: Config.Batch x neurons = %d x %d overflows", c.Batch, n)
	}
	if err := c.Gradient.validate(); err != nil {
		return err
	}
	if c.Gradient != SpikeAtPeak {
		if !finite(c.VTheta) || !(c.VTheta <= c.VPeak) {
			return fmt.Errorf("izhikevich: Config.VTheta = %v mV must be finite and at most Config.VPeak = %v mV under the %v gradient", c.VTheta, c.VPeak, c.Gradient)
		}
	}
	if c.Gradient == Linearised {
		if !finite(c.VLin) {
			return fmt.Errorf("izhikevich: Config.VLin = %v mV is not finite", c.VLin)
		}
	}
	if err := c.Equation().validate("Config.Eq"); err != nil {
		return err
	}
	if err := (ops.Spike{Threshold: c.VPeak, Surrogate: c.surrogate()}).Validate(); err != nil {
		return fmt.Errorf("izhikevich: Config.Surrogate is invalid: %w", err)
	}
	if err := c.Cells.validate("Config.Cells", c.VPeak); err != nil {
		return err
	}
	return graph.CheckStableDt("izhikevich: Config.DtMs", c.DtMs, MaxStableDtMs, "Euler steps of Izhikevich's model; see MaxStableDtMs")
}

// MaxStableDtMs is the largest time step (ms) of every scheme, checked by
// Config.Validate (a *graph.UnstableError; a graph made
// graph.WithAllowUnstable waives it). It is the largest step Izhikevich's
// own programs use (net.m: 1 ms, in two half-steps for v; his figure
// program: 0.1 to 0.5 ms), and where forward Euler stays stable
// near rest: for dv/dt = f(v) = 0.04v² + 5v + 140 − u + I the step
// v + dt·f(v) is stable where |1 + dt·f'(v)| <= 1, f'(v) = 0.08v + 5, so
// dt <= 2/|0.08v + 5|; at dt = 1 ms that holds for v in [−87.5, −62.5] mV,
// which holds the resting potentials of the presets (−70 mV for regular
// spiking). At 5 ms it holds only within 5 mV of −62.5 mV, and a run of
// the course's single neuron at dt = 5 ms swings to about −225 mV.
const MaxStableDtMs = 1.0

func (c Config) surrogate() ops.Surrogate {
	if c.Surrogate == nil {
		return ops.DefaultSuperSpike()
	}
	return c.Surrogate
}

// Equation returns *Eq, or Standard() when Eq is nil.
func (c Config) Equation() Equation {
	if c.Eq == nil {
		return Standard()
	}
	return *c.Eq
}

// Shape returns the shape of each state variable: [n], or [Batch, n].
func (c Config) Shape() []int {
	if c.Batch > 0 {
		return []int{c.Batch, c.Cells.Len()}
	}
	return []int{c.Cells.Len()}
}

// State holds the nodes of a population's state variables, each of shape
// Config.Shape().
type State struct {
	V     *graph.Node // membrane potential (mV); vpeak at a spiking sample
	U     *graph.Node // recovery variable
	Fired *graph.Node // 1 where the neuron spiked at this sample, else 0
}

// Population is a declared population: its config, the params its steps use
// and its state variables.
type Population struct {
	Config
	State      // the state variables, bound by the session
	a, b, c, d *graph.Node
	k          consts
}

type consts struct{ k2, k1, k0, vu, ku, dt, half, peak, one, slope *graph.Node }

// perNeuron expands vals (one value, one per neuron, or, with rows > 1, one
// per element of the [rows, n] state) to rows·n values, repeating per-neuron
// values for every row and checking that they are finite; name and unit go
// into the error.
func perNeuron(name, unit string, vals []float64, n, rows int) ([]float64, error) {
	switch {
	case len(vals) == 1 || len(vals) == n || rows > 1 && len(vals) == rows*n:
	case rows > 1:
		return nil, fmt.Errorf("izhikevich: Declare: %s has %d values for %d neurons in %d batch rows (want 1, %d or %d)", name, len(vals), n, rows, n, rows*n)
	default:
		return nil, fmt.Errorf("izhikevich: Declare: %s has %d values for %d neurons (want 1 or %d)", name, len(vals), n, n)
	}
	out := make([]float64, rows*n)
	for i := range out {
		x := vals[0]
		switch len(vals) {
		case rows * n:
			x = vals[i]
		case n:
			x = vals[i%n]
		}
		if !finite(x) {
			return nil, fmt.Errorf("izhikevich: Declare: %s[%d] = %v%s is not finite", name, i%len(vals), x, unit)
		}
		out[i] = x
	}
	return out, nil
}

// Declare adds a population's state variables ("v", "u", "fired"), params
// ("a", "b", "c", "d") and constants to b's scope, starting at v0 (mV) and
// u0 (finite; one value each for every neuron, one per neuron (repeated for
// every batch row when Config.Batch > 0), or Batch·n values, row-major). A neuron that starts at or
// above VPeak starts as fired. A nil builder, a bad config and bad initial
// values are errors, and nothing is added.
func Declare(b *graph.Builder, cfg Config, v0, u0 []float64) (*Population, error) {
	if b == nil {
		return nil, errors.New("izhikevich: Declare: nil builder")
	}
	if err := graph.PassUnstable(b, cfg.Validate()); err != nil {
		return nil, err
	}
	n, rows := cfg.Cells.Len(), max(cfg.Batch, 1)
	v, err := perNeuron("v0", " mV", v0, n, rows)
	if err != nil {
		return nil, err
	}
	u, err := perNeuron("u0", "", u0, n, rows)
	if err != nil {
		return nil, err
	}
	fired := make([]float64, len(v))
	for i, vi := range v {
		if vi >= cfg.VPeak {
			fired[i] = 1
		}
	}
	p := &Population{Config: cfg}
	shape := cfg.Shape()
	p.V = b.State("v", v, shape...)
	p.U = b.State("u", u, shape...)
	p.Fired = b.State("fired", fired, shape...)
	p.a = b.Param("a", cfg.Cells.A, n)
	p.b = b.Param("b", cfg.Cells.B, n)
	p.c = b.Param("c", cfg.Cells.C, n)
	p.d = b.Param("d", cfg.Cells.D, n)
	eq := cfg.Equation()
	p.k = consts{k2: b.Const("k2", eq.K2), k1: b.Const("k1", eq.K1), k0: b.Const("k0", eq.K0), dt: b.Const("dt", cfg.DtMs), peak: b.Const("vpeak", cfg.VPeak)}
	if !eq.standardU() {
		p.k.vu, p.k.ku = b.Const("vu", eq.VU), b.Const("ku", eq.KU)
	}
	if cfg.Scheme == NetM {
		p.k.half = b.Const("half_dt", cfg.DtMs/2)
	}
	if cfg.Batch > 0 {
		p.k.one = b.Const("one", 1)
	}
	if cfg.Gradient == Linearised {
		p.k.slope = b.Const("quad_slope", eq.K1+2*eq.K2*cfg.VLin)
	}
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("izhikevich: declare %q: %w", b.Name(""), err)
	}
	return p, nil
}

// euler returns one Euler step from (v, u) with input current i:
// v + dt*((0.04v+5)v + 140 - u + i) and u + dt*(a(bv - u)).
func (p *Population) euler(b *graph.Builder, v, u, i *graph.Node) (vE, uE *graph.Node) {
	dv := b.Sub(b.Add(p.quad(b, v, b.Mul(b.Add(b.Mul(p.k.k2, v), p.k.k1), v)), p.k.k0), u)
	if i != nil {
		dv = b.Add(dv, i)
	}
	vE = b.Add(v, b.Mul(p.k.dt, dv))
	du := b.Mul(p.a, p.uDrive(b, v, u))
	uE = b.Add(u, b.Mul(p.k.dt, du))
	return vE, uE
}

// uDrive returns b v − u, or b (v − VU) − KU u for a non-standard u equation.
func (p *Population) uDrive(b *graph.Builder, v, u *graph.Node) *graph.Node {
	if p.k.vu == nil {
		return b.Sub(b.Mul(p.b, v), u)
	}
	return b.Sub(b.Mul(p.b, b.Sub(v, p.k.vu)), b.Mul(p.k.ku, u))
}

// dvFigure returns K2·(v·v) + K1·v + K0 − u + i, summed left to right as the
// figure code and net.m write 0.04*V^2+5*V+140-u+I.
func (p *Population) dvFigure(b *graph.Builder, v, u, i *graph.Node) *graph.Node {
	dv := b.Sub(b.Add(p.quad(b, v, b.Add(b.Mul(p.k.k2, b.Mul(v, v)), b.Mul(p.k.k1, v))), p.k.k0), u)
	if i != nil {
		dv = b.Add(dv, i)
	}
	return dv
}

func (p *Population) spike(b *graph.Builder, v *graph.Node) *graph.Node {
	z := b.Apply(ops.Spike{Threshold: p.VPeak, Surrogate: p.surrogate(), Strict: p.Scheme == Figure}, v)
	if p.Gradient == SpikeAtPeak {
		return z
	}
	zt := b.Apply(ops.Spike{Threshold: p.VTheta, Surrogate: p.surrogate(), Strict: p.Scheme == Figure}, v)
	return b.Add(b.Apply(ops.StopGradient{}, b.Sub(z, zt)), zt)
}

// where selects x where cond (a 0/1 spike state) is 1, else y. Unbatched,
// it is ops.Where. Batched, x or y may be a per-neuron [n] param, which
// ops.Where does not broadcast, so it is the arithmetic
// f·x + (1 − f)·y with f = StopGradient(cond): the same values bit for bit
// for a 0/1 cond and finite x and y (1·x + 0·y = x), and the same gradient
// as ops.Where (none to cond, cond·grad to x, (1 − cond)·grad to y).
func (p *Population) where(b *graph.Builder, cond, x, y *graph.Node) *graph.Node {
	if p.Batch == 0 {
		return b.Apply(ops.Where{}, cond, x, y)
	}
	f := b.Apply(ops.StopGradient{}, cond)
	return b.Add(b.Mul(f, x), b.Mul(b.Sub(p.k.one, f), y))
}

// quad returns q, the quadratic part K2 v² + K1 v of dv/dt, unchanged
// unless the policy linearises it: then its forward value is q bit for bit
// (SG(q) + (s·v − SG(s·v)) adds an exact 0) and its derivative is the
// constant slope s.
func (p *Population) quad(b *graph.Builder, v, q *graph.Node) *graph.Node {
	if p.k.slope == nil {
		return q
	}
	lin := b.Mul(p.k.slope, v)
	return b.Add(b.Apply(ops.StopGradient{}, q), b.Sub(lin, b.Apply(ops.StopGradient{}, lin)))
}

// Step adds one step from state s with input current i (the state's shape,
// or [n] shared by every batch row; nil for none) and returns the next
// state. It is pure: it only adds nodes to b's graph. A nil
// population or builder, a missing state node and an unknown Scheme are
// errors.
func (p *Population) Step(b *graph.Builder, s State, i *graph.Node) (State, error) {
	if p == nil || b == nil {
		return State{}, errors.New("izhikevich: Step: nil population or builder")
	}
	var next State
	switch p.Scheme {
	case Course:
		vE, uE := p.euler(b, s.V, s.U, i)
		v := p.where(b, s.Fired, p.c, vE)
		next.U = p.where(b, s.Fired, b.Add(s.U, p.d), uE)
		next.Fired = p.spike(b, v)
		next.V = p.where(b, next.Fired, p.k.peak, v)
	case NotebookReset:
		vIn := p.where(b, s.Fired, p.c, s.V)
		uIn := p.where(b, s.Fired, b.Add(s.U, p.d), s.U)
		v, u := p.euler(b, vIn, uIn, i)
		next.U = u
		next.Fired = p.spike(b, v)
		next.V = p.where(b, next.Fired, p.k.peak, v)
	case NotebookHost:
		vIn := p.where(b, s.Fired, p.c, s.V)
		v, u := p.euler(b, vIn, s.U, i)
		next.Fired = p.spike(b, v)
		next.V = p.where(b, next.Fired, p.k.peak, v)
		next.U = p.where(b, next.Fired, b.Add(s.U, p.d), u)
	case Figure:
		vIn := p.where(b, s.Fired, p.c, s.V)
		uIn := p.where(b, s.Fired, b.Add(s.U, p.d), s.U)
		v := b.Add(vIn, b.Mul(p.k.dt, p.dvFigure(b, vIn, uIn, i)))
		next.U = b.Add(uIn, b.Mul(b.Mul(p.k.dt, p.a), p.uDrive(b, v, uIn)))
		next.Fired = p.spike(b, v)
		next.V = p.where(b, next.Fired, p.k.peak, v)
	case NetM:
		vIn := p.where(b, s.Fired, p.c, s.V)
		uIn := p.where(b, s.Fired, b.Add(s.U, p.d), s.U)
		v := b.Add(vIn, b.Mul(p.k.half, p.dvFigure(b, vIn, uIn, i)))
		v = b.Add(v, b.Mul(p.k.half, p.dvFigure(b, v, uIn, i)))
		next.U = b.Add(uIn, b.Mul(b.Mul(p.k.dt, p.a), p.uDrive(b, v, uIn)))
		next.Fired = p.spike(b, v)
		next.V = v
	default:
		return State{}, fmt.Errorf("izhikevich: step %q: Config.Scheme = %d is unknown", b.Name(""), int(p.Scheme))
	}
	if err := b.Err(); err != nil {
		return State{}, fmt.Errorf("izhikevich: step %q (%v): %w", b.Name(""), p.Scheme, err)
	}
	return next, nil
}

// Carry pairs the population's state variables with next (graph.Builder's
// SetNext for v, u and fired).
func (p *Population) Carry(b *graph.Builder, next State) error {
	if p == nil || b == nil {
		return errors.New("izhikevich: Carry: nil population or builder")
	}
	b.SetNext(p.V, next.V)
	b.SetNext(p.U, next.U)
	b.SetNext(p.Fired, next.Fired)
	if err := b.Err(); err != nil {
		return fmt.Errorf("izhikevich: carry %q: %w", b.Name(""), err)
	}
	return nil
}

// fusedScheme maps a Scheme to ops' copy of it.
var fusedScheme = map[Scheme]ops.IzhikevichScheme{
	Course:        ops.IzhikevichCourse,
	NotebookReset: ops.IzhikevichNotebookReset,
	NotebookHost:  ops.IzhikevichNotebookHost,
	Figure:        ops.IzhikevichFigure,
	NetM:          ops.IzhikevichNetM,
}

// FusedOp returns the fused op of the population's step (ops.IzhikevichStep),
// with an input current when input is true.
func (p *Population) FusedOp(input bool) (ops.IzhikevichStep, error) {
	if p == nil {
		return ops.IzhikevichStep{}, errors.New("izhikevich: FusedOp: nil population")
	}
	sch, ok := fusedScheme[p.Scheme]
	if !ok {
		return ops.IzhikevichStep{}, fmt.Errorf("izhikevich: FusedOp: Config.Scheme = %d is unknown", int(p.Scheme))
	}
	eq := p.Equation()
	return ops.IzhikevichStep{Scheme: sch, K2: eq.K2, K1: eq.K1, K0: eq.K0, VU: eq.VU, KU: eq.KU, StandardU: eq.standardU(),
		DtMs: p.DtMs, VPeak: p.VPeak, Input: input}, nil
}

// FusedStep adds the same step as Step as one fused, forward-only op
// (ops.IzhikevichStep, whose loop computes Step's operations in Step's
// order, so the same bits) and three views of its packed output, and
// returns the next state. Use it to simulate; differentiate the graph of
// Step. A nil population or builder, a state of a shape other than [n] and
// an unknown Scheme are errors.
func (p *Population) FusedStep(b *graph.Builder, s State, i *graph.Node) (State, error) {
	if p == nil || b == nil {
		return State{}, errors.New("izhikevich: FusedStep: nil population or builder")
	}
	if p.Batch > 0 {
		return State{}, fmt.Errorf("izhikevich: fused step %q: Config.Batch = %d: the fused op takes unbatched populations (use Step)", b.Name(""), p.Batch)
	}
	op, err := p.FusedOp(i != nil)
	if err != nil {
		return State{}, err
	}
	n := p.Cells.Len()
	in := []*graph.Node{s.V, s.U, s.Fired, p.a, p.b, p.c, p.d}
	if i != nil {
		in = append(in, i)
	}
	packed := b.Apply(op, in...)
	next := State{
		V:     b.Apply(ops.Part{Offset: 0, Len: n}, packed),
		U:     b.Apply(ops.Part{Offset: n, Len: n}, packed),
		Fired: b.Apply(ops.Part{Offset: 2 * n, Len: n}, packed),
	}
	if err := b.Err(); err != nil {
		return State{}, fmt.Errorf("izhikevich: fused step %q (%v): %w", b.Name(""), p.Scheme, err)
	}
	return next, nil
}

// FusedCondStep is FusedStep with the current and decay of event-driven
// conductance synapses inside the population's op (ops.IzhikevichStep
// with CondE). A population of at most 256 distinct cells passes its
// parameters to the op by class (ops.IzhikevichCells): the op then reads
// Config.Cells as constants, not the params "a", "b", "c", "d" (which a
// session refuses to set, as nothing reads them). h holds each neuron's
// conductances [K·n], class-major,
// after this step's spikes (ops.Deliver's output), e the K reversal
// potentials (mV) and decay 1 − dt/τ_g. It returns the next state and the
// decayed conductances. The current Σ_k e_k h_k − (Σ_k h_k) v, with v at
// sample k, is added after i (nil for none). It takes the course scheme
// with the standard u equation only (CondStep reports whether the
// population has it); a nil population or builder, an empty e and a
// population of another scheme are errors.
func (p *Population) FusedCondStep(b *graph.Builder, s State, i, h *graph.Node, e []float64, decay float64) (State, *graph.Node, error) {
	if p == nil || b == nil || h == nil {
		return State{}, nil, errors.New("izhikevich: FusedCondStep: nil population, builder or conductances")
	}
	if !p.CondStep() {
		return State{}, nil, fmt.Errorf("izhikevich: FusedCondStep: scheme %v with equation %v: only the course scheme with the standard u equation computes conductances in its op", p.Scheme, p.Equation())
	}
	if len(e) == 0 {
		return State{}, nil, errors.New("izhikevich: FusedCondStep: no reversal potentials")
	}
	op, err := p.FusedOp(i != nil)
	if err != nil {
		return State{}, nil, err
	}
	op.CondE, op.CondDecay = append([]float64(nil), e...), decay
	n := p.Cells.Len()
	in := []*graph.Node{s.V, s.U, s.Fired, p.a, p.b, p.c, p.d}
	// At most 256 distinct cells (the course has two) go into the op by
	// class: a byte per neuron instead of four params to read each step.
	if cells, ok := ops.CellsOf(p.Cells.A, p.Cells.B, p.Cells.C, p.Cells.D); ok {
		op.Cells, in = cells, in[:3]
	}
	if i != nil {
		in = append(in, i)
	}
	packed := b.Apply(op, append(in, h)...)
	next := State{
		V:     b.Apply(ops.Part{Offset: 0, Len: n}, packed),
		U:     b.Apply(ops.Part{Offset: n, Len: n}, packed),
		Fired: b.Apply(ops.Part{Offset: 2 * n, Len: n}, packed),
	}
	hNext := b.Apply(ops.Part{Offset: 3 * n, Len: len(e) * n}, packed)
	if err := b.Err(); err != nil {
		return State{}, nil, fmt.Errorf("izhikevich: fused conductance step %q (%v): %w", b.Name(""), p.Scheme, err)
	}
	return next, hNext, nil
}

// CondStep reports whether FusedCondStep takes the population: the course
// scheme with the standard u equation, unbatched.
func (p *Population) CondStep() bool {
	return p != nil && p.Batch == 0 && p.Scheme == Course && p.Equation().standardU()
}
