package adex

import (
	"errors"
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
)

// Neuron is an AdEx population as a network component: it meets the neuron
// contract of package network (Size and Declare) without importing it, so
// a model of your own enters any network the same way. Its input is a
// current in pA.
type Neuron struct {
	// Config is the population; Config.DtMs must be 0 (the network's clock
	// sets it) or equal to the network's dt.
	Config
	// V0 (mV) and W0 (pA) are the initial state, one value for all or one
	// per neuron; empty means Params.Rest().
	V0, W0 []float64
}

// Size returns the number of neurons.
func (n Neuron) Size() int { return n.N }

// Declare adds the population to b's scope with the time step dtMs (see
// Declare) and returns its potential, spikes and step.
func (n Neuron) Declare(b *graph.Builder, dtMs float64) (graph.Neurons, error) {
	if b == nil {
		return graph.Neurons{}, errors.New("adex: Neuron.Declare: nil builder")
	}
	cfg := n.Config
	if cfg.DtMs != 0 && cfg.DtMs != dtMs {
		return graph.Neurons{}, fmt.Errorf("adex: Neuron.Config.DtMs = %v ms differs from the network's dt = %v ms (leave it 0: the network's clock sets it)", cfg.DtMs, dtMs)
	}
	cfg.DtMs = dtMs
	v0, w0 := n.V0, n.W0
	if len(v0) == 0 || len(w0) == 0 {
		v, w := cfg.Rest()
		if len(v0) == 0 {
			v0 = []float64{v}
		}
		if len(w0) == 0 {
			w0 = []float64{w}
		}
	}
	p, err := Declare(b, cfg, v0, w0)
	if err != nil {
		return graph.Neurons{}, err
	}
	return graph.Neurons{V: p.V, Fired: p.Fired, Advance: func(i *graph.Node) error {
		next, err := p.Step(b, p.State, i)
		if err != nil {
			return err
		}
		return p.Carry(b, next)
	}}, nil
}
