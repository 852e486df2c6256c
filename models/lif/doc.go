// Package lif adds populations of leaky integrate-and-fire neurons to a
// graph, ready for surrogate-gradient training.
//
// # Overview
//
// The leaky integrate-and-fire neuron (Lapicque 1907; in the form of
// Gerstner, Kistler, Naud and Paninski 2014, "Neuronal Dynamics", Sec. 1.3)
// with a first-order synapse, as in Norse (Pehle and Pedersen 2021) and
// SpyTorch (Zenke 2019; Neftci, Mostafa and Zenke 2019, IEEE Signal
// Processing Magazine 36(6):51-63). Time is in ms; v, v_leak, v_th, v_reset,
// E and the current i (written as R·I, so in the units of v) share one unit.
//
// Current-based (CurrentBased):
//
//	tau_mem dv/dt = (v_leak - v) + i
//	tau_syn di/dt = -i,            i jumps by the input x
//	if v >= v_th: spike, v <- v_reset
//
// Conductance-based (ConductanceBased), with g in units of the leak
// conductance and a reversal potential E per neuron:
//
//	tau_mem dv/dt = (v_leak - v) + g (E - v)
//	tau_syn dg/dt = -g,            g jumps by the input x
//
// Presets: Training (dimensionless: 10 ms, 5 ms, 0, 1, 0, the defaults of
// Norse's LIFParameters) and VogelsAbbott (mV, the COBA benchmark cell).
// There is no refractory period.
//
// For a constant current I > v_th - v_leak (the rheobase) the period between
// spikes is
//
//	T = tau_mem ln((I - (v_reset - v_leak)) / (I - (v_th - v_leak))),
//
// and for I below the rheobase the neuron never fires; the tests check the
// Euler steps against both.
//
// # State and steps
//
// A population's state is v, i (current-based) or g (conductance-based), and
// fired (1 where the neuron spiked at this sample, else 0), each of shape [N]
// or, with Config.Batch > 0, [Batch, N]. Step adds one forward-Euler step
// and returns the next state; it is pure (it only creates nodes), so calling
// it T times unrolls T steps for backpropagation through time. With
// a_mem = dt/tau_mem and a_syn = dt/tau_syn, the step from sample k to k+1 is,
// in this order (current-based):
//
//	v_dec = v + a_mem*((v_leak - v) + i)           (from v, i at sample k)
//	i_dec = i - a_syn*i
//	z     = Spike(v_dec >= v_th)                   (fired at k+1)
//	v'    = v_dec - z*(v_dec - v_reset)
//	i'    = i_dec + x
//
// and conductance-based, the same with g in place of i and the drive
// g*(E - v) in place of i:
//
//	v_dec = v + a_mem*((v_leak - v) + g*(E - v))
//	g_dec = g - a_syn*g
//	z     = Spike(v_dec >= v_th)
//	v'    = v_dec - z*(v_dec - v_reset)
//	g'    = g_dec + x
//
// So the input fed at the step from sample k to k+1 is in i (or g) at sample
// k+1 and first moves v at sample k+2, and the stored (and fetched) v is the
// potential after the reset: VReset at a spiking sample,
// never a value at or above v_th. g stays >= 0 as long as every input x is
// >= 0 (the decay factor 1 - a_syn is positive); the graph does not clip a
// negative g. With a large g the conductance-based Euler step itself
// misbehaves: the factor 1 - a_mem*(1 + g) on v turns negative (v
// oscillates) for g > tau_mem/dt - 1 and below -1 (v diverges) for
// g > 2 tau_mem/dt - 1; choose dt for the largest g you expect.
//
// The reset is written with arithmetic only (Sub and Mul), not a select, so
// the per-neuron E [N] and the scalar constants broadcast over a batch
// [Batch, N], and x may be [Batch, N] or a shared [N].
//
// Gradients: z is ops.Spike, whose backward pass is the Surrogate (nil means
// ops.DefaultSuperSpike()). Config.DetachReset puts z through
// ops.StopGradient in the reset term only, so that dv'/dv_dec = 1 - z (the
// exact derivative of the piecewise-smooth forward map) instead of
// 1 - z - (v_dec - v_reset)·h'(v_dec - v_th); SpyTorch's tutorials detach the
// reset the same way. The returned fired keeps its surrogate gradient.
//
// FusedStep adds the same step as one fused, forward-only op
// (ops.LIFStep) for an unbatched population: one loop that repeats Step's
// operations in Step's order and dtype, so the same bits
// (TestFusedStepEqualsStep). Simulate with it; differentiate the graph of
// Step. Neuron offers it to a composer (graph.Neurons.Fused) when Batch is 0.
//
// # Error handling
//
// Params.Validate and Config.Validate reject non-finite values, VReset >=
// VThresh, dt >= tau_mem or dt >= tau_syn, a bad mode or E, and an invalid
// surrogate; nothing is clipped. Declare also rejects initial values of the
// wrong length, non-finite ones and a negative initial g. Step checks the
// shapes of the state and input and returns the builder's first error.
// Errors start with "lif: ". No function panics on bad input.
//
// # Concurrency
//
// Params, Config and Mode are values. A Population only names nodes of one
// graph; like the graph, it is not safe for concurrent use while building.
package lif
