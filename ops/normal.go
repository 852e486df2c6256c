package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// normalTag is set in the top bit of the counter's last word for Normal's
// draws. The step counter is below 2^53, so that word (the step's high 32
// bits) never reaches bit 31 otherwise: the tag separates Normal's Philox
// blocks from those of Uniform and Bernoulli, so a Normal and a Bernoulli op
// that share Seed and Stream still draw independently.
const normalTag = 1 << 31

// NormalDraw returns a standard normal draw keyed by (seed, stream, step, i),
// the value z that the Normal op multiplies by sigma[i].
//
// It uses the Box–Muller transform (G. E. P. Box and M. E. Muller, 1958, "A
// note on the generation of random normal deviates", Annals of Mathematical
// Statistics 29(2):610–611) on two uniforms from one Philox4x32-10 block:
//
//	ctr = [i, stream, step lo, step hi | 1<<31], key = [seed lo, seed hi]
//	w   = Philox4x32(ctr, key)
//	u1  = 1 - (w0<<32 | w1)>>11 · 2^-53   in (0, 1], so log(u1) is finite
//	u2  =     (w2<<32 | w3)>>11 · 2^-53   in [0, 1)
//	z   = sqrt(-2·log(u1)) · cos(2π·u2)
//
// The sine half of the pair is discarded, so each (seed, stream, step, i)
// gives one draw. |z| never exceeds sqrt(106·ln 2) ≈ 8.57, the value at the
// smallest u1 = 2^-53; the tail beyond it has probability about 1e-17.
// Handing the sine to another element would save a Philox block, a logarithm
// and a square root per two draws, but change which counter gives which
// number, and so every noisy golden: the mapping is kept.
//
// The counter differs from Uniform's by the tag bit in its last word, so
// NormalDraw is independent of Uniform and BernoulliDraw under the same key.
// i and stream must lie in [0, MaxIndex] and step below 2^53 (the op checks
// all three); other values repeat other draws. NormalDraw does not allocate.
func NormalDraw(seed, stream, step uint64, i int) float64 {
	return boxMuller(philox10(uint32(i), uint32(stream), uint32(step), uint32(step>>32)|normalTag, uint32(seed), uint32(seed>>32)))
}

// normal returns NormalDraw's draw for element i under k, whose counter
// carries normalTag.
func (k *drawKey) normal(i uint32) float64 { return boxMuller(k.block(i)) }

// boxMuller returns z of NormalDraw for the Philox output words w0..w3.
func boxMuller(w0, w1, w2, w3 uint32) float64 {
	u1 := 1 - unit53(w0, w1)
	u2 := unit53(w2, w3)
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// Normal is a gorgonia Op that draws Gaussian noise with per-element standard
// deviations: the thalamic input I = sigma .* randn of Izhikevich's (2003)
// net.m, drawn from a counter-based generator so that the noise does not
// depend on how a run is split into calls, graphs or resumes.
//
// It takes two inputs: sigma, a Float64 or Float32 tensor (or scalar) of
// standard deviations indexed by flat (row-major) index i, each finite and
// non-negative, and step, a Float64 scalar that holds the simulation step
// counter (a whole number in [0, 2^53)), as for Bernoulli. The output has the
// shape and dtype of sigma, with
//
//	out[i] = sigma[i] * NormalDraw(Seed, Stream, step, i)
//
// computed in float64 and, for Float32, rounded once to float32. A plain-Go
// reference that evaluates this expression reproduces the op bit for bit.
//
// Do returns an error when a sigma is negative, NaN or infinite, when step is
// not a whole number in [0, 2^53), or when sigma has more than MaxIndex+1
// elements. Normal is not differentiable: DiffWRT reports no differentiable
// input and SymDiff returns an error, so noise enters a graph as a constant
// (a gradient with respect to sigma would be z, which this op does not
// expose).
//
// The zero value is valid: seed 0, stream 0.
type Normal struct {
	Seed   uint64 // key of the generator; any value
	Stream uint64 // independent stream under one seed, in [0, MaxIndex]; give each noise source its own
}

// Validate reports whether the op's fields are usable: Stream must not
// exceed MaxIndex.
func (op Normal) Validate() error {
	if op.Stream > MaxIndex {
		return fmt.Errorf("ops: Normal: Stream (%d) must not exceed MaxIndex (%d)", op.Stream, uint64(MaxIndex))
	}
	return nil
}

// Arity returns 2: sigma and step.
func (op Normal) Arity() int { return 2 }

// Type returns a → Float64 → a: the output has the type of sigma, and step
// must be a Float64 scalar (see Bernoulli.Type for why the variable is 'a').
func (op Normal) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, tensor.Float64, a)
}

// InferShape returns the shape of sigma. It returns an error unless it gets
// two shapes and the second (step) is a scalar.
func (op Normal) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return drawShape(op, "Normal sigma", inputs)
}

// Do draws the noise into a newly allocated value; see Normal.
func (op Normal) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return doDraw(op, "sigma", inputs)
}

// ReturnsPtr returns false: the output is a new value.
func (op Normal) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op Normal) CallsExtern() bool { return false }

// OverwritesInput returns -1: no input is overwritten.
func (op Normal) OverwritesInput() int { return -1 }

// WriteHash writes a type tag, Seed and Stream to h, so that ops differing in
// either field stay distinct nodes in one graph.
func (op Normal) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ops.Normal{seed=%d,stream=%d}", op.Seed, op.Stream)
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op Normal) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "Normal{seed=1,stream=0}".
func (op Normal) String() string {
	return fmt.Sprintf("Normal{seed=%d,stream=%d}", op.Seed, op.Stream)
}

// UsePreallocDo draws the noise into prealloc, which must have sigma's shape
// and dtype, and returns it. It does not allocate. On an error prealloc is
// left unchanged, even when it shares memory with sigma.
func (op Normal) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return preallocDraw(op, "sigma", prealloc, inputs)
}

// Kernel checks the buffers once and returns the draw as a closure for
// the lean executor of package session: each call checks the step and
// every sigma, then draws, without allocating.
func (op Normal) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	return drawKernel(op, "sigma", out, in)
}

// DiffWRT returns all false: Normal is not differentiable.
func (op Normal) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns an error: Normal is not differentiable. gorgonia does not
// call it, because DiffWRT reports no differentiable input.
func (op Normal) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: %v is not differentiable", op)
}

// CheckChildren checks the dtypes of sigma and step before the node is built.
func (op Normal) CheckChildren(children []*gorgonia.Node) error {
	return checkDrawChildren(op, "sigma", children)
}

// checkElems returns an error naming the first element of sigma that is
// negative, NaN or infinite, and nil if there is none; see
// Bernoulli.checkElems.
func (op Normal) checkElems(sigma floatView) error {
	ok := func(s float64) bool { return s >= 0 && !math.IsInf(s, 0) }
	switch sigma.dt {
	case tensor.Float32:
		for i, s := range sigma.f32 {
			if !ok(float64(s)) {
				return op.elemError(i, float64(s))
			}
		}
	default:
		for i, s := range sigma.f64 {
			if !ok(s) {
				return op.elemError(i, s)
			}
		}
	}
	return nil
}

// elemError is the error for element i of sigma, s, which is not a finite
// standard deviation.
func (op Normal) elemError(i int, s float64) error {
	return fmt.Errorf("ops: %v: sigma at index %d is %g, want a finite standard deviation >= 0", op, i, s)
}

// draw writes the noise for sigma at step into out (same dtype and length).
// Each element reads sigma[i] before writing out[i], so out may alias sigma.
// The counter and key words shared by all elements are built once. A zero
// sigma still draws: its output is sigma*z, which is -0 where z < 0, and
// skipping the draw would write +0 instead.
func (op Normal) draw(sigma floatView, step uint64, out floatView) {
	k := newDrawKey(op.Seed, op.Stream, step, normalTag)
	switch sigma.dt {
	case tensor.Float32:
		for i, s := range sigma.f32 {
			out.f32[i] = float32(float64(s) * k.normal(uint32(i)))
		}
	default:
		for i, s := range sigma.f64 {
			out.f64[i] = s * k.normal(uint32(i))
		}
	}
}
