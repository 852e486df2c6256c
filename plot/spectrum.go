package plot

import (
	"fmt"
	"io"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Spectrum is a population's rate over time and its power spectrum, drawn
// one above the other.
type Spectrum struct {
	// Title is drawn above the top plot; empty for none.
	Title string
	// RateHz is the population rate per bin of BinMs, at least two bins;
	// finite and >= 0. Bin i is drawn at (i + 0.5)·BinMs.
	RateHz []float64
	// BinMs is the width of a rate bin in ms: finite and > 0.
	BinMs float64
	// FreqHz and Power are the spectrum (power density, (Hz)²/Hz): finite,
	// Power >= 0, as many of each, FreqHz increasing.
	FreqHz, Power []float64
	// MaxFreqHz is the largest frequency shown; 0 means 100 Hz.
	MaxFreqHz float64
}

func (s Spectrum) validate() error {
	if len(s.RateHz) < 2 || !(s.BinMs > 0) || math.IsInf(s.BinMs, 0) {
		return fmt.Errorf("plot: spectrum %q: %d rate bins of %v ms, want >= 2 bins of a positive width", s.Title, len(s.RateHz), s.BinMs)
	}
	for i, r := range s.RateHz {
		if math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
			return fmt.Errorf("plot: spectrum %q: rate bin %d is %v", s.Title, i, r)
		}
	}
	if len(s.FreqHz) < 2 || len(s.FreqHz) != len(s.Power) {
		return fmt.Errorf("plot: spectrum %q: %d frequencies and %d powers, want >= 2 and equal", s.Title, len(s.FreqHz), len(s.Power))
	}
	for i := range s.FreqHz {
		if math.IsNaN(s.FreqHz[i]) || math.IsInf(s.FreqHz[i], 0) || math.IsNaN(s.Power[i]) || math.IsInf(s.Power[i], 0) || s.Power[i] < 0 {
			return fmt.Errorf("plot: spectrum %q: bin %d (%v Hz, power %v) is not finite and >= 0", s.Title, i, s.FreqHz[i], s.Power[i])
		}
		if i > 0 && s.FreqHz[i] <= s.FreqHz[i-1] {
			return fmt.Errorf("plot: spectrum %q: frequencies do not increase at bin %d", s.Title, i)
		}
	}
	if math.IsNaN(s.MaxFreqHz) || s.MaxFreqHz < 0 || math.IsInf(s.MaxFreqHz, 0) {
		return fmt.Errorf("plot: spectrum %q: MaxFreqHz = %v", s.Title, s.MaxFreqHz)
	}
	return nil
}

// SpectrumPNG draws s (rate on top, spectrum on a log scale below) as a PNG
// of WidthInches by 2*HeightInches. Above SamplesPerColumn rate bins per
// pixel column it draws the rate decimated, as TracePNG draws a trace.
func SpectrumPNG(w io.Writer, s Spectrum) error {
	if err := s.validate(); err != nil {
		return err
	}
	maxF := s.MaxFreqHz
	if maxF == 0 {
		maxF = 100
	}
	top := gplot.New()
	top.Title.Text = s.Title
	top.X.Tick.Marker, top.Y.Tick.Marker = plainTicks{}, plainTicks{}
	top.X.Label.Text = "t (ms)"
	top.Y.Label.Text = "population rate (Hz)"

	bottom := gplot.New()
	bottom.X.Tick.Marker, bottom.Y.Tick.Marker = plainTicks{}, plainTicks{}
	bottom.X.Label.Text = "frequency (Hz)"
	bottom.Y.Label.Text = "power density ((Hz)²/Hz)"
	bottom.Y.Scale = gplot.LogScale{}
	bottom.Y.Tick.Marker = gplot.LogTicks{Prec: -1}
	var pts plotter.XYs
	pmin := math.Inf(1)
	for i, f := range s.FreqHz {
		if f <= 0 || f > maxF || s.Power[i] <= 0 {
			continue // a log axis cannot show 0; the mean was removed at 0 Hz
		}
		pts = append(pts, plotter.XY{X: f, Y: s.Power[i]})
		pmin = math.Min(pmin, s.Power[i])
	}
	if len(pts) < 2 {
		return fmt.Errorf("plot: spectrum %q: fewer than two positive powers below %v Hz", s.Title, maxF)
	}
	ls, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("plot: spectrum: %w", err)
	}
	bottom.Add(ls)
	bottom.X.Min, bottom.X.Max = 0, maxF
	bottom.Y.Min = pmin

	c := vgimg.NewWith(vgimg.UseWH(WidthInches*vg.Inch, 2*HeightInches*vg.Inch), vgimg.UseDPI(DPI))
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(8), PadY: vg.Points(12)}
	plots := [][]*gplot.Plot{{top}, {bottom}}
	if err := addRate(top, s, plots, tiles, dc); err != nil {
		return err
	}
	canvases := gplot.Align(plots, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
		return fmt.Errorf("plot: write spectrum: %w", err)
	}
	return nil
}

// addRate adds the rate to top: a line through every bin or, above
// SamplesPerColumn bins per pixel column of top's plot area (laid out
// with the rate's ranges, before the line is added), the band between
// each column's least and greatest rate, as TracePNG decimates a trace.
// So a long run's rate draws in time and memory bounded by the figure's
// width, and a short one as a line.
func addRate(top *gplot.Plot, s Spectrum, plots [][]*gplot.Plot, tiles draw.Tiles, dc draw.Canvas) error {
	t := func(i int) float64 { return (float64(i) + 0.5) * s.BinMs }
	// Add would set these ranges from the line's points; setting them
	// first lets Align lay out the plot area, and leaves the same ranges.
	top.X.Min, top.X.Max = t(0), t(len(s.RateHz)-1)
	top.Y.Min, top.Y.Max = math.Inf(1), math.Inf(-1)
	for _, r := range s.RateHz {
		top.Y.Min, top.Y.Max = math.Min(top.Y.Min, r), math.Max(top.Y.Max, r)
	}
	area := top.DataCanvas(gplot.Align(plots, tiles, dc)[0][0])
	if cols := max(int(math.Round(area.Size().X.Dots(DPI))), 1); len(s.RateHz) > SamplesPerColumn*cols {
		env := newEnvelope(t(0), t(len(s.RateHz)-1), cols)
		for i, r := range s.RateHz {
			env.add(t(i), r)
		}
		ps, err := envelopePlotters(env.columns())
		if err != nil {
			return fmt.Errorf("plot: spectrum: %w", err)
		}
		top.Add(ps...)
		return nil
	}
	rate := make(plotter.XYs, len(s.RateHz))
	for i, r := range s.RateHz {
		rate[i] = plotter.XY{X: t(i), Y: r}
	}
	lr, err := plotter.NewLine(rate)
	if err != nil {
		return fmt.Errorf("plot: spectrum: %w", err)
	}
	top.Add(lr)
	return nil
}
