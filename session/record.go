package session

import (
	"errors"
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
	view   *View
	next   int // the next sample to record
}

// maxSpikePrealloc bounds the events RecordSpikes reserves up front
// (2^26 events, 512 MiB); the slice grows beyond it as needed.
const maxSpikePrealloc = 1 << 26

// maxTrace bounds the values a StateRecorder may need for one Steps call
// (2^40 float64 values, 8 TiB): a larger trace cannot be held by any machine,
// and make would panic on it.
const maxTrace = 1 << 40

// RecordSpikes returns a recorder of the state name. capacity preallocates
// room for that many events, at most 2^26 (the slice grows beyond it if
// needed); a negative capacity reserves none.
func RecordSpikes(name string, capacity int) *SpikeRecorder {
	capacity = min(max(capacity, 0), maxSpikePrealloc)
	return &SpikeRecorder{name: name, Events: make([]SpikeEvent, 0, capacity)}
}

// Begin resolves the state.
func (r *SpikeRecorder) Begin(s *Session, first, steps int) error {
	if r == nil {
		return errors.New("session: nil *SpikeRecorder (use RecordSpikes)")
	}
	v, err := s.StateRef(r.name)
	if err != nil {
		return err
	}
	r.view = v
	return nil
}

// Record appends the spikes of sample. It is an error before Begin.
func (r *SpikeRecorder) Record(s *Session, sample int) error {
	if r == nil {
		return errors.New("session: nil *SpikeRecorder (use RecordSpikes)")
	}
	if r.view == nil || (r.view.F64 == nil && r.view.F32 == nil) {
		return fmt.Errorf("session: RecordSpikes %q: Record before Begin", r.name)
	}
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
	view  *View
	next  int
	begun bool
}

// RecordState returns a recorder of the elements idx of the state name.
func RecordState(name string, idx []int) *StateRecorder {
	return &StateRecorder{name: name, Index: append([]int(nil), idx...)}
}

// Samples returns the number of samples recorded (0 for a nil recorder).
func (r *StateRecorder) Samples() int {
	if r == nil || len(r.Index) == 0 {
		return 0
	}
	return len(r.Data) / len(r.Index)
}

// Begin resolves the state, checks the indices and reserves room for the
// samples to come. More than 2^40 values for one call is an error.
func (r *StateRecorder) Begin(s *Session, first, steps int) error {
	if r == nil {
		return errors.New("session: nil *StateRecorder (use RecordState)")
	}
	v, err := s.StateRef(r.name)
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
	if steps < 0 {
		return fmt.Errorf("session: RecordState %q: steps = %d must be >= 0", r.name, steps)
	}
	if len(r.Index) > 0 && steps >= maxTrace/len(r.Index) {
		return fmt.Errorf("session: RecordState %q: %d steps of %d values exceed 2^40 values", r.name, steps, len(r.Index))
	}
	need := len(r.Data) + (steps+1)*len(r.Index)
	if cap(r.Data) < need {
		d := make([]float64, len(r.Data), need)
		copy(d, r.Data)
		r.Data = d
	}
	return nil
}

// Record appends sample's values. It is an error before Begin.
func (r *StateRecorder) Record(s *Session, sample int) error {
	if r == nil {
		return errors.New("session: nil *StateRecorder (use RecordState)")
	}
	if !r.begun {
		return fmt.Errorf("session: RecordState %q: Record before Begin", r.name)
	}
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
	if r == nil {
		return errors.New("session: nil *CountRecorder (use CountNonzero)")
	}
	if err := s.usable(); err != nil {
		return err
	}
	if _, ok := s.reads[r.name]; !ok {
		return fmt.Errorf("session: CountNonzero: %w: %q is not an output", ErrUnknownNode, r.name)
	}
	if r.next < first+1 {
		r.next = first + 1
	}
	return nil
}

// Record counts the output of the step that produced sample. It is an
// error before Begin.
func (r *CountRecorder) Record(s *Session, sample int) error {
	if r == nil {
		return errors.New("session: nil *CountRecorder (use CountNonzero)")
	}
	if r.next == 0 {
		return fmt.Errorf("session: CountNonzero %q: Record before Begin", r.name)
	}
	if sample < r.next {
		return nil
	}
	if err := s.usable(); err != nil {
		return err
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
