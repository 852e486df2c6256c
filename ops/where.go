package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Where is a gorgonia Op that selects elementwise: with inputs (cond, a, b),
//
//	out[i] = a[i] if cond[i] != 0 else b[i].
//
// All three inputs have the same dtype, Float64 or Float32. cond has the
// output's shape; a and b each have cond's shape or are scalars (shape ()),
// which are broadcast. A NaN in cond counts as true (NaN != 0).
//
// Where is differentiable with respect to a and b, not cond: the gradients
// are Where(cond, grad, 0) for a and Where(cond, 0, grad) for b, each summed
// to a scalar when that input is a scalar.
type Where struct{}

// Arity returns 3: cond, a and b.
func (op Where) Arity() int { return 3 }

// Type returns c → x → y → c: the output has cond's type. a and b may be
// scalars while cond is a tensor, which one type variable cannot express, so
// Apply and Do check that the three dtypes agree.
func (op Where) Type() hm.Type {
	return hm.NewFnType(hm.TypeVariable('c'), hm.TypeVariable('x'), hm.TypeVariable('y'), hm.TypeVariable('c'))
}

// InferShape returns cond's shape, or an error when a or b has neither cond's
// shape nor shape ().
func (op Where) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("ops: Where: got %d shapes, want 3", len(inputs))
	}
	var s [3]tensor.Shape
	for i, name := range [3]string{"cond", "a", "b"} {
		var err error
		if s[i], err = shapeOf(inputs[i], "Where "+name); err != nil {
			return nil, err
		}
	}
	if err := whereShapes(s[0], s[1], s[2]); err != nil {
		return nil, err
	}
	return s[0].Clone(), nil
}

// Do selects into a newly allocated value of cond's shape.
func (op Where) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	cond, a, b, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	out, view, err := newLike(inputs[0], cond.dt)
	if err != nil {
		return nil, fmt.Errorf("ops: Where: %w", err)
	}
	where(cond, a, b, view)
	return out, nil
}

// ReturnsPtr returns false: the output is a new value.
func (op Where) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op Where) CallsExtern() bool { return false }

// OverwritesInput returns -1: no input is overwritten.
func (op Where) OverwritesInput() int { return -1 }

// WriteHash writes the op's type tag to h; Where has no parameters.
func (op Where) WriteHash(h hash.Hash) { fmt.Fprint(h, "ops.Where") }

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op Where) Hashcode() uint32 { return hashOf(op) }

// String returns "Where".
func (op Where) String() string { return "Where" }

// UsePreallocDo selects into prealloc, which must have cond's shape and
// dtype, and returns it. It does not allocate. prealloc may share memory with
// any input that has cond's shape.
func (op Where) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	cond, a, b, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	view, err := preallocView(prealloc, cond.dt, inputs[0].Shape())
	if err != nil {
		return nil, fmt.Errorf("ops: Where: %w", err)
	}
	where(cond, a, b, view)
	return prealloc, nil
}

// DiffWRT returns [false, true, true]: cond has no gradient.
func (op Where) DiffWRT(inputs int) []bool {
	d := make([]bool, max(inputs, 0))
	for i := 1; i < inputs; i++ {
		d[i] = true
	}
	return d
}

// SymDiff returns the gradients [nil, da, db] with da = Where(cond, grad, 0)
// and db = Where(cond, 0, grad), each summed to a scalar when the matching
// input is a scalar and cond is not. The slot of the non-differentiable cond
// is nil, which gorgonia's Backpropagate accepts for inputs DiffWRT marks
// false (it indexes the result by child, so the slice has all three slots).
func (op Where) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (retVal gorgonia.Nodes, err error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("ops: Where: SymDiff got %d inputs, want 3", len(inputs))
	}
	if grad == nil {
		return nil, fmt.Errorf("ops: Where: SymDiff got a nil gradient")
	}
	cond, a, b := inputs[0], inputs[1], inputs[2]
	err = guard(op, func() error {
		dt, err := nodeDtype(grad)
		if err != nil {
			return err
		}
		zero, err := constant(dt, 0)
		if err != nil {
			return err
		}
		da, err := Apply(op, cond, grad, zero)
		if err != nil {
			return err
		}
		if da, err = sumToShapeOf(da, a); err != nil {
			return err
		}
		db, err := Apply(op, cond, zero, grad)
		if err != nil {
			return err
		}
		if db, err = sumToShapeOf(db, b); err != nil {
			return err
		}
		retVal = gorgonia.Nodes{nil, da, db}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ops: Where: SymDiff: %w", err)
	}
	return retVal, nil
}

// sumToShapeOf sums the gradient g to a scalar when the input x it belongs
// to is a scalar and g is not; otherwise it returns g.
func sumToShapeOf(g, x *gorgonia.Node) (*gorgonia.Node, error) {
	if x.Shape().IsScalar() && !g.Shape().IsScalar() {
		return gorgonia.Sum(g)
	}
	return g, nil
}

// CheckChildren checks dtypes and shapes before the node is built.
func (op Where) CheckChildren(children []*gorgonia.Node) error {
	if len(children) != 3 {
		return fmt.Errorf("ops: Where: got %d children, want 3", len(children))
	}
	var dts [3]tensor.Dtype
	for i, c := range children {
		var err error
		if dts[i], err = nodeDtype(c); err != nil {
			return err
		}
	}
	if err := whereDtypes(dts[0], dts[1], dts[2]); err != nil {
		return err
	}
	return whereShapes(children[0].Shape(), children[1].Shape(), children[2].Shape())
}

// check validates the inputs of Do and UsePreallocDo.
func (op Where) check(inputs []gorgonia.Value) (cond, a, b floatView, err error) {
	if len(inputs) != 3 {
		err = arityError(op, len(inputs))
		return
	}
	var v [3]floatView
	for i, name := range [3]string{"cond", "a", "b"} {
		if v[i], err = viewOf(inputs[i]); err != nil {
			err = fmt.Errorf("ops: Where: %s: %w", name, err)
			return
		}
	}
	if err = whereDtypes(v[0].dt, v[1].dt, v[2].dt); err != nil {
		return
	}
	if err = whereShapes(inputs[0].Shape(), inputs[1].Shape(), inputs[2].Shape()); err != nil {
		return
	}
	return v[0], v[1], v[2], nil
}

// whereDtypes checks that the three dtypes agree and are supported.
func whereDtypes(c, a, b tensor.Dtype) error {
	if !isFloat(c) {
		return fmt.Errorf("ops: Where: cond has dtype %v, want float64 or float32", c)
	}
	if a != c || b != c {
		return fmt.Errorf("ops: Where: dtypes differ: cond %v, a %v, b %v", c, a, b)
	}
	return nil
}

// whereShapes checks that a and b each have cond's shape or shape ().
func whereShapes(c, a, b tensor.Shape) error {
	if !a.IsScalar() && !sameShape(a, c) {
		return fmt.Errorf("ops: Where: a has shape %v, want cond's shape %v or a scalar", a, c)
	}
	if !b.IsScalar() && !sameShape(b, c) {
		return fmt.Errorf("ops: Where: b has shape %v, want cond's shape %v or a scalar", b, c)
	}
	return nil
}

// where writes the selection into out. The caller has checked the shapes
// (whereShapes), so a non-scalar a or b has cond's length. A scalar a or b is
// read once before the loop; full-size inputs are read at i before out[i] is
// written, so out may alias any of them.
func where(cond, a, b, out floatView) {
	switch cond.dt {
	case tensor.Float32:
		var as, bs float32
		aScalar, bScalar := a.scalar, b.scalar
		if aScalar {
			as = a.f32[0]
		}
		if bScalar {
			bs = b.f32[0]
		}
		for i, c := range cond.f32 {
			av, bv := as, bs
			if !aScalar {
				av = a.f32[i]
			}
			if !bScalar {
				bv = b.f32[i]
			}
			if c != 0 {
				out.f32[i] = av
			} else {
				out.f32[i] = bv
			}
		}
	default:
		var as, bs float64
		aScalar, bScalar := a.scalar, b.scalar
		if aScalar {
			as = a.f64[0]
		}
		if bScalar {
			bs = b.f64[0]
		}
		for i, c := range cond.f64 {
			av, bv := as, bs
			if !aScalar {
				av = a.f64[i]
			}
			if !bScalar {
				bv = b.f64[i]
			}
			if c != 0 {
				out.f64[i] = av
			} else {
				out.f64[i] = bv
			}
		}
	}
}
