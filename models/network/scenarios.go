package network

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/synapse"
)

// Kind is one of the built-in scenarios: an index into Scenarios().
type Kind int

// The scenarios, in the notebook's order.
const (
	Single Kind = iota + 1
	Synaptic
	Uncoupled
	Recurrent
	// Izhikevich2003 is the network of Izhikevich (2003), net.m (see izh2003.go).
	Izhikevich2003
	// Ring is the course's Step 5, the ring network of its 2013 edition
	// (see ring.go).
	Ring
)

// Scenario is an entry of the scenario table: a network built from parts,
// with the rules of its options. Each rule lives here only; Check applies
// them and returns *OptionError naming the option.
type Scenario struct {
	Kind    Kind
	Name    string   // the command line's name, e.g. "recurrent"
	Aliases []string // other names, e.g. "step4"
	Summary string   // one line for usage texts
	// MinN, MaxN and DefaultN bound the network's size; MaxN = 0 means a
	// fixed size of one neuron (the n option does not apply).
	MinN, MaxN, DefaultN int
	// DefaultDtMs is the time step when none is given; with FixedDt it is
	// the only one allowed.
	DefaultDtMs float64
	FixedDt     bool
	// FixedDtWhy says why the step is fixed.
	FixedDtWhy string
	// TauMs, when > 0, is the shortest synaptic time constant: dt must be
	// below it.
	TauMs float64
	// Notebook reports whether Options.Notebook applies (steps 1-4).
	Notebook bool
	// PRec reports whether Options.PRec (the recurrent connection
	// probability) applies.
	PRec bool
	// Semantics names the scheme the outputs follow: "course" or "net.m".
	Semantics string
	// Rhythm reports whether the scenario's rhythms matter (the command
	// line writes the population rate and its spectrum).
	Rhythm bool
	// MinDurationMs is the shortest run the scenario's analysis accepts.
	MinDurationMs float64

	build func(ctx context.Context, o Options) (*Net, error)
}

var scenarioTable = []Scenario{
	{Kind: Single, Name: "single", Aliases: []string{"step1"}, Summary: "one neuron, current step of 7 between 200 and 700 ms",
		DefaultDtMs: DefaultDtMs, Notebook: true, Semantics: "course", build: newCourse(Single)},
	{Kind: Synaptic, Name: "synaptic", Aliases: []string{"step2"}, Summary: "one neuron, 100 Poisson synapses at 2 Hz in that window",
		DefaultDtMs: DefaultDtMs, TauMs: TauGMs, Notebook: true, Semantics: "course", build: newCourse(Synaptic)},
	{Kind: Uncoupled, Name: "uncoupled", Aliases: []string{"step3"}, Summary: "n neurons (default 1000), 20% inhibitory, Poisson input",
		MinN: 1, MaxN: MaxUncoupledN, DefaultN: DefaultN, DefaultDtMs: DefaultDtMs, TauMs: TauGMs, Notebook: true, Semantics: "course", build: newCourse(Uncoupled)},
	{Kind: Recurrent, Name: "recurrent", Aliases: []string{"step4"}, Summary: "the same with recurrent conductance synapses",
		MinN: 1, MaxN: MaxUncoupledN, DefaultN: DefaultN, DefaultDtMs: DefaultDtMs, TauMs: TauGMs, Notebook: true, PRec: true, Semantics: "course", build: newCourse(Recurrent)},
	{Kind: Izhikevich2003, Name: "izhikevich2003", Summary: "Izhikevich's 2003 network of 1000 neurons (net.m)",
		MinN: 1, MaxN: MaxN, DefaultN: DefaultN, DefaultDtMs: Izh2003DtMs, FixedDt: true,
		FixedDtWhy: "net.m's thalamic noise is drawn per 1 ms step, so another dt would change the input",
		Semantics:  "net.m", Rhythm: true, MinDurationMs: RhythmMinDurationMs, build: newIzh2003},
	{Kind: Ring, Name: "ring", Aliases: []string{"step5"}, Summary: "the course's Step 5 ring network",
		MinN: MinRingN, MaxN: MaxN, DefaultN: DefaultN, DefaultDtMs: DefaultDtMs, TauMs: TauGMs, Semantics: "course", build: newRing},
}

// RhythmMinDurationMs is the shortest run whose rhythm analysis has a
// frequency bin in the alpha band (6-14 Hz, package analysis): a Welch
// segment of the whole run at 1 ms has bins 1000/T Hz apart, and the first
// falls at or below 14 Hz from T = 72 ms (13.9 Hz).
const RhythmMinDurationMs = 72

// Scenarios returns the scenario table in the notebook's order (a copy).
func Scenarios() []Scenario {
	out := make([]Scenario, len(scenarioTable))
	for i, s := range scenarioTable {
		s.Aliases = slices.Clone(s.Aliases)
		out[i] = s
	}
	return out
}

// Names returns every scenario name followed by every alias, for messages.
func Names() []string {
	var names, aliases []string
	for _, s := range scenarioTable {
		names = append(names, s.Name)
		aliases = append(aliases, s.Aliases...)
	}
	return append(names, aliases...)
}

// Lookup returns the scenario named name or one of its aliases; an unknown
// name is an *OptionError for "scenario" wrapping ErrUnknownScenario.
func Lookup(name string) (Scenario, error) {
	for _, s := range scenarioTable {
		if s.Name == name || slices.Contains(s.Aliases, name) {
			return s, nil
		}
	}
	return Scenario{}, &OptionError{Option: "scenario", Err: fmt.Errorf("%w %q (want %s)", ErrUnknownScenario, name, strings.Join(Names(), ", "))}
}

// ParseKind maps a scenario name or alias to its Kind.
func ParseKind(s string) (Kind, error) {
	sc, err := Lookup(s)
	return sc.Kind, err
}

// scenario returns k's table entry.
func (k Kind) scenario() (Scenario, bool) {
	if k < Single || int(k) > len(scenarioTable) {
		return Scenario{}, false
	}
	return scenarioTable[k-1], true
}

// String names the scenario as the command line does.
func (k Kind) String() string {
	if s, ok := k.scenario(); ok {
		return s.Name
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// HasN reports whether the scenario's size can be chosen.
func (k Kind) HasN() bool {
	s, _ := k.scenario()
	return s.MaxN > 0
}

// HasSynapses reports whether the scenario has conductance synapses (with
// the course's decay time TauGMs).
func (k Kind) HasSynapses() bool {
	s, _ := k.scenario()
	return s.TauMs > 0
}

// Options choose a scenario's size, step, dtype and randomness. The zero
// value of each field means the scenario's default.
type Options struct {
	Seed     uint64
	N        int          // neurons; 0 means the scenario's DefaultN
	DtMs     float64      // time step (ms); 0 means the scenario's DefaultDtMs
	Dtype    tensor.Dtype // float64 or float32; the zero value means float64
	Notebook bool         // follow the notebook's cells instead of the course
	Engine   Engine       // Fused (the zero value) or Fine: see Spec.Engine
	// Propagation is every projection's (see Projection.Propagation).
	Propagation Propagation
	// AllowUnstable runs a DtMs beyond the scenario's stability bound
	// (Scenario.MaxStableDtMs); see Spec.AllowUnstable.
	AllowUnstable bool
	// PRec is the recurrent connection probability, in (0, 1], where the
	// scenario takes it (Scenario.PRec); 0 means the course's (or the
	// notebook's).
	PRec float64
}

// ParseDtype returns the dtype named name ("float64" or "float32") for
// Options.Dtype; another name is an *OptionError for "dtype".
func ParseDtype(name string) (tensor.Dtype, error) {
	dt, err := graph.ParseDtype(name)
	if err != nil {
		return dt, optionf("dtype", "unknown %q (want float64 or float32)", name)
	}
	return dt, nil
}

// Check applies the scenario's rules to o and returns it with defaults
// filled in. A broken rule is an *OptionError naming the option ("n",
// "dt", "dtype", "notebook").
func (s Scenario) Check(o Options) (Options, error) {
	if o.PRec != 0 && !s.PRec {
		return o, optionf("p-rec", "does not apply to %s (recurrent only)", s.Name)
	}
	if o.PRec != 0 && !(o.PRec > 0 && o.PRec <= 1) {
		return o, optionf("p-rec", "%v must be in (0, 1]", o.PRec)
	}
	if o.Notebook && !s.Notebook {
		return o, optionf("notebook", "applies to the notebook's scenarios (steps 1-4), not %s", s.Name)
	}
	if o.DtMs == 0 {
		o.DtMs = s.DefaultDtMs
	}
	if !(o.DtMs > 0) || math.IsInf(o.DtMs, 0) {
		return o, optionf("dt", "%v ms must be a positive, finite number of ms", o.DtMs)
	}
	if s.FixedDt && o.DtMs != s.DefaultDtMs {
		return o, optionf("dt", "%v ms; %s runs at %v ms only (%s)", o.DtMs, s.Name, s.DefaultDtMs, s.FixedDtWhy)
	}
	if s.TauMs > 0 && o.DtMs >= s.TauMs {
		return o, optionf("dt", "%v ms must be below tau_g = %v ms (the conductance decay factor 1 - dt/tau_g would not be positive)", o.DtMs, s.TauMs)
	}
	if err := s.checkStable(o.DtMs); err != nil && !o.AllowUnstable {
		return o, &OptionError{Option: "dt", Err: err}
	}
	if o.Dtype == (tensor.Dtype{}) {
		o.Dtype = tensor.Float64
	}
	if o.Dtype != tensor.Float64 && o.Dtype != tensor.Float32 {
		return o, optionf("dtype", "%v (want float64 or float32)", o.Dtype)
	}
	if s.MaxN == 0 {
		if o.N != 0 && o.N != 1 {
			return o, optionf("n", "does not apply to %s (one neuron); got %d", s.Name, o.N)
		}
		o.N = 1
		return o, nil
	}
	if o.N == 0 {
		o.N = s.DefaultN
	}
	if o.N < s.MinN || o.N > s.MaxN {
		return o, optionf("n", "%d must be between %d and %d for %s", o.N, s.MinN, s.MaxN, s.Name)
	}
	if s.Kind == Recurrent {
		if o.Notebook && o.N > MaxN {
			return o, optionf("n", "%d: the notebook's recurrent run computes W·g densely, which takes n up to %d", o.N, MaxN)
		}
		p := o.RecProb()
		if syn := p * float64(o.N) * float64(o.N); syn > MaxSynapses {
			return o, optionf("n", "%d with a recurrent probability of %g draws about %.3g synapses, more than %.3g (about 12 bytes each); "+
				"a smaller p-rec keeps it in bounds (p-rec %.3g gives 100 synapses a neuron)", o.N, p, syn, float64(MaxSynapses), 100/float64(o.N))
		}
	}
	return o, nil
}

// RecProb returns the recurrent connection probability the options ask
// for: PRec, or else the course's RecProb (NotebookRecProb with Notebook).
func (o Options) RecProb() float64 {
	switch {
	case o.PRec != 0:
		return o.PRec
	case o.Notebook:
		return NotebookRecProb
	}
	return RecProb
}

// MaxStableDtMs returns the largest stable time step of the scenario's
// components (ms): izhikevich.MaxStableDtMs, and synapse.MaxStableDtMs of
// TauMs where it has conductance synapses. Check refuses a larger DtMs
// unless Options.AllowUnstable.
func (s Scenario) MaxStableDtMs() float64 {
	if s.TauMs > 0 {
		return math.Min(izhikevich.MaxStableDtMs, synapse.MaxStableDtMs(s.TauMs))
	}
	return izhikevich.MaxStableDtMs
}

// checkStable applies the components' stability bounds to dtMs: the
// models' own rules, before anything is built (Build applies them again
// through each model's Validate).
func (s Scenario) checkStable(dtMs float64) error {
	if err := graph.CheckStableDt("the Izhikevich neurons' step", dtMs, izhikevich.MaxStableDtMs,
		"forward Euler of v leaves its stable range near rest; Izhikevich's programs use at most 1 ms"); err != nil {
		return err
	}
	if s.TauMs > 0 {
		return graph.CheckStableDt("the conductance synapses' step", dtMs, synapse.MaxStableDtMs(s.TauMs),
			fmt.Sprintf("tau_g/2 with tau_g = %g ms: the Euler decay factor 1 - dt/tau_g stays >= 1/2", s.TauMs))
	}
	return nil
}

// Steps returns the number of steps of a run of durationMs at dtMs under
// the scenario's rules (see the package function Steps and MinDurationMs).
func (s Scenario) Steps(durationMs, dtMs float64) (int, error) {
	k, err := Steps(durationMs, dtMs)
	if err != nil {
		return 0, err
	}
	if durationMs < s.MinDurationMs {
		return 0, optionf("duration", "%v ms is shorter than the %v ms %s's analysis needs", durationMs, s.MinDurationMs, s.Name)
	}
	return k, nil
}

// Build checks o and builds the scenario.
func (s Scenario) Build(o Options) (*Net, error) { return s.BuildContext(context.Background(), o) }

// BuildContext is Build stopping early, with ctx's error wrapped, when ctx
// is done.
func (s Scenario) BuildContext(ctx context.Context, o Options) (*Net, error) {
	if s.build == nil {
		return nil, &OptionError{Option: "scenario", Err: fmt.Errorf("%w: the zero Scenario", ErrUnknownScenario)}
	}
	o, err := s.Check(o)
	if err != nil {
		return nil, err
	}
	net, err := s.build(ctx, o)
	if err != nil {
		return nil, err
	}
	net.Scenario = s
	return net, nil
}

// New builds scenario k (Lookup and Scenario.Build by kind).
func New(k Kind, o Options) (*Net, error) {
	s, ok := k.scenario()
	if !ok {
		return nil, &OptionError{Option: "scenario", Err: fmt.Errorf("%w %d", ErrUnknownScenario, int(k))}
	}
	return s.Build(o)
}

// Steps returns the number of steps in durationMs, which must be a whole
// number of steps of dt (to 1e-9 relative) and at least one step. Errors
// are *OptionError for "duration".
func Steps(durationMs, dtMs float64) (int, error) {
	if math.IsNaN(durationMs) || math.IsInf(durationMs, 0) || durationMs <= 0 {
		return 0, optionf("duration", "%v ms must be a positive, finite number of ms", durationMs)
	}
	if !(dtMs > 0) || math.IsInf(dtMs, 0) {
		return 0, optionf("dt", "%v ms must be a positive, finite number of ms", dtMs)
	}
	if durationMs < dtMs {
		return 0, optionf("duration", "%v ms is shorter than dt = %v ms", durationMs, dtMs)
	}
	x := durationMs / dtMs
	if x > math.MaxInt32 {
		return 0, optionf("duration", "%v ms is %.4g steps of dt = %v ms, more than the %d a run may take", durationMs, x, dtMs, math.MaxInt32)
	}
	k := math.Round(x)
	if math.Abs(x-k) > 1e-9*k {
		return 0, optionf("duration", "%v ms is not a whole number of steps of dt = %v ms (%v steps)", durationMs, dtMs, x)
	}
	return int(k), nil
}
