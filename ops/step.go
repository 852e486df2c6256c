package ops

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// stepOp is a fused population step (IzhikevichStep, LIFStep): vector
// inputs whose first is v [n], named and sized by the op, and an output
// packing three vectors of n (the next v, the second state, fired) and, for
// IzhikevichStep with CondE, the decayed conductances.
type stepOp interface {
	gorgonia.Op
	Validate() error
	names() []string
	lens(n int) []int
	outLen(n int) int // the packed output's length for n neurons
}

// checkStepChildren checks a fused step's children when it is applied.
func checkStepChildren(op stepOp, children []*gorgonia.Node) error {
	if err := op.Validate(); err != nil {
		return err
	}
	if len(children) != op.Arity() {
		return fmt.Errorf("ops: %v: got %d children, want %d", op, len(children), op.Arity())
	}
	s := children[0].Shape()
	if len(s) != 1 {
		return fmt.Errorf("ops: %v: v has shape %v, want a vector", op, s)
	}
	return vectorChildren(op, children, op.names(), op.lens(s[0]))
}

// checkStep validates a fused step, its inputs and its packed output (nil:
// not checked) and returns their views.
func checkStep(op stepOp, out gorgonia.Value, inputs []gorgonia.Value) ([]floatView, floatView, error) {
	if err := op.Validate(); err != nil {
		return nil, floatView{}, err
	}
	if len(inputs) != op.Arity() {
		return nil, floatView{}, arityError(op, len(inputs))
	}
	if err := nilInput(op, inputs); err != nil {
		return nil, floatView{}, err
	}
	n := inputs[0].Shape().TotalSize()
	x, err := vectors(op, inputs, op.names(), op.lens(n))
	if err != nil {
		return nil, floatView{}, err
	}
	if out == nil {
		return x, floatView{}, nil
	}
	_, o, err := packedOut(op, out, x[0].dt, op.outLen(n))
	if err != nil {
		return nil, floatView{}, err
	}
	var regions []int
	if r, ok := op.(interface{ InPlaceRegions(int) []int }); ok {
		regions = r.InPlaceRegions(n)
	}
	if !aliasesAllowed(o, x, regions) {
		return nil, floatView{}, fmt.Errorf("ops: %v: the output shares memory with an input (other than as its own region, InPlaceRegions)", op)
	}
	return x, o, nil
}

// aliasesAllowed reports whether every input that shares memory with out
// is exactly the region of out that regions gives it (regions[k] is input
// k's offset, -1 or missing for none).
func aliasesAllowed(out floatView, in []floatView, regions []int) bool {
	for k, v := range in {
		if v.dt != out.dt || !overlap(v, out) {
			continue
		}
		if k >= len(regions) || regions[k] < 0 {
			return false
		}
		r, m := regions[k], v.len()
		if r+m > out.len() || !sameView(v, out.part(r, m)) {
			return false
		}
	}
	return true
}
