package izhikevich

import (
	"errors"
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/graph"
)

// VMin is the lowest physical membrane potential of an Izhikevich neuron
// (mV), the lower end of V's range in graph.Neurons.VRange (there is no
// upper end: net.m stores v as integrated, hundreds of mV at a spike). No
// cell rests below about −90 mV, and no current in the scenarios or the
// published panels drives v below the inhibitory reversal potential of
// −85 mV by much; −150 mV is far below both, and a test runs every
// scenario and panel above it. The course's neuron at dt = 5 ms swings to
// about −225 mV.
const VMin = -150.0

// Neuron is an Izhikevich population as a network component: it meets the
// neuron contract of package network (Size and Declare). Its input is a
// current, added to dv/dt as I.
type Neuron struct {
	// Config is the population; Config.DtMs must be 0 (the network's clock
	// sets it) or equal to the network's dt.
	Config
	// V0 and U0 are the initial v (mV) and u: one value for every neuron or
	// one per neuron. Empty V0 means RestV, empty U0 means RestU.
	V0, U0 []float64
}

// Size returns the number of neurons.
func (n Neuron) Size() int { return n.Cells.Len() }

// Declare adds the population to b's scope with the time step dtMs (see
// Declare) and returns its potential, spikes and step.
func (n Neuron) Declare(b *graph.Builder, dtMs float64) (graph.Neurons, error) {
	if b == nil {
		return graph.Neurons{}, errors.New("izhikevich: Neuron.Declare: nil builder")
	}
	cfg := n.Config
	if cfg.DtMs != 0 && cfg.DtMs != dtMs {
		return graph.Neurons{}, fmt.Errorf("izhikevich: Neuron.Config.DtMs = %v ms differs from the network's dt = %v ms (leave it 0: the network's clock sets it)", cfg.DtMs, dtMs)
	}
	cfg.DtMs = dtMs
	v0, u0 := n.V0, n.U0
	if len(v0) == 0 {
		v0 = []float64{RestV}
	}
	if len(u0) == 0 {
		u0 = []float64{RestU}
	}
	p, err := Declare(b, cfg, v0, u0)
	if err != nil {
		return graph.Neurons{}, err
	}
	cells := graph.Neurons{V: p.V, Fired: p.Fired, VRange: graph.Range{Min: VMin, Max: math.Inf(1)}, Advance: func(i *graph.Node) error {
		next, err := p.Step(b, p.State, i)
		if err != nil {
			return err
		}
		return p.Carry(b, next)
	}}
	if cfg.Batch == 0 {
		cells.Fused = func(i *graph.Node) error {
			next, err := p.FusedStep(b, p.State, i)
			if err != nil {
				return err
			}
			return p.Carry(b, next)
		}
	}
	if p.CondStep() {
		cells.FusedCond = func(i, h *graph.Node, e []float64, decay float64) (*graph.Node, error) {
			next, hNext, err := p.FusedCondStep(b, p.State, i, h, e, decay)
			if err != nil {
				return nil, err
			}
			return hNext, p.Carry(b, next)
		}
	}
	return cells, nil
}
