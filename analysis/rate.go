package analysis

import (
	"fmt"
	"math"
)

// PopulationRate returns the population firing rate of nNeurons neurons in
// Hz per neuron, in consecutive bins of binMs milliseconds.
//
// samples holds one entry per spike event: the sample (step) index at which
// some neuron fired, in [0, nSamples); order does not matter, and an index
// appears once per neuron that fired at that step. The recording lasts
// nSamples steps of dtMs milliseconds. binMs must be a whole number k of
// steps (within a relative 1e-9, so that 1 ms at dt = 0.1 ms is accepted)
// and nSamples a multiple of k, so that every bin has the same width. Bin b
// covers samples [b·k, (b+1)·k) and
//
//	rate[b] = (spikes in bin b) / (nNeurons · binMs·1e-3 s).
//
// An empty samples slice is a silent recording: all rates are 0.
func PopulationRate(samples []int, nNeurons int, dtMs float64, nSamples int, binMs float64) ([]float64, error) {
	if err := checkRecording(samples, nNeurons, dtMs, nSamples); err != nil {
		return nil, err
	}
	if !(binMs > 0) || math.IsInf(binMs, 0) {
		return nil, fmt.Errorf("analysis: bin width (%g ms) must be positive and finite", binMs)
	}
	k := math.Round(binMs / dtMs)
	if k < 1 || math.Abs(k*dtMs-binMs) > 1e-9*binMs {
		return nil, fmt.Errorf("analysis: bin width (%g ms) is not a whole number of steps of %g ms", binMs, dtMs)
	}
	if k > float64(nSamples) {
		return nil, fmt.Errorf("analysis: bin width (%g ms = %g steps) exceeds the recording (%d steps)", binMs, k, nSamples)
	}
	steps := int(k)
	if nSamples%steps != 0 {
		return nil, fmt.Errorf("analysis: recording of %d steps is not a whole number of bins of %d steps (%g ms); trim it", nSamples, steps, binMs)
	}
	rate := make([]float64, nSamples/steps)
	for _, s := range samples {
		rate[s/steps]++
	}
	// Use the exact bin width k·dt (binMs may differ from it by rounding).
	scale := rateScale(nNeurons, k, dtMs)
	for b := range rate {
		rate[b] *= scale
	}
	return rate, nil
}

// rateScale is the factor from a bin's spike count to its rate in Hz per
// neuron, for bins of k steps of dtMs.
func rateScale(nNeurons int, k, dtMs float64) float64 {
	return 1 / (float64(nNeurons) * k * dtMs * 1e-3)
}

// MeanRate returns the mean firing rate in Hz per neuron of nNeurons neurons
// recorded for nSamples steps of dtMs milliseconds: len(samples) divided by
// nNeurons · nSamples · dtMs·1e-3 s. samples is as for PopulationRate; every
// index must lie in [0, nSamples).
func MeanRate(samples []int, nNeurons int, dtMs float64, nSamples int) (float64, error) {
	if err := checkRecording(samples, nNeurons, dtMs, nSamples); err != nil {
		return 0, err
	}
	return float64(len(samples)) / (float64(nNeurons) * float64(nSamples) * dtMs * 1e-3), nil
}

// checkRecording validates the arguments shared by PopulationRate and
// MeanRate.
func checkRecording(samples []int, nNeurons int, dtMs float64, nSamples int) error {
	if nNeurons < 1 {
		return fmt.Errorf("analysis: number of neurons (%d) must be positive", nNeurons)
	}
	if !(dtMs > 0) || math.IsInf(dtMs, 0) {
		return fmt.Errorf("analysis: time step (%g ms) must be positive and finite", dtMs)
	}
	if nSamples < 1 {
		return fmt.Errorf("analysis: number of samples (%d) must be positive", nSamples)
	}
	for i, s := range samples {
		if s < 0 || s >= nSamples {
			return fmt.Errorf("analysis: spike %d at sample %d is outside the recording [0, %d)", i, s, nSamples)
		}
	}
	return nil
}
