package sim

import (
	"context"
	"errors"
	"fmt"

	"github.com/spikegraph/spikegraph/models/network"
)

// Plan is a run of a built-in scenario whose options passed every rule of
// the scenario table; PlanScenario makes one, and nothing is built until
// Build or Run.
type Plan struct {
	Scenario   network.Scenario // the scenario's table entry (its canonical Name, not an alias)
	Options    network.Options  // with the scenario's defaults filled in
	DurationMs float64          // simulated time (ms), a whole number of steps
	Steps      int              // DurationMs / Options.DtMs
}

// PlanScenario checks a run of durationMs of the scenario named name (or
// an alias) with options o: network.Lookup, Scenario.Check and
// Scenario.Steps. Every broken rule is a *network.OptionError naming the
// option ("scenario", "n", "dt", "duration", "notebook", "dtype").
func PlanScenario(name string, o network.Options, durationMs float64) (Plan, error) {
	sc, err := network.Lookup(name)
	if err != nil {
		return Plan{}, err
	}
	o, err = sc.Check(o)
	if err != nil {
		return Plan{}, err
	}
	steps, err := sc.Steps(durationMs, o.DtMs)
	if err != nil {
		return Plan{}, err
	}
	return Plan{Scenario: sc, Options: o, DurationMs: durationMs, Steps: steps}, nil
}

// Build builds the scenario. Its Network declares the monitors
// network.MonitorSpikes, network.MonitorV and, with a Poisson input,
// network.MonitorInput.
func (p Plan) Build() (*network.Net, error) { return p.BuildContext(context.Background()) }

// BuildContext is Build stopping early, with ctx's error wrapped, when ctx
// is done (drawing a large network's synapses takes seconds).
func (p Plan) BuildContext(ctx context.Context) (*network.Net, error) {
	if p.Scenario.Name == "" {
		return nil, errors.New("sim: the zero Plan (make one with PlanScenario)")
	}
	net, err := p.Scenario.BuildContext(ctx, p.Options)
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	return net, nil
}

// Run checks opts, builds the scenario and runs it for p.Steps steps (see
// Run for the Result and the errors).
func (p Plan) Run(ctx context.Context, opts ...Option) (*network.Net, *Result, error) {
	if _, err := newConfig(opts); err != nil {
		return nil, nil, err
	}
	net, err := p.BuildContext(ctx)
	if err != nil {
		return nil, nil, err
	}
	res, err := Run(ctx, net.Network, p.Steps, opts...)
	return net, res, err
}

// RunScenario runs durationMs of the scenario named name with options o:
// PlanScenario, then Plan.Run. Bad options are *network.OptionError,
// returned before anything is built.
func RunScenario(ctx context.Context, name string, o network.Options, durationMs float64, opts ...Option) (*network.Net, *Result, error) {
	p, err := PlanScenario(name, o, durationMs)
	if err != nil {
		return nil, nil, err
	}
	return p.Run(ctx, opts...)
}
