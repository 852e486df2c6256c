package session_test

import (
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// SetParam is the update step of a training loop: Builder.Grad registers
// the gradient as an output, Run fetches it with the cost, and SetParam
// copies the new value into the compiled session (nothing is recompiled).
// Here gradient descent fits y = w·x to y = 2x.
func ExampleSession_SetParam() {
	g, err := graph.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	b := g.Scope("fit")
	w := b.Param("w", []float64{0}) // a scalar param
	x, y := b.Input("x", 3), b.Input("y", 3)
	cost := b.Output("cost", b.Mean(b.Square(b.Sub(b.Mul(w, x), y))))
	b.Grad(cost, w) // registers "fit/grad/fit/w"
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
	feeds := session.Feeds{"fit/x": {1, 2, 3}, "fit/y": {2, 4, 6}}
	for step := 0; step < 4; step++ {
		out, err := s.Run([]string{"fit/cost", "fit/grad/fit/w"}, feeds)
		if err != nil {
			fmt.Println(err)
			return
		}
		cur, _ := s.Param("fit/w") // a copy
		fmt.Printf("w = %.4f  cost = %.4f\n", cur[0], out[0].Data())
		grad := out[1].Data().(float64)
		if err := s.SetParam("fit/w", []float64{cur[0] - 0.1*grad}); err != nil {
			fmt.Println(err)
			return
		}
	}
	// Output:
	// w = 0.0000  cost = 18.6667
	// w = 1.8667  cost = 0.0830
	// w = 1.9911  cost = 0.0004
	// w = 1.9994  cost = 0.0000
}
