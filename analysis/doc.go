// Package analysis computes population statistics of recorded spike trains:
// binned population rates, mean rates, power spectra, band powers and
// rhythm peaks, as used to check the rhythms of Izhikevich's (2003) network
// (mean rates near 8 Hz, alpha near 10 Hz and gamma near 40 Hz).
//
// # Overview
//
// The package is a leaf: it imports only the standard library and gonum
// (gonum.org/v1/gonum/dsp/fourier for the FFT), never the simulator's graph,
// ops, models or session packages, so recordings from any source can be
// analysed. Spikes are given as sample (step) indices, one entry per spike
// event, as session.RecordSpikes stores them:
//
//	rate, err := analysis.PopulationRate(steps, 1000, 1, 1000, 1) // Hz, 1 ms bins
//	f, p, err := analysis.Welch(rate, 1000, 256)                    // Hz, Hz²/Hz (or Spectrum)
//	gamma, err := analysis.BandPower(f, p, 30, 50)
//
// Rhythm does these steps in one call, as spikegraph does for Izhikevich's
// (2003) network: the population rate in bins of one step, its Welch
// spectrum from segments of RhythmSegmentMs, and the peak frequencies in the
// alpha band (AlphaLowHz to AlphaHighHz) and the gamma band (GammaLowHz to
// GammaHighHz):
//
//	r, err := analysis.Rhythm(steps, 1000, 1, 1000, analysis.RhythmSegmentMs)
//	fmt.Println(r.AlphaPeakHz, r.GammaPeakHz) // r.RateHz, r.FreqHz, r.Power
//
// RhythmCounts gives the same result from the spike count of each step
// instead of one entry per spike, for recordings counted as they run.
//
// # Spectra
//
// Spectrum is the plain periodogram of the mean-removed signal, normalised
// so that Parseval's theorem holds exactly: the sum of power·df over all its
// bins (BandPower from 0 to the Nyquist frequency) equals the population
// variance of x. Each of its bins is noisy (a chi-square with two degrees of
// freedom for noise: a standard error of 100%). Welch averages
// Hann-windowed periodograms of half-overlapping segments (Welch 1967),
// trading resolution for a variance about 1/K as large with K segments; its
// sum of power·df equals the mean window-weighted variance of the segments,
// which estimates the variance of a stationary x. Both return a one-sided
// power spectral density in units of x² per Hz: for a population rate in Hz,
// Hz²/Hz.
//
// # Error handling
//
// No function panics on bad input. Empty input, NaN or infinite values,
// non-positive rates or durations, spike indices outside the recording,
// bins that are not a whole number of steps, Welch segments shorter than two
// samples and bands that hold no frequency bin are errors that start with
// "analysis: ".
//
// # Concurrency
//
// The functions have no shared state and allocate their results; any number
// of goroutines may call them at the same time.
package analysis
