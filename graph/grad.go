package graph

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// GradScope is the scope under which Builder.Grad registers gradients: the
// gradient of a cost with respect to "net/W", taken by the builder of scope
// "train", is named "train/grad/net/W".
const GradScope = "grad"

// Grad adds the gradient of the scalar cost with respect to each node of
// wrt and returns the gradient nodes in the order of wrt. Each node of wrt
// must be registered in the graph as a state, input or param (gorgonia
// differentiates with respect to input nodes only); each gradient has the
// node's shape and is registered as an output named
// "<scope>grad/<name of the node>" (GradScope), so that a session can fetch
// it: b.Grad(cost, w) in scope "train" for w = "net/W" registers
// "train/grad/net/W". A second Grad with respect to the same node needs
// another scope (the name would be a duplicate).
//
// The gradient flows through gorgonia's ops and through the custom ops
// that implement gorgonia's SDOp (ops.Spike's surrogate, ops.Where,
// ops.StopGradient's zero); comparisons (Gt, ...) carry none. A cost that
// does not depend on a node of wrt through differentiable ops is an error
// (gorgonia's), recorded like any other, as is a cost that is not a scalar.
// Grad returns nil after an error.
func (b *Builder) Grad(cost *Node, wrt ...*Node) []*Node {
	if !b.operands("grad", cost) || !b.operands("grad", wrt...) {
		return nil
	}
	if len(wrt) == 0 {
		b.g.fail(fmt.Errorf("graph: grad in scope %q: no node to differentiate with respect to", b.prefix))
		return nil
	}
	if !cost.IsScalar() {
		b.g.fail(fmt.Errorf("graph: grad in scope %q: %w: cost %s must be a scalar", b.prefix, ErrShape, b.describe([]*Node{cost})))
		return nil
	}
	names := make([]string, len(wrt))
	for i, w := range wrt {
		name, ok := b.g.NameOf(w)
		kind := b.g.kinds[name]
		if !ok || (kind != "state" && kind != "input" && kind != "param") {
			b.g.fail(fmt.Errorf("graph: grad in scope %q: %w: wrt[%d] %v is not a state, input or param of the graph", b.prefix, ErrUnknownNode, i, w.Name()))
			return nil
		}
		names[i] = b.prefix + GradScope + "/" + name
		if _, dup := b.g.byName[names[i]]; dup {
			b.g.fail(fmt.Errorf("graph: grad: %w: %q", ErrDuplicateName, names[i]))
			return nil
		}
	}
	var grads gorgonia.Nodes
	label := fmt.Sprintf("grad of %s", b.describe([]*Node{cost}))
	if b.do(label, func() (*Node, error) {
		var err error
		grads, err = gorgonia.Grad(cost, wrt...)
		if err == nil && len(grads) != len(wrt) {
			err = fmt.Errorf("gorgonia returned %d gradients for %d nodes", len(grads), len(wrt))
		}
		if err != nil {
			return nil, err
		}
		return cost, nil
	}) == nil {
		return nil
	}
	out := make([]*Node, len(wrt))
	for i, gn := range grads {
		if !b.register(names[i], "grad", gn) {
			return nil
		}
		b.g.outputs = append(b.g.outputs, Output{Name: names[i], Node: gn})
		out[i] = gn
	}
	return out
}

// Fn is the escape hatch for any gorgonia function the Builder does not
// wrap: it calls f(xs...) and returns its node, keeping the sticky-error
// contract. A nil operand, an error from f, a panic inside f (recovered), a
// nil result or a node of another graph is recorded as the builder's error
// naming label (which only labels errors; register the result with Output
// to fetch it). For example, a softmax:
//
//	p := b.Fn("softmax", func(xs ...*gorgonia.Node) (*gorgonia.Node, error) {
//		return gorgonia.SoftMax(xs[0])
//	}, logits)
//
// f runs only while the builder holds no error.
func (b *Builder) Fn(label string, f func(xs ...*Node) (*Node, error), xs ...*Node) *Node {
	if f == nil {
		if !b.broken() {
			b.g.fail(fmt.Errorf("graph: Fn %q in scope %q: nil function", label, b.prefix))
		}
		return nil
	}
	if !b.operands(fmt.Sprintf("Fn %q", label), xs...) {
		return nil
	}
	return b.do(fmt.Sprintf("Fn %q", label), func() (*Node, error) {
		n, err := f(xs...)
		switch {
		case err != nil:
			return nil, err
		case n == nil:
			return nil, fmt.Errorf("the function returned a nil node")
		case n.Graph() != b.g.eg:
			return nil, fmt.Errorf("the function returned node %v of another graph", n.Name())
		}
		return n, nil
	})
}
