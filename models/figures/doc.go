// Package figures holds the published Izhikevich figure panels as presets:
// the eight cell classes of Izhikevich (2003), "Simple model of spiking
// neurons", IEEE Trans. Neural Networks 14:1569-1572, Fig. 2 (Classes), and
// the twenty neuro-computational behaviours of Izhikevich (2004), "Which
// model to use for cortical spiking neurons?", IEEE Trans. Neural Networks
// 15:1063-1070, Fig. 1 (Behaviours).
//
// # Overview
//
// A Panel holds a, b, c, d, the equation (three behaviours change it), the
// initial v and u, the time step, the duration and the current protocol,
// each from Izhikevich's figure program izhi2003.m (see presets.go). Build
// turns a panel into a one-neuron graph under izhikevich.Figure, the
// program's order of operations, fed by a stimulus.CurrentFeeder.
//
// # Spike times
//
// The program records v after each iteration of its loop over t = 0, dt, ...,
// DurationMs, and labels a spike with the t of the iteration in which v
// exceeded 30 mV. Sample s >= 1 of a run is that iteration at t = (s-1)*dt
// (Panel.T, Panel.SpikeTimes). OpenSourceBrain's validation of the same
// program takes instead the first sample at or above 0 mV
// (Panel.CrossingTimes(v, 0)), which is one sample earlier whenever v passes
// 0 mV on the sample before the spike.
//
// # Precision
//
// In float64 the graph reproduces the program bit for bit for 27 panels, and
// its spike times for all 28; panel R's ramp t/25 is computed as (1/25)*t,
// which can differ in the last bit (the tests hold R's trace to 1e-12). In
// float32 some panels change: see the README's table, which a test keeps
// true.
//
// # Error handling
//
// Panel.Validate and Build return errors for non-finite or inconsistent
// values; Lookup for an unknown key.
//
// # Concurrency
//
// Panels are values; Behaviours and Classes return fresh copies.
package figures
