// Package izhikevich adds populations of Izhikevich neurons to a graph.
//
// # Overview
//
// The model (Izhikevich 2003, "Simple model of spiking neurons", IEEE Trans.
// Neural Networks 14:1569-1572), with v in mV, time in ms and input current I:
//
//	dv/dt = 0.04 v^2 + 5 v + 140 - u + I
//	du/dt = a (b v - u)
//	if v >= vpeak: v <- c, u <- u + d
//
// Each neuron has its own a, b, c, d (Cells). RegularSpiking and FastSpiking
// are the presets of the course (Rasch 2012, after Izhikevich 2003, Fig. 2);
// package figures holds the published cell classes and behaviours.
//
// Config.Eq generalises the equations to dv/dt = K2 v² + K1 v + K0 − u + I
// and du/dt = a (b (v − VU) − KU u) for the three panels of Izhikevich's
// (2004) Fig. 1 that change them (Modified2004, Accommodation); nil is
// Standard().
//
// # State and steps
//
// A population's state is v, u and fired (1 where the neuron spiked at this
// sample, else 0), each of shape [n] (or [Batch, n], see Shapes below). Step adds one step's subgraph and
// returns the next state; it is pure (it only creates nodes). The order of
// operations within a step is the Scheme:
//
// Course (the default; Rasch, CCN course 2012, Step 1-4), from sample k to k+1:
//
//	if fired(k):  v(k+1) = c,  u(k+1) = u(k) + d          (no integration)
//	else:         v(k+1) = v + dt*((0.04 v + 5) v + 140 - u + I)
//	              u(k+1) = u + dt*(a (b v - u))           (both from sample k)
//	fired(k+1) = v(k+1) >= vpeak;  where fired, v(k+1) is stored as vpeak
//
// so the stored (and fetched) v of a spiking sample is vpeak (35 mV) and a
// spike's time is k*dt.
//
// NotebookReset (the seed notebook's cells In [10] and In [12]): reset and
// integrate in one step. v' = c, u' = u + d where fired (else v, u); then Euler
// from (v', u'); fired(k+1) = v(k+1) >= vpeak, stored as vpeak.
//
// NotebookHost (cells In [13] and In [32]): v' = c where fired (u unchanged);
// Euler from (v', u(k)); where the new v >= vpeak it is stored as vpeak and
// u(k+1) = u(k) + d instead of the Euler value (u gets d on the crossing step).
//
// Figure (Izhikevich's figure code: izhi2003.m / figure1.m, the programs of
// Izhikevich 2003, Fig. 2 and Izhikevich 2004, Fig. 1), from sample k to k+1
// with I = I(k*dt):
//
//	v' = c, u' = u + d where fired(k)        (else v, u)
//	v(k+1) = v' + dt*(K2*(v'*v') + K1*v' + K0 - u' + I)   (left to right)
//	u(k+1) = u' + (dt*a)*(b*v(k+1) - u')                  (with the new v)
//	fired(k+1) = v(k+1) > vpeak (strictly);  where fired, v(k+1) is stored as vpeak
//
// This is the figure code's loop, which integrates, records 30 if v > 30 and
// then resets v = c, u = u + d within one iteration: carrying the reset to
// the next step gives the same numbers bit for bit, and the stored v is the
// trace the figure plots (VV). Sample k+1 is the figure code's iteration at
// t = k*dt, the time it labels the spike with.
//
// NetM (Izhikevich 2003, net.m), from sample k to k+1 with I = I(k):
//
//	v' = c, u' = u + d where fired(k)        (fired(k) = v(k) >= vpeak)
//	v'' = v' + (dt/2)*(K2*(v'*v') + K1*v' + K0 - u' + I)
//	v(k+1) = v'' + (dt/2)*(K2*(v''*v'') + K1*v'' + K0 - u' + I)
//	u(k+1) = u' + (dt*a)*(b*v(k+1) - u')
//	fired(k+1) = v(k+1) >= vpeak;  v is stored as computed (not clipped)
//
// net.m's loop variable t = 1, 2, ... labels the spike detected in v(k) with
// t = k+1; a spike at sample k here is at k*dt. With dt = 1 ms, dt*a is a.
//
// FusedStep adds the same step as one fused, forward-only op
// (ops.IzhikevichStep): a single loop over the neurons that repeats Step's
// operations in Step's order and dtype, so it gives the same bits
// (TestFusedStepEqualsStep checks every scheme and equation). Simulate with
// it; differentiate the graph of Step.
//
// Shapes: the state is [n], or [Batch, n] with Config.Batch > 0 (a batch of
// independent trials, as for training), and the per-neuron parameters are
// params of shape [n] shared by the rows. The input current is the state's
// shape or [n] (shared by the rows). Unbatched, the reset and the stored
// peak select with ops.Where. Batched, an [n] parameter (c) meets a
// [Batch, n] condition, which ops.Where does not broadcast, so the select
// is f·x + (1 − f)·y with f = StopGradient(fired): for a 0/1 fired and
// finite x and y it gives the same bits (TestBatchEqualsRows checks every
// scheme row by row against unbatched runs) and the same gradient. Batched
// populations have no fused step.
//
// # Gradients
//
// Step builds a graph of gorgonia primitives that gorgonia.Grad (or
// package train) differentiates. The spike is ops.Spike with the
// Surrogate; the reset and the stored peak are selects on fired, which
// carry no gradient to fired (the reset is detached, as LIF's
// DetachReset). Config.Gradient chooses the surrogate-gradient policy; the
// forward values are the same bit for bit under both.
//
// SpikeAtPeak (the zero value) puts the surrogate on v − VPeak. Its
// spike-count gradient does not point the way the count moves. On the
// course's Step 3 (200 uncoupled neurons, Poisson input on from t = 0,
// 200 ms), the gradient of each neuron's spike count with respect to its
// input gain correlates across neurons with the central finite difference
// (gain ±10 %, both averaged over the same 100 Poisson seeds) at only 0.11,
// 0.14 and 0.29 for SuperSpike beta = 10, 1 and 0.1 (the issue measured
// -0.40, -0.31 and -0.14 on its own setup), and its mean is 6, 78 and 841
// times the difference's. Two causes, found by switching each off:
//
//   - The quadratic term makes the backward pass explode. The Jacobian of
//     one step, ∂v(k+1)/∂v(k) = 1 + dt(2 K2 v + K1), exceeds 1 above
//     −62.5 mV and reaches 4 to 10 on the upswing, so the sensitivity of v
//     to the input grows geometrically while v lingers near the unstable
//     fixed point and during each upswing, and a few samples dominate the
//     sum. Backpropagating the quadratic term through its tangent at rest
//     (Linearised with VTheta = VPeak, the surrogate left at the peak)
//     raises the correlation to 0.76 (beta 0.3 and 0.1) and brings the
//     mean to 0.8 and 5 times the difference's.
//   - The surrogate sits where nothing is decided. v crosses VPeak only
//     on the runaway upswing of a spike, which is certain once v passes
//     the unstable fixed point of dv/dt (−55 mV at rest for the standard
//     equation, u = −14, I = 0). Whether a spike happens is decided near
//     that point: a near miss that reaches −56 mV is 90 mV from VPeak,
//     where h'(v − VPeak) is nearly 0. Moving the surrogate alone to
//     −55 mV (PseudoThreshold) gives 0.37 (beta 0.3) and 0.32 (beta 1):
//     the exploding Jacobian still dominates.
//
// Linearised (Config.WithLinearisedGradient) does both: the surrogate is
// h'(v − VTheta) with the pseudo-threshold VTheta = −55 mV (the unstable
// fixed point at rest) and SuperSpike beta = 0.3 /mV, and the quadratic term
// K2 v² + K1 v is backpropagated through its tangent at VLin = −70 mV (the
// rest potential), the constant slope K1 + 2 K2 VLin = −0.6 /ms: a leak
// with a 1.7 ms time constant, as LIF's, in place of the runaway. Both are
// straight-through constructions whose forward values add exact zeros
// (z = SG(z_peak − z_θ) + z_θ and q = SG(q) + (s·v − SG(s·v))). The same
// check then gives 0.83 (VTheta = −50, VLin = −65, beta = 1: 0.81); its
// mean is 47 times the difference's, a scale that a learning rate absorbs
// (the surrogate's height is a convention). The finite difference itself
// is noisy: two halves of 50 seeds correlate 0.54, which caps a fixed
// predictor near 0.84. Cutting the gradient of v on the upswing (above
// VTheta) changed nothing measurable and is not offered. Package train's
// TestIzhikevichSpikeCountGradient holds the default to 0.8 or more, and
// TestIzhikevichGradientReport (SPIKEGRAPH_REPORT=1) prints every row
// above.
//
// # Error handling
//
// Cells.Validate and Config.Validate reject bad parameters (NaN, Inf, empty,
// c >= vpeak, dt <= 0, Batch < 0, an unknown Gradient, VTheta >= VPeak)
// with an error naming the field ("Config.DtMs",
// "Config.Cells.C[2]"); Declare also rejects a nil builder and initial
// values of the wrong length or not finite. Step returns the builder's
// first error. Nothing here panics on bad input.
//
// # Concurrency
//
// Everything here is a value or builds a graph; see package graph.
package izhikevich
