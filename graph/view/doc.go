// Package view draws a step graph of package graph for people: the
// TensorBoard graph view and Keras's model.summary() of spikegraph.
//
// # Overview
//
// Build walks a graph.Graph and gives every node its stable, readable name
// (graph.Graph.ReadableName: "net/v", "net/v:next", and for the nodes the
// builders compute, scope, op and number, "net/mul#3"), its kind, op,
// shape, dtype and size, and the edges between nodes with the shapes they
// carry. Options crop it: Scope keeps one scope (and the nodes just outside
// it that it reads or feeds, marked external), Depth folds deeper scopes
// into one node each, so that a large graph stays readable.
//
// A View prints as Graphviz dot (Dot: a cluster per scope, edges labelled
// with shapes, the carries from next values to states dashed), as a table
// (Text: name, op, shape, dtype, bytes, inputs and totals per kind) and as
// JSON (JSON: the same data). SVG renders dot text with graphviz's dot
// program when it is installed, and returns ErrNoGraphviz, which says how to
// install it, when it is not.
//
// # State and steps
//
// A View is a snapshot: it reads the graph once, in build order, so two
// builds of the same network give the same view and the same dot text byte
// for byte. It shows one step's graph; states appear with their next values
// and the carry between them.
//
// # Error handling
//
// Build returns an error for a graph that holds one, for a negative Depth
// and, wrapping ErrUnknownScope, for a Scope that holds no node. Nothing
// panics.
//
// # Concurrency
//
// Build reads the graph: do not build onto it meanwhile. A View is not
// changed after Build and can be printed from several goroutines.
package view
