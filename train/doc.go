// Package train computes gradients of spiking networks by backpropagation
// through time (BPTT) through one compiled step.
//
// # Overview
//
// A TensorFlow user writes a model, a loss and asks for gradients:
//
//	bp, err := train.NewBPTT(model, loss, train.Options{Params: []string{"net/W"}})
//	defer bp.Close()
//	res, err := bp.Gradients(ctx, 2000, feeder) // res.Loss, res.Grads["net/W"]
//
// model builds one step of the network (a graph.Graph whose states are
// paired with their next values, as every model of this module builds it;
// SpecModel wraps a network.Spec), loss adds the loss of one step (ℓ_t, a
// scalar node read from the step's nodes), and the loss of a run is Σ_t ℓ_t.
//
// Result holds the loss and a float64 gradient per param (row-major in the
// param's shape). SetParam changes a param in both compiled graphs between
// calls (a training step, a finite difference) without recompiling; Param
// reads it back. FeedFunc turns a function into a graph.Feeder.
//
// Build the step from differentiable ops. The fused steps of package ops
// (ops.IzhikevichStep, ops.LIFStep, ops.Conductance) are forward-only: no
// gradient passes through them, so the gradient of whatever lies behind
// them is 0, not an error. SpecModel therefore builds a network.Spec with
// the Fine engine; the weights of a sparse projection are a fixed CSR
// matrix, not a param, so make the projections to train dense.
//
// # Compile once
//
// Unrolling T steps into one gorgonia graph compiles in time quadratic in T.
// NewBPTT instead compiles two graphs once: the step, and the step with
// ℓ_t and its vector-Jacobian product (VJP): with an input λ_s, the adjoint
// of the next value of each state s, it differentiates
//
//	L_t = Σ_s Σ λ_s ⊙ s' + ℓ_t
//
// with respect to the states at the start of the step (giving their
// adjoints) and the params (giving the step's share of the gradient). The
// number of compiled nodes (Nodes) does not depend on T.
//
// # Checkpoints
//
// Gradients runs the forward pass step by step and stores the state every
// K = Options.Checkpoint steps (default ceil(sqrt(T))). The backward pass
// takes the segments between checkpoints from last to first: it restores
// the checkpoint, recomputes the segment's states, and runs the VJP from
// the segment's last step down to its first, carrying the state adjoint
// (zero after step T) and summing the params' gradients. It holds about
// T/K + K states and runs the step about twice per step of the run, plus
// one VJP per step. Full unrolling (calling a model's Step T times, then
// gorgonia.Grad) stays the oracle for short T: the tests hold BPTT to it
// within 1e-10.
//
// # Error handling
//
// Bad options and arguments wrap ErrOptions and name the field; errors of
// the model, the loss, gorgonia (whose panics are recovered) and the
// sessions are wrapped with the step they occurred at. Nothing panics.
//
// # Concurrency
//
// A BPTT is not safe for concurrent use; build one per goroutine.
package train
