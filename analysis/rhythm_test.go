package analysis_test

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/spikegraph/spikegraph/analysis"
)

// modulated returns one entry per spike of a population whose spike count
// per step is round(perStep·(1 + 0.5·sin(2π·alphaHz·t) + 0.3·sin(2π·gammaHz·t)))
// over nSamples steps of dtMs: a rate modulated in both bands at once. The
// count never falls below 0.2·perStep, so the sines are not clipped.
func modulated(perStep float64, dtMs float64, nSamples int, alphaHz, gammaHz float64) []int {
	var samples []int
	for s := 0; s < nSamples; s++ {
		t := float64(s) * dtMs / 1000
		k := int(math.Round(perStep * (1 + 0.5*math.Sin(2*math.Pi*alphaHz*t) + 0.3*math.Sin(2*math.Pi*gammaHz*t))))
		for j := 0; j < k; j++ {
			samples = append(samples, s)
		}
	}
	return samples
}

// TestRhythmFindsModulation checks that the peaks follow the frequencies a
// synthetic spike train is modulated at, for several pairs, so that neither
// peak can come from the band limits alone. The frequencies are multiples
// of the 2 Hz bins of 500 ms segments at dt = 1 ms, and of the 1 Hz bins
// at dt = 0.5 ms with a 1000 ms segment.
func TestRhythmFindsModulation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		alphaHz, gammaHz float64
		dtMs, segmentMs  float64
		nSamples         int
	}{
		{10, 40, 1, analysis.RhythmSegmentMs, 2000},
		{12, 60, 1, analysis.RhythmSegmentMs, 2000},
		{8, 30, 1, analysis.RhythmSegmentMs, 1000},
		{7, 77, 0.5, 1000, 8000},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v+%vHz", tc.alphaHz, tc.gammaHz), func(t *testing.T) {
			t.Parallel()
			samples := modulated(20, tc.dtMs, tc.nSamples, tc.alphaHz, tc.gammaHz)
			r, err := analysis.Rhythm(samples, 100, tc.dtMs, tc.nSamples, tc.segmentMs)
			if err != nil {
				t.Fatal(err)
			}
			if r.AlphaPeakHz != tc.alphaHz || r.GammaPeakHz != tc.gammaHz {
				t.Errorf("peaks %v and %v Hz, want %v and %v Hz", r.AlphaPeakHz, r.GammaPeakHz, tc.alphaHz, tc.gammaHz)
			}
		})
	}
}

// TestRhythmIsItsSteps checks Rhythm against the calls its doc comment
// spells out, bit for bit: spikegraph's rate.csv and spectrum.csv must not
// change when they are computed through Rhythm.
func TestRhythmIsItsSteps(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		dtMs      float64
		nSamples  int
		segmentMs float64
		wantSeg   int
	}{
		{"1 ms", 1, 1000, analysis.RhythmSegmentMs, 500},
		{"0.5 ms", 0.5, 3000, analysis.RhythmSegmentMs, 1000},
		{"segment rounded down", 0.3, 4000, analysis.RhythmSegmentMs, 1666},
		{"recording shorter than a segment", 1, 300, analysis.RhythmSegmentMs, 300},
		{"huge segment", 1, 300, 1e300, 300},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			samples := modulated(5, tc.dtMs, tc.nSamples, 10, 40)
			r, err := analysis.Rhythm(samples, 50, tc.dtMs, tc.nSamples, tc.segmentMs)
			if err != nil {
				t.Fatal(err)
			}
			if r.Segment != tc.wantSeg || r.BinMs != tc.dtMs {
				t.Errorf("segment %d, bin %v ms; want %d, %v ms", r.Segment, r.BinMs, tc.wantSeg, tc.dtMs)
			}
			rate, err := analysis.PopulationRate(samples, 50, tc.dtMs, tc.nSamples, tc.dtMs)
			if err != nil {
				t.Fatal(err)
			}
			f, p, err := analysis.Welch(rate, 1000/tc.dtMs, tc.wantSeg)
			if err != nil {
				t.Fatal(err)
			}
			alpha, _ := analysis.PeakFrequency(f, p, analysis.AlphaLowHz, analysis.AlphaHighHz)
			gamma, _ := analysis.PeakFrequency(f, p, analysis.GammaLowHz, analysis.GammaHighHz)
			want := analysis.RhythmResult{RateHz: rate, BinMs: tc.dtMs, Segment: tc.wantSeg, FreqHz: f, Power: p, AlphaPeakHz: alpha, GammaPeakHz: gamma}
			if !reflect.DeepEqual(r, want) {
				t.Errorf("Rhythm differs from its steps: peaks %v, %v Hz (want %v, %v), %d rates (want %d), %d bins (want %d)",
					r.AlphaPeakHz, r.GammaPeakHz, alpha, gamma, len(r.RateHz), len(rate), len(r.FreqHz), len(f))
			}
		})
	}
}

func TestRhythmErrors(t *testing.T) {
	t.Parallel()
	good := []int{0, 1, 1, 5}
	cases := []struct {
		name      string
		samples   []int
		nNeurons  int
		dtMs      float64
		nSamples  int
		segmentMs float64
		want      []string
	}{
		{"one step", []int{0}, 10, 1, 1, analysis.RhythmSegmentMs, []string{"1 samples", "too short"}},
		{"segment under two steps", good, 10, 1, 100, 1.5, []string{"1 samples", "1.5 ms", "too short"}},
		{"zero segment", good, 10, 1, 100, 0, []string{"segment (0 ms)"}},
		{"negative segment", good, 10, 1, 100, -500, []string{"segment (-500 ms)"}},
		{"NaN segment", good, 10, 1, 100, math.NaN(), []string{"segment (NaN ms)"}},
		{"Inf segment", good, 10, 1, 100, math.Inf(1), []string{"positive and finite"}},
		// 25 ms steps: the Nyquist frequency, 20 Hz, is below the gamma band.
		{"no gamma bin", good, 10, 25, 100, analysis.RhythmSegmentMs, []string{"band [25, 80] Hz", "no frequency bin"}},
		// A 40-step segment at 1 ms has 25 Hz bins, none in the alpha band.
		{"no alpha bin", good, 10, 1, 40, analysis.RhythmSegmentMs, []string{"band [6, 14] Hz", "no frequency bin"}},
		{"sample past end", []int{0, 100}, 10, 1, 100, analysis.RhythmSegmentMs, []string{"sample 100"}},
		{"no neurons", good, 0, 1, 100, analysis.RhythmSegmentMs, []string{"neurons (0)"}},
		{"zero dt", good, 10, 0, 100, analysis.RhythmSegmentMs, []string{"time step (0 ms)"}},
		{"no samples", nil, 10, 1, 0, analysis.RhythmSegmentMs, []string{"number of samples (0)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := analysis.Rhythm(tc.samples, tc.nNeurons, tc.dtMs, tc.nSamples, tc.segmentMs)
			wantErr(t, err, tc.want...)
			if !reflect.DeepEqual(r, analysis.RhythmResult{}) {
				t.Errorf("got %+v with the error, want the zero result", r)
			}
		})
	}
}

// ExampleRhythm finds the two rhythms of a synthetic population of 100
// neurons whose spike count per step (dt = 1 ms, 2 s) is modulated at 10 Hz
// and at 40 Hz; a recording of one step is too short for a spectrum.
func ExampleRhythm() {
	const nNeurons, dtMs, nSamples = 100, 1.0, 2000
	var samples []int // one entry per spike: the step at which it happened
	for s := 0; s < nSamples; s++ {
		t := float64(s) * dtMs / 1000
		k := int(math.Round(20 * (1 + 0.5*math.Sin(2*math.Pi*10*t) + 0.3*math.Sin(2*math.Pi*40*t))))
		for j := 0; j < k; j++ {
			samples = append(samples, s)
		}
	}
	r, err := analysis.Rhythm(samples, nNeurons, dtMs, nSamples, analysis.RhythmSegmentMs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rate bins of %g ms, %d-sample segments, %d frequency bins %g Hz apart\n",
		len(r.RateHz), r.BinMs, r.Segment, len(r.FreqHz), r.FreqHz[1])
	fmt.Printf("alpha peak %g Hz, gamma peak %g Hz\n", r.AlphaPeakHz, r.GammaPeakHz)
	_, err = analysis.Rhythm(nil, nNeurons, dtMs, 1, analysis.RhythmSegmentMs)
	fmt.Println(err)
	// Output:
	// 2000 rate bins of 1 ms, 500-sample segments, 251 frequency bins 2 Hz apart
	// alpha peak 10 Hz, gamma peak 40 Hz
	// analysis: Welch segment of 1 samples (500 ms of a 1-step recording at 1 ms per step) is too short, want at least 2
}

// TestRhythmCountsIsRhythm checks that counting spikes per step gives
// Rhythm's result bit for bit, for the cases of TestRhythmIsItsSteps.
func TestRhythmCountsIsRhythm(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dtMs      float64
		nSamples  int
		segmentMs float64
	}{
		{1, 1000, analysis.RhythmSegmentMs},
		{0.5, 3000, analysis.RhythmSegmentMs},
		{0.3, 4000, analysis.RhythmSegmentMs},
		{1, 300, analysis.RhythmSegmentMs},
		{1, 300, 1e300},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.dtMs, tc.nSamples), func(t *testing.T) {
			t.Parallel()
			samples := modulated(5, tc.dtMs, tc.nSamples, 10, 40)
			counts := make([]int32, tc.nSamples)
			for _, s := range samples {
				counts[s]++
			}
			want, err := analysis.Rhythm(samples, 50, tc.dtMs, tc.nSamples, tc.segmentMs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := analysis.RhythmCounts(counts, 50, tc.dtMs, tc.segmentMs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("RhythmCounts: peaks %v, %v Hz; Rhythm's %v, %v Hz (or the rates or spectra differ)",
					got.AlphaPeakHz, got.GammaPeakHz, want.AlphaPeakHz, want.GammaPeakHz)
			}
		})
	}
}

func TestRhythmCountsErrors(t *testing.T) {
	t.Parallel()
	good := make([]int32, 100)
	cases := []struct {
		name     string
		counts   []int32
		nNeurons int
		dtMs     float64
		want     []string
	}{
		{"negative count", append([]int32{3, -1}, good...), 10, 1, []string{"count -1 at sample 1"}},
		{"no samples", nil, 10, 1, []string{"number of samples (0)"}},
		{"no neurons", good, 0, 1, []string{"neurons (0)"}},
		{"zero dt", good, 10, 0, []string{"time step (0 ms)"}},
		{"one step", []int32{2}, 10, 1, []string{"1 samples", "too short"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := analysis.RhythmCounts(tc.counts, tc.nNeurons, tc.dtMs, analysis.RhythmSegmentMs)
			wantErr(t, err, tc.want...)
			if !reflect.DeepEqual(r, analysis.RhythmResult{}) {
				t.Errorf("got %+v with the error, want the zero result", r)
			}
		})
	}
}
