package sim

import (
	"fmt"

	"github.com/spikegraph/spikegraph/session"
)

// SpikeSink receives the spikes of a SpikeEvents monitor, in sample order
// and, within a sample, in neuron order. Sample k is the state after k
// steps (sample 0 the initial state); neuron is the flat index into the
// population's spike state. An error stops the run.
type SpikeSink interface {
	Spike(sample, neuron int32) error
}

// TraceSink receives the recorded potentials of a Trace monitor once per
// sample, samples 0, 1, ... in order: values[j] is neuron Index[j] of the
// monitor. values belongs to the runner and is overwritten at the next
// sample: copy what you keep. An error stops the run.
type TraceSink interface {
	Sample(sample int, values []float64) error
}

// SpikeEvents is the in-memory SpikeSink that Run gives each SpikeEvents
// monitor unless WithSpikeSink replaces it.
type SpikeEvents struct {
	// Events are the spikes received, in sample order.
	Events []session.SpikeEvent
}

// NewSpikeEvents returns an empty sink with room for capacity events (< 0
// is taken as 0); it grows past that, allocating, when more spikes come.
func NewSpikeEvents(capacity int) *SpikeEvents {
	return &SpikeEvents{Events: make([]session.SpikeEvent, 0, max(capacity, 0))}
}

// Spike appends the event.
func (s *SpikeEvents) Spike(sample, neuron int32) error {
	s.Events = append(s.Events, session.SpikeEvent{Sample: sample, Neuron: neuron})
	return nil
}

// Traces is the in-memory TraceSink that Run gives each Trace monitor
// unless WithTraceSink replaces it: a time-first table whose rows are
// preallocated.
type Traces struct {
	// Index are the traced neurons (flat indices into the state).
	Index []int
	// First is the first sample received: 0 in a run of Run.
	First int
	// Data holds one row per sample received: Data[k][j] is neuron
	// Index[j] at sample First+k. The rows are views of one row-major
	// array (see Flat).
	Data [][]float64

	flat []float64
}

// NewTraces returns an empty sink for the neurons index with room for
// samples samples (< 0 is taken as 0); it grows past that, allocating.
func NewTraces(index []int, samples int) *Traces {
	t := &Traces{Index: append([]int(nil), index...)}
	t.reserve(max(samples, 0))
	return t
}

// reserve makes room for n rows in all, keeping the rows received.
func (t *Traces) reserve(n int) {
	w := len(t.Index)
	flat := make([]float64, n*w)
	copy(flat, t.flat)
	rows := make([][]float64, n)
	for k := range rows {
		rows[k] = flat[k*w : (k+1)*w : (k+1)*w]
	}
	t.flat, t.Data = flat, rows[:len(t.Data)]
}

// Sample copies values into the row of sample, which must follow the
// last one received (the first sample received sets First).
func (t *Traces) Sample(sample int, values []float64) error {
	if len(values) != len(t.Index) {
		return fmt.Errorf("sim: Traces: %d values for %d neurons", len(values), len(t.Index))
	}
	k := len(t.Data)
	if k == 0 {
		t.First = sample
	}
	if sample != t.First+k {
		return fmt.Errorf("sim: Traces: sample %d, want %d (samples come in order)", sample, t.First+k)
	}
	if k == cap(t.Data) {
		t.reserve(max(2*k, 16))
	}
	t.Data = t.Data[:k+1]
	copy(t.Data[k], values)
	return nil
}

// Samples returns the number of samples received.
func (t *Traces) Samples() int { return len(t.Data) }

// Flat returns the received rows as one row-major slice, [Samples()]
// [len(Index)] (no copy: it shares Data's memory), e.g. for an .npy file.
func (t *Traces) Flat() []float64 { return t.flat[:len(t.Data)*len(t.Index)] }
