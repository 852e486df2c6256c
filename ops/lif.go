package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// LIFStep is a fused, forward-only gorgonia Op: one Euler step of a
// population of leaky integrate-and-fire neurons (models/lif), in one loop.
// Its inputs are v and the synaptic variable (the current i, or the
// conductance g when Conductance is set), then E (Conductance only), then
// the input x when Input is set, all vectors of one length n and dtype. Its
// output is the packed vector (v', i' or g', fired') of 3n elements:
//
//	drive = i,  or g·(E − v)
//	v_dec = v + AMem·((VLeak − v) + drive);  syn_dec = syn − ASyn·syn
//	z = v_dec >= VThresh;  v' = v_dec − z·(v_dec − VReset);  syn' = syn_dec + x
//
// exactly the operations of lif's Population.Step, in its order and dtype
// (each product rounded before it is added; the constants rounded to the
// dtype), so the results equal the fine-grained graph's bit for bit.
type LIFStep struct {
	AMem, ASyn             float64 // dt/τ_mem and dt/τ_syn, as lif declares them
	VLeak, VReset, VThresh float64 // potentials (units of v); the threshold is compared in float64
	Conductance            bool    // conductance-based: inputs (v, g, E[, x])
	Input                  bool    // the op takes the input x last
}

// Validate reports finite fields.
func (op LIFStep) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"AMem", op.AMem}, {"ASyn", op.ASyn}, {"VLeak", op.VLeak}, {"VReset", op.VReset}, {"VThresh", op.VThresh}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("ops: LIFStep: %s (%v) is not finite", f.name, f.v)
		}
	}
	return nil
}

func (op LIFStep) names() []string {
	n := []string{"v", "i"}
	if op.Conductance {
		n = []string{"v", "g", "E"}
	}
	if op.Input {
		n = append(n, "x")
	}
	return n
}

// outLen returns 3n: (v', the second state, fired').
func (op LIFStep) outLen(n int) int { return 3 * n }

func (op LIFStep) lens(n int) []int {
	l := make([]int, op.Arity())
	for i := range l {
		l[i] = n
	}
	return l
}

// Arity returns 2, plus 1 for E and 1 for the input.
func (op LIFStep) Arity() int { return len(op.names()) }

// Type returns a → … → a.
func (op LIFStep) Type() hm.Type { return sameTypeFn(op.Arity()) }

// InferShape returns (3n) for inputs of shape (n).
func (op LIFStep) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("ops: %v: got %d shapes, want %d", op, len(inputs), op.Arity())
	}
	s, err := shapeOf(inputs[0], op.String())
	if err != nil {
		return nil, err
	}
	if len(s) != 1 {
		return nil, fmt.Errorf("ops: %v: v has shape %v, want a vector", op, s)
	}
	if err := vectorShapes(op, inputs, op.names(), op.lens(s[0])); err != nil {
		return nil, err
	}
	return tensor.Shape{3 * s[0]}, nil
}

// Do computes the step into a new vector.
func (op LIFStep) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, _, err := op.check(nil, inputs)
	if err != nil {
		return nil, err
	}
	out, o, err := packedOut(op, nil, x[0].dt, 3*x[0].len())
	if err != nil {
		return nil, err
	}
	op.run(x, o)
	return out, nil
}

// ReturnsPtr returns false.
func (op LIFStep) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op LIFStep) CallsExtern() bool { return false }

// OverwritesInput returns -1.
func (op LIFStep) OverwritesInput() int { return -1 }

// WriteHash writes a type tag and every field.
func (op LIFStep) WriteHash(h hash.Hash) {
	fmt.Fprint(h, "ops.LIFStep{")
	for _, x := range []float64{op.AMem, op.ASyn, op.VLeak, op.VReset, op.VThresh} {
		fmt.Fprintf(h, "%016x,", math.Float64bits(x))
	}
	fmt.Fprintf(h, "%t,%t}", op.Conductance, op.Input)
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op LIFStep) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "LIFStep{current,threshold=1}".
func (op LIFStep) String() string {
	mode := "current"
	if op.Conductance {
		mode = "conductance"
	}
	return fmt.Sprintf("LIFStep{%s,threshold=%g}", mode, op.VThresh)
}

// UsePreallocDo computes the step into prealloc (3n elements, sharing no
// memory with the inputs). It does not allocate.
func (op LIFStep) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("ops: %v: nil preallocated value", op)
	}
	x, o, err := op.check(prealloc, inputs)
	if err != nil {
		return nil, err
	}
	op.run(x, o)
	return prealloc, nil
}

// Kernel checks the buffers once and returns the step as a closure.
func (op LIFStep) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	if out == nil {
		return nil, fmt.Errorf("ops: %v: nil output", op)
	}
	x, o, err := op.check(out, in)
	if err != nil {
		return nil, err
	}
	return func() error { op.run(x, o); return nil }, nil
}

// DiffWRT returns all false: the op is forward only.
func (op LIFStep) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns ErrForwardOnly.
func (op LIFStep) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("%w: %v", ErrForwardOnly, op)
}

// CheckChildren checks the children's count, dtypes and shapes before the node is built.
func (op LIFStep) CheckChildren(children []*gorgonia.Node) error {
	return checkStepChildren(op, children)
}

// check validates the op, the inputs and out (nil: not checked).
func (op LIFStep) check(out gorgonia.Value, inputs []gorgonia.Value) ([]floatView, floatView, error) {
	return checkStep(op, out, inputs)
}

func (op LIFStep) run(x []floatView, o floatView) {
	var e, in floatView
	next := 2
	if op.Conductance {
		e = x[next]
		next++
	}
	if op.Input {
		in = x[next]
	}
	if o.dt == tensor.Float32 {
		lifLoop(op, x[0].f32, x[1].f32, e.f32, in.f32, o.f32)
		return
	}
	lifLoop(op, x[0].f64, x[1].f64, e.f64, in.f64, o.f64)
}

// lifLoop writes (v', syn', fired') into out; e is nil for the current
// mode, in nil without input.
func lifLoop[T float32 | float64](op LIFStep, v, syn, e, in, out []T) {
	aMem, aSyn, vLeak, vReset := T(op.AMem), T(op.ASyn), T(op.VLeak), T(op.VReset)
	n := len(v)
	vo, so, fo := out[:n], out[n:2*n], out[2*n:3*n]
	syn = syn[:n]
	for j := range vo {
		drive := syn[j]
		if e != nil {
			drive = T(syn[j] * (e[j] - v[j]))
		}
		vDec := v[j] + T(aMem*((vLeak-v[j])+drive))
		sDec := syn[j] - T(aSyn*syn[j])
		var z T
		if y := float64(vDec); y >= op.VThresh {
			z = 1
		}
		vo[j] = vDec - T(z*(vDec-vReset))
		fo[j] = z
		if in != nil {
			sDec = sDec + in[j]
		}
		so[j] = sDec
	}
}
