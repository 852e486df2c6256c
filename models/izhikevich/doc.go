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
// sample, else 0), each of shape [n]. Step adds one step's subgraph and
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
// Shapes: the state is [n] and the per-neuron parameters are params of shape
// [n]. Step combines them only through graph.Builder's Add, Sub and Mul, which
// already broadcast an [n] operand over a batch [batch, n]; the remaining
// piece for batched training is ops.Where with an [n] operand against a
// [batch, n] condition (today it takes equal shapes or scalars).
//
// # Error handling
//
// Cells.Validate and Config.Validate reject bad parameters (NaN, Inf, empty,
// c >= vpeak, dt <= 0) with an error naming the field ("Config.DtMs",
// "Config.Cells.C[2]"); Declare also rejects a nil builder and initial
// values of the wrong length or not finite. Step returns the builder's
// first error. Nothing here panics on bad input.
//
// # Concurrency
//
// Everything here is a value or builds a graph; see package graph.
package izhikevich
