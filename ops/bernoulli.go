package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maxStep is 2^53, the first float64 above which not every whole number is
// representable; the step input must be below it.
const maxStep = 1 << 53

// Bernoulli is a gorgonia Op that draws independent spikes: a Poisson spike
// train of rate r (Hz) sampled on a grid of DtMs milliseconds, which is a
// Bernoulli draw per step with probability p = r·DtMs·1e-3.
//
// It takes two inputs: rate, a Float64 or Float32 tensor (or scalar) of rates
// in Hz indexed by flat (row-major) index i, and step, a Float64 scalar that
// holds the simulation step counter (a whole number in [0, 2^53)). The output
// has the shape and dtype of rate, with
//
//	out[i] = 1 if BernoulliDraw(Seed, Stream, step, i, op.Prob(rate[i])) else 0.
//
// Every draw is keyed by (Seed, Stream, step, i) through Uniform, so the
// spikes do not depend on how a run is split into calls or graphs.
//
// Do returns an error, and never clips, when a probability is outside
// [0, 1] or NaN, when step is not a whole number in [0, 2^53), or when rate
// has more than MaxIndex+1 elements. Bernoulli is not differentiable.
//
// The zero value is invalid (DtMs must be positive); Apply rejects it.
type Bernoulli struct {
	Seed   uint64  // key of the generator; any value
	Stream uint64  // independent stream under one seed, in [0, MaxIndex]; give each input population its own
	DtMs   float64 // time step in ms; positive and finite
}

// Validate reports whether the op's fields are usable: DtMs must be positive
// and finite and Stream must not exceed MaxIndex.
func (op Bernoulli) Validate() error {
	if !(op.DtMs > 0) || math.IsInf(op.DtMs, 0) {
		return fmt.Errorf("ops: Bernoulli: DtMs (%g ms) must be positive and finite", op.DtMs)
	}
	if op.Stream > MaxIndex {
		return fmt.Errorf("ops: Bernoulli: Stream (%d) must not exceed MaxIndex (%d)", op.Stream, uint64(MaxIndex))
	}
	return nil
}

// Prob returns the spike probability per step for a rate in Hz, computed as
// rate * DtMs * 1e-3 in float64, left to right. A reference that wants the
// op's exact draws must compute p the same way (or call Prob).
func (op Bernoulli) Prob(rate float64) float64 { return rate * op.DtMs * 1e-3 }

// Arity returns 2: rate and step.
func (op Bernoulli) Arity() int { return 2 }

// Type returns a → Float64 → a: the output has the type of rate, and step
// must be a Float64 scalar. (The type variable must not be 'b': gorgonia's
// type inference names the return type 'b', and an op type using 'b' fails to
// unify.)
func (op Bernoulli) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, tensor.Float64, a)
}

// InferShape returns the shape of rate. It returns an error unless it gets
// two shapes and the second (step) is a scalar.
func (op Bernoulli) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return drawShape(op, "Bernoulli rate", inputs)
}

// Do draws the spikes into a newly allocated value; see Bernoulli.
func (op Bernoulli) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return doDraw(op, "rate", inputs)
}

// ReturnsPtr returns false: the output is a new value.
func (op Bernoulli) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op Bernoulli) CallsExtern() bool { return false }

// OverwritesInput returns -1: no input is overwritten.
func (op Bernoulli) OverwritesInput() int { return -1 }

// WriteHash writes a type tag, Seed, Stream and the bits of DtMs to h, so
// that ops differing in any field stay distinct nodes in one graph.
func (op Bernoulli) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ops.Bernoulli{seed=%d,stream=%d,dt=%016x}", op.Seed, op.Stream, math.Float64bits(op.DtMs))
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op Bernoulli) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "Bernoulli{seed=1,stream=0,dt=0.5ms}".
func (op Bernoulli) String() string {
	return fmt.Sprintf("Bernoulli{seed=%d,stream=%d,dt=%gms}", op.Seed, op.Stream, op.DtMs)
}

// UsePreallocDo draws the spikes into prealloc, which must have rate's shape
// and dtype, and returns it. It does not allocate. On an error prealloc is
// left unchanged, even when it shares memory with rate.
func (op Bernoulli) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return preallocDraw(op, "rate", prealloc, inputs)
}

// Kernel checks the buffers once and returns the draw as a closure for
// the lean executor of package session: each call checks the step and
// every probability, then draws, without allocating.
func (op Bernoulli) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	return drawKernel(op, "rate", out, in)
}

// DiffWRT returns all false: a random draw has no gradient.
func (op Bernoulli) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns an error: Bernoulli is not differentiable. gorgonia does not
// call it, because DiffWRT reports no differentiable input.
func (op Bernoulli) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: %v is not differentiable", op)
}

// CheckChildren checks the dtypes of rate and step before the node is built.
func (op Bernoulli) CheckChildren(children []*gorgonia.Node) error {
	return checkDrawChildren(op, "rate", children)
}

// checkElems returns an error naming the first element of rate whose
// probability Prob(rate[i]) is outside [0, 1] or NaN, and nil if there is
// none. It switches on the dtype once (comparing tensor.Dtype values compares
// interfaces) and keeps the per-element test inline.
func (op Bernoulli) checkElems(rate floatView) error {
	ok := func(r float64) bool { p := op.Prob(r); return p >= 0 && p <= 1 }
	switch rate.dt {
	case tensor.Float32:
		for i, r := range rate.f32 {
			if !ok(float64(r)) {
				return op.elemError(i, float64(r))
			}
		}
	default:
		for i, r := range rate.f64 {
			if !ok(r) {
				return op.elemError(i, r)
			}
		}
	}
	return nil
}

// elemError is the error for element i of rate, r, whose probability is
// outside [0, 1].
func (op Bernoulli) elemError(i int, r float64) error {
	return fmt.Errorf("ops: %v: spike probability p = rate*dt*1e-3 at index %d is %g (rate %g Hz, DtMs %g ms), outside [0, 1]", op, i, op.Prob(r), r, op.DtMs)
}

// draw writes the spikes for rate at step into out (same dtype and length).
// Each element reads rate[i] before writing out[i], so out may alias rate.
// The counter and key words shared by all elements are built once; a train
// with p = 0 (rate 0, as outside a stimulus window) or p = 1 does not run
// Philox (see BernoulliDraw).
func (op Bernoulli) draw(rate floatView, step uint64, out floatView) {
	k := newDrawKey(op.Seed, op.Stream, step, 0)
	switch rate.dt {
	case tensor.Float32:
		for i, r := range rate.f32 {
			var s float32
			if k.spike(uint32(i), op.Prob(float64(r))) {
				s = 1
			}
			out.f32[i] = s
		}
	default:
		for i, r := range rate.f64 {
			var s float64
			if r != 0 && k.spike(uint32(i), op.Prob(r)) { // rate 0 (p = 0) never spikes: no Philox
				s = 1
			}
			out.f64[i] = s
		}
	}
}

// stepOf reads the step counter from a Float64 scalar value.
func stepOf(v gorgonia.Value) (uint64, error) {
	view, err := viewOf(v)
	if err != nil {
		return 0, fmt.Errorf("step: %w", err)
	}
	if view.dt != tensor.Float64 || view.len() != 1 || !v.Shape().IsScalar() {
		return 0, fmt.Errorf("step must be a float64 scalar, got dtype %v and shape %v", view.dt, v.Shape())
	}
	return stepValue(view.f64[0])
}

// stepValue checks a step counter's value: a whole number in [0, 2^53).
func stepValue(s float64) (uint64, error) {
	if !(s >= 0 && s < maxStep) || s != math.Trunc(s) {
		return 0, fmt.Errorf("step (%g) must be a whole number in [0, 2^53)", s)
	}
	return uint64(s), nil
}
