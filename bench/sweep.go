package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"
	"time"
)

// Stat is a mean over runs and its standard error: the sample standard
// deviation over the runs (n-1 in the denominator) divided by sqrt(runs);
// 0 for a single run.
type Stat struct {
	Mean, SE float64
}

func statOf(x []float64) Stat {
	n := float64(len(x))
	if n == 0 {
		return Stat{}
	}
	var s Stat
	for _, v := range x {
		s.Mean += v
	}
	s.Mean /= n
	if n < 2 {
		return s
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - s.Mean) * (v - s.Mean)
	}
	s.SE = math.Sqrt(ss/(n-1)) / math.Sqrt(n)
	return s
}

// Summary sums up the runs of one engine at one size, one run per seed.
type Summary struct {
	Engine Engine
	N      int
	PRec   float64
	Runs   int
	Steps  int
	DtMs   float64
	// Loop is the median loop time over the runs; LoopMin and LoopMax
	// bound it.
	Loop, LoopMin, LoopMax time.Duration
	// LoopCPU is the median of Result.LoopCPU (0 where not read).
	LoopCPU time.Duration
	// Setup is the median of Result.Setup: all of a run but its loop
	// (drawing the synapses, building and compiling the network, or
	// building the reference).
	Setup time.Duration
	// RateExcHz and RateInhHz are the mean rates over the runs (seeds)
	// with their standard errors over the seeds.
	RateExcHz, RateInhHz Stat
	// PeakRSS is the largest Result.PeakRSS of the runs (bytes);
	// PeakRSSReset is true when every run reset the peak first.
	PeakRSS      int64
	PeakRSSReset bool
}

// NsPerNeuronStep returns the median loop time per neuron and step (ns).
func (s Summary) NsPerNeuronStep() float64 { return nsPerNeuronStep(s.Loop, s.N, s.Steps) }

// RealTimeFactor returns the median loop time over the simulated time.
func (s Summary) RealTimeFactor() float64 {
	return s.Loop.Seconds() / (float64(s.Steps) * s.DtMs / 1e3)
}

// Summarize sums up runs of one engine at one size and probability.
func Summarize(runs []Result) (Summary, error) {
	if len(runs) == 0 {
		return Summary{}, errors.New("bench: summarize: no runs")
	}
	r0 := runs[0]
	s := Summary{Engine: r0.Engine, N: r0.N, PRec: r0.PRec, Runs: len(runs), Steps: r0.Steps, DtMs: r0.DtMs, PeakRSSReset: true}
	loops, cpus, setups := make([]time.Duration, len(runs)), make([]time.Duration, len(runs)), make([]time.Duration, len(runs))
	exc, inh := make([]float64, len(runs)), make([]float64, len(runs))
	for i, r := range runs {
		if r.Engine != r0.Engine || r.N != r0.N || r.PRec != r0.PRec || r.Steps != r0.Steps || r.DtMs != r0.DtMs {
			return Summary{}, fmt.Errorf("bench: summarize: run %d is %v n=%d p=%g, run 0 %v n=%d p=%g", i, r.Engine, r.N, r.PRec, r0.Engine, r0.N, r0.PRec)
		}
		loops[i], cpus[i], setups[i], exc[i], inh[i] = r.Loop, r.LoopCPU, r.Setup, r.RateExcHz, r.RateInhHz
		s.PeakRSS = max(s.PeakRSS, r.PeakRSS)
		s.PeakRSSReset = s.PeakRSSReset && r.PeakRSSReset
	}
	slices.Sort(loops)
	slices.Sort(cpus)
	slices.Sort(setups)
	s.Loop, s.LoopMin, s.LoopMax = median(loops), loops[0], loops[len(loops)-1]
	s.LoopCPU, s.Setup = median(cpus), median(setups)
	s.RateExcHz, s.RateInhHz = statOf(exc), statOf(inh)
	return s, nil
}

// median returns the median of sorted d (the mean of the middle two for an
// even count).
func median(d []time.Duration) time.Duration {
	m := len(d) / 2
	if len(d)%2 == 1 {
		return d[m]
	}
	return (d[m-1] + d[m]) / 2
}

// Agree reports whether a and b's mean rates, excitatory and inhibitory,
// agree within k standard errors of their difference,
// |mean_a - mean_b| <= k·sqrt(SE_a² + SE_b²), the SEs taken over seeds
// (Summarize). The issue asks for k = 2. It returns nil or an error naming
// the rate that differs.
func Agree(a, b Summary, k float64) error {
	for _, x := range []struct {
		name string
		a, b Stat
	}{{"exc", a.RateExcHz, b.RateExcHz}, {"inh", a.RateInhHz, b.RateInhHz}} {
		d, se := math.Abs(x.a.Mean-x.b.Mean), math.Hypot(x.a.SE, x.b.SE)
		if !(d <= k*se) {
			return fmt.Errorf("bench: %s rates differ at n=%d: %v %.4g ± %.2g Hz, %v %.4g ± %.2g Hz: |diff| %.3g > %g SE (%.3g)",
				x.name, a.N, a.Engine, x.a.Mean, x.a.SE, b.Engine, x.b.Mean, x.b.SE, d, k, k*se)
		}
	}
	return nil
}

// SweepConfig is a sweep over sizes, seeds and engines.
type SweepConfig struct {
	Ns      []int    // sizes, e.g. 1e3, 1e4, 1e5, 1e6
	Seeds   []uint64 // one run per seed and engine; nil: 1..5
	Engines []Engine // nil: graph and reference
	// PRec gives the recurrent probability at n; nil: DefaultPRec.
	PRec func(n int) float64
	// Progress, when not nil, is called after every run.
	Progress func(Result)
}

// Sweep runs every engine at every size for every seed, one run at a
// time: for each size, seed by seed, the engines in turn (so slow drifts
// of a shared machine touch each engine alike), and returns one Summary
// per size and engine, in that order. It stops at the first error.
func Sweep(ctx context.Context, c SweepConfig) ([]Summary, error) {
	seeds, engines, prec := c.Seeds, c.Engines, c.PRec
	if seeds == nil {
		seeds = []uint64{1, 2, 3, 4, 5}
	}
	if engines == nil {
		engines = []Engine{EngineGraph, EngineReference}
	}
	if prec == nil {
		prec = DefaultPRec
	}
	var out []Summary
	for _, n := range c.Ns {
		runs := make([][]Result, len(engines))
		for _, seed := range seeds {
			for i, e := range engines {
				r, err := Run(ctx, e, n, seed, prec(n))
				if err != nil {
					return out, fmt.Errorf("bench: sweep %v n=%d seed=%d: %w", e, n, seed, err)
				}
				if c.Progress != nil {
					c.Progress(r)
				}
				runs[i] = append(runs[i], r)
			}
		}
		for i := range engines {
			s, err := Summarize(runs[i])
			if err != nil {
				return out, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// WriteTable writes summaries as an aligned table: engine, n, p, the
// median loop time (wall), the median CPU time over the loop, the median
// setup time (Summary.Setup), ns per
// neuron-step and real-time factor (both from the wall median), the ratio
// of wall medians to the reference loop at the same n (when summaries
// holds one), the peak RSS in MiB (marked * where it could not be reset
// before each run, so it may be an earlier run's), the rates with their
// standard errors over seeds, and, for the other engines, whether their
// rates agree with the reference's within 2 SE (Agree).
func WriteTable(w io.Writer, summaries []Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tn\tp\truns\tloop s (median)\tCPU s (median)\tsetup s (median)\tns/neuron-step\treal-time factor\tx reference\tpeak RSS MB\texc Hz ± SE\tinh Hz ± SE\trates agree (2 SE)\t")
	ref := map[int]Summary{}
	for _, s := range summaries {
		if s.Engine == EngineReference {
			ref[s.N] = s
		}
	}
	for _, s := range summaries {
		ratio, agree := "-", "-"
		if r, ok := ref[s.N]; ok && s.Engine != EngineReference {
			ratio = fmt.Sprintf("%.2f", s.Loop.Seconds()/r.Loop.Seconds())
			agree = "yes"
			if err := Agree(s, r, 2); err != nil {
				agree = "NO"
			}
		}
		rss := fmt.Sprintf("%.0f", float64(s.PeakRSS)/(1<<20))
		if !s.PeakRSSReset {
			rss += "*"
		}
		fmt.Fprintf(tw, "%v\t%d\t%.3g\t%d\t%.4f\t%.4f\t%.2f\t%.1f\t%.4f\t%s\t%s\t%.3f ± %.3f\t%.3f ± %.3f\t%s\t\n",
			s.Engine, s.N, s.PRec, s.Runs, s.Loop.Seconds(), s.LoopCPU.Seconds(), s.Setup.Seconds(), s.NsPerNeuronStep(), s.RealTimeFactor(), ratio, rss,
			s.RateExcHz.Mean, s.RateExcHz.SE, s.RateInhHz.Mean, s.RateInhHz.SE, agree)
	}
	return tw.Flush()
}
