package analysis_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikegraph/spikegraph/analysis"
)

// noise returns n seeded standard normal samples.
func noise(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// variance returns the population variance Σ(x - mean)²/n.
func variance(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x))
}

// TestSpectrumKnownValues checks hand-computed periodograms. The alternating
// sequence [1, -1, 1, -1] at 1 Hz has Y[2] = 4, so power[2] = 16/(4·1) = 4
// at the Nyquist frequency 0.5 Hz (not doubled) and 0 elsewhere; with
// df = 0.25 Hz that is 4·0.25 = 1, the variance. cos(2π·j/8) + 5 over 8
// samples at 8 Hz has Y[1] = 4 after the mean 5 is removed, so
// power[1] = 2·16/(8·8) = 0.5 at 1 Hz and power[1]·df = 0.5 = A²/2.
func TestSpectrumKnownValues(t *testing.T) {
	t.Parallel()
	f, p, err := analysis.Spectrum([]float64{1, -1, 1, -1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantF, wantP := []float64{0, 0.25, 0.5}, []float64{0, 0, 4}
	for k := range wantF {
		if f[k] != wantF[k] || math.Abs(p[k]-wantP[k]) > 1e-12 {
			t.Errorf("bin %d: (%v Hz, %v), want (%v Hz, %v)", k, f[k], p[k], wantF[k], wantP[k])
		}
	}
	x := make([]float64, 8)
	for j := range x {
		x[j] = 5 + math.Cos(2*math.Pi*float64(j)/8)
	}
	f, p, err = analysis.Spectrum(x, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 5 || f[1] != 1 || f[4] != 4 {
		t.Fatalf("frequencies %v, want [0 1 2 3 4]", f)
	}
	for k := range p {
		want := 0.0
		if k == 1 {
			want = 0.5
		}
		if math.Abs(p[k]-want) > 1e-12 {
			t.Errorf("bin %d: power %v, want %v", k, p[k], want)
		}
	}
}

// TestSpectrumParseval checks Σ power·df = population variance (both by
// summing directly and through BandPower over all bins) for even, odd and
// prime lengths, to a relative 1e-12 (rounding only: the identity is exact).
func TestSpectrumParseval(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3, 8, 97, 1000, 1001, 4096} {
		x := noise(n, uint64(n))
		for j := range x {
			x[j] = 3*x[j] + 10 + math.Sin(float64(j)) // offset to test mean removal
		}
		f, p, err := analysis.Spectrum(x, 250)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(f) != n/2+1 || len(p) != n/2+1 {
			t.Fatalf("n=%d: %d frequencies and %d powers, want %d", n, len(f), len(p), n/2+1)
		}
		df := 250 / float64(n)
		sum := 0.0
		for _, v := range p {
			sum += v * df
		}
		want := variance(x)
		bp, err := analysis.BandPower(f, p, 0, f[len(f)-1])
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if math.Abs(sum-want) > 1e-12*want || math.Abs(bp-want) > 1e-12*want {
			t.Errorf("n=%d: Σ power·df = %v, BandPower = %v, want the variance %v", n, sum, bp, want)
		}
	}
}

// TestWelchPowerIdentity checks Welch's normalisation: Σ power·df equals the
// mean over its segments of the Hann-weighted variance Σ w²(x - mean)²/Σ w²,
// computed here independently from the segment layout Welch documents.
// For a stationary signal that is close to the variance: for this white
// noise (n = 10000) within 5%, several standard errors of the estimate.
func TestWelchPowerIdentity(t *testing.T) {
	t.Parallel()
	const n, fs = 10000, 1000.0
	x := noise(n, 3)
	for _, seg := range []int{2, 3, 64, 255, 1000, n} {
		f, p, err := analysis.Welch(x, fs, seg)
		if err != nil {
			t.Fatalf("segment %d: %v", seg, err)
		}
		if len(f) != seg/2+1 || f[1] != fs/float64(seg) {
			t.Fatalf("segment %d: %d bins spaced %v Hz, want %d spaced %v Hz", seg, len(f), f[1], seg/2+1, fs/float64(seg))
		}
		got, err := analysis.BandPower(f, p, 0, fs/2)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		count := 0
		for start := 0; start+seg <= n; start += seg / 2 {
			m := 0.0
			for _, v := range x[start : start+seg] {
				m += v
			}
			m /= float64(seg)
			num, den := 0.0, 0.0
			for j, v := range x[start : start+seg] {
				w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(j)/float64(seg))
				num += w * w * (v - m) * (v - m)
				den += w * w
			}
			want += num / den
			count++
		}
		want /= float64(count)
		if math.Abs(got-want) > 1e-12*want {
			t.Errorf("segment %d: Σ power·df = %v, want the mean windowed variance %v", seg, got, want)
		}
		if seg >= 64 && math.Abs(got-variance(x)) > 0.05*variance(x) {
			t.Errorf("segment %d: Σ power·df = %v, want the variance %v ± 5%%", seg, got, variance(x))
		}
	}
}

// TestSineInNoise puts a 10 Hz sine of amplitude 1 in white noise of standard
// deviation 0.2 (variance 0.04) on an offset, sampled at 1 kHz for 4 s. The
// sine's power is A²/2 = 0.5; the noise spreads 0.04 evenly over 0–500 Hz, so
// 8–12 Hz holds about 0.04·4/500 of it. Both estimators must put the peak in
// the 10 Hz bin and at least 90% of the power in 8–12 Hz (expected 0.5/0.54
// = 93%), with the band power 0.5 within 0.02 (more than 10 standard
// errors of the noise's share).
func TestSineInNoise(t *testing.T) {
	t.Parallel()
	const fs, n = 1000.0, 4000
	x := noise(n, 11)
	for j := range x {
		x[j] = 7 + math.Sin(2*math.Pi*10*float64(j)/fs) + 0.2*x[j]
	}
	welch := func(x []float64, fs float64) ([]float64, []float64, error) { return analysis.Welch(x, fs, 1000) }
	for name, est := range map[string]func([]float64, float64) ([]float64, []float64, error){
		"Spectrum": analysis.Spectrum,
		"Welch":    welch,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, p, err := est(x, fs)
			if err != nil {
				t.Fatal(err)
			}
			peak, err := analysis.PeakFrequency(f, p, 1, 500)
			if err != nil {
				t.Fatal(err)
			}
			if peak != 10 {
				t.Errorf("peak at %v Hz, want 10 Hz", peak)
			}
			alpha, err := analysis.BandPower(f, p, 8, 12)
			if err != nil {
				t.Fatal(err)
			}
			total, err := analysis.BandPower(f, p, 0, 500)
			if err != nil {
				t.Fatal(err)
			}
			if alpha < 0.9*total || math.Abs(alpha-0.5) > 0.02 {
				t.Errorf("8–12 Hz power = %v of %v in total, want 0.5 ± 0.02 and at least 90%%", alpha, total)
			}
			if gamma, _ := analysis.BandPower(f, p, 30, 50); gamma > 0.01 {
				t.Errorf("30–50 Hz power = %v, want only noise (about %v)", gamma, 0.04*20/500)
			}
		})
	}
}

// TestWelchWhiteNoiseFlat checks that Welch's estimate of unit white noise is
// flat at its density 2σ²/fs = 0.002 per Hz (one-sided). With n = 2^16 and
// 256-sample segments, K = 511; each bin's relative standard error is
// sqrt((1 + 2·0.167²)/K) ≈ 0.0454 (Welch 1967, Hann at 50% overlap). Every bin
// from 2 to 127 must lie within 5 standard errors (bins 0 and 1 lose power to
// each segment's mean removal through the window's main lobe; bin 128, the
// Nyquist bin, is not doubled and holds half the density). With 126 bins the
// chance that a correct estimator fails is below 1e-4.
func TestWelchWhiteNoiseFlat(t *testing.T) {
	t.Parallel()
	const n, fs, seg = 1 << 16, 1000.0, 256
	_, p, err := analysis.Welch(noise(n, 5), fs, seg)
	if err != nil {
		t.Fatal(err)
	}
	k := float64(1 + (n-seg)/(seg/2))
	se := math.Sqrt((1 + 2*0.167*0.167) / k)
	level := 2 / fs
	for b := 2; b < seg/2; b++ {
		if math.Abs(p[b]/level-1) > 5*se {
			t.Errorf("bin %d: power %v, want %v ± %.1f%% (5 SE)", b, p[b], level, 500*se)
		}
	}
	if r := p[seg/2] / (level / 2); math.Abs(r-1) > 5*se*math.Sqrt2 {
		t.Errorf("Nyquist bin: power %v, want about %v", p[seg/2], level/2)
	}
}

// TestSpectrumWhiteNoiseFlat checks the periodogram of unit white noise
// (n = 2^16 at 1 kHz) against its density 0.002 per Hz. A single bin is
// exponentially distributed (standard error 100%), so the test averages
// blocks of 1024 adjacent bins: relative standard error 1/32, and each of
// the 31 full blocks must lie within 5 of them (a correct estimator fails
// with probability below 1e-4).
func TestSpectrumWhiteNoiseFlat(t *testing.T) {
	t.Parallel()
	const n, fs, block = 1 << 16, 1000.0, 1024
	_, p, err := analysis.Spectrum(noise(n, 9), fs)
	if err != nil {
		t.Fatal(err)
	}
	level, se := 2/fs, 1/math.Sqrt(block)
	for start := 1; start+block <= n/2; start += block {
		m := 0.0
		for _, v := range p[start : start+block] {
			m += v
		}
		m /= block
		if math.Abs(m/level-1) > 5*se {
			t.Errorf("bins %d–%d: mean power %v, want %v ± %.1f%% (5 SE)", start, start+block-1, m, level, 500*se)
		}
	}
}

func TestPeakFrequencyBandAndTies(t *testing.T) {
	t.Parallel()
	f := []float64{0, 1, 2, 3, 4, 5}
	p := []float64{9, 1, 3, 3, 2, 8}
	cases := []struct {
		lo, hi, want float64
	}{
		{0, 5, 0}, {1, 4, 2}, {2.5, 4.5, 3}, {0.5, 1.5, 1}, {4, 5, 5},
	}
	for _, tc := range cases {
		got, err := analysis.PeakFrequency(f, p, tc.lo, tc.hi)
		if err != nil || got != tc.want {
			t.Errorf("PeakFrequency in [%v, %v] = %v, %v; want %v", tc.lo, tc.hi, got, err, tc.want)
		}
	}
	// Band power sums power·df over the included bins (df = 1).
	if got, err := analysis.BandPower(f, p, 1, 3); err != nil || got != 7 {
		t.Errorf("BandPower in [1, 3] = %v, %v; want 7", got, err)
	}
}

func TestSpectrumErrors(t *testing.T) {
	t.Parallel()
	good := []float64{1, 2, 3, 4}
	cases := []struct {
		name     string
		x        []float64
		sampleHz float64
		want     []string
	}{
		{"empty", nil, 1, []string{"0 samples"}},
		{"one sample", []float64{1}, 1, []string{"1 samples"}},
		{"NaN sample", []float64{1, math.NaN(), 3}, 1, []string{"sample 1 is NaN"}},
		{"Inf sample", []float64{1, 2, math.Inf(-1)}, 1, []string{"sample 2 is -Inf"}},
		{"zero rate", good, 0, []string{"sampling rate (0 Hz)"}},
		{"negative rate", good, -1, []string{"sampling rate (-1 Hz)"}},
		{"NaN rate", good, math.NaN(), []string{"sampling rate (NaN Hz)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, p, err := analysis.Spectrum(tc.x, tc.sampleHz)
			wantErr(t, err, tc.want...)
			if f != nil || p != nil {
				t.Error("Spectrum returned data with an error")
			}
			_, _, err = analysis.Welch(tc.x, tc.sampleHz, 2)
			wantErr(t, err, tc.want...)
		})
	}
	for _, seg := range []int{-1, 0, 1, 5} {
		_, _, err := analysis.Welch(good, 1, seg)
		wantErr(t, err, "segment", "[2, 4]")
	}
}

func TestBandPowerErrors(t *testing.T) {
	t.Parallel()
	f := []float64{0, 1, 2, 3}
	p := []float64{1, 1, 1, 1}
	cases := []struct {
		name   string
		f, p   []float64
		lo, hi float64
		want   string
	}{
		{"empty", nil, nil, 0, 1, "0 bins"},
		{"one bin", []float64{0}, []float64{1}, 0, 1, "1 bins"},
		{"length mismatch", f, p[:3], 0, 1, "4 frequencies but 3 powers"},
		{"not from 0", []float64{1, 2, 3}, []float64{1, 1, 1}, 0, 5, "start at 0"},
		{"decreasing", []float64{0, -1}, []float64{1, 1}, 0, 5, "start at 0"},
		{"uneven", []float64{0, 1, 3}, []float64{1, 1, 1}, 0, 5, "evenly spaced"},
		{"negative power", f, []float64{1, -1, 1, 1}, 0, 3, "power at 1 Hz is -1"},
		{"NaN power", f, []float64{1, 1, math.NaN(), 1}, 0, 3, "power at 2 Hz is NaN"},
		{"reversed band", f, p, 2, 1, "band [2, 1]"},
		{"NaN band", f, p, math.NaN(), 1, "band [NaN, 1]"},
		{"Inf band", f, p, 0, math.Inf(1), "finite"},
		{"empty band", f, p, 1.2, 1.8, "holds no frequency bin"},
		{"band above", f, p, 10, 20, "up to 3 Hz"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := analysis.BandPower(tc.f, tc.p, tc.lo, tc.hi)
			wantErr(t, err, tc.want)
			_, err = analysis.PeakFrequency(tc.f, tc.p, tc.lo, tc.hi)
			wantErr(t, err, tc.want)
		})
	}
}
