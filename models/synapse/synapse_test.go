package synapse_test

import (
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/synapse"
)

func ok() synapse.Config {
	return synapse.Config{NPre: 2, NPost: 3, W: make([]float64, 6), E: []float64{0, -85}, TauMs: 10, DtMs: 0.5}
}

// TestValidate is the bad-config table: Validate and Declare reject each
// config with an error naming the field, add nothing and do not panic.
func TestValidate(t *testing.T) {
	t.Parallel()
	if err := ok().Validate(); err != nil {
		t.Fatal(err)
	}
	if d := ok().Decay(); d != 0.95 {
		t.Fatalf("decay: got=%v, want 1 - 0.5/10 = 0.95", d)
	}
	cases := []struct {
		name   string
		mutate func(c *synapse.Config)
		want   string
	}{
		{"dt = tau", func(c *synapse.Config) { c.DtMs = 10 }, "Config.TauMs = 10 ms must be finite and exceed Config.DtMs = 10 ms"},
		{"dt > tau", func(c *synapse.Config) { c.DtMs = 12 }, "Config.TauMs = 10 ms"},
		{"dt zero", func(c *synapse.Config) { c.DtMs = 0 }, "Config.DtMs = 0 ms must be > 0"},
		{"dt NaN", func(c *synapse.Config) { c.DtMs = math.NaN() }, "Config.DtMs = NaN"},
		{"dt Inf", func(c *synapse.Config) { c.DtMs = math.Inf(1) }, "Config.DtMs = +Inf"},
		{"W size", func(c *synapse.Config) { c.W = c.W[:5] }, "Config.W has 5 values, want Config.NPost x Config.NPre = 3 x 2"},
		{"W nil", func(c *synapse.Config) { c.W = nil }, "Config.W has 0 values"},
		{"E size", func(c *synapse.Config) { c.E = c.E[:1] }, "Config.E has 1 values, want Config.NPre = 2"},
		{"W NaN", func(c *synapse.Config) { c.W[4] = math.NaN() }, "Config.W[2, 0] = NaN"},
		{"W -Inf", func(c *synapse.Config) { c.W[1] = math.Inf(-1) }, "Config.W[0, 1] = -Inf is not finite"},
		{"E Inf", func(c *synapse.Config) { c.E[0] = math.Inf(-1) }, "Config.E[0] = -Inf"},
		{"no post", func(c *synapse.Config) { c.NPost = 0 }, "Config.NPost = 0 must be >= 1"},
		{"no pre", func(c *synapse.Config) { c.NPre = -1 }, "Config.NPre = -1 must be >= 1"},
		{"sizes overflow", func(c *synapse.Config) { c.NPre, c.NPost = math.MaxInt/2, 4 }, "overflows"},
		{"tau Inf", func(c *synapse.Config) { c.TauMs = math.Inf(1) }, "Config.TauMs = +Inf"},
		{"tau NaN", func(c *synapse.Config) { c.TauMs = math.NaN() }, "Config.TauMs = NaN"},
		{"bad order", func(c *synapse.Config) { c.Order = 5 }, "Config.Order = 5 is unknown"},
		{"zero config", func(c *synapse.Config) { *c = synapse.Config{} }, "Config.NPre = 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := ok()
			tc.mutate(&c)
			testutil.WantErr(t, "synapse", "Validate", testutil.NoPanic(t, c.Validate), tc.want)
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			testutil.WantErr(t, "synapse", "Declare", testutil.NoPanic(t, func() error {
				_, err := synapse.Declare(g.Scope("syn"), c)
				return err
			}), tc.want)
			if names := g.Names(); len(names) != 0 {
				t.Errorf("Declare added nodes: got=%v, want none", names)
			}
		})
	}
}

// TestDeclareStepErrors checks nil arguments and nodes that do not fit:
// errors, not panics.
func TestDeclareStepErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		run  func(b *graph.Builder, s *synapse.Group) error
		want string
	}{
		{"Declare nil builder", func(*graph.Builder, *synapse.Group) error {
			_, err := synapse.Declare(nil, ok())
			return err
		}, "Declare: nil builder"},
		{"Step nil builder", func(b *graph.Builder, s *synapse.Group) error {
			_, _, err := s.Step(nil, s.G, b.Input("pre", 2), b.Input("v", 3))
			return err
		}, "Step: nil group or builder"},
		{"Step nil group", func(b *graph.Builder, s *synapse.Group) error {
			var none *synapse.Group
			_, _, err := none.Step(b, s.G, b.Input("pre", 2), b.Input("v", 3))
			return err
		}, "Step: nil group or builder"},
		{"Step nil nodes", func(b *graph.Builder, s *synapse.Group) error {
			_, _, err := s.Step(b, nil, nil, nil)
			return err
		}, "operand"},
		{"Step pre of the wrong size", func(b *graph.Builder, s *synapse.Group) error {
			_, _, err := s.Step(b, s.G, b.Input("pre", 3), b.Input("v", 3))
			return err
		}, "shape mismatch"},
		{"Step v of the wrong size", func(b *graph.Builder, s *synapse.Group) error {
			_, _, err := s.Step(b, s.G, b.Input("pre", 2), b.Input("v", 2))
			return err
		}, "shape mismatch"},
		{"Declare twice in one scope", func(b *graph.Builder, _ *synapse.Group) error {
			_, err := synapse.Declare(b, ok())
			return err
		}, "duplicate name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			b := g.Scope("syn")
			s, err := synapse.Declare(b, ok())
			if err != nil {
				t.Fatal(err)
			}
			testutil.WantErr(t, "synapse", tc.name, testutil.NoPanic(t, func() error { return tc.run(b, s) }), tc.want)
		})
	}
}
