package graph_test

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spikegraph/spikegraph/graph"
)

// Scopes prefix names the way tf.name_scope does: a state "v" declared in
// the scope "exc" under "net" is "net/exc/v", and its next value, set with
// SetNext, is "net/exc/v:next". Names returns every registered name, sorted.
func ExampleGraph_Scope() {
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	exc := g.Scope("net").Scope("exc")
	v := exc.State("v", []float64{0}, 3)
	// v <- v*0.5 + 1, the graph of one step.
	exc.SetNext(v, exc.Add(exc.Mul(v, exc.Const("half", 0.5)), exc.Const("one", 1)))
	g.Scope("in").Input("I", 3) // a feed (a tf.placeholder)
	if err := g.Err(); err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range g.Names() {
		fmt.Println(name)
	}
	// Output:
	// in/I
	// net/exc/half
	// net/exc/one
	// net/exc/v
	// net/exc/v:next
}

// A state is TF 1.x's tf.Variable and SetNext its assign: State declares v
// with an initial value, SetNext names the node that holds v after one step
// (here v*0.5 + 1), and a session copies that value into v after each run.
// Describe lists what the graph holds: name, kind, shape and dtype.
func ExampleBuilder_State() {
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("net")
	v := b.State("v", []float64{0, 10}, 2)                                 // tf.Variable([0., 10.])
	b.SetNext(v, b.Add(b.Mul(v, b.Const("half", 0.5)), b.Const("one", 1))) // v.assign(v*0.5 + 1)
	// Validate checks that every state has its next value.
	if err := g.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range g.States() {
		next, _ := g.NameOf(s.Next)
		fmt.Printf("state %s starts at %v; its next value is %s\n", s.Name, s.Init, next)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, g.Describe())
	tw.Flush()
	// Output:
	// state net/v starts at [0 10]; its next value is net/v:next
	// net/half    const  ()   float64
	// net/one     const  ()   float64
	// net/v       state  (2)  float64
	// net/v:next  next   (2)  float64
}

// A builder keeps the first error and returns nil nodes after it, so that
// model code reads like the math and checks Err once. A duplicate name is an
// error: gorgonia would silently reuse the first constant of that name.
func ExampleBuilder_Err() {
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("s")
	two := b.Const("k", 2)
	three := b.Const("k", 3) // same name: recorded as an error, returns nil
	sum := b.Add(two, three) // after an error every method returns nil
	fmt.Println(three == nil, sum == nil)
	fmt.Println(b.Err())
	// Output:
	// true true
	// graph: const: graph: duplicate name: "s/k"
}
