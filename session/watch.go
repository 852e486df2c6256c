package session

import (
	"errors"
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// NodeSink receives a watched node's values: values holds the node's
// elements in row-major order as float64 (one for a scalar), owned by the
// watcher and overwritten at the next record. An error stops the run.
// sim.TraceSink and sim's NPY sinks meet it.
type NodeSink interface {
	Sample(sample int, values []float64) error
}

// NodeWatcher is a Recorder that copies the value of any named node to a
// sink every few samples: tfdbg's watch, as a Brian2-style monitor.
type NodeWatcher struct {
	name  string
	every int
	sink  NodeSink
	buf   []float64
	next  int // the next sample that may be recorded
}

// WatchNode returns a recorder of the node name (on the lean executor any
// named node: a state, a next value, an input, a param, a constant or an
// output; on the tape machine those Value reads) every every steps
// (>= 1): it sends sink the samples k = every, 2·every, ... (k >= 1; the
// initial sample 0 is left out, as no step has computed a value yet).
// Record k holds what Value(name) returns after the step that produced
// sample k: a state its value at sample k, a computed node (a next value,
// an intermediate) the value that step computed from sample k−1, an
// input what was fed for that step. Begin checks the name and allocates;
// Record allocates nothing.
func WatchNode(name string, every int, sink NodeSink) (*NodeWatcher, error) {
	if every < 1 {
		return nil, fmt.Errorf("session: WatchNode %q: every = %d steps, want >= 1", name, every)
	}
	if sink == nil {
		return nil, fmt.Errorf("session: WatchNode %q: nil sink", name)
	}
	return &NodeWatcher{name: name, every: every, sink: sink}, nil
}

// Size returns the number of values of each record (0 before Begin).
func (w *NodeWatcher) Size() int { return len(w.buf) }

// Begin resolves the node and sizes the watcher's buffer.
func (w *NodeWatcher) Begin(s *Session, first, steps int) error {
	if w == nil {
		return errors.New("session: nil *NodeWatcher (use WatchNode)")
	}
	v, err := s.Value(w.name)
	if err != nil {
		return fmt.Errorf("session: WatchNode %q: %w", w.name, err)
	}
	if v == nil {
		return nil // a read of the tape machine before its first run: sized at the first record
	}
	return w.size(v)
}

func (w *NodeWatcher) size(v gorgonia.Value) error {
	n, err := valueSize(v)
	if err != nil {
		return fmt.Errorf("session: WatchNode %q: %w", w.name, err)
	}
	if len(w.buf) != n {
		w.buf = make([]float64, n)
	}
	return nil
}

// Record sends the node's value at sample when sample is a record's.
func (w *NodeWatcher) Record(s *Session, sample int) error {
	if w == nil {
		return errors.New("session: nil *NodeWatcher (use WatchNode)")
	}
	if sample < w.next || sample < 1 || sample%w.every != 0 {
		return nil
	}
	w.next = sample + 1
	v, err := s.Value(w.name)
	if err != nil {
		return fmt.Errorf("session: WatchNode %q: %w", w.name, err)
	}
	if w.buf == nil {
		if err := w.size(v); err != nil {
			return err
		}
	}
	if err := readValue(w.buf, v); err != nil {
		return fmt.Errorf("session: WatchNode %q: %w", w.name, err)
	}
	return w.sink.Sample(sample, w.buf)
}

func valueSize(v gorgonia.Value) (int, error) {
	switch x := v.(type) {
	case *tensor.Dense:
		return x.DataSize(), nil
	case *gorgonia.F64, *gorgonia.F32:
		return 1, nil
	}
	return 0, fmt.Errorf("cannot watch a %T", v)
}

// readValue copies v (len(dst) elements) into dst as float64.
func readValue(dst []float64, v gorgonia.Value) error {
	switch x := v.(type) {
	case *gorgonia.F64:
		dst[0] = float64(*x)
		return nil
	case *gorgonia.F32:
		dst[0] = float64(*x)
		return nil
	case *tensor.Dense:
		if x.DataSize() != len(dst) {
			return fmt.Errorf("%w: %d values, the watch holds %d", ErrShape, x.DataSize(), len(dst))
		}
		switch x.Dtype() {
		case tensor.Float64:
			copy(dst, x.Float64s())
			return nil
		case tensor.Float32:
			for i, f := range x.Float32s() {
				dst[i] = float64(f)
			}
			return nil
		}
	}
	return fmt.Errorf("cannot watch a %T (%v)", v, dtypeOf(v))
}
