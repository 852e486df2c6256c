// Package session runs spikegraph graphs: TF's Session.Run, written in Go.
//
// # Overview
//
// New compiles a graph.Graph once and binds a host tensor to each of the
// graph's states (set to their initial values) and inputs (zeros). Run
// evaluates the graph for given feeds and returns fetched values without
// changing the state, like sess.run. Step runs once and carries the state;
// Steps runs many steps with a graph.Feeder and recorders.
//
// # Executors
//
// The graph is the truth; what runs it is an executor. Lean, the default,
// sorts the nodes topologically once, allocates one output buffer per op
// node once, and runs each step as a loop over closures bound to those
// buffers: the ops of package ops implement Kernel (and Viewer, for views
// of a fused op's packed output), gorgonia's elementwise +, -, ⊙, ÷ (with
// scalar operands) and W·x have kernels here that compute the same bits as
// gorgonia's tensor package (the same gonum BLAS call for W·x), a reshape
// is a view, and any other op runs through its UsePreallocDo or Do and a
// copy. It allocates nothing per step for the ops of package ops and those
// built-ins (models/network tests every scenario for zero allocations and
// bit-for-bit equality with the tape machine). WithTapeMachine selects
// gorgonia's tape machine instead.
//
// Hooks, free when off: WithOpTimer times every op node (OpTimes);
// Value and NodeValue read any node's value of the last run (every buffer
// of the lean executor persists until the next run); WithStateCheck calls a
// function on every state after every step; WithNaNWatch checks every op's
// output.
//
// # State and steps
//
// The state lives on the host. After each run every state takes its next
// value ("net/v:next"). The tape machine copies each next value (a
// gorgonia.Read planned before compiling) into its state's bound tensor.
// The lean executor copies nothing where it can: a StateUpdater op keeps
// its states inside its output and updates them in place, an InPlacer op
// overwrites a state that only it reads, and a state whose next value is
// an op's output is carried by two compiled programs run in turn, each
// reading its states from the buffers the other writes (so StateView's
// slices change buffer from step to step; StateRef follows them). Other
// states are copied, and a next value that is itself a state (a delay
// line) is copied aside first, so every state takes the value of the same
// run.
// The tape machine is reset after each run (without gorgonia's Reset the
// next RunAll does nothing). State in the graph with gorgonia.Set is
// avoided: it gave wrong results when one update reads another variable's
// old value. The session never imports the models: any graph that keeps
// the graph package's contract runs here.
//
// Sample k is the state after k steps; recorders see samples 0 (the initial
// state) to n after Steps(ctx, n, ...). Our code allocates nothing per step:
// bound tensors are reused, and recorders allocate in Begin (a
// SpikeRecorder grows only when more spikes come than its capacity).
// WatchNode records any named node every few steps into a NodeSink, as
// tfdbg's watch does; WithStateCheck runs a check of every state after
// every step (package sim's guard).
// gorgonia's tape machine still allocates its buffers on each run.
//
// # Ownership
//
// Values returned by Run, Fetched, Value and NodeValue belong to the session and are valid
// until its next run; Clone them to keep them. State returns a copy.
//
// Params (graph.Builder.Param: weights, per-neuron parameters) are read with
// Param, which returns a copy, and set with SetParam, which copies the
// caller's values in place into the tensor bound to the param's node (the
// graph's own graph.Param.Value): the compiled session stays valid and the
// next run uses the new values on either executor, with nothing
// recompiled. This is the update step of a training loop: fetch the
// gradients (graph.Builder.Grad registers them as outputs), compute the new
// values, SetParam.
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
