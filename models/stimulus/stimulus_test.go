package stimulus_test

import (
	"math"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"

	"github.com/spikegraph/spikegraph/models/stimulus"
)

func TestCourseWindowIsOpen(t *testing.T) {
	w := stimulus.CourseWindow()
	// At dt = 0.5 ms the window 200 < k*dt < 700 holds k = 401..1399.
	for k, want := range map[int]bool{400: false, 401: true, 1399: true, 1400: false, 0: false} {
		if got := w.Active(k, 0.5); got != want {
			t.Errorf("Active(%d) = %v, want %v", k, got, want)
		}
	}
	n := 0
	for k := 0; k < 2000; k++ {
		if w.Active(k, 0.5) {
			n++
		}
	}
	if n != 999 {
		t.Fatalf("%d active steps, want 999", n)
	}
}

type writer map[string][]float64

func (w writer) SetInput(name string, v []float64) error {
	w[name] = append([]float64(nil), v...)
	return nil
}
func (w writer) FillInput(name string, x float64) error { w[name] = []float64{x}; return nil }

func TestWindowFeeder(t *testing.T) {
	f := stimulus.WindowFeeder{Input: "in/I", Values: []float64{7}, Window: stimulus.CourseWindow(), DtMs: 0.5}
	w := writer{}
	if err := f.Feed(401, w); err != nil || w["in/I"][0] != 7 {
		t.Fatalf("inside: %v %v", w, err)
	}
	if got, err := f.At(401, 0); err != nil || got != 7 {
		t.Fatalf("At inside: got=%v (%v), want 7", got, err)
	}
	if err := f.Feed(400, w); err != nil || w["in/I"][0] != 0 {
		t.Fatalf("outside: %v %v", w, err)
	}
	if got, err := f.At(400, 0); err != nil || got != 0 {
		t.Fatalf("At outside: got=%v (%v), want 0", got, err)
	}
	if err := f.Feed(401, nil); err == nil || !strings.Contains(err.Error(), "nil InputWriter") {
		t.Errorf("Feed to a nil writer: got=%v, want an error", err)
	}
}

// TestWindowFeederAt is the table of At: one value serves every element,
// several serve one each, and an element that Values cannot give is an
// error inside the window and outside it.
func TestWindowFeederAt(t *testing.T) {
	t.Parallel()
	feeder := func(vals ...float64) stimulus.WindowFeeder {
		return stimulus.WindowFeeder{Input: "in/rate", Values: vals, Window: stimulus.CourseWindow(), DtMs: 0.5}
	}
	const in, out = 401, 400 // steps inside and outside the window
	cases := []struct {
		name string
		f    stimulus.WindowFeeder
		k, i int
		want float64
		err  string // "" for no error
	}{
		{"one value, element 5", feeder(2), in, 5, 2, ""},
		{"one value, outside", feeder(2), out, 5, 0, ""},
		{"three values, element 2", feeder(1, 2, 3), in, 2, 3, ""},
		{"three values, outside", feeder(1, 2, 3), out, 1, 0, ""},
		{"three values, element 3", feeder(1, 2, 3), in, 3, 0, "element 3 is outside WindowFeeder.Values (3 values)"},
		{"three values, element 3 outside", feeder(1, 2, 3), out, 3, 0, "element 3 is outside"},
		{"negative element", feeder(1, 2, 3), in, -1, 0, "element -1 is outside"},
		{"negative element, one value", feeder(2), in, -1, 0, "element -1 is outside"},
		{"no values", feeder(), in, 0, 0, "WindowFeeder.Values is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got float64
			err := testutil.NoPanic(t, func() (err error) {
				got, err = tc.f.At(tc.k, tc.i)
				return err
			})
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Errorf("At(%d, %d): got=%v (%v), want %v", tc.k, tc.i, got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "stimulus: ") || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("At(%d, %d): got=%v, %v, want an error holding %q", tc.k, tc.i, got, err, tc.err)
			}
		})
	}
}

// TestWindowValidate is the table of Window.Validate: its errors name
// StartMs or StopMs.
func TestWindowValidate(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name string
		w    stimulus.Window
		want string // "" for a valid window
	}{
		{"course", stimulus.CourseWindow(), ""},
		{"empty", stimulus.Window{StartMs: 5, StopMs: 5}, ""},
		{"unbounded", stimulus.Window{StartMs: -inf, StopMs: inf}, ""},
		{"reversed", stimulus.Window{StartMs: 5, StopMs: 1}, "Window.StopMs = 1 ms precedes Window.StartMs = 5 ms"},
		{"NaN start", stimulus.Window{StartMs: nan, StopMs: 1}, "Window.StartMs = NaN"},
		{"NaN stop", stimulus.Window{StartMs: 0, StopMs: nan}, "Window.StopMs = NaN"},
		{"stop -Inf", stimulus.Window{StartMs: 0, StopMs: -inf}, "Window.StopMs = -Inf ms precedes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testutil.NoPanic(t, tc.w.Validate)
			if tc.want == "" {
				if err != nil {
					t.Errorf("got=%v, want nil", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "stimulus: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an error holding %q", err, tc.want)
			}
		})
	}
}
