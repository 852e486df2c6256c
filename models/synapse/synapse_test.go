package synapse_test

import (
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/models/synapse"
)

func TestValidate(t *testing.T) {
	ok := func() synapse.Config {
		return synapse.Config{NPre: 2, NPost: 3, W: make([]float64, 6), E: []float64{0, -85}, TauMs: 10, DtMs: 0.5}
	}
	if err := ok().Validate(); err != nil {
		t.Fatal(err)
	}
	if d := ok().Decay(); d != 0.95 {
		t.Fatalf("decay %v, want 1 - 0.5/10 = 0.95", d)
	}
	bad := map[string]func(c *synapse.Config){
		"dt = tau":  func(c *synapse.Config) { c.DtMs = 10 },
		"dt > tau":  func(c *synapse.Config) { c.DtMs = 12 },
		"dt zero":   func(c *synapse.Config) { c.DtMs = 0 },
		"W size":    func(c *synapse.Config) { c.W = c.W[:5] },
		"E size":    func(c *synapse.Config) { c.E = c.E[:1] },
		"W NaN":     func(c *synapse.Config) { c.W[4] = math.NaN() },
		"E Inf":     func(c *synapse.Config) { c.E[0] = math.Inf(-1) },
		"no post":   func(c *synapse.Config) { c.NPost = 0 },
		"tau Inf":   func(c *synapse.Config) { c.TauMs = math.Inf(1) },
		"bad order": func(c *synapse.Config) { c.Order = 5 },
	}
	for name, mutate := range bad {
		c := ok()
		mutate(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
