package figures_test

import (
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/internal/testutil"
	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/models/stimulus"
)

// TestPanelValidate is the table of Panel.Validate: every published panel
// is valid, and each bad field gives an error that starts with "figures: ",
// names the panel and says what is wrong.
func TestPanelValidate(t *testing.T) {
	t.Parallel()
	for _, p := range panels() {
		if err := p.Validate(); err != nil {
			t.Errorf("panel %s: got=%v, want valid", p.Key, err)
		}
	}
	good, err := figures.Lookup("A")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(p *figures.Panel)
		want string
	}{
		{"zero dt", func(p *figures.Panel) { p.DtMs = 0 }, "A: dt = 0 ms and duration = 100 ms must be positive and finite"},
		{"negative dt", func(p *figures.Panel) { p.DtMs = -0.25 }, "dt = -0.25 ms"},
		{"NaN dt", func(p *figures.Panel) { p.DtMs = math.NaN() }, "dt = NaN ms"},
		{"infinite dt", func(p *figures.Panel) { p.DtMs = math.Inf(1) }, "dt = +Inf ms"},
		{"negative duration", func(p *figures.Panel) { p.DurationMs = -1 }, "duration = -1 ms must be positive"},
		{"NaN duration", func(p *figures.Panel) { p.DurationMs = math.NaN() }, "duration = NaN ms"},
		{"infinite duration", func(p *figures.Panel) { p.DurationMs = math.Inf(1) }, "duration = +Inf ms"},
		{"duration not whole steps", func(p *figures.Panel) { p.DtMs, p.DurationMs = 1, 10.5 }, "duration 10.5 ms is not a whole number of steps of 1 ms"},
		{"NaN V0", func(p *figures.Panel) { p.V0 = math.NaN() }, "initial state (NaN, "},
		{"infinite U0", func(p *figures.Panel) { p.U0 = math.Inf(-1) }, "-Inf) is not finite"},
		{"NaN current", func(p *figures.Panel) { p.Current = stimulus.Constant(math.NaN()) }, "A: stimulus: Protocol.Base = NaN is not finite"},
		{"c above the cut-off", func(p *figures.Panel) { p.Params.C = 31 }, "Cells.C[0] = 31 mV must be below the peak VPeak = 30 mV"},
		{"NaN a", func(p *figures.Panel) { p.Params.A = math.NaN() }, "Cells.A[0]"},
		{"infinite coefficient", func(p *figures.Panel) { p.Eq.K1 = math.Inf(1) }, "K1 = +Inf is not finite"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := good
			tc.edit(&p)
			testutil.WantErr(t, "figures", "Validate", testutil.NoPanic(t, p.Validate), tc.want)
		})
	}
}
