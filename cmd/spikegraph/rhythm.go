package main

import (
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/spikegraph/spikegraph/analysis"
	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/session"
)

// rhythm summarises a population's rate spectrum in summary.json.
type rhythm struct {
	AlphaPeakHz float64 `json:"alpha_peak_hz"` // strongest frequency in 6-14 Hz
	GammaPeakHz float64 `json:"gamma_peak_hz"` // strongest frequency in 25-80 Hz
}

// writeRhythm stages rate.csv (the population rate in 1-sample bins),
// spectrum.csv (its Welch power spectrum) and spectrum.png.
func writeRhythm(od *outdir.Run, events []session.SpikeEvent, n int, dtMs float64, steps int, title string) (*rhythm, error) {
	samples := make([]int, 0, len(events))
	for _, e := range events {
		if e.Sample >= 1 { // samples 1..steps; sample 0 is the initial state
			samples = append(samples, int(e.Sample)-1)
		}
	}
	res, err := analysis.Rhythm(samples, n, dtMs, steps, analysis.RhythmSegmentMs)
	if err != nil {
		return nil, fmt.Errorf("rhythm: %w", err)
	}
	rate, freq, power := res.RateHz, res.FreqHz, res.Power
	rh := &rhythm{AlphaPeakHz: res.AlphaPeakHz, GammaPeakHz: res.GammaPeakHz}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	if err := od.WriteCSV("rate.csv", []string{"t_ms", "rate_hz"}, func(w *csv.Writer) error {
		for i, r := range rate {
			if err := w.Write([]string{f(float64(i+1) * dtMs), f(r)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := od.WriteCSV("spectrum.csv", []string{"freq_hz", "power_hz2_per_hz"}, func(w *csv.Writer) error {
		for i := range freq {
			if err := w.Write([]string{f(freq[i]), f(power[i])}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	png, err := od.Create("spectrum.png")
	if err != nil {
		return nil, err
	}
	err = plot.SpectrumPNG(png, plot.Spectrum{Title: title, RateHz: rate, BinMs: dtMs, FreqHz: freq, Power: power})
	if cerr := png.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing spectrum.png: %w", err)
	}
	return rh, nil
}
