package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/models/synapse"
	"github.com/spikegraph/spikegraph/ops"
)

// Reference is a plain-Go, event-driven loop of the same math as the graph
// that Spec's network builds: the fastest honest loop we could write, to
// measure the graph engine against. It reads its network from the Spec (the
// cells, labels, source and projections) and draws the synapses with the
// same generators and seeds as network.Spec.Build, so both engines simulate
// the same network, and the Poisson draws with ops.BernoulliDraw under the
// same keys, so both see the same input spikes.
//
// Where the graph keeps a conductance per presynaptic neuron and multiplies
// by W each step, I = W(g.*E) - (W g).*v, the loop keeps one conductance
// accumulator per postsynaptic neuron and reversal potential, G_E, and adds
// a spiking neuron's outgoing weights into them (its row of W transposed,
// stored by presynaptic neuron). Both decay by 1 - dt/tau each step, so
// G_E = sum over presynaptic j with E_j = E of W_ij g_j, and
//
//	I = sum over E of G_E (E - v)
//
// which equals the graph's current up to the order of the sums (rounding).
// The step from sample k to k+1 follows network.Schedule and the course
// scheme of package izhikevich, line for line:
//
//  1. the Poisson trains spiking at step k (only drawn inside the window)
//     and the neurons spiking at sample k add their weights to G;
//  2. every neuron: I = sum G_E (E - v(k)); if it spiked at k, v = c and
//     u += d, else one Euler step from v(k), u(k) with I; a spike where
//     v(k+1) >= vpeak, stored as vpeak; then G *= 1 - dt/tau.
//
// A neuron spiked at sample k exactly when v(k) >= vpeak (a spiking sample
// stores vpeak, a reset or Euler sample below it lies below), so the loop
// keeps no fired array, only the list of this sample's spikers.
//
// The state is flat float64 slices; a step allocates nothing and touches
// the synapses of the spikes only. A Reference is not safe for concurrent
// use.
type Reference struct {
	n     int
	dtMs  float64
	vpeak float64
	decay float64    // 1 - dt/tau, one for every projection
	e     [2]float64 // the reversal potential of accumulators 0 and 1 (mV)

	// Cells, by class: a neuron's parameters are cls[cls[i]] of the
	// distinct (a, b, c, d) in the population (the course has two).
	cls   []uint8
	class [256]cell
	inh   []bool

	v, u   []float64
	g0, g1 []float64 // the accumulators per postsynaptic neuron

	in      fanout    // Poisson trains -> neurons
	inP     []float64 // spike probability per train inside the window (rate*dt*1e-3, as ops.Bernoulli.Prob)
	inWin   stimulus.Window
	inSeed  uint64
	inStrm  uint64
	rec     fanout // neurons -> neurons
	hasRec  bool
	spikers []int32 // neurons spiking at the current sample

	sample               int
	spikesExc, spikesInh int
	inputSpikes          int
}

type cell struct{ a, b, c, d float64 }

// fanout holds one projection's synapses by presynaptic neuron (CSR of
// W transposed): presynaptic j reaches post[ptr[j]:ptr[j+1]] with weights
// w[ptr[j]:ptr[j+1]], the posts increasing; acc[j] is j's accumulator.
type fanout struct {
	ptr  []int
	post []int32
	w    []float64
	acc  []uint8
}

// ErrUnsupported reports a Spec the reference loop does not implement.
var ErrUnsupported = errors.New("not supported by the reference loop")

// NewReference draws the network of spec (made by Spec, or of its shape:
// one course-scheme Izhikevich population with the standard equation, one
// Poisson source, conductance projections from the source or the
// population to the population with one tau, course order, no delay and
// at most two reversal potentials in all) and returns the loop at sample 0.
// Drawing the synapses of a large network takes seconds; it stops, with
// ctx's error wrapped, when ctx is done. Anything else is an error wrapping
// ErrUnsupported or naming what is wrong.
func NewReference(ctx context.Context, spec network.Spec) (*Reference, error) {
	if len(spec.Populations) != 1 || len(spec.Sources) != 1 {
		return nil, fmt.Errorf("bench: reference: %d populations and %d sources, want one each: %w", len(spec.Populations), len(spec.Sources), ErrUnsupported)
	}
	if !(spec.DtMs > 0) {
		return nil, fmt.Errorf("bench: reference: DtMs = %v ms must be > 0", spec.DtMs)
	}
	pop := spec.Populations[0]
	model, ok := pop.Model.(izhikevich.Neuron)
	if !ok {
		return nil, fmt.Errorf("bench: reference: population model %T: %w", pop.Model, ErrUnsupported)
	}
	cfg := model.Config
	cfg.DtMs = spec.DtMs
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bench: reference: %w", err)
	}
	if cfg.Scheme != izhikevich.Course || (cfg.Eq != nil && *cfg.Eq != izhikevich.Standard()) {
		return nil, fmt.Errorf("bench: reference: scheme %v, equation %v: %w", cfg.Scheme, cfg.Equation(), ErrUnsupported)
	}
	n := cfg.Cells.Len()
	if pop.Inh != nil && len(pop.Inh) != n {
		return nil, fmt.Errorf("bench: reference: %d labels for %d neurons", len(pop.Inh), n)
	}
	r := &Reference{n: n, dtMs: spec.DtMs, vpeak: cfg.VPeak, inh: pop.Inh,
		cls: make([]uint8, n), v: make([]float64, n), u: make([]float64, n),
		g0: make([]float64, n), g1: make([]float64, n)}
	if r.inh == nil {
		r.inh = make([]bool, n)
	}
	if err := r.setCells(cfg.Cells, model.V0, model.U0); err != nil {
		return nil, err
	}

	src, ok := spec.Sources[0].(network.Poisson)
	if !ok {
		return nil, fmt.Errorf("bench: reference: source %T: %w", spec.Sources[0], ErrUnsupported)
	}
	if err := r.setInput(src, spec.Seed); err != nil {
		return nil, err
	}

	tau := 0.0
	eAcc := map[float64]uint8{}
	for i, p := range spec.Projections {
		syn, ok := p.Synapse.(network.Conductance)
		if !ok || p.To != pop.Name || p.DelaySteps != 0 || syn.Order != synapse.OrderCourse || p.W != nil {
			return nil, fmt.Errorf("bench: reference: Projections[%d] (%q): want a course-order conductance projection to %q without delay or explicit W: %w", i, p.Name, pop.Name, ErrUnsupported)
		}
		if tau != 0 && syn.TauMs != tau {
			return nil, fmt.Errorf("bench: reference: Projections[%d]: tau %v ms differs from %v ms: %w", i, syn.TauMs, tau, ErrUnsupported)
		}
		if !(syn.TauMs > spec.DtMs) {
			return nil, fmt.Errorf("bench: reference: Projections[%d]: tau %v ms must exceed dt %v ms", i, syn.TauMs, spec.DtMs)
		}
		tau = syn.TauMs
		var nPre int
		var preInh []bool
		var dst *fanout
		switch p.From {
		case src.Name:
			if r.in.ptr != nil {
				return nil, fmt.Errorf("bench: reference: Projections[%d]: a second projection from %q: %w", i, src.Name, ErrUnsupported)
			}
			nPre, dst = src.N, &r.in
		case pop.Name:
			if r.hasRec {
				return nil, fmt.Errorf("bench: reference: Projections[%d]: a second recurrent projection: %w", i, ErrUnsupported)
			}
			nPre, preInh, dst, r.hasRec = n, pop.Inh, &r.rec, true
		default:
			return nil, fmt.Errorf("bench: reference: Projections[%d].From = %q is neither %q nor %q", i, p.From, src.Name, pop.Name)
		}
		e, err := reversal(syn, nPre, preInh)
		if err != nil {
			return nil, fmt.Errorf("bench: reference: Projections[%d].Synapse: %w", i, err)
		}
		f, err := drawFanout(ctx, spec.Seed, p, n, nPre, pop.Inh, preInh)
		if err != nil {
			return nil, fmt.Errorf("bench: reference: Projections[%d] (%q): %w", i, p.Name, err)
		}
		f.acc = make([]uint8, nPre)
		for j, x := range e {
			a, ok := eAcc[x]
			if !ok {
				if len(eAcc) == len(r.e) {
					return nil, fmt.Errorf("bench: reference: more than %d reversal potentials: %w", len(r.e), ErrUnsupported)
				}
				a = uint8(len(eAcc))
				eAcc[x], r.e[a] = a, x
			}
			f.acc[j] = a
		}
		*dst = f
	}
	if r.in.ptr == nil {
		r.in = fanout{ptr: make([]int, src.N+1), acc: make([]uint8, src.N)} // an unconnected source still draws
	}
	if !r.hasRec {
		r.rec = fanout{ptr: make([]int, n+1), acc: make([]uint8, n)}
	}
	if len(eAcc) < 2 {
		r.e[1] = r.e[0] // accumulator 1 stays 0
	}
	r.decay = 1 - spec.DtMs/tau
	if tau == 0 {
		r.decay = 0
	}
	r.spikers = make([]int32, 0, n)
	for i, v := range r.v { // a neuron starting at or above the peak starts as fired (izhikevich.Declare)
		if v >= r.vpeak {
			r.spikers = append(r.spikers, int32(i))
		}
	}
	r.count()
	return r, nil
}

// setCells sets the classes and the initial state.
func (r *Reference) setCells(c izhikevich.Cells, v0, u0 []float64) error {
	if len(v0) == 0 {
		v0 = []float64{izhikevich.RestV}
	}
	if len(u0) == 0 {
		u0 = []float64{izhikevich.RestU}
	}
	if (len(v0) != 1 && len(v0) != r.n) || (len(u0) != 1 && len(u0) != r.n) {
		return fmt.Errorf("bench: reference: %d V0 and %d U0 values for %d neurons", len(v0), len(u0), r.n)
	}
	ids := map[cell]uint8{}
	for i := 0; i < r.n; i++ {
		x := cell{c.A[i], c.B[i], c.C[i], c.D[i]}
		id, ok := ids[x]
		if !ok {
			if len(ids) == len(r.class) {
				return fmt.Errorf("bench: reference: more than %d distinct cells: %w", len(r.class), ErrUnsupported)
			}
			id = uint8(len(ids))
			ids[x], r.class[id] = id, x
		}
		r.cls[i] = id
		r.v[i], r.u[i] = v0[0], u0[0]
		if len(v0) == r.n {
			r.v[i] = v0[i]
		}
		if len(u0) == r.n {
			r.u[i] = u0[i]
		}
	}
	return nil
}

// setInput sets the Poisson trains' probabilities, window and keys.
func (r *Reference) setInput(src network.Poisson, seed uint64) error {
	op := ops.Bernoulli{Seed: seed, Stream: src.Stream, DtMs: r.dtMs}
	if err := op.Validate(); err != nil {
		return fmt.Errorf("bench: reference: source %q: %w", src.Name, err)
	}
	if src.N < 1 || (len(src.RateHz) != 1 && len(src.RateHz) != src.N) {
		return fmt.Errorf("bench: reference: source %q: %d trains with %d rates", src.Name, src.N, len(src.RateHz))
	}
	r.inP = make([]float64, src.N)
	for i := range r.inP {
		rate := src.RateHz[0]
		if len(src.RateHz) == src.N {
			rate = src.RateHz[i]
		}
		if p := op.Prob(rate); !(p >= 0 && p <= 1) {
			return fmt.Errorf("bench: reference: source %q: rate %v Hz gives p = %v outside [0, 1]", src.Name, rate, p)
		}
		r.inP[i] = op.Prob(rate)
	}
	r.inWin = stimulus.Window{StartMs: math.Inf(-1), StopMs: math.Inf(1)} // no window: always active
	if src.Window != nil {
		if err := src.Window.Validate(); err != nil {
			return fmt.Errorf("bench: reference: source %q: %w", src.Name, err)
		}
		r.inWin = *src.Window
	}
	r.inSeed, r.inStrm = seed, src.Stream
	return nil
}

// reversal returns E per presynaptic neuron, as network.Conductance does.
func reversal(c network.Conductance, nPre int, inh []bool) ([]float64, error) {
	e := make([]float64, nPre)
	switch {
	case c.EInh != nil:
		if len(c.E) != 1 || inh == nil {
			return nil, errors.New("EInh needs one E and presynaptic labels")
		}
		for i := range e {
			e[i] = c.E[0]
			if inh[i] {
				e[i] = *c.EInh
			}
		}
	case len(c.E) == 1:
		for i := range e {
			e[i] = c.E[0]
		}
	case len(c.E) == nPre:
		copy(e, c.E)
	default:
		return nil, fmt.Errorf("%d reversal potentials for %d presynaptic neurons", len(c.E), nPre)
	}
	for i, x := range e {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("E[%d] = %v mV is not finite", i, x)
		}
	}
	return e, nil
}

// drawFanout draws projection p's synapses exactly as network.Spec.Build
// does (Projection.weights: PCG(seed, p.Stream) feeding p.Connect.Rows and
// p.Weights' sampler, one weight right after each synapse, then the block
// scales in order, zero weights left out) and stores them by presynaptic
// neuron. It draws twice, first to count each presynaptic neuron's
// synapses and then to place them, so no COO copy of 1e8 synapses is ever
// held.
func drawFanout(ctx context.Context, seed uint64, p network.Projection, nPost, nPre int, postInh, preInh []bool) (fanout, error) {
	if p.Connect == nil || p.Weights == nil {
		return fanout{}, errors.New("Connect and Weights must be set")
	}
	for i, sc := range p.Scale {
		if (sc.Pre != network.Any && preInh == nil) || (sc.Post != network.Any && postInh == nil) {
			return fanout{}, fmt.Errorf("Scale[%d] needs Inh labels", i)
		}
	}
	f := fanout{ptr: make([]int, nPre+1)}
	if err := eachSynapse(ctx, seed, p, nPost, nPre, postInh, preInh, func(_, pre int, _ float64) {
		f.ptr[pre+1]++
	}); err != nil {
		return fanout{}, err
	}
	for j := 0; j < nPre; j++ {
		f.ptr[j+1] += f.ptr[j]
	}
	nnz := f.ptr[nPre]
	f.post, f.w = make([]int32, nnz), make([]float64, nnz)
	next := append([]int(nil), f.ptr[:nPre]...)
	err := eachSynapse(ctx, seed, p, nPost, nPre, postInh, preInh, func(post, pre int, x float64) {
		k := next[pre]
		f.post[k], f.w[k] = int32(post), x
		next[pre]++
	})
	return f, err
}

// eachSynapse calls put for each synapse of p with a nonzero weight, in
// Connect's order (post ascending, then pre).
func eachSynapse(ctx context.Context, seed uint64, p network.Projection, nPost, nPre int, postInh, preInh []bool, put func(post, pre int, x float64)) error {
	rng := rand.New(rand.NewPCG(seed, p.Stream))
	draw, err := p.Weights.Sampler(rng)
	if err != nil {
		return err
	}
	lastPost := -1
	var bad error
	err = p.Connect.Rows(nPost, nPre, rng, func(post, pre int) bool {
		if post != lastPost {
			if bad = ctx.Err(); bad != nil {
				return false
			}
			lastPost = post
		}
		if post < 0 || post >= nPost || pre < 0 || pre >= nPre {
			bad = fmt.Errorf("synapse (%d, %d) is out of range", post, pre)
			return false
		}
		x := draw()
		for _, sc := range p.Scale {
			if has(sc.Post, postInh != nil && postInh[post]) && has(sc.Pre, preInh != nil && preInh[pre]) {
				x *= sc.Factor
			}
		}
		if x != 0 {
			put(post, pre, x)
		}
		return true
	})
	if err == nil {
		err = bad
	}
	return err
}

// has reports whether label l selects a neuron labelled inh.
func has(l network.Label, inh bool) bool {
	switch l {
	case network.Exc:
		return !inh
	case network.Inh:
		return inh
	}
	return true
}

// N returns the number of neurons.
func (r *Reference) N() int { return r.n }

// Sample returns the current sample k (steps taken).
func (r *Reference) Sample() int { return r.sample }

// Spikes returns the spikes of excitatory and inhibitory neurons over
// samples 0..Sample(), as package sim counts them.
func (r *Reference) Spikes() (exc, inh int) { return r.spikesExc, r.spikesInh }

// InputSpikes returns the Poisson spikes drawn over steps 0..Sample()-1.
func (r *Reference) InputSpikes() int { return r.inputSpikes }

// Synapses returns the synapses of the input and recurrent projections.
func (r *Reference) Synapses() (in, rec int) { return len(r.in.post), len(r.rec.post) }

// Labels returns the neurons' inhibitory labels (not a copy).
func (r *Reference) Labels() []bool { return r.inh }

// Spiking returns the neurons spiking at the current sample, increasing
// (valid until the next step).
func (r *Reference) Spiking() []int32 { return r.spikers }

// V returns the potentials at the current sample (not a copy).
func (r *Reference) V() []float64 { return r.v }

// Run takes steps steps (>= 0), checking ctx every 64 steps; on a
// cancellation it returns ctx's error wrapped, at the sample it reached.
func (r *Reference) Run(ctx context.Context, steps int) error {
	if steps < 0 {
		return fmt.Errorf("bench: reference: steps = %d must be >= 0", steps)
	}
	for steps > 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bench: reference: at sample %d: %w", r.sample, err)
		}
		m := min(steps, 64)
		r.advance(m)
		steps -= m
	}
	return nil
}

// count adds the spikers of the current sample to the counts.
func (r *Reference) count() {
	for _, j := range r.spikers {
		if r.inh[j] {
			r.spikesInh++
		} else {
			r.spikesExc++
		}
	}
}

// deliver adds the outgoing weights of presynaptic j into the accumulators.
func deliver(f *fanout, j int, g0, g1 []float64) {
	g := g0
	if f.acc[j] != 0 {
		g = g1
	}
	lo, hi := f.ptr[j], f.ptr[j+1]
	post, w := f.post[lo:hi], f.w[lo:hi]
	w = w[:len(post)]
	for q, i := range post {
		g[i] += w[q]
	}
}

// advance takes m steps.
func (r *Reference) advance(m int) {
	n := r.n
	v, u, g0, g1, cls := r.v[:n], r.u[:n], r.g0[:n], r.g1[:n], r.cls[:n]
	dt, vpeak, decay, e0, e1 := r.dtMs, r.vpeak, r.decay, r.e[0], r.e[1]
	for range m {
		k := r.sample
		// 1. This step's input spikes and this sample's recurrent spikes.
		if r.inWin.Active(k, dt) {
			for t, p := range r.inP {
				if ops.BernoulliDraw(r.inSeed, r.inStrm, uint64(k), t, p) {
					r.inputSpikes++
					deliver(&r.in, t, g0, g1)
				}
			}
		}
		for _, j := range r.spikers {
			deliver(&r.rec, int(j), g0, g1)
		}
		// 2. Every neuron: current, reset or Euler, threshold, decay.
		sp := r.spikers[:0]
		for i := range v {
			vi, ui, c0, c1 := v[i], u[i], g0[i], g1[i]
			p := &r.class[cls[i]]
			var vn, un float64
			if vi >= vpeak { // spiked at sample k
				vn, un = p.c, ui+p.d
			} else {
				I := c0*(e0-vi) + c1*(e1-vi)
				vn = vi + dt*((0.04*vi+5)*vi+140-ui+I)
				un = ui + dt*(p.a*(p.b*vi-ui))
			}
			if vn >= vpeak {
				vn = vpeak
				sp = append(sp, int32(i))
			}
			v[i], u[i] = vn, un
			g0[i], g1[i] = c0*decay, c1*decay
		}
		r.spikers = sp
		r.sample++
		r.count()
	}
}
