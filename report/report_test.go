package report

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spikegraph/spikegraph/sim"
)

// spikes at samples 0, 2, 10 and 19 of a 20-step run at 0.5 ms.
const spikesCSV = "t_ms,neuron\n0,0\n1,1\n5,1\n9.5,3\n"

func testRun() Run {
	return Run{Title: "t", DtMs: 0.5, Steps: 20, N: 4, Inh: []bool{false, false, true, true},
		Spikes: strings.NewReader(spikesCSV), Params: []Field{{"seed", "1"}}}
}

func TestCountSpikes(t *testing.T) {
	counts, rate, binMs, err := testRun().countSpikes()
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 0, 1}; !slices.Equal(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
	// Bins of 10 steps (5 ms) over samples 1..20: samples 2 and 10 in the
	// first, 19 in the second (sample 0, the initial state, in none);
	// 2 spikes / (4 neurons · 5 ms) = 100 Hz.
	if binMs != 5 || !slices.Equal(rate, []float64{100, 50}) {
		t.Errorf("rate = %v in bins of %v ms, want [100 50] in 5 ms", rate, binMs)
	}
	stats := testRun().rateStats(counts, 0.01)
	if len(stats) != 2 || !strings.HasPrefix(stats[0].Value, "2: rate mean 150.00 Hz, median 150.00 Hz, max 200.00 Hz; 0 silent") {
		t.Errorf("stats = %v", stats)
	}
}

func TestWrite(t *testing.T) {
	r := testRun()
	r.Profile = []sim.OpProfile{{Node: "net/izhikevich_step#1", Op: "IzhikevichStep{}", Calls: 20, Total: time.Millisecond, Share: 1}}
	var b bytes.Buffer
	if err := Write(context.Background(), &b, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<h2 id=\"parameters\">", "<th>seed</th><td>1</td>", "excitatory neurons", "Population rate",
		"Rate histogram: excitatory", "Rate histogram: inhibitory", "No graph.", "net/izhikevich_step#1", "100.0 %"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, `src="data:image/png;base64,`); n != 4 { // raster, rate, 2 histograms
		t.Errorf("%d inlined PNGs, want 4", n)
	}
	for name, mod := range map[string]func(*Run){
		"DtMs":   func(r *Run) { r.DtMs = 0 },
		"Steps":  func(r *Run) { r.Steps = 0 },
		"N":      func(r *Run) { r.N = 0 },
		"Inh":    func(r *Run) { r.Inh = []bool{true} },
		"Spikes": func(r *Run) { r.Spikes = nil },
		"V":      func(r *Run) { r.Recorded = []int{0} },
		"neuron": func(r *Run) { r.Spikes = strings.NewReader("t_ms,neuron\n1,9\n") },
	} {
		r := testRun()
		mod(&r)
		var b bytes.Buffer
		err := Write(context.Background(), &b, r)
		if err == nil || !strings.Contains(err.Error(), strings.ToLower(name[:1])+name[1:]) && !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want one naming it", name, err)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", name, b.Len())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Write(ctx, &bytes.Buffer{}, testRun()); err == nil {
		t.Error("cancelled: no error")
	}
}
