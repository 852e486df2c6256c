package stimulus_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/internal/testutil"
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
}

// rawNPY returns a version 1.0 .npy file with the given dtype descriptor,
// shape and data bytes, written by hand (tensor's WriteNpy panics on an
// empty tensor and never writes a truncated file).
func rawNPY(descr, shape string, data []byte) func(*testing.T) io.Reader {
	return npyFile(1, fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape), data)
}

// npyFile returns a .npy file of the given major version (1 or 2) with the
// header dict (padded as NumPy pads it) and data bytes.
func npyFile(version byte, header string, data []byte) func(*testing.T) io.Reader {
	return func(*testing.T) io.Reader {
		lenBytes := 2
		if version > 1 {
			lenBytes = 4
		}
		for (8+lenBytes+len(header)+1)%64 != 0 {
			header += " "
		}
		header += "\n"
		var buf bytes.Buffer
		buf.WriteString("\x93NUMPY")
		buf.WriteByte(version)
		buf.WriteByte(0)
		for i := 0; i < lenBytes; i++ {
			buf.WriteByte(byte(len(header) >> (8 * i)))
		}
		buf.WriteString(header)
		buf.Write(data)
		return &buf
	}
}

// TestReadSamplesNPYFormats reads the same three values written in each
// supported dtype, byte order and format version.
func TestReadSamplesNPYFormats(t *testing.T) {
	t.Parallel()
	want := []float64{0.5, -1, 7}
	le64, be64 := make([]byte, 24), make([]byte, 24)
	le32, be32 := make([]byte, 12), make([]byte, 12)
	for i, x := range want {
		binary.LittleEndian.PutUint64(le64[8*i:], math.Float64bits(x))
		binary.BigEndian.PutUint64(be64[8*i:], math.Float64bits(x))
		binary.LittleEndian.PutUint32(le32[4*i:], math.Float32bits(float32(x)))
		binary.BigEndian.PutUint32(be32[4*i:], math.Float32bits(float32(x)))
	}
	cases := []struct {
		name string
		r    func(*testing.T) io.Reader
	}{
		{"<f8", rawNPY("<f8", "(3,)", le64)},
		{">f8", rawNPY(">f8", "(3,)", be64)},
		{"<f4", rawNPY("<f4", "(3,)", le32)},
		{">f4", rawNPY(">f4", "(3,)", be32)},
		{"version 2", npyFile(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", le64)},
		{"no trailing comma", rawNPY("<f8", "(3)", le64)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.r(t)
			var got stimulus.Samples
			err := testutil.NoPanic(t, func() (err error) { got, err = stimulus.ReadSamplesNPY(r); return err })
			if err != nil || len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
				t.Errorf("got=%v (%v), want %v", got, err, want)
			}
		})
	}
}

// TestReadSamplesNPYBadInput is the table of files ReadSamplesNPY must
// reject, each with an error saying what is wrong and no panic.
func TestReadSamplesNPYBadInput(t *testing.T) {
	t.Parallel()
	npy := func(d *tensor.Dense) func(t *testing.T) io.Reader {
		return func(t *testing.T) io.Reader {
			var buf bytes.Buffer
			if err := d.WriteNpy(&buf); err != nil {
				t.Fatal(err)
			}
			return &buf
		}
	}
	cases := []struct {
		name string
		r    func(t *testing.T) io.Reader
		want string
	}{
		{"2-D", npy(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))), "shape (2, 2), want one dimension"},
		{"int", npy(tensor.New(tensor.WithBacking([]int64{1, 2}))), `dtype "<i8", want float64 or float32`},
		{"scalar", npy(tensor.New(tensor.WithShape(), tensor.WithBacking([]float64{1}))), "shape (), want one dimension"},
		{"negative length", rawNPY("<f8", "(-2,)", nil), "shape (-2,), want a length >= 0"},
		{"huge length, no data", rawNPY("<f8", "(1000000000000,)", nil), "0 bytes of data, want 8000000000000"},
		{"NaN", npy(tensor.New(tensor.WithBacking([]float64{1, math.NaN()}))), "sample 1 is NaN"},
		{"Inf float32", npy(tensor.New(tensor.WithBacking([]float32{1, float32(math.Inf(-1))}))), "sample 1 is -Inf"},
		{"empty", rawNPY("<f8", "(0,)", nil), "empty array"},
		{"truncated data", rawNPY("<f8", "(3,)", make([]byte, 20)), "20 bytes of data, want 24 (3 values of 8 bytes)"},
		{"trailing data", rawNPY("<f4", "(3,)", make([]byte, 13)), "13 bytes of data, want 12"},
		{"no descr", npyFile(1, "{'fortran_order': False, 'shape': (3,), }", nil), "no 'descr' in the header"},
		{"no shape", npyFile(1, "{'descr': '<f8', 'fortran_order': False, }", nil), "no 'shape' in the header"},
		{"garbage", func(*testing.T) io.Reader { return strings.NewReader("not an npy file") }, "not a .npy file"},
		{"no bytes", func(*testing.T) io.Reader { return strings.NewReader("") }, "not a .npy file"},
		{"version 9", func(*testing.T) io.Reader { return strings.NewReader("\x93NUMPY\x09\x00\x00\x00") }, "format version 9.0 not supported"},
		{"truncated header", func(*testing.T) io.Reader { return strings.NewReader("\x93NUMPY\x01\x00\x40\x00{'descr'") }, "truncated header"},
		{"nil reader", func(*testing.T) io.Reader { return nil }, "nil reader"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.r(t)
			err := testutil.NoPanic(t, func() error {
				_, err := stimulus.ReadSamplesNPY(r)
				return err
			})
			if err == nil || !strings.HasPrefix(err.Error(), "stimulus: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an error holding %q", err, tc.want)
			}
		})
	}
}

// TestProtocolValidate is the table of Protocol.Validate: each bad protocol
// is rejected with an error naming the field.
func TestProtocolValidate(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name string
		p    stimulus.Protocol
		want string
	}{
		{"NaN base", stimulus.Constant(nan), "Protocol.Base = NaN"},
		{"Inf base", stimulus.Constant(-inf), "Protocol.Base = -Inf"},
		{"inverted", stimulus.Sequence(0, stimulus.Pulse(10, 5, 1)), "Protocol.Segments[0].ToMs = 5 ms precedes FromMs = 10 ms"},
		{"NaN from", stimulus.Sequence(0, stimulus.Step(1, 1), stimulus.Pulse(nan, 5, 1)), "Protocol.Segments[1].FromMs = NaN"},
		{"from +Inf", stimulus.Sequence(0, stimulus.Pulse(inf, inf, 1)), "Protocol.Segments[0].FromMs = +Inf"},
		{"NaN to", stimulus.Sequence(0, stimulus.Pulse(1, nan, 1)), "Protocol.Segments[0].ToMs = NaN"},
		{"to -Inf", stimulus.Sequence(0, stimulus.Pulse(-inf, -inf, 1)), "Protocol.Segments[0].ToMs = -Inf"},
		{"NaN amp", stimulus.Sequence(0, stimulus.Pulse(1, 5, nan)), "Protocol.Segments[0].Amp = NaN"},
		{"inf slope", stimulus.Sequence(0, stimulus.Ramp(1, 5, 0, inf)), "Protocol.Segments[0].Slope = +Inf"},
		{"ramp from -oo", stimulus.Sequence(0, stimulus.Ramp(-inf, 5, 0, 1)), "Protocol.Segments[0].FromMs = -Inf ms: a ramp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testutil.NoPanic(t, tc.p.Validate)
			if err == nil || !strings.HasPrefix(err.Error(), "stimulus: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an error holding %q", err, tc.want)
			}
		})
	}
	for _, p := range []stimulus.Protocol{
		stimulus.Sequence(0, stimulus.Step(10, 1), stimulus.Ramp(0, 5, 0, 2)),
		stimulus.Sequence(0, stimulus.Pulse(-inf, inf, 3)),
		{},
	} {
		if err := p.Validate(); err != nil {
			t.Errorf("valid protocol %+v: got=%v, want nil", p, err)
		}
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

// TestNilCurrent checks Sample and CurrentFeeder.Feed with a nil current, a
// nil writer and a negative count: errors, not panics.
func TestNilCurrent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"Sample nil", func() error { _, err := stimulus.Sample(nil, 3, 0.5); return err }, "Sample: nil Current"},
		{"Sample negative n", func() error { _, err := stimulus.Sample(stimulus.Constant(1), -1, 0.5); return err }, "n = -1 steps must be >= 0"},
		{"Feed nil Current", func() error {
			return stimulus.CurrentFeeder{Input: "in/I", DtMs: 0.5}.Feed(0, &recorder{})
		}, "CurrentFeeder.Current is nil"},
		{"Feed nil writer", func() error {
			return stimulus.CurrentFeeder{Input: "in/I", Current: stimulus.Constant(1), DtMs: 0.5}.Feed(0, nil)
		}, "nil InputWriter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testutil.NoPanic(t, tc.run)
			if err == nil || !strings.HasPrefix(err.Error(), "stimulus: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an error holding %q", err, tc.want)
			}
		})
	}
}
