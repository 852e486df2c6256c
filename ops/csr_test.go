package ops

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// testCSR returns the 3×4 matrix
//
//	[ 1  0  2  0 ]
//	[ 0  0  0  0 ]
//	[ 0 -3  0  4 ]
//
// built by hand, with its dense form.
func testCSR() (*CSR, []float64) {
	c := &CSR{
		Rows:   3,
		Cols:   4,
		RowPtr: []int32{0, 2, 2, 4},
		ColIdx: []int32{0, 2, 1, 3},
		Val:    []float64{1, 2, -3, 4},
	}
	return c, []float64{1, 0, 2, 0, 0, 0, 0, 0, 0, -3, 0, 4}
}

// randomDense returns a rows×cols row-major matrix whose elements are nonzero
// with probability p, uniform in [-1, 1) otherwise zero.
func randomDense(rng *rand.Rand, rows, cols int, p float64) []float64 {
	w := make([]float64, rows*cols)
	for i := range w {
		if rng.Float64() < p {
			w[i] = 2*rng.Float64() - 1
		}
	}
	return w
}

// randomCSR returns randomDense as a CSR, and the dense matrix.
func randomCSR(t testing.TB, rng *rand.Rand, rows, cols int, p float64) (*CSR, []float64) {
	t.Helper()
	w := randomDense(rng, rows, cols, p)
	c, err := FromDense(rows, cols, w)
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

// randomVec returns n values uniform in [-1, 1).
func randomVec(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	return x
}

// denseRowsLeftToRight is a dense reference for y = W·x: each row summed
// left to right over all columns, zeros included, from +0, each product
// rounded before it is added.
func denseRowsLeftToRight(rows, cols int, w, x []float64) []float64 {
	y := make([]float64, rows)
	for r := 0; r < rows; r++ {
		s := 0.0
		for j := 0; j < cols; j++ {
			s += float64(w[r*cols+j] * x[j])
		}
		y[r] = s
	}
	return y
}

// denseColsTopToBottom is a dense reference for y = Wᵀ·x: each column summed
// over all rows in increasing order, zeros included.
func denseColsTopToBottom(rows, cols int, w, x []float64) []float64 {
	y := make([]float64, cols)
	for j := 0; j < cols; j++ {
		s := 0.0
		for r := 0; r < rows; r++ {
			s += float64(w[r*cols+j] * x[r])
		}
		y[j] = s
	}
	return y
}

func TestCSRValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(c *CSR)
		want string
	}{
		{"rows", func(c *CSR) { c.Rows = 0 }, "Rows (0)"},
		{"cols", func(c *CSR) { c.Cols = 0 }, "Cols (0)"},
		{"cols int32", func(c *CSR) { c.Cols = math.MaxInt32 + 1 }, "Cols (2147483648)"},
		{"rowptr length", func(c *CSR) { c.RowPtr = c.RowPtr[:3] }, "len(RowPtr) is 3, want Rows+1 = 4"},
		{"val length", func(c *CSR) { c.Val = c.Val[:3] }, "len(Val) is 3, want len(ColIdx) = 4"},
		{"rowptr start", func(c *CSR) { c.RowPtr[0] = 1 }, "RowPtr[0] is 1, want 0"},
		{"rowptr end", func(c *CSR) { c.RowPtr[3] = 3 }, "RowPtr[3] (the last) is 3, want len(ColIdx) = 4"},
		{"rowptr monotone", func(c *CSR) { c.RowPtr[1] = 3; c.RowPtr[2] = 2 }, "RowPtr[2] (2) is less than RowPtr[1] (3)"},
		{"rowptr beyond nnz", func(c *CSR) { c.RowPtr[1], c.RowPtr[2] = 5, 5 }, "RowPtr[3] (4) is less than RowPtr[2] (5)"},
		{"colidx negative", func(c *CSR) { c.ColIdx[0] = -1 }, "ColIdx[0] (-1) in row 0 is outside [0, Cols = 4)"},
		{"colidx range", func(c *CSR) { c.ColIdx[3] = 4 }, "ColIdx[3] (4) in row 2 is outside"},
		{"colidx duplicate", func(c *CSR) { c.ColIdx[1] = 0 }, "ColIdx[1] (0) in row 0 does not exceed ColIdx[0] (0)"},
		{"colidx decreasing", func(c *CSR) { c.ColIdx[2], c.ColIdx[3] = 3, 1 }, "ColIdx[3] (1) in row 2 does not exceed ColIdx[2] (3)"},
		{"val nan", func(c *CSR) { c.Val[2] = math.NaN() }, "Val[2] (NaN) at row 2, column 1 is not finite"},
		{"val inf", func(c *CSR) { c.Val[0] = math.Inf(-1) }, "Val[0] (-Inf) at row 0, column 0 is not finite"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := testCSR()
			if err := c.Validate(); err != nil {
				t.Fatalf("unedited matrix: %v", err)
			}
			tc.edit(c)
			wantErr(t, c.Validate(), "CSR", tc.want)
		})
	}
	// A column index may equal the previous row's last one: strictness is per row.
	c := &CSR{Rows: 2, Cols: 2, RowPtr: []int32{0, 1, 2}, ColIdx: []int32{1, 1}, Val: []float64{1, 2}}
	if err := c.Validate(); err != nil {
		t.Errorf("column 1 in two rows: %v", err)
	}
	var nilCSR *CSR
	wantErr(t, nilCSR.Validate(), "nil matrix")
	wantErr(t, (&CSR{}).Validate(), "Rows (0)")
}

func TestFromDenseAndDense(t *testing.T) {
	t.Parallel()
	want, w := testCSR()
	w[1] = math.Copysign(0, -1) // -0 is dropped like +0
	c, err := FromDense(3, 4, w)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rows != 3 || c.Cols != 4 || !slices.Equal(c.RowPtr, want.RowPtr) || !slices.Equal(c.ColIdx, want.ColIdx) || !slices.Equal(c.Val, want.Val) {
		t.Fatalf("FromDense = %+v, want %+v", c, want)
	}
	if cap(c.ColIdx) != 4 || cap(c.Val) != 4 {
		t.Errorf("capacities %d, %d; want exactly nnz = 4", cap(c.ColIdx), cap(c.Val))
	}
	d, err := c.Dense()
	if err != nil {
		t.Fatal(err)
	}
	_, w0 := testCSR()
	if !slices.Equal(d, w0) {
		t.Errorf("Dense = %v, want %v", d, w0)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range []float64{0, 0.1, 1} {
		w := randomDense(rng, 7, 5, p)
		c, err := FromDense(7, 5, w)
		if err != nil {
			t.Fatal(err)
		}
		if d, err := c.Dense(); err != nil || !slices.Equal(d, w) {
			t.Errorf("p = %v: Dense(FromDense(w)) = %v, %v; want %v", p, d, err, w)
		}
	}

	_, err = FromDense(3, 4, w[:11])
	wantErr(t, err, "len(w) is 11, want rows·cols = 3·4")
	_, err = FromDense(0, 4, nil)
	wantErr(t, err, "rows (0)")
	_, err = FromDense(2, math.MaxInt32+1, nil)
	wantErr(t, err, "cols (2147483648)")
	_, err = FromDense(math.MaxInt, 2, nil)
	wantErr(t, err, "len(w) is 0")
	w[6] = math.NaN()
	_, err = FromDense(3, 4, w)
	wantErr(t, err, "w[6] (NaN) at row 1, column 2 is not finite")
	// The nonzero limit is math.MaxInt32; a lower limit exercises the check.
	_, err = fromDense(3, 4, w0, 3)
	wantErr(t, err, "4 nonzeros exceed the int32 offset range (3)")
	if _, err := fromDense(3, 4, w0, 4); err != nil {
		t.Errorf("4 nonzeros at limit 4: %v", err)
	}
	bad, _ := testCSR()
	bad.ColIdx[0] = 9
	_, err = bad.Dense()
	wantErr(t, err, "ColIdx[0] (9)")
}

func TestCSRBuilder(t *testing.T) {
	t.Parallel()
	want, _ := testCSR()
	b, err := NewCSRBuilder(3, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		cols []int32
		vals []float64
		want string // "" for success
	}{
		{[]int32{0, 2}, []float64{1}, "row 0 has 2 columns and 1 values"},
		{[]int32{0, 4}, []float64{1, 2}, "row 0: cols[1] (4) is outside [0, Cols = 4)"},
		{[]int32{-1}, []float64{1}, "row 0: cols[0] (-1) is outside"},
		{[]int32{2, 2}, []float64{1, 2}, "row 0: cols[1] (2) does not exceed cols[0] (2)"},
		{[]int32{2, 0}, []float64{1, 2}, "row 0: cols[1] (0) does not exceed cols[0] (2)"},
		{[]int32{0, 2}, []float64{1, math.Inf(1)}, "row 0: vals[1] (+Inf) in column 2 is not finite"},
		{[]int32{0, 2}, []float64{1, 2}, ""},
		{nil, nil, ""},
		{[]int32{1, 3}, []float64{math.NaN(), 4}, "row 2: vals[0] (NaN)"},
		{[]int32{1, 3}, []float64{-3, 4}, ""},
		{[]int32{0}, []float64{1}, "all 3 rows are already added"},
	}
	for i, s := range steps {
		err := b.AddRow(s.cols, s.vals)
		if s.want == "" {
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			continue
		}
		wantErr(t, err, "CSRBuilder.AddRow", s.want)
	}
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.RowPtr, want.RowPtr) || !slices.Equal(c.ColIdx, want.ColIdx) || !slices.Equal(c.Val, want.Val) {
		t.Fatalf("Build = %+v, want %+v (failed AddRows must leave the builder unchanged)", c, want)
	}
	if c.Hash() != want.Hash() {
		t.Error("built and literal matrices with equal content hash differently")
	}
	_, err = b.Build()
	wantErr(t, err, "already built")
	wantErr(t, b.AddRow(nil, nil), "already built")

	// AddRow copies: changing the caller's slices afterwards changes nothing.
	b2, _ := NewCSRBuilder(1, 3, 0)
	cols, vals := []int32{0, 2}, []float64{5, 6}
	if err := b2.AddRow(cols, vals); err != nil {
		t.Fatal(err)
	}
	cols[0], vals[0] = 1, 7
	c2, err := b2.Build()
	if err != nil || c2.ColIdx[0] != 0 || c2.Val[0] != 5 {
		t.Errorf("Build after changing the row slices = %+v, %v; want column 0 value 5", c2, err)
	}
	// An explicit zero is an entry.
	if c2, _ := FromDense(1, 3, []float64{0, 1, 0}); c2.NNZ() != 1 {
		t.Errorf("FromDense kept %d entries, want 1", c2.NNZ())
	}
	b3, _ := NewCSRBuilder(1, 3, 0)
	if err := b3.AddRow([]int32{1}, []float64{0}); err != nil {
		t.Fatal(err)
	}
	if c3, err := b3.Build(); err != nil || c3.NNZ() != 1 {
		t.Errorf("explicit zero: %+v, %v; want one entry", c3, err)
	}

	b4, _ := NewCSRBuilder(3, 4, 0)
	if err := b4.AddRow([]int32{1}, []float64{1}); err != nil {
		t.Fatal(err)
	}
	_, err = b4.Build()
	wantErr(t, err, "1 of 3 rows added")

	// The entry limit is math.MaxInt32; a lower limit exercises the check.
	b5, _ := NewCSRBuilder(3, 4, 0)
	b5.limit = 3
	if err := b5.AddRow([]int32{0, 1}, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, b5.AddRow([]int32{0, 1}, []float64{1, 2}), "row 1 brings the entries to 4, beyond the int32 offset range (3)")
	if err := b5.AddRow([]int32{3}, []float64{1}); err != nil {
		t.Errorf("third entry at limit 3: %v", err)
	}

	for _, bad := range []struct {
		rows, cols, hint int
		want             string
	}{
		{0, 4, 0, "rows (0)"},
		{3, 0, 0, "cols (0)"},
		{3, math.MaxInt32 + 1, 0, "cols (2147483648)"},
		{3, 4, -1, "nnzHint (-1)"},
		{3, 4, math.MaxInt32 + 1, "nnzHint (2147483648)"},
	} {
		_, err := NewCSRBuilder(bad.rows, bad.cols, bad.hint)
		wantErr(t, err, "NewCSRBuilder", bad.want)
	}
}

// TestCSRMulVec compares MulVec with a dense loop that sums each row left to
// right: the zero products of the dense loop do not change the sums, so the
// two agree bit for bit.
func TestCSRMulVec(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{1, 1}, {3, 4}, {40, 25}, {17, 60}} {
		for _, p := range []float64{0, 0.1, 0.5, 1} {
			c, w := randomCSR(t, rng, sz[0], sz[1], p)
			x := randomVec(rng, sz[1])
			x[0] = 0 // zeros in x give ±0 products
			y := make([]float64, sz[0])
			if err := c.MulVec(y, x); err != nil {
				t.Fatal(err)
			}
			want := denseRowsLeftToRight(sz[0], sz[1], w, x)
			for r := range want {
				if math.Float64bits(y[r]) != math.Float64bits(want[r]) {
					t.Fatalf("%d×%d p=%v row %d: MulVec %v, dense loop %v", sz[0], sz[1], p, r, y[r], want[r])
				}
			}
		}
	}
	c, _ := testCSR()
	y := []float64{9, 9, 9}
	wantErr(t, c.MulVec(y, make([]float64, 3)), "len(x) is 3, want Cols = 4")
	wantErr(t, c.MulVec(y[:2], make([]float64, 4)), "len(dst) is 2, want Rows = 3")
	sq, _ := FromDense(2, 2, []float64{1, 2, 3, 4})
	xy := []float64{1, 1, 0}
	wantErr(t, sq.MulVec(xy[1:], xy[:2]), "dst shares memory with x")
	if xy[0] != 1 || xy[1] != 1 || xy[2] != 0 {
		t.Errorf("MulVec changed the aliased slices to %v on an error", xy)
	}
	buf := []float64{1, 1, 0, 0} // x and dst adjacent in one array, not overlapping
	if err := sq.MulVec(buf[2:], buf[:2]); err != nil || buf[2] != 3 || buf[3] != 7 {
		t.Errorf("MulVec into the adjacent half = %v, %v; want [1 1 3 7]", buf, err)
	}
	if y[0] != 9 {
		t.Error("MulVec changed dst on an error")
	}
	if err := c.MulVec(y, []float64{1, 1, 1, 1}); err != nil || !slices.Equal(y, []float64{3, 0, 1}) {
		t.Errorf("MulVec(ones) = %v, %v; want [3 0 1]", y, err)
	}
	bad, _ := testCSR()
	bad.RowPtr[1] = 3
	bad.RowPtr[2] = 2
	wantErr(t, bad.MulVec(y, make([]float64, 4)), "RowPtr[2]")
	var nilCSR *CSR
	wantErr(t, nilCSR.MulVec(y, nil), "nil matrix")
}

// TestCSRHash checks the content hash against hash/fnv over the documented
// serialization, that equal content hashes equally, that a change to any
// field changes it, and that it is computed once.
func TestCSRHash(t *testing.T) {
	t.Parallel()
	c, _ := testCSR()
	h := fnv.New64a()
	put := func(v any) {
		if err := binary.Write(h, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	put(uint64(c.Rows))
	put(uint64(c.Cols))
	put(uint64(len(c.RowPtr)))
	put(c.RowPtr)
	put(uint64(len(c.ColIdx)))
	put(c.ColIdx)
	put(uint64(len(c.Val)))
	put(c.Val)
	if got, want := c.Hash(), h.Sum64(); got != want {
		t.Fatalf("Hash = %016x, hash/fnv over the same bytes = %016x", got, want)
	}

	edits := map[string]func(c *CSR){
		"rows":   func(c *CSR) { c.Rows = 4; c.RowPtr = append(c.RowPtr, 4) },
		"cols":   func(c *CSR) { c.Cols = 5 },
		"rowptr": func(c *CSR) { c.RowPtr[1] = 1 },
		"colidx": func(c *CSR) { c.ColIdx[1] = 3 },
		"val":    func(c *CSR) { c.Val[3] = math.Nextafter(4, 5) },
		"-0":     func(c *CSR) { c.Val[1] = math.Copysign(0, -1) }, // unlike "zero" below
	}
	zero, _ := testCSR()
	zero.Val[1] = 0
	seen := map[uint64]string{c.Hash(): "base", zero.Hash(): "zero"}
	for name, edit := range edits {
		e, _ := testCSR()
		edit(e)
		if prev, ok := seen[e.Hash()]; ok {
			t.Errorf("edit %q hashes like %q", name, prev)
		}
		seen[e.Hash()] = name
	}
	same, _ := testCSR()
	if same.Hash() != c.Hash() {
		t.Error("two matrices with equal content hash differently")
	}
	// FromDense and Build do not freeze the matrix: a change before first
	// use is part of the hash.
	_, w := testCSR()
	fd, err := FromDense(3, 4, w)
	if err != nil {
		t.Fatal(err)
	}
	fd.Val[3] = 5
	lit, _ := testCSR()
	lit.Val[3] = 5
	if fd.Hash() != lit.Hash() || fd.Hash() == c.Hash() {
		t.Error("a change made after FromDense, before first use, is not in the hash")
	}
	// The hash is computed on first use and kept: a later change to the
	// fields (which the CSR doc forbids) is not seen.
	before := same.Hash()
	same.Val[0] = 100
	if same.Hash() != before {
		t.Error("Hash changed after a change to Val; want it computed once")
	}
	var nilCSR *CSR
	if nilCSR.Hash() != 0 {
		t.Error("nil CSR hash is not 0")
	}
}

func TestCSRValues32(t *testing.T) {
	t.Parallel()
	c, _ := testCSR()
	v, err := c.values32()
	if err != nil || !slices.Equal(v, []float32{1, 2, -3, 4}) {
		t.Fatalf("values32 = %v, %v", v, err)
	}
	if v2, _ := c.values32(); &v2[0] != &v[0] {
		t.Error("values32 made a second copy; want one per matrix")
	}
	big, _ := testCSR()
	big.Val[2] = 1e39
	_, err = big.values32()
	wantErr(t, err, "Val[2] (1e+39) overflows float32")
}
