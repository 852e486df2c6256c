package graph_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
)

// TestNoGraph checks that a nil *Graph, a zero Graph and a nil *Builder
// neither panic nor add anything: every node method returns nil and Err
// returns ErrNoGraph.
func TestNoGraph(t *testing.T) {
	t.Parallel()
	builders := map[string]func() *graph.Builder{
		"nil Builder":      func() *graph.Builder { return nil },
		"zero Builder":     func() *graph.Builder { return &graph.Builder{} },
		"nil Graph root":   func() *graph.Builder { var g *graph.Graph; return g.Root() },
		"nil Graph scope":  func() *graph.Builder { var g *graph.Graph; return g.Scope("s") },
		"zero Graph scope": func() *graph.Builder { return (&graph.Graph{}).Scope("s") },
		"nil Builder scope": func() *graph.Builder {
			var b *graph.Builder
			return b.Scope("s")
		},
	}
	ops := map[string]func(b *graph.Builder) *graph.Node{
		"State":   func(b *graph.Builder) *graph.Node { return b.State("v", []float64{0}, 2) },
		"Input":   func(b *graph.Builder) *graph.Node { return b.Input("x", 2) },
		"Param":   func(b *graph.Builder) *graph.Node { return b.Param("w", []float64{1, 2}, 2) },
		"Const":   func(b *graph.Builder) *graph.Node { return b.Const("k", 1) },
		"Add":     func(b *graph.Builder) *graph.Node { return b.Add(nil, nil) },
		"Sub":     func(b *graph.Builder) *graph.Node { return b.Sub(nil, nil) },
		"Mul":     func(b *graph.Builder) *graph.Node { return b.Mul(nil, nil) },
		"MatVec":  func(b *graph.Builder) *graph.Node { return b.MatVec(nil, nil) },
		"Sum":     func(b *graph.Builder) *graph.Node { return b.Sum(nil) },
		"Exp":     func(b *graph.Builder) *graph.Node { return b.Exp(nil) },
		"Apply":   func(b *graph.Builder) *graph.Node { return b.Apply(nil) },
		"Div":     func(b *graph.Builder) *graph.Node { return b.Div(nil, nil) },
		"Min":     func(b *graph.Builder) *graph.Node { return b.Min(nil, nil) },
		"Max":     func(b *graph.Builder) *graph.Node { return b.Max(nil, nil) },
		"Gt":      func(b *graph.Builder) *graph.Node { return b.Gt(nil, nil) },
		"Gte":     func(b *graph.Builder) *graph.Node { return b.Gte(nil, nil) },
		"Lt":      func(b *graph.Builder) *graph.Node { return b.Lt(nil, nil) },
		"Lte":     func(b *graph.Builder) *graph.Node { return b.Lte(nil, nil) },
		"Eq":      func(b *graph.Builder) *graph.Node { return b.Eq(nil, nil) },
		"Ne":      func(b *graph.Builder) *graph.Node { return b.Ne(nil, nil) },
		"Neg":     func(b *graph.Builder) *graph.Node { return b.Neg(nil) },
		"Square":  func(b *graph.Builder) *graph.Node { return b.Square(nil) },
		"Log":     func(b *graph.Builder) *graph.Node { return b.Log(nil) },
		"Tanh":    func(b *graph.Builder) *graph.Node { return b.Tanh(nil) },
		"Sigmoid": func(b *graph.Builder) *graph.Node { return b.Sigmoid(nil) },
		"Mean":    func(b *graph.Builder) *graph.Node { return b.Mean(nil) },
		"Scalar":  func(b *graph.Builder) *graph.Node { return b.Scalar(1) },
		"Fn":      func(b *graph.Builder) *graph.Node { return b.Fn("f", nil) },
		"Grad": func(b *graph.Builder) *graph.Node {
			if gs := b.Grad(nil); gs != nil {
				return gs[0]
			}
			return nil
		},
		"Output": func(b *graph.Builder) *graph.Node { return b.Output("o", nil) },
		"SetNext": func(b *graph.Builder) *graph.Node {
			b.SetNext(nil, nil)
			return nil
		},
	}
	for bname, mk := range builders {
		for oname, op := range ops {
			t.Run(bname+"/"+oname, func(t *testing.T) {
				t.Parallel()
				b := mk()
				err := testutil.NoPanic(t, func() error {
					if n := op(b); n != nil {
						t.Errorf("got=%v, want a nil node", n)
					}
					return b.Err()
				})
				if !errors.Is(err, graph.ErrNoGraph) {
					t.Errorf("Err: got=%v, want ErrNoGraph", err)
				}
				if b.Graph() != nil && len(b.Graph().Names()) != 0 {
					t.Errorf("names: got=%v, want none", b.Graph().Names())
				}
			})
		}
	}

	graphs := map[string]*graph.Graph{"nil Graph": nil, "zero Graph": {}}
	for gname, g := range graphs {
		t.Run(gname, func(t *testing.T) {
			t.Parallel()
			calls := map[string]func() error{
				"Err":          g.Err,
				"Validate":     g.Validate,
				"MarkCompiled": g.MarkCompiled,
				"Node": func() error {
					_, err := g.Node("x")
					return err
				},
				"StepCounter": func() error {
					if n := g.StepCounter(); n != nil {
						t.Errorf("StepCounter: got=%v, want nil", n)
					}
					return g.Err()
				},
				"inspection": func() error {
					if g.Dot() != "" || g.Describe() != "" || len(g.Names()) != 0 || len(g.States()) != 0 ||
						len(g.Inputs()) != 0 || len(g.Params()) != 0 || len(g.Outputs()) != 0 {
						t.Error("inspection of an empty graph returned something")
					}
					if _, ok := g.NameOf(nil); ok {
						t.Error("NameOf(nil): got=true, want false")
					}
					return g.Err()
				},
			}
			for name, f := range calls {
				if err := testutil.NoPanic(t, f); !errors.Is(err, graph.ErrNoGraph) {
					t.Errorf("%s: got=%v, want ErrNoGraph", name, err)
				}
			}
		})
	}
}

func TestNewDense(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		dt    tensor.Dtype
		data  []float64
		shape []int
		want  error  // nil: a tensor
		text  string // in the error
	}{
		{"vector", tensor.Float64, []float64{1, 2, 3}, []int{3}, nil, ""},
		{"float32 matrix", tensor.Float32, []float64{1, 2, 3, 4}, []int{2, 2}, nil, ""},
		{"no shape, one value", tensor.Float64, []float64{7}, nil, nil, ""},
		{"too few values", tensor.Float64, []float64{1, 2}, []int{3}, graph.ErrShape, "2 values for shape [3]"},
		{"too many values", tensor.Float32, []float64{1, 2, 3}, []int{2}, graph.ErrShape, "3 values for shape [2]"},
		{"no shape, no value", tensor.Float64, nil, nil, graph.ErrShape, "0 values for shape [1]"},
		{"negative dimension", tensor.Float64, nil, []int{-1}, graph.ErrShape, "dimension -1"},
		{"zero dimension", tensor.Float64, nil, []int{2, 0}, graph.ErrShape, "dimension 0"},
		{"int dtype", tensor.Int, []float64{1}, []int{1}, graph.ErrDtype, "int"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d *tensor.Dense
			err := testutil.NoPanic(t, func() (err error) {
				d, err = graph.NewDense(tc.dt, tc.data, tc.shape...)
				return err
			})
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err: got=%v, want nil", err)
				}
				if d.Dtype() != tc.dt || d.Shape().TotalSize() != len(tc.data) {
					t.Errorf("tensor: got=%v %v, want %v with %d values", d.Dtype(), d.Shape(), tc.dt, len(tc.data))
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "graph: NewDense: ") || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("err: got=%v, want %v holding %q", err, tc.want, tc.text)
			}
		})
	}
}

// TestBadArguments checks the bad inputs of New, Apply and Feeders that used
// to panic.
func TestBadArguments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"New with a nil option", func() error {
			_, err := graph.New(graph.WithDtype(tensor.Float32), nil)
			return err
		}, "graph: New: option 1 is nil"},
		{"Apply of a nil op", func() error {
			g, err := graph.New()
			if err != nil {
				return err
			}
			if n := g.Scope("s").Apply(nil, g.Scope("s").Input("x", 1)); n != nil {
				t.Errorf("got=%v, want a nil node", n)
			}
			return g.Err()
		}, `graph: Apply in scope "s/": nil op`},
		{"Feeders with a nil feeder", func() error {
			return graph.Feeders{nil}.Feed(0, nopWriter{})
		}, "graph: Feeders[0] is nil"},
		{"Feeders with a nil writer", func() error {
			return graph.Feeders{nopFeeder{}}.Feed(0, nil)
		}, "nil InputWriter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testutil.NoPanic(t, tc.run)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err: got=%v, want one holding %q", err, tc.want)
			}
		})
	}
	if err := (graph.Feeders{}).Feed(0, nil); err != nil {
		t.Errorf("no feeders, nil writer: got=%v, want nil", err)
	}
}

type nopWriter struct{}

func (nopWriter) SetInput(string, []float64) error { return nil }
func (nopWriter) FillInput(string, float64) error  { return nil }

type nopFeeder struct{}

func (nopFeeder) Feed(int, graph.InputWriter) error { return nil }
