// Package session runs spikegraph graphs: TF's Session.Run, written in Go.
//
// # Overview
//
// New compiles a graph.Graph once with gorgonia's tape machine and binds a
// host tensor to each of the graph's states (set to their initial values)
// and inputs (zeros). Run evaluates the graph for given feeds and returns
// fetched values without changing the state, like sess.run. Step runs once
// and carries the state; Steps runs many steps with a graph.Feeder and
// recorders.
//
// # State and steps
//
// The state lives on the host. After each run the session copies every next
// value ("net/v:next", read through gorgonia.Read nodes planned before
// compiling) into its state's bound tensor, then resets the machine (without
// gorgonia's Reset the next RunAll does nothing). State in the graph with
// gorgonia.Set is avoided: it gave wrong results when one update reads
// another variable's old value. The session never imports the models: any
// graph that keeps the graph package's contract runs here.
//
// Sample k is the state after k steps; recorders see samples 0 (the initial
// state) to n after Steps(ctx, n, ...). Our code allocates nothing per step:
// bound tensors are reused, and recorders allocate in Begin (a
// SpikeRecorder grows only when more spikes come than its capacity).
// gorgonia's own VM still allocates its buffers on each run.
//
// # Ownership
//
// Values returned by Run and Fetched belong to the session and are valid
// until its next run; Clone them to keep them. State returns a copy.
//
// # Error handling
//
// Unknown names wrap ErrUnknownNode; a feed of the wrong size wraps ErrShape;
// a nil or zero Session (one not made by New) returns ErrNoSession, and a
// closed one ErrClosed. A nil context or recorder is an error, not a panic.
// Panics raised by gorgonia while compiling or running are recovered into
// errors. Steps returns the context's error, wrapped, when it is cancelled,
// and the state then holds the last completed step.
//
// # Concurrency
//
// A Session is not safe for concurrent use. A graph can be compiled by one
// session only.
package session
