package lif

import (
	"errors"
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
)

// Neuron is a LIF population as a network component: it meets the neuron
// contract of package network (Size and Declare). Its input is added to the
// synaptic current i (CurrentBased) or conductance g (ConductanceBased)
// after their decay, as in Population.Step.
type Neuron struct {
	// Config is the population; Config.DtMs must be 0 (the network's clock
	// sets it) or equal to the network's dt.
	Config
	// V0 and Syn0 are the initial v and i or g, as in Declare; empty V0
	// means VLeak, empty Syn0 means 0.
	V0, Syn0 []float64
}

// Size returns the number of neurons (per batch row).
func (n Neuron) Size() int { return n.N }

// Declare adds the population to b's scope with the time step dtMs (see
// Declare) and returns its potential, spikes and step.
func (n Neuron) Declare(b *graph.Builder, dtMs float64) (graph.Neurons, error) {
	if b == nil {
		return graph.Neurons{}, errors.New("lif: Neuron.Declare: nil builder")
	}
	cfg := n.Config
	if cfg.DtMs != 0 && cfg.DtMs != dtMs {
		return graph.Neurons{}, fmt.Errorf("lif: Neuron.Config.DtMs = %v ms differs from the network's dt = %v ms (leave it 0: the network's clock sets it)", cfg.DtMs, dtMs)
	}
	cfg.DtMs = dtMs
	v0, s0 := n.V0, n.Syn0
	if len(v0) == 0 {
		v0 = []float64{cfg.VLeak}
	}
	if len(s0) == 0 {
		s0 = []float64{0}
	}
	p, err := Declare(b, cfg, v0, s0)
	if err != nil {
		return graph.Neurons{}, err
	}
	cells := graph.Neurons{V: p.V, Fired: p.Fired, Advance: func(x *graph.Node) error {
		next, err := p.Step(b, p.State, x)
		if err != nil {
			return err
		}
		return p.Carry(b, next)
	}}
	if cfg.Batch == 0 {
		cells.Fused = func(x *graph.Node) error {
			next, err := p.FusedStep(b, p.State, x)
			if err != nil {
				return err
			}
			return p.Carry(b, next)
		}
	}
	return cells, nil
}
