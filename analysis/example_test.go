package analysis_test

import (
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/analysis"
)

// Example analyses a synthetic recording of 100 neurons over 2 s at
// dt = 0.5 ms whose population fires in a 10 Hz (alpha) rhythm: about
// round(1 + sin(2π·10·t)) spikes per step, one per step on average, i.e. a
// mean rate of 1/(100 · 0.5 ms) = 20 Hz per neuron. Rounding makes the rate
// a stepped wave, whose harmonics (30 Hz, 50 Hz, ...) hold the rest of the
// power.
func Example() {
	const nNeurons, dtMs, nSamples = 100, 0.5, 4000
	var samples []int // one entry per spike: the step at which it happened
	for s := 0; s < nSamples; s++ {
		t := float64(s) * dtMs / 1000
		k := int(math.Round(1 + math.Sin(2*math.Pi*10*t)))
		for j := 0; j < k; j++ {
			samples = append(samples, s)
		}
	}
	mean, err := analysis.MeanRate(samples, nNeurons, dtMs, nSamples)
	if err != nil {
		fmt.Println(err)
		return
	}
	rate, err := analysis.PopulationRate(samples, nNeurons, dtMs, nSamples, 1) // 1 ms bins: 1 kHz
	if err != nil {
		fmt.Println(err)
		return
	}
	f, p, err := analysis.Welch(rate, 1000, 1000) // 1 s Hann segments: 1 Hz bins
	if err != nil {
		fmt.Println(err)
		return
	}
	peak, _ := analysis.PeakFrequency(f, p, 1, 100)
	alpha, _ := analysis.BandPower(f, p, 8, 12)
	total, _ := analysis.BandPower(f, p, 0, 500)
	fmt.Printf("mean rate %.1f Hz, %d bins, peak %.0f Hz, %.0f%% of the power in 8-12 Hz\n",
		mean, len(rate), peak, 100*alpha/total)
	_, err = analysis.PopulationRate(samples, nNeurons, dtMs, nSamples, 0.75)
	fmt.Println(err)
	// Output:
	// mean rate 20.0 Hz, 2000 bins, peak 10 Hz, 92% of the power in 8-12 Hz
	// analysis: bin width (0.75 ms) is not a whole number of steps of 0.5 ms
}
