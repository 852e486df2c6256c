package izhikevich_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/ops"
)

func goodConfig() izhikevich.Config {
	return izhikevich.NewConfig(izhikevich.Uniform(3, izhikevich.RegularSpiking()), 0.5)
}

// TestConfigValidate is the bad-config table: Validate and Declare must
// both reject each config with an error naming the field, add nothing to
// the graph and not panic.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		mutate func(c *izhikevich.Config)
		want   string
	}{
		{"dt zero", func(c *izhikevich.Config) { c.DtMs = 0 }, "Config.DtMs = 0 ms"},
		{"dt negative", func(c *izhikevich.Config) { c.DtMs = -1 }, "Config.DtMs = -1 ms must be > 0"},
		{"dt NaN", func(c *izhikevich.Config) { c.DtMs = nan }, "Config.DtMs = NaN"},
		{"dt Inf", func(c *izhikevich.Config) { c.DtMs = inf }, "Config.DtMs = +Inf"},
		{"vpeak Inf", func(c *izhikevich.Config) { c.VPeak = inf }, "Config.VPeak = +Inf"},
		{"vpeak NaN", func(c *izhikevich.Config) { c.VPeak = nan }, "Config.VPeak = NaN"},
		{"bad scheme", func(c *izhikevich.Config) { c.Scheme = 7 }, "Config.Scheme = 7"},
		{"negative scheme", func(c *izhikevich.Config) { c.Scheme = -1 }, "Config.Scheme = -1"},
		{"NaN K1", func(c *izhikevich.Config) { e := izhikevich.Standard(); e.K1 = nan; c.Eq = &e }, "Config.Eq.K1 = NaN"},
		{"Inf VU", func(c *izhikevich.Config) { e := izhikevich.Accommodation(); e.VU = -inf; c.Eq = &e }, "Config.Eq.VU = -Inf"},
		{"bad surrogate", func(c *izhikevich.Config) { c.Surrogate = ops.SuperSpike{Beta: -1} }, "Config.Surrogate"},
		{"c >= peak", func(c *izhikevich.Config) { c.Cells.C[1] = 40 }, "Config.Cells.C[1] = 40 mV must be below the peak"},
		{"c = peak", func(c *izhikevich.Config) { c.Cells.C[0] = c.VPeak }, "Config.Cells.C[0]"},
		{"NaN a", func(c *izhikevich.Config) { c.Cells.A[2] = nan }, "Config.Cells.A[2] = NaN"},
		{"Inf b", func(c *izhikevich.Config) { c.Cells.B[0] = inf }, "Config.Cells.B[0] = +Inf"},
		{"NaN d", func(c *izhikevich.Config) { c.Cells.D[1] = nan }, "Config.Cells.D[1] = NaN"},
		{"short d", func(c *izhikevich.Config) { c.Cells.D = c.Cells.D[:2] }, "Config.Cells.D have 3, 3, 2 values, want len(Config.Cells.A) = 3"},
		{"no cells", func(c *izhikevich.Config) { c.Cells = izhikevich.Cells{} }, "Config.Cells.A is empty"},
		{"zero config", func(c *izhikevich.Config) { *c = izhikevich.Config{} }, "Config.DtMs = 0 ms"},
		{"negative batch", func(c *izhikevich.Config) { c.Batch = -1 }, "Config.Batch = -1 must be >= 0"},
		{"batch overflows", func(c *izhikevich.Config) { c.Batch = math.MaxInt / 2 }, "Config.Batch x neurons"},
		{"unknown gradient", func(c *izhikevich.Config) { c.Gradient = 99 }, "Config.Gradient = 99 is unknown"},
		{"negative gradient", func(c *izhikevich.Config) { c.Gradient = -1 }, "Config.Gradient = -1 is unknown"},
		{"pseudo-threshold NaN", func(c *izhikevich.Config) { c.Gradient, c.VTheta = izhikevich.PseudoThreshold, nan }, "Config.VTheta = NaN mV must be finite"},
		{"pseudo-threshold above peak", func(c *izhikevich.Config) { *c = c.WithLinearisedGradient(); c.VTheta = c.VPeak + 1 },
			"Config.VTheta = 36 mV must be finite and at most Config.VPeak = 35 mV under the linearised gradient"},
		{"linearised VLin Inf", func(c *izhikevich.Config) { *c = c.WithLinearisedGradient(); c.VLin = inf }, "Config.VLin = +Inf mV is not finite"},
		{"Uniform of -1 cells", func(c *izhikevich.Config) { c.Cells = izhikevich.Uniform(-1, izhikevich.RegularSpiking()) }, "Config.Cells.A is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := goodConfig()
			if err := testutil.NoPanic(t, func() error { tc.mutate(&c); return nil }); err != nil {
				return
			}
			testutil.WantErr(t, "izhikevich", "Validate", testutil.NoPanic(t, c.Validate), tc.want)
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			testutil.WantErr(t, "izhikevich", "Declare", testutil.NoPanic(t, func() error {
				_, err := izhikevich.Declare(g.Scope("p"), c, []float64{-70}, []float64{-14})
				return err
			}), tc.want)
			if names := g.Names(); len(names) != 0 {
				t.Errorf("Declare added nodes: got=%v, want none", names)
			}
		})
	}
	if err := goodConfig().Validate(); err != nil {
		t.Errorf("good config: got=%v, want nil", err)
	}
}

// TestCellsValidate checks Cells.Validate on its own: its errors name
// Cells.<field>[neuron], and a non-finite peak is rejected.
func TestCellsValidate(t *testing.T) {
	t.Parallel()
	rs := izhikevich.RegularSpiking()
	cases := []struct {
		name  string
		cells func() izhikevich.Cells
		vpeak float64
		want  string // "" for a valid case
	}{
		{"uniform", func() izhikevich.Cells { return izhikevich.Uniform(2, rs) }, 30, ""},
		{"negative a is allowed", func() izhikevich.Cells {
			c := izhikevich.Uniform(1, rs)
			c.A[0] = -0.02 // Izhikevich (2004), panel (S)
			return c
		}, 30, ""},
		{"empty", func() izhikevich.Cells { return izhikevich.Cells{} }, 30, "Cells.A is empty"},
		{"nil B", func() izhikevich.Cells { c := izhikevich.Uniform(2, rs); c.B = nil; return c }, 30, "Cells.B, Cells.C, Cells.D have 0, 2, 2 values"},
		{"long C", func() izhikevich.Cells { c := izhikevich.Uniform(2, rs); c.C = append(c.C, -65); return c }, 30, "have 2, 3, 2 values"},
		{"NaN C", func() izhikevich.Cells { c := izhikevich.Uniform(2, rs); c.C[1] = math.NaN(); return c }, 30, "Cells.C[1] = NaN"},
		{"C at the peak", func() izhikevich.Cells { return izhikevich.Uniform(2, rs) }, -65, "Cells.C[0] = -65 mV must be below the peak VPeak = -65 mV"},
		{"NaN peak", func() izhikevich.Cells { return izhikevich.Uniform(2, rs) }, math.NaN(), "Cells: vpeak = NaN"},
		{"Inf peak", func() izhikevich.Cells { return izhikevich.Uniform(2, rs) }, math.Inf(1), "Cells: vpeak = +Inf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testutil.NoPanic(t, func() error { return tc.cells().Validate(tc.vpeak) })
			if tc.want == "" {
				if err != nil {
					t.Errorf("got=%v, want nil", err)
				}
				return
			}
			testutil.WantErr(t, "izhikevich", "Cells.Validate", err, tc.want)
		})
	}
}

// TestCellsSet checks that Set changes neuron i and rejects an index
// outside the slices without changing anything.
func TestCellsSet(t *testing.T) {
	t.Parallel()
	fs := izhikevich.FastSpiking()
	cases := []struct {
		name  string
		cells izhikevich.Cells
		i     int
		want  string // "" when Set must succeed
	}{
		{"first", izhikevich.Uniform(3, izhikevich.RegularSpiking()), 0, ""},
		{"last", izhikevich.Uniform(3, izhikevich.RegularSpiking()), 2, ""},
		{"past the end", izhikevich.Uniform(3, izhikevich.RegularSpiking()), 3, "neuron 3 is out of range"},
		{"negative", izhikevich.Uniform(3, izhikevich.RegularSpiking()), -1, "neuron -1 is out of range"},
		{"no cells", izhikevich.Cells{}, 0, "neuron 0 is out of range"},
		{"short D", izhikevich.Cells{A: []float64{1, 2}, B: []float64{1, 2}, C: []float64{1, 2}, D: []float64{1}}, 1, "hold 2, 2, 2, 1 values"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := append([]float64(nil), tc.cells.A...)
			err := testutil.NoPanic(t, func() error { return tc.cells.Set(tc.i, fs) })
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got=%v, want nil", err)
				}
				got := izhikevich.Params{A: tc.cells.A[tc.i], B: tc.cells.B[tc.i], C: tc.cells.C[tc.i], D: tc.cells.D[tc.i]}
				if got != fs {
					t.Errorf("neuron %d: got=%+v, want %+v", tc.i, got, fs)
				}
				return
			}
			testutil.WantErr(t, "izhikevich", "Set", err, tc.want)
			for j := range before {
				if tc.cells.A[j] != before[j] {
					t.Errorf("A[%d] changed by a failed Set: got=%v, want %v", j, tc.cells.A[j], before[j])
				}
			}
		})
	}
}

// TestEquationValidate checks that Validate names the coefficient.
func TestEquationValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(e *izhikevich.Equation)
		want   string
	}{
		{"K2 NaN", func(e *izhikevich.Equation) { e.K2 = math.NaN() }, "Equation.K2 = NaN"},
		{"K1 Inf", func(e *izhikevich.Equation) { e.K1 = math.Inf(1) }, "Equation.K1 = +Inf"},
		{"K0 -Inf", func(e *izhikevich.Equation) { e.K0 = math.Inf(-1) }, "Equation.K0 = -Inf"},
		{"VU NaN", func(e *izhikevich.Equation) { e.VU = math.NaN() }, "Equation.VU = NaN"},
		{"KU Inf", func(e *izhikevich.Equation) { e.KU = math.Inf(1) }, "Equation.KU = +Inf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := izhikevich.Standard()
			tc.mutate(&e)
			testutil.WantErr(t, "izhikevich", "Validate", testutil.NoPanic(t, e.Validate), tc.want)
		})
	}
	for _, e := range []izhikevich.Equation{izhikevich.Standard(), izhikevich.Modified2004(), izhikevich.Accommodation(), {}} {
		if err := e.Validate(); err != nil {
			t.Errorf("%+v: got=%v, want nil", e, err)
		}
	}
}

// TestDeclareInitialState checks Declare's initial values and builder: the
// error names v0 or u0 (or the builder), and nothing is added to the graph.
func TestDeclareInitialState(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		v0, u0 []float64
		nilB   bool
		want   string
		batch  int
	}{
		{"batched v0 four", []float64{1, 2, 3, 4}, []float64{-14}, false, "v0 has 4 values for 3 neurons in 2 batch rows (want 1, 3 or 6)", 2},
		{"batched u0 NaN", []float64{-70}, []float64{-14, -14, -14, -14, nan, -14}, false, "u0[4] = NaN is not finite", 2},
		{"v0 empty", nil, []float64{-14}, false, "v0 has 0 values for 3 neurons (want 1 or 3)", 0},
		{"u0 empty", []float64{-70}, []float64{}, false, "u0 has 0 values for 3 neurons", 0},
		{"v0 two of three", []float64{-70, -70}, []float64{-14}, false, "v0 has 2 values", 0},
		{"u0 four of three", []float64{-70}, []float64{1, 2, 3, 4}, false, "u0 has 4 values", 0},
		{"v0 NaN", []float64{-70, nan, -70}, []float64{-14}, false, "v0[1] = NaN mV is not finite", 0},
		{"v0 Inf for all", []float64{inf}, []float64{-14}, false, "v0[0] = +Inf mV", 0},
		{"u0 -Inf", []float64{-70}, []float64{-14, -14, -inf}, false, "u0[2] = -Inf", 0},
		{"nil builder", []float64{-70}, []float64{-14}, true, "Declare: nil builder", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			b := g.Scope("p")
			if tc.nilB {
				b = nil
			}
			testutil.WantErr(t, "izhikevich", "Declare", testutil.NoPanic(t, func() error {
				cfg := goodConfig()
				cfg.Batch = tc.batch
				_, err := izhikevich.Declare(b, cfg, tc.v0, tc.u0)
				return err
			}), tc.want)
			if names := g.Names(); len(names) != 0 {
				t.Errorf("Declare added nodes: got=%v, want none", names)
			}
		})
	}

	// A neuron that starts at the peak starts as fired; one value fills all.
	g, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	p, err := izhikevich.Declare(g.Scope("p"), goodConfig(), []float64{-70, izhikevich.DefaultVPeak, -70}, []float64{-14})
	if err != nil {
		t.Fatal(err)
	}
	fired, u := initsOf(g, p)
	if len(fired) != 3 || fired[0] != 0 || fired[1] != 1 || fired[2] != 0 {
		t.Errorf("fired: got=%v, want [0 1 0]", fired)
	}
	if len(u) != 3 || u[0] != -14 || u[2] != -14 {
		t.Errorf("u: got=%v, want [-14 -14 -14]", u)
	}

	// Batched: n values repeat for every row, Batch·n values are taken as
	// they are.
	g, err = graph.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := goodConfig()
	cfg.Batch = 2
	p, err = izhikevich.Declare(g.Scope("p"), cfg, []float64{-70, izhikevich.DefaultVPeak, -60}, []float64{1, 2, 3, 4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	fired, u = initsOf(g, p)
	if want := []float64{0, 1, 0, 0, 1, 0}; fmt.Sprint(fired) != fmt.Sprint(want) {
		t.Errorf("batched fired: got=%v, want %v", fired, want)
	}
	if want := []float64{1, 2, 3, 4, 5, 6}; fmt.Sprint(u) != fmt.Sprint(want) {
		t.Errorf("batched u: got=%v, want %v", u, want)
	}
	if got := p.V.Shape(); fmt.Sprint(got) != "(2, 3)" {
		t.Errorf("batched v shape: got=%v, want (2, 3)", got)
	}
}

// TestStepCarryErrors checks that Step and Carry return errors, not panics,
// for nil arguments, missing state nodes and a scheme changed after Declare.
func TestStepCarryErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		run  func(b *graph.Builder, p *izhikevich.Population) error
		want string
	}{
		{"Step nil builder", func(_ *graph.Builder, p *izhikevich.Population) error {
			_, err := p.Step(nil, p.State, nil)
			return err
		}, "Step: nil population or builder"},
		{"Step nil population", func(b *graph.Builder, p *izhikevich.Population) error {
			var none *izhikevich.Population
			_, err := none.Step(b, p.State, nil)
			return err
		}, "Step: nil population or builder"},
		{"Step empty state", func(b *graph.Builder, p *izhikevich.Population) error {
			_, err := p.Step(b, izhikevich.State{}, nil)
			return err
		}, "operand"},
		{"Step input of the wrong shape", func(b *graph.Builder, p *izhikevich.Population) error {
			_, err := p.Step(b, p.State, b.Input("I", 4))
			return err
		}, "shape mismatch"},
		{"Step unknown scheme", func(b *graph.Builder, p *izhikevich.Population) error {
			p.Scheme = 42
			_, err := p.Step(b, p.State, nil)
			return err
		}, "Config.Scheme = 42 is unknown"},
		{"Carry nil builder", func(_ *graph.Builder, p *izhikevich.Population) error {
			return p.Carry(nil, p.State)
		}, "Carry: nil population or builder"},
		{"Carry nil population", func(b *graph.Builder, p *izhikevich.Population) error {
			var none *izhikevich.Population
			return none.Carry(b, p.State)
		}, "Carry: nil population or builder"},
		{"Carry empty state", func(b *graph.Builder, p *izhikevich.Population) error {
			return p.Carry(b, izhikevich.State{})
		}, "operand"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			b := g.Scope("p")
			p, err := izhikevich.Declare(b, goodConfig(), []float64{-70}, []float64{-14})
			if err != nil {
				t.Fatal(err)
			}
			testutil.WantErr(t, "izhikevich", tc.name, testutil.NoPanic(t, func() error { return tc.run(b, p) }), tc.want)
		})
	}
}

// initsOf returns the initial values of p's fired and u states.
func initsOf(g *graph.Graph, p *izhikevich.Population) (fired, u []float64) {
	for _, s := range g.States() {
		switch s.Node {
		case p.Fired:
			fired = s.Init
		case p.U:
			u = s.Init
		}
	}
	return fired, u
}
