package sim_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/internal/testutil"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/sim"
)

// commandLineCSV returns spikes.csv as the command line writes it from
// an in-memory result (cmd/spikegraph/run.go): encoding/csv, the header,
// then formatMs(res.TimeMs(sample)) and the neuron.
func commandLineCSV(t *testing.T, res *sim.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write([]string{"t_ms", "neuron"}); err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Spikes[network.MonitorSpikes].Events {
		if err := w.Write([]string{strconv.FormatFloat(res.TimeMs(int(e.Sample)), 'g', 12, 64), strconv.Itoa(int(e.Neuron))}); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tensorNPY returns the .npy bytes of gorgonia.org/tensor's WriteNpy,
// which the command line's v.npy reproduces (outdir's test checks that).
func tensorNPY(t *testing.T, data []float64, shape ...int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), data...))).WriteNpy(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readNPY reads an .npy file back with gorgonia.org/tensor.
func readNPY(t *testing.T, path string) *tensor.Dense {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var d tensor.Dense
	if err := d.ReadNpy(f); err != nil {
		t.Fatal(err)
	}
	return &d
}

// TestStreamingSinksWriteTheCommandLineFiles runs a scenario once into
// memory and once into the streaming sinks: spikes.csv and v.npy must be
// the bytes that the command line writes from memory. dt = 0.1 ms makes
// times such as 3·0.1 that print with 12 significant digits.
func TestStreamingSinksWriteTheCommandLineFiles(t *testing.T) {
	t.Parallel()
	for _, dtype := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dtype.String(), func(t *testing.T) {
			t.Parallel()
			p, err := sim.PlanScenario("uncoupled", network.Options{Seed: 5, N: 200, DtMs: 0.1, Dtype: dtype}, 700)
			if err != nil {
				t.Fatal(err)
			}
			_, mem, err := p.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(mem.Spikes[network.MonitorSpikes].Events) < 100 {
				t.Fatalf("only %d spikes: too few to test", len(mem.Spikes[network.MonitorSpikes].Events))
			}

			var spikes bytes.Buffer
			csvSink, err := sim.NewCSVSpikeSink(&spikes, p.Options.DtMs)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "v.npy")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cols := len(mem.Traces[network.MonitorV].Index)
			npy, err := sim.NewNPYTraceSink(f, cols, p.Steps+1)
			if err != nil {
				t.Fatal(err)
			}
			_, res, err := p.Run(context.Background(), sim.WithSpikeSink(network.MonitorSpikes, csvSink), sim.WithTraceSink(network.MonitorV, npy))
			if err != nil {
				t.Fatal(err)
			}
			if err := csvSink.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := npy.Finish(); err != nil {
				t.Fatal(err)
			}
			if len(res.Spikes) != 0 || len(res.Traces) != 0 {
				t.Errorf("the streamed run kept %d spike and %d trace monitors in memory", len(res.Spikes), len(res.Traces))
			}
			if want := commandLineCSV(t, mem); !bytes.Equal(spikes.Bytes(), want) {
				t.Errorf("spikes.csv: %d bytes differ from the command line's %d", spikes.Len(), len(want))
			}
			if got, want := csvSink.Count(), int64(len(mem.Spikes[network.MonitorSpikes].Events)); got != want {
				t.Errorf("Count() = %d, want %d", got, want)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tr := mem.Traces[network.MonitorV]
			if want := tensorNPY(t, tr.Flat(), tr.Samples(), cols); !bytes.Equal(got, want) {
				t.Errorf("v.npy: %d bytes differ from WriteNpy's %d", len(got), len(want))
			}
		})
	}
}

// TestNPYTraceSinkOfACancelledRun cancels a run part way: after Finish,
// v.npy holds exactly the samples run, as a valid .npy whose values are
// those of the complete run.
func TestNPYTraceSinkOfACancelledRun(t *testing.T) {
	t.Parallel()
	p, err := sim.PlanScenario("recurrent", network.Options{Seed: 2, N: 30}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	_, full, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v.npy")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cols := len(full.Traces[network.MonitorV].Index)
	npy, err := sim.NewNPYTraceSink(f, cols, p.Steps+1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := sim.WithProgress(func(done, total int) {
		if done >= total/3 {
			cancel()
		}
	})
	_, res, err := p.Run(ctx, sim.WithTraceSink(network.MonitorV, npy), stop)
	if !errors.Is(err, context.Canceled) || res.Steps >= p.Steps {
		t.Fatalf("err = %v after %d of %d steps, want a cancelled run", err, res.Steps, p.Steps)
	}
	if err := npy.Finish(); err != nil {
		t.Fatal(err)
	}
	if npy.Rows() != res.Steps+1 {
		t.Errorf("Rows() = %d, want %d", npy.Rows(), res.Steps+1)
	}
	d := readNPY(t, path)
	if want := []int{res.Steps + 1, cols}; !reflect.DeepEqual([]int(d.Shape()), want) {
		t.Fatalf("shape %v, want %v", d.Shape(), want)
	}
	if want := full.Traces[network.MonitorV].Flat()[:(res.Steps+1)*cols]; !reflect.DeepEqual(d.Data(), want) {
		t.Errorf("the rows differ from the complete run's")
	}
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	// The header kept the planned header's length.
	planned := tensorNPY(t, full.Traces[network.MonitorV].Flat(), p.Steps+1, cols)
	if want := int64(len(planned) - 8*(p.Steps+1)*cols + 8*(res.Steps+1)*cols); info.Size() != want {
		t.Errorf("file of %d bytes, want %d", info.Size(), want)
	}
}

// TestNPYTraceSinkShortRuns checks the rewritten header for every number
// of rows up to the planned one, including a header that loses digits
// (1000 planned rows, 7 written) and no rows at all.
func TestNPYTraceSinkShortRuns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ planned, rows, cols int }{{1000, 7, 3}, {1000, 999, 3}, {1000, 1000, 3}, {1, 1, 1}, {12, 0, 2}, {99999, 1, 5}} {
		path := filepath.Join(t.TempDir(), "v.npy")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := sim.NewNPYTraceSink(f, tc.cols, tc.planned)
		if err != nil {
			t.Fatal(err)
		}
		data := make([]float64, tc.rows*tc.cols)
		for i := range data {
			data[i] = -65 + 0.37*float64(i) + math.Float64frombits(uint64(i))
		}
		for k := range tc.rows {
			if err := s.Sample(k, data[k*tc.cols:(k+1)*tc.cols]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Finish(); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(); err != nil {
			t.Errorf("second Finish: %v", err)
		}
		if err := s.Sample(tc.rows, make([]float64, tc.cols)); err == nil {
			t.Errorf("Sample after Finish: no error")
		}
		f.Close()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		header := len(tensorNPY(t, make([]float64, tc.planned*tc.cols), tc.planned, tc.cols)) - 8*tc.planned*tc.cols
		if len(got) != header+8*len(data) {
			t.Errorf("%+v: %d bytes, want %d", tc, len(got), header+8*len(data))
		}
		if tc.rows == tc.planned {
			if want := tensorNPY(t, data, tc.rows, tc.cols); !bytes.Equal(got, want) {
				t.Errorf("%+v: bytes differ from WriteNpy's", tc)
			}
		}
		if tc.rows == 0 {
			if !bytes.Contains(got, []byte("'shape': (0, 2)}")) {
				t.Errorf("no rows: header %q", got)
			}
			continue // tensor does not read empty arrays
		}
		d := readNPY(t, path)
		if !reflect.DeepEqual([]int(d.Shape()), []int{tc.rows, tc.cols}) || !reflect.DeepEqual(d.Data(), data) {
			t.Errorf("%+v: read back shape %v, values equal: %v", tc, d.Shape(), reflect.DeepEqual(d.Data(), data))
		}
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error)      { return 0, errors.New("disk full") }
func (errWriter) Seek(int64, int) (int64, error) { return 0, nil }

func TestStreamingSinkErrors(t *testing.T) {
	t.Parallel()
	f, err := os.Create(filepath.Join(t.TempDir(), "v.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name string
		f    func() error
		want string
	}{
		{"csv nil writer", func() error { _, err := sim.NewCSVSpikeSink(nil, 0.5); return err }, "nil writer"},
		{"csv zero dt", func() error { _, err := sim.NewCSVSpikeSink(io.Discard, 0); return err }, "dt = 0"},
		{"csv NaN dt", func() error { _, err := sim.NewCSVSpikeSink(io.Discard, math.NaN()); return err }, "dt = NaN"},
		{"csv Inf dt", func() error { _, err := sim.NewCSVSpikeSink(io.Discard, math.Inf(1)); return err }, "dt = +Inf"},
		{"npy nil writer", func() error { _, err := sim.NewNPYTraceSink(nil, 1, 1); return err }, "nil writer"},
		{"npy no columns", func() error { _, err := sim.NewNPYTraceSink(f, 0, 1); return err }, "0 columns"},
		{"npy no rows", func() error { _, err := sim.NewNPYTraceSink(f, 1, 0); return err }, "0 planned rows"},
		{"npy too many", func() error { _, err := sim.NewNPYTraceSink(f, 1<<40, 1<<30); return err }, "too many"},
		{"npy row past the plan", func() error {
			s, _ := sim.NewNPYTraceSink(f, 1, 1)
			if err := s.Sample(0, []float64{1}); err != nil {
				return nil
			}
			return s.Sample(1, []float64{1})
		}, "row 2 of 1 planned"},
		{"npy wrong width", func() error { s, _ := sim.NewNPYTraceSink(f, 2, 3); return s.Sample(0, []float64{1}) }, "1 values for 2 columns"},
		{"npy out of order", func() error {
			s, _ := sim.NewNPYTraceSink(f, 1, 3)
			_ = s.Sample(4, []float64{1})
			return s.Sample(6, []float64{1})
		}, "sample 6, want 5"},
		{"npy write error", func() error {
			s, err := sim.NewNPYTraceSink(errWriter{}, 1, 3)
			if err != nil {
				return nil
			}
			return s.Finish()
		}, "disk full"},
		{"csv write error sticks", func() error {
			s, _ := sim.NewCSVSpikeSink(errWriter{}, 1)
			var err error
			for i := 0; i < 10000 && err == nil; i++ {
				err = s.Spike(int32(i), 1)
			}
			if err == nil || s.Spike(1, 1) == nil {
				return nil
			}
			return s.Flush()
		}, "disk full"},
		{"multi nil sink", func() error { _, err := sim.MultiSpikeSink(sim.NewRateSink(0), nil); return err }, "sink 1 is nil"},
		{"rate negative sample", func() error { return sim.NewRateSink(0).Spike(-1, 0) }, "sample -1"},
		{"rhythm after the run", func() error {
			s := sim.NewRateSink(0)
			_ = s.Spike(11, 0)
			_, err := s.Rhythm(10, 1, 10)
			return err
		}, "sample 11, after the 10 steps"},
		{"rhythm of no steps", func() error { _, err := sim.NewRateSink(0).Rhythm(10, 1, 0); return err }, "0 steps"},
	} {
		testutil.WantErr(t, "sim", tc.name, testutil.NoPanic(t, tc.f), tc.want)
	}
}

// TestRateSinkRhythm checks that counting spikes per sample (through a
// MultiSpikeSink, next to a CSV file) gives Result.Rhythm's result.
func TestRateSinkRhythm(t *testing.T) {
	t.Parallel()
	p, err := sim.PlanScenario("izhikevich2003", network.Options{Seed: 3, N: 200}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	_, mem, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, err := mem.Rhythm(network.MonitorSpikes)
	if err != nil {
		t.Fatal(err)
	}
	rate := sim.NewRateSink(p.Steps + 1)
	csvSink, err := sim.NewCSVSpikeSink(io.Discard, p.Options.DtMs)
	if err != nil {
		t.Fatal(err)
	}
	both, err := sim.MultiSpikeSink(csvSink, rate)
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := p.Run(context.Background(), sim.WithSpikeSink(network.MonitorSpikes, both))
	if err != nil {
		t.Fatal(err)
	}
	pop, _ := res.Population("net")
	got, err := rate.Rhythm(pop.Rows*pop.N, res.DtMs, res.Steps)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RateSink: peaks %v, %v Hz; Result.Rhythm's %v, %v Hz (or the rates differ)", got.AlphaPeakHz, got.GammaPeakHz, want.AlphaPeakHz, want.GammaPeakHz)
	}
	if csvSink.Count() != int64(pop.Spikes) {
		t.Errorf("CSV sink counted %d spikes, the population %d", csvSink.Count(), pop.Spikes)
	}
}

// TestStreamingSinksAllocateNothing checks the sinks' steady state: the
// buffers are flushed in chunks, so a spike or a sample allocates
// nothing, over enough calls to fill the buffers many times.
func TestStreamingSinksAllocateNothing(t *testing.T) {
	csvSink, err := sim.NewCSVSpikeSink(io.Discard, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	rate := sim.NewRateSink(1 << 20)
	multi, err := sim.MultiSpikeSink(csvSink, rate)
	if err != nil {
		t.Fatal(err)
	}
	var k int32
	if a := testing.AllocsPerRun(100000, func() {
		if err := multi.Spike(k/3, 999999); err != nil {
			t.Fatal(err)
		}
		k++
	}); a != 0 {
		t.Errorf("spike sinks: %v allocations per spike", a)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "v.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	npy, err := sim.NewNPYTraceSink(f, 5, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	row := []float64{-65, -70, 30, 1, 2}
	sample := 0
	if a := testing.AllocsPerRun(100000, func() {
		if err := npy.Sample(sample, row); err != nil {
			t.Fatal(err)
		}
		sample++
	}); a != 0 {
		t.Errorf("NPYTraceSink: %v allocations per sample", a)
	}
	if err := npy.Finish(); err != nil {
		t.Fatal(err)
	}
}
