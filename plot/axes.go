package plot

import (
	"image/color"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// plainTicks are gonum/plot's default ticks labelled in the shortest plain
// form: "25", "-60", "0.5", never "25.00" (which the default gives for
// some ranges) nor float noise such as "0.30000000000000004" (a label has
// at most 12 significant digits; a tick within 1e-9 of the axis's span
// from zero reads "0").
type plainTicks struct{}

// Ticks implements gonum/plot's plot.Ticker.
func (plainTicks) Ticks(min, max float64) []gplot.Tick {
	ticks := gplot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = tickLabel(ticks[i].Value, max-min)
		}
	}
	return ticks
}

// tickLabel is the plain label of a tick at v on an axis spanning span.
func tickLabel(v, span float64) string {
	if math.Abs(v) <= 1e-9*math.Abs(span) {
		return "0"
	}
	return strconv.FormatFloat(v, 'g', 12, 64)
}

// Window marks a time window on a trace or raster, such as a stimulus:
// two dashed grey lines at its ends, and the x axis's label says what
// they mark ("time (ms); dashed: input: I = 7, 200 to 700 ms").
type Window struct {
	StartMs, EndMs float64 // finite, StartMs <= EndMs
	Label          string  // what acts in the window, e.g. "input: I = 7"; empty for "window"
}

// windowColor is the colour of a window's marks.
var windowColor = color.NRGBA{R: 0x70, G: 0x70, B: 0x70, A: 255}

// XLabel returns the x axis label of a plot with the window w (nil for
// none): "time (ms)", and what the dashed lines mark.
func (w *Window) XLabel() string {
	if w == nil {
		return "time (ms)"
	}
	what := w.Label
	if what == "" {
		what = "window"
	}
	return "time (ms); dashed: " + what + ", " + tickLabel(w.StartMs, 0) + " to " + tickLabel(w.EndMs, 0) + " ms"
}

// markWindow adds w's lines to p over the y range [ylo, yhi] and sets the
// x label; a nil w adds nothing.
func markWindow(p *gplot.Plot, w *Window, ylo, yhi float64) error {
	if w == nil {
		return nil
	}
	lines, err := w.lines(ylo, yhi)
	if err != nil {
		return err
	}
	for _, l := range lines {
		p.Add(l)
	}
	p.X.Label.Text = w.XLabel()
	return nil
}

// lines returns w's two dashed lines over [ylo, yhi].
func (w *Window) lines(ylo, yhi float64) ([]*plotter.Line, error) {
	var out []*plotter.Line
	for _, t := range []float64{w.StartMs, w.EndMs} {
		l, err := plotter.NewLine(plotter.XYs{{X: t, Y: ylo}, {X: t, Y: yhi}})
		if err != nil {
			return nil, err
		}
		l.Color = windowColor
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		out = append(out, l)
	}
	return out, nil
}

// validateWindow checks w (nil is valid).
func validateWindow(what string, w *Window) error {
	if w == nil {
		return nil
	}
	if math.IsNaN(w.StartMs) || math.IsInf(w.StartMs, 0) || math.IsNaN(w.EndMs) || math.IsInf(w.EndMs, 0) || w.EndMs < w.StartMs {
		return &windowError{what: what, w: *w}
	}
	return nil
}

type windowError struct {
	what string
	w    Window
}

func (e *windowError) Error() string {
	return "plot: " + e.what + ": window [" + strconv.FormatFloat(e.w.StartMs, 'g', -1, 64) + ", " +
		strconv.FormatFloat(e.w.EndMs, 'g', -1, 64) + "] ms, want finite ends in order"
}

// rankTicks label a raster's rows by rank within their population: rows
// [0, nInh) are the inhibitory neurons by rank, rows [nInh, n) the
// excitatory ones, so the tick at row nInh + r reads r; each population's
// first tick reads "inh 0" or "exc 0", and a tick closer than 1/20 of the
// axis to the next population's first is left out.
type rankTicks struct{ nInh, n int }

// Ticks implements gonum/plot's plot.Ticker.
func (r rankTicks) Ticks(min, max float64) []gplot.Tick {
	var out []gplot.Tick
	gap := (max - min) / 20
	add := func(lo, hi int, name string, next float64) {
		if hi <= lo {
			return
		}
		for _, t := range (plainTicks{}).Ticks(0, float64(hi-lo)) {
			y := t.Value + float64(lo)
			if t.Value < 0 || t.Value >= float64(hi-lo) || y < min || y > max || (t.Label != "" && t.Value > 0 && next-y < gap) {
				continue
			}
			if t.Value == 0 {
				t.Label = name + " 0"
			}
			out = append(out, gplot.Tick{Value: y, Label: t.Label})
		}
	}
	add(0, r.nInh, "inh", float64(r.nInh))
	add(r.nInh, r.n, "exc", math.Inf(1))
	return out
}
