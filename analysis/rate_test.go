package analysis_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/analysis"
)

// wantErr fails unless err is non-nil, starts with "analysis: " and contains
// every fragment.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want one containing %q", fragments)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "analysis: ") {
		t.Errorf("error %q does not start with \"analysis: \"", msg)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not contain %q", msg, f)
		}
	}
}

// TestPopulationRateCounts builds a spike list from chosen per-bin counts,
// placing the spikes of bin b on its first and last steps and in between
// (so both bin edges are exercised, including samples 0 and nSamples-1),
// shuffles it, and expects rate[b] = counts[b] / (nNeurons · bin in s).
func TestPopulationRateCounts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		nNeurons int
		dtMs     float64
		binMs    float64
		steps    int // bin width in steps, from dtMs and binMs by hand
		counts   []int
	}{
		{"dt 0.5 bin 2", 4, 0.5, 2, 4, []int{3, 0, 1, 7, 2, 0, 0, 5, 1, 4}},
		{"dt 0.1 bin 0.3", 10, 0.1, 0.3, 3, []int{0, 2, 9, 1, 0, 3}},
		{"dt 1 bin 1", 2, 1, 1, 1, []int{1, 0, 2, 2, 0, 1}},
		{"one bin", 5, 0.25, 2, 8, []int{11}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var samples []int
			for b, c := range tc.counts {
				first, last := b*tc.steps, (b+1)*tc.steps-1
				for j := 0; j < c; j++ {
					switch j % 3 {
					case 0:
						samples = append(samples, first)
					case 1:
						samples = append(samples, last)
					default:
						samples = append(samples, (first+last)/2)
					}
				}
			}
			rng := rand.New(rand.NewPCG(1, 2))
			rng.Shuffle(len(samples), func(i, j int) { samples[i], samples[j] = samples[j], samples[i] })
			nSamples := len(tc.counts) * tc.steps
			rate, err := analysis.PopulationRate(samples, tc.nNeurons, tc.dtMs, nSamples, tc.binMs)
			if err != nil {
				t.Fatal(err)
			}
			if len(rate) != len(tc.counts) {
				t.Fatalf("got %d bins, want %d", len(rate), len(tc.counts))
			}
			binS := float64(tc.steps) * tc.dtMs / 1000
			for b, c := range tc.counts {
				want := float64(c) / (float64(tc.nNeurons) * binS)
				if math.Abs(rate[b]-want) > 1e-12*want {
					t.Errorf("bin %d: rate = %v Hz, want %v Hz (%d spikes)", b, rate[b], want, c)
				}
			}
			// The mean of the binned rate is the mean rate.
			total := 0
			for _, c := range tc.counts {
				total += c
			}
			mean, err := analysis.MeanRate(samples, tc.nNeurons, tc.dtMs, nSamples)
			if err != nil {
				t.Fatal(err)
			}
			want := float64(total) / (float64(tc.nNeurons) * float64(nSamples) * tc.dtMs / 1000)
			if math.Abs(mean-want) > 1e-12*want {
				t.Errorf("MeanRate = %v Hz, want %v Hz", mean, want)
			}
		})
	}
}

func TestPopulationRateSilent(t *testing.T) {
	t.Parallel()
	rate, err := analysis.PopulationRate(nil, 3, 0.5, 20, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rate) != 2 || rate[0] != 0 || rate[1] != 0 {
		t.Errorf("silent recording gave %v, want [0 0]", rate)
	}
	if m, err := analysis.MeanRate(nil, 3, 0.5, 20); err != nil || m != 0 {
		t.Errorf("MeanRate(silent) = %v, %v; want 0, nil", m, err)
	}
}

func TestPopulationRateErrors(t *testing.T) {
	t.Parallel()
	good := []int{0, 3, 9}
	cases := []struct {
		name     string
		samples  []int
		nNeurons int
		dtMs     float64
		nSamples int
		binMs    float64
		want     []string
	}{
		{"fractional bin", good, 2, 0.5, 10, 0.75, []string{"0.75 ms", "whole number of steps"}},
		{"bin below dt", good, 2, 0.5, 10, 0.2, []string{"whole number of steps"}},
		{"zero bin", good, 2, 0.5, 10, 0, []string{"bin width (0 ms)"}},
		{"NaN bin", good, 2, 0.5, 10, math.NaN(), []string{"bin width (NaN ms)"}},
		{"Inf bin", good, 2, 0.5, 10, math.Inf(1), []string{"positive and finite"}},
		{"bin longer than recording", good, 2, 0.5, 10, 10, []string{"exceeds the recording"}},
		{"partial last bin", good, 2, 0.5, 10, 1.5, []string{"10 steps", "bins of 3 steps"}},
		{"negative sample", []int{0, -1}, 2, 0.5, 10, 1, []string{"spike 1 at sample -1", "[0, 10)"}},
		{"sample past end", []int{10}, 2, 0.5, 10, 1, []string{"sample 10"}},
		{"no neurons", good, 0, 0.5, 10, 1, []string{"neurons (0)"}},
		{"zero dt", good, 2, 0, 10, 1, []string{"time step (0 ms)"}},
		{"NaN dt", good, 2, math.NaN(), 10, 1, []string{"time step (NaN ms)"}},
		{"no samples", nil, 2, 0.5, 0, 1, []string{"number of samples (0)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rate, err := analysis.PopulationRate(tc.samples, tc.nNeurons, tc.dtMs, tc.nSamples, tc.binMs)
			wantErr(t, err, tc.want...)
			if rate != nil {
				t.Errorf("got rates %v with the error", rate)
			}
		})
	}
	for _, tc := range []struct {
		name     string
		samples  []int
		nNeurons int
		dtMs     float64
		nSamples int
	}{
		{"negative sample", []int{-2}, 1, 1, 5},
		{"no neurons", nil, 0, 1, 5},
		{"Inf dt", nil, 1, math.Inf(1), 5},
		{"no samples", nil, 1, 1, 0},
	} {
		_, err := analysis.MeanRate(tc.samples, tc.nNeurons, tc.dtMs, tc.nSamples)
		if err == nil || !strings.HasPrefix(err.Error(), "analysis: ") {
			t.Errorf("MeanRate %s: error = %v, want an \"analysis: \" error", tc.name, err)
		}
	}
}
