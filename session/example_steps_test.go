package session_test

import (
	"context"
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// pulse is a graph.Feeder: the feed_dict of each step of a TF 1.x training
// loop, as a function of the step. It feeds 1 to every element of Input
// on the steps before Off, then 0.
type pulse struct {
	Input string
	Off   int
}

// Feed writes the step's input.
func (p pulse) Feed(step int, w graph.InputWriter) error {
	if step < p.Off {
		return w.FillInput(p.Input, 1)
	}
	return w.FillInput(p.Input, 0)
}

// Steps is a whole TF 1.x loop, for k in range(n): sess.run(step,
// feed_dict=feeds(k)), with the feeds from a graph.Feeder and the values kept
// by recorders (Brian2's monitors). The graph is x <- 0.9·x + in, a leaky
// integrator, driven by a pulse of 1 for three steps.
func ExampleSession_Steps() {
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("leaky")
	x := b.State("x", []float64{0}, 1)                       // tf.Variable([0.])
	in := b.Input("in", 1)                                   // tf.placeholder(tf.float64, [1])
	b.SetNext(x, b.Add(b.Mul(b.Const("decay", 0.9), x), in)) // x.assign(0.9*x + in)
	if err := g.Err(); err != nil {
		fmt.Println(err)
		return
	}
	s, err := session.New(g)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	trace := session.RecordState("leaky/x", []int{0}) // element 0 of x, every sample
	if err := s.Steps(context.Background(), 5, pulse{Input: "leaky/in", Off: 3}, trace); err != nil {
		fmt.Println(err)
		return
	}
	for k := 0; k < trace.Samples(); k++ {
		fmt.Printf("sample %d: x = %.4f\n", trace.First+k, trace.Data[k])
	}
	// Output:
	// sample 0: x = 0.0000
	// sample 1: x = 1.0000
	// sample 2: x = 1.9000
	// sample 3: x = 2.7100
	// sample 4: x = 2.4390
	// sample 5: x = 2.1951
}
