// Package graph builds spiking-network update graphs on gorgonia.
//
// # Overview
//
// A Graph wraps a gorgonia ExprGraph together with a registry of the names
// that the rest of spikegraph uses to talk about it. Model code adds nodes
// through a Builder, which prefixes every name with its scope ("net/v",
// "in/rate") and refuses duplicates: gorgonia silently merges constants
// that share a name, so a duplicate is an error here, never a merge.
//
// # State and steps
//
// The graph describes one simulation step. Its contract with whoever runs it
// (package session) has four parts:
//
//   - states: variables declared with Builder.State ("net/v"), each paired
//     with the node that computes its next value ("net/v:next") by
//     Builder.SetNext. The runner binds a host tensor to each state, runs the
//     graph, and copies every next value into its state: the TF idiom of
//     tf.Variable plus assign, with the carry done on the host.
//   - inputs: per-step feeds declared with Builder.Input ("in/rate"), the
//     placeholders of TF.
//   - params: tensors fixed for a run (weights, per-neuron parameters),
//     declared with Builder.Param; they are gorgonia input nodes with a
//     bound value, so a training graph can differentiate with respect to them.
//   - outputs: extra named values to fetch, declared with Builder.Output.
//
// Graph.StepCounter adds the state "step", a float64 scalar that counts the
// steps taken (next = step + 1), for ops whose result depends on the step
// number, such as the counter-based Poisson source.
//
// # Error handling
//
// Builders keep the first error (sticky error): a failing method records it
// with the name of the node and the operation, and every later method returns
// nil until the caller checks Graph.Err once at the end. Panics raised by
// gorgonia while a node is built are recovered into errors. A nil *Graph, a
// zero Graph or a nil *Builder adds nothing and reports ErrNoGraph; nothing
// in the package panics on bad input.
//
// A model's Validate reports a time step beyond its documented stability
// bound as an *UnstableError (CheckStableDt); its Declare passes it
// through PassUnstable, which waives it on a graph made
// WithAllowUnstable, so each bound is checked in one place. Range is a
// state's documented physical range (Neurons.VRange).
//
// # Concurrency
//
// A Graph and its Builders are not safe for concurrent use; build a graph in
// one goroutine, then hand it to a session.
package graph
