package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/spikegraph/spikegraph/analysis"
	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// ErrUnknownMonitor reports a sink given for a monitor name the network
// does not declare, or for a monitor of another kind.
var ErrUnknownMonitor = errors.New("unknown monitor")

// Option configures a run. Options do not depend on their order; an
// option given twice for the same thing is an error.
type Option func(*config)

type config struct {
	progress      func(done, total int)
	spikeSinks    map[string]SpikeSink
	traceSinks    map[string]TraceSink
	spikeCapacity *int
	session       []session.Option
	profile       bool
	guard         bool
	watches       []watch
	err           error
}

func (c *config) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// WithProgress calls f(done, total) as the run advances: done steps of
// total, at most about 100 times, and always with done = total when the
// run completes (a cancelled run stops short of that). f runs on the
// stepping goroutine: keep it short.
func WithProgress(f func(done, total int)) Option {
	return func(c *config) {
		if f == nil {
			c.fail(errors.New("sim: WithProgress: nil func"))
			return
		}
		if c.progress != nil {
			c.fail(errors.New("sim: WithProgress given twice"))
			return
		}
		c.progress = f
	}
}

// WithSpikeSink sends the spikes of the SpikeEvents monitor named monitor
// to s instead of an in-memory SpikeEvents; Result.Spikes then has no
// entry for it.
func WithSpikeSink(monitor string, s SpikeSink) Option {
	return func(c *config) {
		if s == nil {
			c.fail(fmt.Errorf("sim: WithSpikeSink %q: nil sink", monitor))
			return
		}
		if _, dup := c.spikeSinks[monitor]; dup {
			c.fail(fmt.Errorf("sim: WithSpikeSink %q given twice", monitor))
			return
		}
		if c.spikeSinks == nil {
			c.spikeSinks = map[string]SpikeSink{}
		}
		c.spikeSinks[monitor] = s
	}
}

// WithTraceSink sends the samples of the Trace monitor named monitor to s
// instead of an in-memory Traces; Result.Traces then has no entry for it.
func WithTraceSink(monitor string, s TraceSink) Option {
	return func(c *config) {
		if s == nil {
			c.fail(fmt.Errorf("sim: WithTraceSink %q: nil sink", monitor))
			return
		}
		if _, dup := c.traceSinks[monitor]; dup {
			c.fail(fmt.Errorf("sim: WithTraceSink %q given twice", monitor))
			return
		}
		if c.traceSinks == nil {
			c.traceSinks = map[string]TraceSink{}
		}
		c.traceSinks[monitor] = s
	}
}

// WithSpikeCapacity preallocates room for events spikes in each in-memory
// SpikeEvents (>= 0). The default expects 50 Hz per neuron, at most 2^24
// events; a sink grows past its capacity, allocating.
func WithSpikeCapacity(events int) Option {
	return func(c *config) {
		if events < 0 {
			c.fail(fmt.Errorf("sim: WithSpikeCapacity: %d must be >= 0", events))
			return
		}
		if c.spikeCapacity != nil {
			c.fail(errors.New("sim: WithSpikeCapacity given twice"))
			return
		}
		c.spikeCapacity = &events
	}
}

// WithSession passes options to session.New (e.g. session.WithNaNWatch).
func WithSession(opts ...session.Option) Option {
	return func(c *config) { c.session = append(c.session, opts...) }
}

// WithProfile times every op of the step graph (per fused op on the fused
// engine) over the run: Result.Profile lists them, slowest first. It adds
// session.WithOpTimer, which reads the clock twice per op and step.
func WithProfile() Option {
	return func(c *config) {
		if c.profile {
			c.fail(errors.New("sim: WithProfile given twice"))
			return
		}
		c.profile = true
		c.session = append(c.session, session.WithOpTimer())
	}
}

func newConfig(opts []Option) (*config, error) {
	c := &config{}
	for _, o := range opts {
		if o == nil {
			c.fail(errors.New("sim: nil Option"))
			continue
		}
		o(c)
	}
	return c, c.err
}

// Result is what a run recorded. After a cancelled or failed run it holds
// the samples up to the last completed step.
type Result struct {
	// Steps is the number of steps completed: the samples are 0..Steps.
	Steps int
	// DtMs is the time step (ms).
	DtMs float64
	// Wall is the wall time of the stepping loop only (not the build or
	// the compilation).
	Wall time.Duration
	// Populations are the spike counts and rates per population, in the
	// network's order.
	Populations []Population
	// Spikes holds each SpikeEvents monitor's events, by monitor name
	// (monitors with a sink of their own are absent).
	Spikes map[string]*SpikeEvents
	// Traces holds each Trace monitor's samples, by monitor name (monitors
	// with a sink of their own are absent).
	Traces map[string]*Traces
	// Counts holds each CountSpikes monitor's count over steps 1..Steps,
	// by monitor name.
	Counts map[string]int64
	// Profile is the time spent in each op over the run, slowest first
	// (ties by name); nil without WithProfile.
	Profile []OpProfile

	monitorSize map[string]int // SpikeEvents monitor -> neurons of its population
}

// Population is one population's spikes over samples 0..Steps (sample 0,
// the initial state, counts as the network's initial spikes, which are
// usually none) and its rates in Hz per neuron over Steps·DtMs.
type Population struct {
	Name string
	N    int // neurons (per batch row)
	// Rows is the number of batch rows (1 for an unbatched population);
	// the counts and rates cover every row.
	Rows   int
	Spikes int
	// RateHz is Spikes / (Rows·N) / (Steps·DtMs/1000); 0 when no step ran.
	RateHz float64

	// Labelled reports whether the population has Inh labels; the
	// fields below are zero or nil without them.
	Labelled             bool
	NExc, NInh           int      // neurons (per batch row) by label
	SpikesExc, SpikesInh int      // spikes by the neuron's label
	RateExcHz, RateInhHz *float64 // as RateHz per group; nil for an empty group or when no step ran
}

// TimeMs returns the time of sample k: k·DtMs (sample 0 is the initial
// state, at 0 ms).
func (r *Result) TimeMs(k int) float64 { return float64(k) * r.DtMs }

// DurationMs returns the simulated time, Steps·DtMs.
func (r *Result) DurationMs() float64 { return float64(r.Steps) * r.DtMs }

// Population returns the population named name.
func (r *Result) Population(name string) (Population, bool) {
	for _, p := range r.Populations {
		if p.Name == name {
			return p, true
		}
	}
	return Population{}, false
}

// Rhythm returns analysis.Rhythm of the in-memory SpikeEvents monitor
// named monitor, over its population's neurons, in bins of one step and
// with analysis.RhythmSegmentMs: bin b counts the spikes of sample b+1,
// which the step from t = b·DtMs to (b+1)·DtMs produced (sample 0, the
// initial state, is left out).
func (r *Result) Rhythm(monitor string) (analysis.RhythmResult, error) {
	sp, ok := r.Spikes[monitor]
	if !ok {
		return analysis.RhythmResult{}, fmt.Errorf("sim: rhythm: %w %q (no in-memory spike events)", ErrUnknownMonitor, monitor)
	}
	samples := make([]int, 0, len(sp.Events))
	for _, e := range sp.Events {
		if e.Sample >= 1 {
			samples = append(samples, int(e.Sample)-1)
		}
	}
	res, err := analysis.Rhythm(samples, r.monitorSize[monitor], r.DtMs, r.Steps, analysis.RhythmSegmentMs)
	if err != nil {
		return res, fmt.Errorf("sim: rhythm of %q: %w", monitor, err)
	}
	return res, nil
}

// Run compiles net's graph into a session, records each of its monitors
// (SpikeEvents and Trace into sinks, CountSpikes as counts) and every
// population's spikes, and runs steps steps (>= 0) with net's feeder.
//
// A graph can be compiled once: Run a network once, and build its Spec
// again for another run. Errors before the first step (a nil network,
// negative steps, a bad option, a sink for an unknown monitor, a failed
// compilation) return a nil Result. When ctx is cancelled (it is checked
// every 32 steps) or a step or sink fails, Run returns the partial Result,
// holding the samples up to the last completed step, with an error that
// wraps the cause (ctx.Err() for a cancellation).
func Run(ctx context.Context, net *network.Network, steps int, opts ...Option) (*Result, error) {
	if net == nil || net.Graph == nil {
		return nil, errors.New("sim: Run: nil network")
	}
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	res, err := run(ctx, target{graph: net.Graph, feeder: net.Feeder, dtMs: net.Spec.DtMs, pops: net.Populations, monitors: net.Monitors, ranges: net.Ranges}, steps, c)
	if err != nil {
		return res, fmt.Errorf("sim: %w", err)
	}
	return res, nil
}

// target is what run runs: a network or a figure panel.
type target struct {
	graph    *graph.Graph
	feeder   graph.Feeder
	dtMs     float64
	pops     []network.BuiltPopulation
	monitors []network.BuiltMonitor
	ranges   map[string]graph.Range // states' physical ranges, for the guard
}

// defaultSpikeCapacity is the CLI's old guess: 50 Hz per neuron, at most
// 2^24 events.
func defaultSpikeCapacity(n, steps int, dtMs float64) int {
	return int(math.Min(float64(n)*float64(steps)*dtMs*0.05, 1<<24))
}

func run(ctx context.Context, t target, steps int, c *config) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("nil context")
	}
	if steps < 0 || steps >= math.MaxInt32 {
		return nil, fmt.Errorf("steps = %d must be in [0, %d)", steps, math.MaxInt32)
	}
	r, err := newRecording(t, steps, c)
	if err != nil {
		return nil, err
	}
	for _, w := range c.watches {
		if _, err := NodeShape(t.graph, w.name); err != nil {
			return nil, err
		}
		r.recs = append(r.recs, w.rec)
	}
	opts := c.session
	var gd *guard
	if c.guard {
		gd = newGuard(t.ranges, t.dtMs)
		opts = append(opts[:len(opts):len(opts)], session.WithStateCheck(gd.check))
	}
	s, err := session.New(t.graph, opts...)
	if err != nil {
		return nil, err
	}
	if gd != nil {
		gd.s = s
	}
	defer s.Close()
	start := time.Now()
	err = s.Steps(ctx, steps, t.feeder, r.recs...)
	wall := time.Since(start)
	last := s.Sample()
	if de := (*DivergedError)(nil); errors.As(err, &de) {
		last = de.Sample - 1 // the state holds the diverged sample, which nothing recorded
	}
	res := r.result(last, wall)
	if c.profile {
		res.Profile = profile(s.OpTimes())
	}
	return res, err
}

// recording is a run's recorders and the Result they fill.
type recording struct {
	t      target
	res    *Result
	rec    *recorder
	recs   []session.Recorder // rec, then the counts
	counts []count
}

type count struct {
	name string
	rec  *session.CountRecorder
}

// newRecording checks the sinks against t's monitors and makes the
// recorders, with the in-memory sinks preallocated for steps steps.
func newRecording(t target, steps int, c *config) (*recording, error) {
	kinds := map[string]network.MonitorKind{}
	for _, m := range t.monitors {
		kinds[m.Name] = m.Kind
	}
	for name := range c.spikeSinks {
		if kinds[name] != network.SpikeEvents {
			return nil, fmt.Errorf("%w %q: WithSpikeSink needs a SpikeEvents monitor", ErrUnknownMonitor, name)
		}
	}
	for name := range c.traceSinks {
		if kinds[name] != network.Trace {
			return nil, fmt.Errorf("%w %q: WithTraceSink needs a Trace monitor", ErrUnknownMonitor, name)
		}
	}
	r := &recording{t: t, res: &Result{DtMs: t.dtMs, Spikes: map[string]*SpikeEvents{}, Traces: map[string]*Traces{},
		Counts: map[string]int64{}, monitorSize: map[string]int{}}}
	r.rec = &recorder{total: steps, progress: c.progress, every: max(1, (steps+99)/100)}
	r.recs = []session.Recorder{r.rec}
	popIndex := map[string]int{}
	for i, p := range t.pops {
		r.rec.pops = append(r.rec.pops, popCounter{node: p.Fired, n: p.N, inh: p.Inh})
		popIndex[p.Name] = i
	}
	for _, m := range t.monitors {
		switch m.Kind {
		case network.SpikeEvents:
			pop, ok := popIndex[m.Of]
			if !ok {
				return nil, fmt.Errorf("monitor %q: unknown population %q", m.Name, m.Of)
			}
			sink, ok := c.spikeSinks[m.Name]
			if !ok {
				capacity := defaultSpikeCapacity(t.pops[pop].N, steps, t.dtMs)
				if c.spikeCapacity != nil {
					capacity = *c.spikeCapacity
				}
				mem := NewSpikeEvents(capacity)
				r.res.Spikes[m.Name], sink = mem, mem
			}
			r.rec.spikes = append(r.rec.spikes, spikeMon{name: m.Name, node: m.Node, pop: pop, sink: sink})
		case network.Trace:
			sink, ok := c.traceSinks[m.Name]
			if !ok {
				mem := NewTraces(m.Index, steps+1)
				r.res.Traces[m.Name], sink = mem, mem
			}
			r.rec.traces = append(r.rec.traces, traceMon{name: m.Name, node: m.Node, index: m.Index, sink: sink, buf: make([]float64, len(m.Index))})
		case network.CountSpikes:
			cr := session.CountNonzero(m.Node)
			r.counts = append(r.counts, count{m.Name, cr})
			r.recs = append(r.recs, cr)
		default:
			return nil, fmt.Errorf("monitor %q: unknown kind %d", m.Name, int(m.Kind))
		}
	}
	return r, nil
}

// result completes the Result once the session holds sample last.
func (r *recording) result(last int, wall time.Duration) *Result {
	res := r.res
	res.Wall = wall
	res.Steps = max(last-r.rec.first, 0)
	for _, cr := range r.counts {
		res.Counts[cr.name] = cr.rec.Count
	}
	for _, sm := range r.rec.spikes {
		res.monitorSize[sm.name] = len(r.rec.pops[sm.pop].view.F64) + len(r.rec.pops[sm.pop].view.F32)
	}
	for i, p := range r.t.pops {
		res.Populations = append(res.Populations, r.rec.pops[i].result(p, res.DurationMs()))
	}
	return res
}
