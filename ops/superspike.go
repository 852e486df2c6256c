package ops

import (
	"fmt"
	"hash"
	"math"

	"gorgonia.org/gorgonia"
)

// SuperSpike is the fast-sigmoid surrogate of Zenke and Ganguli (2018),
// "SuperSpike: supervised learning in multilayer spiking neural networks",
// Neural Computation 30(6):1514-1541. Forward: the Heaviside step. Backward:
//
//	psi(x) = 1 / (Beta·|x| + 1)^2,
//
// the derivative of the fast sigmoid Smooth(x) = x / (1 + Beta·|x|). psi is
// positive, even, and peaks at psi(0) = 1; it falls to 1/4 at |x| = 1/Beta
// and to 1/2 at |x| = (√2 - 1)/Beta. The default Beta is 10 per mV
// (DefaultSuperSpike): half-width 0.041 mV (see Surrogate for what a scale
// means for each model).
type SuperSpike struct {
	Beta float64 // steepness in 1/(units of x), e.g. 1/mV; positive and finite
}

// DefaultSuperSpike returns SuperSpike{Beta: 10}.
func DefaultSuperSpike() SuperSpike { return SuperSpike{Beta: 10} }

// Validate reports whether Beta is positive and finite.
func (s SuperSpike) Validate() error { return checkScale("SuperSpike", "Beta", s.Beta) }

// String returns e.g. "SuperSpike{β=10}".
func (s SuperSpike) String() string { return fmt.Sprintf("SuperSpike{β=%g}", s.Beta) }

// Deriv returns the node 1 / (Beta·|x| + 1)^2, built from gorgonia's Abs,
// Mul, Add, Square and Inverse, in x's dtype.
func (s SuperSpike) Deriv(x *gorgonia.Node) (*gorgonia.Node, error) {
	return derivOf(s, x, func(e *expr, x *gorgonia.Node) *gorgonia.Node {
		n := e.bin(gorgonia.Mul, e.un(gorgonia.Abs, x), e.c(s.Beta))
		n = e.un(gorgonia.Square, e.bin(gorgonia.Add, n, e.c(1)))
		return e.un(gorgonia.Inverse, n)
	})
}

// WriteHash writes a type tag and the bits of Beta to h.
func (s SuperSpike) WriteHash(h hash.Hash) { writeHash(h, "SuperSpike", s.Beta) }

// Smooth returns the fast sigmoid x / (1 + Beta·|x|), the function whose
// derivative is psi (DerivAt); it rises by 2/Beta across the threshold.
func (s SuperSpike) Smooth(x float64) float64 { return x / (1 + s.Beta*math.Abs(x)) }

// DerivAt returns psi(x) = 1 / (Beta·|x| + 1)^2 in plain Go, the value the
// node built by Deriv computes.
func (s SuperSpike) DerivAt(x float64) float64 {
	d := s.Beta*math.Abs(x) + 1
	return 1 / (d * d)
}
