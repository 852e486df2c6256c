package plot

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // register the PNG decoder for image.Decode
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// wantW and wantH are the figure size in pixels: 8 × 4 inches at 96 DPI.
const wantW, wantH = 768, 384

// decode decodes a PNG and checks its size.
func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if format != "png" {
		t.Errorf("format = %q, want png", format)
	}
	if got := img.Bounds().Size(); got != image.Pt(wantW, wantH) {
		t.Errorf("size = %v, want %dx%d", got, wantW, wantH)
	}
	return img
}

// countColors counts strongly red pixels (R high, G and B low) and dark
// pixels (all channels low) of img inside area.
func countColors(img image.Image, area image.Rectangle) (red, dark int) {
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r > 200 && g < 80 && bl < 80 {
				red++
			}
			if r < 80 && g < 80 && bl < 80 {
				dark++
			}
		}
	}
	return red, dark
}

// plotArea returns the pixels of r's plot area, less a margin of 3 pixels
// that keeps the axes out.
func plotArea(t *testing.T, r Raster) image.Rectangle {
	t.Helper()
	f, err := renderRaster(r)
	if err != nil {
		t.Fatal(err)
	}
	da := f.p.DataCanvas(f.dc)
	px := func(l vg.Length) int { return int(math.Round(l.Dots(DPI))) }
	area := image.Rect(px(da.Min.X), wantH-px(da.Max.Y), px(da.Max.X), wantH-px(da.Min.Y))
	if area.Dx() < 300 || area.Dy() < 150 {
		t.Fatalf("plot area %v is implausibly small", area)
	}
	return area.Inset(3)
}

// raster returns a raster of n neurons, the first nInh inhibitory.
func raster(n, nInh int, dur float64, events []Event) Raster {
	inh := make([]bool, n)
	for i := range nInh {
		inh[i] = true
	}
	return Raster{Title: "test", DurationMs: dur, N: n, Inh: inh, Events: events}
}

// randomEvents returns count events over neurons [lo, hi) and [0, dur).
func randomEvents(rng *rand.Rand, count, lo, hi int, dur float64) []Event {
	ev := make([]Event, count)
	for i := range ev {
		ev[i] = Event{TMs: rng.Float64() * dur, Neuron: lo + rng.IntN(hi-lo)}
	}
	return ev
}

func TestTracePNG(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 1000, 1500, 200000} {
		ts := make([]float64, n)
		vs := make([]float64, n)
		for i := range ts {
			ts[i] = float64(i) * 0.1
			vs[i] = -65 + 10*math.Sin(float64(i)/50)
		}
		var buf bytes.Buffer
		if err := TracePNG(&buf, Trace{Title: "v", TMs: ts, V: vs}); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		decode(t, buf.Bytes())
	}
}

func TestDecimatedTraceShowsPeak(t *testing.T) {
	t.Parallel()
	// One spike in 200,000 samples of rest: after decimation its peak must
	// still reach the top of the plot area (the y axis ends at the peak).
	const n = 200000
	ts := make([]float64, n)
	vs := make([]float64, n)
	for i := range ts {
		ts[i] = float64(i) * 0.01
		vs[i] = -65
	}
	vs[123457] = 30
	tr := Trace{TMs: ts, V: vs}
	var buf bytes.Buffer
	if err := TracePNG(&buf, tr); err != nil {
		t.Fatal(err)
	}
	img := decode(t, buf.Bytes())
	f, err := renderTrace(tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.p.X.Label.Text) == 0 || f.p.Y.Label.Text != "v (mV)" {
		t.Errorf("labels = %q, %q, want time and v (mV)", f.p.X.Label.Text, f.p.Y.Label.Text)
	}
	da := f.p.DataCanvas(f.dc)
	top := wantH - int(math.Round(da.Max.Y.Dots(DPI)))
	left := int(math.Round(da.Min.X.Dots(DPI)))
	right := int(math.Round(da.Max.X.Dots(DPI)))
	// Skip a margin at both sides, where the axes are.
	if _, dark := countColors(img, image.Rect(left+3, top, right-3, top+10)); dark == 0 {
		t.Error("no dark pixels near the top of the plot area: the spike peak was lost")
	}
}

func TestEnvelopeKeepsPeaks(t *testing.T) {
	t.Parallel()
	const n, cols = 100000, 700
	ts := make([]float64, n)
	vs := make([]float64, n)
	spikes := []int{0, 123, 50001, 99999}
	for i := range ts {
		ts[i] = float64(i)
		vs[i] = -65
	}
	for _, i := range spikes {
		vs[i] = 30
	}
	vs[777] = -80
	env := envelope(ts, vs, cols)
	if len(env) != cols {
		t.Fatalf("len = %d, want %d", len(env), cols)
	}
	if env[0].t != 0 || env[cols-1].t != n-1 {
		t.Errorf("ends at %v and %v, want 0 and %d", env[0].t, env[cols-1].t, n-1)
	}
	// column returns the column that holds sample i.
	column := func(i int) int { return min(i*cols/(n-1), cols-1) }
	peaks := map[int]bool{}
	for _, i := range spikes {
		peaks[column(i)] = true
	}
	for c, col := range env {
		if c > 0 && col.t <= env[c-1].t {
			t.Fatalf("column %d at %v, not after column %d at %v", c, col.t, c-1, env[c-1].t)
		}
		wantHi, wantLo := -65.0, -65.0
		if peaks[c] {
			wantHi = 30
		}
		if c == column(777) {
			wantLo = -80
		}
		if col.hi != wantHi || col.lo != wantLo {
			t.Errorf("column %d: range [%v, %v], want [%v, %v]", c, col.lo, col.hi, wantLo, wantHi)
		}
	}
}

func TestTraceErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		tr   Trace
		want string
	}{
		{"empty", Trace{}, "no samples"},
		{"lengths", Trace{TMs: []float64{0, 1}, V: []float64{0}}, "1 values for 2 times"},
		{"NaN value", Trace{TMs: []float64{0, 1, 2}, V: []float64{0, 0, math.NaN()}}, "value 2"},
		{"Inf time", Trace{TMs: []float64{0, math.Inf(1)}, V: []float64{0, 0}}, "time 1"},
		{"unsorted", Trace{TMs: []float64{0, 2, 1}, V: []float64{0, 0, 0}}, "time 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			err := TracePNG(&buf, tc.tr)
			if err == nil || !strings.HasPrefix(err.Error(), "plot: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a plot error containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes on error", buf.Len())
			}
		})
	}
}

func TestRasterColors(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n, nInh, dur = 100, 20, 500.0
	cases := []struct {
		name     string
		events   []Event
		wantRed  bool
		wantDark bool
	}{
		{"inhibitory only", randomEvents(rng, 300, 0, nInh, dur), true, false},
		{"excitatory only", randomEvents(rng, 300, nInh, n, dur), false, true},
		{"inhibitory only binned", randomEvents(rng, MaxRasterEvents+1, 0, nInh, dur), true, false},
		{"excitatory only binned", randomEvents(rng, MaxRasterEvents+1, nInh, n, dur), false, true},
	}
	empty := raster(n, nInh, dur, nil)
	var buf bytes.Buffer
	if err := RasterPNG(&buf, empty); err != nil {
		t.Fatal(err)
	}
	if red, dark := countColors(decode(t, buf.Bytes()), plotArea(t, empty)); red != 0 || dark != 0 {
		t.Fatalf("empty raster: %d red and %d dark pixels in the plot area, want none", red, dark)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := raster(n, nInh, dur, tc.events)
			var buf bytes.Buffer
			if err := RasterPNG(&buf, r); err != nil {
				t.Fatal(err)
			}
			red, dark := countColors(decode(t, buf.Bytes()), plotArea(t, r))
			if got := red > 0; got != tc.wantRed {
				t.Errorf("red pixels = %d, want some: %v", red, tc.wantRed)
			}
			if got := dark > 0; got != tc.wantDark {
				t.Errorf("dark pixels = %d, want some: %v", dark, tc.wantDark)
			}
		})
	}
}

func TestRasterRows(t *testing.T) {
	t.Parallel()
	inh := []bool{false, true, false, true, true, false}
	got := rows(inh)
	want := []int{3, 0, 4, 1, 2, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("rows(%v) = %v, want %v", inh, got, want)
		}
	}
}

func TestRasterInhibitoryAtBottom(t *testing.T) {
	t.Parallel()
	// Neuron 9 is the only inhibitory one, so its spikes go on row 0, at
	// the bottom of the plot area; neuron 0's (excitatory) go on row 1.
	inh := make([]bool, 10)
	inh[9] = true
	events := make([]Event, 0, 200)
	for i := range 100 {
		events = append(events, Event{TMs: float64(i), Neuron: 9}, Event{TMs: float64(i), Neuron: 0})
	}
	var buf bytes.Buffer
	if err := RasterPNG(&buf, Raster{DurationMs: 100, N: 10, Inh: inh, Events: events}); err != nil {
		t.Fatal(err)
	}
	img := decode(t, buf.Bytes())
	// Red pixels must all lie in the bottom part of the figure.
	b := img.Bounds()
	for y := b.Min.Y; y < b.Min.Y+b.Dy()*2/3; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 200 && g>>8 < 80 && bl>>8 < 80 {
				t.Fatalf("red pixel at (%d, %d), in the upper two thirds", x, y)
			}
		}
	}
	if red, _ := countColors(img, img.Bounds()); red == 0 {
		t.Error("no red pixels")
	}
}

func TestRasterBinnedTitle(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	r := raster(1000, 200, 1000, randomEvents(rng, MaxRasterEvents+1, 0, 1000, 1000))
	f, err := renderRaster(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.p.Title.Text, "binned") {
		t.Errorf("title = %q, want it to say binned", f.p.Title.Text)
	}
	r.Events = r.Events[:MaxRasterEvents]
	if f, err = renderRaster(r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(f.p.Title.Text, "binned") {
		t.Errorf("title = %q at the limit, want no binning", f.p.Title.Text)
	}
}

func TestRasterErrors(t *testing.T) {
	t.Parallel()
	ok := raster(4, 1, 10, nil)
	cases := []struct {
		name string
		mod  func(r *Raster)
		want string
	}{
		{"N zero", func(r *Raster) { r.N, r.Inh = 0, nil }, "N = 0"},
		{"Inh length", func(r *Raster) { r.Inh = r.Inh[:3] }, "len(Inh) = 3"},
		{"duration zero", func(r *Raster) { r.DurationMs = 0 }, "DurationMs"},
		{"duration NaN", func(r *Raster) { r.DurationMs = math.NaN() }, "DurationMs"},
		{"neuron high", func(r *Raster) { r.Events = []Event{{1, 0}, {1, 4}} }, "event 1: neuron 4"},
		{"neuron negative", func(r *Raster) { r.Events = []Event{{1, -1}} }, "event 0: neuron -1"},
		{"time negative", func(r *Raster) { r.Events = []Event{{-0.5, 1}} }, "event 0: time"},
		{"time late", func(r *Raster) { r.Events = []Event{{10.5, 1}} }, "event 0: time"},
		{"time NaN", func(r *Raster) { r.Events = []Event{{0, 1}, {math.NaN(), 1}} }, "event 1: time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ok
			r.Inh = append([]bool(nil), ok.Inh...)
			tc.mod(&r)
			var buf bytes.Buffer
			err := RasterPNG(&buf, r)
			if err == nil || !strings.HasPrefix(err.Error(), "plot: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a plot error containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes on error", buf.Len())
			}
		})
	}
	// Events exactly on the bounds are valid.
	r := ok
	r.Events = []Event{{0, 0}, {10, 3}}
	var buf bytes.Buffer
	if err := RasterPNG(&buf, r); err != nil {
		t.Errorf("events on the bounds: %v", err)
	}
}

func TestSaveVariants(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tracePath := filepath.Join(dir, "trace.png")
	if err := SaveTracePNG(tracePath, Trace{TMs: []float64{0, 1}, V: []float64{-65, 30}}); err != nil {
		t.Fatal(err)
	}
	rasterPath := filepath.Join(dir, "raster.png")
	if err := SaveRasterPNG(rasterPath, raster(2, 1, 5, []Event{{1, 0}, {2, 1}})); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{tracePath, rasterPath} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		decode(t, b)
	}
	bad := filepath.Join(dir, "bad.png")
	if err := SaveRasterPNG(bad, raster(2, 1, 5, []Event{{1, 7}})); err == nil {
		t.Error("SaveRasterPNG with a bad event succeeded")
	}
	if err := SaveTracePNG(bad, Trace{}); err == nil {
		t.Error("SaveTracePNG with no samples succeeded")
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("file created for invalid input: stat err = %v", err)
	}
	if err := SaveTracePNG(filepath.Join(tracePath, "x.png"), Trace{TMs: []float64{0}, V: []float64{0}}); err == nil ||
		!strings.HasPrefix(err.Error(), "plot: ") {
		t.Errorf("save under a file: err = %v, want a plot error", err)
	}
}

func BenchmarkRasterPNG(b *testing.B) {
	const n = 1000
	for _, count := range []int{10_000, MaxRasterEvents, 1_000_000} {
		rng := rand.New(rand.NewPCG(1, 2))
		r := raster(n, 200, 1000, randomEvents(rng, count, 0, n, 1000))
		b.Run(fmt.Sprintf("events=%d", count), func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := RasterPNG(&buf, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTracePNG(b *testing.B) {
	for _, count := range []int{10_000, 1_000_000} {
		ts := make([]float64, count)
		vs := make([]float64, count)
		for i := range ts {
			ts[i] = float64(i) * 0.1
			vs[i] = -65 + 10*math.Sin(float64(i)/50)
		}
		b.Run(fmt.Sprintf("samples=%d", count), func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := TracePNG(&buf, Trace{TMs: ts, V: vs}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
