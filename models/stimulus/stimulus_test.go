package stimulus_test

import (
	"testing"

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
	if err := (stimulus.Window{StartMs: 5, StopMs: 1}).Validate(); err == nil {
		t.Fatal("reversed window accepted")
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
	if err := f.Feed(401, w); err != nil || w["in/I"][0] != 7 || f.At(401, 0) != 7 {
		t.Fatalf("inside: %v %v", w, err)
	}
	if err := f.Feed(400, w); err != nil || w["in/I"][0] != 0 || f.At(400, 0) != 0 {
		t.Fatalf("outside: %v %v", w, err)
	}
}
