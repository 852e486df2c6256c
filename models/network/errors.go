package network

import (
	"errors"
	"fmt"

	"github.com/spikegraph/spikegraph/graph"
)

// OptionError is bad input to a scenario or a Spec: it names the option
// (a scenario option such as "n", "dt", "duration", "notebook", or a Spec
// field path such as "Projections[1].To") and says what is wrong. Find it
// with errors.As: the command line maps it to its usage exit status, and
// the option to its flag.
type OptionError struct {
	Option string // the option or field at fault
	Err    error  // what is wrong with it
}

// Error returns "network: OPTION: reason".
func (e *OptionError) Error() string { return "network: " + e.Option + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *OptionError) Unwrap() error { return e.Err }

// optionf returns an *OptionError for option with a formatted reason.
func optionf(option, format string, a ...any) error {
	return &OptionError{Option: option, Err: fmt.Errorf(format, a...)}
}

// wrapOption returns err as an *OptionError for option (an error that
// already is one keeps its own option, with option prefixed when it is a
// field path).
func wrapOption(option string, err error) error {
	if err == nil {
		return nil
	}
	var oe *OptionError
	if errors.As(err, &oe) {
		return &OptionError{Option: option + "." + oe.Option, Err: oe.Err}
	}
	return &OptionError{Option: option, Err: err}
}

// ErrUnknownScenario reports a scenario name that is not in the table.
var ErrUnknownScenario = errors.New("unknown scenario")

// UnstableError is graph.UnstableError: a time step beyond a component's
// stability bound, found with errors.As under an *OptionError for "dt".
type UnstableError = graph.UnstableError
