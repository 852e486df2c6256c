// Package sim runs a built network or a figure panel for a number of steps,
// with progress and cancellation, and returns what it recorded: what the
// command line does, for a Go program.
//
// # Overview
//
// Run takes a *network.Network (network.Spec.Build), compiles its graph
// into a session (package session), turns each of its monitors into a
// recorder, runs the steps with the network's feeder and returns a Result:
//
//	net, err := spec.Build()
//	res, err := sim.Run(ctx, net, 2000, sim.WithProgress(show))
//	fmt.Println(res.Populations[0].Spikes, res.Spikes["spikes"].Events)
//
// For the built-in scenarios (network.Scenarios), PlanScenario checks a
// scenario's options and duration without building anything, and
// Plan.Run (or RunScenario, both at once) builds and runs it. RunPanel
// runs one panel of Izhikevich's figures (package figures) and labels its
// samples as his figure program does.
//
// # Results
//
// Sample k is the state after k steps, at t = k·dt (Result.TimeMs); sample
// 0 is the initial state, and a run of n steps records samples 0..n.
//
//   - Every population's spikes are counted over samples 0..n, in all and
//     by its Inh labels, with rates in Hz per neuron over n·dt
//     (Result.Populations).
//   - A SpikeEvents monitor sends each spike (sample, neuron) to a
//     SpikeSink; a Trace monitor sends each sample's potentials of its
//     neurons to a TraceSink. By default these are in-memory sinks,
//     SpikeEvents and Traces, found in Result.Spikes and Result.Traces by
//     monitor name; WithSpikeSink and WithTraceSink give a monitor a sink
//     of your own (to stream to disk, say), which then is absent from
//     the maps.
//   - A CountSpikes monitor counts its source's spikes over steps 1..n
//     (Result.Counts).
//   - With WithProfile, every op of the step graph (every fused op on the
//     fused engine) is timed over the run: Result.Profile lists each by
//     its readable name with its calls (one per step), total time and
//     share of the ops' total, slowest first.
//
// # Streaming
//
// The in-memory sinks grow with the run. For long runs, stream instead:
// CSVSpikeSink writes spikes as the command line's spikes.csv and
// NPYTraceSink a trace as its v.npy, byte for byte, through 64 KiB
// buffers, so that their memory stays constant; NPYTraceSink.Finish
// rewrites the .npy header with the rows received, so a cancelled run
// leaves a valid file. RateSink counts the spikes per sample (4 bytes per
// sample) for the population's rhythm, and MultiSpikeSink sends spikes to
// several sinks:
//
//	spikes, err := sim.NewCSVSpikeSink(csvFile, plan.Options.DtMs)
//	v, err := sim.NewNPYTraceSink(npyFile, len(net.Record), plan.Steps+1)
//	_, res, err := plan.Run(ctx, sim.WithSpikeSink(network.MonitorSpikes, spikes),
//		sim.WithTraceSink(network.MonitorV, v))
//	err = spikes.Flush() // and v.Finish(), also after a cancelled run
//
// # Watching and the guard
//
// WithWatch records any named node of the graph (a next value, a
// projection's current "NAME/I", an input) every few steps into a
// TraceSink (session.WatchNode; NewNPYArraySink streams the records into
// an .npy of shape [records, shape...]). A name the graph lacks is an
// *UnknownNodeError with the closest names; Plan.WatchShape also says when
// only the fine-grained engine has it. WithGuard checks every state after
// every step against network.Network.Ranges (finite; an Izhikevich v
// >= izhikevich.VMin; spikes in [0, 1]; conductances >= 0) and stops the
// run at the first bad value with a *DivergedError naming the state, the
// step, its time and the first neuron; the Result then holds the samples
// before it. The check costs about as much as half a step of the n = 10^4
// fast path (BenchmarkGuard), so it is off unless asked for.
//
// # Memory
//
// EstimateMemory predicts the peak resident memory of a scenario's run
// with streamed outputs from its Plan, before anything is built: the
// dense weights (n² for the recurrent scenarios), the per-neuron state,
// the tape machine's per-step garbage and the garbage collector's
// headroom under the process's GOGC. MemoryLimit returns the lower of
// the memory available and the cgroup limit, and Plan.CheckMemory
// refuses a run whose estimate exceeds a limit with a *MemoryError.
//
// The runner allocates nothing per step of its own: the counters, the
// trace rows and the spike capacity (50 Hz per neuron unless
// WithSpikeCapacity says otherwise) are allocated before the first step.
// A SpikeEvents sink grows, allocating, past its capacity. gorgonia's VM
// still allocates its buffers on every step (see package session).
//
// # Error handling
//
// Errors start with "sim:" and wrap their cause, except a broken scenario
// rule: PlanScenario and RunScenario return it as the *network.OptionError
// that names the option (its message starts with "network:"; find it with
// errors.As) before anything is built. Run returns a nil
// Result for an error before the first step (a nil network, negative
// steps, a bad option, a sink for a monitor the network does not declare,
// which wraps ErrUnknownMonitor, or a failed compilation). When ctx is
// cancelled, which session.Steps checks every 32 steps, or a step or a
// sink fails, Run returns the partial Result, holding samples 0..Steps of
// the steps completed, and an error that wraps the cause: errors.Is(err,
// context.Canceled) after a cancellation. RunPanel returns no partial
// result.
//
// # Concurrency
//
// A run uses one goroutine, the caller's; the progress func and the sinks
// are called on it. Separate runs may proceed concurrently on separate
// networks. A network's graph is compiled by one session only, so a
// *network.Network can be run once: build its Spec again to run it again.
// A Result is not safe for concurrent mutation.
package sim
