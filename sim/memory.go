package sim

import (
	"errors"
	"fmt"
	"math"
	"runtime/metrics"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/network"
)

// ErrMemory is wrapped by a *MemoryError: a run whose estimated peak
// memory exceeds the limit.
var ErrMemory = errors.New("not enough memory")

// MemoryError reports a run refused before anything was allocated: its
// estimated peak memory exceeds the limit.
type MemoryError struct {
	Scenario string
	Estimate int64  // EstimateMemory's bytes
	Limit    int64  // the limit, bytes
	Source   string // where the limit comes from, e.g. MemoryLimit's source or "--max-memory"
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("sim: %s: %v: the run needs about %s, the limit is %s (%s)",
		e.Scenario, ErrMemory, FormatBytes(e.Estimate), FormatBytes(e.Limit), e.Source)
}

// Unwrap returns ErrMemory.
func (e *MemoryError) Unwrap() error { return ErrMemory }

// CheckMemory returns a *MemoryError when EstimateMemory(p) exceeds limit
// bytes (source names the limit in the message), or EstimateMemory's
// error.
func (p Plan) CheckMemory(limit int64, source string) error {
	est, err := EstimateMemory(p)
	if err != nil {
		return err
	}
	if est > limit {
		return &MemoryError{Scenario: p.Scenario.Name, Estimate: est, Limit: limit, Source: source}
	}
	return nil
}

// FormatBytes prints b in MB or GB (10^6, 10^9 bytes) with three
// significant digits, e.g. "412 MB".
func FormatBytes(b int64) string {
	switch x := float64(b); {
	case x >= 1e9:
		return fmt.Sprintf("%.3g GB", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.3g MB", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.3g kB", x/1e3)
	}
	return fmt.Sprintf("%d B", b)
}

// The memory model of a run, from the sizes of what it allocates on the
// default path (the lean executor, which allocates nothing per step, over
// the fused graph, with each projection dense or event-driven as
// network's Auto rule decides). The constants were measured on go1.26.8,
// linux/amd64, a VM with 2 cores and 23 GB, under GOGC 25 (the command's
// setting), with /usr/bin/time's maximum resident set size, for
// `spikegraph run` of 400 steps:
//
//	single                                   19.7 MB   model 19.0 (-4 %)
//	uncoupled n = 10^3                       21.2 MB   model 20.5 (-4 %)
//	uncoupled n = 10^4                       33.4 MB   model 33.7 (+1 %)
//	uncoupled n = 10^5                        149 MB   model  166 (+12 %)
//	uncoupled n = 10^5, float32               148 MB   model  164 (+11 %)
//	uncoupled n = 10^5, --synapses dense      203 MB   model  228 (+12 %)
//	recurrent n = 10^3                       33.9 MB   model 31.9 (-6 %)
//	recurrent n = 4·10^3                      222 MB   model  208 (-6 %)
//	recurrent n = 4·10^3, --synapses dense    314 MB   model  309 (-2 %)
//	izhikevich2003 n = 10^3                  65.2 MB   model 63.4 (-3 %)
//	ring n = 2·10^3                          97.8 MB   model  100 (+3 %)
//
// and, with the projections above network.SparsePairs stored sparse:
//
//	uncoupled n = 10^6                        324 MB   model  555 (+71 %)
//	recurrent n = 2·10^4                      612 MB   model  650 (+6 %)
//	recurrent n = 10^5, p = 10^-3             334 MB   model  372 (+11 %)
//	recurrent n = 10^6, p = 10^-4            1624 MB   model 1949 (+20 %)
//
// (the per-neuron constants, fitted where n ≤ 10^5, overstate a neuron at
// 10^6: the model errs towards refusing).
const (
	// memBaseline is the resident memory of a run apart from its network:
	// the binary's pages, the Go runtime, gonum/plot's fonts, canvas and
	// PNG encoder (a run of one neuron with its plot: 19.7 MB).
	memBaseline = 19e6
	// memHostPerNeuron is what each neuron holds in float64 on the host
	// whatever the dtype (the Izhikevich cells' a, b, c, d and initial
	// state, labels, the recording set), in bytes.
	memHostPerNeuron = 100
	// memVectorsPerNeuron is the number of dtype values each neuron keeps
	// live in the graph and the session: states, their bound tensors and
	// next buffers, params, the fused ops' packed outputs.
	memVectorsPerNeuron = 25
	// memCSRBytes is what an event-driven synapse takes: its weight and
	// column index (8 + 4 bytes) in W and again in its transpose Wᵀ, which
	// the event op walks by presynaptic neuron.
	memCSRBytes = 2 * 12
	// memSparseBuild is what drawing a sparse projection holds besides its
	// CSR while it is built: network's byPre buffers (2 × 8 MiB, and
	// 2 × 2 MiB for the count).
	memSparseBuild = 20 << 20
	// memGCShare is how much of the live data the heap carries in garbage
	// at its peak, per unit of GOGC/100: the build's temporaries (the
	// drawn matrix converted to CSR, the transposes), since a step
	// allocates nothing. 0.4 (a 10 % allowance at GOGC 25) fits the table
	// above.
	memGCShare = 0.4
	// memRhythmPerStep is what a scenario with a rhythm (izhikevich2003)
	// holds per step, in bytes: the RateSink's count (4), the rate (8),
	// and spectrum.png's line through every bin (plotter.XYs, 16, and its
	// path).
	memRhythmPerStep = 200
)

// projectionMem is a projection's share of the memory model.
type projectionMem struct {
	pairs    int64   // post × pre
	nnz      float64 // expected synapses
	float64s int64   // dense float64 copies of the matrix kept (drawn, explicit)
	sparse   bool    // stored sparse (network.SparsePairs): no dense copy
}

// courseSparse marks the course's projections (uncoupled's, recurrent's)
// that network stores sparse: above network.SparsePairs pairs, except in
// the notebook's runs.
func courseSparse(ps []projectionMem, notebook bool) []projectionMem {
	for i := range ps {
		if network.StoredSparse(ps[i].pairs, notebook) {
			ps[i].sparse, ps[i].float64s = true, 0
		}
	}
	return ps
}

// projections returns the projections that scenario k of n neurons builds.
// The course's projections draw their weights into a dense float64 slice
// that synapse.Config keeps; ring and izhikevich2003 give explicit weights,
// which the Spec keeps and the projection copies.
func projections(k network.Kind, n int64, notebook bool, pRec float64) ([]projectionMem, error) {
	in := n * network.NIn
	input := projectionMem{pairs: in, nnz: float64(in) * network.InputProb, float64s: 1}
	switch k {
	case network.Single:
		return nil, nil
	case network.Synaptic:
		return []projectionMem{{pairs: in, nnz: float64(in), float64s: 1}}, nil
	case network.Uncoupled:
		return courseSparse([]projectionMem{input}, notebook), nil
	case network.Recurrent:
		p := network.Options{Notebook: notebook, PRec: pRec}.RecProb()
		return courseSparse([]projectionMem{input, {pairs: n * n, nnz: float64(n*n) * p, float64s: 1}}, notebook), nil
	case network.Izhikevich2003:
		return []projectionMem{{pairs: n * n, nnz: float64(n * n), float64s: 2}}, nil
	case network.Ring:
		// Excitatory neurons (80 %) reach 2·RingReach neighbours, inhibitory
		// ones (20 %) connect with RecProb.
		perPost := 0.8*2*network.RingReach + 0.2*float64(n)*network.RecProb
		return []projectionMem{{pairs: in, nnz: float64(in) * network.InputProb / 2, float64s: 2}, {pairs: n * n, nnz: float64(n) * perPost, float64s: 2}}, nil
	}
	return nil, fmt.Errorf("sim: EstimateMemory: no memory model for scenario %v", k)
}

// gcSettings are the garbage collector's settings that shape the peak.
type gcSettings struct {
	percent int   // GOGC; < 0 is off
	limit   int64 // the soft memory limit, bytes (math.MaxInt64: none)
}

// currentGC reads the process's GOGC and memory limit.
func currentGC() gcSettings {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	g := gcSettings{percent: 100, limit: math.MaxInt64}
	if s[0].Value.Kind() == metrics.KindUint64 {
		switch v := s[0].Value.Uint64(); {
		case v > math.MaxInt32: // GOGC=off reads as uint64(-1)
			g.percent = -1
		default:
			g.percent = int(v)
		}
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		g.limit = int64(min(s[1].Value.Uint64(), math.MaxInt64))
	}
	return g
}

// EstimateMemory returns the peak resident memory, in bytes, that running
// p takes in this process with streamed outputs, as the spikegraph
// command runs it (CSVSpikeSink, NPYTraceSink, RateSink, the figures drawn
// from the files): nothing but a rhythm's population rate grows with the
// steps. Nothing is allocated: the estimate comes from p's scenario, n,
// dtype, propagation and steps and the garbage collector's current
// settings (GOGC and the memory limit, as debug.SetGCPercent and
// debug.SetMemoryLimit set them: set them first), as
//
//	live  = Σ projections: pairs · 8 · float64 copies kept
//	                     + dense: pairs · dtype size (graph.Param's tensor)
//	                     | event: synapses · memCSRBytes (+ 4 each in float32)
//	                     | sparse (above network.SparsePairs): synapses · 12
//	                       (+ 4 in float32) + memSparseBuild, and no copy
//	      + n · (memHostPerNeuron + memVectorsPerNeuron · dtype size)
//	      + (steps+1) · memRhythmPerStep   (izhikevich2003 only)
//	heap  = live · (1 + memGCShare · GOGC/100), at most the memory limit
//	        less memBaseline (the limit itself with GOGC=off), at least live
//	peak  = memBaseline + heap
//
// Each projection is dense or event-driven as network's Auto rule decides
// (network.AutoEventPairs), or as p.Options.Propagation says. A small
// run's raster of up to MaxRasterEvents dots (package plot) can add up to
// about 11 MB, which the model leaves out: it matters only where
// memBaseline dominates. An error reports a zero or broken Plan, GOGC=off
// without a memory limit, or a scenario without a model.
func EstimateMemory(p Plan) (int64, error) {
	return estimateMemory(p, currentGC())
}

func estimateMemory(p Plan, gc gcSettings) (int64, error) {
	if p.Scenario.Name == "" {
		return 0, errors.New("sim: EstimateMemory: the zero Plan (make one with PlanScenario)")
	}
	n := int64(p.Options.N)
	if n < 1 || p.Steps < 0 {
		return 0, fmt.Errorf("sim: EstimateMemory: n = %d, steps = %d (make the Plan with PlanScenario)", n, p.Steps)
	}
	var size int64
	switch p.Options.Dtype {
	case tensor.Float64:
		size = 8
	case tensor.Float32:
		size = 4
	default:
		return 0, fmt.Errorf("sim: EstimateMemory: dtype %v (want float64 or float32)", p.Options.Dtype)
	}
	if gc.percent < 0 && gc.limit == math.MaxInt64 {
		return 0, errors.New("sim: EstimateMemory: garbage collection is off (GOGC=off) without a memory limit: the heap grows with every step")
	}
	ps, err := projections(p.Scenario.Kind, n, p.Options.Notebook, p.Options.PRec)
	if err != nil {
		return 0, err
	}
	live := 0.0 // float64: n² at the largest n overflows nothing, and rounding is far below the model's error
	for _, pr := range ps {
		live += float64(pr.pairs) * float64(8*pr.float64s)
		if pr.sparse {
			// One CSR (by presynaptic neuron for event propagation, by rows
			// for dense), the float32 copy of its values, and the event
			// draw's two passes of buffers (network's byPre).
			csr := float64(memCSRBytes / 2)
			if size == 4 {
				csr += 4
			}
			live += pr.nnz*csr + memSparseBuild
			continue
		}
		if event(p.Options, pr.pairs) {
			csr := float64(memCSRBytes)
			if size == 4 {
				csr += 2 * 4 // the op's float32 copy of each matrix's values
			}
			live += pr.nnz * csr
		} else {
			live += float64(pr.pairs) * float64(size)
		}
	}
	live += float64(n) * float64(memHostPerNeuron+memVectorsPerNeuron*size)
	if p.Scenario.Rhythm {
		live += float64(p.Steps+1) * memRhythmPerStep
	}
	room := float64(gc.limit) - memBaseline // +Inf-like without a limit
	heap := room                            // GOGC=off: the heap grows to the limit
	if gc.percent >= 0 {
		heap = min(live*(1+memGCShare*float64(gc.percent)/100), room)
	}
	heap = max(heap, live)
	peak := memBaseline + heap
	if peak >= math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return int64(math.Ceil(peak)), nil
}

// event reports whether a projection of pairs pairs propagates event by
// event under o (network's Auto rule on the fused engine).
func event(o network.Options, pairs int64) bool {
	switch o.Propagation {
	case network.Event:
		return true
	case network.Dense:
		return false
	}
	return o.Engine == network.Fused && !o.Notebook && pairs >= network.AutoEventPairs
}
