package ops

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// vec64 returns a float64 vector node named name in g.
func vec64(g *gorgonia.ExprGraph, name string, n int) *gorgonia.Node {
	return gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(n), gorgonia.WithName(name))
}

// vec32 returns a float32 vector node named name in g.
func vec32(g *gorgonia.ExprGraph, name string, n int) *gorgonia.Node {
	return gorgonia.NewVector(g, tensor.Float32, gorgonia.WithShape(n), gorgonia.WithName(name))
}

// scalar64 returns a float64 scalar node named name in g.
func scalar64(g *gorgonia.ExprGraph, name string) *gorgonia.Node {
	return gorgonia.NewScalar(g, tensor.Float64, gorgonia.WithName(name))
}

// dense64 returns a float64 tensor of the given shape backed by data.
func dense64(data []float64, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// dense32 returns a float32 tensor of the given shape backed by data.
func dense32(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// mustApply applies op or fails the test.
func mustApply(t testing.TB, op gorgonia.Op, children ...*gorgonia.Node) *gorgonia.Node {
	t.Helper()
	n, err := Apply(op, children...)
	if err != nil {
		t.Fatalf("Apply(%v): %v", op, err)
	}
	return n
}

// machine compiles g after planning a Read of every node in fetch, and
// returns a run function that binds lets, runs the tape, copies the fetched
// values out as []float64 and resets the machine. This is the fetch pattern
// the session package uses: Read nodes planned at compile time, then Reset.
func machine(t testing.TB, g *gorgonia.ExprGraph, fetch ...*gorgonia.Node) func(lets map[*gorgonia.Node]interface{}) [][]float64 {
	t.Helper()
	vals := make([]gorgonia.Value, len(fetch))
	for i, n := range fetch {
		gorgonia.Read(n, &vals[i])
	}
	m := gorgonia.NewTapeMachine(g)
	t.Cleanup(func() { m.Close() })
	return func(lets map[*gorgonia.Node]interface{}) [][]float64 {
		t.Helper()
		for n, v := range lets {
			if err := gorgonia.Let(n, v); err != nil {
				t.Fatalf("Let(%v): %v", n, err)
			}
		}
		if err := m.RunAll(); err != nil {
			t.Fatalf("RunAll: %v", err)
		}
		out := make([][]float64, len(vals))
		for i, v := range vals {
			out[i] = float64s(t, v)
		}
		m.Reset()
		return out
	}
}

// float64s copies a float64 or float32 Value into a new []float64.
func float64s(t testing.TB, v gorgonia.Value) []float64 {
	t.Helper()
	view, err := viewOf(v)
	if err != nil {
		t.Fatalf("viewOf(%v): %v", v, err)
	}
	out := make([]float64, view.len())
	for i := range out {
		out[i] = view.at(i)
	}
	return out
}

// wantErr fails unless err is non-nil, starts with "ops: " and contains
// every fragment.
func wantErr(t testing.TB, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want one containing %q", fragments)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "ops: ") {
		t.Errorf("error %q does not start with \"ops: \"", msg)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not contain %q", msg, f)
		}
	}
}

// closeRel reports whether got and want agree within rel relative tolerance
// (absolute near zero).
func closeRel(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}

// gradThroughDraw builds Sum(w * op(x, step)) for a random op, fills x with
// the value x0 at step 1, and returns the draws and dcost/dw (the draws act
// as a constant, so the two should be equal), and the error of asking for
// dcost/dx (there is no differentiable path, so it should not be nil).
func gradThroughDraw(t *testing.T, op gorgonia.Op, x0 float64) (draws, grads []float64, xErr error) {
	t.Helper()
	const n = 50
	g := gorgonia.NewGraph()
	x, step, w := vec64(g, "x", n), scalar64(g, "step"), vec64(g, "w", n)
	d := mustApply(t, op, x, step)
	prod, err := gorgonia.HadamardProd(w, d)
	if err != nil {
		t.Fatal(err)
	}
	cost, err := gorgonia.Sum(prod)
	if err != nil {
		t.Fatal(err)
	}
	gr, err := gorgonia.Grad(cost, w)
	if err != nil {
		t.Fatalf("Grad through %v: %v", op, err)
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = x0
	}
	out := machine(t, g, d, gr[0])(map[*gorgonia.Node]interface{}{
		x: dense64(data, n), step: 1.0, w: dense64(make([]float64, n), n),
	})
	_, xErr = gorgonia.Grad(cost, x)
	return out[0], out[1], xErr
}
