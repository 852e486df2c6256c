package analysis

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Spectrum returns the one-sided periodogram of x, sampled at sampleHz, after
// removing the mean of x. With y = x - mean(x), n = len(x) and the
// unnormalised discrete Fourier transform Y[k] = Σ_j y[j]·exp(-2πi·jk/n)
// (gonum's fourier.FFT), the bins are k = 0, 1, ..., n/2 at
//
//	freqHz[k] = k·sampleHz/n
//	power[k]  = c_k·|Y[k]|² / (n·sampleHz),
//
// with c_k = 2 for the bins that stand for a pair of frequencies ±f
// (0 < k < n/2) and c_k = 1 for k = 0 and, when n is even, the Nyquist bin
// k = n/2. power is a power spectral density in units of x² per Hz, and
// Parseval's theorem holds exactly: Σ_k power[k]·df, with df = sampleHz/n,
// equals the population variance Σ y²/n (BandPower from 0 to sampleHz/2
// computes it). A sine of amplitude A at a bin frequency puts A²/2 into that
// bin's power·df.
//
// The periodogram uses no window (so it leaks between bins for a frequency
// that is not a multiple of df) and does not average (each bin of white
// noise is exponentially distributed, with a standard error of 100%); use
// Welch for noisy signals. x must hold at least 2 finite values and
// sampleHz must be positive and finite.
func Spectrum(x []float64, sampleHz float64) (freqHz, power []float64, err error) {
	if err := checkSignal(x, sampleHz); err != nil {
		return nil, nil, err
	}
	n := len(x)
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	y := make([]float64, n)
	for j, v := range x {
		y[j] = v - mean
	}
	coeff := fourier.NewFFT(n).Coefficients(nil, y)
	freqHz = frequencies(n, sampleHz)
	power = make([]float64, len(coeff))
	scale := 1 / (float64(n) * sampleHz)
	for k, c := range coeff {
		power[k] = pairFactor(k, n) * sqAbs(c) * scale
	}
	return freqHz, power, nil
}

// Welch returns Welch's (1967) estimate of the one-sided power spectral
// density of x, sampled at sampleHz, from segments of segment samples.
//
// The segments start every segment/2 samples (50% overlap), so there are
// K = 1 + (len(x) - segment)/(segment/2) of them; samples after the last
// full segment are not used. Each segment has its own mean removed and is
// multiplied by the periodic Hann window w[j] = (1 - cos(2π·j/segment))/2;
// with U = Σ w[j]², its periodogram c_k·|Y[k]|²/(sampleHz·U) (c_k as in
// Spectrum) is averaged over the K segments. The bins are
// freqHz[k] = k·sampleHz/segment for k = 0, ..., segment/2.
//
// The normalisation by U makes Σ_k power[k]·df (df = sampleHz/segment) equal
// the mean over segments of the window-weighted variance Σ_j w[j]²·y[j]²/U,
// which for a stationary x estimates its variance; unlike Spectrum this is
// not exactly the variance of x. A sine of amplitude A at a bin frequency puts
// exactly A²/2 into that bin and its two neighbours (the periodic Hann
// window's main lobe). For white noise each bin's relative standard error is
// about sqrt((1 + 2·0.167²)/K) (Welch 1967: adjacent Hann segments at 50%
// overlap are correlated 0.167).
//
// segment must lie in [2, len(x)]; a longer segment gives finer frequency
// resolution (df = sampleHz/segment) but fewer segments to average. For a
// 1 kHz population rate, segment = 1000 (1 Hz bins) resolves the 10 Hz alpha
// and 40 Hz gamma rhythms of Izhikevich's (2003) network.
//
// Reference: P. D. Welch (1967), "The use of fast Fourier transform for the
// estimation of power spectra: a method based on time averaging over short,
// modified periodograms", IEEE Transactions on Audio and Electroacoustics
// 15(2):70–73.
func Welch(x []float64, sampleHz float64, segment int) (freqHz, power []float64, err error) {
	if err := checkSignal(x, sampleHz); err != nil {
		return nil, nil, err
	}
	if segment < 2 || segment > len(x) {
		return nil, nil, fmt.Errorf("analysis: Welch segment (%d samples) must lie in [2, %d], the length of x", segment, len(x))
	}
	hop := segment / 2
	count := 1 + (len(x)-segment)/hop
	w := make([]float64, segment)
	u := 0.0
	for j := range w {
		w[j] = 0.5 * (1 - math.Cos(2*math.Pi*float64(j)/float64(segment)))
		u += w[j] * w[j]
	}
	fft := fourier.NewFFT(segment)
	y := make([]float64, segment)
	coeff := make([]complex128, segment/2+1)
	power = make([]float64, len(coeff))
	for s := 0; s < count; s++ {
		seg := x[s*hop : s*hop+segment]
		mean := 0.0
		for _, v := range seg {
			mean += v
		}
		mean /= float64(segment)
		for j, v := range seg {
			y[j] = (v - mean) * w[j]
		}
		fft.Coefficients(coeff, y)
		for k, c := range coeff {
			power[k] += sqAbs(c)
		}
	}
	scale := 1 / (float64(count) * sampleHz * u)
	for k := range power {
		power[k] *= pairFactor(k, segment) * scale
	}
	return frequencies(segment, sampleHz), power, nil
}

// BandPower returns the power of a spectrum from Spectrum or Welch in the band
// [loHz, hiHz]: the sum of power[k]·df over the bins whose frequency lies in
// the band, both ends included, with df the (uniform) bin spacing. For a
// Spectrum, BandPower(f, p, 0, f[len(f)-1]) is the variance of x.
//
// freqHz must start at 0 and be evenly spaced (as Spectrum and Welch return
// it), power must have the same length and hold finite values >= 0, and the
// band must be finite with loHz <= hiHz and contain at least one bin.
func BandPower(freqHz, power []float64, loHz, hiHz float64) (float64, error) {
	lo, hi, df, err := band(freqHz, power, loHz, hiHz)
	if err != nil {
		return 0, err
	}
	sum := 0.0
	for k := lo; k < hi; k++ {
		sum += power[k]
	}
	return sum * df, nil
}

// PeakFrequency returns the frequency of the largest power among the bins in
// [loHz, hiHz] (the lowest such frequency on a tie), with the same
// requirements as BandPower. Its resolution is the bin spacing.
func PeakFrequency(freqHz, power []float64, loHz, hiHz float64) (float64, error) {
	lo, hi, _, err := band(freqHz, power, loHz, hiHz)
	if err != nil {
		return 0, err
	}
	best := lo
	for k := lo + 1; k < hi; k++ {
		if power[k] > power[best] {
			best = k
		}
	}
	return freqHz[best], nil
}

// band validates a spectrum and a band and returns the half-open range of
// bin indices [lo, hi) in the band and the bin spacing.
func band(freqHz, power []float64, loHz, hiHz float64) (lo, hi int, df float64, err error) {
	if len(freqHz) < 2 {
		return 0, 0, 0, fmt.Errorf("analysis: spectrum has %d bins, want at least 2", len(freqHz))
	}
	if len(power) != len(freqHz) {
		return 0, 0, 0, fmt.Errorf("analysis: spectrum has %d frequencies but %d powers", len(freqHz), len(power))
	}
	df = freqHz[1] - freqHz[0]
	if freqHz[0] != 0 || !(df > 0) || math.IsInf(df, 0) {
		return 0, 0, 0, fmt.Errorf("analysis: frequencies must start at 0 and increase, got %g, %g, ...", freqHz[0], freqHz[1])
	}
	for k, f := range freqHz {
		if math.Abs(f-float64(k)*df) > 1e-9*math.Max(f, df) {
			return 0, 0, 0, fmt.Errorf("analysis: frequency %d is %g Hz, want %g Hz (evenly spaced bins)", k, f, float64(k)*df)
		}
	}
	for k, p := range power {
		if !(p >= 0) || math.IsInf(p, 0) {
			return 0, 0, 0, fmt.Errorf("analysis: power at %g Hz is %g, want a finite value >= 0", freqHz[k], p)
		}
	}
	if math.IsNaN(loHz) || math.IsNaN(hiHz) || math.IsInf(loHz, 0) || math.IsInf(hiHz, 0) || loHz > hiHz {
		return 0, 0, 0, fmt.Errorf("analysis: band [%g, %g] Hz must be finite with low <= high", loHz, hiHz)
	}
	lo = len(freqHz)
	for k, f := range freqHz {
		if f >= loHz && f <= hiHz {
			if k < lo {
				lo = k
			}
			hi = k + 1
		}
	}
	if hi == 0 {
		return 0, 0, 0, fmt.Errorf("analysis: band [%g, %g] Hz holds no frequency bin (bins are %g Hz apart, up to %g Hz)", loHz, hiHz, df, freqHz[len(freqHz)-1])
	}
	return lo, hi, df, nil
}

// checkSignal validates a sampled signal.
func checkSignal(x []float64, sampleHz float64) error {
	if len(x) < 2 {
		return fmt.Errorf("analysis: signal has %d samples, want at least 2", len(x))
	}
	if !(sampleHz > 0) || math.IsInf(sampleHz, 0) {
		return fmt.Errorf("analysis: sampling rate (%g Hz) must be positive and finite", sampleHz)
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("analysis: sample %d is %g, want a finite value", j, v)
		}
	}
	return nil
}

// frequencies returns the n/2+1 bin frequencies k·sampleHz/n.
func frequencies(n int, sampleHz float64) []float64 {
	f := make([]float64, n/2+1)
	for k := range f {
		f[k] = float64(k) * sampleHz / float64(n)
	}
	return f
}

// pairFactor returns 2 for a bin that stands for the frequencies ±f of an
// n-point transform (0 < k < n/2), and 1 for the zero and Nyquist bins.
func pairFactor(k, n int) float64 {
	if k > 0 && 2*k < n {
		return 2
	}
	return 1
}

// sqAbs returns |c|² = re² + im².
func sqAbs(c complex128) float64 { return real(c)*real(c) + imag(c)*imag(c) }
