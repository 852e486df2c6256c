package plot

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"os"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

const (
	// WidthInches is the width of every figure, in inches.
	WidthInches = 8
	// HeightInches is the height of every figure, in inches.
	HeightInches = 4
	// DPI is the resolution of every figure, in pixels per inch, so a
	// figure is 768 × 384 pixels.
	DPI = vgimg.DefaultDPI

	// SamplesPerColumn is the number of samples per pixel column of the
	// plot area (about 700 columns) above which TracePNG decimates a trace
	// to the minimum and maximum per column. The rasterizer's cost grows
	// with the square of the area that a line zigzags over, so a noisy
	// trace drawn sample by sample takes seconds from a few thousand samples
	// on (18 s at 20,000); decimated, any trace takes well under a second.
	SamplesPerColumn = 2
	// MaxRasterEvents is the number of events above which RasterPNG draws
	// a binned raster instead of one dot per spike.
	MaxRasterEvents = 50000
)

// Colours of the two populations, as in the seed notebook.
var (
	inhColor = color.NRGBA{R: 255, A: 255}
	excColor = color.NRGBA{A: 255}
)

// Trace is a voltage trace of one neuron.
type Trace struct {
	// Title is drawn above the plot; empty for none.
	Title string
	// TMs are the sample times in ms: finite and non-decreasing, at least
	// one.
	TMs []float64
	// V are the values at TMs (membrane voltage in mV by default): finite,
	// as many as TMs.
	V []float64
	// YLabel labels the y axis; empty means "v (mV)".
	YLabel string
	// Window, when not nil, is marked on the plot (the stimulus).
	Window *Window
}

// Event is one spike.
type Event struct {
	// TMs is the spike time in ms, in [0, Raster.DurationMs].
	TMs float64
	// Neuron is the index of the neuron that spiked, in [0, Raster.N).
	Neuron int
}

// Raster is the spikes of a population of N neurons.
type Raster struct {
	// Title is drawn above the plot; empty for none.
	Title string
	// DurationMs is the simulated time in ms: finite and > 0. The x axis
	// spans [0, DurationMs].
	DurationMs float64
	// N is the number of neurons, ≥ 1. The y axis spans [0, N].
	N int
	// Inh marks inhibitory neurons (true) and excitatory ones (false);
	// len(Inh) == N.
	Inh []bool
	// Events are the spikes, in any order; may be empty.
	Events []Event
	// Window, when not nil, is marked on the plot (the stimulus).
	Window *Window
}

// figure is a plot bound to a canvas of the standard size.
type figure struct {
	p      *gplot.Plot
	canvas vgimg.PngCanvas
	dc     draw.Canvas
}

// newFigure returns an empty plot with the given labels and axis ranges and
// its canvas.
func newFigure(title, xLabel, yLabel string, xmin, xmax, ymin, ymax float64) figure {
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = ymin, ymax
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	c := vgimg.NewWith(vgimg.UseWH(WidthInches*vg.Inch, HeightInches*vg.Inch), vgimg.UseDPI(DPI))
	return figure{p: p, canvas: vgimg.PngCanvas{Canvas: c}, dc: draw.New(c)}
}

// dataPixels returns the size of the plot area in pixels, at least 1×1.
// Plotters without glyph boxes do not change it, so it may be called
// before they are added. It fixes the axis ranges (equal bounds are
// widened by gonum/plot as it would when drawing).
func (f figure) dataPixels() (w, h int) {
	da := f.p.DataCanvas(f.dc)
	size := da.Size()
	w = int(math.Round(size.X.Dots(DPI)))
	h = int(math.Round(size.Y.Dots(DPI)))
	return max(w, 1), max(h, 1)
}

// write draws the plot and writes the PNG to w.
func (f figure) write(w io.Writer, what string) error {
	f.p.Draw(f.dc)
	if _, err := f.canvas.WriteTo(w); err != nil {
		return fmt.Errorf("plot: write %s: %w", what, err)
	}
	return nil
}

// save renders with render (which must not write before it has rendered)
// and writes the result to a new file at path.
func save(path string, render func() (figure, error), what string) error {
	f, err := render()
	if err != nil {
		return err
	}
	f.p.Draw(f.dc)
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plot: save %s: %w", what, err)
	}
	if _, err := f.canvas.WriteTo(out); err != nil {
		_ = out.Close()
		return fmt.Errorf("plot: save %s to %s: %w", what, path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("plot: save %s to %s: %w", what, path, err)
	}
	return nil
}

// validate checks tr and returns the range of its values.
func (tr Trace) validate() (vmin, vmax float64, err error) {
	if len(tr.TMs) == 0 {
		return 0, 0, fmt.Errorf("plot: trace %q: no samples", tr.Title)
	}
	if len(tr.V) != len(tr.TMs) {
		return 0, 0, fmt.Errorf("plot: trace %q: %d values for %d times", tr.Title, len(tr.V), len(tr.TMs))
	}
	if err := validateWindow(fmt.Sprintf("trace %q", tr.Title), tr.Window); err != nil {
		return 0, 0, err
	}
	vmin, vmax = math.Inf(1), math.Inf(-1)
	for i, t := range tr.TMs {
		v := tr.V[i]
		switch {
		case math.IsNaN(t) || math.IsInf(t, 0):
			return 0, 0, fmt.Errorf("plot: trace %q: time %d is %v", tr.Title, i, t)
		case math.IsNaN(v) || math.IsInf(v, 0):
			return 0, 0, fmt.Errorf("plot: trace %q: value %d is %v", tr.Title, i, v)
		case i > 0 && t < tr.TMs[i-1]:
			return 0, 0, fmt.Errorf("plot: trace %q: time %d (%v) is before time %d (%v)", tr.Title, i, t, i-1, tr.TMs[i-1])
		}
		vmin, vmax = math.Min(vmin, v), math.Max(vmax, v)
	}
	return vmin, vmax, nil
}

// renderTrace validates tr and lays out its figure.
func renderTrace(tr Trace) (figure, error) {
	vmin, vmax, err := tr.validate()
	if err != nil {
		return figure{}, err
	}
	ylabel := tr.YLabel
	if ylabel == "" {
		ylabel = "v (mV)"
	}
	t0, t1 := tr.TMs[0], tr.TMs[len(tr.TMs)-1]
	f := newFigure(tr.Title, "time (ms)", ylabel, t0, t1, vmin, vmax)
	if err := markWindow(f.p, tr.Window, vmin, vmax); err != nil {
		return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
	}
	if cols, _ := f.dataPixels(); len(tr.TMs) > SamplesPerColumn*cols {
		ps, err := envelopePlotters(envelope(tr.TMs, tr.V, cols))
		if err != nil {
			return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
		}
		f.p.Add(ps...)
		return f, nil
	}
	pts := make(plotter.XYs, len(tr.TMs))
	for i := range pts {
		pts[i] = plotter.XY{X: tr.TMs[i], Y: tr.V[i]}
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
	}
	f.p.Add(line)
	return f, nil
}

// column is the range of a trace's values within one pixel column.
type column struct {
	t      float64 // time in ms at which the column is drawn
	lo, hi float64 // least and greatest value in the column
}

// envelope splits the time range of ts into cols equal columns and returns
// the range of vs in each column that holds samples, in time order. The
// first column is placed at the first time and the last at the last time.
// ts must be sorted and not empty; cols must be at least 1.
func envelope(ts, vs []float64, cols int) []column {
	e := newEnvelope(ts[0], ts[len(ts)-1], cols)
	for i, t := range ts {
		e.add(t, vs[i])
	}
	return e.columns()
}

// envelopeBuilder is envelope one sample at a time, for samples that do
// not fit in memory: its memory is one column per pixel column.
type envelopeBuilder struct {
	t0, t1, span float64
	cols         int
	out          []column
	cur          int
}

// newEnvelope returns the builder of the envelope of samples from time t0
// to t1 (>= t0) in cols (>= 1) columns.
func newEnvelope(t0, t1 float64, cols int) *envelopeBuilder {
	return &envelopeBuilder{t0: t0, t1: t1, span: t1 - t0, cols: cols, out: make([]column, 0, cols), cur: -1}
}

// add adds the sample (t, v); samples come in time order.
func (e *envelopeBuilder) add(t, v float64) {
	c := 0
	if e.span > 0 {
		c = min(int((t-e.t0)/e.span*float64(e.cols)), e.cols-1)
	}
	if c != e.cur {
		e.cur = c
		e.out = append(e.out, column{t: e.t0 + (float64(c)+0.5)/float64(e.cols)*e.span, lo: v, hi: v})
		return
	}
	col := &e.out[len(e.out)-1]
	col.lo, col.hi = math.Min(col.lo, v), math.Max(col.hi, v)
}

// columns returns the columns, the first placed at t0 and the last at
// t1; at least one sample must have been added.
func (e *envelopeBuilder) columns() []column {
	e.out[0].t, e.out[len(e.out)-1].t = e.t0, e.t1
	return e.out
}

// envelopePlotters draws the envelope as a band filled between the least
// and greatest values, outlined by both. A band, unlike a line through
// every minimum and maximum, costs the rasterizer little where the trace
// oscillates within every column.
func envelopePlotters(cols []column) ([]gplot.Plotter, error) {
	upper := make(plotter.XYs, len(cols))
	lower := make(plotter.XYs, len(cols))
	ring := make(plotter.XYs, 0, 2*len(cols))
	for i, c := range cols {
		upper[i] = plotter.XY{X: c.t, Y: c.hi}
		lower[i] = plotter.XY{X: c.t, Y: c.lo}
	}
	ring = append(ring, upper...)
	for i := len(lower) - 1; i >= 0; i-- {
		ring = append(ring, lower[i])
	}
	band, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil, err
	}
	band.Color = color.Black
	band.LineStyle.Width = 0
	hi, err := plotter.NewLine(upper)
	if err != nil {
		return nil, err
	}
	lo, err := plotter.NewLine(lower)
	if err != nil {
		return nil, err
	}
	return []gplot.Plotter{band, hi, lo}, nil
}

// TracePNG draws tr as a line plot (x "time (ms)", y tr.YLabel) and writes
// it to w as a PNG of WidthInches × HeightInches at DPI.
func TracePNG(w io.Writer, tr Trace) error {
	f, err := renderTrace(tr)
	if err != nil {
		return err
	}
	return f.write(w, "trace")
}

// SaveTracePNG is TracePNG into a new file at path, created only after tr
// is validated and drawn.
func SaveTracePNG(path string, tr Trace) error {
	return save(path, func() (figure, error) { return renderTrace(tr) }, "trace")
}

// validate checks r.
func (r Raster) validate() error {
	if err := r.validateLayout(); err != nil {
		return err
	}
	for i, e := range r.Events {
		if err := r.checkEvent(i, e); err != nil {
			return err
		}
	}
	return nil
}

// validateLayout checks r's fields other than Events.
func (r Raster) validateLayout() error {
	switch {
	case r.N < 1:
		return fmt.Errorf("plot: raster %q: N = %d, want ≥ 1", r.Title, r.N)
	case len(r.Inh) != r.N:
		return fmt.Errorf("plot: raster %q: len(Inh) = %d, want N = %d", r.Title, len(r.Inh), r.N)
	case math.IsNaN(r.DurationMs) || math.IsInf(r.DurationMs, 0) || r.DurationMs <= 0:
		return fmt.Errorf("plot: raster %q: DurationMs = %v, want finite and > 0", r.Title, r.DurationMs)
	}
	return validateWindow(fmt.Sprintf("raster %q", r.Title), r.Window)
}

// checkEvent checks event i, e, against r's layout.
func (r Raster) checkEvent(i int, e Event) error {
	if e.Neuron < 0 || e.Neuron >= r.N {
		return fmt.Errorf("plot: raster %q: event %d: neuron %d outside [0, %d)", r.Title, i, e.Neuron, r.N)
	}
	if !(e.TMs >= 0 && e.TMs <= r.DurationMs) { // also rejects NaN
		return fmt.Errorf("plot: raster %q: event %d: time %v ms outside [0, %v]", r.Title, i, e.TMs, r.DurationMs)
	}
	return nil
}

// RasterYLabelIDs and RasterYLabelRanks are a raster's y labels: a
// population without inhibitory neurons is drawn by neuron id, the ids of
// spikes.csv; one with inhibitory neurons by rank within each population
// (the i-th inhibitory neuron by id on row i, the i-th excitatory one on
// row nInh + i), inhibitory (red) below and excitatory above, the ticks
// counting each population from 0 ("inh 0", "exc 0") and a grey line
// between the two.
const (
	RasterYLabelIDs   = "neuron (id, as in spikes.csv)"
	RasterYLabelRanks = "neuron: rank in its population"
)

// rasterFigure lays out the empty figure of r: axes, labels, ticks, the
// line between the populations and r's window.
func rasterFigure(r Raster) (figure, error) {
	nInh := 0
	for _, b := range r.Inh {
		if b {
			nInh++
		}
	}
	label := RasterYLabelIDs
	if nInh > 0 {
		label = RasterYLabelRanks
	}
	f := newFigure(r.Title, "time (ms)", label, 0, r.DurationMs, 0, float64(r.N))
	if nInh > 0 {
		f.p.Y.Tick.Marker = rankTicks{nInh: nInh, n: r.N}
		if nInh < r.N {
			l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: float64(nInh)}, {X: r.DurationMs, Y: float64(nInh)}})
			if err != nil {
				return figure{}, fmt.Errorf("plot: raster %q: %w", r.Title, err)
			}
			l.Color = windowColor
			f.p.Add(l)
		}
	}
	if err := markWindow(f.p, r.Window, 0, float64(r.N)); err != nil {
		return figure{}, fmt.Errorf("plot: raster %q: %w", r.Title, err)
	}
	return f, nil
}

// rows returns each neuron's raster row: inhibitory neurons first by rank,
// then excitatory neurons by rank.
func rows(inh []bool) []int {
	nInh := 0
	for _, b := range inh {
		if b {
			nInh++
		}
	}
	row := make([]int, len(inh))
	ri, re := 0, nInh
	for i, b := range inh {
		if b {
			row[i], ri = ri, ri+1
		} else {
			row[i], re = re, re+1
		}
	}
	return row
}

// renderRaster validates r and lays out its figure.
func renderRaster(r Raster) (figure, error) {
	if err := r.validate(); err != nil {
		return figure{}, err
	}
	f, err := rasterFigure(r)
	if err != nil {
		return figure{}, err
	}
	row := rows(r.Inh)
	if len(r.Events) > MaxRasterEvents {
		b := newBinner(f, r, row)
		for _, e := range r.Events {
			b.add(e)
		}
		b.draw(len(r.Events))
		return f, nil
	}
	if err := scatter(f, r, row, r.Events); err != nil {
		return figure{}, err
	}
	return f, nil
}

// scatter adds to f one dot per event, in the order of events.
func scatter(f figure, r Raster, row []int, events []Event) error {
	var inh, exc plotter.XYs
	for _, e := range events {
		xy := plotter.XY{X: e.TMs, Y: float64(row[e.Neuron])}
		if r.Inh[e.Neuron] {
			inh = append(inh, xy)
		} else {
			exc = append(exc, xy)
		}
	}
	for _, set := range []struct {
		xys plotter.XYs
		c   color.Color
	}{{inh, inhColor}, {exc, excColor}} {
		if len(set.xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(set.xys)
		if err != nil {
			return fmt.Errorf("plot: raster %q: %w", r.Title, err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: set.c, Radius: vg.Points(0.75), Shape: draw.BoxGlyph{}}
		f.p.Add(s)
	}
	// Add widens the axes by the dots' extent; keep the notebook's ranges.
	f.p.X.Min, f.p.X.Max = 0, r.DurationMs
	f.p.Y.Min, f.p.Y.Max = 0, float64(r.N)
	return nil
}

// binner counts a raster's events in bins of one pixel of the plot area
// in time and at least one neuron row: its memory is two counts per bin,
// whatever the number of events.
type binner struct {
	f          figure
	r          Raster // the layout (its Events are not used)
	row        []int
	cols       int
	nrows      int
	nInh, nExc []int
}

// newBinner marks f's title as binned (it changes the plot area's height,
// so it is set, on one line, before the bins are laid out) and returns
// empty bins over its plot area.
func newBinner(f figure, r Raster, row []int) *binner {
	f.p.Title.Text = r.Title + " (binned)"
	cols, h := f.dataPixels()
	nrows := min(h, r.N)
	return &binner{f: f, r: r, row: row, cols: cols, nrows: nrows, nInh: make([]int, cols*nrows), nExc: make([]int, cols*nrows)}
}

// add counts the event e (checked against the layout).
func (b *binner) add(e Event) {
	c := min(int(e.TMs/b.r.DurationMs*float64(b.cols)), b.cols-1)
	y := b.row[e.Neuron] * b.nrows / b.r.N
	k := (b.nrows-1-y)*b.cols + c // image rows run top down
	if b.r.Inh[e.Neuron] {
		b.nInh[k]++
	} else {
		b.nExc[k]++
	}
}

// draw adds the bins to the figure as an image and puts the number of
// events, total, and the bin size into the title.
func (b *binner) draw(total int) {
	var most int
	for k := range b.nInh {
		most = max(most, b.nInh[k]+b.nExc[k])
	}
	img := image.NewNRGBA(image.Rect(0, 0, b.cols, b.nrows))
	for k := range b.nInh {
		n := b.nInh[k] + b.nExc[k]
		if n == 0 {
			continue
		}
		// Strength from 0.4 (one spike) to 1 (the fullest bin), log scale.
		s := 1.0
		if most > 1 {
			s = 0.4 + 0.6*math.Log(float64(n))/math.Log(float64(most))
		}
		fade := uint8(math.Round(255 * (1 - math.Min(s, 1))))
		c := color.NRGBA{R: fade, G: fade, B: fade, A: 255}
		if b.nInh[k] >= b.nExc[k] {
			c.R = 255
		}
		img.Pix[4*k], img.Pix[4*k+1], img.Pix[4*k+2], img.Pix[4*k+3] = c.R, c.G, c.B, c.A
	}
	r := b.r
	b.f.p.Add(plotter.NewImage(img, 0, 0, r.DurationMs, float64(r.N)))
	b.f.p.Title.Text = strings.TrimSpace(fmt.Sprintf("%s (binned: %d spikes, bins of %.3g ms × %.3g neurons)",
		r.Title, total, r.DurationMs/float64(b.cols), float64(r.N)/float64(b.nrows)))
}

// RasterPNG draws r as a spike raster (inhibitory spikes red on the bottom
// rows, excitatory spikes black above them) and writes it to w as a PNG of
// WidthInches × HeightInches at DPI. Above MaxRasterEvents events it draws
// a binned raster and says so in the title.
func RasterPNG(w io.Writer, r Raster) error {
	f, err := renderRaster(r)
	if err != nil {
		return err
	}
	return f.write(w, "raster")
}

// SaveRasterPNG is RasterPNG into a new file at path, created only after r
// is validated and drawn.
func SaveRasterPNG(path string, r Raster) error {
	return save(path, func() (figure, error) { return renderRaster(r) }, "raster")
}
