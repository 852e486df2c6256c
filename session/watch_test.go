package session_test

import (
	"context"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/internal/testutil"
	"github.com/spikegraph/spikegraph/session"
)

type feedIn struct{}

func (feedIn) Feed(step int, w graph.InputWriter) error {
	return w.SetInput("net/in", []float64{float64(step), 1, -float64(step)})
}

// TestWatchNodeEqualsValue: a watched node's records are what Value
// reports for it after the steps of those samples, for a state, a next
// value, an output, a constant and the scalar step counter, in both
// dtypes and on both executors, every step and every third step.
func TestWatchNodeEqualsValue(t *testing.T) {
	t.Parallel()
	names := []string{"net/x", "net/x:next", "net/double", "net/a", "net/in", "step"}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, exe := range []session.Executor{session.Lean, session.TapeMachine} {
			for _, every := range []int{1, 3} {
				// The reference: Step by Step, reading Value after each.
				ref, err := session.New(counterGraph(t, dt), session.WithExecutor(exe))
				if err != nil {
					t.Fatal(err)
				}
				want := map[string][][]float64{}
				for k := 1; k <= 10; k++ {
					if err := (feedIn{}).Feed(k-1, ref); err != nil {
						t.Fatal(err)
					}
					if err := ref.Step(nil); err != nil {
						t.Fatal(err)
					}
					if k%every != 0 {
						continue
					}
					for _, name := range names {
						v, err := ref.Value(name)
						if err != nil {
							if exe == session.TapeMachine {
								continue // the tape machine keeps only planned reads
							}
							t.Fatal(err)
						}
						want[name] = append(want[name], testutil.Float64s(t, v.Data()))
					}
				}
				s, err := session.New(counterGraph(t, dt), session.WithExecutor(exe))
				if err != nil {
					t.Fatal(err)
				}
				sinks := map[string]*testutil.Rows{}
				var recs []session.Recorder
				for _, name := range names {
					if _, ok := want[name]; !ok {
						continue
					}
					sinks[name] = &testutil.Rows{}
					w, err := session.WatchNode(name, every, sinks[name])
					if err != nil {
						t.Fatal(err)
					}
					recs = append(recs, w)
				}
				if err := s.Steps(context.Background(), 10, feedIn{}, recs...); err != nil {
					t.Fatal(err)
				}
				for name, r := range sinks {
					if len(r.Vals) != len(want[name]) || r.Samples[0] != every {
						t.Fatalf("%v %v every %d: %s: %d records from sample %v, want %d from %d", dt, exe, every, name, len(r.Vals), r.Samples, len(want[name]), every)
					}
					for i := range r.Vals {
						for j := range r.Vals[i] {
							if r.Vals[i][j] != want[name][i][j] {
								t.Errorf("%v %v every %d: %s record %d [%d] = %v, Value says %v", dt, exe, every, name, i, j, r.Vals[i][j], want[name][i][j])
							}
						}
					}
				}
			}
		}
	}
}

func TestWatchNodeErrors(t *testing.T) {
	t.Parallel()
	if _, err := session.WatchNode("net/x", 0, &testutil.Rows{}); err == nil {
		t.Error("every = 0 accepted")
	}
	if _, err := session.WatchNode("net/x", 1, nil); err == nil {
		t.Error("nil sink accepted")
	}
	s, err := session.New(counterGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	w, err := session.WatchNode("net/nope", 1, &testutil.Rows{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Steps(context.Background(), 1, feedIn{}, w); err == nil {
		t.Error("an unknown node was watched")
	}
}

// nopSink drops what it gets.
type nopSink struct{}

func (nopSink) Sample(int, []float64) error { return nil }

// TestWatchNodeAllocatesNothing: after Begin, Record allocates nothing, for
// a state, an output and a scalar, in both dtypes.
func TestWatchNodeAllocatesNothing(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		s, err := session.New(counterGraph(t, dt))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"net/x", "net/double", "net/x:next", "step"} {
			w, err := session.WatchNode(name, 1, nopSink{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Begin(s, 0, 0); err != nil {
				t.Fatal(err)
			}
			k := 0
			if a := testing.AllocsPerRun(100, func() {
				k++
				if err := w.Record(s, k); err != nil {
					t.Fatal(err)
				}
			}); a != 0 {
				t.Errorf("%v %s: %v allocations per Record", dt, name, a)
			}
		}
	}
}
