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

// drawOp is a random op: it validates its fields and each element of x.
type drawOp interface {
	gorgonia.Op
	Validate() error
	checkElem(i int, x float64) error
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
	for i := 0; i < n; i++ {
		if err := op.checkElem(i, x.at(i)); err != nil {
			return floatView{}, 0, err
		}
	}
	return x, step, nil
}
