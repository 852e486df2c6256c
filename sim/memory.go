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

// The memory model of a run, from the sizes of what it allocates. The
// constants were measured on go1.26.8, linux/amd64, a VM with 2 cores
// and 23 GB (VmHWM from /proc/self/status, the same figure as
// /usr/bin/time -v's maximum resident set size) for runs of 400 to 2000
// steps of every scenario: uncoupled at n = 10^3, 10^4, 10^5; recurrent,
// ring and izhikevich2003 at n = 10^3 and 4·10^3; in float64 and
// float32; under GOGC 100 and 25. EstimateMemory gives the formula.
const (
	// memBaseline is the resident memory of a run apart from its heap's
	// share of the network: the binary's pages, the Go runtime, the heap's
	// floor and fragmentation, gonum/plot's fonts, canvas and PNG encoder.
	// Measured: 8.4 MB at the start of a program that imports sim; 21 MB
	// for the peak of a streamed run of one neuron with its plot; 15 to
	// 25 MB above the heap's share for streamed runs of n = 10^3 to 10^5.
	memBaseline = 20e6
	// memHostPerNeuron is what each neuron holds in float64 on the host
	// whatever the dtype (the Izhikevich cells' a, b, c, d and initial
	// state, labels, the recording set), in bytes: the fit of the live
	// heap over n and the dtype gave 60 to 100.
	memHostPerNeuron = 100
	// memVectorsPerNeuron is the number of dtype values each neuron keeps
	// live in the graph and the session: states and their bound tensors,
	// params, the tape machine's registers. The fit gave 21 (uncoupled)
	// to 25 (recurrent).
	memVectorsPerNeuron = 25
	// memStepVectorsPerNeuron is the number of dtype values per neuron
	// that the tape machine allocates on every step (Reset discards its
	// registers; see package session), which are garbage at the next:
	// 11 (uncoupled) to 16 (recurrent, ring) measured.
	memStepVectorsPerNeuron = 16
	// memRhythmPerStep is what a scenario with a rhythm (izhikevich2003)
	// holds per step, in bytes: the RateSink's count (4), the rate (8),
	// and spectrum.png's line through every bin (plotter.XYs, 16, and its
	// path).
	memRhythmPerStep = 200
)

// dense is a dense weight matrix of a scenario: values, and the float64
// copies of it that stay alive besides graph.Param's tensor in the dtype.
type dense struct {
	values      int64
	float64Kept int64
}

// denseWeights returns the dense weight matrices that scenario k of n
// neurons allocates. The course's projections draw their weights into a
// float64 slice that synapse.Config keeps; ring and izhikevich2003 give
// explicit weights, which the Spec keeps and the projection copies.
func denseWeights(k network.Kind, n int64) ([]dense, error) {
	in := n * network.NIn
	switch k {
	case network.Single:
		return nil, nil
	case network.Synaptic, network.Uncoupled:
		return []dense{{in, 1}}, nil
	case network.Recurrent:
		return []dense{{in, 1}, {n * n, 1}}, nil
	case network.Izhikevich2003:
		return []dense{{n * n, 2}}, nil
	case network.Ring:
		return []dense{{in, 2}, {n * n, 2}}, nil
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
// command is to run it (CSVSpikeSink, NPYTraceSink, RateSink, the figures
// drawn from the files): nothing but a rhythm's population rate grows
// with the steps. Nothing is allocated: the estimate comes from p's
// scenario, n, dtype and steps and the garbage collector's current
// settings (GOGC and the memory limit, as debug.SetGCPercent and
// debug.SetMemoryLimit set them: set them first), as
//
//	live  = Σ dense weights · (8 per float64 copy kept + dtype size)
//	      + n · (memHostPerNeuron + memVectorsPerNeuron · dtype size)
//	      + (steps+1) · memRhythmPerStep   (izhikevich2003 only)
//	step  = n · memStepVectorsPerNeuron · dtype size   (garbage per step)
//	heap  = live · (1 + GOGC/100) + step, at most the memory limit less
//	        memBaseline (the limit itself with GOGC=off), at least live + step
//	peak  = memBaseline + heap
//
// The dense weights are the n² recurrent matrices of recurrent, ring and
// izhikevich2003 and the n × 100 input weights; the course's scenarios
// keep one float64 copy besides graph.Param's tensor, ring and
// izhikevich2003 two. GOGC/100 is how far the heap grows between
// collections: a run too short to reach it peaks lower (by up to
// GOGC/100 · live). A small run's raster of up to MaxRasterEvents dots
// (package plot) can add up to about 11 MB at GOGC 25 and 30 MB at GOGC
// 100, which the model leaves out: it matters only where memBaseline
// dominates. An error reports a zero or broken Plan, GOGC=off without a
// memory limit, or a scenario without a model.
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
	ws, err := denseWeights(p.Scenario.Kind, n)
	if err != nil {
		return 0, err
	}
	live := 0.0 // float64: n² at the largest n overflows nothing, and rounding is far below the model's error
	for _, w := range ws {
		live += float64(w.values) * float64(8*w.float64Kept+size)
	}
	live += float64(n) * float64(memHostPerNeuron+memVectorsPerNeuron*size)
	if p.Scenario.Rhythm {
		live += float64(p.Steps+1) * memRhythmPerStep
	}
	step := float64(n) * float64(memStepVectorsPerNeuron*size)
	room := float64(gc.limit) - memBaseline // +Inf-like without a limit
	heap := room                            // GOGC=off: the heap grows to the limit
	if gc.percent >= 0 {
		heap = min(live*(1+float64(gc.percent)/100)+step, room)
	}
	heap = max(heap, live+step)
	peak := memBaseline + heap
	if peak >= math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return int64(math.Ceil(peak)), nil
}
