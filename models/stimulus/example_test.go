package stimulus_test

import (
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/models/stimulus"
)

// A protocol is data: a base current overridden by segments, first match
// first, as in Izhikevich's figure program's if/elseif chains. This one is
// panel (K) resonator's shape cut short: two 4 ms pulses 20 ms apart, then a
// ramp from 50 ms on.
func ExampleSequence() {
	p := stimulus.Sequence(0,
		stimulus.Pulse(10, 14, 0.65),
		stimulus.Pulse(30, 34, 0.65),
		stimulus.Ramp(50, math.Inf(1), 0, 0.1),
	)
	if err := p.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range []float64{10, 12, 14, 32, 40, 50, 60} {
		fmt.Printf("I(%g ms) = %g\n", t, p.At(t))
	}
	// Output:
	// I(10 ms) = 0
	// I(12 ms) = 0.65
	// I(14 ms) = 0
	// I(32 ms) = 0.65
	// I(40 ms) = 0
	// I(50 ms) = 0
	// I(60 ms) = 1
}
