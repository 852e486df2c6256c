// Package adex shows how to write your own neuron model for spikegraph: it
// defines the adaptive exponential integrate-and-fire neuron (AdEx) using
// only the public packages graph and ops, and its Example runs it with
// package session. Copy it as a template; it imports nothing from models/.
//
// # Overview
//
// The model (Brette R, Gerstner W (2005) "Adaptive exponential
// integrate-and-fire model as an effective description of neuronal
// activity", J Neurophysiol 94:3637-3642), with V in mV, t in ms, C in pF,
// conductances in nS and currents in pA (so that C dV/dt is in pA):
//
//	C dV/dt    = -gL (V - EL) + gL ΔT exp((V - VT)/ΔT) - w + I
//	τw dw/dt   = a (V - EL) - w
//	if V >= Vpeak:  V <- Vr,  w <- w + b
//
// RegularSpiking returns the paper's parameters (C = 281 pF, gL = 30 nS,
// EL = -70.6 mV, VT = -50.4 mV, ΔT = 2 mV, τw = 144 ms, a = 4 nS,
// b = 0.0805 nA = 80.5 pA, Vr = EL; the values that Brian2's and NEST's
// examples of the paper use). Under a current step above rheobase (with
// this scheme at dt = 0.1 ms: silent at 550 pA, repetitive firing from about
// 630 pA) the neuron fires tonically with spike-frequency adaptation: the
// inter-spike intervals grow until w settles (TestAdaptation checks both).
//
// # Writing a model
//
// A model is a config, a Declare function, a pure Step and a Carry
// (models/izhikevich follows the same pattern):
//
//  1. A parameter struct with units in the field comments, presets as
//     functions (RegularSpiking), and Validate, which rejects NaN, Inf and
//     out-of-range values with an error that names the field.
//  2. Declare adds the model's nodes to a graph.Builder's scope: state
//     variables with Builder.State ("adex/v", with an initial value),
//     per-neuron tensors fixed for a run with Builder.Param ("adex/a"; a
//     training graph can differentiate with respect to them) and scalar
//     constants with Builder.Const ("adex/VT"). Route every constant through
//     Const: gorgonia silently merges constants that share a name.
//  3. Step builds one time step from the current state and returns the
//     next one. It only adds nodes: use the Builder's Add, Sub, Mul, MatVec,
//     Sum and Exp, and custom gorgonia Ops through Builder.Apply (here
//     ops.Spike, the Heaviside step with a SuperSpike surrogate gradient, and
//     ops.Where, an elementwise select). A new Op of your own (one that
//     implements gorgonia.Op, plus SDOp for a gradient) plugs in the same way.
//     The Builder keeps the first error (sticky error), so Step checks
//     Builder.Err once at the end instead of after every operation.
//  4. Carry pairs each state with its next value (Builder.SetNext, which
//     registers "adex/v:next"); Graph.Validate then reports any state left
//     without one.
//
// The graph describes one step. To run it, declare the per-step input with
// Builder.Input ("adex/I"), compile with session.New, and call
// Session.Steps with a graph.Feeder that writes each step's input (here
// CurrentStep) and recorders: session.RecordSpikes for the 0/1 "fired"
// state, session.RecordState for dense traces of v or w. The session keeps
// the state on the host and copies every "x:next" into "x" after each step.
//
// # State and steps
//
// The state is v (mV), w (pA) and fired (1 where the neuron spiked at this
// sample, else 0), each of shape [n]. From sample k to k+1, with I the
// input of step k, the order of operations is:
//
//	if fired(k):  v(k+1) = Vr,  w(k+1) = w(k) + b          (no integration)
//	else:         v(k+1) = v + dt/C * ((gL ΔT) * exp((v - VT) * (1/ΔT)) - gL * (v - EL) - w + I)
//	              w(k+1) = w + dt/τw * (a * (v - EL) - w)  (both from sample k)
//	fired(k+1) = v(k+1) >= Vpeak;  where fired, v(k+1) is stored as Vpeak
//
// The factors dt/C, dt/τw, gL ΔT and 1/ΔT are computed once in Go (the
// Builder has no division) and added as constants. The stored and fetched v
// of a spiking sample is Vpeak, and a spike's time is k*dt. The spike
// cut-off Vpeak = VT + 5 ΔT (-40.4 mV) is the one of Brian2's example of
// this paper; above it the exponential term dominates and V diverges within
// a few steps, so the cut-off moves spike times little: with Vpeak = 20 mV
// instead, the Example's first spike comes 0.2 ms later and its sixth 1.5 ms.
// The reset path is not detached from the gradient.
//
// # Error handling
//
// Params.Validate and Config.Validate reject NaN, Inf and out-of-range
// values with errors that start with "adex: " and name the field; Declare
// also rejects bad initial values. Step and Carry return the builder's first
// error. Nothing panics on bad input.
//
// # Concurrency
//
// Params, Config and CurrentStep are values; a Population only builds a
// graph. See packages graph and session.
package adex
