package ops

import (
	"fmt"
	"math"
	"sync"

	"gorgonia.org/tensor"
)

// maxNNZ is the largest number of stored entries a CSR may hold: RowPtr
// holds offsets into ColIdx and Val as int32.
const maxNNZ = math.MaxInt32

// CSR is a Rows×Cols matrix in compressed sparse row form: the stored
// entries of row r are Val[RowPtr[r]:RowPtr[r+1]], in the columns
// ColIdx[RowPtr[r]:RowPtr[r+1]], which increase strictly. Indices are 32-bit,
// so a CSR holds at most math.MaxInt32 entries and Cols is at most
// math.MaxInt32. Validate checks these rules; NewCSRBuilder and FromDense
// build a valid CSR.
//
// Use a CSR through a pointer. Its fields may be changed until the matrix is
// first used by Hash or by a SparseMatVec (Apply, InferShape, Do, ...): that
// first use validates the matrix and computes its content hash once, and the
// first float32 product makes a float32 copy of Val once. Do not change the
// fields after that: the op would keep the old validation result, hash and
// float32 values (an index changed out of range could even make the op
// panic), and the graph was built with the old hash. MulVec, Dense and
// Validate check the fields as they are at each call. A CSR holds a
// sync.Once, so it must not be copied by value (go vet's copylocks check
// reports copies). Any number of goroutines may read a CSR at the same time.
type CSR struct {
	Rows   int       // number of rows; at least 1
	Cols   int       // number of columns; in [1, math.MaxInt32]
	RowPtr []int32   // len Rows+1; RowPtr[0] = 0, non-decreasing, RowPtr[Rows] = len(ColIdx)
	ColIdx []int32   // len nnz; column of each entry, in [0, Cols), strictly increasing within a row
	Val    []float64 // len nnz; value of each entry, finite (an explicit zero is kept as an entry)

	cache csrCache
}

// csrCache holds what a CSR computes once: Validate's result and the content
// hash, and on first float32 use a float32 copy of Val.
type csrCache struct {
	once sync.Once
	err  error  // Validate's result at first use
	hash uint64 // FNV-64a content hash

	once32 sync.Once
	val32  []float32 // Val rounded to float32
	err32  error     // an entry that overflows float32
}

// NNZ returns the number of stored entries, len(Val).
func (c *CSR) NNZ() int { return len(c.Val) }

// Validate reports whether the matrix follows the CSR rules listed on the
// fields. The error names the field and, for an entry, its index, row and
// column. It checks the fields as they are now, every time it is called.
func (c *CSR) Validate() error {
	if c == nil {
		return fmt.Errorf("ops: CSR: nil matrix")
	}
	if c.Rows < 1 {
		return fmt.Errorf("ops: CSR: Rows (%d) must be at least 1", c.Rows)
	}
	if c.Cols < 1 || c.Cols > math.MaxInt32 {
		return fmt.Errorf("ops: CSR: Cols (%d) must be in [1, %d]", c.Cols, math.MaxInt32)
	}
	if len(c.RowPtr) != c.Rows+1 {
		return fmt.Errorf("ops: CSR: len(RowPtr) is %d, want Rows+1 = %d", len(c.RowPtr), c.Rows+1)
	}
	nnz := len(c.ColIdx)
	if nnz > maxNNZ {
		return fmt.Errorf("ops: CSR: len(ColIdx) (%d) exceeds the int32 offset range (%d)", nnz, maxNNZ)
	}
	if len(c.Val) != nnz {
		return fmt.Errorf("ops: CSR: len(Val) is %d, want len(ColIdx) = %d", len(c.Val), nnz)
	}
	if c.RowPtr[0] != 0 {
		return fmt.Errorf("ops: CSR: RowPtr[0] is %d, want 0", c.RowPtr[0])
	}
	if int(c.RowPtr[c.Rows]) != nnz {
		return fmt.Errorf("ops: CSR: RowPtr[%d] (the last) is %d, want len(ColIdx) = %d", c.Rows, c.RowPtr[c.Rows], nnz)
	}
	for r := 0; r < c.Rows; r++ {
		if c.RowPtr[r+1] < c.RowPtr[r] {
			return fmt.Errorf("ops: CSR: RowPtr[%d] (%d) is less than RowPtr[%d] (%d)", r+1, c.RowPtr[r+1], r, c.RowPtr[r])
		}
	}
	// RowPtr is now non-decreasing from 0 to nnz, so every row slice is in range.
	for r := 0; r < c.Rows; r++ {
		for k := int(c.RowPtr[r]); k < int(c.RowPtr[r+1]); k++ {
			col := c.ColIdx[k]
			if col < 0 || int(col) >= c.Cols {
				return fmt.Errorf("ops: CSR: ColIdx[%d] (%d) in row %d is outside [0, Cols = %d)", k, col, r, c.Cols)
			}
			if k > int(c.RowPtr[r]) && col <= c.ColIdx[k-1] {
				return fmt.Errorf("ops: CSR: ColIdx[%d] (%d) in row %d does not exceed ColIdx[%d] (%d): columns must increase strictly within a row", k, col, r, k-1, c.ColIdx[k-1])
			}
			if v := c.Val[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("ops: CSR: Val[%d] (%g) at row %d, column %d is not finite", k, v, r, col)
			}
		}
	}
	return nil
}

// Hash returns the FNV-64a hash of the matrix content: Rows, Cols, the
// lengths and elements of RowPtr, ColIdx and the bits of Val, each as
// little-endian words. It is computed once, on first use. Equal content
// gives equal hashes; SparseMatVec.WriteHash writes it, so that ops over
// different matrices stay distinct gorgonia nodes and ops over equal
// matrices may merge. Val's bits are hashed, so +0 and -0 entries differ.
func (c *CSR) Hash() uint64 {
	if c == nil {
		return 0
	}
	return c.prepared().hash
}

// prepared validates c and computes its hash on first use.
func (c *CSR) prepared() *csrCache {
	c.cache.once.Do(func() {
		c.cache.err = c.Validate()
		c.cache.hash = c.contentHash()
	})
	return &c.cache
}

// check returns Validate's result from the first use of c.
func (c *CSR) check() error {
	if c == nil {
		return fmt.Errorf("ops: CSR: nil matrix")
	}
	return c.prepared().err
}

// values32 returns Val rounded to float32, made on first use, or an error
// when c is invalid or an entry overflows float32.
func (c *CSR) values32() ([]float32, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	c.cache.once32.Do(func() {
		v32 := make([]float32, len(c.Val))
		for k, v := range c.Val {
			v32[k] = float32(v)
			if math.IsInf(float64(v32[k]), 0) {
				c.cache.err32 = fmt.Errorf("ops: CSR: Val[%d] (%g) overflows float32", k, v)
				return
			}
		}
		c.cache.val32 = v32
	})
	return c.cache.val32, c.cache.err32
}

// contentHash computes the FNV-64a hash of the fields (see Hash) without
// allocating.
func (c *CSR) contentHash() uint64 {
	h := fnv64Offset
	h = fnv64Word(h, uint64(c.Rows))
	h = fnv64Word(h, uint64(c.Cols))
	h = fnv64Word(h, uint64(len(c.RowPtr)))
	for _, p := range c.RowPtr {
		h = fnv64Word32(h, uint32(p))
	}
	h = fnv64Word(h, uint64(len(c.ColIdx)))
	for _, j := range c.ColIdx {
		h = fnv64Word32(h, uint32(j))
	}
	h = fnv64Word(h, uint64(len(c.Val)))
	for _, v := range c.Val {
		h = fnv64Word(h, math.Float64bits(v))
	}
	return h
}

// FNV-1a 64-bit parameters (Fowler, Noll and Vo; the values of hash/fnv).
const (
	fnv64Offset uint64 = 14695981039346656037
	fnv64Prime  uint64 = 1099511628211
)

// fnv64Word feeds the 8 little-endian bytes of w into the FNV-64a state h.
func fnv64Word(h, w uint64) uint64 {
	for i := 0; i < 8; i++ {
		h ^= w & 0xff
		h *= fnv64Prime
		w >>= 8
	}
	return h
}

// fnv64Word32 feeds the 4 little-endian bytes of w into the FNV-64a state h.
func fnv64Word32(h uint64, w uint32) uint64 {
	for i := 0; i < 4; i++ {
		h ^= uint64(w & 0xff)
		h *= fnv64Prime
		w >>= 8
	}
	return h
}

// MulVec computes dst = W·x in plain Go: dst[r] is the sum over the stored
// entries of row r, in increasing column order, of Val[k]·x[ColIdx[k]],
// starting from +0 and rounding each product to float64 before adding it (no
// fused multiply-add). len(x) must be Cols and len(dst) Rows, and dst must
// not share memory with x. It is the reference for SparseMatVec, which gives the same
// bits. It validates c at every call (O(nnz), as the product) and returns
// an error, leaving dst unchanged, when c is invalid or a length is wrong.
func (c *CSR) MulVec(dst, x []float64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if len(x) != c.Cols {
		return fmt.Errorf("ops: CSR.MulVec: len(x) is %d, want Cols = %d", len(x), c.Cols)
	}
	if len(dst) != c.Rows {
		return fmt.Errorf("ops: CSR.MulVec: len(dst) is %d, want Rows = %d", len(dst), c.Rows)
	}
	if overlap(floatView{dt: tensor.Float64, f64: dst}, floatView{dt: tensor.Float64, f64: x}) {
		return fmt.Errorf("ops: CSR.MulVec: dst shares memory with x")
	}
	for r := 0; r < c.Rows; r++ {
		s := 0.0
		for k := c.RowPtr[r]; k < c.RowPtr[r+1]; k++ {
			s += float64(c.Val[k] * x[c.ColIdx[k]])
		}
		dst[r] = s
	}
	return nil
}

// Dense returns the matrix as a new row-major slice of Rows·Cols elements,
// zero where no entry is stored. It is meant for tests and small matrices.
func (c *CSR) Dense() ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Cols > math.MaxInt/c.Rows {
		return nil, fmt.Errorf("ops: CSR.Dense: %d×%d elements overflow int", c.Rows, c.Cols)
	}
	w := make([]float64, c.Rows*c.Cols)
	for r := 0; r < c.Rows; r++ {
		for k := c.RowPtr[r]; k < c.RowPtr[r+1]; k++ {
			w[r*c.Cols+int(c.ColIdx[k])] = c.Val[k]
		}
	}
	return w, nil
}

// FromDense returns the CSR of the rows×cols row-major matrix w, keeping the
// nonzero elements (+0 and -0 are dropped). It counts the entries first and
// allocates the CSR's slices once, at their final sizes. It returns an error
// when rows or cols is below 1, len(w) is not rows·cols, an element is NaN
// or infinite, or there are more than math.MaxInt32 nonzeros.
func FromDense(rows, cols int, w []float64) (*CSR, error) {
	return fromDense(rows, cols, w, maxNNZ)
}

// fromDense is FromDense with the entry limit as a parameter, so that tests
// can exercise the overflow check without a 2^31-entry matrix.
func fromDense(rows, cols int, w []float64, limit int) (*CSR, error) {
	if rows < 1 || cols < 1 || cols > math.MaxInt32 {
		return nil, fmt.Errorf("ops: FromDense: rows (%d) must be at least 1 and cols (%d) in [1, %d]", rows, cols, math.MaxInt32)
	}
	if cols > math.MaxInt/rows || len(w) != rows*cols {
		return nil, fmt.Errorf("ops: FromDense: len(w) is %d, want rows·cols = %d·%d", len(w), rows, cols)
	}
	nnz := 0
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("ops: FromDense: w[%d] (%g) at row %d, column %d is not finite", i, v, i/cols, i%cols)
		}
		if v != 0 {
			nnz++
		}
	}
	if nnz > limit {
		return nil, fmt.Errorf("ops: FromDense: %d nonzeros exceed the int32 offset range (%d)", nnz, limit)
	}
	c := &CSR{
		Rows:   rows,
		Cols:   cols,
		RowPtr: make([]int32, rows+1),
		ColIdx: make([]int32, 0, nnz),
		Val:    make([]float64, 0, nnz),
	}
	for r := 0; r < rows; r++ {
		for j, v := range w[r*cols : (r+1)*cols] {
			if v != 0 {
				c.ColIdx = append(c.ColIdx, int32(j))
				c.Val = append(c.Val, v)
			}
		}
		c.RowPtr[r+1] = int32(len(c.ColIdx))
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("ops: FromDense: %w", err)
	}
	return c, nil
}

// CSRBuilder builds a CSR row by row, appending each row's entries to the
// final ColIdx and Val slices (no coordinate-list copy). Add exactly Rows
// rows with AddRow, in order, then call Build once. A CSRBuilder is not safe
// for concurrent use.
type CSRBuilder struct {
	rows, cols int
	rowPtr     []int32
	colIdx     []int32
	val        []float64
	limit      int  // most entries allowed; maxNNZ except in tests
	built      bool // Build has returned the slices
}

// NewCSRBuilder returns a builder for a rows×cols CSR. nnzHint is the
// expected number of entries, used as the initial capacity (0 if unknown);
// the slices grow past it as needed. It returns an error when rows is below
// 1, cols is outside [1, math.MaxInt32], or nnzHint is negative or above
// math.MaxInt32.
func NewCSRBuilder(rows, cols, nnzHint int) (*CSRBuilder, error) {
	if rows < 1 {
		return nil, fmt.Errorf("ops: NewCSRBuilder: rows (%d) must be at least 1", rows)
	}
	if cols < 1 || cols > math.MaxInt32 {
		return nil, fmt.Errorf("ops: NewCSRBuilder: cols (%d) must be in [1, %d]", cols, math.MaxInt32)
	}
	if nnzHint < 0 || nnzHint > maxNNZ {
		return nil, fmt.Errorf("ops: NewCSRBuilder: nnzHint (%d) must be in [0, %d]", nnzHint, maxNNZ)
	}
	rowPtr := make([]int32, 1, rows+1)
	return &CSRBuilder{
		rows:   rows,
		cols:   cols,
		rowPtr: rowPtr,
		colIdx: make([]int32, 0, nnzHint),
		val:    make([]float64, 0, nnzHint),
		limit:  maxNNZ,
	}, nil
}

// AddRow appends the next row: its entries are vals[i] in column cols[i].
// cols must increase strictly and lie in [0, Cols), vals must be finite and
// have cols' length; an explicit zero is stored as an entry. An empty row is
// AddRow(nil, nil). AddRow copies the entries and does not keep the slices.
// On an error (a bad entry, more than Rows rows, more than math.MaxInt32
// entries in all, or a builder already built) the builder is unchanged.
func (b *CSRBuilder) AddRow(cols []int32, vals []float64) error {
	if b.built {
		return fmt.Errorf("ops: CSRBuilder.AddRow: the builder has already built its CSR")
	}
	r := len(b.rowPtr) - 1
	if r >= b.rows {
		return fmt.Errorf("ops: CSRBuilder.AddRow: all %d rows are already added", b.rows)
	}
	if len(cols) != len(vals) {
		return fmt.Errorf("ops: CSRBuilder.AddRow: row %d has %d columns and %d values", r, len(cols), len(vals))
	}
	if len(cols) > b.limit-len(b.colIdx) {
		return fmt.Errorf("ops: CSRBuilder.AddRow: row %d brings the entries to %d, beyond the int32 offset range (%d)", r, len(b.colIdx)+len(cols), b.limit)
	}
	for i, col := range cols {
		if col < 0 || int(col) >= b.cols {
			return fmt.Errorf("ops: CSRBuilder.AddRow: row %d: cols[%d] (%d) is outside [0, Cols = %d)", r, i, col, b.cols)
		}
		if i > 0 && col <= cols[i-1] {
			return fmt.Errorf("ops: CSRBuilder.AddRow: row %d: cols[%d] (%d) does not exceed cols[%d] (%d): columns must increase strictly", r, i, col, i-1, cols[i-1])
		}
		if v := vals[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("ops: CSRBuilder.AddRow: row %d: vals[%d] (%g) in column %d is not finite", r, i, v, col)
		}
	}
	b.colIdx = append(b.colIdx, cols...)
	b.val = append(b.val, vals...)
	b.rowPtr = append(b.rowPtr, int32(len(b.colIdx)))
	return nil
}

// Build returns the CSR of the added rows, which hands the builder's slices
// to it without copying; the builder is spent afterwards. It returns an error
// when fewer than Rows rows were added or Build was already called.
func (b *CSRBuilder) Build() (*CSR, error) {
	if b.built {
		return nil, fmt.Errorf("ops: CSRBuilder.Build: the builder has already built its CSR")
	}
	if got := len(b.rowPtr) - 1; got != b.rows {
		return nil, fmt.Errorf("ops: CSRBuilder.Build: %d of %d rows added", got, b.rows)
	}
	c := &CSR{Rows: b.rows, Cols: b.cols, RowPtr: b.rowPtr, ColIdx: b.colIdx, Val: b.val}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("ops: CSRBuilder.Build: %w", err)
	}
	b.built = true
	b.rowPtr, b.colIdx, b.val = nil, nil, nil
	return c, nil
}
