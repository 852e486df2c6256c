package session_test

import (
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// Step is one sess.run(step, feed_dict={in: ...}) of a TF 1.x loop that
// assigns a tf.Variable: it feeds the inputs, runs the graph once and
// carries every state to its next value. State returns a copy of a state.
// The graph is a leaky integrator, x <- 0.9·x + in.
func ExampleSession_Step() {
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("leaky")
	x := b.State("x", []float64{0}, 2)                       // x = tf.Variable(tf.zeros([2]))
	in := b.Input("in", 2)                                   // in = tf.placeholder(tf.float64, [2])
	b.SetNext(x, b.Add(b.Mul(b.Const("decay", 0.9), x), in)) // step = x.assign(0.9*x + in)
	if err := g.Err(); err != nil {
		fmt.Println(err)
		return
	}
	s, err := session.New(g) // compiles once, like building the tf.Session
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	for k := 0; k < 3; k++ {
		// feed_dict={in: [1, 2]}
		if err := s.Step(session.Feeds{"leaky/in": {1, 2}}); err != nil {
			fmt.Println(err)
			return
		}
		now, err := s.State("leaky/x")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("sample %d: x = %.3f\n", s.Sample(), now)
	}
	// Output:
	// sample 1: x = [1.000 2.000]
	// sample 2: x = [1.900 3.800]
	// sample 3: x = [2.710 5.420]
}

// Run is TF 1.x's sess.run(fetches, feed_dict) without the assign: it
// evaluates the graph on the current state and returns the fetched values,
// by name, leaving the state as it was. A state's next value is fetched as
// "<state>:next". The values belong to the session until its next run.
// The graph is a leaky integrator, x <- 0.9·x + in, with an output 2·x.
func ExampleSession_Run() {
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("leaky")
	x := b.State("x", []float64{0}, 2)                       // x = tf.Variable(tf.zeros([2]))
	in := b.Input("in", 2)                                   // in = tf.placeholder(tf.float64, [2])
	b.SetNext(x, b.Add(b.Mul(b.Const("decay", 0.9), x), in)) // step = x.assign(0.9*x + in)
	b.Output("double", b.Add(x, x))                          // another value to fetch
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
	if err := s.SetState("leaky/x", []float64{10, 20}); err != nil {
		fmt.Println(err)
		return
	}
	// sess.run([x, x_next, double], feed_dict={in: [1, 1]})
	out, err := s.Run([]string{"leaky/x", "leaky/x:next", "leaky/double"}, session.Feeds{"leaky/in": {1, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, name := range []string{"x", "x:next", "double"} {
		fmt.Printf("%s = %v\n", name, out[i].Data())
	}
	now, err := s.State("leaky/x")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x after Run = %v (sample %d)\n", now, s.Sample())
	// Output:
	// x = [10 20]
	// x:next = [10 19]
	// double = [20 40]
	// x after Run = [10 20] (sample 0)
}
