package ops

import (
	"fmt"
	"hash"
	"math"

	"gorgonia.org/gorgonia"
)

// ATan is the arctangent surrogate of Fang et al. (2021), "Incorporating
// learnable membrane time constant to enhance learning of spiking neural
// networks", ICCV 2021, 2661-2671 (snnTorch's surrogate.atan). Forward: the
// Heaviside step. Backward:
//
//	psi(x) = (Alpha/2) / (1 + (π/2·Alpha·x)^2),
//
// the derivative of Smooth(x) = arctan(π/2·Alpha·x)/π + 1/2. psi is
// positive, even, peaks at psi(0) = Alpha/2, integrates to 1, and falls to
// half its peak at |x| = 2/(π·Alpha); its tails fall as 1/x², the slowest
// of the surrogates here. The default Alpha is 2 per mV (the paper's and
// snnTorch's; DefaultATan): half-width 0.318 mV.
type ATan struct {
	Alpha float64 // steepness in 1/(units of x), e.g. 1/mV; positive and finite
}

// DefaultATan returns ATan{Alpha: 2}.
func DefaultATan() ATan { return ATan{Alpha: 2} }

// Validate reports whether Alpha is positive and finite.
func (s ATan) Validate() error { return checkScale("ATan", "Alpha", s.Alpha) }

// String returns e.g. "ATan{α=2}".
func (s ATan) String() string { return fmt.Sprintf("ATan{α=%g}", s.Alpha) }

// Deriv returns the node (Alpha/2)·1/(1 + (π/2·Alpha·x)^2), built from
// gorgonia's Mul, Square, Add and Inverse, in x's dtype.
func (s ATan) Deriv(x *gorgonia.Node) (*gorgonia.Node, error) {
	return derivOf(s, x, func(e *expr, x *gorgonia.Node) *gorgonia.Node {
		n := e.un(gorgonia.Square, e.bin(gorgonia.Mul, x, e.c(math.Pi/2*s.Alpha)))
		n = e.un(gorgonia.Inverse, e.bin(gorgonia.Add, n, e.c(1)))
		return e.bin(gorgonia.Mul, n, e.c(s.Alpha/2))
	})
}

// WriteHash writes a type tag and the bits of Alpha to h.
func (s ATan) WriteHash(h hash.Hash) { writeHash(h, "ATan", s.Alpha) }

// Smooth returns arctan(π/2·Alpha·x)/π + 1/2, the function whose
// derivative is psi; it rises by 1 across the threshold.
func (s ATan) Smooth(x float64) float64 { return math.Atan(math.Pi/2*s.Alpha*x)/math.Pi + 0.5 }

// DerivAt returns psi(x) = (Alpha/2)·1/(1 + (π/2·Alpha·x)^2) in plain Go.
func (s ATan) DerivAt(x float64) float64 {
	z := x * (math.Pi / 2 * s.Alpha)
	return 1 / (z*z + 1) * (s.Alpha / 2)
}
