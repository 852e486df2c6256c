package ops

import (
	"fmt"
	"hash"
	"unsafe"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SparseMatVec is a gorgonia Op that multiplies by a sparse matrix W held in
// CSR form. With Transposed false it computes
//
//	y = W·x       for x of shape (Cols), giving y of shape (Rows),
//	y = x·Wᵀ      for x of shape (batch, Cols), giving (batch, Rows),
//
// and with Transposed true it multiplies by Wᵀ instead: x of shape (Rows) or
// (batch, Rows) gives (Cols) or (batch, Cols). x is a contiguous Float64 or
// Float32 tensor; the output has x's dtype and rank.
//
// Summation order. Without Transposed, y[r] is the sum over the stored
// entries of row r in increasing column order, starting from +0, each
// product rounded to x's dtype before it is added (no fused multiply-add), in
// x's dtype: the result is deterministic and, for Float64, equals
// W.MulVec bit for bit. For finite x it also equals a dense row-major loop
// over the same matrix that sums each row left to right, because the zero
// products it adds do not change the sum. It does NOT necessarily equal
// gonum's BLAS Dgemv (which gorgonia.Mul uses) bit for bit: Dgemv unrolls
// and reorders the sums. With Transposed, y[c] sums W[r][c]·x[r] over rows r
// in increasing order; rows where x[r] == 0 are skipped, which does not
// change the bits (their products are zeros). For Float32 inputs the op uses
// a float32 copy of W.Val, rounded to nearest and made once per matrix.
//
// Gradient. DiffWRT returns [true]: the gradient flows to x only, and
// SymDiff returns the same op with Transposed flipped applied to the
// incoming gradient (Wᵀ·grad, or grad·W for a batch). W is a field of the
// op, not an input node, so there is no gradient with respect to the
// weights.
//
// WriteHash writes Transposed and W's content hash (CSR.Hash), so that ops
// over different matrices stay distinct nodes and ops over equal matrices,
// even in different *CSR values, may merge. gorgonia compares ops by their
// 32-bit Hashcode, so, as for every op, two different matrices could merge
// only on a 32-bit hash collision.
//
// W must be non-nil and valid (CSR.Validate); every method returns an error
// otherwise. W must not change once the op has used it (see CSR).
type SparseMatVec struct {
	W          *CSR // the matrix; non-nil and valid
	Transposed bool // multiply by Wᵀ instead of W
}

// Validate reports whether W is non-nil and valid, checking W's fields once,
// on the first use of W.
func (op SparseMatVec) Validate() error {
	if op.W == nil {
		return fmt.Errorf("ops: SparseMatVec: W is nil")
	}
	if err := op.W.check(); err != nil {
		return fmt.Errorf("ops: %v: %w", op, err)
	}
	return nil
}

// Arity returns 1: x.
func (op SparseMatVec) Arity() int { return 1 }

// Type returns a → a: the output has x's rank and dtype.
func (op SparseMatVec) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

// InferShape returns (n) for x of shape (m) and (batch, n) for x of shape
// (batch, m), where m×n is Cols×Rows (Rows×Cols when Transposed). It returns
// an error for any other shape or an invalid op.
func (op SparseMatVec) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("ops: %v: got %d shapes, want 1", op, len(inputs))
	}
	if err := op.Validate(); err != nil {
		return nil, err
	}
	s, err := shapeOf(inputs[0], op.String())
	if err != nil {
		return nil, err
	}
	batch, err := op.batchOf(s)
	if err != nil {
		return nil, err
	}
	_, n := op.dims()
	if len(s) == 1 {
		return tensor.Shape{n}, nil
	}
	return tensor.Shape{batch, n}, nil
}

// Do multiplies into a newly allocated value; see SparseMatVec.
func (op SparseMatVec) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, batch, val32, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	_, n := op.dims()
	var s tensor.Shape
	if inputs[0].Shape().Dims() == 1 {
		s = tensor.Shape{n}
	} else {
		s = tensor.Shape{batch, n}
	}
	out := tensor.New(tensor.WithShape(s...), tensor.Of(x.dt))
	view, err := viewOf(out)
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	op.mul(x, view, batch, val32)
	return out, nil
}

// ReturnsPtr returns false: the output is a new value.
func (op SparseMatVec) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op SparseMatVec) CallsExtern() bool { return false }

// OverwritesInput returns -1: no input is overwritten.
func (op SparseMatVec) OverwritesInput() int { return -1 }

// WriteHash writes a type tag, Transposed, W's sizes and W's content hash
// (CSR.Hash) to h, or "nil" for a nil W.
func (op SparseMatVec) WriteHash(h hash.Hash) {
	if op.W == nil {
		fmt.Fprintf(h, "ops.SparseMatVec{transposed=%t,w=nil}", op.Transposed)
		return
	}
	fmt.Fprintf(h, "ops.SparseMatVec{transposed=%t,rows=%d,cols=%d,nnz=%d,w=%016x}",
		op.Transposed, op.W.Rows, op.W.Cols, op.W.NNZ(), op.W.Hash())
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op SparseMatVec) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "SparseMatVec{W 3×4 nnz=5 hash=0123456789abcdef}",
// with Wᵀ in place of W when Transposed.
func (op SparseMatVec) String() string {
	w := "W"
	if op.Transposed {
		w = "Wᵀ"
	}
	if op.W == nil {
		return fmt.Sprintf("SparseMatVec{%s nil}", w)
	}
	return fmt.Sprintf("SparseMatVec{%s %d×%d nnz=%d hash=%016x}", w, op.W.Rows, op.W.Cols, op.W.NNZ(), op.W.Hash())
}

// UsePreallocDo multiplies into prealloc, which must have the output's shape
// and dtype, and returns it. It does not allocate. prealloc must not share
// memory with x (every output element reads many elements of x): it returns
// an error then, and gorgonia's tape machine falls back to Do.
func (op SparseMatVec) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, batch, val32, err := op.check(inputs)
	if err != nil {
		return nil, err
	}
	view, err := op.preallocView(prealloc, x.dt, inputs[0].Shape().Dims(), batch)
	if err != nil {
		return nil, err
	}
	if overlap(x, view) {
		return nil, fmt.Errorf("ops: %v: the preallocated value shares memory with x", op)
	}
	op.mul(x, view, batch, val32)
	return prealloc, nil
}

// DiffWRT returns [true]: the gradient flows to x. W is not an input, so it
// gets no gradient.
func (op SparseMatVec) DiffWRT(inputs int) []bool { return allTrue(inputs) }

// SymDiff returns [SparseMatVec{W, !Transposed}(grad)]: Wᵀ·grad for y = W·x,
// grad·W for a batch, and W·grad when Transposed.
func (op SparseMatVec) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	if len(inputs) != 1 || inputs[0] == nil || grad == nil {
		return nil, fmt.Errorf("ops: %v: SymDiff needs one input and a gradient", op)
	}
	d, err := Apply(SparseMatVec{W: op.W, Transposed: !op.Transposed}, grad)
	if err != nil {
		return nil, fmt.Errorf("ops: %v: SymDiff: %w", op, err)
	}
	return gorgonia.Nodes{d}, nil
}

// CheckChildren checks x's dtype and shape before the node is built.
func (op SparseMatVec) CheckChildren(children []*gorgonia.Node) error {
	if err := floatChild(op, children); err != nil {
		return err
	}
	_, err := op.batchOf(children[0].Shape())
	return err
}

// dims returns the length m of an input row and n of an output row.
func (op SparseMatVec) dims() (m, n int) {
	if op.Transposed {
		return op.W.Rows, op.W.Cols
	}
	return op.W.Cols, op.W.Rows
}

// batchOf returns the batch size of x's shape: 1 for (m), batch for
// (batch, m); an error for any other shape. W must be non-nil.
func (op SparseMatVec) batchOf(s tensor.Shape) (int, error) {
	m, _ := op.dims()
	switch {
	case len(s) == 1 && s[0] == m:
		return 1, nil
	case len(s) == 2 && s[1] == m && s[0] >= 1:
		return s[0], nil
	}
	return 0, fmt.Errorf("ops: %v: x has shape %v, want (%d) or (batch, %d)", op, s, m, m)
}

// check validates the op and the input of Do and UsePreallocDo, and returns
// x's view, the batch size and, for a Float32 x, W's float32 values.
func (op SparseMatVec) check(inputs []gorgonia.Value) (x floatView, batch int, val32 []float32, err error) {
	if len(inputs) != 1 {
		err = arityError(op, len(inputs))
		return
	}
	if err = op.Validate(); err != nil {
		return
	}
	if x, err = viewOf(inputs[0]); err != nil {
		err = fmt.Errorf("ops: %v: x: %w", op, err)
		return
	}
	if batch, err = op.batchOf(inputs[0].Shape()); err != nil {
		return
	}
	if x.dt == tensor.Float32 {
		if val32, err = op.W.values32(); err != nil {
			err = fmt.Errorf("ops: %v: %w", op, err)
		}
	}
	return
}

// preallocView checks that prealloc has dtype dt and the output shape for an
// x of rank dims and the given batch, without allocating on success.
func (op SparseMatVec) preallocView(prealloc gorgonia.Value, dt tensor.Dtype, dims, batch int) (floatView, error) {
	if prealloc == nil {
		return floatView{}, fmt.Errorf("ops: %v: nil preallocated value", op)
	}
	view, err := viewOf(prealloc)
	if err != nil {
		return floatView{}, fmt.Errorf("ops: %v: preallocated value: %w", op, err)
	}
	if view.dt != dt {
		return floatView{}, fmt.Errorf("ops: %v: preallocated value has dtype %v, want %v", op, view.dt, dt)
	}
	_, n := op.dims()
	s := prealloc.Shape()
	ok := len(s) == dims && s[dims-1] == n && (dims == 1 || s[0] == batch)
	if !ok {
		want := tensor.Shape{n}
		if dims == 2 {
			want = tensor.Shape{batch, n}
		}
		return floatView{}, fmt.Errorf("ops: %v: preallocated value has shape %v, want %v", op, s, want)
	}
	return view, nil
}

// mul writes the product for each of the batch rows of x into out. x and
// out have the checked shapes and x's dtype and do not overlap.
func (op SparseMatVec) mul(x, out floatView, batch int, val32 []float32) {
	m, n := op.dims()
	w := op.W
	for b := 0; b < batch; b++ {
		switch x.dt {
		case tensor.Float32:
			xb, yb := x.f32[b*m:(b+1)*m], out.f32[b*n:(b+1)*n]
			if op.Transposed {
				scatterRows(w.RowPtr, w.ColIdx, val32, yb, xb)
			} else {
				gatherRows(w.RowPtr, w.ColIdx, val32, yb, xb)
			}
		default:
			xb, yb := x.f64[b*m:(b+1)*m], out.f64[b*n:(b+1)*n]
			if op.Transposed {
				scatterRows(w.RowPtr, w.ColIdx, w.Val, yb, xb)
			} else {
				gatherRows(w.RowPtr, w.ColIdx, w.Val, yb, xb)
			}
		}
	}
}

// gatherRows sets y[r] = Σ val[k]·x[colIdx[k]] over row r's entries in
// order, from +0, rounding each product (the conversion forbids a fused
// multiply-add). len(y) is the number of rows.
func gatherRows[T float32 | float64](rowPtr, colIdx []int32, val, y, x []T) {
	for r := range y {
		lo, hi := rowPtr[r], rowPtr[r+1]
		cols, vals := colIdx[lo:hi], val[lo:hi]
		var s T
		for k, c := range cols {
			s += T(vals[k] * x[c])
		}
		y[r] = s
	}
}

// scatterRows sets y = Wᵀ·x: it zeroes y and, for each row r in order with
// x[r] != 0, adds val[k]·x[r] to y[colIdx[k]], rounding each product. len(x)
// is the number of rows.
func scatterRows[T float32 | float64](rowPtr, colIdx []int32, val, y, x []T) {
	clear(y)
	for r, xr := range x {
		if xr == 0 {
			continue
		}
		lo, hi := rowPtr[r], rowPtr[r+1]
		cols, vals := colIdx[lo:hi], val[lo:hi]
		for k, c := range cols {
			y[c] += T(vals[k] * xr)
		}
	}
}

// overlap reports whether the data of a and b (same dtype) share memory.
func overlap(a, b floatView) bool {
	var pa, pb unsafe.Pointer
	var na, nb, size uintptr
	if a.dt == tensor.Float32 {
		pa, pb, na, nb, size = unsafe.Pointer(unsafe.SliceData(a.f32)), unsafe.Pointer(unsafe.SliceData(b.f32)), uintptr(len(a.f32)), uintptr(len(b.f32)), 4
	} else {
		pa, pb, na, nb, size = unsafe.Pointer(unsafe.SliceData(a.f64)), unsafe.Pointer(unsafe.SliceData(b.f64)), uintptr(len(a.f64)), uintptr(len(b.f64)), 8
	}
	if na == 0 || nb == 0 {
		return false
	}
	a0, b0 := uintptr(pa), uintptr(pb)
	return a0 < b0+nb*size && b0 < a0+na*size
}
