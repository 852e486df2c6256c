package poisson_test

import (
	"context"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/poisson"
	"github.com/spikegraph/spikegraph/session"
)

func TestValidate(t *testing.T) {
	for name, c := range map[string]poisson.Config{
		"n zero":  {N: 0, DtMs: 0.5},
		"dt zero": {N: 3, DtMs: 0},
		"stream":  {N: 3, DtMs: 0.5, Stream: 1 << 33},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if r := (poisson.Config{N: 1, DtMs: 0.5}).MaxRate(); r != 2000 {
		t.Fatalf("MaxRate %v, want 2000 Hz at 0.5 ms", r)
	}
}

type rateFeeder []float64

func (r rateFeeder) Feed(step int, w graph.InputWriter) error { return w.SetInput("in/rate", r) }

func TestGraphDrawsWhatSpikesSays(t *testing.T) {
	// The graph's draws equal the plain-Go Spikes for every step.
	cfg := poisson.Config{N: 50, Seed: 9, Stream: 2, DtMs: 0.5}
	g, _ := graph.New()
	b := g.Scope("in")
	src, err := poisson.Declare(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	out, err := src.Step(b)
	if err != nil {
		t.Fatal(err)
	}
	b.Output("spikes", out)
	s, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	rate := make([]float64, cfg.N)
	for i := range rate {
		rate[i] = 40 * float64(i) // up to 1960 Hz: p up to 0.98
	}
	want := make([]float64, cfg.N)
	total := 0
	for k := 0; k < 40; k++ {
		if err := s.Steps(context.Background(), 1, rateFeeder(rate)); err != nil {
			t.Fatal(err)
		}
		v, err := s.Fetched("in/spikes")
		if err != nil {
			t.Fatal(err)
		}
		got := v.Data().([]float64)
		cfg.Spikes(want, k, rate)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("step %d train %d: graph %v, Spikes %v", k, i, got[i], want[i])
			}
			total += int(got[i])
		}
	}
	// Expected total: 40 steps * sum_i p_i = 40 * 0.02 * (0+...+49) = 980.
	if total < 900 || total > 1060 {
		t.Fatalf("%d spikes, want about 980 (sd about 20)", total)
	}
	// A rate with p > 1 fails the run instead of being clipped.
	rate[3] = 2500
	if err := s.Steps(context.Background(), 1, rateFeeder(rate)); err == nil {
		t.Fatal("p = 1.25 accepted")
	}
}
