package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/session"
)

// figureCmd describes one of the figure commands, features and classes.
type figureCmd struct {
	name       string                 // the command, and the stem of its output files
	source     string                 // the figure it redraws
	panels     func() []figures.Panel // its panels, in the figure's order
	rows, cols int                    // the figure's layout
	widthPx    int                    // the PNG's size in pixels
	heightPx   int
	title      func(p figures.Panel) string // a panel's title
}

var featuresCmd = figureCmd{
	name: "features", source: "Izhikevich (2004), Fig. 1: twenty neuro-computational features",
	panels: figures.Behaviours, rows: 5, cols: 4, widthPx: 1600, heightPx: 1600,
	title: func(p figures.Panel) string { return fmt.Sprintf("(%s) %s", p.Key, p.Name) },
}

var classesCmd = figureCmd{
	name: "classes", source: "Izhikevich (2003), Fig. 2: cortical and thalamic cell classes",
	panels: figures.Classes, rows: 2, cols: 4, widthPx: 1600, heightPx: 720,
	title: func(p figures.Panel) string { return fmt.Sprintf("%s (%s)", p.Name, p.Key) },
}

// help is the command's -h text.
func (c figureCmd) help() string {
	return fmt.Sprintf(`Usage: spikegraph %[1]s [flags]

Simulates the %[2]d panels of
%[3]s,
with the parameters, currents and time steps of Izhikevich's figure program,
and writes into --out:
  %-21[6]s the panels in %[4]d rows of %[5]d: v (black) over the input
  %-21[9]s current (blue, scaled into a 10 mV band below the trace)
  %-21[7]s per panel key: name, spikes_ms (the program's spike times),
  %-21[9]s dt_ms, duration_ms, dtype
  %-21[8]s panel, t_ms, v_mv, i: every panel's trace

Sample s >= 1 of a panel is the program's loop iteration at t = (s-1)*dt, so
each panel's time axis runs from 0 to its duration; the initial state (sample
0) is not drawn.

Flags:
  --dtype T   float64 or float32 (default float64, which reproduces the program)
  --out DIR   output directory (default out/%[1]s)

Exit status: 0 success, 1 the run failed, 2 bad usage or input, 130 interrupted, 143 terminated.
`, c.name, len(c.panels()), c.source, c.rows, c.cols, c.name+".png", c.name+".json", c.name+"_traces.csv", "")
}

// figureConfig is a validated features or classes command line.
type figureConfig struct {
	dtype tensor.Dtype
	out   string
}

func (c figureCmd) parse(args []string) (*figureConfig, error) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dtype := fs.String("dtype", "float64", "")
	out := fs.String("out", filepath.Join("out", c.name), "")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, err
		}
		return nil, usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q (%s takes flags only)", fs.Arg(0), c.name)
	}
	dt, err := graph.ParseDtype(*dtype)
	if err != nil {
		return nil, usagef("--dtype: unknown %q (want float64 or float32)", *dtype)
	}
	if *out == "" {
		return nil, usagef("--out: empty directory name")
	}
	return &figureConfig{dtype: dt, out: *out}, nil
}

// run is the command's entry point.
func (c figureCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := c.parse(args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, c.help())
		return exitOK
	}
	if err != nil {
		return report(stderr, c.name, err)
	}
	od, err := outdir.Prepare(cfg.out)
	if err != nil {
		return report(stderr, c.name, usagef("--out: %v", err))
	}
	defer od.Abort()
	start := time.Now()
	runs, err := c.simulate(ctx, cfg.dtype)
	if err != nil {
		return report(stderr, c.name, err)
	}
	files, err := c.write(od, runs, cfg.dtype)
	if err != nil {
		return report(stderr, c.name, err)
	}
	if err := od.Commit(); err != nil {
		return report(stderr, c.name, err)
	}
	spikes := 0
	for _, r := range runs {
		spikes += len(r.spikesMs)
	}
	fmt.Fprintf(stdout, "%s (%s): %d panels of %s, %d spikes in all, in %.2f s\n",
		c.name, cfg.dtype, len(runs), c.source, spikes, time.Since(start).Seconds())
	fmt.Fprintf(stdout, "  wrote %s: %s\n", cfg.out, strings.Join(files, ", "))
	return exitOK
}

// panelRun is one simulated panel.
type panelRun struct {
	panel    figures.Panel
	tMs      []float64 // sample times, samples 1..Steps: 0, dt, ..., duration
	v        []float64 // v at tMs (mV)
	i        []float64 // the input current at tMs
	spikesMs []float64 // the program's spike times
}

// simulate runs every panel in turn; ctx is checked before each panel and
// by the session while it steps.
func (c figureCmd) simulate(ctx context.Context, dtype tensor.Dtype) ([]panelRun, error) {
	var runs []panelRun
	for _, p := range c.panels() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := simulatePanel(ctx, p, dtype)
		if err != nil {
			return nil, fmt.Errorf("panel %s: %w", p.Key, err)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// simulatePanel runs one panel and returns its trace without sample 0, the
// initial state: sample s >= 1 is the program's iteration at t = (s-1)*dt.
func simulatePanel(ctx context.Context, p figures.Panel, dtype tensor.Dtype) (panelRun, error) {
	m, err := p.Build(dtype)
	if err != nil {
		return panelRun{}, err
	}
	s, err := session.New(m.Graph)
	if err != nil {
		return panelRun{}, err
	}
	defer s.Close()
	n := p.Steps()
	sp := session.RecordSpikes(figures.NameFired, 64)
	tr := session.RecordState(figures.NameV, []int{0})
	if err := s.Steps(ctx, n, m.Feeder, sp, tr); err != nil {
		return panelRun{}, err
	}
	if len(tr.Data) != n+1 {
		return panelRun{}, fmt.Errorf("recorded %d samples of v, want %d", len(tr.Data), n+1)
	}
	samples := make([]int, len(sp.Events))
	for k, e := range sp.Events {
		samples[k] = int(e.Sample)
	}
	r := panelRun{panel: p, tMs: make([]float64, n), v: tr.Data[1:], i: make([]float64, n), spikesMs: p.SpikeTimes(samples)}
	for k := range r.tMs {
		r.tMs[k] = p.T(k + 1)
		r.i[k] = p.Current.At(r.tMs[k]) // the current of that iteration
	}
	return r, nil
}

// panelJSON is one panel's entry in the JSON file. The names of the keys
// are part of the output format: never rename them.
type panelJSON struct {
	Name       string    `json:"name"`
	SpikesMs   []float64 `json:"spikes_ms"`
	DtMs       float64   `json:"dt_ms"`
	DurationMs float64   `json:"duration_ms"`
	Dtype      string    `json:"dtype"`
}

// panelSet is the JSON file: an object keyed by panel key, in the figure's
// order (encoding/json would sort a map's keys, and RS, IB, ... are not in
// alphabetical order).
type panelSet struct {
	keys   []string
	values []panelJSON
}

// MarshalJSON writes the panels as one object in the figure's order.
func (s panelSet) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for k, key := range s.keys {
		if k > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(key)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(s.values[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// write stages the figure, the JSON file and the traces, and returns their
// names.
func (c figureCmd) write(od *outdir.Run, runs []panelRun, dtype tensor.Dtype) ([]string, error) {
	set := panelSet{}
	g := plot.Grid{Title: c.source, Rows: c.rows, Cols: c.cols, WidthPx: c.widthPx, HeightPx: c.heightPx}
	for _, r := range runs {
		p := r.panel
		set.keys = append(set.keys, p.Key)
		set.values = append(set.values, panelJSON{Name: p.Name, SpikesMs: r.spikesMs, DtMs: p.DtMs, DurationMs: p.DurationMs, Dtype: dtype.String()})
		g.Panels = append(g.Panels, plot.Panel{Title: c.title(p), TMs: r.tMs, V: r.v, I: r.i})
	}
	png, js, csvName := c.name+".png", c.name+".json", c.name+"_traces.csv"
	f, err := od.Create(png)
	if err != nil {
		return nil, err
	}
	err = plot.GridPNG(f, g)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", png, err)
	}
	if err := od.WriteJSON(js, set); err != nil {
		return nil, err
	}
	if err := od.WriteCSV(csvName, []string{"panel", "t_ms", "v_mv", "i"}, func(w *csv.Writer) error {
		row := make([]string, 4)
		for _, r := range runs {
			row[0] = r.panel.Key
			for k := range r.tMs {
				row[1] = formatMs(r.tMs[k])
				row[2] = strconv.FormatFloat(r.v[k], 'g', -1, 64)
				row[3] = strconv.FormatFloat(r.i[k], 'g', -1, 64)
				if err := w.Write(row); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return []string{png, js, csvName}, nil
}
