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
