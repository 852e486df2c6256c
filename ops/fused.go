package ops

import (
	"errors"
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The fused ops (IzhikevichStep, LIFStep, Conductance, ConductanceEvent)
// compute one component's whole step in one loop and return their several
// results packed into one vector; Part takes each result out. They are
// forward only: gradients use the fine-grained graph, which computes the
// same values (in the same operations and order, so the same bits, for
// all but ConductanceEvent).

// ErrForwardOnly is returned by the SymDiff methods of the fused ops.
var ErrForwardOnly = errors.New("ops: a fused op is forward only (gradients use the fine-grained graph)")

// Part is a gorgonia Op that takes Len elements from Offset out of a
// vector: out = x[Offset : Offset+Len], shape (Len). It unpacks the results
// of a fused op. Do and UsePreallocDo copy; in the lean executor of package
// session (View) the output is a view of x's memory, so unpacking costs
// nothing. It is forward only.
type Part struct {
	Offset int // first element taken; >= 0
	Len    int // elements taken; >= 1
}

// Validate reports whether Offset >= 0 and Len >= 1.
func (op Part) Validate() error {
	if op.Offset < 0 || op.Len < 1 {
		return fmt.Errorf("ops: Part: Offset (%d) must be >= 0 and Len (%d) >= 1", op.Offset, op.Len)
	}
	return nil
}

// Arity returns 1.
func (op Part) Arity() int { return 1 }

// Type returns a → a: a vector of x's dtype.
func (op Part) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

// InferShape returns (Len), or an error unless x is a vector of at least
// Offset+Len elements.
func (op Part) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("ops: %v: got %d shapes, want 1", op, len(inputs))
	}
	s, err := shapeOf(inputs[0], op.String())
	if err != nil {
		return nil, err
	}
	if err := op.checkShape(s); err != nil {
		return nil, err
	}
	return tensor.Shape{op.Len}, nil
}

// Do copies the part into a new vector.
func (op Part) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	out := tensor.New(tensor.WithShape(op.Len), tensor.Of(x.dt))
	view, _ := viewOf(out)
	copyView(view, op.slice(x))
	return out, nil
}

// ReturnsPtr returns false: Do copies.
func (op Part) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op Part) CallsExtern() bool { return false }

// OverwritesInput returns -1.
func (op Part) OverwritesInput() int { return -1 }

// WriteHash writes a type tag, Offset and Len.
func (op Part) WriteHash(h hash.Hash) { fmt.Fprintf(h, "ops.Part{%d,%d}", op.Offset, op.Len) }

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op Part) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "Part[10:20]".
func (op Part) String() string { return fmt.Sprintf("Part[%d:%d]", op.Offset, op.Offset+op.Len) }

// UsePreallocDo copies the part into prealloc, a vector of Len elements of
// x's dtype. It does not allocate.
func (op Part) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(prealloc, x.dt, tensor.Shape{op.Len})
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	copyView(view, op.slice(x))
	return prealloc, nil
}

// View returns a vector of Len elements sharing x's memory (for the lean
// executor of package session).
func (op Part) View(in []gorgonia.Value) (gorgonia.Value, error) {
	x, err := op.check(in)
	if err != nil {
		return nil, err
	}
	p := op.slice(x)
	if x.dt == tensor.Float32 {
		return tensor.New(tensor.WithShape(op.Len), tensor.WithBacking(p.f32)), nil
	}
	return tensor.New(tensor.WithShape(op.Len), tensor.WithBacking(p.f64)), nil
}

// Kernel returns the copy as a closure over x and out (the lean executor
// uses View instead).
func (op Part) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	x, err := op.check(in)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(out, x.dt, tensor.Shape{op.Len})
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	src := op.slice(x)
	return func() error { copyView(view, src); return nil }, nil
}

// DiffWRT returns all false: Part is forward only.
func (op Part) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns ErrForwardOnly.
func (op Part) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("%w: %v", ErrForwardOnly, op)
}

// CheckChildren checks the packed input's dtype and length before the node is built.
func (op Part) CheckChildren(children []*gorgonia.Node) error {
	if err := floatChild(op, children); err != nil {
		return err
	}
	return op.checkShape(children[0].Shape())
}

func (op Part) checkShape(s tensor.Shape) error {
	if err := op.Validate(); err != nil {
		return err
	}
	if len(s) != 1 || s[0] < op.Offset+op.Len {
		return fmt.Errorf("ops: %v: x has shape %v, want a vector of at least %d elements", op, s, op.Offset+op.Len)
	}
	return nil
}

func (op Part) check(inputs []gorgonia.Value) (floatView, error) {
	if len(inputs) != 1 {
		return floatView{}, arityError(op, len(inputs))
	}
	if err := nilInput(op, inputs); err != nil {
		return floatView{}, err
	}
	if err := op.checkShape(inputs[0].Shape()); err != nil {
		return floatView{}, err
	}
	x, err := viewOf(inputs[0])
	if err != nil {
		return floatView{}, fmt.Errorf("ops: %v: %w", op, err)
	}
	return x, nil
}

func (op Part) slice(x floatView) floatView {
	lo, hi := op.Offset, op.Offset+op.Len
	if x.dt == tensor.Float32 {
		return floatView{dt: x.dt, f32: x.f32[lo:hi]}
	}
	return floatView{dt: x.dt, f64: x.f64[lo:hi]}
}

// vectors checks that inputs are float vectors of one dtype with the given
// lengths (a length < 0 is not checked) and returns their views.
func vectors(op gorgonia.Op, inputs []gorgonia.Value, names []string, lens []int) ([]floatView, error) {
	if len(inputs) != len(names) {
		return nil, arityError(op, len(inputs))
	}
	views := make([]floatView, len(inputs))
	for i, in := range inputs {
		v, err := viewOf(in)
		if err != nil {
			return nil, fmt.Errorf("ops: %v: %s: %w", op, names[i], err)
		}
		if v.dt != views[0].dt && i > 0 {
			return nil, fmt.Errorf("ops: %v: %s has dtype %v, %s %v", op, names[i], v.dt, names[0], views[0].dt)
		}
		if lens[i] >= 0 && (v.scalar || v.len() != lens[i]) {
			return nil, fmt.Errorf("ops: %v: %s has shape %v, want (%d)", op, names[i], in.Shape(), lens[i])
		}
		views[i] = v
	}
	return views, nil
}

// vectorChildren checks, before a fused op's node is built, that the
// children are float vectors of one dtype with the given lengths.
func vectorChildren(op gorgonia.Op, children []*gorgonia.Node, names []string, lens []int) error {
	if len(children) != len(names) {
		return fmt.Errorf("ops: %v: got %d children, want %d (%v)", op, len(children), len(names), names)
	}
	var dt0 tensor.Dtype
	for i, c := range children {
		dt, err := nodeDtype(c)
		if err != nil {
			return err
		}
		if !isFloat(dt) {
			return fmt.Errorf("ops: %v: %s has dtype %v, want float64 or float32", op, names[i], dt)
		}
		if i == 0 {
			dt0 = dt
		} else if dt != dt0 {
			return fmt.Errorf("ops: %v: %s has dtype %v, %s %v", op, names[i], dt, names[0], dt0)
		}
		if s := c.Shape(); lens[i] >= 0 && (len(s) != 1 || s[0] != lens[i]) {
			return fmt.Errorf("ops: %v: %s has shape %v, want (%d)", op, names[i], s, lens[i])
		}
	}
	return nil
}

// vectorShapes checks the shapes given to InferShape.
func vectorShapes(op gorgonia.Op, inputs []gorgonia.DimSizer, names []string, lens []int) error {
	if len(inputs) != len(names) {
		return fmt.Errorf("ops: %v: got %d shapes, want %d (%v)", op, len(inputs), len(names), names)
	}
	for i, in := range inputs {
		s, err := shapeOf(in, op.String())
		if err != nil {
			return err
		}
		if lens[i] >= 0 && (len(s) != 1 || s[0] != lens[i]) {
			return fmt.Errorf("ops: %v: %s has shape %v, want (%d)", op, names[i], s, lens[i])
		}
	}
	return nil
}

// packedOut returns prealloc's view when it is a vector of n elements of
// dtype dt, or a new vector when prealloc is nil.
func packedOut(op gorgonia.Op, prealloc gorgonia.Value, dt tensor.Dtype, n int) (gorgonia.Value, floatView, error) {
	if prealloc == nil {
		out := tensor.New(tensor.WithShape(n), tensor.Of(dt))
		v, _ := viewOf(out)
		return out, v, nil
	}
	v, err := preallocView(prealloc, dt, tensor.Shape{n})
	if err != nil {
		return nil, floatView{}, fmt.Errorf("ops: %v: %w", op, err)
	}
	return prealloc, v, nil
}

// nilInput returns an error naming the first nil input.
func nilInput(op gorgonia.Op, inputs []gorgonia.Value) error {
	for i, in := range inputs {
		if in == nil {
			return fmt.Errorf("ops: %v: input %d is nil", op, i)
		}
	}
	return nil
}

// anyOverlap reports whether out shares memory with any input.
func anyOverlap(out floatView, in []floatView) bool {
	for _, v := range in {
		if v.dt == out.dt && overlap(v, out) {
			return true
		}
	}
	return false
}

// sameTypeFn returns a → … → a with arity inputs: every input and the
// output of one type (the fused ops' vectors of one dtype).
func sameTypeFn(arity int) hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, arity+1)
	for i := range ts {
		ts[i] = a
	}
	return hm.NewFnType(ts...)
}

// runner is a fused op bound to its buffers.
type runner interface{ run() }

// preallocRun binds op's kernel to prealloc with bind and runs it once:
// the UsePreallocDo of a fused op.
func preallocRun[K runner](op gorgonia.Op, prealloc gorgonia.Value, bind func(out gorgonia.Value) (K, error)) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("ops: %v: nil preallocated value", op)
	}
	k, err := bind(prealloc)
	if err != nil {
		return nil, err
	}
	k.run()
	return prealloc, nil
}

// boundKernel binds op's kernel to out with bind, once, and returns it as
// the closure of the lean executor (package session's Kernel).
func boundKernel[K runner](op gorgonia.Op, out gorgonia.Value, bind func(out gorgonia.Value) (K, error)) (func() error, error) {
	if out == nil {
		return nil, fmt.Errorf("ops: %v: nil output", op)
	}
	k, err := bind(out)
	if err != nil {
		return nil, err
	}
	return func() error { k.run(); return nil }, nil
}
