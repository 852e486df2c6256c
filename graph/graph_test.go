package graph_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/internal/testutil"
)

func newGraph(t *testing.T, opts ...graph.Option) *graph.Graph {
	t.Helper()
	g, err := graph.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// eval runs n (a non-input node) once with a tape machine.
func eval(t *testing.T, g *graph.Graph, n *graph.Node) []float64 {
	t.Helper()
	var v gorgonia.Value
	gorgonia.Read(n, &v)
	m := gorgonia.NewTapeMachine(g.ExprGraph())
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	return testutil.Float64s(t, v.Data())
}

func TestScopedNames(t *testing.T) {
	g := newGraph(t)
	exc := g.Scope("net").Scope("exc")
	v := exc.State("v", []float64{-70}, 3)
	if _, err := g.Node("net/exc/v"); err != nil {
		t.Fatal(err)
	}
	exc.SetNext(v, exc.Add(v, exc.Const("one", 1)))
	if n, err := g.Node("net/exc/v:next"); err != nil || n == nil {
		t.Fatalf("next not registered: %v", err)
	}
	if _, err := g.Node("nope"); !errors.Is(err, graph.ErrUnknownNode) {
		t.Fatalf("unknown name: %v", err)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	st := g.States()
	if len(st) != 1 || st[0].Name != "net/exc/v" || len(st[0].Init) != 3 || st[0].Init[2] != -70 {
		t.Fatalf("states %+v", st)
	}
}

func TestDuplicateNameIsAnError(t *testing.T) {
	// gorgonia's AddNode returns the earlier constant of the same name:
	// x*3 would evaluate with the 2. The builder must refuse instead.
	g := newGraph(t)
	b := g.Scope("s")
	two := b.Const("k", 2)
	three := b.Const("k", 3)
	if two == nil || three != nil {
		t.Fatalf("second const: %v", three)
	}
	if !errors.Is(g.Err(), graph.ErrDuplicateName) {
		t.Fatalf("err = %v", g.Err())
	}
	// Sticky: later calls return nil without touching the graph.
	if n := b.Add(two, two); n != nil {
		t.Fatal("builder kept going after an error")
	}
	// The same local name in two scopes is fine.
	g2 := newGraph(t)
	a := g2.Scope("a").Const("k", 2)
	c := g2.Scope("c").Const("k", 3)
	// (gorgonia cannot compile a graph without an input node: x = 1.)
	x := g2.Root().Param("x", []float64{1}, 1)
	prod := g2.Root().Mul(g2.Root().Mul(a, c), x)
	if err := g2.Err(); err != nil {
		t.Fatal(err)
	}
	if got := eval(t, g2, prod); got[0] != 6 {
		t.Fatalf("a/k * c/k = %v, want 6", got)
	}
}

func TestGorgoniaMergesSameNamedConstants(t *testing.T) {
	// The behaviour the builder protects against (x*3 evaluates to 2), kept
	// as a test so that a gorgonia upgrade that changes it is noticed.
	eg := gorgonia.NewGraph()
	x := gorgonia.NewScalar(eg, tensor.Float64, gorgonia.WithName("x"), gorgonia.WithValue(1.0))
	c2 := gorgonia.NewConstant(2.0, gorgonia.WithName("k"))
	c3 := gorgonia.NewConstant(3.0, gorgonia.WithName("k"))
	y := gorgonia.Must(gorgonia.Mul(x, c2))
	z := gorgonia.Must(gorgonia.Mul(x, c3))
	var zv gorgonia.Value
	gorgonia.Read(z, &zv)
	_ = y
	m := gorgonia.NewTapeMachine(eg)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if zv.Data().(float64) != 2 {
		t.Fatalf("gorgonia no longer merges same-named constants (x*3 = %v): revisit the builder's guard", zv.Data())
	}
}

func TestBadNames(t *testing.T) {
	for _, name := range []string{"", "1x", "a/b", "a b", "x:next", "ü"} {
		g := newGraph(t)
		if n := g.Root().Input(name, 2); n != nil || !errors.Is(g.Err(), graph.ErrBadName) {
			t.Errorf("name %q: node %v, err %v", name, n, g.Err())
		}
	}
	g := newGraph(t)
	g.Scope("bad scope").Input("x", 1)
	if !errors.Is(g.Err(), graph.ErrBadName) {
		t.Errorf("bad scope: err %v", g.Err())
	}
}

func TestSetNextErrors(t *testing.T) {
	cases := map[string]func(b *graph.Builder){
		"shape": func(b *graph.Builder) {
			v := b.State("v", []float64{0}, 3)
			b.SetNext(v, b.Input("w", 4))
		},
		"not a state": func(b *graph.Builder) {
			b.SetNext(b.Input("w", 3), b.Input("x", 3))
		},
		"twice": func(b *graph.Builder) {
			v := b.State("v", []float64{0}, 3)
			b.SetNext(v, v)
			b.SetNext(v, v)
		},
		"init size": func(b *graph.Builder) {
			b.State("v", []float64{1, 2}, 3)
		},
		"zero dim": func(b *graph.Builder) {
			b.Input("v", 0)
		},
		"param size": func(b *graph.Builder) {
			b.Param("W", []float64{1, 2, 3}, 2, 2)
		},
		"mul shapes": func(b *graph.Builder) {
			b.Mul(b.Input("a", 3), b.Input("b", 4))
		},
		"matvec shapes": func(b *graph.Builder) {
			b.MatVec(b.Param("W", make([]float64, 6), 2, 3), b.Input("x", 2))
		},
		"nil operand": func(b *graph.Builder) {
			b.Add(nil, b.Input("x", 2))
		},
	}
	for name, build := range cases {
		g := newGraph(t)
		build(g.Scope("s"))
		if g.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	g := newGraph(t)
	g.Root().State("v", []float64{0}, 2)
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "no next value") {
		t.Errorf("state without next: %v", err)
	}
}

func TestElementwiseAndBatchBroadcast(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		g := newGraph(t, graph.WithDtype(dt))
		b := g.Root()
		p := b.Param("p", []float64{1, 2, 3}, 3)
		x := b.Param("x", []float64{1, 1, 1, 2, 2, 2}, 2, 3) // [batch=2, n=3]
		w := b.Param("W", []float64{1, 0, 0, 0, 1, 1}, 2, 3) // [post=2, pre=3]
		prod := b.Mul(p, x)
		sum := b.Add(x, p)
		diff := b.Sub(b.Const("ten", 10), p)
		proj := b.MatVec(w, p)
		batch := b.MatVec(w, x)
		if err := g.Err(); err != nil {
			t.Fatal(err)
		}
		check := func(name string, n *graph.Node, want []float64) {
			got := eval(t, g, n)
			if len(got) != len(want) {
				t.Fatalf("%v %s: %v, want %v", dt, name, got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%v %s: %v, want %v", dt, name, got, want)
				}
			}
		}
		check("p.*x", prod, []float64{1, 2, 3, 2, 4, 6})
		check("x+p", sum, []float64{2, 3, 4, 3, 4, 5})
		check("10-p", diff, []float64{9, 8, 7})
		check("W·p", proj, []float64{1, 5})
		check("x·Wᵀ", batch, []float64{1, 2, 2, 4})
	}
}

func TestDtypeOption(t *testing.T) {
	if _, err := graph.New(graph.WithDtype(tensor.Int)); !errors.Is(err, graph.ErrDtype) {
		t.Fatalf("int graph: %v", err)
	}
	if _, err := graph.ParseDtype("float16"); err == nil {
		t.Fatal("ParseDtype(float16): no error")
	}
	g := newGraph(t, graph.WithDtype(tensor.Float32))
	s := g.StepCounter()
	if s.Dtype() != tensor.Float64 {
		t.Fatalf("step counter is %v in a float32 graph, want float64", s.Dtype())
	}
	if g.StepCounter() != s {
		t.Fatal("StepCounter created twice")
	}
	v := g.Root().State("v", []float64{0}, 2)
	if v.Dtype() != tensor.Float32 {
		t.Fatalf("state dtype %v", v.Dtype())
	}
}

func TestDescribeAndDot(t *testing.T) {
	g := newGraph(t)
	b := g.Scope("net")
	v := b.State("v", []float64{0}, 2)
	b.SetNext(v, b.Add(v, b.Input("I", 2)))
	b.Output("twice", b.Add(v, v))
	d := g.Describe()
	for _, line := range []string{"net/v\tstate", "net/v:next\tnext", "net/I\tinput", "net/twice\toutput"} {
		if !strings.Contains(d, line) {
			t.Errorf("Describe lacks %q:\n%s", line, d)
		}
	}
	if !strings.Contains(g.Dot(), "digraph") {
		t.Error("Dot is not a digraph")
	}
	if err := g.MarkCompiled(); err != nil {
		t.Fatal(err)
	}
	if err := g.MarkCompiled(); err == nil {
		t.Fatal("second MarkCompiled: no error")
	}
}

func TestExpAndItsGradient(t *testing.T) {
	xs := []float64{-2, 0, 0.5, 3}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		g := newGraph(t, graph.WithDtype(dt))
		b := g.Scope("s")
		x := b.Param("x", xs, len(xs))
		y := b.Exp(x)
		cost := b.Sum(y)
		if err := g.Err(); err != nil {
			t.Fatal(err)
		}
		if y.Dtype() != dt || !y.Shape().Eq(x.Shape()) {
			t.Fatalf("%v: Exp gives %v %v, want %v %v", dt, y.Dtype(), y.Shape(), dt, x.Shape())
		}
		grads, err := gorgonia.Grad(cost, x)
		if err != nil {
			t.Fatal(err)
		}
		got, dx := eval(t, g, y), eval(t, g, grads[0])
		tol := 1e-15
		if dt == tensor.Float32 {
			tol = 1e-6
		}
		for i, xi := range xs {
			want := math.Exp(xi)
			if math.Abs(got[i]-want) > tol*want {
				t.Errorf("%v: exp(%v): got=%v, want=%v", dt, xi, got[i], want)
			}
			// d/dx Σ e^x = e^x.
			if math.Abs(dx[i]-want) > tol*want {
				t.Errorf("%v: d exp/dx at %v: got=%v, want=%v", dt, xi, dx[i], want)
			}
		}
	}
	// Sticky error: a nil operand is reported with the op's name, and the
	// builder returns nil afterwards.
	g := newGraph(t)
	b := g.Scope("s")
	if n := b.Exp(nil); n != nil || g.Err() == nil || !strings.Contains(g.Err().Error(), "exp") {
		t.Fatalf("Exp(nil): node %v, err %v", n, g.Err())
	}
	if n := b.Exp(b.Const("one", 1)); n != nil {
		t.Fatal("Exp kept going after an error")
	}
}
