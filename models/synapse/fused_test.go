package synapse_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/synapse"
	"github.com/spikegraph/spikegraph/ops"
	"github.com/spikegraph/spikegraph/session"
)

// group builds a synapse group stepped by Step or FusedStep, with inputs
// "s/pre" and "s/v" and the current as output "s/I".
func group(t *testing.T, cfg synapse.Config, dt tensor.Dtype, fused bool) *session.Session {
	t.Helper()
	g, err := graph.New(graph.WithDtype(dt))
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("s")
	grp, err := synapse.Declare(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pre, v := b.Input("pre", cfg.NPre), b.Input("v", cfg.NPost)
	step := grp.Step
	if fused {
		step = grp.FusedStep
	}
	gNext, i, err := step(b, grp.G, pre, v)
	if err != nil {
		t.Fatal(err)
	}
	b.SetNext(grp.G, gNext)
	b.Output("I", i)
	s, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFusedStepEqualsStep runs a group fine-grained (Step) and fused
// (FusedStep) side by side, dense and sparse, with reversal potentials
// zero or mixed, in both orders and dtypes, and requires g and I to agree
// bit for bit at every step.
func TestFusedStepEqualsStep(t *testing.T) {
	const nPre, nPost = 40, 25
	rng := rand.New(rand.NewPCG(5, 5))
	w := make([]float64, nPre*nPost)
	for i := range w {
		if rng.Float64() < 0.3 {
			w[i] = rng.Float64()
		}
	}
	csr, err := ops.FromDense(nPost, nPre, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, sparse := range []bool{false, true} {
		for _, mixed := range []bool{false, true} {
			for _, order := range []synapse.Order{synapse.OrderCourse, synapse.OrderNotebookNeat} {
				for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
					t.Run(fmt.Sprintf("sparse=%t/mixedE=%t/order=%d/%v", sparse, mixed, order, dt), func(t *testing.T) {
						e := make([]float64, nPre)
						if mixed {
							for j := range e {
								if j%5 == 0 {
									e[j] = -85
								}
							}
						}
						cfg := synapse.Config{NPre: nPre, NPost: nPost, E: e, TauMs: 10, DtMs: 0.5, Order: order}
						if sparse {
							cfg.Sparse = csr
						} else {
							cfg.W = w
						}
						fine, fused := group(t, cfg, dt, false), group(t, cfg, dt, true)
						pre, v := make([]float64, nPre), make([]float64, nPost)
						for k := 0; k < 300; k++ {
							for j := range pre {
								pre[j] = 0
								if rng.Float64() < 0.05 {
									pre[j] = 1
								}
							}
							for j := range v {
								v[j] = -70 + 60*rng.Float64()
							}
							feed := session.Feeds{"s/pre": pre, "s/v": v}
							if err := fine.Step(feed); err != nil {
								t.Fatal(err)
							}
							if err := fused.Step(feed); err != nil {
								t.Fatal(err)
							}
							for _, name := range []string{"s/g", "s/I"} {
								a, _ := fine.Value(name)
								b, _ := fused.Value(name)
								av, bv := floats(a.Data()), floats(b.Data())
								for j := range av {
									if math.Float64bits(av[j]) != math.Float64bits(bv[j]) {
										t.Fatalf("step %d: %s[%d]: Step %v, FusedStep %v", k, name, j, av[j], bv[j])
									}
								}
							}
						}
					})
				}
			}
		}
	}
}

func floats(d any) []float64 {
	switch d := d.(type) {
	case []float64:
		return d
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	}
	return nil
}

// eventGroup builds an event-driven group with inputs "s/pre", "s/v" and
// the output "s/I".
func eventGroup(t *testing.T, cfg synapse.Config, dt tensor.Dtype) (*session.Session, *synapse.EventGroup) {
	t.Helper()
	g, err := graph.New(graph.WithDtype(dt))
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("s")
	grp, err := synapse.DeclareEvent(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pre, v := b.Input("pre", cfg.NPre), b.Input("v", cfg.NPost)
	hNext, i, err := grp.Step(b, grp.H, pre, v)
	if err != nil {
		t.Fatal(err)
	}
	b.SetNext(grp.H, hNext)
	b.Output("I", i)
	s, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	return s, grp
}

// TestEventStepMatchesStep drives an event-driven group and the dense one
// with the same spikes and potentials for 400 steps (dense and sparse
// weights, both orders, one or two reversal potentials) and requires the
// currents to agree within 1e-10 relative (float64; 1e-4 in float32) at
// every step: equal in exact arithmetic, summed in another order.
func TestEventStepMatchesStep(t *testing.T) {
	const nPre, nPost = 60, 35
	rng := rand.New(rand.NewPCG(8, 8))
	w := make([]float64, nPre*nPost)
	for i := range w {
		if rng.Float64() < 0.2 {
			w[i] = rng.Float64()
		}
	}
	csr, err := ops.FromDense(nPost, nPre, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, sparse := range []bool{false, true} {
		for _, mixed := range []bool{false, true} {
			for _, order := range []synapse.Order{synapse.OrderCourse, synapse.OrderNotebookNeat} {
				for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
					t.Run(fmt.Sprintf("sparse=%t/mixedE=%t/order=%d/%v", sparse, mixed, order, dt), func(t *testing.T) {
						e := make([]float64, nPre)
						if mixed {
							for j := range e {
								if j%5 == 0 {
									e[j] = -85
								}
							}
						}
						cfg := synapse.Config{NPre: nPre, NPost: nPost, E: e, TauMs: 10, DtMs: 0.5, Order: order}
						if sparse {
							cfg.Sparse = csr
						} else {
							cfg.W = w
						}
						dense := group(t, cfg, dt, true)
						event, grp := eventGroup(t, cfg, dt)
						if want := 1 + btoi(mixed); len(grp.Classes) != want {
							t.Fatalf("%d classes, want %d", len(grp.Classes), want)
						}
						tol := 1e-10
						if dt == tensor.Float32 {
							tol = 1e-4
						}
						pre, v := make([]float64, nPre), make([]float64, nPost)
						for k := 0; k < 400; k++ {
							for j := range pre {
								pre[j] = 0
								if rng.Float64() < 0.05 {
									pre[j] = 1
								}
							}
							for j := range v {
								v[j] = -70 + 60*rng.Float64()
							}
							feed := session.Feeds{"s/pre": pre, "s/v": v}
							if err := dense.Step(feed); err != nil {
								t.Fatal(err)
							}
							if err := event.Step(feed); err != nil {
								t.Fatal(err)
							}
							a, _ := dense.Value("s/I")
							b, _ := event.Value("s/I")
							av, bv := floats(a.Data()), floats(b.Data())
							for j := range av {
								if math.Abs(av[j]-bv[j]) > tol*math.Max(1, math.Abs(av[j])) {
									t.Fatalf("step %d: I[%d]: dense %v, event %v", k, j, av[j], bv[j])
								}
							}
						}
					})
				}
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
