package izhikevich_test

import (
	"math"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
)

func TestPresets(t *testing.T) {
	rs, fs := izhikevich.RegularSpiking(), izhikevich.FastSpiking()
	if rs != (izhikevich.Params{A: 0.02, B: 0.2, C: -65, D: 8}) || fs != (izhikevich.Params{A: 0.1, B: 0.2, C: -65, D: 2}) {
		t.Fatalf("presets %+v %+v", rs, fs)
	}
	// Presets are values: changing one must not change the next.
	rs.A = 1
	if izhikevich.RegularSpiking().A != 0.02 {
		t.Fatal("RegularSpiking shares state")
	}
	// The rest state is u = b*v.
	if izhikevich.RestU != 0.2*izhikevich.RestV {
		t.Fatalf("rest u %v, b*v %v", izhikevich.RestU, 0.2*izhikevich.RestV)
	}
}

func TestValidate(t *testing.T) {
	good := izhikevich.NewConfig(izhikevich.Uniform(3, izhikevich.RegularSpiking()), 0.5)
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(c *izhikevich.Config){
		"dt zero":    func(c *izhikevich.Config) { c.DtMs = 0 },
		"dt NaN":     func(c *izhikevich.Config) { c.DtMs = math.NaN() },
		"vpeak Inf":  func(c *izhikevich.Config) { c.VPeak = math.Inf(1) },
		"c >= peak":  func(c *izhikevich.Config) { c.Cells.C[1] = 40 },
		"NaN a":      func(c *izhikevich.Config) { c.Cells.A[2] = math.NaN() },
		"short d":    func(c *izhikevich.Config) { c.Cells.D = c.Cells.D[:2] },
		"no cells":   func(c *izhikevich.Config) { c.Cells = izhikevich.Cells{} },
		"bad scheme": func(c *izhikevich.Config) { c.Scheme = 7 },
	}
	for name, mutate := range bad {
		c := izhikevich.NewConfig(izhikevich.Uniform(3, izhikevich.RegularSpiking()), 0.5)
		mutate(&c)
		if err := c.Validate(); err == nil || !strings.HasPrefix(err.Error(), "izhikevich: ") {
			t.Errorf("%s: err = %v", name, err)
		}
		g, _ := graph.New()
		if _, err := izhikevich.Declare(g.Scope("p"), c, []float64{-70}, []float64{-14}); err == nil {
			t.Errorf("%s: Declare accepted it", name)
		}
	}
}

func TestStepCanBeUnrolled(t *testing.T) {
	// Step only adds nodes, so calling it T times unrolls T steps (BPTT).
	g, _ := graph.New()
	b := g.Scope("p")
	pop, err := izhikevich.Declare(b, izhikevich.NewConfig(izhikevich.Uniform(2, izhikevich.RegularSpiking()), 0.5), []float64{-70}, []float64{-14})
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
	for _, sc := range []izhikevich.Scheme{izhikevich.Course, izhikevich.NotebookReset, izhikevich.NotebookHost, 9} {
		if sc.String() == "" {
			t.Errorf("scheme %d has no name", int(sc))
		}
	}
}
