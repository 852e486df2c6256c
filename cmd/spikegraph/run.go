package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/sim"
)

// runConfig is a `run` or `graph` command line whose scenario options
// passed the scenario table's rules.
type runConfig struct {
	plan   sim.Plan
	out    string
	format string // graph only
}

// runFlagsHelp is the flags part of `run -h` and `graph -h`; the rules of
// each scenario come from the scenario table.
func runFlagsHelp() string {
	return `Flags:
  --seed N          random seed (default 1)
  --duration MS     simulated time in ms, a whole number of steps (default 1000)
  --dt MS           time step in ms (default: the scenario's, below)
  --n N             neurons, where the scenario's size can be chosen (below)
  --dtype T         float64 or float32 (default float64; float32 with --notebook)
  --notebook        follow the notebook's cells instead of the course (see README)
  --out DIR         output directory (default out/SCENARIO)

` + scenarioRules()
}

// scenarioRules lists each scenario's n, dt and --notebook rules.
func scenarioRules() string {
	var b strings.Builder
	b.WriteString("Scenario rules:\n")
	for _, s := range network.Scenarios() {
		n := "1 neuron"
		if s.MaxN > 0 {
			n = fmt.Sprintf("n %d..%d (default %d)", s.MinN, s.MaxN, s.DefaultN)
		}
		dt := fmt.Sprintf("dt %g ms", s.DefaultDtMs)
		switch {
		case s.FixedDt:
			dt += " only"
		case s.TauMs > 0:
			dt += fmt.Sprintf(", below tau_g = %g ms", s.TauMs)
		}
		if s.Notebook {
			dt += "; --notebook"
		}
		fmt.Fprintf(&b, "  %-15s %-28s %s\n", s.Name, n, dt)
	}
	return b.String()
}

// scenarioList is the usage text's list of scenarios, from the table.
func scenarioList() string {
	var b strings.Builder
	for _, s := range network.Scenarios() {
		alias := ""
		if len(s.Aliases) > 0 {
			alias = " (alias " + strings.Join(s.Aliases, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-14s %s%s\n", s.Name, s.Summary, alias)
	}
	return b.String()
}

// parseRun parses `run` (or `graph`, with --format) arguments: the
// scenario, then flags (flags may also come first). Every scenario rule is
// checked by sim.PlanScenario; a broken one is a *network.OptionError.
func parseRun(cmd string, args []string) (*runConfig, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	seed := fs.Uint64("seed", 1, "")
	duration := fs.Float64("duration", 1000, "")
	dt := fs.Float64("dt", 0, "")
	n := fs.Int("n", 0, "")
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
		return nil, usagef("missing SCENARIO (want %s)", strings.Join(network.Names(), ", "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if cmd != "graph" && set["format"] {
		return nil, usagef("--format: applies to the graph command only")
	}
	// The library reads a zero N or DtMs as "the scenario's default"; a
	// flag given as 0 asks for no default.
	if set["n"] && *n == 0 {
		return nil, &network.OptionError{Option: "n", Err: errors.New("0 neurons (leave --n out for the scenario's default)")}
	}
	if set["dt"] && *dt == 0 {
		return nil, &network.OptionError{Option: "dt", Err: errors.New("0 ms (leave --dt out for the scenario's default)")}
	}
	dtName := *dtype
	if *notebook && !set["dtype"] {
		dtName = "float32" // the notebook ran in float32
	}
	o := network.Options{Seed: *seed, N: *n, DtMs: *dt, Notebook: *notebook}
	var err error
	if o.Dtype, err = network.ParseDtype(dtName); err != nil {
		return nil, err
	}
	plan, err := sim.PlanScenario(scenario, o, *duration)
	if err != nil {
		return nil, err
	}
	if cmd == "graph" && *format != "names" && *format != "dot" {
		return nil, usagef("--format: unknown %q (want names or dot)", *format)
	}
	c := &runConfig{plan: plan, out: *out, format: *format}
	if c.out == "" {
		c.out = filepath.Join("out", plan.Scenario.Name)
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
	// Rhythm is the spectrum peaks of a scenario whose rhythms matter
	// (izhikevich2003; see rate.csv, spectrum.csv).
	Rhythm *rhythm `json:"rhythm,omitempty"`
}

// formatMs prints a time k*dt with 12 significant digits, so that
// 3*0.1 prints as 0.3.
func formatMs(t float64) string { return strconv.FormatFloat(t, 'g', 12, 64) }

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseRun("run", args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, "Usage: spikegraph run SCENARIO [flags]\n\n"+runFlagsHelp()+"\nExit status: 0 success, 1 the run failed, 2 bad usage or input, 130 interrupted, 143 terminated.\n")
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
	show, clearLine := progress(stderr, "steps")
	var opts []sim.Option
	if show != nil {
		opts = append(opts, sim.WithProgress(show))
	}
	net, res, err := c.plan.Run(ctx, opts...)
	clearLine()
	if err != nil {
		return report(stderr, "run", err)
	}
	sum, err := write(od, c.plan, net, res)
	if err != nil {
		return report(stderr, "run", err)
	}
	if err := od.Commit(); err != nil {
		return report(stderr, "run", err)
	}
	printSummary(stdout, sum, c.out)
	return exitOK
}

// write stages a scenario run's outputs in od and returns its summary.
func write(od *outdir.Run, p sim.Plan, net *network.Net, res *sim.Result) (*summary, error) {
	pop, ok := res.Population("net")
	spikes, trace := res.Spikes[network.MonitorSpikes], res.Traces[network.MonitorV]
	if !ok || spikes == nil || trace == nil {
		return nil, fmt.Errorf("scenario %s: no population \"net\" or no %q and %q monitors", p.Scenario.Name, network.MonitorSpikes, network.MonitorV)
	}
	sum := &summary{
		Scenario: p.Scenario.Name, Semantics: p.Scenario.Semantics, N: pop.N, NExc: pop.NExc, NInh: pop.NInh,
		DtMs: res.DtMs, DurationMs: p.DurationMs, Steps: res.Steps, Seed: p.Options.Seed,
		Dtype: p.Options.Dtype.String(), Spikes: pop.Spikes, SpikesExc: pop.SpikesExc, SpikesInh: pop.SpikesInh,
		RateExcHz: pop.RateExcHz, RateInhHz: pop.RateInhHz, InputSpikes: res.Counts[network.MonitorInput],
		WallS: res.Wall.Seconds(), StepsPerS: float64(res.Steps) / res.Wall.Seconds(), Recorded: trace.Index,
	}
	if p.Options.Notebook {
		sum.Semantics = "notebook"
	}

	if err := od.WriteCSV("spikes.csv", []string{"t_ms", "neuron"}, func(w *csv.Writer) error {
		row := make([]string, 2)
		for _, e := range spikes.Events {
			row[0] = formatMs(res.TimeMs(int(e.Sample)))
			row[1] = strconv.Itoa(int(e.Neuron))
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := od.WriteNPY("v.npy", trace.Flat(), trace.Samples(), len(trace.Index)); err != nil {
		return nil, err
	}
	png := "raster.png"
	if pop.N == 1 {
		png = "v.png"
	}
	f, err := od.Create(png)
	if err != nil {
		return nil, err
	}
	if pop.N == 1 {
		tr := plot.Trace{Title: fmt.Sprintf("%s: v of the neuron (seed %d)", p.Scenario.Name, p.Options.Seed), TMs: make([]float64, trace.Samples()), V: trace.Flat()}
		for k := range tr.TMs {
			tr.TMs[k] = res.TimeMs(k)
		}
		err = plot.TracePNG(f, tr)
	} else {
		r := plot.Raster{Title: fmt.Sprintf("%s: %d neurons, inhibitory (red) and excitatory (black) spikes", p.Scenario.Name, pop.N),
			DurationMs: p.DurationMs, N: pop.N, Inh: net.Inh, Events: make([]plot.Event, len(spikes.Events))}
		for i, e := range spikes.Events {
			r.Events[i] = plot.Event{TMs: res.TimeMs(int(e.Sample)), Neuron: int(e.Neuron)}
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
	if p.Scenario.Rhythm {
		title := fmt.Sprintf("%s: population rate and its spectrum (seed %d)", p.Scenario.Name, p.Options.Seed)
		if sum.Rhythm, err = writeRhythm(od, res, title); err != nil {
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
		fmt.Fprint(stdout, "Usage: spikegraph graph SCENARIO [--format names|dot] [run flags]\n\n"+runFlagsHelp())
		return exitOK
	}
	if err != nil {
		return report(stderr, "graph", err)
	}
	net, err := c.plan.Build()
	if err != nil {
		return report(stderr, "graph", err)
	}
	if c.format == "dot" {
		fmt.Fprint(stdout, net.Graph.Dot())
		return exitOK
	}
	fmt.Fprintf(stdout, "# %s step graph: name, kind, shape, dtype\n", c.plan.Scenario.Name)
	fmt.Fprint(stdout, net.Graph.Describe())
	return exitOK
}
