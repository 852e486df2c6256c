package train_test

import (
	"context"
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/train"
)

// A gradient through 100 steps of a recurrent network: 8 LIF neurons in a
// batch of 2 trials, recurrent weights W and input weights win, loss = the
// spike count. The step is compiled once; Gradients runs the forward pass
// with checkpoints and the backward pass through the step's VJP.
func ExampleBPTT_Gradients() {
	const n, batch, steps = 8, 2, 100
	w := make([]float64, n*n) // a ring: each neuron excites the next
	for i := 0; i < n; i++ {
		w[((i+1)%n)*n+i] = 0.5
	}
	win := []float64{1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5}
	model := func() (*graph.Graph, error) {
		g, err := graph.New()
		if err != nil {
			return nil, err
		}
		b := g.Scope("net")
		pop, err := lif.Declare(b, lif.Config{Params: lif.Training(), N: n, Batch: batch, DtMs: 1, DetachReset: true},
			[]float64{0}, []float64{0})
		if err != nil {
			return nil, err
		}
		x := b.Add(b.MatVec(b.Param("W", w, n, n), pop.Fired), b.Mul(b.Param("win", win, n), b.Input("s", batch, n)))
		next, err := pop.Step(b, pop.State, x)
		if err != nil {
			return nil, err
		}
		return g, pop.Carry(b, next)
	}
	loss := func(g *graph.Graph) (*graph.Node, error) { // ℓ_t = Σ fired
		f, err := g.Node("net/fired:next")
		return g.Scope("loss").Sum(f), err
	}
	// Trial 0 gets input on every 3rd step, trial 1 on every 4th.
	feeder := train.FeedFunc(func(t int, in graph.InputWriter) error {
		s := make([]float64, batch*n)
		for j := 0; j < n; j++ {
			if t%3 == 0 {
				s[j] = 1
			}
			if t%4 == 0 {
				s[n+j] = 1
			}
		}
		return in.SetInput("net/s", s)
	})

	bp, err := train.NewBPTT(model, loss, train.Options{Params: []string{"net/W", "net/win"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer bp.Close()
	res, err := bp.Gradients(context.Background(), steps, feeder)
	if err != nil {
		fmt.Println(err)
		return
	}
	dwin := res.Grads["net/win"]
	fmt.Printf("spikes: %.0f\n", res.Loss)
	fmt.Printf("more input gain, more spikes: %v\n", dwin[0] > 0)
	fmt.Printf("dW has %d entries\n", len(res.Grads["net/W"]))
	// Output:
	// spikes: 304
	// more input gain, more spikes: true
	// dW has 64 entries
}
