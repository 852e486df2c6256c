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
  --out DIR   output directory (default out/%[1]s)

Exit status: 0 success, 1 the run failed, 2 bad usage or input, 130 interrupted, 143 terminated.
`, c.name, len(c.panels()), c.source, c.rows, c.cols, c.name+".png", c.name+".json", c.name+"_traces.csv", "")
}

// figureConfig is a parsed features or classes command line.
type figureConfig struct {
	dtype string // checked by network.ParseDtype
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
	if *out == "" {
		return nil, usagef("--out: empty directory name")
	}
	return &figureConfig{dtype: *dtype, out: *out}, nil
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
	od, err := outdir.Prepare(cfg.out)
	if err != nil {
		return report(stderr, c.name, usagef("--out: %v", err))
	}
	defer od.Abort()
	start := time.Now()
	panels := c.panels()
	show, clearLine := progress(stderr, "panels")
	var runs []*sim.PanelResult
	for i, p := range panels {
		r, err := sim.RunPanel(ctx, p, dtype)
		if err != nil {
			clearLine()
			return report(stderr, c.name, err)
		}
		runs = append(runs, r)
		if show != nil {
			show(i+1, len(panels))
		}
	}
	clearLine()
	files, err := c.write(od, runs)
	if err != nil {
		return report(stderr, c.name, err)
	}
	if err := od.Commit(); err != nil {
		return report(stderr, c.name, err)
	}
	spikes := 0
	for _, r := range runs {
		spikes += len(r.SpikesMs)
	}
	fmt.Fprintf(stdout, "%s (%s): %d panels of %s, %d spikes in all, in %.2f s\n",
		c.name, dtype, len(runs), c.source, spikes, time.Since(start).Seconds())
	fmt.Fprintf(stdout, "  wrote %s: %s\n", cfg.out, strings.Join(files, ", "))
	return exitOK
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
func (c figureCmd) write(od *outdir.Run, runs []*sim.PanelResult) ([]string, error) {
	set := panelSet{}
	g := plot.Grid{Title: c.source, Rows: c.rows, Cols: c.cols, WidthPx: c.widthPx, HeightPx: c.heightPx}
	for _, r := range runs {
		p := r.Panel
		set.keys = append(set.keys, p.Key)
		set.values = append(set.values, panelJSON{Name: p.Name, SpikesMs: r.SpikesMs, DtMs: p.DtMs, DurationMs: p.DurationMs, Dtype: r.Dtype.String()})
		g.Panels = append(g.Panels, plot.Panel{Title: c.title(p), TMs: r.TMs, V: r.V, I: r.I})
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
		return nil, err
	}
	return []string{png, js, csvName}, nil
}
