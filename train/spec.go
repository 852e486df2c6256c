package train

import (
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/network"
)

// SpecModel returns the Model of a network.Spec, built with Engine Fine
// (the differentiable graph of gorgonia primitives; the fused ops are
// forward-only), and the feeder of its per-step inputs, to pass to
// Gradients. The spec is built once here to check it and get the feeder.
func SpecModel(spec network.Spec) (Model, graph.Feeder, error) {
	spec.Engine = network.Fine
	net, err := spec.Build()
	if err != nil {
		return nil, nil, fmt.Errorf("train: SpecModel: %w", err)
	}
	model := func() (*graph.Graph, error) {
		net, err := spec.Build()
		if err != nil {
			return nil, err
		}
		return net.Graph, nil
	}
	return model, net.Feeder, nil
}
