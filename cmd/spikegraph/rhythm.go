package main

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/spikegraph/spikegraph/analysis"
	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/sim"
)

// rhythm summarises a population's rate spectrum in summary.json.
type rhythm struct {
	AlphaPeakHz float64 `json:"alpha_peak_hz"` // strongest frequency in 6-14 Hz
	GammaPeakHz float64 `json:"gamma_peak_hz"` // strongest frequency in 25-80 Hz
}

// writeRhythm stages rate.csv (the population rate in 1-step bins, each
// labelled with the time of the sample it counts), spectrum.csv (its Welch
// power spectrum) and spectrum.png.
func writeRhythm(od *outdir.Run, rh analysis.RhythmResult, res *sim.Result, title string) (*rhythm, error) {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	if err := od.WriteCSV("rate.csv", []string{"t_ms", "rate_hz"}, func(w *csv.Writer) error {
		for i, r := range rh.RateHz {
			if err := w.Write([]string{f(res.TimeMs(i + 1)), f(r)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := od.WriteCSV("spectrum.csv", []string{"freq_hz", "power_hz2_per_hz"}, func(w *csv.Writer) error {
		for i := range rh.FreqHz {
			if err := w.Write([]string{f(rh.FreqHz[i]), f(rh.Power[i])}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := od.Write("spectrum.png", func(w io.Writer) error {
		return plot.SpectrumPNG(w, plot.Spectrum{Title: title, RateHz: rh.RateHz, BinMs: res.DtMs, FreqHz: rh.FreqHz, Power: rh.Power})
	}); err != nil {
		return nil, err
	}
	return &rhythm{AlphaPeakHz: rh.AlphaPeakHz, GammaPeakHz: rh.GammaPeakHz}, nil
}
