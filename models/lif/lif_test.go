package lif_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/ops"
)

// TestPresets checks the presets against the numbers their doc comments cite
// (Norse's LIFParameters defaults; Vogels and Abbott 2005), that they are
// valid, and that they are values: changing one does not change the next.
// Their behaviour (period, rheobase) is checked in analytic_test.go.
func TestPresets(t *testing.T) {
	t.Parallel()
	tr := lif.Training()
	if tr != (lif.Params{TauMemMs: 10, TauSynMs: 5, VLeak: 0, VThresh: 1, VReset: 0}) {
		t.Errorf("Training() = %+v", tr)
	}
	va := lif.VogelsAbbott()
	if va != (lif.Params{TauMemMs: 20, TauSynMs: 5, VLeak: -60, VThresh: -50, VReset: -60}) {
		t.Errorf("VogelsAbbott() = %+v", va)
	}
	for _, p := range []lif.Params{tr, va} {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	tr.TauMemMs = 99
	if lif.Training().TauMemMs != 10 {
		t.Error("Training shares state between calls")
	}
	if got := lif.Training().Rheobase(); got != 1 {
		t.Errorf("Training().Rheobase() = %v, want v_th - v_leak = 1", got)
	}
	for m, want := range map[lif.Mode]string{lif.CurrentBased: "current", lif.ConductanceBased: "conductance", 7: "Mode(7)"} {
		if m.String() != want {
			t.Errorf("Mode(%d).String() = %q, want %q", int(m), m.String(), want)
		}
	}
}

func goodCurrent() lif.Config {
	return lif.Config{Params: lif.Training(), N: 3, DtMs: 0.5}
}

func goodConductance() lif.Config {
	return lif.Config{Params: lif.VogelsAbbott(), N: 3, DtMs: 0.5, Mode: lif.ConductanceBased, E: []float64{0, 0, -80}}
}

// noPanic runs f and turns a panic into a test failure.
func noPanic(t *testing.T, what string, f func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v", what, r)
			err = errors.New("panicked")
		}
	}()
	return f()
}

// TestBadConfig is the bad-input table: every config must be rejected by
// Validate and by Declare, with an error that starts with "lif: " and holds
// the given text (naming the value at fault), and nothing may panic.
func TestBadConfig(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		base   func() lif.Config
		mutate func(c *lif.Config)
		want   string
	}{
		{"TauMemMs NaN", goodCurrent, func(c *lif.Config) { c.TauMemMs = nan }, "TauMemMs = NaN"},
		{"TauSynMs Inf", goodCurrent, func(c *lif.Config) { c.TauSynMs = inf }, "TauSynMs = +Inf"},
		{"VLeak NaN", goodCurrent, func(c *lif.Config) { c.VLeak = nan }, "VLeak = NaN"},
		{"VThresh -Inf", goodCurrent, func(c *lif.Config) { c.VThresh = -inf }, "VThresh = -Inf"},
		{"VReset NaN", goodCurrent, func(c *lif.Config) { c.VReset = nan }, "VReset = NaN"},
		{"TauMemMs zero", goodCurrent, func(c *lif.Config) { c.TauMemMs = 0 }, "Params.TauMemMs = 0 ms must be > 0"},
		{"TauSynMs negative", goodCurrent, func(c *lif.Config) { c.TauSynMs = -5 }, "Params.TauSynMs = -5 ms must be > 0"},
		{"VReset = VThresh", goodCurrent, func(c *lif.Config) { c.VReset = 1 }, "Params.VReset = 1 must be below Params.VThresh = 1"},
		{"VReset > VThresh", goodConductance, func(c *lif.Config) { c.VReset = -40 }, "Params.VReset = -40 must be below Params.VThresh = -50"},
		{"dt = tau_mem", goodCurrent, func(c *lif.Config) { c.DtMs = 10 }, "Config.DtMs = 10 ms must be below TauMemMs = 10 ms and TauSynMs = 5 ms"},
		{"dt > tau_syn", goodCurrent, func(c *lif.Config) { c.DtMs = 6 }, "Config.DtMs = 6 ms must be below TauMemMs = 10 ms and TauSynMs = 5 ms"},
		{"dt = tau_syn", goodConductance, func(c *lif.Config) { c.DtMs = 5 }, "Config.DtMs = 5 ms must be below TauMemMs = 20 ms and TauSynMs = 5 ms"},
		{"dt zero", goodCurrent, func(c *lif.Config) { c.DtMs = 0 }, "Config.DtMs = 0 ms must be > 0"},
		{"dt NaN", goodCurrent, func(c *lif.Config) { c.DtMs = nan }, "Config.DtMs = NaN ms"},
		{"dt Inf", goodCurrent, func(c *lif.Config) { c.DtMs = inf }, "Config.DtMs = +Inf ms"},
		{"N zero", goodCurrent, func(c *lif.Config) { c.N = 0 }, "Config.N = 0 must be >= 1"},
		{"zero config", func() lif.Config { return lif.Config{} }, func(*lif.Config) {}, "Params.TauMemMs = 0 ms"},
		{"Batch negative", goodCurrent, func(c *lif.Config) { c.Batch = -1 }, "Config.Batch = -1"},
		{"Batch x N overflows", goodCurrent, func(c *lif.Config) { c.Batch = 4; c.N = math.MaxInt / 2 }, "Config.Batch x Config.N = 4 x"},
		{"unknown mode", goodCurrent, func(c *lif.Config) { c.Mode = 2 }, "Config.Mode = 2 is unknown"},
		{"E in current mode", goodCurrent, func(c *lif.Config) { c.E = []float64{0, 0, 0} }, "Config.E has 3 values, but the current-based mode"},
		{"E short", goodConductance, func(c *lif.Config) { c.E = c.E[:2] }, "Config.E has 2 values, want Config.N = 3"},
		{"E missing", goodConductance, func(c *lif.Config) { c.E = nil }, "Config.E has 0 values, want Config.N = 3"},
		{"E NaN", goodConductance, func(c *lif.Config) { c.E[1] = nan }, "Config.E[1] = NaN"},
		{"E Inf", goodConductance, func(c *lif.Config) { c.E[2] = -inf }, "Config.E[2] = -Inf"},
		{"bad surrogate", goodCurrent, func(c *lif.Config) { c.Surrogate = ops.SuperSpike{Beta: 0} }, "Config.Surrogate: ops: SuperSpike: Beta (0) must be positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tc.base()
			tc.mutate(&c)
			for what, f := range map[string]func() error{
				"Validate": c.Validate,
				"Declare": func() error {
					g, err := graph.New()
					if err != nil {
						return err
					}
					_, err = lif.Declare(g.Scope("p"), c, []float64{0}, []float64{0})
					return err
				},
			} {
				err := noPanic(t, what, f)
				if err == nil || !strings.HasPrefix(err.Error(), "lif: ") || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: err = %v, want an error starting with \"lif: \" and holding %q", what, err, tc.want)
				}
			}
		})
	}
}

// TestParamsValidate is the table of Params.Validate on its own: each bad
// field is named in the error, and the zero value is rejected.
func TestParamsValidate(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		mutate func(p *lif.Params)
		want   string
	}{
		{"TauMemMs NaN", func(p *lif.Params) { p.TauMemMs = nan }, "Params.TauMemMs = NaN is not finite"},
		{"TauMemMs negative", func(p *lif.Params) { p.TauMemMs = -1 }, "Params.TauMemMs = -1 ms must be > 0"},
		{"TauSynMs zero", func(p *lif.Params) { p.TauSynMs = 0 }, "Params.TauSynMs = 0 ms must be > 0"},
		{"TauSynMs Inf", func(p *lif.Params) { p.TauSynMs = inf }, "Params.TauSynMs = +Inf"},
		{"VLeak -Inf", func(p *lif.Params) { p.VLeak = -inf }, "Params.VLeak = -Inf"},
		{"VThresh NaN", func(p *lif.Params) { p.VThresh = nan }, "Params.VThresh = NaN"},
		{"VReset Inf", func(p *lif.Params) { p.VReset = inf }, "Params.VReset = +Inf"},
		{"VReset above VThresh", func(p *lif.Params) { p.VReset = 2 }, "Params.VReset = 2 must be below Params.VThresh = 1"},
		{"zero value", func(p *lif.Params) { *p = lif.Params{} }, "Params.TauMemMs = 0 ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := lif.Training()
			tc.mutate(&p)
			err := noPanic(t, "Validate", p.Validate)
			if err == nil || !strings.HasPrefix(err.Error(), "lif: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an error starting with \"lif: \" and holding %q", err, tc.want)
			}
		})
	}
}

// TestBadInitialState checks that Declare rejects initial values of the
// wrong length, non-finite ones and a negative conductance, with ErrInit.
func TestBadInitialState(t *testing.T) {
	t.Parallel()
	batch := goodCurrent()
	batch.Batch = 2
	cases := []struct {
		name     string
		cfg      lif.Config
		v0, syn0 []float64
		want     string
	}{
		{"v0 empty", goodCurrent(), nil, []float64{0}, "v0 has 0 values, want 1, N = 3 or Batch·N = 3"},
		{"v0 length", goodCurrent(), []float64{0, 0}, []float64{0}, "v0 has 2 values"},
		{"syn0 length in batch", batch, []float64{0}, []float64{0, 0, 0, 0, 0}, "syn0 has 5 values, want 1, N = 3 or Batch·N = 6"},
		{"v0 NaN", goodCurrent(), []float64{0, math.NaN(), 0}, []float64{0}, "v0[1] = NaN"},
		{"syn0 Inf", goodCurrent(), []float64{0}, []float64{math.Inf(-1)}, "syn0[0] = -Inf"},
		{"g0 negative", goodConductance(), []float64{-60}, []float64{0, -0.1, 0}, "g0[1] = -0.1 must be >= 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			err = noPanic(t, "Declare", func() error {
				_, err := lif.Declare(g.Scope("p"), tc.cfg, tc.v0, tc.syn0)
				return err
			})
			if !errors.Is(err, lif.ErrInit) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrInit holding %q", err, tc.want)
			}
		})
	}
	err := noPanic(t, "Declare(nil builder)", func() error {
		_, err := lif.Declare(nil, goodCurrent(), []float64{0}, []float64{0})
		return err
	})
	if err == nil || !strings.HasPrefix(err.Error(), "lif: ") {
		t.Errorf("Declare with a nil builder: err = %v", err)
	}
}

// TestBadStep checks that Step and Carry reject states and inputs that do
// not fit the population, with errors, not panics.
func TestBadStep(t *testing.T) {
	t.Parallel()
	newPop := func(t *testing.T, cfg lif.Config) (*graph.Builder, *lif.Population) {
		g, err := graph.New()
		if err != nil {
			t.Fatal(err)
		}
		b := g.Scope("p")
		p, err := lif.Declare(b, cfg, []float64{0}, []float64{0})
		if err != nil {
			t.Fatal(err)
		}
		return b, p
	}
	batch := goodCurrent()
	batch.Batch = 2
	cases := []struct {
		name string
		cfg  lif.Config
		run  func(b *graph.Builder, p *lif.Population) error
		want string
	}{
		{"current state without I", goodCurrent(), func(b *graph.Builder, p *lif.Population) error {
			_, err := p.Step(b, lif.State{V: p.V}, nil)
			return err
		}, "the state needs V and I"},
		{"conductance state with I, not G", goodConductance(), func(b *graph.Builder, p *lif.Population) error {
			_, err := p.Step(b, lif.State{V: p.V, I: p.G}, nil)
			return err
		}, "the state needs V and G"},
		{"input of the wrong size", goodCurrent(), func(b *graph.Builder, p *lif.Population) error {
			_, err := p.Step(b, p.State, b.Input("x", 4))
			return err
		}, "input has shape (4), want [3]"},
		{"batched input to an unbatched state", goodCurrent(), func(b *graph.Builder, p *lif.Population) error {
			_, err := p.Step(b, p.State, b.Input("x", 2, 3))
			return err
		}, "input has shape (2, 3)"},
		{"input of the wrong size in a batch", batch, func(b *graph.Builder, p *lif.Population) error {
			_, err := p.Step(b, p.State, b.Input("x", 3, 3))
			return err
		}, "input has shape (3, 3), want [2 3] or [3]"},
		{"unbatched state in a batched population", batch, func(b *graph.Builder, p *lif.Population) error {
			_, err := p.Step(b, lif.State{V: b.State("v1", []float64{0}, 3), I: p.I}, nil)
			return err
		}, "V has shape (3), want [2 3]"},
		{"nil builder", goodCurrent(), func(b *graph.Builder, p *lif.Population) error {
			_, err := p.Step(nil, p.State, nil)
			return err
		}, "nil population or builder"},
		{"nil population", goodCurrent(), func(b *graph.Builder, p *lif.Population) error {
			var none *lif.Population
			if _, err := none.Step(b, p.State, nil); err == nil {
				return nil
			}
			return none.Carry(b, p.State)
		}, "nil population"},
		{"carry of an empty state", goodCurrent(), func(b *graph.Builder, p *lif.Population) error {
			return p.Carry(b, lif.State{})
		}, "operand"},
		{"carry twice", goodCurrent(), func(b *graph.Builder, p *lif.Population) error {
			next, err := p.Step(b, p.State, nil)
			if err != nil {
				return err
			}
			if err := p.Carry(b, next); err != nil {
				return err
			}
			return p.Carry(b, next)
		}, "already has a next value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, p := newPop(t, tc.cfg)
			err := noPanic(t, tc.name, func() error { return tc.run(b, p) })
			if err == nil || !strings.HasPrefix(err.Error(), "lif: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want an error starting with \"lif: \" and holding %q", err, tc.want)
			}
		})
	}
}

// TestStepCanBeUnrolled checks that Step only adds nodes, so calling it T
// times unrolls T steps, and that the result is a complete graph; also in a
// float32 graph.
func TestStepCanBeUnrolled(t *testing.T) {
	t.Parallel()
	for _, opt := range []graph.Option{graph.WithDtype(tensor.Float64), graph.WithDtype(tensor.Float32)} {
		g, err := graph.New(opt)
		if err != nil {
			t.Fatal(err)
		}
		b := g.Scope("p")
		pop, err := lif.Declare(b, goodConductance(), []float64{-60}, []float64{0})
		if err != nil {
			t.Fatal(err)
		}
		s := pop.State
		for k := 0; k < 3; k++ {
			if s, err = pop.Step(b, s, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := pop.Carry(b, s); err != nil {
			t.Fatal(err)
		}
		if err := g.Validate(); err != nil {
			t.Fatal(err)
		}
	}
}
