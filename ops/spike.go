package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Spike is a gorgonia Op for the spike non-linearity with a surrogate
// gradient. Forward, elementwise:
//
//	out[i] = 1 if x[i] >= Threshold else 0      (x[i] > Threshold if Strict)
//
// with x's shape and dtype (for Float32 inputs the comparison is done in
// float64; NaN gives 0). Backward, it returns grad · psi(x - Threshold) with
// psi from Surrogate, because the true derivative is zero almost everywhere.
//
// With Smooth, the forward pass is Surrogate.Smooth(x - Threshold) instead
// of the step (computed in float64, rounded to x's dtype) and the backward
// is unchanged, so the backward is the exact derivative of the forward: a
// network whose spikes are all Smooth is a smooth function whose gradient
// can be checked against finite differences. Its outputs are not 0/1
// (SuperSpike's Smooth runs from -1/Beta to 1/Beta, Sigmoid's and ATan's
// from 0 to 1); it is for checks, not for simulation.
type Spike struct {
	Threshold float64   // spike threshold in the units of x (e.g. mV); finite
	Surrogate Surrogate // surrogate derivative; non-nil and valid
	// Strict makes the forward step x > Threshold instead of x >= Threshold
	// (Izhikevich's figure code tests v > 30; net.m and the course test >=).
	// Smooth ignores it.
	Strict bool
	// Smooth replaces the forward step by Surrogate.Smooth(x - Threshold).
	Smooth bool
}

// Validate reports whether Threshold is finite and Surrogate is non-nil and
// valid.
func (op Spike) Validate() error {
	if math.IsNaN(op.Threshold) || math.IsInf(op.Threshold, 0) {
		return fmt.Errorf("ops: Spike: Threshold (%g) must be finite", op.Threshold)
	}
	if op.Surrogate == nil {
		return fmt.Errorf("ops: Spike: Surrogate is nil")
	}
	if err := op.Surrogate.Validate(); err != nil {
		return fmt.Errorf("ops: Spike: %w", err)
	}
	return nil
}

// Arity returns 1.
func (op Spike) Arity() int { return 1 }

// Type returns a → a.
func (op Spike) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

// InferShape returns the shape of x.
func (op Spike) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return unaryShape(op, inputs)
}

// Do applies the step function into a newly allocated value.
func (op Spike) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	out, view, err := newLike(inputs[0], x.dt)
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	op.step(x, view)
	return out, nil
}

// ReturnsPtr returns false: the output is a new value.
func (op Spike) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op Spike) CallsExtern() bool { return false }

// OverwritesInput returns -1: no input is overwritten.
func (op Spike) OverwritesInput() int { return -1 }

// WriteHash writes a type tag, the bits of Threshold and the surrogate's own
// hash input (its type and parameters) to h.
func (op Spike) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ops.Spike{threshold=%016x,strict=%t,smooth=%t,surrogate=", math.Float64bits(op.Threshold), op.Strict, op.Smooth)
	if op.Surrogate == nil {
		fmt.Fprint(h, "nil")
	} else {
		fmt.Fprintf(h, "%T:", op.Surrogate)
		op.Surrogate.WriteHash(h)
	}
	fmt.Fprint(h, "}")
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op Spike) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "Spike{threshold=30,SuperSpike{β=10}}",
// "Spike{threshold>30,SuperSpike{β=10}}" when Strict, or
// "SmoothSpike{threshold=30,SuperSpike{β=10}}" when Smooth.
func (op Spike) String() string {
	if op.Smooth {
		return fmt.Sprintf("SmoothSpike{threshold=%g,%v}", op.Threshold, op.Surrogate)
	}
	if op.Strict {
		return fmt.Sprintf("Spike{threshold>%g,%v}", op.Threshold, op.Surrogate)
	}
	return fmt.Sprintf("Spike{threshold=%g,%v}", op.Threshold, op.Surrogate)
}

// UsePreallocDo applies the step function into prealloc, which must have x's
// shape and dtype, and returns it. It does not allocate.
func (op Spike) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(prealloc, x.dt, inputs[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	op.step(x, view)
	return prealloc, nil
}

// DiffWRT returns [true]: Spike passes the surrogate gradient to x.
func (op Spike) DiffWRT(inputs int) []bool { return allTrue(inputs) }

// SymDiff returns [grad · h'(x - Threshold)], built from gorgonia primitives
// and the surrogate's Deriv.
func (op Spike) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (retVal gorgonia.Nodes, err error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	if len(inputs) != 1 || inputs[0] == nil || grad == nil {
		return nil, fmt.Errorf("ops: %v: SymDiff needs one input and a gradient", op)
	}
	err = guard(op, func() error {
		x := inputs[0]
		dt, err := nodeDtype(x)
		if err != nil {
			return err
		}
		th, err := constant(dt, op.Threshold)
		if err != nil {
			return err
		}
		xm, err := gorgonia.Sub(x, th)
		if err != nil {
			return err
		}
		d, err := op.Surrogate.Deriv(xm)
		if err != nil {
			return err
		}
		g, err := gorgonia.HadamardProd(grad, d)
		if err != nil {
			return err
		}
		retVal = gorgonia.Nodes{g}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ops: %v: SymDiff: %w", op, err)
	}
	return retVal, nil
}

// CheckChildren checks x's dtype before the node is built.
func (op Spike) CheckChildren(children []*gorgonia.Node) error {
	return floatChild(op, children)
}

// check validates the op and the input of Do and UsePreallocDo.
func (op Spike) check(inputs []gorgonia.Value) (floatView, error) {
	if len(inputs) != 1 {
		return floatView{}, arityError(op, len(inputs))
	}
	if err := op.Validate(); err != nil {
		return floatView{}, err
	}
	x, err := viewOf(inputs[0])
	if err != nil {
		return floatView{}, fmt.Errorf("ops: %v: %w", op, err)
	}
	return x, nil
}

// step writes the Heaviside step of x - Threshold (or, when Smooth, its
// smooth primitive) into out; out may alias x.
func (op Spike) step(x, out floatView) {
	if op.Smooth {
		op.smooth(x, out)
		return
	}
	switch x.dt {
	case tensor.Float32:
		for i, v := range x.f32 {
			var s float32
			if float64(v) > op.Threshold || (!op.Strict && float64(v) == op.Threshold) {
				s = 1
			}
			out.f32[i] = s
		}
	default:
		for i, v := range x.f64 {
			var s float64
			if v > op.Threshold || (!op.Strict && v == op.Threshold) {
				s = 1
			}
			out.f64[i] = s
		}
	}
}

// smooth writes Surrogate.Smooth(x - Threshold) into out; out may alias x.
func (op Spike) smooth(x, out floatView) {
	switch x.dt {
	case tensor.Float32:
		for i, v := range x.f32 {
			out.f32[i] = float32(op.Surrogate.Smooth(float64(v) - op.Threshold))
		}
	default:
		for i, v := range x.f64 {
			out.f64[i] = op.Surrogate.Smooth(v - op.Threshold)
		}
	}
}

// unaryShape returns the single input shape of a unary op.
func unaryShape(op gorgonia.Op, inputs []gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("ops: %v: got %d shapes, want 1", op, len(inputs))
	}
	s, err := shapeOf(inputs[0], op.String())
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

// floatChild checks that a unary op has one child of a supported dtype.
func floatChild(op gorgonia.Op, children []*gorgonia.Node) error {
	if len(children) != 1 {
		return fmt.Errorf("ops: %v: got %d children, want 1", op, len(children))
	}
	dt, err := nodeDtype(children[0])
	if err != nil {
		return err
	}
	if !isFloat(dt) {
		return fmt.Errorf("ops: %v: input has dtype %v, want float64 or float32", op, dt)
	}
	return nil
}

// allTrue returns a slice of n true values.
func allTrue(n int) []bool {
	d := make([]bool, max(n, 0))
	for i := range d {
		d[i] = true
	}
	return d
}
