package sim_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/analysis"
	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/session"
	"github.com/spikegraph/spikegraph/sim"
)

// build builds scenario name with o.
func build(t testing.TB, name string, o network.Options) *network.Net {
	t.Helper()
	sc, err := network.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	net, err := sc.Build(o)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// bySession runs net for steps with session's own recorders, as the
// command line did before package sim.
func bySession(t *testing.T, net *network.Net, steps int) ([]session.SpikeEvent, *session.StateRecorder, int64) {
	t.Helper()
	s, err := session.New(net.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sp := session.RecordSpikes(network.NameFired, 0)
	tr := session.RecordState(network.NameV, net.Record)
	recs := []session.Recorder{sp, tr}
	var in *session.CountRecorder
	if net.Input != nil {
		in = session.CountNonzero(network.NameSpikesIn)
		recs = append(recs, in)
	}
	if err := s.Steps(context.Background(), steps, net.Feeder, recs...); err != nil {
		t.Fatal(err)
	}
	if in == nil {
		return sp.Events, tr, -1
	}
	return sp.Events, tr, in.Count
}

func TestRunEqualsSessionRecorders(t *testing.T) {
	cases := []struct {
		name string
		o    network.Options
	}{
		{"single", network.Options{}},
		{"synaptic", network.Options{Seed: 2, Dtype: tensor.Float32}},
		{"recurrent", network.Options{Seed: 3, N: 60}},
		{"recurrent", network.Options{Seed: 3, N: 60, Dtype: tensor.Float32, Notebook: true}},
		{"izhikevich2003", network.Options{Seed: 4, N: 50}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const steps = 800 // 400 ms at 0.5 ms: the input window opens at 200 ms
			events, tr, count := bySession(t, build(t, tc.name, tc.o), steps)
			net := build(t, tc.name, tc.o)
			res, err := sim.Run(context.Background(), net.Network, steps)
			if err != nil {
				t.Fatal(err)
			}
			if res.Steps != steps || res.DtMs != net.Options.DtMs || res.Wall <= 0 {
				t.Errorf("Steps %d, DtMs %v, Wall %v", res.Steps, res.DtMs, res.Wall)
			}
			got := res.Spikes[network.MonitorSpikes].Events
			if len(events) == 0 || !slices.Equal(got, events) {
				t.Errorf("%d spike events, session recorded %d (equal: %v)", len(got), len(events), slices.Equal(got, events))
			}
			v := res.Traces[network.MonitorV]
			if v.Samples() != steps+1 || !slices.Equal(v.Flat(), tr.Data) || !slices.Equal(v.Index, net.Record) {
				t.Errorf("trace: %d samples of %v; session: %d of %v (equal: %v)", v.Samples(), v.Index, tr.Samples(), tr.Index, slices.Equal(v.Flat(), tr.Data))
			}
			for k, row := range v.Data {
				if !slices.Equal(row, tr.Data[k*len(net.Record):(k+1)*len(net.Record)]) {
					t.Fatalf("trace row %d = %v differs from Flat", k, row)
				}
			}
			c, ok := res.Counts[network.MonitorInput]
			if ok != (count >= 0) || c != max(count, 0) {
				t.Errorf("input count %d (present %v), session %d", c, ok, count)
			}
		})
	}
}

func TestPopulationCountsAndRates(t *testing.T) {
	const steps = 800
	net := build(t, "recurrent", network.Options{Seed: 5, N: 80})
	res, err := sim.Run(context.Background(), net.Network, steps)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := res.Population("net")
	if !ok || len(res.Populations) != 1 {
		t.Fatalf("populations %+v", res.Populations)
	}
	var exc, inh int
	for _, e := range res.Spikes[network.MonitorSpikes].Events {
		if net.Inh[e.Neuron] {
			inh++
		} else {
			exc++
		}
	}
	durS := 400.0 / 1000
	if p.N != 80 || p.Rows != 1 || !p.Labelled || p.NExc != net.NExc || p.NInh != net.NInh || p.NExc+p.NInh != 80 {
		t.Fatalf("population %+v, net NExc %d NInh %d", p, net.NExc, net.NInh)
	}
	if p.Spikes != exc+inh || p.SpikesExc != exc || p.SpikesInh != inh || exc == 0 || inh == 0 {
		t.Fatalf("spikes %d (exc %d, inh %d), want %d (%d, %d)", p.Spikes, p.SpikesExc, p.SpikesInh, exc+inh, exc, inh)
	}
	if res.DurationMs() != 400 {
		t.Errorf("DurationMs = %v, want 400", res.DurationMs())
	}
	if want := float64(exc+inh) / 80 / durS; p.RateHz != want {
		t.Errorf("RateHz = %v, want %v", p.RateHz, want)
	}
	if want := float64(exc) / float64(net.NExc) / durS; p.RateExcHz == nil || *p.RateExcHz != want {
		t.Errorf("RateExcHz = %v, want %v", p.RateExcHz, want)
	}
	if want := float64(inh) / float64(net.NInh) / durS; p.RateInhHz == nil || *p.RateInhHz != want {
		t.Errorf("RateInhHz = %v, want %v", p.RateInhHz, want)
	}

	// One excitatory neuron: no inhibitory rate. No labels: no group rates.
	_, res, err = sim.RunScenario(context.Background(), "single", network.Options{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Populations[0]; p.Spikes != 8 || p.RateHz != 8 || p.RateExcHz == nil || *p.RateExcHz != 8 || p.RateInhHz != nil || p.NInh != 0 {
		t.Errorf("single: %+v", p)
	}
	res, err = sim.Run(context.Background(), twoCells(t), 2000)
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Populations[0]; p.Labelled || p.RateExcHz != nil || p.RateInhHz != nil || p.Spikes != 16 || p.RateHz != 8 {
		t.Errorf("unlabelled: %+v", p)
	}
	// No step: no rates.
	res, err = sim.Run(context.Background(), twoCells(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Populations[0]; res.Steps != 0 || p.RateHz != 0 || res.Traces["v"].Samples() != 1 {
		t.Errorf("0 steps: %+v, %d samples", p, res.Traces["v"].Samples())
	}
}

// twoCells is ExampleRun's network: two regular-spiking neurons, a current
// of 7 from 200 to 700 ms, monitors "spikes" and "v" (neurons 0 and 1).
func twoCells(t testing.TB) *network.Network {
	t.Helper()
	spec := network.Spec{
		DtMs: 0.5,
		Populations: []network.Population{{Name: "rs",
			Model: izhikevich.Neuron{Config: izhikevich.Config{Cells: izhikevich.Uniform(2, izhikevich.RegularSpiking()), VPeak: izhikevich.DefaultVPeak}}}},
		Sources: []network.Source{network.Stimulus{Name: "in", To: "rs", Current: stimulus.Sequence(0, stimulus.Pulse(200, 700, 7))}},
		Monitors: []network.Monitor{
			{Name: "spikes", Kind: network.SpikeEvents, Of: "rs"},
			{Name: "v", Kind: network.Trace, Of: "rs", Index: []int{0, 1}},
		},
	}
	net, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestCancelReturnsPromptlyWithThePartialResult(t *testing.T) {
	const steps = 1_000_000 // about a minute: a cancellation must cut it short
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last int
	start := time.Now()
	res, err := sim.Run(ctx, twoCells(t), steps, sim.WithProgress(func(done, total int) {
		last = done
		if done >= 5*steps/100 {
			cancel()
		}
	}))
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "sim: ") {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
	if res == nil {
		t.Fatal("no partial result")
	}
	// The context is checked every 32 steps.
	if res.Steps < last || res.Steps > last+32 {
		t.Errorf("stopped after %d steps; cancelled at %d", res.Steps, last)
	}
	if res.Traces["v"].Samples() != res.Steps+1 {
		t.Errorf("%d samples of v after %d steps", res.Traces["v"].Samples(), res.Steps)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}

	// A context cancelled before the run: no step.
	res, err = sim.Run(ctx, twoCells(t), 100)
	if !errors.Is(err, context.Canceled) || res == nil || res.Steps != 0 {
		t.Errorf("cancelled before: %v, %+v", err, res)
	}
	if _, err := sim.RunPanel(ctx, figures.Classes()[0], tensor.Float64); !errors.Is(err, context.Canceled) {
		t.Errorf("RunPanel cancelled: %v", err)
	}
}

func TestProgress(t *testing.T) {
	for _, steps := range []int{0, 1, 99, 199, 2000} {
		var calls [][2]int
		_, err := sim.Run(context.Background(), twoCells(t), steps, sim.WithProgress(func(done, total int) {
			calls = append(calls, [2]int{done, total})
		}))
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) == 0 || len(calls) > 101 || calls[len(calls)-1] != [2]int{steps, steps} {
			t.Fatalf("steps %d: %d calls, last %v", steps, len(calls), calls[len(calls)-1:])
		}
		for i, c := range calls {
			if c[1] != steps || (i > 0 && c[0] <= calls[i-1][0]) {
				t.Fatalf("steps %d: call %d = %v after %v", steps, i, c, calls[max(i-1, 0)])
			}
		}
	}
}

// sinks records what a custom sink receives.
type sinks struct {
	spikes  []session.SpikeEvent
	samples int
	rows    [][]float64
}

func (s *sinks) Spike(sample, neuron int32) error {
	s.spikes = append(s.spikes, session.SpikeEvent{Sample: sample, Neuron: neuron})
	return nil
}

func (s *sinks) Sample(sample int, values []float64) error {
	if sample != s.samples {
		return errors.New("out of order")
	}
	s.samples++
	s.rows = append(s.rows, slices.Clone(values))
	return nil
}

type failing struct{}

func (failing) Spike(int32, int32) error    { return errors.New("disk full") }
func (failing) Sample(int, []float64) error { return errors.New("disk full") }

func TestCustomSinks(t *testing.T) {
	def, err := sim.Run(context.Background(), twoCells(t), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var mine sinks
	res, err := sim.Run(context.Background(), twoCells(t), 1000, sim.WithSpikeSink("spikes", &mine), sim.WithTraceSink("v", &mine))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Spikes["spikes"]; ok {
		t.Error("Result.Spikes holds a monitor with a sink of its own")
	}
	if _, ok := res.Traces["v"]; ok {
		t.Error("Result.Traces holds a monitor with a sink of its own")
	}
	if !slices.Equal(mine.spikes, def.Spikes["spikes"].Events) || len(mine.spikes) == 0 {
		t.Errorf("custom spike sink got %d events, default %d", len(mine.spikes), len(def.Spikes["spikes"].Events))
	}
	if len(mine.rows) != 1001 || !slices.EqualFunc(mine.rows, def.Traces["v"].Data, slices.Equal) {
		t.Errorf("custom trace sink got %d rows, default %d", len(mine.rows), def.Traces["v"].Samples())
	}
	if res.Populations[0].Spikes != def.Populations[0].Spikes {
		t.Errorf("counts differ with custom sinks: %d, %d", res.Populations[0].Spikes, def.Populations[0].Spikes)
	}

	// A failing sink stops the run with its error and the partial result.
	for _, o := range []sim.Option{sim.WithSpikeSink("spikes", failing{}), sim.WithTraceSink("v", failing{})} {
		res, err := sim.Run(context.Background(), twoCells(t), 1000, o)
		if err == nil || !strings.Contains(err.Error(), "disk full") || res == nil || res.Steps >= 1000 {
			t.Errorf("failing sink: %v, %+v", err, res)
		}
	}
}

func TestBadInputsAreErrors(t *testing.T) {
	ctx := context.Background()
	var s sinks
	cases := []struct {
		name  string
		net   *network.Network
		steps int
		opts  []sim.Option
		is    error
	}{
		{"nil network", nil, 10, nil, nil},
		{"empty network", &network.Network{}, 10, nil, nil},
		{"negative steps", twoCells(t), -1, nil, nil},
		{"unknown spike monitor", twoCells(t), 10, []sim.Option{sim.WithSpikeSink("spikez", &s)}, sim.ErrUnknownMonitor},
		{"unknown trace monitor", twoCells(t), 10, []sim.Option{sim.WithTraceSink("w", &s)}, sim.ErrUnknownMonitor},
		{"trace sink for spikes", twoCells(t), 10, []sim.Option{sim.WithTraceSink("spikes", &s)}, sim.ErrUnknownMonitor},
		{"spike sink for a trace", twoCells(t), 10, []sim.Option{sim.WithSpikeSink("v", &s)}, sim.ErrUnknownMonitor},
		{"nil sink", twoCells(t), 10, []sim.Option{sim.WithSpikeSink("spikes", nil)}, nil},
		{"two sinks", twoCells(t), 10, []sim.Option{sim.WithSpikeSink("spikes", &s), sim.WithSpikeSink("spikes", &s)}, nil},
		{"nil progress", twoCells(t), 10, []sim.Option{sim.WithProgress(nil)}, nil},
		{"two progress", twoCells(t), 10, []sim.Option{sim.WithProgress(func(int, int) {}), sim.WithProgress(func(int, int) {})}, nil},
		{"negative capacity", twoCells(t), 10, []sim.Option{sim.WithSpikeCapacity(-1)}, nil},
		{"nil option", twoCells(t), 10, []sim.Option{nil}, nil},
	}
	for _, tc := range cases {
		res, err := sim.Run(ctx, tc.net, tc.steps, tc.opts...)
		if err == nil || res != nil || !strings.HasPrefix(err.Error(), "sim: ") || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("%s: %v, %v", tc.name, res, err)
		}
	}
	// The network is compiled once.
	net := twoCells(t)
	if _, err := sim.Run(ctx, net, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Run(ctx, net, 1); err == nil {
		t.Error("a second run of one network: no error")
	}
}

func TestScenarioOptionErrorsComeFirst(t *testing.T) {
	cases := []struct {
		name     string
		o        network.Options
		duration float64
		option   string
	}{
		{"step9", network.Options{}, 1000, "scenario"},
		{"synaptic", network.Options{DtMs: 10}, 1000, "dt"},
		{"izhikevich2003", network.Options{DtMs: 0.5}, 1000, "dt"},
		{"single", network.Options{N: 3}, 1000, "n"},
		{"ring", network.Options{N: 10}, 1000, "n"},
		{"ring", network.Options{Notebook: true}, 1000, "notebook"},
		{"single", network.Options{Dtype: tensor.Int}, 1000, "dtype"},
		{"single", network.Options{}, 100.25, "duration"},
		{"izhikevich2003", network.Options{}, 1, "duration"},
		// The largest network: building it would take seconds and
		// gigabytes, so the duration must be checked first.
		{"recurrent", network.Options{N: network.MaxN}, 0.25, "duration"},
	}
	for _, tc := range cases {
		start := time.Now()
		net, res, err := sim.RunScenario(context.Background(), tc.name, tc.o, tc.duration)
		var oe *network.OptionError
		if !errors.As(err, &oe) || oe.Option != tc.option || net != nil || res != nil {
			t.Errorf("%s %+v %v ms: %v, want an *OptionError for %q", tc.name, tc.o, tc.duration, err, tc.option)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: the error took %v", tc.name, d)
		}
		if _, err := sim.PlanScenario(tc.name, tc.o, tc.duration); !errors.As(err, &oe) || oe.Option != tc.option {
			t.Errorf("PlanScenario %s: %v", tc.name, err)
		}
	}
	p, err := sim.PlanScenario("step4", network.Options{N: 30}, 100)
	if err != nil || p.Scenario.Name != "recurrent" || p.Steps != 200 || p.Options.DtMs != 0.5 || p.Options.Dtype != tensor.Float64 {
		t.Errorf("PlanScenario(step4): %+v, %v", p, err)
	}
	if _, err := (sim.Plan{}).Build(); err == nil {
		t.Error("the zero Plan built")
	}
}

func TestRunPanelEqualsSession(t *testing.T) {
	for _, key := range []string{"A", "B", "G", "R"} {
		p, err := figures.Lookup(key)
		if err != nil {
			t.Fatal(err)
		}
		m, err := p.Build(tensor.Float64)
		if err != nil {
			t.Fatal(err)
		}
		s, err := session.New(m.Graph)
		if err != nil {
			t.Fatal(err)
		}
		sp := session.RecordSpikes(figures.NameFired, 0)
		tr := session.RecordState(figures.NameV, []int{0})
		if err := s.Steps(context.Background(), p.Steps(), m.Feeder, sp, tr); err != nil {
			t.Fatal(err)
		}
		s.Close()
		samples := make([]int, len(sp.Events))
		for i, e := range sp.Events {
			samples[i] = int(e.Sample)
		}
		r, err := sim.RunPanel(context.Background(), p, tensor.Dtype{})
		if err != nil {
			t.Fatal(err)
		}
		n := p.Steps()
		if r.Dtype != tensor.Float64 || r.Result.Steps != n || len(r.TMs) != n || len(r.I) != n {
			t.Fatalf("%s: dtype %v, %d steps, %d times, %d currents; want %d", key, r.Dtype, r.Result.Steps, len(r.TMs), len(r.I), n)
		}
		if !slices.Equal(r.SpikesMs, p.SpikeTimes(samples)) || !slices.Equal(r.V, tr.Data[1:]) {
			t.Errorf("%s: spikes %v, want %v (v equal: %v)", key, r.SpikesMs, p.SpikeTimes(samples), slices.Equal(r.V, tr.Data[1:]))
		}
		if r.TMs[0] != 0 || r.TMs[n-1] != p.T(n) || r.I[n-1] != p.Current.At(p.T(n)) {
			t.Errorf("%s: t from %v to %v, last I %v", key, r.TMs[0], r.TMs[n-1], r.I[n-1])
		}
	}
	p := figures.Classes()[0]
	if _, err := sim.RunPanel(context.Background(), p, tensor.Float64, sim.WithSpikeSink("spikes", &sinks{})); err == nil {
		t.Error("RunPanel with a sink: no error")
	}
	p.DtMs = -1
	if _, err := sim.RunPanel(context.Background(), p, tensor.Float64); err == nil || !strings.HasPrefix(err.Error(), "sim: panel RS: figures: ") {
		t.Errorf("bad panel: %v", err)
	}
}

func TestRhythm(t *testing.T) {
	net, res, err := sim.RunScenario(context.Background(), "izhikevich2003", network.Options{Seed: 1, N: 100}, 300)
	if err != nil {
		t.Fatal(err)
	}
	var samples []int
	for _, e := range res.Spikes[network.MonitorSpikes].Events {
		if e.Sample >= 1 {
			samples = append(samples, int(e.Sample)-1)
		}
	}
	want, err := analysis.Rhythm(samples, net.N, 1, 300, analysis.RhythmSegmentMs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := res.Rhythm(network.MonitorSpikes)
	if err != nil || !slices.Equal(got.RateHz, want.RateHz) || !slices.Equal(got.Power, want.Power) || got.AlphaPeakHz != want.AlphaPeakHz {
		t.Errorf("Rhythm: %v (alpha %v, want %v)", err, got.AlphaPeakHz, want.AlphaPeakHz)
	}
	if _, err := res.Rhythm("v"); !errors.Is(err, sim.ErrUnknownMonitor) {
		t.Errorf("Rhythm of a trace: %v", err)
	}
}

func TestTraces(t *testing.T) {
	tr := sim.NewTraces([]int{4, 2}, 1)
	for k := range 5 { // grows past its capacity
		if err := tr.Sample(k, []float64{float64(k), -float64(k)}); err != nil {
			t.Fatal(err)
		}
	}
	if tr.Samples() != 5 || tr.First != 0 || !slices.Equal(tr.Flat(), []float64{0, 0, 1, -1, 2, -2, 3, -3, 4, -4}) || !slices.Equal(tr.Data[3], []float64{3, -3}) {
		t.Fatalf("%d samples, flat %v, rows %v", tr.Samples(), tr.Flat(), tr.Data)
	}
	if err := tr.Sample(7, []float64{0, 0}); err == nil {
		t.Error("a sample out of order: no error")
	}
	if err := tr.Sample(5, []float64{0}); err == nil {
		t.Error("a sample of the wrong width: no error")
	}
	sp := sim.NewSpikeEvents(-3)
	if err := sp.Spike(2, 1); err != nil || len(sp.Events) != 1 || sp.Events[0] != (session.SpikeEvent{Sample: 2, Neuron: 1}) {
		t.Errorf("SpikeEvents: %v, %v", sp.Events, err)
	}
}

// BenchmarkRun and BenchmarkSessionSteps run the same 1000 steps of the
// recurrent network (n = 200) with sim and with session's recorders: their
// allocs/op must agree (the runner adds none per step; see also
// TestRecorderAllocatesNothing).
func BenchmarkRun(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		net := build(b, "recurrent", network.Options{Seed: 1, N: 200})
		b.StartTimer()
		if _, err := sim.Run(context.Background(), net.Network, 1000, sim.WithSpikeCapacity(1<<16)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
}

func BenchmarkSessionSteps(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		net := build(b, "recurrent", network.Options{Seed: 1, N: 200})
		b.StartTimer()
		s, err := session.New(net.Graph)
		if err != nil {
			b.Fatal(err)
		}
		sp := session.RecordSpikes(network.NameFired, 1<<16)
		tr := session.RecordState(network.NameV, net.Record)
		if err := s.Steps(context.Background(), 1000, net.Feeder, sp, tr, session.CountNonzero(network.NameSpikesIn)); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportAllocs()
}
