package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"time"

	"github.com/spikegraph/spikegraph/graph/view"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/sim"
)

// Field is one row of a table of the report: a name and its value.
type Field struct {
	Name, Value string
}

// Run is what a report shows of one run.
type Run struct {
	// Title heads the page (e.g. "recurrent, run 20261130T064501.123Z-seed1").
	Title string
	// Params are the run's parameters, in the order given.
	Params []Field
	// Stats are summary statistics of the run, in the order given; the
	// report adds each population's rate statistics.
	Stats []Field
	// DtMs is the time step in ms (> 0); Steps the steps run (>= 1).
	DtMs  float64
	Steps int
	// N is the number of neurons (>= 1) and Inh their labels (nil: all
	// excitatory; else len N).
	N   int
	Inh []bool
	// Spikes reads spikes.csv (t_ms,neuron, as sim.CSVSpikeSink writes
	// it); it is read twice, so it must seek.
	Spikes io.ReadSeeker
	// V reads v.npy (samples × recorded neurons, as sim.NPYTraceSink
	// writes it), and Recorded names its columns' neurons.
	V        io.ReadSeeker
	Recorded []int
	// Graph is the step graph that ran; nil for none.
	Graph *view.View
	// Profile is the run's per-op profile (sim.WithProfile); nil for none.
	Profile []sim.OpProfile
}

// RateBinMs is the width of the population-rate bins, in ms (rounded to
// a whole number of steps, at least one).
const RateBinMs = 5

// Write writes r as one self-contained HTML page: every image is inlined
// as a data: URI (PNG, and the graph as SVG when graphviz's dot is
// installed, else its text table), there are no scripts and nothing is
// fetched, so the page needs no network. It shows the parameters, summary
// statistics, the raster (or the voltage trace of a single neuron) and
// the recorded neurons' traces, the population rate, a rate histogram per
// population, the graph and the profile.
func Write(ctx context.Context, w io.Writer, r Run) error {
	if err := r.validate(); err != nil {
		return err
	}
	p := page{Title: r.Title, Params: r.Params}
	counts, perBin, binMs, err := r.countSpikes()
	if err != nil {
		return err
	}
	durationS := float64(r.Steps) * r.DtMs * 1e-3
	p.Stats = append(append([]Field{}, r.Stats...), r.rateStats(counts, durationS)...)
	// The spikes: a raster of the population, or one neuron's trace.
	if r.N > 1 {
		if err := p.addImage(ctx, "Raster", "spikes of every neuron; inhibitory in red at the bottom, excitatory in black above", func(w io.Writer) error {
			if _, err := r.Spikes.Seek(0, io.SeekStart); err != nil {
				return err
			}
			return plot.RasterPNGFromCSV(w, r.Spikes, plot.Raster{Title: "spikes", DurationMs: float64(r.Steps) * r.DtMs, N: r.N, Inh: r.Inh}, r.DtMs)
		}); err != nil {
			return err
		}
	}
	for col, id := range r.Recorded {
		label := fmt.Sprintf("v of neuron %d", id)
		if r.Inh != nil && id < len(r.Inh) && r.Inh[id] {
			label += " (inhibitory)"
		}
		if err := p.addHalf(ctx, "Trace: "+label, "", func(w io.Writer) error {
			if _, err := r.V.Seek(0, io.SeekStart); err != nil {
				return err
			}
			return plot.TracePNGFromNPY(w, r.V, col, r.DtMs, plot.Trace{Title: label})
		}); err != nil {
			return err
		}
	}
	if err := p.addImage(ctx, "Population rate", fmt.Sprintf("spikes per neuron per second in bins of %g ms", binMs), func(w io.Writer) error {
		return plot.PopulationRatePNG(w, plot.PopulationRate{Title: "population rate", RateHz: perBin, BinMs: binMs})
	}); err != nil {
		return err
	}
	for _, pop := range r.populations() {
		if len(pop.ids) < 2 {
			continue
		}
		rates := make([]float64, len(pop.ids))
		for i, id := range pop.ids {
			rates[i] = float64(counts[id]) / durationS
		}
		if err := p.addHalf(ctx, "Rate histogram: "+pop.name, fmt.Sprintf("%d neurons", len(pop.ids)), func(w io.Writer) error {
			return plot.RateHistogramPNG(w, plot.RateHistogram{Title: pop.name + " neurons' rates", RatesHz: rates, Inh: pop.inh})
		}); err != nil {
			return err
		}
	}
	if r.Graph != nil {
		if err := p.addGraph(ctx, r.Graph); err != nil {
			return err
		}
	}
	p.addProfile(r.Profile)
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func (r Run) validate() error {
	switch {
	case !(r.DtMs > 0) || math.IsInf(r.DtMs, 0):
		return fmt.Errorf("report: DtMs = %v, want finite and > 0", r.DtMs)
	case r.Steps < 1:
		return fmt.Errorf("report: Steps = %d, want >= 1", r.Steps)
	case r.N < 1:
		return fmt.Errorf("report: N = %d, want >= 1", r.N)
	case r.Inh != nil && len(r.Inh) != r.N:
		return fmt.Errorf("report: %d Inh labels for N = %d", len(r.Inh), r.N)
	case r.Spikes == nil:
		return errors.New("report: nil Spikes")
	case r.V == nil && len(r.Recorded) > 0:
		return errors.New("report: nil V with Recorded neurons")
	}
	return nil
}

// countSpikes reads the spikes once: each neuron's count, and the
// population rate in bins of RateBinMs (rounded to whole steps) over the
// samples 1..Steps (sample 0, the initial state, is left out).
func (r Run) countSpikes() (counts []int, rateHz []float64, binMs float64, err error) {
	k := max(1, int(math.Round(RateBinMs/r.DtMs)))
	binMs = float64(k) * r.DtMs
	bins := (r.Steps + k - 1) / k
	perBin := make([]int, bins)
	counts = make([]int, r.N)
	if _, err := r.Spikes.Seek(0, io.SeekStart); err != nil {
		return nil, nil, 0, fmt.Errorf("report: spikes: %w", err)
	}
	for e, err := range plot.CSVEvents(r.Spikes, r.DtMs) {
		if err != nil {
			return nil, nil, 0, fmt.Errorf("report: %w", err)
		}
		if e.Neuron < 0 || e.Neuron >= r.N {
			return nil, nil, 0, fmt.Errorf("report: spikes: neuron %d out of [0, %d)", e.Neuron, r.N)
		}
		counts[e.Neuron]++
		if s := int(math.Round(e.TMs / r.DtMs)); s >= 1 && s <= r.Steps {
			perBin[(s-1)/k]++
		}
	}
	rateHz = make([]float64, bins)
	for b, c := range perBin {
		width := min(k, r.Steps-b*k) // the last bin may be shorter
		rateHz[b] = float64(c) / (float64(r.N) * float64(width) * r.DtMs * 1e-3)
	}
	return counts, rateHz, binMs, nil
}

type population struct {
	name string
	inh  bool
	ids  []int
}

// populations splits the neurons by label: excitatory, then inhibitory
// (empty ones left out).
func (r Run) populations() []population {
	exc, inh := population{name: "excitatory"}, population{name: "inhibitory", inh: true}
	for i := range r.N {
		if r.Inh != nil && r.Inh[i] {
			inh.ids = append(inh.ids, i)
		} else {
			exc.ids = append(exc.ids, i)
		}
	}
	var out []population
	for _, p := range []population{exc, inh} {
		if len(p.ids) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// rateStats gives each population's mean, median and largest rate and
// its share of silent neurons.
func (r Run) rateStats(counts []int, durationS float64) []Field {
	var out []Field
	for _, p := range r.populations() {
		rates := make([]float64, len(p.ids))
		silent, sum := 0, 0.0
		for i, id := range p.ids {
			rates[i] = float64(counts[id]) / durationS
			sum += rates[i]
			if counts[id] == 0 {
				silent++
			}
		}
		slices.Sort(rates)
		median := rates[len(rates)/2]
		if len(rates)%2 == 0 {
			median = (rates[len(rates)/2-1] + rates[len(rates)/2]) / 2
		}
		out = append(out, Field{p.name + " neurons", fmt.Sprintf("%d: rate mean %.2f Hz, median %.2f Hz, max %.2f Hz; %d silent (%.1f %%)",
			len(p.ids), sum/float64(len(rates)), median, rates[len(rates)-1], silent, 100*float64(silent)/float64(len(rates)))})
	}
	return out
}

// page is what the template fills in.
type page struct {
	Title     string
	Params    []Field
	Stats     []Field
	Images    []image
	Graph     *image
	GraphText string
	GraphNote string
	Profile   []profileRow
	ProfileOf string
}

type image struct {
	Title, Caption string
	URI            template.URL
	Alt            string
	Half           bool // drawn half width, two to a row
}

type profileRow struct {
	Node, Op, Calls, TotalMs, Share, MeanUs string
}

// addImage draws a PNG and adds it as a data: URI, full width.
func (p *page) addImage(ctx context.Context, title, caption string, draw func(io.Writer) error) error {
	return p.addImageAs(ctx, false, title, caption, draw)
}

// addHalf draws a PNG and adds it half width.
func (p *page) addHalf(ctx context.Context, title, caption string, draw func(io.Writer) error) error {
	return p.addImageAs(ctx, true, title, caption, draw)
}

func (p *page) addImageAs(ctx context.Context, half bool, title, caption string, draw func(io.Writer) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var buf bytes.Buffer
	if err := draw(&buf); err != nil {
		return fmt.Errorf("report: %s: %w", title, err)
	}
	p.Images = append(p.Images, image{Title: title, Caption: caption, Alt: title, URI: dataURI("image/png", buf.Bytes()), Half: half})
	return nil
}

// addGraph adds the graph as SVG when graphviz's dot is installed, else
// as its text table.
func (p *page) addGraph(ctx context.Context, v *view.View) error {
	svg, err := view.SVG(ctx, v.Dot())
	switch {
	case errors.Is(err, view.ErrNoGraphviz):
		var buf bytes.Buffer
		if err := v.Text(&buf); err != nil {
			return fmt.Errorf("report: graph: %w", err)
		}
		p.GraphText, p.GraphNote = buf.String(), "graphviz's dot is not installed, so the graph is shown as its table (install graphviz for the drawing)"
		return nil
	case err != nil:
		return fmt.Errorf("report: graph: %w", err)
	}
	p.Graph = &image{Title: v.Title, Alt: v.Title, URI: dataURI("image/svg+xml", svg)}
	return nil
}

// addProfile adds the profile's rows, slowest first.
func (p *page) addProfile(ops []sim.OpProfile) {
	var total time.Duration
	for _, o := range ops {
		total += o.Total
	}
	if len(ops) > 0 {
		p.ProfileOf = fmt.Sprintf("%d ops, %.3f ms in all", len(ops), float64(total)/1e6)
	}
	for _, o := range ops {
		mean := 0.0
		if o.Calls > 0 {
			mean = float64(o.Total) / float64(o.Calls) / 1e3
		}
		p.Profile = append(p.Profile, profileRow{Node: o.Node, Op: o.Op, Calls: fmt.Sprint(o.Calls),
			TotalMs: fmt.Sprintf("%.3f", float64(o.Total)/1e6), Share: fmt.Sprintf("%.1f %%", 100*o.Share),
			MeanUs: fmt.Sprintf("%.2f", mean)})
	}
}

func dataURI(mime string, data []byte) template.URL {
	// The bytes are base64: the URI holds no character that could end
	// the attribute, so it is safe to mark as a URL.
	return template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data))
}

var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { padding: 0.2em 0.8em; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
figure.half { display: inline-block; width: 48%; margin-right: 1%; vertical-align: top; }
figure img { max-width: 100%; border: 1px solid #ddd; }
pre { font-size: 0.8em; overflow-x: auto; background: #f8f8f8; padding: 0.5em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<h2 id="parameters">Parameters</h2>
<table>{{range .Params}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}</table>
<h2 id="statistics">Summary statistics</h2>
<table>{{range .Stats}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}</table>
<h2 id="figures">Figures</h2>
{{range .Images}}<figure{{if .Half}} class="half"{{end}}><img src="{{.URI}}" alt="{{.Alt}}"><figcaption>{{.Title}}{{if .Caption}}: {{.Caption}}{{end}}</figcaption></figure>
{{end}}
<h2 id="graph">Graph</h2>
{{if .Graph}}<figure><img src="{{.Graph.URI}}" alt="{{.Graph.Alt}}"><figcaption>{{.Graph.Title}}</figcaption></figure>
{{else if .GraphText}}<p>{{.GraphNote}}</p>
<pre>{{.GraphText}}</pre>
{{else}}<p>No graph.</p>
{{end}}
<h2 id="profile">Profile</h2>
{{if .Profile}}<p>Time per op summed over the run ({{.ProfileOf}}), slowest first.</p>
<table>
<tr><th>node</th><th>op</th><th>calls</th><th>total (ms)</th><th>share</th><th>mean (µs)</th></tr>
{{range .Profile}}<tr><td>{{.Node}}</td><td>{{.Op}}</td><td class="num">{{.Calls}}</td><td class="num">{{.TotalMs}}</td><td class="num">{{.Share}}</td><td class="num">{{.MeanUs}}</td></tr>
{{end}}</table>
{{else}}<p>No profile.</p>
{{end}}
</body>
</html>
`))
