package plot

import (
	"bytes"
	"image/png"
	"math"
	"testing"
)

func spectrumFixture() Spectrum {
	s := Spectrum{Title: "test", BinMs: 1, RateHz: make([]float64, 200)}
	for i := range s.RateHz {
		s.RateHz[i] = 8 + 5*math.Sin(2*math.Pi*10*float64(i)/1000)
	}
	for f := 0.0; f <= 500; f += 2 {
		s.FreqHz = append(s.FreqHz, f)
		s.Power = append(s.Power, 1/(1+f))
	}
	return s
}

func TestSpectrumPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := SpectrumPNG(&buf, spectrumFixture()); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != WidthInches*DPI || b.Dy() != 2*HeightInches*DPI {
		t.Fatalf("image is %v, want %d x %d", b, WidthInches*DPI, 2*HeightInches*DPI)
	}
	// both halves hold drawn (dark) pixels
	for _, half := range []int{0, 1} {
		area := img.Bounds()
		area.Min.Y, area.Max.Y = half*area.Dy()/2, (half+1)*area.Dy()/2
		if _, dark := countColors(img, area); dark == 0 {
			t.Errorf("half %d is blank", half)
		}
	}
}

func TestSpectrumErrors(t *testing.T) {
	cases := map[string]func(s *Spectrum){
		"one bin":        func(s *Spectrum) { s.RateHz = s.RateHz[:1] },
		"zero bin":       func(s *Spectrum) { s.BinMs = 0 },
		"negative rate":  func(s *Spectrum) { s.RateHz[3] = -1 },
		"NaN rate":       func(s *Spectrum) { s.RateHz[3] = math.NaN() },
		"lengths":        func(s *Spectrum) { s.Power = s.Power[:5] },
		"NaN power":      func(s *Spectrum) { s.Power[2] = math.NaN() },
		"decreasing":     func(s *Spectrum) { s.FreqHz[2] = 0 },
		"no power shown": func(s *Spectrum) { s.MaxFreqHz = 1 },
		"bad max":        func(s *Spectrum) { s.MaxFreqHz = math.Inf(1) },
	}
	for name, mutate := range cases {
		s := spectrumFixture()
		mutate(&s)
		if err := SpectrumPNG(&bytes.Buffer{}, s); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestSpectrumDecimatesALongRate draws the rate of a long run (10^6 bins
// of 1 ms, one burst) as TracePNG draws a long trace: the band of each
// pixel column's range, quickly and with the burst's peak at the top of
// the rate's plot area; and shorter rates still as a line.
func TestSpectrumDecimatesALongRate(t *testing.T) {
	t.Parallel()
	s := spectrumFixture()
	s.Title = "" // nothing dark above the plot area
	s.RateHz = make([]float64, 1_000_000)
	for i := range s.RateHz {
		s.RateHz[i] = 8 + 3*math.Sin(float64(i)) // noise-like at every pixel
	}
	s.RateHz[654321] = 200
	var buf bytes.Buffer
	allocs := allocated(func() {
		if err := SpectrumPNG(&buf, s); err != nil {
			t.Fatal(err)
		}
	})
	// A line through every bin would take 16 bytes per bin for its points
	// alone; the band takes about a kB per pixel column.
	if allocs > 60<<20 {
		t.Errorf("%d bytes allocated for 10^6 bins", allocs)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// The burst's column reaches the top of the plot area (the y axis ends
	// at 200 Hz), the rest stays below 11 Hz: in the top quarter of the
	// upper half, dark pixels lie near x = 65 % of the width only.
	area := img.Bounds()
	dark := func(x0, x1 int) bool {
		for y := 0; y < area.Dy()/8; y++ {
			for x := x0; x < x1; x++ {
				if r, g, b, _ := img.At(x, y).RGBA(); r>>8 < 80 && g>>8 < 80 && b>>8 < 80 {
					return true
				}
			}
		}
		return false
	}
	found := dark(area.Dx()*55/100, area.Dx()*75/100)
	if dark(area.Dx()*15/100, area.Dx()*45/100) {
		t.Error("dark pixels near the top away from the burst")
	}
	if !found {
		t.Error("the burst's peak is not drawn near the top")
	}
}
