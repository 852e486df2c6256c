package graph_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
)

// Inputs of the maths tables: away from every kink (Min/Max ties, |x| at
// 0) and inside every domain (Log needs x > 0), so that a central
// difference is accurate. The ties of Min and Max are tested apart.
var (
	mathX = []float64{0.3, 1.7, 2.5, 0.9, 4.1}
	mathY = []float64{1.1, 0.4, 2.0, 3.3, -0.7}
	mathW = []float64{1, -2, 0.5, 3, -1.5} // upstream gradient of each element
)

// gradCheck compares each gradient with a central difference of
// cost(x, y) = Σ w·f(x, y). With h = 1e-6 the truncation error is about
// h²·|f”'| ≈ 1e-12 and the rounding error about 1e-16·|cost|/h ≈ 1e-9
// for these inputs, so 1e-6 relative (plus 1e-8 absolute) is loose enough
// never to flake and tight enough to catch a wrong derivative (off by a
// factor or a sign: O(1) errors).
const (
	fdStep   = 1e-6
	fdRelTol = 1e-6
	fdAbsTol = 1e-8
)

func closeTo(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

// weighted returns Σ w·f elementwise, the cost of the tables.
func weighted(f func(x, y float64) float64, x, y []float64) float64 {
	var s float64
	for i := range x {
		s += mathW[i] * f(x[i], y[i])
	}
	return s
}

// centralDiff returns d cost / d v[i] by a central difference.
func centralDiff(cost func() float64, v []float64, i int) float64 {
	old := v[i]
	v[i] = old + fdStep
	up := cost()
	v[i] = old - fdStep
	down := cost()
	v[i] = old
	return (up - down) / (2 * fdStep)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func TestMathValuesAndGradients(t *testing.T) {
	t.Parallel()
	type binary = func(b *graph.Builder, x, y *graph.Node) *graph.Node
	cases := []struct {
		name  string
		build binary
		f     func(x, y float64) float64
		unary bool // f ignores y (and the gradient wrt y is not checked)
	}{
		{"Add", (*graph.Builder).Add, func(x, y float64) float64 { return x + y }, false},
		{"Sub", (*graph.Builder).Sub, func(x, y float64) float64 { return x - y }, false},
		{"Mul", (*graph.Builder).Mul, func(x, y float64) float64 { return x * y }, false},
		{"Div", (*graph.Builder).Div, func(x, y float64) float64 { return x / y }, false},
		{"Min", (*graph.Builder).Min, math.Min, false},
		{"Max", (*graph.Builder).Max, math.Max, false},
		{"Neg", func(b *graph.Builder, x, _ *graph.Node) *graph.Node { return b.Neg(x) }, func(x, _ float64) float64 { return -x }, true},
		{"Square", func(b *graph.Builder, x, _ *graph.Node) *graph.Node { return b.Square(x) }, func(x, _ float64) float64 { return x * x }, true},
		{"Log", func(b *graph.Builder, x, _ *graph.Node) *graph.Node { return b.Log(x) }, func(x, _ float64) float64 { return math.Log(x) }, true},
		{"Tanh", func(b *graph.Builder, x, _ *graph.Node) *graph.Node { return b.Tanh(x) }, func(x, _ float64) float64 { return math.Tanh(x) }, true},
		{"Sigmoid", func(b *graph.Builder, x, _ *graph.Node) *graph.Node { return b.Sigmoid(x) }, func(x, _ float64) float64 { return sigmoid(x) }, true},
		{"Exp", func(b *graph.Builder, x, _ *graph.Node) *graph.Node { return b.Exp(x) }, func(x, _ float64) float64 { return math.Exp(x) }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t)
			b := g.Scope("m")
			n := len(mathX)
			x, y := b.Param("x", mathX, n), b.Param("y", mathY, n)
			out := tc.build(b, x, y)
			cost := b.Sum(b.Mul(b.Param("w", mathW, n), out))
			var grads []*graph.Node
			if tc.unary {
				grads = b.Grad(cost, x)
			} else {
				grads = b.Grad(cost, x, y)
			}
			if err := g.Err(); err != nil {
				t.Fatal(err)
			}
			got := eval(t, g, out)
			for i := range mathX {
				if want := tc.f(mathX[i], mathY[i]); !closeTo(got[i], want, 1e-15, 0) {
					t.Errorf("%s(%v, %v): got=%v, want=%v", tc.name, mathX[i], mathY[i], got[i], want)
				}
			}
			xs, ys := append([]float64(nil), mathX...), append([]float64(nil), mathY...)
			costOf := func() float64 { return weighted(tc.f, xs, ys) }
			for k, gn := range grads {
				if gn == nil {
					continue
				}
				v, label := xs, "x"
				if k == 1 {
					v, label = ys, "y"
				}
				dv := eval(t, g, gn)
				for i := range v {
					if fd := centralDiff(costOf, v, i); !closeTo(dv[i], fd, fdRelTol, fdAbsTol) {
						t.Errorf("d cost/d %s[%d]: got=%v, finite difference %v", label, i, dv[i], fd)
					}
				}
			}
		})
	}
}

// TestMinMaxTies checks the documented tie rule of Min and
// Max: the whole gradient goes to x.
func TestMinMaxTies(t *testing.T) {
	t.Parallel()
	g := newGraph(t)
	b := g.Scope("m")
	x := b.Param("x", []float64{1, 2, 3}, 3)
	y := b.Param("y", []float64{1, 5, 3}, 3)
	mx, mn := b.Max(x, y), b.Min(x, y)
	gx := b.Scope("max").Grad(b.Sum(mx), x, y)
	gn := b.Scope("min").Grad(b.Sum(mn), x, y)
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	// Ties (elements 0 and 2) send the whole gradient to x, as documented.
	checks := []struct {
		name string
		n    *graph.Node
		want []float64
	}{
		{"max", mx, []float64{1, 5, 3}},
		{"min", mn, []float64{1, 2, 3}},
		{"dmax/dx", gx[0], []float64{1, 0, 1}},
		{"dmax/dy", gx[1], []float64{0, 1, 0}},
		{"dmin/dx", gn[0], []float64{1, 1, 1}},
		{"dmin/dy", gn[1], []float64{0, 0, 0}},
	}
	for _, c := range checks {
		got := eval(t, g, c.n)
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Errorf("%s: got=%v, want=%v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestComparisons(t *testing.T) {
	t.Parallel()
	xs := []float64{1, 2, 3, math.NaN()}
	ys := []float64{2, 2, 2, 2}
	cases := []struct {
		name string
		op   func(b *graph.Builder, x, y *graph.Node) *graph.Node
		f    func(x, y float64) bool
	}{
		{"Gt", (*graph.Builder).Gt, func(x, y float64) bool { return x > y }},
		{"Gte", (*graph.Builder).Gte, func(x, y float64) bool { return x >= y }},
		{"Lt", (*graph.Builder).Lt, func(x, y float64) bool { return x < y }},
		{"Lte", (*graph.Builder).Lte, func(x, y float64) bool { return x <= y }},
		{"Eq", (*graph.Builder).Eq, func(x, y float64) bool { return x == y }},
		{"Ne", (*graph.Builder).Ne, func(x, y float64) bool { return x != y }},
	}
	for _, tc := range cases {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(tc.name+"/"+dt.String(), func(t *testing.T) {
				t.Parallel()
				g := newGraph(t, graph.WithDtype(dt))
				b := g.Scope("c")
				x := b.Param("x", xs, len(xs))
				same := tc.op(b, x, b.Param("y", ys, len(ys)))
				scalar := tc.op(b, x, b.Scalar(2))
				// A mask times x: the mask is a constant to the gradient.
				masked := b.Grad(b.Sum(b.Mul(same, x)), x)
				if err := g.Err(); err != nil {
					t.Fatal(err)
				}
				if same.Dtype() != dt {
					t.Errorf("dtype: got=%v, want=%v", same.Dtype(), dt)
				}
				for _, n := range []*graph.Node{same, scalar} {
					got := eval(t, g, n)
					for i := range xs {
						want := 0.0
						if tc.f(xs[i], ys[i]) {
							want = 1
						}
						if got[i] != want {
							t.Errorf("%s(%v, %v): got=%v, want=%v", tc.name, xs[i], ys[i], got[i], want)
						}
					}
				}
				gm, mask := eval(t, g, masked[0]), eval(t, g, same)
				for i := range xs[:3] {
					if gm[i] != mask[i] {
						t.Errorf("d Σ mask·x/dx[%d]: got=%v, want the mask %v", i, gm[i], mask[i])
					}
				}
			})
		}
	}
	// A cost that depends on x through a comparison only has no gradient.
	g := newGraph(t)
	b := g.Scope("c")
	x := b.Param("x", xs, len(xs))
	if got := b.Grad(b.Sum(b.Gt(x, b.Scalar(0))), x); got != nil || g.Err() == nil {
		t.Errorf("Grad through a comparison only: got=%v, err=%v; want nil and an error", got, g.Err())
	}
}

func TestMeanAndSum(t *testing.T) {
	t.Parallel()
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		g := newGraph(t, graph.WithDtype(dt))
		b := g.Scope("r")
		x := b.Param("x", []float64{1, 2, 3, 4, 5, 6}, 2, 3)
		mean, sum := b.Mean(x), b.Sum(x)
		grad := b.Grad(mean, x)
		if err := g.Err(); err != nil {
			t.Fatal(err)
		}
		if got := eval(t, g, mean); got[0] != 3.5 {
			t.Errorf("%v: mean: got=%v, want 3.5", dt, got)
		}
		if got := eval(t, g, sum); got[0] != 21 {
			t.Errorf("%v: sum: got=%v, want 21", dt, got)
		}
		for i, d := range eval(t, g, grad[0]) {
			if !closeTo(d, 1.0/6, 1e-7, 0) {
				t.Errorf("%v: d mean/dx[%d]: got=%v, want 1/6", dt, i, d)
			}
		}
	}
}

// TestScalarConstants: anonymous constants of different values (or
// dtypes) never merge; equal values share one node.
func TestScalarConstants(t *testing.T) {
	t.Parallel()
	g := newGraph(t)
	b := g.Scope("k")
	three, two := b.Scalar(3), b.Scalar(2)
	if three == two {
		t.Fatal("Scalar(3) and Scalar(2) are one node")
	}
	if again := g.Scope("other").Scalar(3); again != three {
		t.Error("Scalar(3) twice: two nodes, want one")
	}
	if b.Scalar(0) == b.Scalar(math.Copysign(0, -1)) {
		t.Error("Scalar(0) and Scalar(-0) are one node")
	}
	// Merged constants would give x·3 = 2, as gorgonia does for two
	// constants of the same name (TestGorgoniaMergesSameNamedConstants).
	x := b.Param("x", []float64{1, 2}, 2)
	y := b.Add(b.Mul(x, three), two)
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	if got := eval(t, g, y); got[0] != 5 || got[1] != 8 {
		t.Errorf("x·3 + 2: got=%v, want [5 8]", got)
	}
	if names := strings.Join(g.Names(), " "); strings.Contains(names, "const") {
		t.Errorf("anonymous constants are registered: %s", names)
	}
	// A named Const of value 3 stays its own node.
	if c := b.Const("three", 3); c == three {
		t.Error("Const and Scalar of the same value merged")
	}
	// A float32 graph gets float32 constants.
	g32 := newGraph(t, graph.WithDtype(tensor.Float32))
	if c := g32.Root().Scalar(0.1); c == nil || c.Dtype() != tensor.Float32 {
		t.Errorf("float32 graph: Scalar dtype %v", c)
	}
}

func TestGradNamesAndErrors(t *testing.T) {
	t.Parallel()
	g := newGraph(t)
	net := g.Scope("net")
	w := net.Param("W", []float64{1, 2}, 2)
	v := net.Param("v", []float64{0.5, -1}, 2)
	cost := net.Sum(net.Mul(w, net.Square(v)))
	grads := g.Scope("train").Grad(cost, w, v)
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"train/grad/net/W", "train/grad/net/v"} {
		n, err := g.Node(name)
		if err != nil || n != grads[i] {
			t.Errorf("%s: got=%v (%v), want the gradient node", name, n, err)
		}
	}
	if outs := g.Outputs(); len(outs) != 2 || outs[0].Name != "train/grad/net/W" {
		t.Errorf("outputs: got=%v, want the two gradients", outs)
	}
	if got := eval(t, g, grads[1]); got[0] != 1 || got[1] != -4 { // 2·w·v
		t.Errorf("d cost/dv: got=%v, want [1 -4]", got)
	}

	cases := []struct {
		name string
		run  func(b *graph.Builder) []*graph.Node
		want string
		is   error
	}{
		{"non-scalar cost", func(b *graph.Builder) []*graph.Node {
			x := b.Param("x", []float64{1, 2}, 2)
			return b.Grad(x, x)
		}, "must be a scalar", graph.ErrShape},
		{"no wrt", func(b *graph.Builder) []*graph.Node {
			return b.Grad(b.Sum(b.Param("x", []float64{1, 2}, 2)))
		}, "no node", nil},
		{"unregistered wrt", func(b *graph.Builder) []*graph.Node {
			x := b.Param("x", []float64{1, 2}, 2)
			return b.Grad(b.Sum(x), b.Neg(x))
		}, "not a state, input or param", graph.ErrUnknownNode},
		{"nil cost", func(b *graph.Builder) []*graph.Node {
			return b.Grad(nil, b.Param("x", []float64{1}, 1))
		}, "grad", nil},
		{"twice in one scope", func(b *graph.Builder) []*graph.Node {
			x := b.Param("x", []float64{1, 2}, 2)
			b.Grad(b.Sum(x), x)
			return b.Grad(b.Sum(b.Square(x)), x)
		}, `"s/grad/s/x"`, graph.ErrDuplicateName},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t)
			if got := tc.run(g.Scope("s")); got != nil {
				t.Errorf("got=%v, want nil", got)
			}
			err := g.Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err: got=%v, want one holding %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err: got=%v, want one wrapping %v", err, tc.is)
			}
		})
	}
}

func TestFn(t *testing.T) {
	t.Parallel()
	g := newGraph(t)
	b := g.Scope("f")
	x := b.Param("x", []float64{1, 2, 3}, 3)
	softmax := b.Fn("softmax", func(xs ...*gorgonia.Node) (*gorgonia.Node, error) {
		return gorgonia.SoftMax(xs[0])
	}, x)
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	got := eval(t, g, softmax)
	z := math.Exp(1) + math.Exp(2) + math.Exp(3)
	for i, gi := range got {
		if want := math.Exp(float64(i+1)) / z; !closeTo(gi, want, 1e-14, 0) {
			t.Errorf("softmax[%d]: got=%v, want=%v", i, gi, want)
		}
	}

	other := gorgonia.NewGraph()
	cases := []struct {
		name string
		f    func(xs ...*gorgonia.Node) (*gorgonia.Node, error)
		want string
	}{
		{"error", func(xs ...*gorgonia.Node) (*gorgonia.Node, error) { return nil, errors.New("boom") }, `Fn "bad"`},
		{"panic", func(xs ...*gorgonia.Node) (*gorgonia.Node, error) { panic("boom") }, "panicked: boom"},
		{"nil node", func(xs ...*gorgonia.Node) (*gorgonia.Node, error) { return nil, nil }, "nil node"},
		{"other graph", func(xs ...*gorgonia.Node) (*gorgonia.Node, error) {
			return gorgonia.NewScalar(other, tensor.Float64, gorgonia.WithName("o")), nil
		}, "another graph"},
		{"nil function", nil, "nil function"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t)
			b := g.Scope("f")
			if n := b.Fn("bad", tc.f, b.Param("x", []float64{1}, 1)); n != nil {
				t.Errorf("got=%v, want nil", n)
			}
			if err := g.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err: got=%v, want one holding %q", err, tc.want)
			}
			called := false
			b.Fn("after", func(xs ...*gorgonia.Node) (*gorgonia.Node, error) { called = true; return nil, nil })
			if called {
				t.Error("Fn ran its function after an error")
			}
		})
	}
}

// TestNewMathBroadcastsAVector: the binary ops take a vector [n] with a
// batch [batch, n] either way round, as Add and Mul do.
func TestNewMathBroadcastsAVector(t *testing.T) {
	t.Parallel()
	batch := []float64{1, 4, 9, 2, 6, 3} // [2, 3]
	vec := []float64{2, 4, 3}
	cases := []struct {
		name string
		op   func(b *graph.Builder, x, y *graph.Node) *graph.Node
		f    func(x, y float64) float64
	}{
		{"Div", (*graph.Builder).Div, func(x, y float64) float64 { return x / y }},
		{"Min", (*graph.Builder).Min, math.Min},
		{"Max", (*graph.Builder).Max, math.Max},
		{"Gt", (*graph.Builder).Gt, func(x, y float64) float64 {
			if x > y {
				return 1
			}
			return 0
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t)
			b := g.Scope("m")
			bt, v := b.Param("batch", batch, 2, 3), b.Param("vec", vec, 3)
			left, right := tc.op(b, bt, v), tc.op(b, v, bt)
			if err := g.Err(); err != nil {
				t.Fatal(err)
			}
			gl, gr := eval(t, g, left), eval(t, g, right)
			for i, x := range batch {
				if want := tc.f(x, vec[i%3]); gl[i] != want {
					t.Errorf("%s(batch, vec)[%d]: got=%v, want=%v", tc.name, i, gl[i], want)
				}
				if want := tc.f(vec[i%3], x); gr[i] != want {
					t.Errorf("%s(vec, batch)[%d]: got=%v, want=%v", tc.name, i, gr[i], want)
				}
			}
		})
	}
}
