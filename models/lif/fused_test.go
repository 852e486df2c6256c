package lif_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/session"
)

// stepped builds a population stepped by Step or FusedStep with input "p/x".
func stepped(t *testing.T, cfg lif.Config, dt tensor.Dtype, fused, input bool) *session.Session {
	t.Helper()
	g, err := graph.New(graph.WithDtype(dt))
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("p")
	v0 := make([]float64, cfg.N)
	for j := range v0 {
		v0[j] = cfg.VLeak + float64(j%5)*0.2*(cfg.VThresh-cfg.VLeak)
	}
	p, err := lif.Declare(b, cfg, v0, []float64{0.1})
	if err != nil {
		t.Fatal(err)
	}
	var x *graph.Node
	if input {
		x = b.Input("x", cfg.N)
	}
	step := p.Step
	if fused {
		step = p.FusedStep
	}
	next, err := step(b, p.State, x)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Carry(b, next); err != nil {
		t.Fatal(err)
	}
	s, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFusedStepEqualsStep runs both modes (current- and conductance-based,
// with and without DetachReset), both dtypes, with and without input,
// fine-grained (Step) and fused (FusedStep) side by side for 2000 steps and
// requires v, the synaptic variable and the spikes to agree bit for bit.
func TestFusedStepEqualsStep(t *testing.T) {
	const n = 25
	e := make([]float64, n)
	for j := range e {
		if j%4 == 0 {
			e[j] = -80
		}
	}
	for _, mode := range []lif.Mode{lif.CurrentBased, lif.ConductanceBased} {
		for _, detach := range []bool{false, true} {
			for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				for _, input := range []bool{true, false} {
					t.Run(fmt.Sprintf("%v/detach=%t/%v/input=%t", mode, detach, dt, input), func(t *testing.T) {
						cfg := lif.Config{Params: lif.VogelsAbbott(), N: n, DtMs: 0.5, Mode: mode, DetachReset: detach}
						syn := "p/i"
						if mode == lif.ConductanceBased {
							cfg.E, syn = e, "p/g"
						} else {
							cfg.Params = lif.Training()
						}
						fine, fused := stepped(t, cfg, dt, false, input), stepped(t, cfg, dt, true, input)
						rng := rand.New(rand.NewPCG(3, 3))
						x := make([]float64, n)
						spikes := 0
						for k := 0; k < 2000; k++ {
							var feed session.Feeds
							if input {
								for j := range x {
									x[j] = 0
									if rng.Float64() < 0.3 {
										x[j] = 0.6 * rng.Float64()
									}
								}
								feed = session.Feeds{"p/x": x}
							}
							if err := fine.Step(feed); err != nil {
								t.Fatal(err)
							}
							if err := fused.Step(feed); err != nil {
								t.Fatal(err)
							}
							for _, st := range []string{"p/v", syn, "p/fired"} {
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

func TestFusedStepRejectsBatch(t *testing.T) {
	g, _ := graph.New()
	b := g.Scope("p")
	p, err := lif.Declare(b, lif.Config{Params: lif.Training(), N: 3, Batch: 2, DtMs: 0.5}, []float64{0}, []float64{0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.FusedStep(b, p.State, nil); err == nil {
		t.Fatal("batched population: no error")
	}
	cells, err := lif.Neuron{Config: lif.Config{Params: lif.Training(), N: 3, Batch: 2}}.Declare(g.Scope("q"), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if cells.Fused != nil {
		t.Fatal("a batched population offers a fused step")
	}
}
