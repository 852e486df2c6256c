package adex_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

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
		field  string
		mutate func(c *adex.Config)
	}{
		{"C", func(c *adex.Config) { c.C = nan }},
		{"C", func(c *adex.Config) { c.C = 0 }},
		{"GL", func(c *adex.Config) { c.GL = -30 }},
		{"GL", func(c *adex.Config) { c.GL = inf }},
		{"EL", func(c *adex.Config) { c.EL = nan }},
		{"VT", func(c *adex.Config) { c.VT = -inf }},
		{"VT", func(c *adex.Config) { c.VT = c.VPeak }},
		{"DeltaT", func(c *adex.Config) { c.DeltaT = 0 }},
		{"DeltaT", func(c *adex.Config) { c.DeltaT = 0.1 }}, // VPeak = VT + 100 ΔT: exp would overflow
		{"TauW", func(c *adex.Config) { c.TauW = nan }},
		{"TauW", func(c *adex.Config) { c.TauW = -1 }},
		{"A", func(c *adex.Config) { c.A = inf }},
		{"B", func(c *adex.Config) { c.B = nan }},
		{"VR", func(c *adex.Config) { c.VR = inf }},
		{"VR", func(c *adex.Config) { c.VR = c.VPeak }},
		{"VPeak", func(c *adex.Config) { c.VPeak = nan }},
		{"N", func(c *adex.Config) { c.N = 0 }},
		{"DtMs", func(c *adex.Config) { c.DtMs = 0 }},
		{"DtMs", func(c *adex.Config) { c.DtMs = nan }},
		{"DtMs", func(c *adex.Config) { c.DtMs = inf }},
		{"DtMs", func(c *adex.Config) { c.DtMs = 10 }}, // above TauM = 9.37 ms
		{"Surrogate", func(c *adex.Config) { c.Surrogate = ops.SuperSpike{Beta: -1} }},
	}
	for _, tc := range cases {
		c := adex.NewConfig(adex.RegularSpiking(), 2, dtMs)
		tc.mutate(&c)
		err := c.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), "adex: ") || !strings.Contains(err.Error(), "."+tc.field+" ") {
			t.Errorf("%s: err = %v, want an adex error naming %s", tc.field, err, tc.field)
			continue
		}
		g, _ := graph.New()
		if _, err := adex.Declare(g.Scope("adex"), c, []float64{-70}, []float64{0}); err == nil {
			t.Errorf("%s: Declare accepted %+v", tc.field, c)
		}
		if len(g.Names()) != 0 {
			t.Errorf("%s: Declare added nodes %v before failing", tc.field, g.Names())
		}
	}
	if err := adex.NewConfig(adex.RegularSpiking(), 1, dtMs).Validate(); err != nil {
		t.Fatalf("a good config: %v", err)
	}
}

func TestDeclareStepCarryErrors(t *testing.T) {
	t.Parallel()
	cfg := adex.NewConfig(adex.RegularSpiking(), 3, dtMs)
	for name, vw := range map[string][2][]float64{
		"v length": {{-70, -70}, {0}},
		"w length": {{-70}, {}},
		"v NaN":    {{-70, math.NaN(), -70}, {0}},
		"w Inf":    {{-70}, {math.Inf(-1)}},
	} {
		g, _ := graph.New()
		_, err := adex.Declare(g.Scope("adex"), cfg, vw[0], vw[1])
		if err == nil || !strings.HasPrefix(err.Error(), "adex: Declare: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := adex.Declare(nil, cfg, []float64{-70}, []float64{0}); err == nil {
		t.Error("nil builder: no error")
	}

	// A second population in the same scope: the builder's duplicate-name
	// error, wrapped, not a panic.
	g, _ := graph.New()
	b := g.Scope("adex")
	if _, err := adex.Declare(b, cfg, []float64{-70}, []float64{0}); err != nil {
		t.Fatal(err)
	}
	if _, err := adex.Declare(b, cfg, []float64{-70}, []float64{0}); !errors.Is(err, graph.ErrDuplicateName) {
		t.Errorf("second Declare in one scope: err = %v, want ErrDuplicateName", err)
	}

	// Step with a missing state node or an input of the wrong shape.
	for name, step := range map[string]func(b *graph.Builder, p *adex.Population) error{
		"nil state": func(b *graph.Builder, p *adex.Population) error {
			_, err := p.Step(b, adex.State{}, nil)
			return err
		},
		"input shape": func(b *graph.Builder, p *adex.Population) error {
			_, err := p.Step(b, p.State, b.Input("I", 4))
			return err
		},
		"nil builder": func(b *graph.Builder, p *adex.Population) error {
			_, err := p.Step(nil, p.State, nil)
			return err
		},
		"carry twice": func(b *graph.Builder, p *adex.Population) error {
			next, err := p.Step(b, p.State, nil)
			if err != nil {
				return err
			}
			if err := p.Carry(b, next); err != nil {
				return err
			}
			return p.Carry(b, next)
		},
		"carry nil": func(b *graph.Builder, p *adex.Population) error { return p.Carry(b, adex.State{}) },
	} {
		g, _ := graph.New()
		b := g.Scope("adex")
		p, err := adex.Declare(b, cfg, []float64{-70}, []float64{0})
		if err != nil {
			t.Fatal(err)
		}
		if err := step(b, p); err == nil || !strings.HasPrefix(err.Error(), "adex: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}

	// A graph whose states were never carried does not compile.
	g, _ = graph.New()
	if _, err := adex.Declare(g.Scope("adex"), cfg, []float64{-70}, []float64{0}); err != nil {
		t.Fatal(err)
	}
	if _, err := session.New(g); err == nil || !strings.Contains(err.Error(), "no next value") {
		t.Errorf("session.New of a graph without next values: err = %v", err)
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
		c := good
		tc.mutate(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "CurrentStep."+tc.field+" ") {
			t.Errorf("%s: err = %v", tc.field, err)
		}
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
