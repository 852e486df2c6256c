package izhikevich_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/session"
)

// build declares a population of mixed cells and steps it with Step or
// FusedStep, with an input current when input is true.
func build(t *testing.T, cfg izhikevich.Config, dt tensor.Dtype, fused, input bool) *session.Session {
	t.Helper()
	g, err := graph.New(graph.WithDtype(dt))
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("p")
	n := cfg.Cells.Len()
	v0, u0 := make([]float64, n), make([]float64, n)
	for i := range v0 {
		v0[i], u0[i] = -70+float64(i%7)*15, -14+float64(i%3)
	}
	pop, err := izhikevich.Declare(b, cfg, v0, u0)
	if err != nil {
		t.Fatal(err)
	}
	var i *graph.Node
	if input {
		i = b.Input("I", n)
	}
	step := pop.Step
	if fused {
		step = pop.FusedStep
	}
	next, err := step(b, pop.State, i)
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
	return s
}

// TestFusedStepEqualsStep runs every scheme, under every published
// equation, in both dtypes, with and without input, fine-grained (Step) and
// fused (FusedStep) side by side for 2000 steps of a noisy current, and
// requires v, u and fired to agree bit for bit at every step. The network
// tests cover the scenarios; this covers the Figure scheme and the
// non-standard equations, which only the figures use.
func TestFusedStepEqualsStep(t *testing.T) {
	eqs := map[string]izhikevich.Equation{"standard": izhikevich.Standard(), "2004": izhikevich.Modified2004(), "accommodation": izhikevich.Accommodation()}
	const n = 30
	cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
	for i := 0; i < n; i += 3 {
		cells.Set(i, izhikevich.FastSpiking())
	}
	for _, sc := range []izhikevich.Scheme{izhikevich.Course, izhikevich.NotebookReset, izhikevich.NotebookHost, izhikevich.Figure, izhikevich.NetM} {
		for eqName, eq := range eqs {
			for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				for _, input := range []bool{true, false} {
					name := fmt.Sprintf("%v/%s/%v/input=%t", sc, eqName, dt, input)
					t.Run(name, func(t *testing.T) {
						e := eq
						cfg := izhikevich.Config{Cells: cells, DtMs: 0.25, VPeak: 30, Scheme: sc, Eq: &e}
						fine, fused := build(t, cfg, dt, false, input), build(t, cfg, dt, true, input)
						rng := rand.New(rand.NewPCG(1, 2))
						cur := make([]float64, n)
						spikes := 0
						for k := 0; k < 2000; k++ {
							var feed session.Feeds
							if input {
								for j := range cur {
									cur[j] = 12 * rng.Float64()
								}
								feed = session.Feeds{"p/I": cur}
							}
							if err := fine.Step(feed); err != nil {
								t.Fatal(err)
							}
							if err := fused.Step(feed); err != nil {
								t.Fatal(err)
							}
							for _, st := range []string{"p/v", "p/u", "p/fired"} {
								a, _ := fine.State(st)
								b, _ := fused.State(st)
								for j := range a {
									if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
										t.Fatalf("step %d: %s[%d]: Step %v, FusedStep %v", k, st, j, a[j], b[j])
									}
									if st == "p/fired" && a[j] != 0 {
										spikes++
									}
								}
							}
						}
						if input && spikes == 0 {
							t.Fatal("no spikes: the reset path is untested")
						}
					})
				}
			}
		}
	}
}
