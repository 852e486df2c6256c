package session

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Recorder observes samples during Steps, like a Brian2 monitor.
type Recorder interface {
	// Begin is called once per Steps call, before any sample, with the
	// index of the current sample and the number of steps to come; it
	// resolves names and preallocates.
	Begin(s *Session, first, steps int) error
	// Record is called with the index of each sample the state now holds:
	// the current one before the first step, then each new one. A sample
	// already recorded (when Steps resumes) must be ignored.
	Record(s *Session, sample int) error
}

// SpikeEvent is one spike: the sample at which it happened and the index of
// the neuron (flat index into the state).
type SpikeEvent struct {
	Sample int32
	Neuron int32
}

// SpikeRecorder stores the nonzero entries of a 0/1 state (such as
// "net/fired") as sparse events, in sample order.
type SpikeRecorder struct {
	name   string
	Events []SpikeEvent
	view   View
	next   int // the next sample to record
}

// RecordSpikes returns a recorder of the state name. capacity preallocates
// room for that many events (the slice grows beyond it if needed).
func RecordSpikes(name string, capacity int) *SpikeRecorder {
	if capacity < 0 {
		capacity = 0
	}
	return &SpikeRecorder{name: name, Events: make([]SpikeEvent, 0, capacity)}
}

// Begin resolves the state.
func (r *SpikeRecorder) Begin(s *Session, first, steps int) error {
	v, err := s.StateView(r.name)
	if err != nil {
		return err
	}
	r.view = v
	return nil
}

// Record appends the spikes of sample.
func (r *SpikeRecorder) Record(s *Session, sample int) error {
	if sample < r.next {
		return nil
	}
	r.next = sample + 1
	if r.view.F64 != nil {
		for i, x := range r.view.F64 {
			if x != 0 {
				r.Events = append(r.Events, SpikeEvent{Sample: int32(sample), Neuron: int32(i)})
			}
		}
		return nil
	}
	for i, x := range r.view.F32 {
		if x != 0 {
			r.Events = append(r.Events, SpikeEvent{Sample: int32(sample), Neuron: int32(i)})
		}
	}
	return nil
}

// StateRecorder stores a dense trace of chosen elements of a state,
// time-first: Data[k*len(Index)+j] is element Index[j] at sample First+k.
type StateRecorder struct {
	name  string
	Index []int
	First int       // the first sample recorded
	Data  []float64 // samples x len(Index), row-major
	view  View
	next  int
	begun bool
}

// RecordState returns a recorder of the elements idx of the state name.
func RecordState(name string, idx []int) *StateRecorder {
	return &StateRecorder{name: name, Index: append([]int(nil), idx...)}
}

// Samples returns the number of samples recorded.
func (r *StateRecorder) Samples() int {
	if len(r.Index) == 0 {
		return 0
	}
	return len(r.Data) / len(r.Index)
}

// Begin resolves the state, checks the indices and reserves room for the
// samples to come.
func (r *StateRecorder) Begin(s *Session, first, steps int) error {
	v, err := s.StateView(r.name)
	if err != nil {
		return err
	}
	size := len(v.F64) + len(v.F32)
	for _, i := range r.Index {
		if i < 0 || i >= size {
			return fmt.Errorf("session: RecordState %q: index %d out of range [0, %d)", r.name, i, size)
		}
	}
	r.view = v
	if !r.begun {
		r.First, r.next, r.begun = first, first, true
	}
	need := len(r.Data) + (steps+1)*len(r.Index)
	if cap(r.Data) < need {
		d := make([]float64, len(r.Data), need)
		copy(d, r.Data)
		r.Data = d
	}
	return nil
}

// Record appends sample's values.
func (r *StateRecorder) Record(s *Session, sample int) error {
	if sample < r.next {
		return nil
	}
	r.next = sample + 1
	if r.view.F64 != nil {
		for _, i := range r.Index {
			r.Data = append(r.Data, r.view.F64[i])
		}
		return nil
	}
	for _, i := range r.Index {
		r.Data = append(r.Data, float64(r.view.F32[i]))
	}
	return nil
}

// CountRecorder counts the nonzero elements of an output (such as the
// spikes drawn by a Poisson source) over all steps run.
type CountRecorder struct {
	name  string
	Count int64
	next  int
}

// CountNonzero returns a recorder counting the nonzero elements of the
// output name after each step.
func CountNonzero(name string) *CountRecorder { return &CountRecorder{name: name} }

// Begin checks that the output exists.
func (r *CountRecorder) Begin(s *Session, first, steps int) error {
	if _, ok := s.reads[r.name]; !ok {
		return fmt.Errorf("session: CountNonzero: %w: %q is not an output", ErrUnknownNode, r.name)
	}
	if r.next < first+1 {
		r.next = first + 1
	}
	return nil
}

// Record counts the output of the step that produced sample.
func (r *CountRecorder) Record(s *Session, sample int) error {
	if sample < r.next {
		return nil
	}
	r.next = sample + 1
	switch v := (*s.reads[r.name]).(type) {
	case *tensor.Dense:
		switch v.Dtype() {
		case tensor.Float64:
			for _, x := range v.Float64s() {
				if x != 0 {
					r.Count++
				}
			}
		case tensor.Float32:
			for _, x := range v.Float32s() {
				if x != 0 {
					r.Count++
				}
			}
		}
	case *gorgonia.F64:
		if *v != 0 {
			r.Count++
		}
	case *gorgonia.F32:
		if *v != 0 {
			r.Count++
		}
	default:
		return fmt.Errorf("session: CountNonzero %q: unexpected value %T", r.name, v)
	}
	return nil
}
