package ops

import (
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestWhereDo(t *testing.T) {
	t.Parallel()
	cond := []float64{1, 0, -2, 0, math.NaN()}
	a := []float64{10, 11, 12, 13, 14}
	b := []float64{20, 21, 22, 23, 24}
	cases := []struct {
		name string
		a, b gorgonia.Value
		want []float64
	}{
		{"tensors", dense64(a, 5), dense64(b, 5), []float64{10, 21, 12, 23, 14}},
		{"scalar a", gorgonia.NewF64(7), dense64(b, 5), []float64{7, 21, 7, 23, 7}},
		{"scalar b", dense64(a, 5), gorgonia.NewF64(-1), []float64{10, -1, 12, -1, 14}},
		{"both scalars", gorgonia.NewF64(1), gorgonia.NewF64(0), []float64{1, 0, 1, 0, 1}},
		{"scalar dense a", tensor.New(tensor.FromScalar(3.5)), dense64(b, 5), []float64{3.5, 21, 3.5, 23, 3.5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := Where{}.Do(dense64(cond, 5), tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			got := out.Data().([]float64)
			for i := range tc.want {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	t.Run("float32", func(t *testing.T) {
		t.Parallel()
		out, err := Where{}.Do(dense32([]float32{0, 1, 1}, 3), dense32([]float32{1, 2, 3}, 3), gorgonia.NewF32(9))
		if err != nil {
			t.Fatal(err)
		}
		got := out.Data().([]float32)
		if got[0] != 9 || got[1] != 2 || got[2] != 3 {
			t.Errorf("got %v, want [9 2 3]", got)
		}
	})
	t.Run("scalar cond", func(t *testing.T) {
		t.Parallel()
		out, err := Where{}.Do(gorgonia.NewF64(0), gorgonia.NewF64(1), gorgonia.NewF64(2))
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := out.(*gorgonia.F64); !ok || float64(*f) != 2 {
			t.Errorf("got %v (%T), want *F64 2", out, out)
		}
	})
}

func TestWhereUsePreallocDo(t *testing.T) {
	// Not parallel: testing.AllocsPerRun refuses to run in parallel tests.
	cond := dense64([]float64{1, 0, 1, 0}, 2, 2)
	a := dense64([]float64{1, 2, 3, 4}, 2, 2)
	b := dense64([]float64{5, 6, 7, 8}, 2, 2)
	want, err := Where{}.Do(cond, a, b)
	if err != nil {
		t.Fatal(err)
	}
	pre := dense64(make([]float64, 4), 2, 2)
	got, err := Where{}.UsePreallocDo(pre, cond, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got != gorgonia.Value(pre) {
		t.Fatal("UsePreallocDo did not return prealloc")
	}
	// Aliasing: the output register may be the register of a, b or cond.
	a2 := dense64([]float64{1, 2, 3, 4}, 2, 2)
	if _, err := (Where{}).UsePreallocDo(a2, cond, a2, b); err != nil {
		t.Fatal(err)
	}
	c2 := dense64([]float64{1, 0, 1, 0}, 2, 2)
	if _, err := (Where{}).UsePreallocDo(c2, c2, a, b); err != nil {
		t.Fatal(err)
	}
	w := want.Data().([]float64)
	for i := range w {
		if pre.Float64s()[i] != w[i] || a2.Float64s()[i] != w[i] || c2.Float64s()[i] != w[i] {
			t.Fatalf("element %d: Do %v, prealloc %v, aliased a %v, aliased cond %v", i, w[i], pre.Float64s()[i], a2.Float64s()[i], c2.Float64s()[i])
		}
	}
	for _, bad := range []gorgonia.Value{dense64(make([]float64, 4), 4), dense32(make([]float32, 4), 2, 2), gorgonia.NewF64(0)} {
		_, err := Where{}.UsePreallocDo(bad, cond, a, b)
		wantErr(t, err, "prealloc")
	}
	if allocs := testing.AllocsPerRun(100, func() {
		if _, err := (Where{}).UsePreallocDo(pre, cond, a, b); err != nil {
			panic(err)
		}
	}); allocs != 0 {
		t.Errorf("UsePreallocDo allocates %v times, want 0", allocs)
	}
}

func TestWhereErrors(t *testing.T) {
	t.Parallel()
	c3 := dense64([]float64{1, 0, 1}, 3)
	v3 := dense64([]float64{1, 2, 3}, 3)
	cases := []struct {
		name   string
		inputs []gorgonia.Value
		want   string
	}{
		{"a shape", []gorgonia.Value{c3, dense64([]float64{1, 2}, 2), v3}, "a has shape (2)"},
		{"b shape", []gorgonia.Value{c3, v3, dense64([]float64{1, 2, 3, 4, 5, 6}, 3, 2)}, "b has shape (3, 2)"},
		{"a dtype", []gorgonia.Value{c3, dense32([]float32{1, 2, 3}, 3), v3}, "dtypes differ"},
		{"b scalar dtype", []gorgonia.Value{c3, v3, gorgonia.NewF32(1)}, "dtypes differ"},
		{"int cond", []gorgonia.Value{tensor.New(tensor.WithShape(3), tensor.WithBacking([]int{1, 0, 1})), v3, v3}, "dtype int"},
		{"arity", []gorgonia.Value{c3, v3}, "got 2 inputs, want 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Where{}.Do(tc.inputs...)
			wantErr(t, err, tc.want)
			_, err = Where{}.UsePreallocDo(dense64(make([]float64, 3), 3), tc.inputs...)
			wantErr(t, err, tc.want)
		})
	}
	if _, err := (Where{}).InferShape(tensor.Shape{3}, tensor.Shape{4}, tensor.Shape{3}); err == nil {
		t.Error("InferShape accepted a of shape (4) with cond (3)")
	}
	if _, err := (Where{}).InferShape(tensor.Shape{3}, tensor.Shape{3}); err == nil {
		t.Error("InferShape accepted two shapes")
	}
	if s, err := (Where{}).InferShape(tensor.Shape{2, 3}, tensor.ScalarShape(), tensor.Shape{2, 3}); err != nil || !sameShape(s, tensor.Shape{2, 3}) {
		t.Errorf("InferShape((2,3), (), (2,3)) = %v, %v", s, err)
	}

	g := gorgonia.NewGraph()
	cond := vec64(g, "cond", 3)
	for name, children := range map[string][]*gorgonia.Node{
		"dtype": {cond, vec32(g, "a32", 3), vec64(g, "b", 3)},
		"shape": {cond, vec64(g, "a4", 4), vec64(g, "b", 3)},
	} {
		if _, err := Apply(Where{}, children...); err == nil {
			t.Errorf("Apply accepted children with a %s mismatch", name)
		} else {
			wantErr(t, err, "Where")
		}
	}
}

// whereCost builds cost = Sum(Where(cond, a², 3·b)) + Sum(Where(cond, s, 0·b))
// where s is a scalar, so that the analytic gradients are
// dcost/da = 2a where cond != 0 else 0, dcost/db = 3 where cond == 0 else 0,
// and dcost/ds = the number of nonzero conds.
func whereCost(t *testing.T, g *gorgonia.ExprGraph, dt tensor.Dtype, n int) (cost, cond, a, b, s *gorgonia.Node) {
	t.Helper()
	cond = gorgonia.NewVector(g, dt, gorgonia.WithShape(n), gorgonia.WithName("cond"))
	a = gorgonia.NewVector(g, dt, gorgonia.WithShape(n), gorgonia.WithName("a"))
	b = gorgonia.NewVector(g, dt, gorgonia.WithShape(n), gorgonia.WithName("b"))
	s = gorgonia.NewScalar(g, dt, gorgonia.WithName("s"))
	three, err := constant(dt, 3)
	if err != nil {
		t.Fatal(err)
	}
	zero, err := constant(dt, 0)
	if err != nil {
		t.Fatal(err)
	}
	a2 := gorgonia.Must(gorgonia.Square(a))
	b3 := gorgonia.Must(gorgonia.Mul(b, three))
	w1 := mustApply(t, Where{}, cond, a2, b3)
	w2 := mustApply(t, Where{}, cond, s, zero)
	cost = gorgonia.Must(gorgonia.Add(gorgonia.Must(gorgonia.Sum(w1)), gorgonia.Must(gorgonia.Sum(w2))))
	return cost, cond, a, b, s
}

func TestWhereGradient(t *testing.T) {
	t.Parallel()
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			t.Parallel()
			const n = 6
			g := gorgonia.NewGraph()
			cost, cond, a, b, s := whereCost(t, g, dt, n)
			grads, err := gorgonia.Grad(cost, a, b, s)
			if err != nil {
				t.Fatalf("Grad: %v", err)
			}
			cv := []float64{1, 0, 0, 2, -1, 0}
			av := []float64{0.5, 1, -2, 3, 1.5, -0.25}
			bv := []float64{1, 2, 3, 4, 5, 6}
			lets := map[*gorgonia.Node]interface{}{}
			if dt == tensor.Float64 {
				lets[cond], lets[a], lets[b], lets[s] = dense64(cv, n), dense64(av, n), dense64(bv, n), 2.0
			} else {
				lets[cond], lets[a], lets[b], lets[s] = dense32(to32(cv), n), dense32(to32(av), n), dense32(to32(bv), n), float32(2)
			}
			out := machine(t, g, grads[0], grads[1], grads[2])(lets)
			nonzero := 0.0
			for i := range cv {
				wantA, wantB := 0.0, 3.0
				if cv[i] != 0 {
					wantA, wantB = 2*av[i], 0
					nonzero++
				}
				if out[0][i] != wantA || out[1][i] != wantB {
					t.Errorf("element %d: da = %v, db = %v; want %v, %v", i, out[0][i], out[1][i], wantA, wantB)
				}
			}
			if len(out[2]) != 1 || out[2][0] != nonzero {
				t.Errorf("ds = %v, want [%v]", out[2], nonzero)
			}
		})
	}
}

// TestWhereGradientFiniteDifference compares gorgonia.Grad of
// cost = Sum(Where(cond, a², 3b)) + Sum(Where(cond, s, 0)) with central
// differences of the same graph. The cost is quadratic in a and linear in b
// and s, so the central difference is exact up to rounding: with h = 1e-3 and
// a cost of order 10, rounding contributes about 1e-15·10/1e-3 = 1e-11, and a
// tolerance of 1e-8 leaves margin while catching any wrong gradient element
// (the smallest nonzero gradient here is 0.5).
func TestWhereGradientFiniteDifference(t *testing.T) {
	t.Parallel()
	const n, h = 5, 1e-3
	g := gorgonia.NewGraph()
	cost, cond, a, b, s := whereCost(t, g, tensor.Float64, n)
	grads, err := gorgonia.Grad(cost, a, b, s)
	if err != nil {
		t.Fatal(err)
	}
	run := machine(t, g, cost, grads[0], grads[1], grads[2])
	cv := []float64{1, 0, 3, 0, 1}
	base := [][]float64{{0.25, -1, 2, 0.5, -3}, {1, -2, 0.5, 4, 2}, {1.5}}
	eval := func(vals [][]float64) [][]float64 {
		return run(map[*gorgonia.Node]interface{}{
			cond: dense64(cv, n),
			a:    dense64(append([]float64(nil), vals[0]...), n),
			b:    dense64(append([]float64(nil), vals[1]...), n),
			s:    vals[2][0],
		})
	}
	at := eval(base)
	for k := range base {
		for i := range base[k] {
			plus := clone2(base)
			minus := clone2(base)
			plus[k][i] += h
			minus[k][i] -= h
			fd := (eval(plus)[0][0] - eval(minus)[0][0]) / (2 * h)
			if got := at[k+1][i]; math.Abs(got-fd) > 1e-8 {
				t.Errorf("input %d element %d: Grad %v, finite difference %v", k, i, got, fd)
			}
		}
	}
}

func TestWhereCondNotDifferentiable(t *testing.T) {
	t.Parallel()
	if d := (Where{}).DiffWRT(3); d[0] || !d[1] || !d[2] {
		t.Errorf("DiffWRT(3) = %v, want [false true true]", d)
	}
	g := gorgonia.NewGraph()
	cost, cond, _, _, _ := whereCost(t, g, tensor.Float64, 3)
	if _, err := gorgonia.Grad(cost, cond); err == nil {
		t.Error("Grad with respect to cond succeeded; want an error")
	}
}

func to32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func clone2(x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for i := range x {
		out[i] = append([]float64(nil), x[i]...)
	}
	return out
}
