package izhikevich

import "fmt"

// Gradient is the surrogate-gradient policy of a population. The forward
// pass is the same bit for bit under every policy; only the gradient that
// gorgonia.Grad builds differs. The package doc's Gradients section gives
// the analysis behind Linearised.
type Gradient int

const (
	// SpikeAtPeak is the plain surrogate: fired = Spike(v ≥ VPeak) with
	// the surrogate h'(v − VPeak), and the exact derivative of the
	// equations elsewhere. The reset (ops.Where on fired) carries no
	// gradient, as LIF's DetachReset. Its spike-count gradient does not
	// predict the finite difference (correlation 0.06 to 0.32 across
	// neurons in the test's setup).
	SpikeAtPeak Gradient = iota
	// PseudoThreshold centres the surrogate on the pseudo-threshold
	// VTheta, h'(v − VTheta), and keeps the exact derivative of the
	// equations. It is half of Linearised, kept to show that moving the
	// surrogate alone does not fix the gradient (0.37 in the package doc's
	// check).
	PseudoThreshold
	// Linearised centres the surrogate on the pseudo-threshold VTheta,
	// h'(v − VTheta), instead of VPeak, and backpropagates the quadratic
	// term K2 v² + K1 v of dv/dt through its tangent at VLin, a constant
	// slope K1 + 2 K2 VLin, so that the backward Jacobian of v stays
	// below 1 (a leak, as LIF's) instead of growing as 1 + dt(2 K2 v +
	// K1) above -62.5 mV. Both are straight-through: the forward values
	// add exact zeros.
	Linearised
)

// Defaults of the Linearised policy (Config.WithLinearisedGradient), for
// the standard equation at the course's rest state (v = -70 mV, u = -14,
// I = 0).
const (
	// DefaultVTheta is the unstable fixed point of dv/dt at rest, where v
	// escapes to a spike: (−5 + √(25 − 0.16·154))/0.08 = −55 mV.
	DefaultVTheta = -55.0
	// DefaultVLin is the rest potential RestV: the tangent there is
	// 5 + 0.08·(−70) = −0.6 /ms, a leak with a 1.7 ms time constant.
	DefaultVLin = RestV
	// DefaultLinearisedBeta is the SuperSpike steepness (1/mV) for VTheta:
	// h' falls to 1/4 at 3.3 mV from the pseudo-threshold.
	DefaultLinearisedBeta = 0.3
)

// String names the policy.
func (g Gradient) String() string {
	switch g {
	case SpikeAtPeak:
		return "spike-at-peak"
	case PseudoThreshold:
		return "pseudo-threshold"
	case Linearised:
		return "linearised"
	}
	return fmt.Sprintf("Gradient(%d)", int(g))
}

func (g Gradient) validate() error {
	if g < SpikeAtPeak || g > Linearised {
		return fmt.Errorf("izhikevich: Config.Gradient = %d is unknown", int(g))
	}
	return nil
}
