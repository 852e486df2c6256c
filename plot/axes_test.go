package plot

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// plainLabel is a plain number: no trailing zeros after a decimal point,
// at most 12 significant digits ("-60", "0.5", "1000", "1e-05").
var plainLabel = regexp.MustCompile(`^-?[0-9]+(\.[0-9]*[1-9])?(e[-+][0-9]+)?$`)

// TestTickLabelsArePlain: over the ranges the figures use (v axes with
// and without a current band, rates, rasters, half-millisecond times),
// every label is a plain number equal to its tick's value to within
// 1e-9 of the span, with at most 12 significant digits.
func TestTickLabelsArePlain(t *testing.T) {
	for _, r := range [][2]float64{{-65, 30}, {-225, 35}, {-97.5, 32.5}, {0, 0.5}, {0.1, 0.7}, {0, 1}, {0, 50}, {0, 1000}, {0, 1e6}, {-1e-6, 3e-6}, {0, 20000}} {
		span := r[1] - r[0]
		for _, tk := range (plainTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			x, err := strconv.ParseFloat(tk.Label, 64)
			if !plainLabel.MatchString(tk.Label) || err != nil || math.Abs(x-tk.Value) > 1e-9*span {
				t.Errorf("range %v: tick %v labelled %q", r, tk.Value, tk.Label)
			}
			if d := strings.TrimLeft(strings.ReplaceAll(strings.Split(strings.TrimPrefix(tk.Label, "-"), "e")[0], ".", ""), "0"); len(d) > 12 {
				t.Errorf("range %v: %q has %d digits", r, tk.Label, len(d))
			}
		}
	}
	if got := tickLabel(5.551115123125783e-17, 1); got != "0" {
		t.Errorf("tickLabel of float noise at 0 = %q, want 0", got)
	}
	if got := tickLabel(0.30000000000000004, 1); got != "0.3" {
		t.Errorf("tickLabel(0.30000000000000004) = %q, want 0.3", got)
	}
}

// TestEveryFigureHasPlainTicksAndLabels: each figure's axes use the plain
// labels and say what they show.
func TestEveryFigureHasPlainTicksAndLabels(t *testing.T) {
	tr, err := renderTrace(Trace{TMs: []float64{0, 1, 2}, V: []float64{-65, -60, 30}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := renderRaster(Raster{DurationMs: 10, N: 3, Inh: []bool{false, false, false}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := renderGrid(Grid{Rows: 1, Cols: 1, WidthPx: 400, HeightPx: 300, Panels: []Panel{{TMs: []float64{0, 1}, V: []float64{-70, 30}, I: []float64{0, 10}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		p      *gplot.Plot
		xl, yl string
	}{{"trace", tr.p, "time (ms)", "v (mV)"}, {"raster", r.p, "time (ms)", RasterYLabelIDs}, {"grid", g.plots[0], "time (ms)", "v (mV)"}} {
		if _, ok := c.p.X.Tick.Marker.(plainTicks); !ok {
			t.Errorf("%s: x ticks %T", c.name, c.p.X.Tick.Marker)
		}
		if _, ok := c.p.Y.Tick.Marker.(plainTicks); !ok {
			t.Errorf("%s: y ticks %T", c.name, c.p.Y.Tick.Marker)
		}
		if c.p.X.Label.Text != c.xl || c.p.Y.Label.Text != c.yl {
			t.Errorf("%s: labels %q, %q; want %q, %q", c.name, c.p.X.Label.Text, c.p.Y.Label.Text, c.xl, c.yl)
		}
	}
}

// TestRasterYAxisSaysWhatItShows: a population without inhibitory
// neurons is drawn by id (row = id, as spikes.csv); with them, by rank
// within each population, the ticks counting each from 0.
func TestRasterYAxisSaysWhatItShows(t *testing.T) {
	inh := []bool{false, true, false, false, true, false, false, false, false, false}
	f, err := rasterFigure(Raster{DurationMs: 10, N: len(inh), Inh: inh})
	if err != nil {
		t.Fatal(err)
	}
	if f.p.Y.Label.Text != RasterYLabelRanks {
		t.Errorf("y label %q, want %q", f.p.Y.Label.Text, RasterYLabelRanks)
	}
	ticks := f.p.Y.Tick.Marker.Ticks(0, float64(len(inh)))
	labels := map[float64]string{}
	for _, tk := range ticks {
		labels[tk.Value] = tk.Label
	}
	if labels[0] != "inh 0" || labels[2] != "exc 0" {
		t.Errorf("ticks %v: want inh 0 at row 0 and exc 0 at row 2", ticks)
	}
	// Neuron 4 is the second inhibitory one (rank 1), neuron 9 the eighth
	// excitatory one (rank 7, row 2 + 7).
	row := rows(inh)
	if row[4] != 1 || row[9] != 9 || row[0] != 2 {
		t.Errorf("rows %v", row)
	}
	ids := make([]bool, 5)
	if row := rows(ids); row[3] != 3 {
		t.Errorf("rows without labels %v, want the ids", row)
	}
}

// TestCurrentHasItsOwnScale: a panel's current band carries a label with
// the current's range and unit.
func TestCurrentHasItsOwnScale(t *testing.T) {
	for _, c := range []struct {
		i    []float64
		unit string
		want string
	}{{[]float64{0, 14, 14}, "", "I: 0 to 14"}, {[]float64{7, 7}, "", "I = 7"}, {[]float64{-15, 0}, "pA", "I: -15 to 0 pA"}, {[]float64{0.24, 1.24}, "", "I: 0.24 to 1.24"}} {
		if got := CurrentScaleLabel(c.i, c.unit); got != c.want {
			t.Errorf("CurrentScaleLabel(%v, %q) = %q, want %q", c.i, c.unit, got, c.want)
		}
	}
	l, err := currentScale(Panel{TMs: []float64{3, 4}, I: []float64{0, 14}, IUnit: "pA"}, -80)
	if err != nil || len(l.Labels) != 1 || strings.TrimSpace(l.Labels[0]) != "I: 0 to 14 pA" || l.XYs[0].X != 3 || l.XYs[0].Y != -80 || l.TextStyle[0].Color != currentColor {
		t.Errorf("currentScale: %+v (%v), want I: 0 to 14 pA in the current's colour at (3, -80)", l, err)
	}
}

// TestWindowIsMarked: a stimulus window draws two dashed lines at its
// ends and the x label says what they mark.
func TestWindowIsMarked(t *testing.T) {
	w := &Window{StartMs: 200, EndMs: 700, Label: "input: I = 7"}
	f, err := renderTrace(Trace{TMs: []float64{0, 500, 1000}, V: []float64{-70, 30, -70}, Window: w})
	if err != nil {
		t.Fatal(err)
	}
	if want := "time (ms); dashed: input: I = 7, 200 to 700 ms"; f.p.X.Label.Text != want {
		t.Errorf("x label %q, want %q", f.p.X.Label.Text, want)
	}
	lines, err := w.lines(-70, 30)
	if err != nil || len(lines) != 2 {
		t.Fatalf("lines: %v, %v", lines, err)
	}
	for i, want := range []float64{200, 700} {
		if l := lines[i]; len(l.Dashes) == 0 || l.XYs[0] != (plotter.XY{X: want, Y: -70}) || l.XYs[1] != (plotter.XY{X: want, Y: 30}) {
			t.Errorf("line %d: %+v, want dashed at %v ms over the axis", i, l, want)
		}
	}
	if got := (*Window)(nil).XLabel(); got != "time (ms)" {
		t.Errorf("no window: x label %q", got)
	}
	if _, err := renderRaster(Raster{DurationMs: 10, N: 1, Inh: []bool{false}, Window: &Window{StartMs: 5, EndMs: 1}}); err == nil {
		t.Error("a window ending before it starts was accepted")
	}
}
