package graph

import (
	"errors"
	"fmt"
)

// InputWriter writes a step's values into a graph's inputs; a session
// implements it.
type InputWriter interface {
	// SetInput copies values (row-major; a single value fills the input)
	// into the input name, converting them to the graph's dtype.
	SetInput(name string, values []float64) error
	// FillInput sets every element of the input name to x.
	FillInput(name string, x float64) error
}

// Feeder supplies the inputs of each step, like the feed_dict of a TF loop.
// Feed must depend only on step and the feeder's own fixed fields, so that a
// run split into several calls feeds the same values.
type Feeder interface {
	Feed(step int, w InputWriter) error
}

// Feeders runs several feeders in order.
type Feeders []Feeder

// Feed calls each feeder. A nil feeder or a nil w is an error.
func (fs Feeders) Feed(step int, w InputWriter) error {
	if w == nil && len(fs) > 0 {
		return errors.New("graph: Feeders.Feed: nil InputWriter")
	}
	for i, f := range fs {
		if f == nil {
			return fmt.Errorf("graph: Feeders[%d] is nil", i)
		}
		if err := f.Feed(step, w); err != nil {
			return err
		}
	}
	return nil
}
