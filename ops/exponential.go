package ops

import (
	"fmt"
	"hash"
	"math"

	"gorgonia.org/gorgonia"
)

// Exponential is the exponential surrogate of Shrestha and Orchard (2018),
// "SLAYER: spike layer error reassignment in time", NeurIPS 31, whose
// probability density of a spike's change is α·exp(-β|u - ϑ|). Forward: the
// Heaviside step. Backward:
//
//	psi(x) = Alpha·exp(-Beta·|x|),
//
// the derivative of Smooth(x) = sign(x)·(Alpha/Beta)·(1 - exp(-Beta·|x|)).
// psi is positive, even, peaks at psi(0) = Alpha, integrates to
// 2·Alpha/Beta and falls to half its peak at |x| = ln 2/Beta. The defaults
// (DefaultExponential) are Alpha = 1 and Beta = 1 per mV: half-width
// 0.693 mV.
type Exponential struct {
	Alpha float64 // peak, psi(0); positive and finite
	Beta  float64 // decay rate in 1/(units of x), e.g. 1/mV; positive and finite
}

// DefaultExponential returns Exponential{Alpha: 1, Beta: 1}.
func DefaultExponential() Exponential { return Exponential{Alpha: 1, Beta: 1} }

// Validate reports whether Alpha and Beta are positive and finite.
func (s Exponential) Validate() error {
	if err := checkScale("Exponential", "Alpha", s.Alpha); err != nil {
		return err
	}
	return checkScale("Exponential", "Beta", s.Beta)
}

// String returns e.g. "Exponential{α=1,β=1}".
func (s Exponential) String() string {
	return fmt.Sprintf("Exponential{α=%g,β=%g}", s.Alpha, s.Beta)
}

// Deriv returns the node Alpha·exp(-Beta·|x|), built from gorgonia's Abs,
// Mul and Exp, in x's dtype.
func (s Exponential) Deriv(x *gorgonia.Node) (*gorgonia.Node, error) {
	return derivOf(s, x, func(e *expr, x *gorgonia.Node) *gorgonia.Node {
		n := e.un(gorgonia.Exp, e.bin(gorgonia.Mul, e.un(gorgonia.Abs, x), e.c(-s.Beta)))
		return e.bin(gorgonia.Mul, n, e.c(s.Alpha))
	})
}

// WriteHash writes a type tag and the bits of Alpha and Beta to h.
func (s Exponential) WriteHash(h hash.Hash) { writeHash(h, "Exponential", s.Alpha, s.Beta) }

// Smooth returns sign(x)·(Alpha/Beta)·(1 - exp(-Beta·|x|)), the function
// whose derivative is psi; it rises by 2·Alpha/Beta across the threshold.
func (s Exponential) Smooth(x float64) float64 {
	return math.Copysign(s.Alpha/s.Beta*-math.Expm1(-s.Beta*math.Abs(x)), x)
}

// DerivAt returns psi(x) = Alpha·exp(-Beta·|x|) in plain Go.
func (s Exponential) DerivAt(x float64) float64 { return math.Exp(math.Abs(x)*-s.Beta) * s.Alpha }
