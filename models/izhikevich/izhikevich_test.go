package izhikevich_test

import (
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/session"
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
	for _, sc := range []izhikevich.Scheme{izhikevich.Course, izhikevich.NotebookReset, izhikevich.NotebookHost, izhikevich.Figure, izhikevich.NetM, 9} {
		if sc.String() == "" {
			t.Errorf("scheme %d has no name", int(sc))
		}
	}
}

// TestEquations pins the published coefficients: Izhikevich (2003) eq. 1-2,
// and figure1.m's panels (G), (L) (0.04v² + 4.1v + 108) and (R) (du/dt =
// a·b·(v + 65)).
func TestEquations(t *testing.T) {
	cases := []struct {
		got, want izhikevich.Equation
	}{
		{izhikevich.Standard(), izhikevich.Equation{K2: 0.04, K1: 5, K0: 140, VU: 0, KU: 1}},
		{izhikevich.Modified2004(), izhikevich.Equation{K2: 0.04, K1: 4.1, K0: 108, VU: 0, KU: 1}},
		{izhikevich.Accommodation(), izhikevich.Equation{K2: 0.04, K1: 5, K0: 140, VU: -65, KU: 0}},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %+v, want %+v", c.got, c.want)
		}
	}
	if (izhikevich.Config{}).Equation() != izhikevich.Standard() {
		t.Error("a nil Eq is not the standard equation")
	}
}

// TestFigureSchemeStepByHand checks one Figure step and one NetM step of a
// neuron against the formulas of the package doc, written out here.
func TestFigureSchemeStepByHand(t *testing.T) {
	for _, sc := range []izhikevich.Scheme{izhikevich.Figure, izhikevich.NetM} {
		p := izhikevich.Params{A: 0.02, B: 0.2, C: -65, D: 8}
		cfg := izhikevich.Config{Cells: izhikevich.Uniform(2, p), DtMs: 0.25, VPeak: 30, Scheme: sc}
		g, _ := graph.New()
		b := g.Scope("p")
		// neuron 0 integrates from (-60, -12); neuron 1 starts at the peak
		// (fired), so it resets first.
		pop, err := izhikevich.Declare(b, cfg, []float64{-60, 30}, []float64{-12, -10})
		if err != nil {
			t.Fatal(err)
		}
		i := b.Input("I", 2)
		next, err := pop.Step(b, pop.State, i)
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
		if err := s.Step(session.Feeds{"p/I": []float64{10, 10}}); err != nil {
			t.Fatal(err)
		}
		vs, err1 := s.State("p/v")
		us, err2 := s.State("p/u")
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		for n, st := range [][2]float64{{-60, -12}, {p.C, -10 + p.D}} {
			v, u := st[0], st[1]
			if sc == izhikevich.Figure {
				v = v + float64(0.25*(float64(float64(float64(0.04*float64(v*v))+float64(5*v))+140)-u+10))
			} else {
				for h := 0; h < 2; h++ {
					v = v + float64(0.125*(float64(float64(float64(0.04*float64(v*v))+float64(5*v))+140)-u+10))
				}
			}
			u = u + float64(float64(0.25*p.A)*float64(float64(p.B*v)-u))
			if vs[n] != v || us[n] != u {
				t.Errorf("%v, neuron %d: v, u = %v, %v; want %v, %v", sc, n, vs[n], us[n], v, u)
			}
		}
		s.Close()
	}
}
