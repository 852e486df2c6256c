package izhikevich

import "fmt"

// Gradient is the surrogate-gradient policy of a population's spike. The
// forward pass is the same under every policy.
type Gradient int

const (
	// SpikeAtPeak is the plain surrogate on v − VPeak.
	SpikeAtPeak Gradient = iota
)

// String names the policy.
func (g Gradient) String() string {
	switch g {
	case SpikeAtPeak:
		return "spike-at-peak"
	}
	return fmt.Sprintf("Gradient(%d)", int(g))
}

func (g Gradient) validate() error {
	if g < SpikeAtPeak || g > SpikeAtPeak {
		return fmt.Errorf("izhikevich: Config.Gradient = %d is unknown", int(g))
	}
	return nil
}
