package ops

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The random ops (Bernoulli, Normal) share one shape: a float tensor x that
// sets the output's shape and dtype, and the float64 step counter.

// checkDrawChildren checks the dtypes of x (named what) and step before a
// random op's node is built.
func checkDrawChildren(op gorgonia.Op, what string, children []*gorgonia.Node) error {
	if len(children) != 2 {
		return fmt.Errorf("ops: %v: got %d children, want 2", op, len(children))
	}
	dt, err := nodeDtype(children[0])
	if err != nil {
		return err
	}
	if !isFloat(dt) {
		return fmt.Errorf("ops: %v: %s has dtype %v, want float64 or float32", op, what, dt)
	}
	if st, ok := children[1].Type().(tensor.Dtype); !ok || st != tensor.Float64 {
		return fmt.Errorf("ops: %v: step must be a float64 scalar, got type %v", op, children[1].Type())
	}
	return nil
}

// drawOp is a random op: it validates its fields and every element of x,
// and draws into out for a checked x and step. checkElems is one call per
// op rather than a check per element, because a method called through a
// type parameter is not inlined: per element, the call cost more than the
// check and than a draw skipped at p = 0.
type drawOp interface {
	gorgonia.Op
	Validate() error
	checkElems(x floatView) error
	draw(x floatView, step uint64, out floatView)
}

// drawShape returns the shape of x (named what). It returns an error unless
// it gets two shapes and the second (step) is a scalar.
func drawShape(op gorgonia.Op, what string, inputs []gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("ops: %v: got %d shapes, want 2", op, len(inputs))
	}
	x, err := shapeOf(inputs[0], what)
	if err != nil {
		return nil, err
	}
	step, err := shapeOf(inputs[1], fmt.Sprintf("%v step", op))
	if err != nil {
		return nil, err
	}
	if !step.IsScalar() {
		return nil, fmt.Errorf("ops: %v: step must be a scalar, got shape %v", op, step)
	}
	return x.Clone(), nil
}

// doDraw checks the inputs and draws into a newly allocated value.
func doDraw[O drawOp](op O, what string, inputs []gorgonia.Value) (gorgonia.Value, error) {
	x, step, err := checkDrawInputs(op, what, inputs)
	if err != nil {
		return nil, err
	}
	out, view, err := newLike(inputs[0], x.dt)
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	op.draw(x, step, view)
	return out, nil
}

// preallocDraw checks the inputs and draws into prealloc, which must have
// x's shape and dtype. On an error prealloc is left unchanged.
func preallocDraw[O drawOp](op O, what string, prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	x, step, err := checkDrawInputs(op, what, inputs)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(prealloc, x.dt, inputs[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	op.draw(x, step, view)
	return prealloc, nil
}

// drawKernel checks op's inputs and output once and returns the draw as a
// closure over their views: each call reads the step, checks every element
// of x (as checkDrawInputs does) and draws into out.
func drawKernel[O drawOp](op O, what string, out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	x, _, err := checkDrawInputs(op, what, in)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(out, x.dt, in[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	stepView, err := viewOf(in[1])
	if err != nil {
		return nil, fmt.Errorf("ops: %v: step: %w", op, err)
	}
	return func() error {
		step, err := stepValue(stepView.f64[0])
		if err != nil {
			return fmt.Errorf("ops: %v: %w", op, err)
		}
		if err := op.checkElems(x); err != nil {
			return err
		}
		op.draw(x, step, view)
		return nil
	}, nil
}

// checkDrawInputs validates a random op and its inputs x (named what) and
// step, and every element of x, so that a draw cannot fail half way. It
// returns the view of x and the step. It is generic so that op is boxed into
// an interface only on the error paths: the success path allocates nothing.
func checkDrawInputs[O drawOp](op O, what string, inputs []gorgonia.Value) (floatView, uint64, error) {
	if len(inputs) != 2 {
		return floatView{}, 0, arityError(op, len(inputs))
	}
	if err := op.Validate(); err != nil {
		return floatView{}, 0, err
	}
	step, err := stepOf(inputs[1])
	if err != nil {
		return floatView{}, 0, fmt.Errorf("ops: %v: %w", op, err)
	}
	x, err := viewOf(inputs[0])
	if err != nil {
		return floatView{}, 0, fmt.Errorf("ops: %v: %s: %w", op, what, err)
	}
	n := x.len()
	if uint64(n) > MaxIndex+1 {
		return floatView{}, 0, fmt.Errorf("ops: %v: %s has %d elements, more than MaxIndex+1 (%d)", op, what, n, uint64(MaxIndex)+1)
	}
	if err := op.checkElems(x); err != nil {
		return floatView{}, 0, err
	}
	return x, step, nil
}
