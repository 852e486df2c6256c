package session_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// builtinGraph uses every gorgonia built-in the lean executor runs with its
// own kernels (elementwise +, -, ⊙, ÷ with scalar operands on either side,
// W·x, a reshape) and scalar arithmetic, with values that round.
func builtinGraph(t testing.TB, dt tensor.Dtype) *graph.Graph {
	t.Helper()
	g, err := graph.New(graph.WithDtype(dt))
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("net")
	x := b.State("x", []float64{0.1, -2.3, 3.7, 1e-3}, 4)
	y := b.State("y", []float64{1.3, 0.7, -0.9, 2.2}, 4)
	w := b.Param("W", []float64{0.3, -1.1, 2.7, 0.01, 1.9, 0.2, -0.6, 3.3, 0.7, 0.7, -0.1, 1e-4}, 3, 4)
	k := b.Const("k", 1.0/3)
	in := b.Input("in", 4)
	var terms []*graph.Node
	for _, f := range []func(p, q *graph.Node) *graph.Node{b.Add, b.Sub, b.Mul} {
		terms = append(terms, f(x, y), f(k, y), f(x, k))
	}
	quot := func(p, q *graph.Node) *graph.Node {
		n, err := gorgonia.HadamardDiv(p, q)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	terms = append(terms, quot(x, y))
	sum := in
	for _, n := range terms {
		sum = b.Add(sum, n)
	}
	b.SetNext(x, b.Mul(b.Const("shrink", 0.37), sum))
	wx := b.MatVec(w, x)
	b.Output("wx", wx)
	r, err := gorgonia.Reshape(wx, tensor.Shape{1, 3})
	if err != nil {
		t.Fatal(err)
	}
	b.Output("row", r)
	s := b.State("s", []float64{0.25})
	b.SetNext(s, b.Add(b.Mul(s, b.Const("two", 2.1)), b.Const("third", 1.0/3)))
	b.SetNext(y, b.Sub(y, b.Mul(b.Const("decay", 0.1), x)))
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestLeanEqualsTapeOnBuiltins(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			lean, err := session.New(builtinGraph(t, dt))
			if err != nil {
				t.Fatal(err)
			}
			tape, err := session.New(builtinGraph(t, dt), session.WithTapeMachine())
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 20; k++ {
				feed := session.Feeds{"net/in": {0.1 * float64(k), -0.2, 1.0 / 7, 0}}
				if err := lean.Step(feed); err != nil {
					t.Fatal(err)
				}
				if err := tape.Step(feed); err != nil {
					t.Fatal(err)
				}
				for _, name := range []string{"net/x", "net/y", "net/s", "net/wx", "net/row"} {
					a, err := lean.Value(name)
					if err != nil {
						t.Fatal(err)
					}
					b, err := tape.Value(name)
					if err != nil {
						t.Fatal(err)
					}
					if !sameData(a, b) {
						t.Fatalf("step %d: %s: lean %v, tape %v", k, name, a, b)
					}
				}
			}
			// Every op ran through a kernel of the session's: the fallback
			// (gorgonia's UsePreallocDo) allocates.
			feed := session.Feeds{"net/in": {1}}
			if n := testing.AllocsPerRun(20, func() { _ = lean.Step(feed) }); n != 0 {
				t.Fatalf("lean step: %v allocations, want 0", n)
			}
		})
	}
}

// sameData compares two values' data bit for bit (as printed, which
// gorgonia does exactly for float64 and float32).
func sameData(a, b gorgonia.Value) bool {
	as, bs := bitsOf(a), bitsOf(b)
	if len(as) != len(bs) || len(as) == 0 {
		return false
	}
	for i := range as {
		if as[i] != bs[i] {
			return false
		}
	}
	return a.Shape().Eq(b.Shape())
}

func bitsOf(v gorgonia.Value) []uint64 {
	switch d := v.Data().(type) {
	case []float64:
		out := make([]uint64, len(d))
		for i, x := range d {
			out[i] = math.Float64bits(x)
		}
		return out
	case []float32:
		out := make([]uint64, len(d))
		for i, x := range d {
			out[i] = uint64(math.Float32bits(x))
		}
		return out
	case float64:
		return []uint64{math.Float64bits(d)}
	case float32:
		return []uint64{uint64(math.Float32bits(d))}
	}
	return nil
}

// delayGraph is a delay line: d1' = x and d2' = d1, where x and d1 are
// states themselves, so the carry must use the values of the run.
func delayGraph(t testing.TB) *graph.Graph {
	t.Helper()
	g, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("net")
	x := b.State("x", []float64{1}, 2)
	d1 := b.State("d1", []float64{0}, 2)
	d2 := b.State("d2", []float64{0}, 2)
	d3 := b.State("d3", []float64{0}, 2)
	b.SetNext(x, b.Add(x, b.Const("one", 1)))
	b.SetNext(d1, x)
	b.SetNext(d2, d1)
	// d3 reads d1 through a reshape: a view of d1's memory on the lean
	// executor, which the carry must not read after overwriting d1.
	flat, err := gorgonia.Reshape(d1, tensor.Shape{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	back, err := gorgonia.Reshape(flat, tensor.Shape{2})
	if err != nil {
		t.Fatal(err)
	}
	b.SetNext(d3, back)
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestLeanCarriesADelayLine(t *testing.T) {
	for _, e := range []session.Executor{session.Lean, session.TapeMachine} {
		t.Run(e.String(), func(t *testing.T) {
			s, err := session.New(delayGraph(t), session.WithExecutor(e))
			if err != nil {
				t.Fatal(err)
			}
			for k := 1; k <= 4; k++ {
				if err := s.Step(nil); err != nil {
					t.Fatal(err)
				}
				x, _ := s.State("net/x")
				d1, _ := s.State("net/d1")
				d2, _ := s.State("net/d2")
				// x(k) = 1 + k, d1(k) = x(k-1), d2(k) = d1(k-1) = x(k-2).
				wantD2 := 0.0
				if k >= 2 {
					wantD2 = float64(k - 1)
				}
				d3, _ := s.State("net/d3")
				if x[0] != float64(1+k) || d1[0] != float64(k) || d2[0] != wantD2 || d3[0] != wantD2 {
					t.Fatalf("step %d: x %v d1 %v d2 %v d3 %v", k, x, d1, d2, d3)
				}
				next, err := s.Fetched("net/d2:next")
				if err != nil {
					t.Fatal(err)
				}
				if got := next.Data().([]float64)[0]; got != wantD2 {
					t.Fatalf("step %d: Fetched(d2:next) = %v, want the run's value %v", k, got, wantD2)
				}
			}
		})
	}
}

func TestLeanReadsAnyNode(t *testing.T) {
	g := counterGraph(t, tensor.Float64)
	x, _ := g.Node("net/x")
	s, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Step(session.Feeds{"net/in": {1}}); err != nil {
		t.Fatal(err)
	}
	// double = 2*x of the run (x was 1, 2, 3): readable through Value.
	v, err := s.Value("net/double")
	if err != nil {
		t.Fatal(err)
	}
	if d := v.Data().([]float64); d[0] != 2 || d[2] != 6 {
		t.Fatalf("double %v", d)
	}
	// a named constant and the state node itself
	if v, err := s.Value("net/a"); err != nil || v.Data().(float64) != 2 {
		t.Fatalf("const: %v %v", v, err)
	}
	if v, err := s.NodeValue(x); err != nil || v.Data().([]float64)[0] != 3 {
		t.Fatalf("state x: %v %v", v, err)
	}
	if _, err := s.Value("nope"); !errors.Is(err, session.ErrUnknownNode) {
		t.Fatalf("unknown: %v", err)
	}
	// Run fetches any named node on the lean executor (TF's sess.run).
	out, err := s.Run([]string{"net/a", "net/double"}, nil)
	if err != nil || out[0].Data().(float64) != 2 {
		t.Fatalf("Run of a constant: %v %v", out, err)
	}
	tape, err := session.New(counterGraph(t, tensor.Float64), session.WithTapeMachine())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tape.Value("net/a"); err == nil {
		t.Fatal("tape machine: reading a constant's register gave no error")
	}
	if _, err := tape.Run([]string{"net/a"}, nil); !errors.Is(err, session.ErrUnknownNode) {
		t.Fatalf("tape machine: Run of a constant: %v", err)
	}
}

func TestOpTimerAndStateCheck(t *testing.T) {
	var seen []string
	check := func(name string, v session.View) error {
		seen = append(seen, name)
		if name == "net/x" && v.F64[2] > 20 {
			return errors.New("x too large")
		}
		return nil
	}
	s, err := session.New(counterGraph(t, tensor.Float64), session.WithOpTimer(), session.WithStateCheck(check))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Steps(context.Background(), 2, nil); err != nil {
		t.Fatal(err)
	}
	// net/x, net/y (the step counter is a scalar: not checked)
	if len(seen) != 4 || seen[0] != "net/x" || seen[1] != "net/y" {
		t.Fatalf("checked %v", seen)
	}
	times := s.OpTimes()
	if len(times) == 0 {
		t.Fatal("no op times")
	}
	for _, ot := range times {
		if ot.Calls != 2 {
			t.Fatalf("%s: %d calls, want 2", ot.Node, ot.Calls)
		}
	}
	// x: 3 -> 6 -> 12 -> 24 stops the run at sample 3.
	err = s.Steps(context.Background(), 5, nil)
	if err == nil || !strings.Contains(err.Error(), "x too large") || !strings.Contains(err.Error(), "sample 3") {
		t.Fatalf("err = %v", err)
	}
	off, err := session.New(counterGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	if err := off.Step(nil); err != nil {
		t.Fatal(err)
	}
	for _, ot := range off.OpTimes() {
		if ot.Calls != 0 || ot.Total != 0 {
			t.Fatalf("timer off: %+v", ot)
		}
	}
}

func TestExecutorOptionsConflict(t *testing.T) {
	cases := map[string][]session.Option{
		"lean and tape":   {session.WithExecutor(session.Lean), session.WithTapeMachine()},
		"vm options":      {session.WithVMOptions(gorgonia.TraceExec())},
		"timer on tape":   {session.WithTapeMachine(), session.WithOpTimer()},
		"nil check":       {session.WithStateCheck(nil)},
		"unknown":         {session.WithExecutor(session.Executor(7))},
		"tape and lean 2": {session.WithTapeMachine(), session.WithExecutor(session.Lean)},
	}
	for name, opts := range cases {
		if _, err := session.New(counterGraph(t, tensor.Float64), opts...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := session.New(counterGraph(t, tensor.Float64), session.WithTapeMachine(), session.WithVMOptions(gorgonia.TraceExec())); err != nil {
		t.Errorf("tape with VM options: %v", err)
	}
}

func TestLeanNaNWatch(t *testing.T) {
	g, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("net")
	x := b.State("x", []float64{1, 0}, 2)
	b.SetNext(x, b.Sub(b.Mul(x, b.Const("big", math.MaxFloat64)), b.Const("one", 1)))
	s, err := session.New(g, session.WithNaNWatch())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Step(nil); err != nil {
		t.Fatal(err)
	}
	err = s.Step(nil)
	if err == nil || !strings.Contains(err.Error(), "NaN or Inf") {
		t.Fatalf("err = %v", err)
	}
}

// TestLeanSwapsInsteadOfCopying checks the carry by swapping programs: a
// state whose next value is an op's output lives, after a step, in the
// buffer that op wrote (no copy), so StateView's slices alternate between
// two buffers, while StateRef follows them; Run between steps leaves the
// state as it is; SetState writes where the next step reads; and the
// values are those of the tape machine at every step.
func TestLeanSwapsInsteadOfCopying(t *testing.T) {
	lean, err := session.New(builtinGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	tape, err := session.New(builtinGraph(t, tensor.Float64), session.WithTapeMachine())
	if err != nil {
		t.Fatal(err)
	}
	ref, err := lean.StateRef("net/x")
	if err != nil {
		t.Fatal(err)
	}
	var addrs []*float64
	for k := 0; k < 6; k++ {
		v, _ := lean.StateView("net/x")
		addrs = append(addrs, &v.F64[0])
		if &ref.F64[0] != &v.F64[0] {
			t.Fatalf("step %d: StateRef does not follow the state", k)
		}
		if k == 3 {
			for _, s := range []*session.Session{lean, tape} {
				if err := s.SetState("net/x", []float64{0.5, 0.25, -1, 2}); err != nil {
					t.Fatal(err)
				}
			}
		}
		before, _ := lean.State("net/x")
		if _, err := lean.Run([]string{"net/x:next"}, session.Feeds{"net/in": {1}}); err != nil {
			t.Fatal(err)
		}
		if after, _ := lean.State("net/x"); !slices.Equal(before, after) {
			t.Fatalf("step %d: Run changed the state: %v, then %v", k, before, after)
		}
		for _, s := range []*session.Session{lean, tape} {
			if err := s.Step(session.Feeds{"net/in": {float64(k)}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{"net/x", "net/y"} {
			a, _ := lean.State(name)
			b, _ := tape.State(name)
			for i := range a {
				if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
					t.Fatalf("step %d: %s = %v on the lean executor, %v on the tape machine", k, name, a, b)
				}
			}
		}
	}
	if addrs[0] == addrs[1] || addrs[0] != addrs[2] || addrs[1] != addrs[3] {
		t.Fatalf("net/x's buffer over steps: %v, want two buffers taking turns", addrs)
	}
}
