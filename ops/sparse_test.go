package ops

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// transposeDense returns the cols×rows transpose of a rows×cols matrix.
func transposeDense(rows, cols int, w []float64) []float64 {
	t := make([]float64, len(w))
	for r := 0; r < rows; r++ {
		for j := 0; j < cols; j++ {
			t[j*rows+r] = w[r*cols+j]
		}
	}
	return t
}

// sameBits fails unless got and want agree bit for bit.
func sameBits(t testing.TB, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d elements, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s: element %d: got %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestSparseMatVecForward checks Do and UsePreallocDo, vector and batch,
// W and Wᵀ, against the plain-Go MulVec and against dense loops that sum in
// the documented order, bit for bit.
func TestSparseMatVecForward(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{1, 1}, {3, 4}, {30, 20}, {9, 50}} {
		rows, cols := sz[0], sz[1]
		for _, p := range []float64{0, 0.2, 1} {
			c, w := randomCSR(t, rng, rows, cols, p)
			const batch = 3
			for _, transposed := range []bool{false, true} {
				op := SparseMatVec{W: c, Transposed: transposed}
				m, n := cols, rows
				if transposed {
					m, n = rows, cols
				}
				xs := randomVec(rng, batch*m)
				xs[0], xs[m] = 0, 0 // zero inputs: skipped rows for Wᵀ
				want := make([]float64, 0, batch*n)
				for b := 0; b < batch; b++ {
					xb := xs[b*m : (b+1)*m]
					if transposed {
						want = append(want, denseColsTopToBottom(rows, cols, w, xb)...)
						continue
					}
					yb := make([]float64, rows)
					if err := c.MulVec(yb, xb); err != nil {
						t.Fatal(err)
					}
					sameBits(t, "MulVec vs dense row loop", yb, denseRowsLeftToRight(rows, cols, w, xb))
					want = append(want, yb...)
				}
				name := op.String()
				// Vector input: the first row of the batch.
				out, err := op.Do(dense64(append([]float64(nil), xs[:m]...), m))
				if err != nil {
					t.Fatal(err)
				}
				if !sameShape(out.Shape(), tensor.Shape{n}) {
					t.Fatalf("%s: Do shape %v, want (%d)", name, out.Shape(), n)
				}
				sameBits(t, name+" Do vector", out.Data().([]float64), want[:n])
				pre := dense64(make([]float64, n), n)
				if _, err := op.UsePreallocDo(pre, dense64(xs[:m], m)); err != nil {
					t.Fatal(err)
				}
				sameBits(t, name+" UsePreallocDo vector", pre.Float64s(), want[:n])
				// Batch input.
				out, err = op.Do(dense64(xs, batch, m))
				if err != nil {
					t.Fatal(err)
				}
				if !sameShape(out.Shape(), tensor.Shape{batch, n}) {
					t.Fatalf("%s: Do shape %v, want (%d, %d)", name, out.Shape(), batch, n)
				}
				sameBits(t, name+" Do batch", out.Data().([]float64), want)
				preB := dense64(make([]float64, batch*n), batch, n)
				for i := range preB.Float64s() {
					preB.Float64s()[i] = math.NaN() // stale register contents
				}
				got, err := op.UsePreallocDo(preB, dense64(xs, batch, m))
				if err != nil {
					t.Fatal(err)
				}
				if got != gorgonia.Value(preB) {
					t.Fatal("UsePreallocDo did not return prealloc")
				}
				sameBits(t, name+" UsePreallocDo batch", preB.Float64s(), want)
			}
		}
	}
}

// TestSparseMatVecFloat32 checks float32 inputs against a float32 loop in the
// same order (bit for bit) and against the float64 result (to float32
// precision).
func TestSparseMatVecFloat32(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	const rows, cols, batch = 12, 9, 2
	c, w := randomCSR(t, rng, rows, cols, 0.4)
	x64 := randomVec(rng, batch*max(rows, cols))
	x32 := to32(x64)
	for i := range x64 {
		x64[i] = float64(x32[i])
	}
	for _, transposed := range []bool{false, true} {
		op := SparseMatVec{W: c, Transposed: transposed}
		m, n := cols, rows
		if transposed {
			m, n = rows, cols
		}
		xs32, xs64 := x32[:batch*m], x64[:batch*m]
		out, err := op.Do(dense32(xs32, batch, m))
		if err != nil {
			t.Fatal(err)
		}
		if out.Dtype() != tensor.Float32 {
			t.Fatalf("%v: output dtype %v, want float32", op, out.Dtype())
		}
		got := out.Data().([]float32)
		pre := dense32(make([]float32, batch*n), batch, n)
		if _, err := op.UsePreallocDo(pre, dense32(xs32, batch, m)); err != nil {
			t.Fatal(err)
		}
		out64, err := op.Do(dense64(xs64, batch, m))
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b < batch; b++ {
			for i := 0; i < n; i++ {
				var s float32
				for j := 0; j < m; j++ {
					var wij float32
					if transposed {
						wij = float32(w[j*cols+i])
					} else {
						wij = float32(w[i*cols+j])
					}
					s += float32(wij * xs32[b*m+j])
				}
				k := b*n + i
				if math.Float32bits(got[k]) != math.Float32bits(s) || math.Float32bits(pre.Float32s()[k]) != math.Float32bits(s) {
					t.Fatalf("%v: element %d: Do %v, UsePreallocDo %v, float32 loop %v", op, k, got[k], pre.Float32s()[k], s)
				}
				if want := out64.Data().([]float64)[k]; math.Abs(float64(s)-want) > 1e-5 {
					t.Errorf("%v: element %d: float32 %v, float64 %v", op, k, s, want)
				}
			}
		}
	}
}

// TestSparseMatVecVsGorgoniaMul compares the op with gorgonia's dense Mul
// (BLAS Dgemv / Dgemm) through a tape machine on random matrices. The sums
// run in different orders, so they agree within 1e-12 (relative, absolute
// near zero), not bit for bit: with entries in [-1, 1) and at most 80 terms a
// row, rounding differences are of order 80·1e-16.
func TestSparseMatVecVsGorgoniaMul(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	for _, sz := range [][2]int{{5, 3}, {40, 80}, {80, 40}} {
		rows, cols := sz[0], sz[1]
		const batch = 4
		c, w := randomCSR(t, rng, rows, cols, 0.3)
		g := gorgonia.NewGraph()
		wn := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(rows, cols), gorgonia.WithName("w"))
		wt := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(cols, rows), gorgonia.WithName("wt"))
		x := vec64(g, "x", cols)
		xb := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(batch, cols), gorgonia.WithName("xb"))
		xt := vec64(g, "xt", rows)
		sparse := mustApply(t, SparseMatVec{W: c}, x)
		sparseB := mustApply(t, SparseMatVec{W: c}, xb)
		sparseT := mustApply(t, SparseMatVec{W: c, Transposed: true}, xt)
		dense := gorgonia.Must(gorgonia.Mul(wn, x))
		denseB := gorgonia.Must(gorgonia.Mul(xb, wt))
		denseT := gorgonia.Must(gorgonia.Mul(wt, xt))
		run := machine(t, g, sparse, dense, sparseB, denseB, sparseT, denseT)
		for trial := 0; trial < 2; trial++ {
			out := run(map[*gorgonia.Node]interface{}{
				wn: dense64(append([]float64(nil), w...), rows, cols),
				wt: dense64(transposeDense(rows, cols, w), cols, rows),
				x:  dense64(randomVec(rng, cols), cols),
				xb: dense64(randomVec(rng, batch*cols), batch, cols),
				xt: dense64(randomVec(rng, rows), rows),
			})
			for k, name := range []string{"W·x", "x·Wᵀ (batch)", "Wᵀ·x"} {
				got, want := out[2*k], out[2*k+1]
				if len(got) != len(want) {
					t.Fatalf("%d×%d %s: %d elements, dense %d", rows, cols, name, len(got), len(want))
				}
				for i := range want {
					if !closeRel(got[i], want[i], 1e-12) {
						t.Errorf("%d×%d %s element %d: sparse %v, gorgonia.Mul %v", rows, cols, name, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// sparseGrad builds cost = Sum(SparseMatVec(x)), or Sum(c ⊙ SparseMatVec(x))
// when c is non-nil, in a graph of its own, and returns dcost/dx for x. Each
// cost gets its own graph because gorgonia.Grad reuses the derivative a node
// got from an earlier Grad call in the same graph ("previously
// differentiated" in Backpropagate), which would hand the second cost the
// first cost's gradient.
func sparseGrad(t *testing.T, op SparseMatVec, dt tensor.Dtype, shape []int, x, c []float64) []float64 {
	t.Helper()
	_, n := op.dims()
	outShape := append(append([]int(nil), shape[:len(shape)-1]...), n)
	g := gorgonia.NewGraph()
	value := func(v []float64, s []int) interface{} {
		if dt == tensor.Float32 {
			return dense32(to32(v), s...)
		}
		return dense64(append([]float64(nil), v...), s...)
	}
	xn := gorgonia.NewTensor(g, dt, len(shape), gorgonia.WithShape(shape...), gorgonia.WithName("x"))
	lets := map[*gorgonia.Node]interface{}{xn: value(x, shape)}
	y := mustApply(t, op, xn)
	if c != nil {
		cn := gorgonia.NewTensor(g, dt, len(outShape), gorgonia.WithShape(outShape...), gorgonia.WithName("c"))
		lets[cn] = value(c, outShape)
		y = gorgonia.Must(gorgonia.HadamardProd(cn, y))
	}
	cost := gorgonia.Must(gorgonia.Sum(y))
	grads, err := gorgonia.Grad(cost, xn)
	if err != nil {
		t.Fatalf("%v %v: Grad: %v", op, dt, err)
	}
	return machine(t, g, grads[0])(lets)[0]
}

// TestSparseMatVecGradient differentiates Sum(SparseMatVec(x)) and
// Sum(c ⊙ SparseMatVec(x)): the gradients are W's column sums and Wᵀ·c
// (row sums and W·c when Transposed). For float64 the dense loops below sum
// in the op's order, so the comparison is exact; float32 is compared at
// float32 precision.
func TestSparseMatVecGradient(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	const rows, cols, batch = 7, 5, 3
	c, w := randomCSR(t, rng, rows, cols, 0.5)
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, transposed := range []bool{false, true} {
			for _, nb := range []int{0, batch} { // 0: a vector x
				op := SparseMatVec{W: c, Transposed: transposed}
				m, n := op.dims()
				shape, rowsOfX := []int{m}, 1
				if nb > 0 {
					shape, rowsOfX = []int{nb, m}, nb
				}
				xv := randomVec(rng, rowsOfX*m)
				cv := randomVec(rng, rowsOfX*n)
				for i, v := range to32(cv) {
					cv[i] = float64(v) // exact in both dtypes
				}
				dSum := sparseGrad(t, op, dt, shape, xv, nil)
				dWeighted := sparseGrad(t, op, dt, shape, xv, cv)
				// The gradient multiplies by the other orientation.
				grad := func(v []float64) []float64 {
					if transposed {
						return denseRowsLeftToRight(rows, cols, w, v)
					}
					return denseColsTopToBottom(rows, cols, w, v)
				}
				ones := make([]float64, n)
				for i := range ones {
					ones[i] = 1
				}
				sums := grad(ones) // column sums of W (row sums when Transposed)
				for b := 0; b < rowsOfX; b++ {
					wantW := grad(cv[b*n : (b+1)*n])
					for i := 0; i < m; i++ {
						gotS, gotW := dSum[b*m+i], dWeighted[b*m+i]
						wantS, wW := sums[i], wantW[i]
						ok := gotS == wantS && gotW == wW
						if dt == tensor.Float32 {
							ok = math.Abs(gotS-wantS) <= 1e-5 && math.Abs(gotW-wW) <= 1e-5
						}
						if !ok {
							t.Errorf("%v %v batch=%d row %d element %d: gradients %v, %v; want %v, %v", op, dt, nb, b, i, gotS, gotW, wantS, wW)
						}
					}
				}
			}
		}
	}
	if d := (SparseMatVec{W: c}).DiffWRT(1); len(d) != 1 || !d[0] {
		t.Errorf("DiffWRT(1) = %v, want [true]", d)
	}
}

// TestSparseMatVecSymDiff checks that SymDiff builds the op with Transposed
// flipped on the gradient, and its errors.
func TestSparseMatVecSymDiff(t *testing.T) {
	t.Parallel()
	c, _ := testCSR()
	g := gorgonia.NewGraph()
	x, y, grad := vec64(g, "x", 4), vec64(g, "y", 3), vec64(g, "grad", 3)
	op := SparseMatVec{W: c}
	d, err := op.SymDiff(gorgonia.Nodes{x}, y, grad)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || !sameShape(d[0].Shape(), tensor.Shape{4}) {
		t.Fatalf("SymDiff = %v, want one node of shape (4)", d)
	}
	back, ok := d[0].Op().(SparseMatVec)
	if !ok || !back.Transposed || back.W != c {
		t.Errorf("SymDiff op = %v, want SparseMatVec{W, Transposed: true}", d[0].Op())
	}
	_, err = op.SymDiff(gorgonia.Nodes{x}, y, nil)
	wantErr(t, err, "SymDiff needs one input and a gradient")
	_, err = op.SymDiff(gorgonia.Nodes{x, x}, y, grad)
	wantErr(t, err, "SymDiff needs one input and a gradient")
	_, err = op.SymDiff(gorgonia.Nodes{x}, y, vec64(g, "g4", 4))
	wantErr(t, err, "SymDiff", "x has shape (4), want (3) or (batch, 3)")
	_, err = SparseMatVec{}.SymDiff(gorgonia.Nodes{x}, y, grad)
	wantErr(t, err, "W is nil")
}

func TestSparseMatVecUsePreallocDoAllocations(t *testing.T) {
	// Not parallel: testing.AllocsPerRun refuses to run in parallel tests.
	rng := rand.New(rand.NewPCG(13, 14))
	c, _ := randomCSR(t, rng, 200, 300, 0.1)
	cases := []struct {
		name   string
		op     SparseMatVec
		x, pre gorgonia.Value
	}{
		{"float64 vector", SparseMatVec{W: c}, dense64(randomVec(rng, 300), 300), dense64(make([]float64, 200), 200)},
		{"float64 batch", SparseMatVec{W: c}, dense64(randomVec(rng, 600), 2, 300), dense64(make([]float64, 400), 2, 200)},
		{"float64 transposed", SparseMatVec{W: c, Transposed: true}, dense64(randomVec(rng, 200), 200), dense64(make([]float64, 300), 300)},
		{"float32 vector", SparseMatVec{W: c}, dense32(to32(randomVec(rng, 300)), 300), dense32(make([]float32, 200), 200)},
		{"float32 transposed batch", SparseMatVec{W: c, Transposed: true}, dense32(to32(randomVec(rng, 400)), 2, 200), dense32(make([]float32, 600), 2, 300)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if a := testing.AllocsPerRun(50, func() {
				if _, err := tc.op.UsePreallocDo(tc.pre, tc.x); err != nil {
					panic(err)
				}
			}); a != 0 {
				t.Errorf("UsePreallocDo allocates %v times, want 0", a)
			}
		})
	}
}

// TestSparseMatVecErrors checks that bad input gives an error from every
// entry point (Apply, InferShape, Do, UsePreallocDo), never a panic.
func TestSparseMatVecErrors(t *testing.T) {
	t.Parallel()
	c, _ := testCSR()
	invalid, _ := testCSR()
	invalid.ColIdx[3] = 7
	big, _ := testCSR()
	big.Val[0] = 1e300
	x4 := dense64([]float64{1, 2, 3, 4}, 4)
	cases := []struct {
		name   string
		op     SparseMatVec
		inputs []gorgonia.Value
		want   string
	}{
		{"nil W", SparseMatVec{}, []gorgonia.Value{x4}, "W is nil"},
		{"invalid W", SparseMatVec{W: invalid}, []gorgonia.Value{x4}, "ColIdx[3] (7)"},
		{"arity 0", SparseMatVec{W: c}, nil, "got 0 inputs, want 1"},
		{"arity 2", SparseMatVec{W: c}, []gorgonia.Value{x4, x4}, "got 2 inputs, want 1"},
		{"length", SparseMatVec{W: c}, []gorgonia.Value{dense64([]float64{1, 2, 3}, 3)}, "x has shape (3), want (4) or (batch, 4)"},
		{"transposed length", SparseMatVec{W: c, Transposed: true}, []gorgonia.Value{x4}, "x has shape (4), want (3) or (batch, 3)"},
		{"batch columns", SparseMatVec{W: c}, []gorgonia.Value{dense64(make([]float64, 6), 2, 3)}, "x has shape (2, 3)"},
		{"column vector", SparseMatVec{W: c}, []gorgonia.Value{dense64(make([]float64, 4), 4, 1)}, "x has shape (4, 1)"},
		{"rank 3", SparseMatVec{W: c}, []gorgonia.Value{dense64(make([]float64, 8), 1, 2, 4)}, "x has shape (1, 2, 4)"},
		{"scalar", SparseMatVec{W: c}, []gorgonia.Value{gorgonia.NewF64(1)}, "x has shape ()"},
		{"int dtype", SparseMatVec{W: c}, []gorgonia.Value{tensor.New(tensor.WithShape(4), tensor.WithBacking([]int{1, 2, 3, 4}))}, "dtype int"},
		{"nil value", SparseMatVec{W: c}, []gorgonia.Value{nil}, "nil value"},
		{"float32 overflow", SparseMatVec{W: big}, []gorgonia.Value{dense32([]float32{1, 2, 3, 4}, 4)}, "Val[0] (1e+300) overflows float32"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.op.Do(tc.inputs...)
			wantErr(t, err, tc.want)
			_, err = tc.op.UsePreallocDo(dense64(make([]float64, 3), 3), tc.inputs...)
			wantErr(t, err, tc.want)
		})
	}
	// float64 works with the matrix that overflows float32.
	if _, err := (SparseMatVec{W: big}).Do(x4); err != nil {
		t.Errorf("float64 Do with a large entry: %v", err)
	}

	op := SparseMatVec{W: c}
	for _, bad := range []struct {
		name string
		pre  gorgonia.Value
		want string
	}{
		{"nil", nil, "nil preallocated value"},
		{"shape", dense64(make([]float64, 4), 4), "preallocated value has shape (4), want (3)"},
		{"rank", dense64(make([]float64, 3), 1, 3), "preallocated value has shape (1, 3), want (3)"},
		{"dtype", dense32(make([]float32, 3), 3), "preallocated value has dtype float32, want float64"},
		{"scalar", gorgonia.NewF64(0), "preallocated value has shape ()"},
	} {
		_, err := op.UsePreallocDo(bad.pre, x4)
		wantErr(t, err, bad.want)
	}
	_, err := op.UsePreallocDo(dense64(make([]float64, 6), 3, 2), dense64(make([]float64, 8), 2, 4))
	wantErr(t, err, "preallocated value has shape (3, 2), want (2, 3)")

	// A square W whose prealloc is x's own memory: the op refuses, so that
	// the tape machine falls back to Do instead of reading overwritten input.
	sq, _ := FromDense(2, 2, []float64{1, 2, 3, 4})
	xs := dense64([]float64{1, 1}, 2)
	_, err = SparseMatVec{W: sq}.UsePreallocDo(xs, xs)
	wantErr(t, err, "shares memory with x")
	if xs.Float64s()[0] != 1 || xs.Float64s()[1] != 1 {
		t.Errorf("x changed to %v after a refused aliased UsePreallocDo", xs.Float64s())
	}
	whole := dense64([]float64{1, 1, 0, 0}, 4)
	half := tensor.New(tensor.WithShape(2), tensor.WithBacking(whole.Float64s()[1:3]))
	_, err = SparseMatVec{W: sq}.UsePreallocDo(half, dense64(whole.Float64s()[:2], 2))
	wantErr(t, err, "shares memory with x")
	if _, err := (SparseMatVec{W: sq}).UsePreallocDo(dense64(whole.Float64s()[2:], 2), dense64(whole.Float64s()[:2], 2)); err != nil {
		t.Errorf("adjacent, non-overlapping prealloc: %v", err)
	}

	// InferShape.
	if s, err := op.InferShape(tensor.Shape{4}); err != nil || !sameShape(s, tensor.Shape{3}) {
		t.Errorf("InferShape((4)) = %v, %v; want (3)", s, err)
	}
	if s, err := (SparseMatVec{W: c, Transposed: true}).InferShape(tensor.Shape{5, 3}); err != nil || !sameShape(s, tensor.Shape{5, 4}) {
		t.Errorf("transposed InferShape((5, 3)) = %v, %v; want (5, 4)", s, err)
	}
	_, err = op.InferShape(tensor.Shape{3})
	wantErr(t, err, "x has shape (3)")
	_, err = op.InferShape(tensor.Shape{0, 4})
	wantErr(t, err, "x has shape (0, 4)")
	_, err = op.InferShape()
	wantErr(t, err, "got 0 shapes, want 1")
	_, err = SparseMatVec{}.InferShape(tensor.Shape{4})
	wantErr(t, err, "W is nil")
	_, err = SparseMatVec{W: invalid}.InferShape(tensor.Shape{4})
	wantErr(t, err, "ColIdx[3] (7)")

	// Apply.
	g := gorgonia.NewGraph()
	for _, bad := range []struct {
		name string
		op   SparseMatVec
		x    *gorgonia.Node
		want string
	}{
		{"nil W", SparseMatVec{}, vec64(g, "x", 4), "W is nil"},
		{"invalid W", SparseMatVec{W: invalid}, vec64(g, "x", 4), "ColIdx[3] (7)"},
		{"length", op, vec64(g, "x3", 3), "x has shape (3)"},
		{"dtype", op, gorgonia.NewVector(g, tensor.Int, gorgonia.WithShape(4), gorgonia.WithName("xi")), "dtype int"},
		{"scalar", op, scalar64(g, "s"), "x has shape ()"},
	} {
		_, err := Apply(bad.op, bad.x)
		if err == nil {
			t.Errorf("%s: Apply succeeded", bad.name)
			continue
		}
		wantErr(t, err, "SparseMatVec", bad.want)
	}
	// String and WriteHash of a nil W do not panic.
	if s := (SparseMatVec{Transposed: true}).String(); s != "SparseMatVec{Wᵀ nil}" {
		t.Errorf("String = %q", s)
	}
	if (SparseMatVec{}).Hashcode() == (SparseMatVec{Transposed: true}).Hashcode() {
		t.Error("nil-W ops with different Transposed share a Hashcode")
	}
}

// TestSparseMatVecDistinctNodes applies ops that differ in one field, or
// whose matrices differ in one respect, to the same x: each must stay its
// own node and compute its own product. An op over an equal matrix held in
// another *CSR must merge, which shows the check can fail.
func TestSparseMatVecDistinctNodes(t *testing.T) {
	t.Parallel()
	base := func() *CSR {
		c, err := FromDense(3, 3, []float64{1, 2, 0, 0, 0, 3, 4, 0, 5})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	baseOp := SparseMatVec{W: base()}
	others := map[string]SparseMatVec{
		"transposed": {W: base(), Transposed: true},
		"value":      {W: func() *CSR { c := base(); c.Val[2] = 7; return c }()},
		"column":     {W: func() *CSR { c := base(); c.ColIdx[2] = 0; return c }()},
		"row split":  {W: func() *CSR { c := base(); c.RowPtr[1] = 1; return c }()},
	}
	for name, other := range others {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := other.Validate(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			g := gorgonia.NewGraph()
			x := vec64(g, "x", 3)
			a := mustApply(t, baseOp, x)
			b := mustApply(t, other, x)
			if a == b {
				t.Fatalf("%v and %v were merged into one node", baseOp, other)
			}
			if same := mustApply(t, SparseMatVec{W: base()}, x); same != a {
				t.Fatal("an op over an equal matrix in another *CSR gave a new node; gorgonia should merge it")
			}
			if baseOp.Hashcode() == other.Hashcode() {
				t.Errorf("%v and %v have the same Hashcode", baseOp, other)
			}
			out := machine(t, g, a, b)(map[*gorgonia.Node]interface{}{x: dense64([]float64{1, 2, 3}, 3)})
			differ := false
			for i := range out[0] {
				differ = differ || out[0][i] != out[1][i]
			}
			if !differ {
				t.Errorf("%v and %v computed the same product %v", baseOp, other, out[0])
			}
		})
	}
	// A different size gives a different hash too.
	wide, _ := FromDense(3, 4, []float64{1, 0, 2, 0, 0, 3, 0, 0, 4, 0, 5, 0})
	if (SparseMatVec{W: wide}).Hashcode() == baseOp.Hashcode() {
		t.Error("3×3 and 3×4 ops share a Hashcode")
	}
}

// TestSparseMatVecThroughTapeMachine runs the op and its gradient in one
// graph several times with Reset in between, as the session package does,
// and compares with MulVec and Do each time (register reuse on later runs).
func TestSparseMatVecThroughTapeMachine(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 16))
	const n = 20
	c, _ := randomCSR(t, rng, n, n, 0.2)
	g := gorgonia.NewGraph()
	x := vec64(g, "x", n)
	y := mustApply(t, SparseMatVec{W: c}, x)
	y2 := mustApply(t, SparseMatVec{W: c}, y) // W·W·x, square: registers of one shape
	cost := gorgonia.Must(gorgonia.Sum(y2))
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		t.Fatal(err)
	}
	run := machine(t, g, y, y2, grads[0])
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	wantGrad, err := SparseMatVec{W: c, Transposed: true}.Do(dense64(ones, n))
	if err != nil {
		t.Fatal(err)
	}
	if wantGrad, err = (SparseMatVec{W: c, Transposed: true}).Do(wantGrad); err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 3; s++ {
		xv := randomVec(rng, n)
		out := run(map[*gorgonia.Node]interface{}{x: dense64(append([]float64(nil), xv...), n)})
		want := make([]float64, n)
		want2 := make([]float64, n)
		if err := c.MulVec(want, xv); err != nil {
			t.Fatal(err)
		}
		if err := c.MulVec(want2, want); err != nil {
			t.Fatal(err)
		}
		sameBits(t, "W·x", out[0], want)
		sameBits(t, "W·W·x", out[1], want2)
		sameBits(t, "gradient Wᵀ·Wᵀ·1", out[2], wantGrad.Data().([]float64))
	}
}

// TestSparseMatVecConcurrentFirstUse runs the first products over a fresh
// matrix from several goroutines at once, in both dtypes, so that the race
// detector (go test -race) sees the once-only validation, hash and float32
// copy; every goroutine must get the same result.
func TestSparseMatVecConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 18))
	w := randomDense(rng, 30, 40, 0.3)
	xv := randomVec(rng, 40)
	c, err := FromDense(30, 40, w)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 30)
	if err := c.MulVec(want, xv); err != nil {
		t.Fatal(err)
	}
	op := SparseMatVec{W: c}
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	got := make([][]float64, workers)
	hashes := make([]uint32, workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hashes[i] = op.Hashcode()
			if i%2 == 1 {
				if _, errs[i] = op.Do(dense32(to32(xv), 40)); errs[i] != nil {
					return
				}
			}
			out, err := op.Do(dense64(xv, 40))
			if err != nil {
				errs[i] = err
				return
			}
			got[i] = out.Data().([]float64)
		}()
	}
	wg.Wait()
	for i := 0; i < workers; i++ {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if hashes[i] != hashes[0] {
			t.Errorf("goroutine %d: Hashcode %x, goroutine 0: %x", i, hashes[i], hashes[0])
		}
		sameBits(t, "concurrent Do", got[i], want)
	}
}
