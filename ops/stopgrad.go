package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// StopGradient is a gorgonia Op that is the identity in the forward pass and
// passes no gradient back: inside a graph that gorgonia.Grad differentiates,
// the path through StopGradient contributes zero (TensorFlow's
// tf.stop_gradient, PyTorch's detach). Use it to detach a reset path.
//
// The forward pass copies x into the output, never returning x itself, so
// gorgonia's register reuse cannot make the output and x share memory that a
// later op overwrites. The backward pass returns zeros of x's shape (gorgonia
// has no way to say "no gradient" for an input marked differentiable, and
// marking it non-differentiable would make gorgonia.Grad fail with
// "Non Differentiable WRTs" when x reaches the cost only through StopGradient).
type StopGradient struct{}

// Arity returns 1.
func (op StopGradient) Arity() int { return 1 }

// Type returns a → a.
func (op StopGradient) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

// InferShape returns the shape of x.
func (op StopGradient) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return unaryShape(op, inputs)
}

// Do returns a new copy of x.
func (op StopGradient) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := unaryView(op, inputs)
	if err != nil {
		return nil, err
	}
	out, view, err := newLike(inputs[0], x.dt)
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	copyView(view, x)
	return out, nil
}

// ReturnsPtr returns false: the output is a copy.
func (op StopGradient) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op StopGradient) CallsExtern() bool { return false }

// OverwritesInput returns -1: no input is overwritten.
func (op StopGradient) OverwritesInput() int { return -1 }

// WriteHash writes the op's type tag to h.
func (op StopGradient) WriteHash(h hash.Hash) { fmt.Fprint(h, "ops.StopGradient") }

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op StopGradient) Hashcode() uint32 { return hashOf(op) }

// String returns "StopGradient".
func (op StopGradient) String() string { return "StopGradient" }

// UsePreallocDo copies x into prealloc, which must have x's shape and dtype,
// and returns it. It does not allocate.
func (op StopGradient) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := unaryView(op, inputs)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(prealloc, x.dt, inputs[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	copyView(view, x)
	return prealloc, nil
}

// DiffWRT returns [true], so that gorgonia.Grad accepts x as a WRT even when
// its only path to the cost runs through StopGradient; SymDiff then returns
// a zero gradient.
func (op StopGradient) DiffWRT(inputs int) []bool { return allTrue(inputs) }

// SymDiff returns [zeros of x's shape]: no gradient flows through this path.
// The zeros come from a dedicated op, not grad·0, so that an Inf or NaN
// gradient does not leak through as NaN.
func (op StopGradient) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 1 || inputs[0] == nil {
		return nil, fmt.Errorf("ops: %v: SymDiff needs one input", op)
	}
	z, err := Apply(zerosLike{}, inputs[0])
	if err != nil {
		return nil, fmt.Errorf("ops: %v: SymDiff: %w", op, err)
	}
	return gorgonia.Nodes{z}, nil
}

// CheckChildren checks x's dtype before the node is built.
func (op StopGradient) CheckChildren(children []*gorgonia.Node) error {
	return floatChild(op, children)
}

// zerosLike is the op behind StopGradient's gradient: it returns zeros with
// the shape and dtype of its input and has no gradient itself.
type zerosLike struct{}

func (op zerosLike) Arity() int { return 1 }

func (op zerosLike) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (op zerosLike) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return unaryShape(op, inputs)
}

func (op zerosLike) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := unaryView(op, inputs)
	if err != nil {
		return nil, err
	}
	out, _, err := newLike(inputs[0], x.dt)
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	return out, nil
}

func (op zerosLike) ReturnsPtr() bool     { return false }
func (op zerosLike) CallsExtern() bool    { return false }
func (op zerosLike) OverwritesInput() int { return -1 }

func (op zerosLike) WriteHash(h hash.Hash) { fmt.Fprint(h, "ops.zerosLike") }

func (op zerosLike) Hashcode() uint32 { return hashOf(op) }

func (op zerosLike) String() string { return "ZerosLike" }

func (op zerosLike) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := unaryView(op, inputs)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(prealloc, x.dt, inputs[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	clear(view.f64)
	clear(view.f32)
	return prealloc, nil
}

func (op zerosLike) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

func (op zerosLike) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return make(gorgonia.Nodes, len(inputs)), nil
}

// CheckChildren checks x's dtype before the node is built.
func (op zerosLike) CheckChildren(children []*gorgonia.Node) error {
	return floatChild(op, children)
}

// unaryView checks the inputs of a unary op's Do and returns x's view.
func unaryView(op gorgonia.Op, inputs []gorgonia.Value) (floatView, error) {
	if len(inputs) != 1 {
		return floatView{}, arityError(op, len(inputs))
	}
	x, err := viewOf(inputs[0])
	if err != nil {
		return floatView{}, fmt.Errorf("ops: %v: %w", op, err)
	}
	return x, nil
}

// copyView copies src into dst (same dtype and length).
func copyView(dst, src floatView) {
	copy(dst.f64, src.f64)
	copy(dst.f32, src.f32)
}
