package analysis

import (
	"fmt"
	"math"
)

// The frequency bands in which Rhythm looks for peaks, both ends included:
// the alpha and gamma rhythms that Izhikevich (2003) reports for his
// network of 1000 spiking neurons (about 10 Hz and about 40 Hz).
const (
	AlphaLowHz  = 6.0  // lower end of the alpha band (Hz)
	AlphaHighHz = 14.0 // upper end of the alpha band (Hz)
	GammaLowHz  = 25.0 // lower end of the gamma band (Hz)
	GammaHighHz = 80.0 // upper end of the gamma band (Hz)
)

// RhythmSegmentMs is the Welch segment, in ms, that spikegraph uses for the
// population-rate spectrum of Izhikevich's (2003) network: 500 ms gives 2 Hz
// bins, fine enough to tell the alpha (~10 Hz) and gamma (~40 Hz) rhythms
// apart, and three half-overlapping segments in the network's 1000 ms run.
const RhythmSegmentMs = 500.0

// RhythmResult is a population's rate, its power spectrum and the peaks of
// the spectrum in the alpha and gamma bands, as Rhythm returns them.
type RhythmResult struct {
	// RateHz is the population rate in Hz per neuron, one bin per step:
	// RateHz[b] counts the spikes at sample b (see PopulationRate).
	RateHz []float64
	// BinMs is the width of a rate bin in ms: the time step.
	BinMs float64
	// Segment is the Welch segment in samples (bins of RateHz) that the
	// spectrum was computed with, at least 2.
	Segment int
	// FreqHz are the spectrum's bin frequencies in Hz, from 0 in steps of
	// 1000/(BinMs·Segment) Hz up to the Nyquist frequency.
	FreqHz []float64
	// Power is the Welch power spectral density of RateHz at FreqHz, in
	// Hz²/Hz, each >= 0.
	Power []float64
	// AlphaPeakHz is the frequency of the largest power in
	// [AlphaLowHz, AlphaHighHz] (the lowest on a tie).
	AlphaPeakHz float64
	// GammaPeakHz is the frequency of the largest power in
	// [GammaLowHz, GammaHighHz] (the lowest on a tie).
	GammaPeakHz float64
}

// Rhythm returns the population rate of nNeurons neurons recorded for
// nSamples steps of dtMs milliseconds in bins of one step, its Welch
// spectrum from segments of segmentMs milliseconds, and the spectrum's peaks
// in the alpha and gamma bands. samples holds one entry per spike event,
// the sample index in [0, nSamples), as for PopulationRate.
//
// It computes, at the sampling rate 1000/dtMs Hz,
//
//	rate  = PopulationRate(samples, nNeurons, dtMs, nSamples, dtMs)
//	seg   = min(nSamples, int(segmentMs/dtMs))
//	f, p  = Welch(rate, 1000/dtMs, seg)
//	alpha = PeakFrequency(f, p, AlphaLowHz, AlphaHighHz)
//	gamma = PeakFrequency(f, p, GammaLowHz, GammaHighHz)
//
// so a recording shorter than segmentMs is analysed as one segment, and the
// segment is rounded down to whole steps. Pass RhythmSegmentMs for
// spikegraph's choice.
//
// The arguments are checked as by PopulationRate; besides, segmentMs must be
// positive and finite, the segment must hold at least 2 samples, and each
// band must hold a frequency bin (the Nyquist frequency 500/dtMs Hz must
// reach GammaLowHz, so dtMs <= 20 ms, and the bins, 1000/(dtMs·seg) Hz
// apart, must be fine enough to fall into each band). On an error the
// result is the zero RhythmResult.
func Rhythm(samples []int, nNeurons int, dtMs float64, nSamples int, segmentMs float64) (RhythmResult, error) {
	rate, err := PopulationRate(samples, nNeurons, dtMs, nSamples, dtMs)
	if err != nil {
		return RhythmResult{}, err
	}
	return rhythmOf(rate, dtMs, segmentMs)
}

// RhythmCounts is Rhythm of a recording given as its spike count per
// step: counts[b] (>= 0) spikes at sample b, len(counts) samples. It
// returns what Rhythm returns for the same spikes, bit for bit, but takes
// 4 bytes per step instead of 8 per spike, so a long recording can be
// counted as it runs.
func RhythmCounts(counts []int32, nNeurons int, dtMs float64, segmentMs float64) (RhythmResult, error) {
	if err := checkRecording(nil, nNeurons, dtMs, len(counts)); err != nil {
		return RhythmResult{}, err
	}
	rate := make([]float64, len(counts))
	scale := rateScale(nNeurons, 1, dtMs)
	for b, c := range counts {
		if c < 0 {
			return RhythmResult{}, fmt.Errorf("analysis: count %d at sample %d is negative", c, b)
		}
		rate[b] = float64(c) * scale
	}
	return rhythmOf(rate, dtMs, segmentMs)
}

// rhythmOf is Rhythm's analysis of the rate in bins of one step.
func rhythmOf(rate []float64, dtMs, segmentMs float64) (RhythmResult, error) {
	nSamples := len(rate)
	if !(segmentMs > 0) || math.IsInf(segmentMs, 0) {
		return RhythmResult{}, fmt.Errorf("analysis: Welch segment (%g ms) must be positive and finite", segmentMs)
	}
	seg := nSamples
	if ratio := segmentMs / dtMs; ratio < float64(nSamples) {
		seg = int(ratio)
	}
	if seg < 2 {
		return RhythmResult{}, fmt.Errorf("analysis: Welch segment of %d samples (%g ms of a %d-step recording at %g ms per step) is too short, want at least 2", seg, segmentMs, nSamples, dtMs)
	}
	freq, power, err := Welch(rate, 1000/dtMs, seg)
	if err != nil {
		return RhythmResult{}, err
	}
	alpha, err := PeakFrequency(freq, power, AlphaLowHz, AlphaHighHz)
	if err != nil {
		return RhythmResult{}, err
	}
	gamma, err := PeakFrequency(freq, power, GammaLowHz, GammaHighHz)
	if err != nil {
		return RhythmResult{}, err
	}
	return RhythmResult{RateHz: rate, BinMs: dtMs, Segment: seg, FreqHz: freq, Power: power, AlphaPeakHz: alpha, GammaPeakHz: gamma}, nil
}
