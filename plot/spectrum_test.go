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
