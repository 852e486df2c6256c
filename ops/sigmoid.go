package ops

import (
	"fmt"
	"hash"
	"math"

	"gorgonia.org/gorgonia"
)

// Sigmoid is the sigmoid-derivative surrogate: the derivative of the
// logistic function of steepness K, compared with the other surrogates by
// Zenke and Vogels (2021), "The remarkable robustness of surrogate gradient
// learning for instilling complex function in spiking neural networks",
// Neural Computation 33(4):899-925 (snnTorch's surrogate.sigmoid). Forward:
// the Heaviside step. Backward:
//
//	psi(x) = K·σ(Kx)·(1 - σ(Kx)),   σ(z) = 1/(1 + e^-z),
//
// the derivative of Smooth(x) = σ(Kx). psi is positive, even, peaks at
// psi(0) = K/4, integrates to 1, and falls to half its peak at
// |x| = 2·ln(1 + √2)/K ≈ 1.763/K. The default K is 25 per mV (snnTorch's
// slope; DefaultSigmoid): half-width 0.071 mV.
type Sigmoid struct {
	K float64 // steepness in 1/(units of x), e.g. 1/mV; positive and finite
}

// DefaultSigmoid returns Sigmoid{K: 25}.
func DefaultSigmoid() Sigmoid { return Sigmoid{K: 25} }

// Validate reports whether K is positive and finite.
func (s Sigmoid) Validate() error { return checkScale("Sigmoid", "K", s.K) }

// String returns e.g. "Sigmoid{k=25}".
func (s Sigmoid) String() string { return fmt.Sprintf("Sigmoid{k=%g}", s.K) }

// Deriv returns the node K·s·(1 - s) with s = σ(-K·|x|), built from
// gorgonia's Abs, Mul, Sigmoid, Sub and HadamardProd, in x's dtype. Since
// σ(-z) = 1 - σ(z), this is K·σ(Kx)·(1 - σ(Kx)); evaluating it at -K|x|
// keeps s <= 1/2, so 1 - s never cancels (gorgonia's σ returns exactly 1
// above 19, which would zero psi for x > 19/K) and psi is exactly even.
func (s Sigmoid) Deriv(x *gorgonia.Node) (*gorgonia.Node, error) {
	return derivOf(s, x, func(e *expr, x *gorgonia.Node) *gorgonia.Node {
		sig := e.un(gorgonia.Sigmoid, e.bin(gorgonia.Mul, e.un(gorgonia.Abs, x), e.c(-s.K)))
		n := e.bin(gorgonia.HadamardProd, sig, e.bin(gorgonia.Sub, e.c(1), sig))
		return e.bin(gorgonia.Mul, n, e.c(s.K))
	})
}

// WriteHash writes a type tag and the bits of K to h.
func (s Sigmoid) WriteHash(h hash.Hash) { writeHash(h, "Sigmoid", s.K) }

// Smooth returns σ(Kx) = 1/(1 + e^-Kx), the function whose derivative is
// psi; it rises by 1 across the threshold.
func (s Sigmoid) Smooth(x float64) float64 { return logistic(s.K * x) }

// DerivAt returns psi(x) = K·σ(Kx)·(1 - σ(Kx)) in plain Go, computed as
// Deriv's node does (at -K|x|).
func (s Sigmoid) DerivAt(x float64) float64 {
	sig := logistic(math.Abs(x) * -s.K)
	return s.K * (sig * (1 - sig))
}

// logistic returns 1/(1 + e^-z).
func logistic(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
