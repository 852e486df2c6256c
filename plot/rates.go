package plot

import (
	"fmt"
	"io"
	"iter"
	"math"

	"gonum.org/v1/plot/plotter"
)

// PopulationRate is a population's firing rate over time.
type PopulationRate struct {
	// Title is drawn above the plot; empty for none.
	Title string
	// RateHz is the rate per bin in Hz per neuron: at least one bin,
	// finite and >= 0. Bin i covers [i·BinMs, (i+1)·BinMs).
	RateHz []float64
	// BinMs is the width of a bin in ms: finite and > 0.
	BinMs float64
}

// PopulationRatePNG draws r as a step line (each bin's rate over its
// width), time in ms on x from 0 to the end of the last bin, the rate in
// Hz on y from 0. Above SamplesPerColumn bins per pixel column it draws
// the rate decimated to each column's minimum and maximum, as TracePNG
// draws a long trace.
func PopulationRatePNG(w io.Writer, r PopulationRate) error {
	if len(r.RateHz) == 0 || !(r.BinMs > 0) || math.IsInf(r.BinMs, 0) {
		return fmt.Errorf("plot: population rate %q: %d bins of %v ms, want >= 1 bin of a positive width", r.Title, len(r.RateHz), r.BinMs)
	}
	top := 0.0
	for i, x := range r.RateHz {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return fmt.Errorf("plot: population rate %q: bin %d is %v, want finite and >= 0", r.Title, i, x)
		}
		top = max(top, x)
	}
	if top == 0 {
		top = 1 // a silent population: an axis from 0 to 1 Hz
	}
	end := float64(len(r.RateHz)) * r.BinMs
	f := newFigure(r.Title, "time (ms)", "rate (Hz per neuron)", 0, end, 0, top*1.05)
	ts := make([]float64, 0, 2*len(r.RateHz))
	vs := make([]float64, 0, 2*len(r.RateHz))
	for i, x := range r.RateHz {
		ts = append(ts, float64(i)*r.BinMs, float64(i+1)*r.BinMs)
		vs = append(vs, x, x)
	}
	if cols, _ := f.dataPixels(); len(ts) > SamplesPerColumn*cols {
		ps, err := envelopePlotters(envelope(ts, vs, cols))
		if err != nil {
			return fmt.Errorf("plot: population rate %q: %w", r.Title, err)
		}
		f.p.Add(ps...)
	} else {
		pts := make(plotter.XYs, len(ts))
		for i := range pts {
			pts[i] = plotter.XY{X: ts[i], Y: vs[i]}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("plot: population rate %q: %w", r.Title, err)
		}
		f.p.Add(line)
	}
	return f.write(w, "population rate")
}

// RateHistogram is the distribution of the neurons' rates in a population.
type RateHistogram struct {
	// Title is drawn above the plot; empty for none.
	Title string
	// RatesHz are the neurons' rates in Hz: at least one, finite and >= 0.
	RatesHz []float64
	// Bins is the number of bins, >= 1; 0 means 20.
	Bins int
	// Inh draws the bars in the inhibitory population's red instead of
	// the excitatory black.
	Inh bool
}

// RateHistogramPNG draws h as a histogram: rate in Hz on x, the number of
// neurons per bin on y, Bins bins of equal width over [0, the largest
// rate] (over [0, 1] when every rate is 0).
func RateHistogramPNG(w io.Writer, h RateHistogram) error {
	bins := h.Bins
	if bins == 0 {
		bins = 20
	}
	if len(h.RatesHz) == 0 || bins < 1 {
		return fmt.Errorf("plot: rate histogram %q: %d rates in %d bins, want >= 1 of each", h.Title, len(h.RatesHz), h.Bins)
	}
	for i, x := range h.RatesHz {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return fmt.Errorf("plot: rate histogram %q: rate %d is %v, want finite and >= 0", h.Title, i, x)
		}
	}
	counts, width := histogram(h.RatesHz, bins)
	top := width * float64(bins)
	most := 0.0
	for _, c := range counts {
		most = max(most, c)
	}
	f := newFigure(h.Title, "rate (Hz)", "neurons", 0, top, 0, most*1.05)
	bars := make(plotter.XYs, bins)
	for i, c := range counts {
		bars[i] = plotter.XY{X: (float64(i) + 0.5) * width, Y: c}
	}
	hist, err := plotter.NewHistogram(bars, bins)
	if err != nil {
		return fmt.Errorf("plot: rate histogram %q: %w", h.Title, err)
	}
	hist.FillColor = excColor
	if h.Inh {
		hist.FillColor = inhColor
	}
	hist.LineStyle.Width = 0
	f.p.Add(hist)
	return f.write(w, "rate histogram")
}

// histogram counts xs (finite, >= 0) in bins of equal width over [0, the
// largest x] ([0, 1] when all are 0); the largest x falls in the last bin.
func histogram(xs []float64, bins int) (counts []float64, width float64) {
	top := 0.0
	for _, x := range xs {
		top = max(top, x)
	}
	if top == 0 {
		top = 1
	}
	width = top / float64(bins)
	counts = make([]float64, bins)
	for _, x := range xs {
		counts[min(int(x/width), bins-1)]++
	}
	return counts, width
}

// CSVEvents returns the spikes of a spikes CSV file (header t_ms,neuron,
// as sim.CSVSpikeSink writes it) one by one, each time taken as the
// sample time k·dtMs nearest to it when dtMs > 0, as RasterPNGFromCSV
// reads them. The file is read once, through a buffer; a malformed row
// ends the sequence with an error naming its line.
func CSVEvents(spikes io.Reader, dtMs float64) iter.Seq2[Event, error] {
	return csvEvents(spikes, dtMs)
}
