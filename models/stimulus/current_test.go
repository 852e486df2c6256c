package stimulus_test

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/stimulus"
)

// TestProtocolEdges checks each end convention at the exact sample times of a
// 0.25 ms grid, against conditions written out as the figure code writes them.
func TestProtocolEdges(t *testing.T) {
	p := stimulus.Sequence(-2,
		stimulus.Pulse(60, 65, 10), // (t > 60) & (t < 65): 10
		stimulus.Step(10, -0.5),    // elseif t > 10: -0.5
	)
	q := stimulus.Sequence(80, stimulus.Segment{FromMs: 50, ToMs: 250, FromClosed: true, ToClosed: true, Amp: 75})
	for k := 0; k <= 1200; k++ {
		tm := float64(k) * 0.25
		want := -2.0
		if tm > 60 && tm < 65 {
			want = 10
		} else if tm > 10 {
			want = -0.5
		}
		if got := p.At(tm); got != want {
			t.Fatalf("t = %v: I = %v, want %v", tm, got, want)
		}
		want = 75
		if tm < 50 || tm > 250 {
			want = 80
		}
		if got, _ := q.Value(k, 0.25); got != want {
			t.Fatalf("closed segment, t = %v: I = %v, want %v", tm, got, want)
		}
	}
}

func TestRampIsAmpPlusSlopeTimesElapsed(t *testing.T) {
	p := stimulus.Sequence(-0.5, stimulus.Ramp(30, math.Inf(1), -0.5, 0.015))
	for k := 0; k <= 1200; k++ {
		tm := float64(k) * 0.25
		want := -0.5
		if tm > 30 {
			want = -0.5 + (0.015 * (tm - 30)) // figure1.m (H), bit for bit
		}
		if got := p.At(tm); got != want {
			t.Fatalf("t = %v: I = %v, want %v", tm, got, want)
		}
	}
}

func TestSamplesAndNPY(t *testing.T) {
	s := stimulus.Samples{1, 2.5, -3}
	got, err := stimulus.Sample(s, 3, 0.5)
	if err != nil || got[0] != 1 || got[1] != 2.5 || got[2] != -3 {
		t.Fatalf("Sample = %v, %v", got, err)
	}
	if _, err := s.Value(3, 0.5); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("step past the end: err = %v", err)
	}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		var d *tensor.Dense
		if dt == tensor.Float64 {
			d = tensor.New(tensor.WithBacking([]float64{0.5, -1, 7}))
		} else {
			d = tensor.New(tensor.WithBacking([]float32{0.5, -1, 7}))
		}
		var buf bytes.Buffer
		if err := d.WriteNpy(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := stimulus.ReadSamplesNPY(&buf)
		if err != nil || len(got) != 3 || got[0] != 0.5 || got[1] != -1 || got[2] != 7 {
			t.Errorf("%v: ReadSamplesNPY = %v, %v", dt, got, err)
		}
	}
	bad := map[string]*tensor.Dense{
		"2-D": tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, 3, 4})),
		"int": tensor.New(tensor.WithBacking([]int64{1, 2})),
		"NaN": tensor.New(tensor.WithBacking([]float64{1, math.NaN()})),
	}
	for name, d := range bad {
		var buf bytes.Buffer
		if err := d.WriteNpy(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := stimulus.ReadSamplesNPY(&buf); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := stimulus.ReadSamplesNPY(strings.NewReader("not an npy file")); err == nil {
		t.Error("garbage: no error")
	}
}

func TestProtocolValidate(t *testing.T) {
	for name, p := range map[string]stimulus.Protocol{
		"NaN base":      stimulus.Constant(math.NaN()),
		"inverted":      stimulus.Sequence(0, stimulus.Pulse(10, 5, 1)),
		"NaN amp":       stimulus.Sequence(0, stimulus.Pulse(1, 5, math.NaN())),
		"inf slope":     stimulus.Sequence(0, stimulus.Ramp(1, 5, 0, math.Inf(1))),
		"ramp from -oo": stimulus.Sequence(0, stimulus.Ramp(math.Inf(-1), 5, 0, 1)),
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := stimulus.Sequence(0, stimulus.Step(10, 1), stimulus.Ramp(0, 5, 0, 2)).Validate(); err != nil {
		t.Errorf("valid protocol: %v", err)
	}
}

// recorder records what a feeder writes.
type recorder struct {
	name string
	x    float64
}

func (w *recorder) SetInput(name string, values []float64) error {
	return fmt.Errorf("SetInput(%s) not expected", name)
}

func (w *recorder) FillInput(name string, x float64) error {
	w.name, w.x = name, x
	return nil
}

func TestCurrentFeeder(t *testing.T) {
	f := stimulus.CurrentFeeder{Input: "in/I", Current: stimulus.Sequence(0, stimulus.Step(1, 5)), DtMs: 0.5}
	for k, want := range []float64{0, 0, 0, 5, 5} { // t = 0, 0.5, 1 (not > 1), 1.5, 2
		var w recorder
		if err := f.Feed(k, &w); err != nil || w.name != "in/I" || w.x != want {
			t.Errorf("step %d: fed %s = %v (%v), want %v", k, w.name, w.x, err, want)
		}
	}
	s := stimulus.CurrentFeeder{Input: "in/I", Current: stimulus.Samples{1, 2}, DtMs: 1}
	if err := s.Feed(2, &recorder{}); err == nil {
		t.Error("feeding past the samples' end: no error")
	}
}
