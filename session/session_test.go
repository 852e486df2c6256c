package session_test

import (
	"context"
	"errors"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// counterGraph builds x' = a*x + in, y' = x (y reads x's old value), and the
// step counter.
func counterGraph(t testing.TB, dt tensor.Dtype) *graph.Graph {
	t.Helper()
	g, err := graph.New(graph.WithDtype(dt))
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("net")
	x := b.State("x", []float64{1, 2, 3}, 3)
	y := b.State("y", []float64{0}, 3)
	in := b.Input("in", 3)
	a := b.Const("a", 2)
	b.SetNext(x, b.Add(b.Mul(a, x), in))
	b.SetNext(y, b.Add(x, b.Const("zero", 0)))
	b.Output("double", b.Mul(a, x))
	g.StepCounter()
	if err := g.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestStepCarriesStateOnHost(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			s, err := session.New(counterGraph(t, dt))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			x, y := []float64{1, 2, 3}, []float64{0, 0, 0}
			in := []float64{0.5, -1, 4}
			for k := 0; k < 5; k++ {
				if err := s.Step(session.Feeds{"net/in": in}); err != nil {
					t.Fatal(err)
				}
				for i := range x {
					y[i] = x[i]
					x[i] = 2*x[i] + in[i]
				}
				gx, _ := s.State("net/x")
				gy, _ := s.State("net/y")
				for i := range x {
					if gx[i] != x[i] || gy[i] != y[i] {
						t.Fatalf("step %d: x=%v y=%v, want x=%v y=%v", k, gx, gy, x, y)
					}
				}
			}
			st, _ := s.State(graph.StepName)
			if st[0] != 5 || s.Sample() != 5 {
				t.Fatalf("step counter %v, sample %d, want 5", st, s.Sample())
			}
		})
	}
}

func TestRunDoesNotAdvance(t *testing.T) {
	s, err := session.New(counterGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 3; k++ {
		out, err := s.Run([]string{"net/x:next", "net/double", "net/x"}, session.Feeds{"net/in": {1}})
		if err != nil {
			t.Fatal(err)
		}
		next := out[0].Data().([]float64)
		if next[0] != 3 || next[2] != 7 {
			t.Fatalf("run %d: next %v, want [3 5 7]", k, next)
		}
		if d := out[1].Data().([]float64); d[1] != 4 {
			t.Fatalf("run %d: double %v", k, d)
		}
	}
	if _, err := s.Run([]string{"nope"}, nil); !errors.Is(err, session.ErrUnknownNode) {
		t.Fatalf("unknown fetch: err = %v", err)
	}
	if err := s.Step(session.Feeds{"net/in": {1, 2}}); !errors.Is(err, session.ErrShape) {
		t.Fatalf("bad feed: err = %v", err)
	}
}

type constFeeder struct{}

func (constFeeder) Feed(step int, w graph.InputWriter) error {
	return w.FillInput("net/in", float64(step))
}

func TestStepsRecordsAndResumes(t *testing.T) {
	run := func(splits []int) (*session.StateRecorder, *session.SpikeRecorder) {
		s, err := session.New(counterGraph(t, tensor.Float64))
		if err != nil {
			t.Fatal(err)
		}
		rec := session.RecordState("net/x", []int{0, 2})
		sp := session.RecordSpikes("net/y", 0)
		for _, n := range splits {
			if err := s.Steps(context.Background(), n, constFeeder{}, rec, sp); err != nil {
				t.Fatal(err)
			}
		}
		return rec, sp
	}
	a, sa := run([]int{6})
	b, sb := run([]int{2, 0, 4})
	if a.Samples() != 7 || b.Samples() != 7 {
		t.Fatalf("samples %d and %d, want 7", a.Samples(), b.Samples())
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("split run differs at %d: %v vs %v", i, a.Data, b.Data)
		}
	}
	if len(sa.Events) != len(sb.Events) || len(sa.Events) == 0 {
		t.Fatalf("spike events %d vs %d", len(sa.Events), len(sb.Events))
	}
	// x0 = 1, x1 = 2*1+0 = 2, x2 = 2*2+1 = 5
	if a.Data[0] != 1 || a.Data[2] != 2 || a.Data[4] != 5 {
		t.Fatalf("trace %v", a.Data[:6])
	}
}

func TestStepsStopsOnCancel(t *testing.T) {
	s, err := session.New(counterGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Steps(ctx, 100, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s.Sample() != 0 {
		t.Fatalf("sample %d after a cancelled run", s.Sample())
	}
}

func TestOneSessionPerGraph(t *testing.T) {
	g := counterGraph(t, tensor.Float64)
	if _, err := session.New(g); err != nil {
		t.Fatal(err)
	}
	if _, err := session.New(g); err == nil {
		t.Fatal("second session on one graph: no error")
	}
}

func TestStepsAllocatesNothingOfOurOwn(t *testing.T) {
	// gorgonia's VM allocates on every run; measure it alone first and
	// require Steps (feeder + recorders + carry) to add nothing on top.
	s, err := session.New(counterGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	vmOnly := testing.AllocsPerRun(50, func() { _, _ = s.Run(nil, nil) })
	rec := session.RecordState("net/x", []int{0})
	ctx := context.Background()
	if err := s.Steps(ctx, 0, nil, rec); err != nil {
		t.Fatal(err)
	}
	const n = 200
	rec2 := session.RecordState("net/x", []int{0, 1})
	perStep := testing.AllocsPerRun(3, func() {
		if err := s.Steps(ctx, n, constFeeder{}, rec2); err != nil {
			t.Fatal(err)
		}
	}) / n
	// Begin allocates the recorder once per call: at most one allocation
	// per call, so well under 0.1 per step at n = 200.
	if perStep > vmOnly+0.1 {
		t.Fatalf("Steps: %.2f allocs per step, the VM alone %.2f", perStep, vmOnly)
	}
}
