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
// Every node has a stable, readable name (Graph.ReadableName): the name it
// was registered under, or, for a node a builder computed, its scope, its
// op's short name (ShortOp) and its number among that scope's nodes of
// that op in build order ("net/mul#3"). A state's next value and an output
// also carry their registered name as gorgonia's own Name(), so errors
// and gorgonia's tools say "net/v:next". Package graph/view draws a graph
// with these names.
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
// # Maths and gradients
//
// The Builder's maths: Add, Sub, Mul, Div, Min, Max (elementwise, with a
// vector broadcast along a batch), MatVec, Sum, Mean, Neg, Square, Exp,
// Log, Tanh, Sigmoid, and the comparisons Gt, Gte, Lt, Lte, Eq, Ne, which
// return 0/1 in the operands' dtype and carry no gradient. Scalar gives an
// anonymous constant (named by its dtype and exact value, so constants of
// different values never merge); Const a named one. Apply adds a custom op
// (package ops) after its Validate and CheckChildren checks; Fn wraps any
// other gorgonia function in the sticky-error contract. Grad adds the
// gradient of a scalar cost with respect to states, inputs or params and
// registers each as an output "<scope>grad/<name>", which a session fetches
// like any output.
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
