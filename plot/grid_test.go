package plot

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// gridPanel returns a panel of n samples 0.25 ms apart: rest at -70 mV with
// a 30 mV spike every 40 samples after a current step at a quarter of the
// run.
func gridPanel(title string, n int) Panel {
	p := Panel{Title: title, TMs: make([]float64, n), V: make([]float64, n), I: make([]float64, n)}
	for k := range n {
		p.TMs[k] = float64(k) * 0.25
		p.V[k] = -70 + 5*math.Sin(float64(k)/7)
		if k > n/4 {
			p.I[k] = 10
			if k%40 == 0 {
				p.V[k] = 30
			}
		}
	}
	return p
}

// countBlue counts pixels of img inside area that are clearly blue, the
// colour of the current line.
func countBlue(img image.Image, area image.Rectangle) int {
	n := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if b>>8 > 150 && r>>8 < 120 && g>>8 < 150 {
				n++
			}
		}
	}
	return n
}

func TestGridPNG(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rows, cols, panels, w, h int
	}{
		{5, 4, 20, 1600, 1600}, // Izhikevich (2004), Fig. 1
		{2, 4, 8, 1600, 720},   // Izhikevich (2003), Fig. 2
		{2, 4, 7, 800, 400},    // a tile left empty
		{1, 1, 1, 100, 100},
	} {
		t.Run(fmt.Sprintf("%dx%d_%d", tc.rows, tc.cols, tc.panels), func(t *testing.T) {
			t.Parallel()
			g := Grid{Title: "behaviours", Rows: tc.rows, Cols: tc.cols, WidthPx: tc.w, HeightPx: tc.h}
			for i := range tc.panels {
				// Lengths from 1 sample to 2,400 (decimated in small tiles).
				g.Panels = append(g.Panels, gridPanel(fmt.Sprintf("(%c) panel", 'A'+i), 1+i*120))
			}
			var buf bytes.Buffer
			if err := GridPNG(&buf, g); err != nil {
				t.Fatal(err)
			}
			img, format, err := image.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil || format != "png" {
				t.Fatalf("decode: %v, format %q", err, format)
			}
			if got := img.Bounds().Size(); got != image.Pt(tc.w, tc.h) {
				t.Fatalf("size = %v, want %dx%d", got, tc.w, tc.h)
			}
			if tc.w < 800 {
				return // tiles too small to inspect
			}
			f, err := renderGrid(g)
			if err != nil {
				t.Fatal(err)
			}
			px := func(l vg.Length) int { return int(math.Round(l.Dots(DPI))) }
			for i, pl := range f.plots {
				da := pl.DataCanvas(f.tiles[i])
				area := image.Rect(px(da.Min.X), tc.h-px(da.Max.Y), px(da.Max.X), tc.h-px(da.Min.Y)).Inset(3)
				if area.Dx() < 100 || area.Dy() < 60 {
					t.Fatalf("panel %d: plot area %v is implausibly small", i, area)
				}
				// Aligned tiles have plot areas of one size, within a point.
				a0 := f.plots[0].DataCanvas(f.tiles[0]).Size()
				if dx, dy := math.Abs((da.Size().X - a0.X).Points()), math.Abs((da.Size().Y - a0.Y).Points()); dx > 1.5 || dy > 1.5 { // within a tick label's rounding
					t.Errorf("panel %d: plot area %v differs from panel 0's %v", i, da.Size(), a0)
				}
				_, dark := countColors(img, area)
				blue := countBlue(img, area)
				wantDark, wantBlue := 50, 50
				if len(g.Panels[i].TMs) == 1 {
					wantDark, wantBlue = 0, 0 // one point draws no line
				}
				if dark < wantDark || blue < wantBlue {
					t.Errorf("panel %d: %d dark (v) and %d blue (current) pixels, want ≥ %d and ≥ %d", i, dark, blue, wantDark, wantBlue)
				}
			}
		})
	}
}

func TestGridTitles(t *testing.T) {
	t.Parallel()
	g := Grid{Rows: 2, Cols: 2, WidthPx: 400, HeightPx: 400, Panels: []Panel{gridPanel("(A) a", 100), gridPanel("(B) b", 100), gridPanel("(C) c", 100)}}
	f, err := renderGrid(g)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ title, x, y string }{
		{"(A) a", "", "v (mV)"},
		{"(B) b", "time (ms)", ""}, // nothing below it
		{"(C) c", "time (ms)", "v (mV)"},
	} {
		p := f.plots[i]
		if p.Title.Text != want.title || p.X.Label.Text != want.x || p.Y.Label.Text != want.y {
			t.Errorf("panel %d: title %q, labels %q and %q; want %q, %q, %q", i, p.Title.Text, p.X.Label.Text, p.Y.Label.Text, want.title, want.x, want.y)
		}
		if p.X.Min != 0 || p.X.Max != 99*0.25 {
			t.Errorf("panel %d: time axis [%v, %v], want [0, %v]", i, p.X.Min, p.X.Max, 99*0.25)
		}
		if p.Y.Min > -90 || p.Y.Min < -95 || p.Y.Max < 30 || p.Y.Max > 35 {
			t.Errorf("panel %d: voltage axis [%v, %v], want about [-90, 30]", i, p.Y.Min, p.Y.Max)
		}
	}
}

func TestBandAndScale(t *testing.T) {
	t.Parallel()
	if lo, hi := band(-70); lo != -90 || hi != -80 {
		t.Errorf("band(-70) = [%v, %v], want [-90, -80]", lo, hi)
	}
	if lo, hi := band(-87); lo != -102 || hi != -92 {
		t.Errorf("band(-87) = [%v, %v], want [-102, -92]", lo, hi)
	}
	got := scaleCurrent([]float64{0, -15, -7.5}, -90, -80)
	if got[0] != -80 || got[1] != -90 || got[2] != -85 {
		t.Errorf("scaleCurrent = %v, want [-80 -90 -85]", got)
	}
	if got := scaleCurrent([]float64{3, 3}, -90, -80); got[0] != -90 || got[1] != -90 {
		t.Errorf("constant current scaled to %v, want the band's bottom", got)
	}
}

func TestGridErrors(t *testing.T) {
	t.Parallel()
	ok := func() Panel { return gridPanel("p", 10) }
	with := func(f func(p *Panel)) []Panel { p := ok(); f(&p); return []Panel{p} }
	cases := []struct {
		name string
		g    Grid
		want string
	}{
		{"no panels", Grid{Rows: 1, Cols: 1}, "no panels"},
		{"too many panels", Grid{Rows: 1, Cols: 1, Panels: []Panel{ok(), ok()}}, "2 panels for 1 × 1"},
		{"zero rows", Grid{Cols: 1, Panels: []Panel{ok()}}, "0 × 1 tiles"},
		{"too small", Grid{Rows: 1, Cols: 1, WidthPx: 99, HeightPx: 400, Panels: []Panel{ok()}}, "pixels"},
		{"too large", Grid{Rows: 1, Cols: 1, WidthPx: 400, HeightPx: MaxGridPx + 1, Panels: []Panel{ok()}}, "pixels"},
		{"empty panel", Grid{Rows: 1, Cols: 1, Panels: []Panel{{Title: "p"}}}, "no samples"},
		{"V length", Grid{Rows: 1, Cols: 1, Panels: with(func(p *Panel) { p.V = p.V[:9] })}, "9 values for 10 times"},
		{"I length", Grid{Rows: 1, Cols: 1, Panels: with(func(p *Panel) { p.I = p.I[:3] })}, "3 currents for 10 times"},
		{"NaN V", Grid{Rows: 1, Cols: 1, Panels: with(func(p *Panel) { p.V[4] = math.NaN() })}, "value 4"},
		{"Inf I", Grid{Rows: 1, Cols: 1, Panels: with(func(p *Panel) { p.I[5] = math.Inf(-1) })}, "current 5"},
		{"NaN time", Grid{Rows: 1, Cols: 1, Panels: with(func(p *Panel) { p.TMs[0] = math.NaN() })}, "time 0"},
		{"unsorted", Grid{Rows: 1, Cols: 1, Panels: with(func(p *Panel) { p.TMs[3] = 100 })}, "time 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.g.WidthPx == 0 {
				tc.g.WidthPx, tc.g.HeightPx = 400, 400
			}
			var buf bytes.Buffer
			err := GridPNG(&buf, tc.g)
			if err == nil || !strings.HasPrefix(err.Error(), "plot: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one starting with \"plot: \" and containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes on error", buf.Len())
			}
		})
	}
}

func TestPlainTickLabels(t *testing.T) {
	// gonum/plot's default labels [0, 50] as "0.00", "25.00", "50.00".
	labels := map[string]bool{}
	for _, tk := range (plainTicks{}).Ticks(0, 50) {
		if tk.Label != "" {
			labels[tk.Label] = true
		}
	}
	for _, want := range []string{"0", "25", "50"} {
		if !labels[want] {
			t.Errorf("labels %v lack %q", labels, want)
		}
	}
}
