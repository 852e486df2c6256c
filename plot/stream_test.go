package plot

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// runEvents returns count spikes as a run records them: in sample order,
// at times k·dtMs (k from 0 to dur/dtMs), each sample's neurons in order.
func runEvents(rng *rand.Rand, count, n int, dtMs, dur float64) []Event {
	type spike struct{ k, neuron int }
	samples := int(math.Round(dur / dtMs))
	sp := make([]spike, count)
	for i := range sp {
		sp[i] = spike{rng.IntN(samples + 1), rng.IntN(n)}
	}
	slices.SortFunc(sp, func(a, b spike) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.neuron, b.neuron)) })
	ev := make([]Event, count)
	for i, s := range sp {
		ev[i] = Event{TMs: float64(s.k) * dtMs, Neuron: s.neuron}
	}
	return ev
}

// spikesCSV writes events as sim.CSVSpikeSink does.
func spikesCSV(events []Event) []byte {
	b := []byte("t_ms,neuron\n")
	for _, e := range events {
		b = strconv.AppendFloat(b, e.TMs, 'g', 12, 64)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(e.Neuron), 10)
		b = append(b, '\n')
	}
	return b
}

// TestRasterPNGFromCSVIsRasterPNG draws a run's spikes from memory and
// from their CSV file, below and above MaxRasterEvents: the PNG bytes
// must be equal. dt = 0.1 ms gives times that the file rounds to 12
// digits, which dtMs puts back on the run's grid.
func TestRasterPNGFromCSVIsRasterPNG(t *testing.T) {
	t.Parallel()
	for _, count := range []int{0, 1, 3000, MaxRasterEvents, MaxRasterEvents + 1, 3 * MaxRasterEvents} {
		t.Run(strconv.Itoa(count), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(count), 7))
			r := raster(500, 100, 700, runEvents(rng, count, 500, 0.1, 700))
			var want, got bytes.Buffer
			if err := RasterPNG(&want, r); err != nil {
				t.Fatal(err)
			}
			file := spikesCSV(r.Events)
			layout := r
			layout.Events = nil
			if err := RasterPNGFromCSV(&got, bytes.NewReader(file), layout, 0.1); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%d events: the PNG from the CSV file differs from RasterPNG's", count)
			}
			// Without dt the times are the file's.
			parsed := r
			parsed.Events = append([]Event(nil), r.Events...)
			for i := range parsed.Events {
				parsed.Events[i].TMs, _ = strconv.ParseFloat(strconv.FormatFloat(parsed.Events[i].TMs, 'g', 12, 64), 64)
			}
			want.Reset()
			got.Reset()
			if err := RasterPNG(&want, parsed); err != nil {
				t.Fatal(err)
			}
			if err := RasterPNGFromCSV(&got, bytes.NewReader(file), layout, 0); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%d events, dt 0: the PNG from the CSV file differs from RasterPNG's of the file's times", count)
			}
		})
	}
}

// allocated returns the bytes that f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestStreamedFiguresTakeConstantMemory draws ten times more events, and
// ten times more samples, with no more allocation: nothing is kept per
// event or per sample past the limits of the in-memory drawing.
func TestStreamedFiguresTakeConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("draws 2.2 million events and reads 3.3 million samples")
	}
	r := raster(1000, 200, 1000, nil)
	events := func(count int) iter.Seq2[Event, error] {
		return func(yield func(Event, error) bool) {
			for i := range count {
				if !yield(Event{TMs: float64(i%10000) * 0.1, Neuron: i % 1000}, nil) {
					return
				}
			}
		}
	}
	var sizes []uint64
	for _, count := range []int{200_000, 2_000_000} {
		sizes = append(sizes, allocated(func() {
			if err := RasterSeqPNG(&bytes.Buffer{}, r, events(count)); err != nil {
				t.Fatal(err)
			}
		}))
	}
	// 1.8 million more events held would take 28 MB.
	if sizes[1] > sizes[0]+1<<20 {
		t.Errorf("raster: %d bytes allocated for 200,000 events, %d for 2,000,000", sizes[0], sizes[1])
	}
	sizes = sizes[:0]
	for _, rows := range []int{300_000, 3_000_000} {
		file := npyFile(t, rows, 1)
		sizes = append(sizes, allocated(func() {
			if err := TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(file), 0, 0.1, Trace{}); err != nil {
				t.Fatal(err)
			}
		}))
	}
	if sizes[1] > sizes[0]+1<<20 {
		t.Errorf("trace: %d bytes allocated for 300,000 samples, %d for 3,000,000", sizes[0], sizes[1])
	}
}

// trace returns the values of a noisy spiking trace, column j of rows
// samples.
func traceValues(rows, j int) []float64 {
	v := make([]float64, rows)
	for k := range v {
		v[k] = -65 + 10*math.Sin(float64(k)/(50+float64(j))) + 0.5*math.Cos(float64(k*k%97))
		if k%997 == 500 {
			v[k] = 30 + float64(j) // a spike peak
		}
	}
	return v
}

// npyFile returns the .npy file (gorgonia.org/tensor's WriteNpy, whose
// bytes v.npy has) of rows samples of cols traces.
func npyFile(t testing.TB, rows, cols int) []byte {
	t.Helper()
	data := make([]float64, rows*cols)
	for j := range cols {
		for k, x := range traceValues(rows, j) {
			data[k*cols+j] = x
		}
	}
	shape := []int{rows, cols}
	if cols == 1 {
		shape = shape[:1]
	}
	var b bytes.Buffer
	if err := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data)).WriteNpy(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestTracePNGFromNPYIsTracePNG draws one column of an .npy file and
// the same samples with TracePNG, from one sample to far past the
// decimation threshold: the PNG bytes must be equal.
func TestTracePNGFromNPYIsTracePNG(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ rows, cols, column int }{
		{1, 1, 0}, {2, 3, 2}, {700, 5, 1}, {1536, 5, 4}, {1537, 5, 0}, {30000, 5, 3}, {30000, 1, 0},
	} {
		t.Run(fmt.Sprint(tc.rows, "x", tc.cols), func(t *testing.T) {
			t.Parallel()
			const dt = 0.1
			tr := Trace{Title: "v of neuron 3", TMs: make([]float64, tc.rows), V: traceValues(tc.rows, tc.column)}
			for k := range tr.TMs {
				tr.TMs[k] = float64(k) * dt
			}
			var want, got bytes.Buffer
			if err := TracePNG(&want, tr); err != nil {
				t.Fatal(err)
			}
			if err := TracePNGFromNPY(&got, bytes.NewReader(npyFile(t, tc.rows, tc.cols)), tc.column, dt, Trace{Title: tr.Title}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%d samples: the PNG from the .npy file differs from TracePNG's", tc.rows)
			}
		})
	}
}

// setHeader replaces the header text of an .npy file, keeping its length.
func setHeader(file []byte, from, to string) []byte {
	out := bytes.Clone(file)
	i := bytes.Index(out, []byte(from))
	copy(out[i:], to)
	return out
}

func TestStreamedFigureErrors(t *testing.T) {
	t.Parallel()
	good := npyFile(t, 3000, 2)
	short := npyFile(t, 10, 2)
	nan := func(rows int) []byte {
		f := npyFile(t, rows, 1)
		copy(f[len(f)-8:], []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f}) // NaN, the last sample
		return f
	}
	r := raster(4, 1, 10, nil)
	seqErr := func(yield func(Event, error) bool) {
		if yield(Event{1, 1}, nil) {
			yield(Event{}, errors.New("disk on fire"))
		}
	}
	cases := []struct {
		name string
		f    func() error
		want string
	}{
		{"npy column high", func() error { return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(good), 2, 1, Trace{}) }, "column 2 outside [0, 2)"},
		{"npy column negative", func() error { return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(good), -1, 1, Trace{}) }, "column -1"},
		{"npy zero dt", func() error { return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(good), 0, 0, Trace{}) }, "dtMs = 0"},
		{"npy NaN dt", func() error { return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(good), 0, math.NaN(), Trace{}) }, "dtMs = NaN"},
		{"npy nil", func() error { return TracePNGFromNPY(&bytes.Buffer{}, nil, 0, 1, Trace{}) }, "nil .npy reader"},
		{"npy with values", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(good), 0, 1, Trace{V: []float64{1}})
		}, "leave them empty"},
		{"npy not npy", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n1,2\n"), 0, 1, Trace{})
		}, "not an .npy file"},
		{"npy empty", func() error { return TracePNGFromNPY(&bytes.Buffer{}, strings.NewReader(""), 0, 1, Trace{}) }, "reading the header"},
		{"npy float32", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(setHeader(good, "<f8", "<f4")), 0, 1, Trace{})
		}, "little-endian float64"},
		{"npy fortran", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(setHeader(good, "False", "True ")), 0, 1, Trace{})
		}, "fortran_order"},
		{"npy 3-d", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(setHeader(good, "(3000, 2)", "(3, 1, 2)")), 0, 1, Trace{})
		}, "one or two dimensions"},
		{"npy no rows", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(setHeader(good, "(3000, 2)", "(0, 2)   ")), 0, 1, Trace{})
		}, "no samples"},
		{"npy truncated short", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(short[:len(short)-3]), 0, 1, Trace{})
		}, "ends in row 9 of 10"},
		{"npy truncated long", func() error {
			return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(good[:len(good)-16]), 0, 1, Trace{})
		}, "ends in row 2999 of 3000"},
		{"npy NaN short", func() error { return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(nan(10)), 0, 1, Trace{}) }, "value 9 is NaN"},
		{"npy NaN long", func() error { return TracePNGFromNPY(&bytes.Buffer{}, bytes.NewReader(nan(3000)), 0, 1, Trace{}) }, "value 2999 is NaN"},
		{"csv nil", func() error { return RasterPNGFromCSV(&bytes.Buffer{}, nil, r, 0) }, "nil spikes reader"},
		{"csv negative dt", func() error { return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n"), r, -1) }, "dtMs = -1"},
		{"csv empty", func() error { return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader(""), r, 0) }, "empty"},
		{"csv header", func() error { return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t,n\n1,2\n"), r, 0) }, "header"},
		{"csv time", func() error {
			return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n1,2\nx,2\n"), r, 0)
		}, "line 3: time"},
		{"csv neuron", func() error {
			return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n1,2.5\n"), r, 0)
		}, "line 2: neuron"},
		{"csv fields", func() error {
			return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n1,2,3\n"), r, 0)
		}, "wrong number of fields"},
		{"csv neuron high", func() error {
			return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n1,2\n1,4\n"), r, 0)
		}, "event 1: neuron 4"},
		{"csv time late", func() error {
			return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n10.5,2\n"), r, 0.5)
		}, "event 0: time 10.5"},
		{"csv layout", func() error {
			return RasterPNGFromCSV(&bytes.Buffer{}, strings.NewReader("t_ms,neuron\n"), raster(4, 1, 0, nil), 0)
		}, "DurationMs"},
		{"seq error", func() error { return RasterSeqPNG(&bytes.Buffer{}, r, seqErr) }, "disk on fire"},
		{"seq nil", func() error { return RasterSeqPNG(&bytes.Buffer{}, r, nil) }, "nil sequence"},
		{"seq with events", func() error { return RasterSeqPNG(&bytes.Buffer{}, raster(4, 1, 10, []Event{{1, 1}}), seqErr) }, "leave Events empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("panicked: %v", p)
					}
				}()
				err = tc.f()
			}()
			if err == nil || !strings.HasPrefix(err.Error(), "plot: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a plot error containing %q", err, tc.want)
			}
		})
	}
}

// TestStreamedFiguresWriteNothingOnError checks that a bad event or value
// far into the input leaves w untouched.
func TestStreamedFiguresWriteNothingOnError(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	events := runEvents(rng, MaxRasterEvents+10, 100, 0.5, 100)
	events[len(events)-1].Neuron = 100
	var buf bytes.Buffer
	if err := RasterPNGFromCSV(&buf, bytes.NewReader(spikesCSV(events)), raster(100, 10, 100, nil), 0.5); err == nil || buf.Len() != 0 {
		t.Errorf("err = %v, %d bytes written", err, buf.Len())
	}
}
