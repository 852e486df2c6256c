package plot

import (
	"bytes"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestHistogramCounts(t *testing.T) {
	counts, width := histogram([]float64{0, 1, 1.5, 4, 9.99, 10}, 5)
	if width != 2 {
		t.Errorf("width = %v, want 2 (10 Hz over 5 bins)", width)
	}
	// 0, 1, 1.5 in [0,2); 4 in [4,6); 9.99 and the largest, 10, in the last.
	if want := []float64{3, 0, 1, 0, 2}; !slices.Equal(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
	counts, width = histogram([]float64{0, 0}, 4)
	if width != 0.25 || counts[0] != 2 {
		t.Errorf("silent: counts %v width %v, want both in the first of 4 bins over [0, 1]", counts, width)
	}
}

func TestRatePNGs(t *testing.T) {
	long := make([]float64, 5000) // more bins than pixel columns: decimated
	for i := range long {
		long[i] = float64(i % 7)
	}
	for name, draw := range map[string]func(*bytes.Buffer) error{
		"rate": func(b *bytes.Buffer) error {
			return PopulationRatePNG(b, PopulationRate{Title: "r", RateHz: []float64{0, 3, 5, 2}, BinMs: 5})
		},
		"long rate": func(b *bytes.Buffer) error { return PopulationRatePNG(b, PopulationRate{RateHz: long, BinMs: 0.5}) },
		"silent": func(b *bytes.Buffer) error {
			return PopulationRatePNG(b, PopulationRate{RateHz: []float64{0, 0}, BinMs: 1})
		},
		"hist": func(b *bytes.Buffer) error {
			return RateHistogramPNG(b, RateHistogram{RatesHz: []float64{1, 2, 2, 8}, Inh: true})
		},
	} {
		var b bytes.Buffer
		if err := draw(&b); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := img.Bounds().Size(); got.X != WidthInches*DPI || got.Y != HeightInches*DPI {
			t.Errorf("%s: %v pixels, want %d × %d", name, got, WidthInches*DPI, HeightInches*DPI)
		}
	}
	for name, err := range map[string]error{
		"no bins":  PopulationRatePNG(&bytes.Buffer{}, PopulationRate{BinMs: 1}),
		"zero bin": PopulationRatePNG(&bytes.Buffer{}, PopulationRate{RateHz: []float64{1}}),
		"NaN rate": PopulationRatePNG(&bytes.Buffer{}, PopulationRate{RateHz: []float64{math.NaN()}, BinMs: 1}),
		"no rates": RateHistogramPNG(&bytes.Buffer{}, RateHistogram{}),
		"negative": RateHistogramPNG(&bytes.Buffer{}, RateHistogram{RatesHz: []float64{-1}}),
		"bins < 0": RateHistogramPNG(&bytes.Buffer{}, RateHistogram{RatesHz: []float64{1}, Bins: -2}),
	} {
		if err == nil || !strings.HasPrefix(err.Error(), "plot: ") {
			t.Errorf("%s: err = %v, want a plot: error", name, err)
		}
	}
}
