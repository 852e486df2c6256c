package plot

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The current band of a Panel: the current is drawn as a line scaled into a
// band BandHeightMv high on the voltage axis, as Izhikevich's figure program
// draws it (-90 + a step 10 mV high). The band's top is at BandTopMv, or
// BandGapMv below the panel's lowest voltage where the voltage goes lower,
// so that the two lines never overlap.
const (
	BandTopMv    = -80.0
	BandHeightMv = 10.0
	BandGapMv    = 5.0
	// VTopMv is the least upper end of a panel's voltage axis: the figure
	// program's axis runs to 30 mV, its spike cut-off.
	VTopMv = 30.0
	// MaxGridPx bounds a grid's width and height in pixels.
	MaxGridPx = 8000
)

// currentColor is the colour of the current line (v is drawn in black).
var currentColor = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xd0, A: 255}

// Panel is one tile of a Grid: a voltage trace drawn over its input current.
type Panel struct {
	// Title is drawn above the tile; empty for none.
	Title string
	// TMs are the sample times in ms: finite and non-decreasing, at least
	// one. The tile's time axis spans [TMs[0], TMs[len-1]].
	TMs []float64
	// V are the voltages (mV) at TMs: finite, as many as TMs.
	V []float64
	// I is the input current at TMs (in IUnit): finite, as many as TMs,
	// or nil for none. Its range [min, max] is mapped linearly onto the
	// current band (a constant current is drawn at the band's bottom), and
	// the band carries its own scale: a blue label with the current at the
	// band's bottom and top ("I: 0 to 14", or "I = 7" when constant), as
	// Izhikevich labels the current of his figures.
	I []float64
	// IUnit is the current's unit, appended to its scale label; empty for
	// none (Izhikevich's model current is in model units).
	IUnit string
}

// Grid is a figure of Rows × Cols panels, filled row by row.
type Grid struct {
	// Title is drawn above the grid; empty for none.
	Title string
	// Rows and Cols are the grid's shape, each ≥ 1.
	Rows, Cols int
	// WidthPx and HeightPx are the image size in pixels at DPI, each in
	// [100, MaxGridPx].
	WidthPx, HeightPx int
	// Panels fill the grid in row-major order: at least one, at most
	// Rows*Cols; tiles past the last panel stay empty.
	Panels []Panel
}

// validate checks p and returns the range of its voltages.
func (p Panel) validate(i int) (vmin, vmax float64, err error) {
	tr := Trace{Title: p.Title, TMs: p.TMs, V: p.V}
	vmin, vmax, err = tr.validate()
	if err != nil {
		return 0, 0, fmt.Errorf("plot: panel %d: %w", i, err)
	}
	if p.I == nil {
		return vmin, vmax, nil
	}
	if len(p.I) != len(p.TMs) {
		return 0, 0, fmt.Errorf("plot: panel %d %q: %d currents for %d times", i, p.Title, len(p.I), len(p.TMs))
	}
	for k, x := range p.I {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, 0, fmt.Errorf("plot: panel %d %q: current %d is %v", i, p.Title, k, x)
		}
	}
	return vmin, vmax, nil
}

// validate checks g.
func (g Grid) validate() error {
	switch {
	case g.Rows < 1 || g.Cols < 1:
		return fmt.Errorf("plot: grid %q: %d × %d tiles, want ≥ 1 each", g.Title, g.Rows, g.Cols)
	case len(g.Panels) == 0:
		return fmt.Errorf("plot: grid %q: no panels", g.Title)
	case len(g.Panels) > g.Rows*g.Cols:
		return fmt.Errorf("plot: grid %q: %d panels for %d × %d tiles", g.Title, len(g.Panels), g.Rows, g.Cols)
	case g.WidthPx < 100 || g.WidthPx > MaxGridPx || g.HeightPx < 100 || g.HeightPx > MaxGridPx:
		return fmt.Errorf("plot: grid %q: %d × %d pixels, want each in [100, %d]", g.Title, g.WidthPx, g.HeightPx, MaxGridPx)
	}
	return nil
}

// band returns the current band [lo, hi] (mV) for a panel whose lowest
// voltage is vmin.
func band(vmin float64) (lo, hi float64) {
	hi = math.Min(BandTopMv, vmin-BandGapMv)
	return hi - BandHeightMv, hi
}

// scaleCurrent maps cur's range onto [lo, hi].
func scaleCurrent(cur []float64, lo, hi float64) []float64 {
	cmin, cmax := math.Inf(1), math.Inf(-1)
	for _, x := range cur {
		cmin, cmax = math.Min(cmin, x), math.Max(cmax, x)
	}
	out := make([]float64, len(cur))
	for k, x := range cur {
		out[k] = lo
		if cmax > cmin {
			out[k] = lo + (x-cmin)/(cmax-cmin)*(hi-lo)
		}
	}
	return out
}

// gridFigure is a Grid laid out on its canvas.
type gridFigure struct {
	canvas vgimg.PngCanvas
	plots  []*gplot.Plot // one per panel
	tiles  []draw.Canvas // the aligned tile of each panel
	title  *draw.Canvas  // where the grid's title goes; nil for none
	style  text.Style    // of the grid's title
}

// renderGrid validates g and lays out its figure.
func renderGrid(g Grid) (*gridFigure, error) {
	if err := g.validate(); err != nil {
		return nil, err
	}
	type axes struct{ vmin, vmax float64 }
	ranges := make([]axes, len(g.Panels))
	for i, p := range g.Panels {
		vmin, vmax, err := p.validate(i)
		if err != nil {
			return nil, err
		}
		ranges[i] = axes{vmin, vmax}
	}
	img := image.NewRGBA(image.Rect(0, 0, g.WidthPx, g.HeightPx))
	c := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(DPI))
	f := &gridFigure{canvas: vgimg.PngCanvas{Canvas: c}}
	dc := draw.New(c)
	if g.Title != "" {
		f.style = text.Style{Color: color.Black, Font: font.From(gplot.DefaultFont, 16), XAlign: draw.XCenter, YAlign: draw.YTop, Handler: gplot.DefaultTextHandler}
		h := f.style.Height(g.Title) + vg.Points(8)
		top := dc
		top.Min.Y = dc.Max.Y - h
		f.title = &top
		dc.Max.Y -= h
	}

	grid := make([][]*gplot.Plot, g.Rows)
	for r := range grid {
		grid[r] = make([]*gplot.Plot, g.Cols)
	}
	for i, p := range g.Panels {
		pl := gplot.New()
		pl.Title.Text = p.Title
		pl.Title.TextStyle.Font.Size = vg.Points(12)
		t0, t1 := p.TMs[0], p.TMs[len(p.TMs)-1]
		ylo := math.Min(ranges[i].vmin, -90)
		if p.I != nil {
			ylo, _ = band(ranges[i].vmin)
		}
		pad := 0.02 * (math.Max(ranges[i].vmax, VTopMv) - ylo)
		pl.X.Min, pl.X.Max = t0, t1
		pl.X.Tick.Marker, pl.Y.Tick.Marker = plainTicks{}, plainTicks{}
		pl.Y.Min, pl.Y.Max = ylo-pad, math.Max(ranges[i].vmax, VTopMv)+pad
		r, col := i/g.Cols, i%g.Cols
		if r == g.Rows-1 || i+g.Cols >= len(g.Panels) {
			pl.X.Label.Text = "time (ms)"
		}
		if col == 0 {
			pl.Y.Label.Text = "v (mV)"
		}
		grid[r][col] = pl
		f.plots = append(f.plots, pl)
	}
	pad := vg.Points(6)
	tiles := gplot.Align(grid, draw.Tiles{Rows: g.Rows, Cols: g.Cols, PadX: pad, PadY: pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}, dc)
	for i, p := range g.Panels {
		tile := tiles[i/g.Cols][i%g.Cols]
		f.tiles = append(f.tiles, tile)
		pl := f.plots[i]
		size := pl.DataCanvas(tile).Size()
		cols := max(int(math.Round(size.X.Dots(DPI))), 1)
		if p.I != nil {
			lo, hi := band(ranges[i].vmin)
			line, err := xyLine(p.TMs, scaleCurrent(p.I, lo, hi))
			if err != nil {
				return nil, fmt.Errorf("plot: panel %d %q: %w", i, p.Title, err)
			}
			line.Color = currentColor
			pl.Add(line)
			scale, err := currentScale(p, hi)
			if err != nil {
				return nil, fmt.Errorf("plot: panel %d %q: %w", i, p.Title, err)
			}
			pl.Add(scale)
		}
		if len(p.TMs) > SamplesPerColumn*cols {
			ps, err := envelopePlotters(envelope(p.TMs, p.V, cols))
			if err != nil {
				return nil, fmt.Errorf("plot: panel %d %q: %w", i, p.Title, err)
			}
			pl.Add(ps...)
			continue
		}
		line, err := xyLine(p.TMs, p.V)
		if err != nil {
			return nil, fmt.Errorf("plot: panel %d %q: %w", i, p.Title, err)
		}
		pl.Add(line)
	}
	return f, nil
}

// CurrentScaleLabel returns the scale label of a current band: "I: lo to
// hi" over the current's range (12 significant digits at most, plain),
// "I = x" for a constant current, followed by " " + unit when unit is not
// empty.
func CurrentScaleLabel(cur []float64, unit string) string {
	cmin, cmax := math.Inf(1), math.Inf(-1)
	for _, x := range cur {
		cmin, cmax = math.Min(cmin, x), math.Max(cmax, x)
	}
	s := "I = " + tickLabel(cmin, 0)
	if cmax > cmin {
		s = "I: " + tickLabel(cmin, cmax-cmin) + " to " + tickLabel(cmax, cmax-cmin)
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}

// currentScale is the blue scale label of a panel's current band, at the
// band's top left, over the band.
func currentScale(p Panel, hi float64) (*plotter.Labels, error) {
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: p.TMs[0], Y: hi}}, Labels: []string{" " + CurrentScaleLabel(p.I, p.IUnit)}})
	if err != nil {
		return nil, err
	}
	l.TextStyle[0].Color = currentColor
	l.TextStyle[0].Font.Size = vg.Points(8)
	return l, nil
}

// xyLine returns the line through (ts[k], vs[k]).
func xyLine(ts, vs []float64) (*plotter.Line, error) {
	pts := make(plotter.XYs, len(ts))
	for k := range pts {
		pts[k] = plotter.XY{X: ts[k], Y: vs[k]}
	}
	return plotter.NewLine(pts)
}

// GridPNG draws g, each panel a voltage trace (black) over its current
// (blue, scaled into the current band), and writes it to w as a PNG of
// g.WidthPx × g.HeightPx at DPI. The tiles' plot areas are aligned and of
// one size (within a point: gonum/plot's Align sizes them before the tick
// labels are final); each tile has its own time axis, and the bottom tile of each
// column and the tiles of the first column carry the axis labels. A panel
// with more than SamplesPerColumn samples per pixel column of its tile is
// decimated as in TracePNG.
func GridPNG(w io.Writer, g Grid) error {
	f, err := renderGrid(g)
	if err != nil {
		return err
	}
	if f.title != nil {
		f.title.FillText(f.style, vg.Point{X: (f.title.Min.X + f.title.Max.X) / 2, Y: f.title.Max.Y - vg.Points(4)}, g.Title)
	}
	for i, pl := range f.plots {
		pl.Draw(f.tiles[i])
	}
	if _, err := f.canvas.WriteTo(w); err != nil {
		return fmt.Errorf("plot: write grid: %w", err)
	}
	return nil
}
