package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/session"
)

// runConfig is a validated `run` or `graph` command line.
type runConfig struct {
	kind       network.Kind
	opts       network.Options
	durationMs float64
	steps      int
	out        string
	format     string // graph only
}

const runFlagsHelp = `Flags:
  --seed N          random seed (default 1)
  --duration MS     simulated time in ms, a whole number of steps (default 1000)
  --dt MS           time step in ms (default 0.5; izhikevich2003: 1, its only step);
                    below tau_g = 10 ms with synapses
  --n N             neurons, uncoupled, recurrent, izhikevich2003 and ring only
                    (default 1000; ring at least 200)
  --dtype T         float64 or float32 (default float64; float32 with --notebook)
  --notebook        follow the notebook's cells instead of the course (see README)
  --out DIR         output directory (default out/SCENARIO)
`

// parseRun parses `run` (or `graph`, with --format) arguments: the
// scenario, then flags (flags may also come first).
func parseRun(cmd string, args []string) (*runConfig, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	seed := fs.Uint64("seed", 1, "")
	duration := fs.Float64("duration", 1000, "")
	dt := fs.Float64("dt", network.DefaultDtMs, "")
	n := fs.Int("n", network.DefaultN, "")
	dtype := fs.String("dtype", "float64", "")
	notebook := fs.Bool("notebook", false, "")
	out := fs.String("out", "", "")
	format := fs.String("format", "names", "")

	scenario := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		scenario, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, err
		}
		return nil, usagef("%v", err)
	}
	rest := fs.Args()
	if scenario == "" && len(rest) > 0 {
		scenario, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return nil, usagef("unexpected argument %q", rest[0])
	}
	if scenario == "" {
		return nil, usagef("missing SCENARIO (single, synaptic, uncoupled, recurrent, izhikevich2003 or ring)")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if cmd != "graph" && set["format"] {
		return nil, usagef("--format: applies to the graph command only")
	}

	c := &runConfig{format: *format}
	kind, err := network.ParseKind(scenario)
	if err != nil {
		return nil, usagef("%v", err)
	}
	c.kind = kind
	if kind == network.Izhikevich2003 {
		if !set["dt"] {
			*dt = network.Izh2003DtMs
		} else if *dt != network.Izh2003DtMs {
			return nil, usagef("--dt: %v ms; izhikevich2003 runs net.m's 1 ms step only (its thalamic noise is drawn per step)", *dt)
		}
	}
	if *notebook && kind > network.Recurrent {
		return nil, usagef("--notebook: applies to the notebook's scenarios (steps 1-4), not %v", kind)
	}
	if math.IsNaN(*dt) || math.IsInf(*dt, 0) || *dt <= 0 {
		return nil, usagef("--dt: must be a positive, finite number of ms (got %v)", *dt)
	}
	if kind.HasSynapses() && *dt >= network.TauGMs {
		return nil, usagef("--dt: %v ms must be below tau_g = %v ms (the conductance decay factor 1 - dt/tau_g would not be positive)", *dt, network.TauGMs)
	}
	if math.IsNaN(*duration) || math.IsInf(*duration, 0) || *duration <= 0 {
		return nil, usagef("--duration: must be a positive, finite number of ms (got %v)", *duration)
	}
	if *duration < *dt {
		return nil, usagef("--duration: %v ms is shorter than --dt %v ms", *duration, *dt)
	}
	steps, err := network.Steps(*duration, *dt)
	if err != nil {
		return nil, usagef("--duration: %v ms is not a whole number of steps of --dt %v ms", *duration, *dt)
	}
	c.durationMs, c.steps = *duration, steps
	if set["n"] && !kind.HasN() {
		return nil, usagef("--n: does not apply to scenario %v (one neuron)", kind)
	}
	if kind.HasN() {
		lo, hi := 1, network.MaxUncoupledN
		if kind != network.Uncoupled {
			hi = network.MaxN // n*n weights
		}
		if kind == network.Ring {
			lo = network.MinRingN
		}
		if *n < lo || *n > hi {
			return nil, usagef("--n: %d must be between %d and %d for %v", *n, lo, hi, kind)
		}
		c.opts.N = *n
	}
	dtName := *dtype
	if *notebook && !set["dtype"] {
		dtName = "float32" // the notebook ran in float32
	}
	dtv, err := graph.ParseDtype(dtName)
	if err != nil {
		return nil, usagef("--dtype: unknown %q (want float64 or float32)", dtName)
	}
	if cmd == "graph" && c.format != "names" && c.format != "dot" {
		return nil, usagef("--format: unknown %q (want names or dot)", c.format)
	}
	c.opts.Seed, c.opts.DtMs, c.opts.Dtype, c.opts.Notebook = *seed, *dt, dtv, *notebook
	c.out = *out
	if c.out == "" {
		c.out = filepath.Join("out", kind.String())
	}
	return c, nil
}

// summary is summary.json. The keys listed in the README never change name.
type summary struct {
	Scenario    string   `json:"scenario"`
	Semantics   string   `json:"semantics"`
	N           int      `json:"n"`
	NExc        int      `json:"n_exc"`
	NInh        int      `json:"n_inh"`
	DtMs        float64  `json:"dt_ms"`
	DurationMs  float64  `json:"duration_ms"`
	Steps       int      `json:"steps"`
	Seed        uint64   `json:"seed"`
	Dtype       string   `json:"dtype"`
	Spikes      int      `json:"spikes"`
	SpikesExc   int      `json:"spikes_exc"`
	SpikesInh   int      `json:"spikes_inh"`
	RateExcHz   *float64 `json:"rate_exc_hz"`
	RateInhHz   *float64 `json:"rate_inh_hz"`
	InputSpikes int64    `json:"input_spikes"`
	WallS       float64  `json:"wall_s"`
	StepsPerS   float64  `json:"steps_per_s"`
	Recorded    []int    `json:"recorded_neurons"`
	Files       []string `json:"files"`
	// Rhythm is izhikevich2003's spectrum peaks (see rate.csv, spectrum.csv).
	Rhythm *rhythm `json:"rhythm,omitempty"`
}

// rate returns spikes per neuron per second, or nil for an empty population.
func rate(spikes, n int, durationMs float64) *float64 {
	if n == 0 {
		return nil
	}
	r := float64(spikes) / float64(n) / (durationMs / 1000)
	return &r
}

// formatMs prints a time k*dt with 12 significant digits, so that
// 3*0.1 prints as 0.3.
func formatMs(t float64) string { return strconv.FormatFloat(t, 'g', 12, 64) }

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseRun("run", args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, "Usage: spikegraph run SCENARIO [flags]\n\n"+runFlagsHelp+"\nExit status: 0 success, 1 the run failed, 2 bad usage or input, 130 interrupted, 143 terminated.\n")
		return exitOK
	}
	if err != nil {
		return report(stderr, "run", err)
	}
	// Check the output directory before the simulation, so that an
	// unwritable --out fails at once.
	od, err := outdir.Prepare(c.out)
	if err != nil {
		return report(stderr, "run", usagef("--out: %v", err))
	}
	defer od.Abort()
	sum, err := simulate(ctx, c, od)
	if err != nil {
		return report(stderr, "run", err)
	}
	if err := od.Commit(); err != nil {
		return report(stderr, "run", err)
	}
	printSummary(stdout, sum, c.out)
	return exitOK
}

// simulate builds and runs the scenario and stages its outputs in od.
func simulate(ctx context.Context, c *runConfig, od *outdir.Run) (*summary, error) {
	net, err := network.New(c.kind, c.opts)
	if err != nil {
		return nil, err
	}
	s, err := session.New(net.Graph)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	// Preallocate for a mean rate of 50 Hz; the recorder grows past that.
	capacity := int(math.Min(float64(net.N)*c.durationMs*0.05, 1<<24))
	spikes := session.RecordSpikes(network.NameFired, capacity)
	trace := session.RecordState(network.NameV, net.Record)
	recs := []session.Recorder{spikes, trace}
	var input *session.CountRecorder
	if net.Input != nil {
		input = session.CountNonzero(network.NameSpikesIn)
		recs = append(recs, input)
	}
	start := time.Now()
	if err := s.Steps(ctx, c.steps, net.Feeder, recs...); err != nil {
		return nil, err
	}
	wall := time.Since(start).Seconds()

	dt := net.Options.DtMs
	sum := &summary{
		Scenario: c.kind.String(), Semantics: "course", N: net.N, NExc: net.NExc, NInh: net.NInh,
		DtMs: dt, DurationMs: c.durationMs, Steps: c.steps, Seed: net.Options.Seed,
		Dtype: net.Options.Dtype.String(), Spikes: len(spikes.Events),
		WallS: wall, StepsPerS: float64(c.steps) / wall, Recorded: net.Record,
	}
	if net.Options.Notebook {
		sum.Semantics = "notebook"
	}
	if c.kind == network.Izhikevich2003 {
		sum.Semantics = "net.m"
	}
	if input != nil {
		sum.InputSpikes = input.Count
	}
	for _, e := range spikes.Events {
		if net.Inh[e.Neuron] {
			sum.SpikesInh++
		} else {
			sum.SpikesExc++
		}
	}
	sum.RateExcHz = rate(sum.SpikesExc, net.NExc, c.durationMs)
	sum.RateInhHz = rate(sum.SpikesInh, net.NInh, c.durationMs)

	if err := od.WriteCSV("spikes.csv", []string{"t_ms", "neuron"}, func(w *csv.Writer) error {
		row := make([]string, 2)
		for _, e := range spikes.Events {
			row[0] = formatMs(float64(e.Sample) * dt)
			row[1] = strconv.Itoa(int(e.Neuron))
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := od.WriteNPY("v.npy", trace.Data, trace.Samples(), len(net.Record)); err != nil {
		return nil, err
	}
	png := "raster.png"
	if net.N == 1 {
		png = "v.png"
	}
	f, err := od.Create(png)
	if err != nil {
		return nil, err
	}
	if net.N == 1 {
		tr := plot.Trace{Title: fmt.Sprintf("%v: v of the neuron (seed %d)", c.kind, net.Options.Seed), TMs: make([]float64, trace.Samples()), V: trace.Data}
		for k := range tr.TMs {
			tr.TMs[k] = float64(k) * dt
		}
		err = plot.TracePNG(f, tr)
	} else {
		r := plot.Raster{Title: fmt.Sprintf("%v: %d neurons, inhibitory (red) and excitatory (black) spikes", c.kind, net.N),
			DurationMs: c.durationMs, N: net.N, Inh: net.Inh, Events: make([]plot.Event, len(spikes.Events))}
		for i, e := range spikes.Events {
			r.Events[i] = plot.Event{TMs: float64(e.Sample) * dt, Neuron: int(e.Neuron)}
		}
		err = plot.RasterPNG(f, r)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", png, err)
	}
	sum.Files = []string{"summary.json", "spikes.csv", "v.npy", png}
	if c.kind == network.Izhikevich2003 {
		title := fmt.Sprintf("%v: population rate and its spectrum (seed %d)", c.kind, net.Options.Seed)
		if sum.Rhythm, err = writeRhythm(od, spikes.Events, net.N, dt, c.steps, title); err != nil {
			return nil, err
		}
		sum.Files = append(sum.Files, "rate.csv", "spectrum.csv", "spectrum.png")
	}
	if err := od.WriteJSON("summary.json", sum); err != nil {
		return nil, err
	}
	return sum, nil
}

func printSummary(w io.Writer, s *summary, out string) {
	hz := func(r *float64) string {
		if r == nil {
			return "-"
		}
		return strconv.FormatFloat(*r, 'f', 2, 64) + " Hz"
	}
	fmt.Fprintf(w, "%s (%s, %s): %d neurons (%d exc, %d inh), %g ms at dt %g ms, seed %d\n",
		s.Scenario, s.Semantics, s.Dtype, s.N, s.NExc, s.NInh, s.DurationMs, s.DtMs, s.Seed)
	fmt.Fprintf(w, "  spikes %d (exc %s, inh %s), input spikes %d\n", s.Spikes, hz(s.RateExcHz), hz(s.RateInhHz), s.InputSpikes)
	fmt.Fprintf(w, "  %d steps in %.3f s (%.0f steps/s)\n", s.Steps, s.WallS, s.StepsPerS)
	fmt.Fprintf(w, "  wrote %s: %s\n", out, strings.Join(s.Files, ", "))
}

// cmdGraph prints the step graph of a scenario.
func cmdGraph(args []string, stdout, stderr io.Writer) int {
	c, err := parseRun("graph", args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, "Usage: spikegraph graph SCENARIO [--format names|dot] [run flags]\n\n"+runFlagsHelp)
		return exitOK
	}
	if err != nil {
		return report(stderr, "graph", err)
	}
	net, err := network.New(c.kind, c.opts)
	if err != nil {
		return report(stderr, "graph", err)
	}
	if c.format == "dot" {
		fmt.Fprint(stdout, net.Graph.Dot())
		return exitOK
	}
	fmt.Fprintf(stdout, "# %v step graph: name, kind, shape, dtype\n", c.kind)
	fmt.Fprint(stdout, net.Graph.Describe())
	return exitOK
}
