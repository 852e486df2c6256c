package ops

import (
	"fmt"
	"hash"
	"math"

	"gorgonia.org/gorgonia"
)

// Triangle is the triangular pseudo-derivative of Bellec et al. (2018),
// "Long short-term memory and learning-to-learn in networks of spiking
// neurons", NeurIPS 31. Forward: the Heaviside step. Backward:
//
//	psi(x) = Gamma·max(0, 1 - |x|/Width),
//
// the derivative of Smooth(x) = Gamma·(x - x|x|/(2·Width)) for |x| < Width
// and ±Gamma·Width/2 beyond. psi peaks at psi(0) = Gamma, is zero for
// |x| >= Width (no gradient far from threshold), falls to half its peak at
// |x| = Width/2, and integrates to Gamma·Width. Bellec et al. measure x in
// units of the threshold (Width 1) and damp it with Gamma = 0.3; the
// defaults (DefaultTriangle) read that width as 1 mV: half-width 0.5 mV.
type Triangle struct {
	Gamma float64 // peak (dampening factor), psi(0); positive and finite
	Width float64 // half the support, in the units of x (e.g. mV); positive and finite
}

// DefaultTriangle returns Triangle{Gamma: 0.3, Width: 1}.
func DefaultTriangle() Triangle { return Triangle{Gamma: 0.3, Width: 1} }

// Validate reports whether Gamma and Width are positive and finite.
func (s Triangle) Validate() error {
	if err := checkScale("Triangle", "Gamma", s.Gamma); err != nil {
		return err
	}
	return checkScale("Triangle", "Width", s.Width)
}

// String returns e.g. "Triangle{γ=0.3,width=1}".
func (s Triangle) String() string { return fmt.Sprintf("Triangle{γ=%g,width=%g}", s.Gamma, s.Width) }

// Deriv returns the node Gamma·max(0, t) with t = 1 - |x|/Width, the max
// built as (t + |t|)/2 (exact: 2t halved, or 0) from gorgonia's Abs, Mul,
// Sub and Add, in x's dtype.
func (s Triangle) Deriv(x *gorgonia.Node) (*gorgonia.Node, error) {
	return derivOf(s, x, func(e *expr, x *gorgonia.Node) *gorgonia.Node {
		t := e.bin(gorgonia.Sub, e.c(1), e.bin(gorgonia.Mul, e.un(gorgonia.Abs, x), e.c(1/s.Width)))
		relu := e.bin(gorgonia.Mul, e.bin(gorgonia.Add, t, e.un(gorgonia.Abs, t)), e.c(0.5))
		return e.bin(gorgonia.Mul, relu, e.c(s.Gamma))
	})
}

// WriteHash writes a type tag and the bits of Gamma and Width to h.
func (s Triangle) WriteHash(h hash.Hash) { writeHash(h, "Triangle", s.Gamma, s.Width) }

// Smooth returns Gamma·(x - x|x|/(2·Width)) for |x| < Width and
// ±Gamma·Width/2 beyond, the function whose derivative is psi; it rises by
// Gamma·Width across the threshold.
func (s Triangle) Smooth(x float64) float64 {
	if math.Abs(x) >= s.Width {
		return math.Copysign(s.Gamma*s.Width/2, x)
	}
	return s.Gamma * (x - x*math.Abs(x)/(2*s.Width))
}

// DerivAt returns psi(x) = Gamma·max(0, 1 - |x|/Width) in plain Go, with
// the node's order of operations.
func (s Triangle) DerivAt(x float64) float64 {
	t := 1 - math.Abs(x)*(1/s.Width)
	return (t + math.Abs(t)) * 0.5 * s.Gamma
}
