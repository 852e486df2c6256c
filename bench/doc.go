// Package bench measures the graph engine on the course's recurrent
// network (Step 4) against a plain-Go event-driven loop of the same math.
//
// # Overview
//
// Spec(n, seed, pRec) is the course's Step 4 at any size, from parts
// (package network): n Izhikevich neurons (20 % fast-spiking inhibitory),
// 100 Poisson trains at 2 Hz inside (200, 700) ms, conductance synapses
// with tau_g = 10 ms, Gamma(2, 0.003) recurrent weights with the
// inhibitory-to-excitatory block doubled and E = -85 mV for inhibitory
// presynaptic neurons, dt = 0.5 ms, 1000 ms. DefaultPRec(n) = 100/n keeps
// the in-degree at the course's 100, so n runs from 1e3 to 1e6.
//
// Two engines run it (Engine):
//
//   - EngineGraph builds the spec with network.Spec.Build and runs it with
//     sim.Run: the engine under test, whatever it is today.
//   - EngineReference runs Reference, an event-driven loop over flat
//     slices: per-postsynaptic conductances per reversal potential, to
//     which a spike adds its outgoing weights, so a step costs the neurons
//     plus the synapses of this step's spikes, and allocates nothing.
//
// Both draw the same network (NewReference uses network's generators with
// the same seeds and streams) and the same Poisson spikes
// (ops.BernoulliDraw under the graph's keys). They differ only in the
// order of floating-point sums, so their spikes agree exactly for a while
// and their rates agree in distribution over seeds (see the tests).
//
// Run runs one engine once; Sweep runs engines × sizes × seeds in turn and
// Summarize, Agree and WriteTable turn the runs into the table that
// `spikegraph bench` prints. bench/brian2 holds the same network for
// Brian2's C++ standalone device, to repeat the comparison with Brian2.
//
// # Measurements
//
// Result.Loop is the wall time of the stepping loop only: not building
// the network, drawing its synapses or compiling the graph (Result.Setup).
// Result.LoopCPU is the process's CPU time over the same span (all
// threads, the garbage collector's included); on a shared machine compare
// it with Loop to see the contention. Quote medians over seeds
// (Summary.Loop), and ratios measured in one sitting, one run at a time.
//
// Result.PeakRSS is VmHWM of /proc/self/status after the run: the
// process's peak resident memory so far. Run resets it first
// (ResetPeakRSS, /proc/self/clear_refs, after debug.FreeOSMemory) where
// Linux allows, so it is that run's peak plus what the process already
// held; runs in parallel would share one peak.
//
// # Error handling
//
// Errors start with "bench:" and wrap their cause: a bad spec is a
// *network.OptionError from Spec.Build, a spec the reference cannot run
// wraps ErrUnsupported, a cancelled context wraps ctx.Err().
//
// # Concurrency
//
// A Reference is not safe for concurrent use. Run and Sweep may run
// concurrently, but their timings and peak RSS then disturb each other.
package bench
