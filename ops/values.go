package ops

import (
	"fmt"
	"strconv"
	"unsafe"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// floatView is a typed view of the data of a float Value: exactly one of f64
// and f32 is used, according to dt. For a scalar (*gorgonia.F64 or
// *gorgonia.F32) it is a one-element slice aliasing the scalar, so writes
// through the view change the Value.
type floatView struct {
	dt     tensor.Dtype
	f64    []float64
	f32    []float32
	scalar bool // the Value has shape ()
}

// len returns the number of elements in the view.
func (v floatView) len() int {
	if v.dt == tensor.Float32 {
		return len(v.f32)
	}
	return len(v.f64)
}

// part returns the m elements from offset r.
func (v floatView) part(r, m int) floatView {
	if v.dt == tensor.Float32 {
		return floatView{dt: v.dt, f32: v.f32[r : r+m]}
	}
	return floatView{dt: v.dt, f64: v.f64[r : r+m]}
}

// at returns element i as a float64 (exact for both dtypes). It compares
// dtypes, which compares interfaces (runtime.ifaceeq): per element in a hot
// loop that costs more than a check, so loops switch on dt once instead.
func (v floatView) at(i int) float64 {
	if v.dt == tensor.Float32 {
		return float64(v.f32[i])
	}
	return v.f64[i]
}

// viewOf returns a floatView of v without copying or allocating. It accepts
// gorgonia's scalar values and contiguous, unmasked *tensor.Dense values of
// dtype Float64 or Float32.
func viewOf(v gorgonia.Value) (floatView, error) {
	switch x := v.(type) {
	case nil:
		return floatView{}, fmt.Errorf("ops: nil value")
	case *gorgonia.F64:
		if x == nil {
			return floatView{}, fmt.Errorf("ops: nil *F64 value")
		}
		// (*float64)(x) is a plain conversion (F64's underlying type is
		// float64); unsafe.Slice only wraps that pointer in a length-1 slice.
		return floatView{dt: tensor.Float64, f64: unsafe.Slice((*float64)(x), 1), scalar: true}, nil
	case *gorgonia.F32:
		if x == nil {
			return floatView{}, fmt.Errorf("ops: nil *F32 value")
		}
		return floatView{dt: tensor.Float32, f32: unsafe.Slice((*float32)(x), 1), scalar: true}, nil
	case *tensor.Dense:
		if x == nil {
			return floatView{}, fmt.Errorf("ops: nil *tensor.Dense value")
		}
		if x.RequiresIterator() {
			return floatView{}, fmt.Errorf("ops: non-contiguous, transposed or masked tensor of shape %v is not supported", x.Shape())
		}
		n := x.Shape().TotalSize() // 1 for shape ()
		scalar := x.Shape().IsScalar()
		switch x.Dtype() {
		case tensor.Float64:
			d := x.Float64s()
			if len(d) < n {
				return floatView{}, fmt.Errorf("ops: tensor of shape %v holds %d elements, want %d", x.Shape(), len(d), n)
			}
			return floatView{dt: tensor.Float64, f64: d[:n], scalar: scalar}, nil
		case tensor.Float32:
			d := x.Float32s()
			if len(d) < n {
				return floatView{}, fmt.Errorf("ops: tensor of shape %v holds %d elements, want %d", x.Shape(), len(d), n)
			}
			return floatView{dt: tensor.Float32, f32: d[:n], scalar: scalar}, nil
		default:
			return floatView{}, fmt.Errorf("ops: dtype %v is not supported (want float64 or float32)", x.Dtype())
		}
	default:
		return floatView{}, fmt.Errorf("ops: value of type %T (dtype %v) is not supported (want a float64 or float32 scalar or *tensor.Dense)", v, v.Dtype())
	}
}

// newLike allocates a zeroed Value with the dtype dt and the shape of like:
// a gorgonia scalar for shape (), a *tensor.Dense otherwise. It is the only
// allocation the ops' Do methods make.
func newLike(like gorgonia.Value, dt tensor.Dtype) (gorgonia.Value, floatView, error) {
	var out gorgonia.Value
	if like.Shape().IsScalar() {
		switch dt {
		case tensor.Float64:
			out = gorgonia.NewF64(0)
		case tensor.Float32:
			out = gorgonia.NewF32(0)
		default:
			return nil, floatView{}, fmt.Errorf("ops: dtype %v is not supported (want float64 or float32)", dt)
		}
	} else {
		out = tensor.New(tensor.WithShape(like.Shape().Clone()...), tensor.Of(dt))
	}
	view, err := viewOf(out)
	if err != nil {
		return nil, floatView{}, err
	}
	return out, view, nil
}

// preallocView checks that prealloc can hold an output of dtype dt and shape
// s and returns its view. gorgonia's tape machine hands UsePreallocDo whatever
// value its register last held, which may belong to another node and have a
// different shape or dtype; the machine falls back to Do on an error.
func preallocView(prealloc gorgonia.Value, dt tensor.Dtype, s tensor.Shape) (floatView, error) {
	if prealloc == nil {
		return floatView{}, fmt.Errorf("ops: nil preallocated value")
	}
	view, err := viewOf(prealloc)
	if err != nil {
		return floatView{}, fmt.Errorf("ops: preallocated value: %w", err)
	}
	if view.dt != dt {
		return floatView{}, fmt.Errorf("ops: preallocated value has dtype %v, want %v", view.dt, dt)
	}
	if !sameShape(prealloc.Shape(), s) {
		return floatView{}, fmt.Errorf("ops: preallocated value has shape %v, want %v", prealloc.Shape(), s)
	}
	return view, nil
}

// sameShape reports whether a and b are identical: same rank and sizes.
// Unlike tensor.Shape.Eq it does not treat (n, 1) and (n) as equal.
func sameShape(a, b tensor.Shape) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// shapeOf returns the tensor.Shape behind a DimSizer, or an error.
func shapeOf(d gorgonia.DimSizer, what string) (tensor.Shape, error) {
	s, ok := d.(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("ops: %s: shape of type %T is not a tensor.Shape", what, d)
	}
	return s, nil
}

// isFloat reports whether dt is one of the dtypes the ops support.
func isFloat(dt tensor.Dtype) bool { return dt == tensor.Float64 || dt == tensor.Float32 }

// nodeDtype returns the dtype of a node's type without panicking.
func nodeDtype(n *gorgonia.Node) (tensor.Dtype, error) {
	switch t := n.Type().(type) {
	case tensor.Dtype:
		return t, nil
	case gorgonia.TensorType:
		if dt, ok := t.Of.(tensor.Dtype); ok {
			return dt, nil
		}
	}
	return tensor.Dtype{}, fmt.Errorf("ops: node %v has type %v without a concrete dtype", n, n.Type())
}

// constant returns a scalar constant node of dtype dt holding v. Its name
// encodes both the dtype and the exact value, because gorgonia's
// ExprGraph.AddNode replaces a constant by any earlier constant with the same
// name: NewConstant's default name ("0") would make a float32 zero and a
// float64 zero collide, and the second graph would get the wrong dtype.
func constant(dt tensor.Dtype, v float64) (*gorgonia.Node, error) {
	name := "ops.const:" + dt.String() + ":" + strconv.FormatFloat(v, 'g', -1, 64)
	switch dt {
	case tensor.Float64:
		return gorgonia.NewConstant(v, gorgonia.WithName(name)), nil
	case tensor.Float32:
		return gorgonia.NewConstant(float32(v), gorgonia.WithName(name)), nil
	default:
		return nil, fmt.Errorf("ops: dtype %v is not supported (want float64 or float32)", dt)
	}
}

// arityError reports a wrong number of inputs. Callers compare the count
// first and call it only on a mismatch, because converting a non-empty op
// struct to an interface allocates.
func arityError(op gorgonia.Op, n int) error {
	return fmt.Errorf("ops: %v: got %d inputs, want %d", op, n, op.Arity())
}
