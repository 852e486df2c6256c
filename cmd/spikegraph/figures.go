package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/sim"
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
  --out DIR   parent of the run folders (default out/%[1]s): each run writes
              DIR/<time stamp>-seed0/ and DIR/latest points to the newest
              complete one
  --name NAME the run folder's name instead of the time stamp

`+exitStatusText, c.name, len(c.panels()), c.source, c.rows, c.cols, c.name+".png", c.name+".json", c.name+"_traces.csv", "")
}

// figureConfig is a parsed features or classes command line.
type figureConfig struct {
	dtype   string // checked by network.ParseDtype
	out     string
	name    string
	command string
}

func (c figureCmd) parse(args []string) (*figureConfig, error) {
	fs := newFlagSet(c.name)
	dtype := fs.String("dtype", "float64", "")
	out := fs.String("out", filepath.Join("out", c.name), "")
	name := fs.String("name", "", "")
	pos, set, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, usagef("unexpected argument %q (%s takes flags only)", pos[0], c.name)
	}
	if *out == "" {
		return nil, usagef("--out: empty directory name")
	}
	if set["name"] {
		if err := outdir.CheckRunName(*name); err != nil {
			return nil, usagef("--name: %v", err)
		}
	}
	return &figureConfig{dtype: *dtype, out: *out, name: *name,
		command: strings.Join(append([]string{"spikegraph", c.name}, args...), " ")}, nil
}

// figureSummary is the summary.json of a figure command's run.
type figureSummary struct {
	RunID   string   `json:"run_id"`
	Version string   `json:"version"`
	Command string   `json:"command"`
	Error   string   `json:"error,omitempty"`
	Figure  string   `json:"figure"`
	Dtype   string   `json:"dtype"`
	Panels  int      `json:"panels"` // panels simulated
	Spikes  int      `json:"spikes"` // spikes in all panels
	WallS   float64  `json:"wall_s"` // simulation and writing
	Files   []string `json:"files"`  // besides summary.json
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
	dtype, err := network.ParseDtype(cfg.dtype)
	if err != nil {
		return report(stderr, c.name, err)
	}
	od, err := outdir.Begin(cfg.out, cfg.name, 0, cfg.command, versionString())
	if err != nil {
		return report(stderr, c.name, outError(err))
	}
	start := time.Now()
	panels := c.panels()
	show, clearLine := progress(stderr, "panels")
	var runs []*sim.PanelResult
	for i, p := range panels {
		var r *sim.PanelResult
		if r, err = sim.RunPanel(ctx, p, dtype); err != nil {
			break
		}
		runs = append(runs, r)
		if show != nil {
			show(i+1, len(panels))
		}
	}
	clearLine()
	if err == nil {
		err = c.write(ctx, od, runs)
	}
	sum := figureSummary{RunID: od.ID(), Version: versionString(), Command: cfg.command, Figure: c.source,
		Dtype: dtype.String(), Panels: len(runs), WallS: time.Since(start).Seconds(), Files: od.Files()}
	for _, r := range runs {
		sum.Spikes += len(r.SpikesMs)
	}
	status := statusOf(err)
	if err != nil {
		sum.Error = err.Error()
	}
	if ferr := od.Finish(status, sum); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "spikegraph %s: the run's folder %s says %q\n", c.name, od.Dir(), status)
		return report(stderr, c.name, err)
	}
	fmt.Fprintf(stdout, "%s (%s): %d panels of %s, %d spikes in all, in %.2f s\n",
		c.name, dtype, len(runs), c.source, sum.Spikes, sum.WallS)
	fmt.Fprintf(stdout, "  wrote %s: %s\n", od.Dir(), strings.Join(append([]string{outdir.SummaryName}, sum.Files...), ", "))
	return exitOK
}

// panelJSON is one panel's entry in the JSON file. The names of the keys
// are part of the output format: never rename them.
type panelJSON struct {
	Name       string  `json:"name"`
	SpikesMs   msTimes `json:"spikes_ms"`
	DtMs       float64 `json:"dt_ms"`
	DurationMs float64 `json:"duration_ms"`
	Dtype      string  `json:"dtype"`
}

// msTimes are times in ms written as spikes.csv writes them, with 12
// significant digits (formatMs), so that the figure program's 42.8, which
// (s-1)·dt computes as 42.800000000000004, reads 42.8.
type msTimes []float64

// MarshalJSON writes the times as a JSON array (null for nil, as
// encoding/json writes a nil slice).
func (m msTimes) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	b := []byte{'['}
	for i, t := range m {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("spike time %v is not a number JSON can hold", t)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, formatMs(t)...)
	}
	return append(b, ']'), nil
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

// write writes the JSON file, the traces and the figure, looking at ctx
// between files.
func (c figureCmd) write(ctx context.Context, od *outdir.Run, runs []*sim.PanelResult) error {
	set := panelSet{}
	g := plot.Grid{Title: c.source, Rows: c.rows, Cols: c.cols, WidthPx: c.widthPx, HeightPx: c.heightPx}
	for _, r := range runs {
		p := r.Panel
		set.keys = append(set.keys, p.Key)
		set.values = append(set.values, panelJSON{Name: p.Name, SpikesMs: r.SpikesMs, DtMs: p.DtMs, DurationMs: p.DurationMs, Dtype: r.Dtype.String()})
		g.Panels = append(g.Panels, plot.Panel{Title: c.title(p), TMs: r.TMs, V: r.V, I: r.I})
	}
	png, js, csvName := c.name+".png", c.name+".json", c.name+"_traces.csv"
	if err := od.WriteJSON(js, set); err != nil {
		return err
	}
	if err := od.WriteCSV(csvName, []string{"panel", "t_ms", "v_mv", "i"}, func(w *csv.Writer) error {
		row := make([]string, 4)
		for _, r := range runs {
			row[0] = r.Panel.Key
			for k := range r.TMs {
				row[1] = formatMs(r.TMs[k])
				row[2] = strconv.FormatFloat(r.V[k], 'g', -1, 64)
				row[3] = strconv.FormatFloat(r.I[k], 'g', -1, 64)
				if err := w.Write(row); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing %s: %w", png, err)
	}
	return od.Write(png, func(w io.Writer) error { return plot.GridPNG(w, g) })
}
