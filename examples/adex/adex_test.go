package adex_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"

	"github.com/spikegraph/spikegraph/examples/adex"
	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/ops"
	"github.com/spikegraph/spikegraph/session"
)

func TestRegularSpikingPreset(t *testing.T) {
	t.Parallel()
	p := adex.RegularSpiking()
	// Brette and Gerstner (2005), with b = 0.0805 nA in pA; the cut-off
	// VT + 5 ΔT is Brian2's.
	want := adex.Params{C: 281, GL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, TauW: 144, A: 4, B: 80.5, VR: -70.6, VPeak: -50.4 + 5*2}
	if p != want {
		t.Fatalf("RegularSpiking: got=%+v, want=%+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	// Presets are values: changing one must not change the next.
	p.A = 0
	if adex.RegularSpiking().A != 4 {
		t.Fatal("RegularSpiking shares state")
	}
	if v, w := want.Rest(); v != want.EL || w != 0 {
		t.Fatalf("Rest: got=(%v, %v), want=(%v, 0)", v, w, want.EL)
	}
}

// isis returns the inter-spike intervals in samples.
func isis(spikes []int) []int {
	var out []int
	for k := 1; k < len(spikes); k++ {
		out = append(out, spikes[k]-spikes[k-1])
	}
	return out
}

// TestAdaptation checks the behaviour the preset is for, on the graph: under
// a current step the intervals grow and then settle; without adaptation
// (a = b = 0) they are all equal; below rheobase, and without input, the
// neuron stays silent.
func TestAdaptation(t *testing.T) {
	t.Parallel()
	run := func(p adex.Params, amp float64, ms float64) []int {
		cfg := adex.NewConfig(p, 1, dtMs)
		cur := adex.CurrentStep{Input: "adex/I", Amp: amp, OnMs: onMs, OffMs: ms, DtMs: dtMs}
		return simulate(t, cfg, []float64{cfg.EL}, []float64{0}, cur, int(ms/dtMs)).spikeAt
	}
	isi := isis(run(adex.RegularSpiking(), ampPA, 800))
	if len(isi) < 8 {
		t.Fatalf("%d intervals in 800 ms, want >= 8", len(isi))
	}
	for k := 1; k < len(isi); k++ {
		if isi[k] < isi[k-1] {
			t.Errorf("interval %d shorter than interval %d: %v (samples of %g ms)", k, k-1, isi, dtMs)
		}
	}
	first, last := isi[0], isi[len(isi)-1]
	if !(float64(last) > 2*float64(first)) {
		t.Errorf("last interval %d, first %d samples: want more than twice as long (adaptation)", last, first)
	}
	if d := isi[len(isi)-1] - isi[len(isi)-3]; d > 1 {
		t.Errorf("intervals still growing at the end (%v): want them settled within one step", isi)
	}

	flat := adex.RegularSpiking()
	flat.A, flat.B = 0, 0
	isi = isis(run(flat, ampPA, 300))
	if len(isi) < 5 {
		t.Fatalf("no adaptation: %d intervals, want >= 5", len(isi))
	}
	for k := range isi {
		if d := isi[k] - isi[0]; d < -1 || d > 1 {
			t.Errorf("no adaptation: intervals %v differ by more than one step", isi)
			break
		}
	}

	if s := run(adex.RegularSpiking(), 550, 500); len(s) != 0 {
		t.Errorf("550 pA (below rheobase): spikes at samples %v, want none", s)
	}
	if s := run(adex.RegularSpiking(), 650, 600); len(s) < 3 {
		t.Errorf("650 pA (above rheobase): %d spikes in 600 ms, want repetitive firing", len(s))
	}
	cfg := adex.NewConfig(adex.RegularSpiking(), 1, dtMs)
	tr := simulate(t, cfg, []float64{cfg.EL}, []float64{0}, adex.CurrentStep{Input: "adex/I", DtMs: dtMs}, 1000)
	for k, v := range tr.v {
		if math.Abs(v-cfg.EL) > 1e-3 || tr.f[k] != 0 {
			t.Fatalf("no input: sample %d has v = %v mV, fired %v; want rest (%v mV)", k, v, tr.f[k], cfg.EL)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		field  string
		mutate func(c *adex.Config)
	}{
		{"C NaN", "Params.C", func(c *adex.Config) { c.C = nan }},
		{"C zero", "Params.C", func(c *adex.Config) { c.C = 0 }},
		{"GL negative", "Params.GL", func(c *adex.Config) { c.GL = -30 }},
		{"GL Inf", "Params.GL", func(c *adex.Config) { c.GL = inf }},
		{"EL NaN", "Params.EL", func(c *adex.Config) { c.EL = nan }},
		{"VT -Inf", "Params.VT", func(c *adex.Config) { c.VT = -inf }},
		{"VT at VPeak", "Params.VT", func(c *adex.Config) { c.VT = c.VPeak }},
		{"DeltaT zero", "Params.DeltaT", func(c *adex.Config) { c.DeltaT = 0 }},
		{"DeltaT overflow", "Params.DeltaT", func(c *adex.Config) { c.DeltaT = 0.1 }}, // VPeak = VT + 100 ΔT: exp would overflow
		{"TauW NaN", "Params.TauW", func(c *adex.Config) { c.TauW = nan }},
		{"TauW negative", "Params.TauW", func(c *adex.Config) { c.TauW = -1 }},
		{"A Inf", "Params.A", func(c *adex.Config) { c.A = inf }},
		{"B NaN", "Params.B", func(c *adex.Config) { c.B = nan }},
		{"VR Inf", "Params.VR", func(c *adex.Config) { c.VR = inf }},
		{"VR at VPeak", "Params.VR", func(c *adex.Config) { c.VR = c.VPeak }},
		{"VPeak NaN", "Params.VPeak", func(c *adex.Config) { c.VPeak = nan }},
		{"N zero", "Config.N", func(c *adex.Config) { c.N = 0 }},
		{"N negative", "Config.N", func(c *adex.Config) { c.N = -2 }},
		{"DtMs zero", "Config.DtMs", func(c *adex.Config) { c.DtMs = 0 }},
		{"DtMs NaN", "Config.DtMs", func(c *adex.Config) { c.DtMs = nan }},
		{"DtMs Inf", "Config.DtMs", func(c *adex.Config) { c.DtMs = inf }},
		{"DtMs above TauM", "Config.DtMs", func(c *adex.Config) { c.DtMs = 10 }}, // TauM = 9.37 ms
		{"Surrogate", "Config.Surrogate", func(c *adex.Config) { c.Surrogate = ops.SuperSpike{Beta: -1} }},
		{"zero config", "Params.C", func(c *adex.Config) { *c = adex.Config{} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := adex.NewConfig(adex.RegularSpiking(), 2, dtMs)
			tc.mutate(&c)
			err := testutil.NoPanic(t, c.Validate)
			if err == nil || !strings.HasPrefix(err.Error(), "adex: ") || !strings.Contains(err.Error(), tc.field+" ") {
				t.Errorf("Validate: got=%v, want an adex error naming %s", err, tc.field)
			}
			g, _ := graph.New()
			err = testutil.NoPanic(t, func() error {
				_, err := adex.Declare(g.Scope("adex"), c, []float64{-70}, []float64{0})
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.field+" ") {
				t.Errorf("Declare: got=%v, want an adex error naming %s", err, tc.field)
			}
			if len(g.Names()) != 0 {
				t.Errorf("Declare added nodes before failing: got=%v, want none", g.Names())
			}
		})
	}
	if err := adex.NewConfig(adex.RegularSpiking(), 1, dtMs).Validate(); err != nil {
		t.Fatalf("a good config: %v", err)
	}
}

func TestDeclareStepCarryErrors(t *testing.T) {
	t.Parallel()
	cfg := adex.NewConfig(adex.RegularSpiking(), 3, dtMs)
	declares := []struct {
		name   string
		nilB   bool
		v0, w0 []float64
		want   string
	}{
		{"v0 length", false, []float64{-70, -70}, []float64{0}, "Declare: v0 has 2 values for 3 neurons (want 1 or 3)"},
		{"w0 empty", false, []float64{-70}, []float64{}, "Declare: w0 has 0 values"},
		{"v0 nil", false, nil, []float64{0}, "Declare: v0 has 0 values"},
		{"v0 NaN", false, []float64{-70, math.NaN(), -70}, []float64{0}, "Declare: v0[1] = NaN mV is not finite"},
		{"w0 Inf", false, []float64{-70}, []float64{math.Inf(-1)}, "Declare: w0[0] = -Inf pA is not finite"},
		{"nil builder", true, []float64{-70}, []float64{0}, "Declare: nil builder"},
	}
	for _, tc := range declares {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, _ := graph.New()
			b := g.Scope("adex")
			if tc.nilB {
				b = nil
			}
			err := testutil.NoPanic(t, func() error {
				_, err := adex.Declare(b, cfg, tc.v0, tc.w0)
				return err
			})
			if err == nil || !strings.HasPrefix(err.Error(), "adex: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an adex error holding %q", err, tc.want)
			}
			if len(g.Names()) != 0 {
				t.Errorf("Declare added nodes before failing: got=%v, want none", g.Names())
			}
		})
	}

	// A second population in the same scope: the builder's duplicate-name
	// error, wrapped, not a panic.
	g, _ := graph.New()
	b := g.Scope("adex")
	if _, err := adex.Declare(b, cfg, []float64{-70}, []float64{0}); err != nil {
		t.Fatal(err)
	}
	if _, err := adex.Declare(b, cfg, []float64{-70}, []float64{0}); !errors.Is(err, graph.ErrDuplicateName) {
		t.Errorf("second Declare in one scope: got=%v, want ErrDuplicateName", err)
	}

	// Step and Carry with nil arguments, a missing state node or an input
	// of the wrong shape.
	var none *adex.Population
	steps := []struct {
		name string
		run  func(b *graph.Builder, p *adex.Population) error
		want string
	}{
		{"nil state", func(b *graph.Builder, p *adex.Population) error {
			_, err := p.Step(b, adex.State{}, nil)
			return err
		}, "operand"},
		{"input shape", func(b *graph.Builder, p *adex.Population) error {
			_, err := p.Step(b, p.State, b.Input("I", 4))
			return err
		}, "shape mismatch"},
		{"nil builder", func(b *graph.Builder, p *adex.Population) error {
			_, err := p.Step(nil, p.State, nil)
			return err
		}, "Step: nil builder"},
		{"nil population", func(b *graph.Builder, p *adex.Population) error {
			_, err := none.Step(b, p.State, nil)
			return err
		}, "Step: nil population"},
		{"carry twice", func(b *graph.Builder, p *adex.Population) error {
			next, err := p.Step(b, p.State, nil)
			if err != nil {
				return err
			}
			if err := p.Carry(b, next); err != nil {
				return err
			}
			return p.Carry(b, next)
		}, "already has a next value"},
		{"carry nil", func(b *graph.Builder, p *adex.Population) error { return p.Carry(b, adex.State{}) }, "operand"},
		{"carry nil builder", func(b *graph.Builder, p *adex.Population) error { return p.Carry(nil, p.State) }, "Carry: nil builder"},
		{"carry nil population", func(b *graph.Builder, p *adex.Population) error { return none.Carry(b, p.State) }, "Carry: nil population"},
	}
	for _, tc := range steps {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, _ := graph.New()
			b := g.Scope("adex")
			p, err := adex.Declare(b, cfg, []float64{-70}, []float64{0})
			if err != nil {
				t.Fatal(err)
			}
			err = testutil.NoPanic(t, func() error { return tc.run(b, p) })
			if err == nil || !strings.HasPrefix(err.Error(), "adex: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%v, want an adex error holding %q", err, tc.want)
			}
		})
	}

	// A graph whose states were never carried does not compile.
	g, _ = graph.New()
	if _, err := adex.Declare(g.Scope("adex"), cfg, []float64{-70}, []float64{0}); err != nil {
		t.Fatal(err)
	}
	if _, err := session.New(g); err == nil || !strings.Contains(err.Error(), "no next value") {
		t.Errorf("session.New of a graph without next values: got=%v, want a no-next-value error", err)
	}
}

func TestStepCanBeUnrolled(t *testing.T) {
	t.Parallel()
	// Step only adds nodes: three calls give a three-step graph, whose one
	// session step equals three steps of the one-step graph.
	cfg := adex.NewConfig(adex.RegularSpiking(), 1, dtMs)
	g, _ := graph.New()
	b := g.Scope("adex")
	pop, err := adex.Declare(b, cfg, []float64{-45}, []float64{10})
	if err != nil {
		t.Fatal(err)
	}
	s := pop.State
	i := b.Input("I", 1)
	for k := 0; k < 3; k++ {
		if s, err = pop.Step(b, s, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := pop.Carry(b, s); err != nil {
		t.Fatal(err)
	}
	sess, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Step(session.Feeds{"adex/I": {ampPA}}); err != nil {
		t.Fatal(err)
	}
	cur := adex.CurrentStep{Input: "adex/I", Amp: ampPA, OffMs: 1, DtMs: dtMs}
	want := reference(cfg, []float64{-45}, []float64{10}, cur, 3)
	for name, w := range map[string]float64{"adex/v": want.v[3], "adex/w": want.w[3], "adex/fired": want.f[3]} {
		got, err := sess.State(name)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got[0], w) {
			t.Errorf("%s after 3 unrolled steps: got=%v, want=%v", name, got[0], w)
		}
	}
}

func TestCurrentStep(t *testing.T) {
	t.Parallel()
	good := adex.CurrentStep{Input: "adex/I", Amp: 800, OnMs: 20, OffMs: 30, DtMs: 0.1}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[int]float64{0: 0, 199: 0, 200: 800, 299: 800, 300: 0} {
		if got := good.At(k); got != want {
			t.Errorf("At(%d): got=%v, want=%v", k, got, want)
		}
	}
	cases := []struct {
		field  string
		mutate func(c *adex.CurrentStep)
	}{
		{"Input", func(c *adex.CurrentStep) { c.Input = "" }},
		{"Amp", func(c *adex.CurrentStep) { c.Amp = math.NaN() }},
		{"OnMs", func(c *adex.CurrentStep) { c.OnMs = -1 }},
		{"OnMs", func(c *adex.CurrentStep) { c.OnMs = math.Inf(-1) }},
		{"OffMs", func(c *adex.CurrentStep) { c.OffMs = 10 }},
		{"OffMs", func(c *adex.CurrentStep) { c.OffMs = math.Inf(1) }},
		{"DtMs", func(c *adex.CurrentStep) { c.DtMs = 0 }},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			c := good
			tc.mutate(&c)
			if err := testutil.NoPanic(t, c.Validate); err == nil || !strings.Contains(err.Error(), "CurrentStep."+tc.field+" ") {
				t.Errorf("got=%v, want an error naming CurrentStep.%s", err, tc.field)
			}
		})
	}

	if err := testutil.NoPanic(t, func() error { return good.Feed(0, nil) }); err == nil || !strings.Contains(err.Error(), "nil InputWriter") {
		t.Errorf("Feed to a nil writer: got=%v, want a nil-InputWriter error", err)
	}

	// A feeder error stops Steps with an error, as does an unknown input.
	cfg := adex.NewConfig(adex.RegularSpiking(), 1, dtMs)
	for name, feeder := range map[string]adex.CurrentStep{
		"invalid":       {Input: "adex/I", Amp: math.NaN(), DtMs: dtMs},
		"unknown input": {Input: "adex/nope", Amp: 1, DtMs: dtMs},
	} {
		g, _ := graph.New()
		b := g.Scope("adex")
		pop, err := adex.Declare(b, cfg, []float64{cfg.EL}, []float64{0})
		if err != nil {
			t.Fatal(err)
		}
		next, err := pop.Step(b, pop.State, b.Input("I", 1))
		if err != nil {
			t.Fatal(err)
		}
		if err := pop.Carry(b, next); err != nil {
			t.Fatal(err)
		}
		s, err := session.New(g)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Steps(context.Background(), 3, feeder, session.RecordSpikes("adex/fired", 0)); err == nil {
			t.Errorf("%s feeder: Steps returned no error", name)
		}
		s.Close()
	}
}
