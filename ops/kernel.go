package ops

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// The Kernel methods serve the lean executor of package session: each
// checks the op and its buffers once, when the session compiles the graph,
// and returns a closure that computes the op into out on every call without
// checking or allocating again. The buffers keep their memory for the life
// of the session. A Kernel computes what Do computes, bit for bit.

// Kernel returns Spike's step as a closure over x and out.
func (op Spike) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	x, err := op.check(in)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(out, x.dt, in[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	return func() error { op.step(x, view); return nil }, nil
}

// Kernel returns Where's selection as a closure over its buffers.
func (op Where) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	cond, a, b, err := op.check(in)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(out, cond.dt, in[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: Where: %w", err)
	}
	return func() error { where(cond, a, b, view); return nil }, nil
}

// Kernel returns the copy as a closure over x and out.
func (op StopGradient) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	x, err := unaryView(op, in)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(out, x.dt, in[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	return func() error { copyView(view, x); return nil }, nil
}

// Kernel returns the product as a closure over x and out, which must not
// share memory.
func (op SparseMatVec) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	x, batch, val32, err := op.check(in)
	if err != nil {
		return nil, err
	}
	view, err := op.preallocView(out, x.dt, in[0].Shape().Dims(), batch)
	if err != nil {
		return nil, err
	}
	if overlap(x, view) {
		return nil, fmt.Errorf("ops: %v: the output shares memory with x", op)
	}
	return func() error { op.mul(x, view, batch, val32); return nil }, nil
}
