package poisson_test

import (
	"context"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/poisson"
	"github.com/spikegraph/spikegraph/ops"
	"github.com/spikegraph/spikegraph/session"
)

// TestValidate is the bad-config table: Validate and Declare reject each
// config with an error naming the field, add nothing and do not panic.
func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  poisson.Config
		want string
	}{
		{"n zero", poisson.Config{N: 0, DtMs: 0.5}, "Config.N = 0 must be in [1, 4294967296]"},
		{"n negative", poisson.Config{N: -3, DtMs: 0.5}, "Config.N = -3"},
		{"n past MaxIndex+1", poisson.Config{N: ops.MaxIndex + 2, DtMs: 0.5}, "Config.N = 4294967297"},
		{"dt zero", poisson.Config{N: 3, DtMs: 0}, "Config.DtMs = 0 ms must be > 0"},
		{"dt negative", poisson.Config{N: 3, DtMs: -1}, "Config.DtMs = -1 ms"},
		{"dt NaN", poisson.Config{N: 3, DtMs: math.NaN()}, "Config.DtMs = NaN"},
		{"dt Inf", poisson.Config{N: 3, DtMs: math.Inf(1)}, "Config.DtMs = +Inf"},
		{"stream", poisson.Config{N: 3, DtMs: 0.5, Stream: 1 << 33}, "Config.Stream = 8589934592 must not exceed"},
		{"zero config", poisson.Config{}, "Config.N = 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testutil.WantErr(t, "poisson", "Validate", testutil.NoPanic(t, tc.cfg.Validate), tc.want)
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			testutil.WantErr(t, "poisson", "Declare", testutil.NoPanic(t, func() error {
				_, err := poisson.Declare(g.Scope("in"), tc.cfg)
				return err
			}), tc.want)
			if names := g.Names(); len(names) != 0 {
				t.Errorf("Declare added nodes: got=%v, want none", names)
			}
		})
	}
	if r := (poisson.Config{N: 1, DtMs: 0.5}).MaxRate(); r != 2000 {
		t.Fatalf("MaxRate: got=%v, want 2000 Hz at 0.5 ms", r)
	}
}

// TestNilArguments checks Declare and Step with nil builders and sources.
func TestNilArguments(t *testing.T) {
	t.Parallel()
	cfg := poisson.Config{N: 2, DtMs: 0.5}
	g, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("in")
	src, err := poisson.Declare(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var none *poisson.Source
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"Declare nil builder", func() error { _, err := poisson.Declare(nil, cfg); return err }, "Declare: nil builder"},
		{"Step nil builder", func() error { _, err := src.Step(nil); return err }, "Step: nil source or builder"},
		{"Step nil source", func() error { _, err := none.Step(b); return err }, "Step: nil source or builder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			testutil.WantErr(t, "poisson", tc.name, testutil.NoPanic(t, tc.run), tc.want)
		})
	}
}

// TestSpikesBadInput checks that Spikes returns an error, and leaves dst
// unchanged, wherever the graph would fail or the slices do not fit.
func TestSpikesBadInput(t *testing.T) {
	t.Parallel()
	good := poisson.Config{N: 3, Seed: 1, DtMs: 0.5}
	cases := []struct {
		name string
		cfg  poisson.Config
		dst  []float64
		step int
		rate []float64
		want string
	}{
		{"rate shorter than dst", good, make([]float64, 3), 0, []float64{10, 10}, "dst and rate have 3 and 2 values, want Config.N = 3"},
		{"rate longer than dst", good, make([]float64, 3), 0, []float64{10, 10, 10, 10}, "have 3 and 4 values"},
		{"dst shorter than N", good, make([]float64, 2), 0, []float64{10, 10, 10}, "have 2 and 3 values"},
		{"nil slices", good, nil, 0, nil, "have 0 and 0 values"},
		{"negative step", good, make([]float64, 3), -1, []float64{10, 10, 10}, "step = -1 must be >= 0"},
		{"p > 1", good, make([]float64, 3), 0, []float64{10, 2500, 10}, "rate[1] = 2500 Hz gives p = 1.25"},
		{"negative rate", good, make([]float64, 3), 0, []float64{10, 10, -1}, "rate[2] = -1 Hz"},
		{"NaN rate", good, make([]float64, 3), 0, []float64{math.NaN(), 10, 10}, "rate[0] = NaN Hz"},
		{"bad config", poisson.Config{N: 3}, make([]float64, 3), 0, []float64{10, 10, 10}, "Config.DtMs = 0 ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for i := range tc.dst {
				tc.dst[i] = 7 // must survive a failed call
			}
			testutil.WantErr(t, "poisson", "Spikes", testutil.NoPanic(t, func() error { return tc.cfg.Spikes(tc.dst, tc.step, tc.rate) }), tc.want)
			for i, x := range tc.dst {
				if x != 7 {
					t.Errorf("dst[%d] after a failed call: got=%v, want 7 (unchanged)", i, x)
				}
			}
		})
	}
	// The extremes: rate 0 never spikes, p = 1 always does.
	dst := make([]float64, 3)
	if err := good.Spikes(dst, 5, []float64{0, good.MaxRate(), 0}); err != nil || dst[0] != 0 || dst[1] != 1 || dst[2] != 0 {
		t.Errorf("rates 0, MaxRate, 0: got=%v (%v), want [0 1 0]", dst, err)
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
		if err := cfg.Spikes(want, k, rate); err != nil {
			t.Fatal(err)
		}
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
