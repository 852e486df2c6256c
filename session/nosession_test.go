package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/session"
)

// TestNoSession checks that every method of a nil *Session and of a zero
// Session returns ErrNoSession instead of panicking.
func TestNoSession(t *testing.T) {
	t.Parallel()
	calls := map[string]func(s *session.Session) error{
		"Close": func(s *session.Session) error { return s.Close() },
		"Step":  func(s *session.Session) error { return s.Step(nil) },
		"Run": func(s *session.Session) error {
			_, err := s.Run([]string{"net/x"}, nil)
			return err
		},
		"Steps": func(s *session.Session) error { return s.Steps(context.Background(), 1, nil) },
		"State": func(s *session.Session) error {
			_, err := s.State("net/x")
			return err
		},
		"SetState": func(s *session.Session) error { return s.SetState("net/x", []float64{1}) },
		"Param": func(s *session.Session) error {
			_, err := s.Param("net/w")
			return err
		},
		"SetParam":  func(s *session.Session) error { return s.SetParam("net/w", []float64{1}) },
		"SetInput":  func(s *session.Session) error { return s.SetInput("net/in", []float64{1}) },
		"FillInput": func(s *session.Session) error { return s.FillInput("net/in", 1) },
		"StateView": func(s *session.Session) error {
			_, err := s.StateView("net/x")
			return err
		},
		"Fetched": func(s *session.Session) error {
			_, err := s.Fetched("net/x:next")
			return err
		},
		"SpikeRecorder.Begin": func(s *session.Session) error { return session.RecordSpikes("net/x", 1).Begin(s, 0, 1) },
		"StateRecorder.Begin": func(s *session.Session) error {
			return session.RecordState("net/x", []int{0}).Begin(s, 0, 1)
		},
		"CountRecorder.Begin": func(s *session.Session) error { return session.CountNonzero("net/double").Begin(s, 0, 1) },
	}
	for _, sess := range []struct {
		name string
		s    *session.Session
	}{{"nil", nil}, {"zero", &session.Session{}}} {
		for name, call := range calls {
			t.Run(sess.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				if err := testutil.NoPanic(t, func() error { return call(sess.s) }); !errors.Is(err, session.ErrNoSession) {
					t.Errorf("got=%v, want ErrNoSession", err)
				}
			})
		}
	}
	var s *session.Session
	if s.Graph() != nil || s.Sample() != 0 {
		t.Errorf("nil session: Graph, Sample: got=%v, %d, want nil, 0", s.Graph(), s.Sample())
	}
}

// TestBadCalls checks bad arguments that used to panic: a nil option, a nil
// context, nil recorders and recorders used before Begin.
func TestBadCalls(t *testing.T) {
	t.Parallel()
	var (
		nilSpikes *session.SpikeRecorder
		nilState  *session.StateRecorder
		nilCount  *session.CountRecorder
	)
	cases := []struct {
		name string
		run  func(t *testing.T, s *session.Session) error
		want string
	}{
		{"nil option", func(t *testing.T, _ *session.Session) error {
			_, err := session.New(counterGraph(t, tensor.Float64), session.WithNaNWatch(), nil)
			return err
		}, "session: New: option 1 is nil"},
		{"nil context", func(t *testing.T, s *session.Session) error {
			return s.Steps(nil, 1, nil) //nolint:staticcheck // a nil context is the bad input under test
		}, "nil context"},
		{"nil recorder", func(t *testing.T, s *session.Session) error {
			return s.Steps(context.Background(), 1, nil, session.CountNonzero("net/double"), nil)
		}, "recorder 1 is nil"},
		{"typed nil SpikeRecorder", func(t *testing.T, s *session.Session) error {
			return s.Steps(context.Background(), 1, nil, nilSpikes)
		}, "nil *SpikeRecorder"},
		{"typed nil StateRecorder", func(t *testing.T, s *session.Session) error {
			return s.Steps(context.Background(), 1, nil, nilState)
		}, "nil *StateRecorder"},
		{"typed nil CountRecorder", func(t *testing.T, s *session.Session) error {
			return s.Steps(context.Background(), 1, nil, nilCount)
		}, "nil *CountRecorder"},
		{"SpikeRecorder.Record before Begin", func(t *testing.T, s *session.Session) error {
			return session.RecordSpikes("net/x", 0).Record(s, 0)
		}, "Record before Begin"},
		{"StateRecorder.Record before Begin", func(t *testing.T, s *session.Session) error {
			return session.RecordState("net/x", []int{0}).Record(s, 0)
		}, "Record before Begin"},
		{"CountRecorder.Record before Begin", func(t *testing.T, s *session.Session) error {
			return session.CountNonzero("nope").Record(s, 1)
		}, "Record before Begin"},
		{"nil SpikeRecorder.Record", func(t *testing.T, s *session.Session) error {
			return nilSpikes.Record(s, 0)
		}, "nil *SpikeRecorder"},
		{"nil StateRecorder.Record", func(t *testing.T, s *session.Session) error {
			return nilState.Record(s, 0)
		}, "nil *StateRecorder"},
		{"nil CountRecorder.Record", func(t *testing.T, s *session.Session) error {
			return nilCount.Record(s, 0)
		}, "nil *CountRecorder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := session.New(counterGraph(t, tensor.Float64))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = testutil.NoPanic(t, func() error { return tc.run(t, s) })
			if err == nil || !strings.HasPrefix(err.Error(), "session: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an error holding %q", err, tc.want)
			}
			if got := s.Sample(); got != 0 {
				t.Errorf("sample after a rejected call: got=%d, want 0", got)
			}
		})
	}
	if got := nilState.Samples(); got != 0 {
		t.Errorf("nil StateRecorder.Samples: got=%d, want 0", got)
	}
}

// TestHugeRecorderSizes checks that capacities and step counts beyond memory
// reserve a bounded amount or fail with an error instead of panicking in make.
func TestHugeRecorderSizes(t *testing.T) {
	t.Parallel()
	s, err := session.New(counterGraph(t, tensor.Float64))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		capacity, want int
	}{{-5, 0}, {100, 100}, {1 << 60, 1 << 26}} {
		var got int
		testutil.NoPanic(t, func() error { got = cap(session.RecordSpikes("net/x", tc.capacity).Events); return nil })
		if got != tc.want {
			t.Errorf("RecordSpikes capacity %d: got=%d, want %d", tc.capacity, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name  string
		steps int
		want  string
	}{
		{"2^62 steps", 1 << 62, "exceed 2^40 values"},
		{"negative steps", -1, "steps = -1 must be >= 0"},
	} {
		st := session.RecordState("net/x", []int{0, 1, 2})
		err := testutil.NoPanic(t, func() error { return st.Begin(s, 0, tc.steps) })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got=%v, want an error holding %q", tc.name, err, tc.want)
		}
	}
}
