package session_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// paramGraph builds x' = w·x + bias with params w (3) and bias (scalar),
// a cost Σ w·x² and its gradient with respect to w ("train/grad/net/w").
func paramGraph(t *testing.T, dt tensor.Dtype) *graph.Graph {
	t.Helper()
	g, err := graph.New(graph.WithDtype(dt))
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("net")
	x := b.State("x", []float64{1, 2, 3}, 3)
	w := b.Param("w", []float64{1, 1, 1}, 3)
	bias := b.Param("bias", []float64{0.5})
	b.SetNext(x, b.Add(b.Mul(w, x), bias))
	cost := g.Root().Output("cost", b.Sum(b.Mul(w, b.Square(x))))
	g.Scope("train").Grad(cost, w)
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

func values(t *testing.T, s *session.Session, names ...string) [][]float64 {
	t.Helper()
	vals, err := s.Run(names, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(vals))
	for i, v := range vals {
		switch d := v.Data().(type) {
		case []float64:
			out[i] = append([]float64(nil), d...)
		case []float32:
			for _, x := range d {
				out[i] = append(out[i], float64(x))
			}
		case float64:
			out[i] = []float64{d}
		case float32:
			out[i] = []float64{float64(d)}
		default:
			t.Fatalf("%s: value %T", names[i], d)
		}
	}
	return out
}

// TestSetParamTakesEffect: SetParam changes what the compiled session
// computes (next values, outputs and gradients) on both executors, without
// a new session; Param returns a copy.
func TestSetParamTakesEffect(t *testing.T) {
	for _, exe := range []session.Executor{session.Lean, session.TapeMachine} {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(exe.String()+"/"+dt.String(), func(t *testing.T) {
				g := paramGraph(t, dt)
				s, err := session.New(g, session.WithExecutor(exe))
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				got := values(t, s, "net/x:next", "cost", "train/grad/net/w")
				if want := []float64{1.5, 2.5, 3.5}; !slices.Equal(got[0], want) {
					t.Errorf("x' with w = 1: got=%v, want=%v", got[0], want)
				}
				if !slices.Equal(got[1], []float64{14}) || !slices.Equal(got[2], []float64{1, 4, 9}) {
					t.Errorf("cost, dcost/dw with w = 1: got=%v %v, want [14] [1 4 9]", got[1], got[2])
				}

				if err := s.SetParam("net/w", []float64{2, 0, -1}); err != nil {
					t.Fatal(err)
				}
				if err := s.SetParam("net/bias", []float64{-1}); err != nil {
					t.Fatal(err)
				}
				got = values(t, s, "net/x:next", "cost", "train/grad/net/w")
				if want := []float64{1, -1, -4}; !slices.Equal(got[0], want) {
					t.Errorf("x' after SetParam: got=%v, want=%v", got[0], want)
				}
				if !slices.Equal(got[1], []float64{2 - 9}) || !slices.Equal(got[2], []float64{1, 4, 9}) {
					t.Errorf("cost, dcost/dw after SetParam: got=%v %v, want [-7] [1 4 9]", got[1], got[2])
				}
				// Step carries with the new param.
				if err := s.Step(nil); err != nil {
					t.Fatal(err)
				}
				if x, _ := s.State("net/x"); !slices.Equal(x, []float64{1, -1, -4}) {
					t.Errorf("x after a step: got=%v, want [1 -1 -4]", x)
				}

				// Param copies out: changing the copy changes nothing.
				w, err := s.Param("net/w")
				if err != nil || !slices.Equal(w, []float64{2, 0, -1}) {
					t.Fatalf("Param: got=%v (%v), want [2 0 -1]", w, err)
				}
				w[0] = 100
				if again, _ := s.Param("net/w"); again[0] != 2 {
					t.Errorf("Param returned the session's own slice: %v", again)
				}
				// SetParam copies in: changing the caller's slice changes nothing.
				in := []float64{3, 3, 3}
				if err := s.SetParam("net/w", in); err != nil {
					t.Fatal(err)
				}
				in[0] = -100
				if again, _ := s.Param("net/w"); !slices.Equal(again, []float64{3, 3, 3}) {
					t.Errorf("SetParam kept the caller's slice: %v", again)
				}
				// The session writes into the graph's own param tensor.
				if p := g.Params()[0]; p.Name != "net/w" || p.Value.Shape().TotalSize() != 3 {
					t.Fatalf("graph params: %v", g.Params())
				} else if d, ok := p.Value.Data().([]float64); ok && d[1] != 3 {
					t.Errorf("graph.Param.Value: got=%v, want the set value", d)
				}
				// One value fills the param.
				if err := s.SetParam("net/w", []float64{0.25}); err != nil {
					t.Fatal(err)
				}
				if again, _ := s.Param("net/w"); !slices.Equal(again, []float64{0.25, 0.25, 0.25}) {
					t.Errorf("fill: got=%v, want three 0.25", again)
				}
			})
		}
	}
}

func TestParamErrors(t *testing.T) {
	t.Parallel()
	s, err := session.New(paramGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"unknown", s.SetParam("net/nope", []float64{1}), `"net/nope"`, session.ErrUnknownNode},
		{"wrong size", s.SetParam("net/w", []float64{1, 2}), `"net/w" holds 3 values, got 2`, session.ErrShape},
		{"a state", s.SetParam("net/x", []float64{1}), `"net/x" is a state, not a param`, nil},
		{"read a state", func() error { _, err := s.Param("net/x"); return err }(), "not a param", nil},
		{"set a param as an input", s.SetInput("net/w", []float64{1}), "is a param", nil},
	}
	for _, tc := range cases {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: err=%v, want one holding %q", tc.name, tc.err, tc.want)
		}
		if tc.is != nil && !errors.Is(tc.err, tc.is) {
			t.Errorf("%s: err=%v, want one wrapping %v", tc.name, tc.err, tc.is)
		}
	}
	if w, _ := s.Param("net/w"); !slices.Equal(w, []float64{1, 1, 1}) {
		t.Errorf("a refused SetParam changed the param: %v", w)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.SetParam("net/w", []float64{1}); !errors.Is(err, session.ErrClosed) {
		t.Errorf("SetParam on a closed session: got=%v, want ErrClosed", err)
	}
	var nilSession *session.Session
	if _, err := nilSession.Param("net/w"); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("Param on a nil session: got=%v, want ErrNoSession", err)
	}
}

// TestNewMathOnBothExecutors runs every maths op of the Builder and a
// gradient through them on the lean executor and the tape machine: the
// values must agree bit for bit (the lean executor runs ops without a
// kernel of its own through their Do, the same code as the tape machine).
func TestNewMathOnBothExecutors(t *testing.T) {
	build := func() *graph.Graph {
		g, err := graph.New()
		if err != nil {
			t.Fatal(err)
		}
		b := g.Scope("m")
		x := b.Param("x", []float64{0.3, -1.2, 2.5, 0.9}, 4)
		y := b.Param("y", []float64{1.1, -0.4, 2.0, 3.3}, 4)
		mask := b.Gt(x, y)
		terms := []*graph.Node{
			b.Div(b.Mul(b.Sigmoid(x), b.Tanh(y)), b.Add(b.Square(y), b.Scalar(1))),
			b.Log(b.Add(b.Square(x), b.Scalar(2))),
			b.Neg(b.Min(x, y)), b.Max(x, y), b.Mul(mask, x), b.Exp(b.Neg(b.Square(x))),
		}
		sum := terms[0]
		for _, n := range terms[1:] {
			sum = b.Add(sum, n)
		}
		cost := g.Root().Output("cost", b.Mean(sum))
		g.Scope("train").Grad(cost, x, y)
		if err := g.Err(); err != nil {
			t.Fatal(err)
		}
		return g
	}
	fetch := []string{"cost", "train/grad/m/x", "train/grad/m/y"}
	var results [2][][]float64
	for i, exe := range []session.Executor{session.Lean, session.TapeMachine} {
		s, err := session.New(build(), session.WithExecutor(exe))
		if err != nil {
			t.Fatal(err)
		}
		results[i] = values(t, s, fetch...)
		s.Close()
	}
	for k := range fetch {
		if !slices.Equal(results[0][k], results[1][k]) {
			t.Errorf("%s: lean %v, tape %v", fetch[k], results[0][k], results[1][k])
		}
	}
}
