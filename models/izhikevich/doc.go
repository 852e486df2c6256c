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
// are the presets of the course (Rasch 2012, after Izhikevich 2003, Fig. 2).
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
// Shapes: the state is [n] and the per-neuron parameters are params of shape
// [n]. Step combines them only through graph.Builder's Add, Sub and Mul, which
// already broadcast an [n] operand over a batch [batch, n]; the remaining
// piece for batched training is ops.Where with an [n] operand against a
// [batch, n] condition (today it takes equal shapes or scalars).
//
// # Error handling
//
// Cells.Validate and Config.Validate reject bad parameters (NaN, Inf, empty,
// c >= vpeak, dt <= 0); Step returns the builder's first error.
//
// # Concurrency
//
// Everything here is a value or builds a graph; see package graph.
package izhikevich
