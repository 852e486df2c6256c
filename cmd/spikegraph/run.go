package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/plot"
	"github.com/spikegraph/spikegraph/sim"
)

// runConfig is a `run` or `graph` command line whose scenario options
// passed the scenario table's rules.
type runConfig struct {
	plan    sim.Plan
	guard   bool     // --guard (or --allow-unstable): check the states after every step
	watch   []string // --watch: node names, in order
	every   int      // --every in steps (1 without it)
	memory  int64    // --max-memory in bytes; 0: the machine's limit
	out     string   // the parent of the run folders
	name    string   // the run folder's name; "" for a time stamp
	format  string   // graph only
	scope   string   // graph only: --scope
	depth   int      // graph only: --depth
	profile bool     // run only: --profile (or --report)
	report  bool     // run only: --report
	command string   // the command line, for summary.json
}

// runFlagsHelp is the flags part of `run -h` and `graph -h`; the rules of
// each scenario come from the scenario table.
func runFlagsHelp() string {
	return `Flags:
  --seed N          random seed (default 1)
  --duration MS     simulated time in ms, a whole number of steps (default 1000)
  --dt MS           time step in ms (default: the scenario's, below)
  --n N             neurons, where the scenario's size can be chosen (below)
  --dtype T         float64 or float32 (default float64; float32 with --notebook)
  --notebook        follow the notebook's cells instead of the course (see README)
  --out DIR         parent of the run folders (default out/SCENARIO): each run
                    writes DIR/<time stamp>-seed<N>/ and DIR/latest points to
                    the newest complete one
  --name NAME       the run folder's name instead of the time stamp
  --p-rec P         recurrent only: connection probability (default the
                    course's 0.1; e.g. 100/n keeps 100 synapses a neuron,
                    as n = 1e5 or 1e6 needs)
  --synapses S      auto, dense or event (default auto: event-driven for
                    projections of 65,536 pairs or more, dense below and for
                    --notebook); written into summary.json. Projections of
                    more than 2^24 pairs keep their weights sparse (never a
                    dense matrix), except with --notebook
  --max-memory SIZE refuse a run whose estimated peak memory exceeds SIZE
                    (e.g. 4G, 512M; default the lower of the memory available
                    and the cgroup limit)
  --engine E        fused (default: one op per population and projection) or
                    fine (gorgonia primitives, the graph to inspect); both
                    compute the same values
  --allow-unstable  run a --dt beyond the models' stability bound (below;
                    the README derives each bound) instead of refusing it;
                    turns --guard on (unless --guard=false)
  --watch N[,N...]  record the named nodes (any name of "spikegraph graph
                    SCENARIO": states, next values, inputs, outputs such as
                    syn_in/I) into watch/<file>.npy, [records, shape...],
                    where '/' becomes "__", ':' becomes "--" and a '_'
                    before '_', '/' or ':' becomes "_-" (net/v:next ->
                    watch/net__v--next.npy); streamed to disk
  --every MS        with --watch: record every MS ms, a whole number of
                    steps (default every step); record k is after step
                    k*MS/dt
  --guard           after every step, stop the run when a state is not
                    finite or leaves its physical range (e.g. v below
                    -150 mV): exit 1, status "diverged", the error names
                    the state, step, time and neuron (off by default: it
                    costs more than 5 % of a step, see README)
  --profile         run only: time every op (every fused op on the fused
                    engine) over the run; print them slowest first with
                    their share and calls, and write profile.json
  --report          run only: write report.html, one self-contained page
                    (parameters, statistics, raster, traces, population
                    rate, rate histograms, the graph, the profile); implies
                    --profile

` + scenarioRules()
}

// scenarioRules lists each scenario's n, dt and --notebook rules.
func scenarioRules() string {
	var b strings.Builder
	b.WriteString("Scenario rules:\n")
	for _, s := range network.Scenarios() {
		n := "1 neuron"
		if s.MaxN > 0 {
			n = fmt.Sprintf("n %d..%d (default %d)", s.MinN, s.MaxN, s.DefaultN)
		}
		dt := fmt.Sprintf("dt %g ms", s.DefaultDtMs)
		switch {
		case s.FixedDt:
			dt += " only"
		case s.TauMs > 0:
			dt += fmt.Sprintf(", below tau_g = %g ms", s.TauMs)
		}
		if !s.FixedDt {
			dt += fmt.Sprintf(", stable to %g ms", s.MaxStableDtMs())
		}
		if s.Notebook {
			dt += "; --notebook"
		}
		if s.PRec {
			dt += fmt.Sprintf("; --p-rec (p·n² at most %.0e synapses; n up to %d with --notebook)", float64(network.MaxSynapses), network.MaxN)
		}
		if s.MinDurationMs > 0 {
			dt += fmt.Sprintf("; at least %g ms", s.MinDurationMs)
		}
		fmt.Fprintf(&b, "  %-15s %-28s %s\n", s.Name, n, dt)
	}
	return b.String()
}

// scenarioList is the usage text's list of scenarios, from the table.
func scenarioList() string {
	var b strings.Builder
	for _, s := range network.Scenarios() {
		alias := ""
		if len(s.Aliases) > 0 {
			alias = " (alias " + strings.Join(s.Aliases, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-14s %s%s\n", s.Name, s.Summary, alias)
	}
	return b.String()
}

// parseRun parses `run` (or `graph`, with --format) arguments: the
// scenario and flags in any order, each flag at most once. Every scenario
// rule is checked by sim.PlanScenario before anything is built or written;
// a broken one is a *network.OptionError.
func parseRun(cmd string, args []string) (*runConfig, error) {
	fs := newFlagSet(cmd)
	seed := fs.Uint64("seed", 1, "")
	duration := fs.Float64("duration", 1000, "")
	dt := fs.Float64("dt", 0, "")
	n := fs.Int("n", 0, "")
	dtype := fs.String("dtype", "float64", "")
	notebook := fs.Bool("notebook", false, "")
	out := fs.String("out", "", "")
	name := fs.String("name", "", "")
	format := fs.String("format", "names", "")
	synapses := fs.String("synapses", "auto", "")
	maxMemory := fs.String("max-memory", "", "")
	pRec := fs.Float64("p-rec", 0, "")
	engine := fs.String("engine", "fused", "")
	scope := fs.String("scope", "", "")
	depth := fs.Int("depth", 0, "")
	profile := fs.Bool("profile", false, "")
	report := fs.Bool("report", false, "")
	allowUnstable := fs.Bool("allow-unstable", false, "")
	guard := fs.Bool("guard", false, "")
	watchList := fs.String("watch", "", "")
	everyMs := fs.Float64("every", 0, "")
	pos, set, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) == 0 {
		return nil, usagef("missing SCENARIO (want %s)", strings.Join(network.Names(), ", "))
	}
	if len(pos) > 1 {
		return nil, usagef("unexpected argument %q (one SCENARIO only)", pos[1])
	}
	scenario := pos[0]
	for _, f := range []string{"format", "scope", "depth"} {
		if cmd != "graph" && set[f] {
			return nil, usagef("--%s: applies to the graph command only", f)
		}
	}
	for _, f := range []string{"profile", "report"} {
		if cmd != "run" && set[f] {
			return nil, usagef("--%s: applies to the run command only", f)
		}
	}
	if *depth < 0 {
		return nil, usagef("--depth: %d (want 1 or more levels, or 0 for every level)", *depth)
	}
	if cmd == "graph" && !set["engine"] {
		*engine = "fine" // the graph to inspect is the fine-grained one, the truth
	}
	if cmd == "graph" && (set["out"] || set["name"]) {
		return nil, usagef("--out and --name: the graph command writes nothing (it prints)")
	}
	if set["out"] && *out == "" {
		return nil, usagef("--out: empty directory name")
	}
	if set["name"] {
		if err := outdir.CheckRunName(*name); err != nil {
			return nil, usagef("--name: %v", err)
		}
	}
	// The library reads a zero N or DtMs as "the scenario's default"; a
	// flag given as 0 asks for no default.
	if set["n"] && *n == 0 {
		return nil, &network.OptionError{Option: "n", Err: errors.New("0 neurons (leave --n out for the scenario's default)")}
	}
	if set["dt"] && *dt == 0 {
		return nil, &network.OptionError{Option: "dt", Err: errors.New("0 ms (leave --dt out for the scenario's default)")}
	}
	dtName := *dtype
	if *notebook && !set["dtype"] {
		dtName = "float32" // the notebook ran in float32
	}
	if set["p-rec"] && *pRec == 0 {
		return nil, &network.OptionError{Option: "p-rec", Err: errors.New("0 (leave --p-rec out for the course's 0.1)")}
	}
	o := network.Options{Seed: *seed, N: *n, DtMs: *dt, Notebook: *notebook, PRec: *pRec, AllowUnstable: *allowUnstable}
	if o.Dtype, err = network.ParseDtype(dtName); err != nil {
		return nil, err
	}
	if o.Propagation, err = network.ParsePropagation(*synapses); err != nil {
		return nil, err
	}
	if o.Engine, err = network.ParseEngine(*engine); err != nil {
		return nil, err
	}
	plan, err := sim.PlanScenario(scenario, o, *duration)
	if err != nil {
		return nil, err
	}
	var memory int64
	if set["max-memory"] {
		if memory, err = parseBytes(*maxMemory); err != nil {
			return nil, usagef("--max-memory: %v", err)
		}
	}
	if cmd == "graph" && !slices.Contains(graphFormats, *format) {
		return nil, usagef("--format: unknown %q (want %s)", *format, strings.Join(graphFormats, ", "))
	}
	if cmd == "graph" && set["guard"] {
		return nil, usagef("--guard: applies to the run command only")
	}
	if cmd == "graph" && (set["watch"] || set["every"]) {
		return nil, usagef("--watch and --every: apply to the run command only")
	}
	watch, every, err := parseWatch(*watchList, set["watch"], *everyMs, set["every"], plan)
	if err != nil {
		return nil, err
	}
	if !set["guard"] {
		*guard = *allowUnstable // --allow-unstable runs guarded unless --guard=false
	}
	c := &runConfig{plan: plan, memory: memory, guard: *guard, watch: watch, every: every, out: *out, name: *name, format: *format,
		scope: *scope, depth: *depth, profile: *profile || *report, report: *report,
		command: strings.Join(append([]string{"spikegraph", cmd}, args...), " ")}
	if c.out == "" {
		c.out = filepath.Join("out", plan.Scenario.Name)
	}
	return c, nil
}

// parseWatch checks --watch (comma-separated node names, each once; the
// graph checks that they exist once it is built) and --every (a whole
// number of steps, at most the run) and returns the names and the steps
// between records.
func parseWatch(list string, listSet bool, everyMs float64, everySet bool, p sim.Plan) ([]string, int, error) {
	if everySet && !listSet {
		return nil, 0, usagef("--every: applies with --watch only")
	}
	if !listSet {
		return nil, 1, nil
	}
	var names []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, 0, usagef("--watch: an empty name in %q (want NAME[,NAME...])", list)
		}
		if slices.Contains(names, n) {
			return nil, 0, usagef("--watch: %q given twice", n)
		}
		names = append(names, n)
	}
	every := 1
	if everySet {
		k, err := network.Steps(everyMs, p.Options.DtMs)
		if err != nil {
			return nil, 0, usagef("--every: %v ms must be a whole number of steps of dt = %v ms, at least one", everyMs, p.Options.DtMs)
		}
		if k > p.Steps {
			return nil, 0, usagef("--every: %v ms is longer than the run (%v ms)", everyMs, p.DurationMs)
		}
		every = k
	}
	return names, every, nil
}

// watchFile is the file of the watched node name in the run's folder:
// "watch/" + name + ".npy" with '/' written "__", ':' written "--" and a
// '_' that comes before '_', '/' or ':' written "_-". Node names hold
// letters, digits, '_', '.', '/' and ':' only, so the file names are
// plain, and one to one with the names: reading left to right, "__" is
// '/', "_-" is '_', any other '_' is '_', and "--" is ':'
// (net/v:next -> watch/net__v--next.npy, syn_in/I -> watch/syn_in__I.npy).
func watchFile(name string) string {
	var b strings.Builder
	b.WriteString("watch/")
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '/':
			b.WriteString("__")
		case ':':
			b.WriteString("--")
		case '_':
			b.WriteByte('_')
			if i+1 < len(name) && strings.IndexByte("_/:", name[i+1]) >= 0 {
				b.WriteByte('-')
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(".npy")
	return b.String()
}

// summary is summary.json (outdir.Finish adds "status" first). The keys
// listed in the README never change name.
type summary struct {
	RunID   string `json:"run_id"`
	Version string `json:"version"`
	Command string `json:"command"`
	Error   string `json:"error,omitempty"` // why a run that is not complete stopped
	Engine  string `json:"engine"`          // fused or fine
	// Synapses is each projection's propagation (dense or event), by name.
	Synapses     map[string]string `json:"synapses"`
	Scenario     string            `json:"scenario"`
	Semantics    string            `json:"semantics"`
	N            int               `json:"n"`
	NExc         int               `json:"n_exc"`
	NInh         int               `json:"n_inh"`
	DtMs         float64           `json:"dt_ms"`
	DurationMs   float64           `json:"duration_ms"`
	Steps        int               `json:"steps"`         // steps run
	StepsPlanned int               `json:"steps_planned"` // steps asked for (duration / dt)
	Seed         uint64            `json:"seed"`
	Dtype        string            `json:"dtype"`
	Spikes       int               `json:"spikes"`
	SpikesExc    int               `json:"spikes_exc"`
	SpikesInh    int               `json:"spikes_inh"`
	RateExcHz    *float64          `json:"rate_exc_hz"`
	RateInhHz    *float64          `json:"rate_inh_hz"`
	InputSpikes  int64             `json:"input_spikes"`
	WallS        float64           `json:"wall_s"`
	StepsPerS    float64           `json:"steps_per_s"`
	Recorded     []int             `json:"recorded_neurons"`
	Files        []string          `json:"files"`
	// Rhythm is the spectrum peaks of a scenario whose rhythms matter
	// (izhikevich2003; see rate.csv, spectrum.csv).
	Rhythm *rhythm `json:"rhythm,omitempty"`
}

// formatMs prints a time k*dt with 12 significant digits, so that
// 3*0.1 prints as 0.3.
func formatMs(t float64) string { return strconv.FormatFloat(t, 'g', 12, 64) }

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseRun("run", args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, "Usage: spikegraph run SCENARIO [flags]\n\n"+runFlagsHelp()+"\n"+exitStatusText)
		return exitOK
	}
	if err != nil {
		return report(stderr, "run", err)
	}
	if err := checkMemory(c.plan, c.memory); err != nil {
		return report(stderr, "run", err)
	}
	if err := checkDisk(c.plan, c.out); err != nil {
		return report(stderr, "run", err)
	}
	// Every rule has been checked: only now does the run get its folder.
	od, err := outdir.Begin(c.out, c.name, c.plan.Options.Seed, c.command, versionString())
	if err != nil {
		return report(stderr, "run", outError(err))
	}
	sum := &summary{RunID: od.ID(), Version: versionString(), Command: c.command, Scenario: c.plan.Scenario.Name,
		Semantics: c.plan.Scenario.Semantics, DtMs: c.plan.Options.DtMs, DurationMs: c.plan.DurationMs,
		StepsPlanned: c.plan.Steps, Seed: c.plan.Options.Seed, Dtype: c.plan.Options.Dtype.String(), N: c.plan.Options.N,
		Engine: c.plan.Options.Engine.String()}
	if c.plan.Options.Notebook {
		sum.Semantics = "notebook"
	}
	in := &inspect{profile: c.profile, report: c.report}
	err = simulate(ctx, stderr, c, od, sum, in)
	status := statusOf(err)
	if err != nil {
		sum.Error = err.Error()
	}
	sum.Files = od.Files()
	if ferr := od.Finish(status, sum); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "spikegraph run: the run's folder %s says %q\n", od.Dir(), status)
		return report(stderr, "run", err)
	}
	printSummary(stdout, sum, od.Dir())
	in.print(stdout)
	return exitOK
}

// gcPercent is the collector's target: the heap may grow 25 % over the
// live data instead of Go's default 100 %, which cuts a large run's peak by
// a third at no measurable cost in speed (package sim's memory model).
const gcPercent = 25

// checkMemory sets the collector's targets and refuses a run whose
// estimated peak exceeds the limit: maxBytes when given (--max-memory),
// else the lower of the memory available and the cgroup limit. It runs
// before anything is allocated; a refusal is a usage error that gives the
// estimate and the limit.
func checkMemory(p sim.Plan, maxBytes int64) error {
	debug.SetGCPercent(gcPercent)
	limit, source := maxBytes, "--max-memory"
	if limit == 0 {
		var err error
		if limit, source, err = sim.MemoryLimit(); err != nil {
			return nil // no limit known (not Linux): nothing to check against
		}
	}
	debug.SetMemoryLimit(limit)
	if err := p.CheckMemory(limit, source); err != nil {
		var me *sim.MemoryError
		if errors.As(err, &me) {
			return usagef("%v (use a smaller --n, or --max-memory if more memory is there)", err)
		}
		return err
	}
	return nil
}

// checkDisk refuses a run whose streamed outputs cannot fit on the file
// system of out: v.npy takes 8 bytes per recorded neuron and sample (a
// single neuron for 1e9 ms at 0.5 ms: 16 GB), spikes.csv about 12 bytes a
// spike (estimated at 100 Hz per neuron, far above the scenarios' rates).
func checkDisk(p sim.Plan, out string) error {
	need := outputBytes(p)
	free, err := freeBytes(out)
	if err != nil {
		return nil // no figure to check against
	}
	if need > free {
		return usagef("--duration: the run's outputs need about %s (v.npy and spikes.csv), the file system of %s has %s free", sim.FormatBytes(need), out, sim.FormatBytes(free))
	}
	return nil
}

// outputBytes estimates the size of a run's streamed outputs.
func outputBytes(p sim.Plan) int64 {
	samples := float64(p.Steps + 1)
	traced := 5.0 // network.Net.Record: three excitatory and two inhibitory neurons
	if p.Options.N <= 1 {
		traced = 1
	}
	spikes := float64(p.Options.N) * 100 * p.DurationMs / 1000
	return int64(samples*traced*8 + spikes*12)
}

// freeBytes returns the space free to this user on the file system that
// holds path or, when path does not exist yet, its nearest existing parent.
func freeBytes(path string) (int64, error) {
	dir := filepath.Clean(path)
	for {
		var st syscall.Statfs_t
		err := syscall.Statfs(dir, &st)
		if err == nil {
			return int64(st.Bavail) * st.Bsize, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir || !errors.Is(err, syscall.ENOENT) {
			return 0, err
		}
		dir = parent
	}
}

// parseBytes reads a size: a whole number of bytes, or with a suffix
// k, M, G, T (powers of 1024; "KiB", "MB" and so on are read alike).
func parseBytes(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"), "I")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || !(x > 0) || x*float64(mult) >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size (want e.g. 4G, 512M or a number of bytes)", s)
	}
	return int64(x * float64(mult)), nil
}

// simulate builds and runs the scenario, streaming its spikes and traces
// into the run's folder as it goes, so that memory does not grow with the
// duration; a complete run then draws its figures from those files. It
// fills sum with what it knows, also when it stops early: the data
// written so far stay valid (spikes.csv to its last spike, v.npy with the
// samples taken).
func simulate(ctx context.Context, stderr io.Writer, c *runConfig, od *outdir.Run, sum *summary, in *inspect) error {
	p := c.plan
	phase(ctx, "build")
	net, err := p.BuildContext(ctx)
	if err != nil {
		return err
	}
	st, opts, err := openStreams(od, p, net)
	if err != nil {
		return err
	}
	wopts, err := st.openWatches(ctx, od, c, net)
	if err != nil {
		_ = st.finish()
		return err
	}
	opts = append(opts, wopts...)
	show, clearLine := progress(stderr, "steps")
	if show != nil {
		opts = append(opts, sim.WithProgress(show))
	}
	opts = append(opts, in.options()...)
	if c.guard {
		opts = append(opts, sim.WithGuard())
	}
	phase(ctx, "simulate")
	res, err := sim.Run(ctx, net.Network, p.Steps, opts...)
	clearLine()
	if ferr := st.finish(); err == nil {
		err = ferr
	}
	if res == nil {
		return err
	}
	fill(sum, net, res)
	if err != nil {
		return err
	}
	phase(ctx, "write")
	if err := st.figures(ctx, od, p, net, res, sum); err != nil {
		return err
	}
	return in.write(ctx, od, p, net, res, sum)
}

// streams are the files a run writes as it goes and their sinks.
type streams struct {
	spikesF, vF *os.File
	spikes      *sim.CSVSpikeSink
	v           *sim.NPYTraceSink
	rate        *sim.RateSink // scenarios whose rhythm matters
	watchF      []*os.File    // --watch: watch/<file>.npy
	watch       []*sim.NPYTraceSink
	finished    bool
}

// openWatches creates the file of each --watch node (see watchFile) and
// returns the options that stream the nodes into them. A name the graph
// does not hold is a usage error naming the closest names, or the engine
// that has it; so is a watch whose files would not fit on the disk.
func (st *streams) openWatches(ctx context.Context, od *outdir.Run, c *runConfig, net *network.Net) ([]sim.Option, error) {
	rows := c.plan.Steps / c.every
	var need int64
	shapes := make([][]int, len(c.watch))
	for i, name := range c.watch {
		shape, err := c.plan.WatchShape(ctx, net, name)
		if err != nil {
			if errors.Is(err, sim.ErrUnknownNode) {
				return nil, usagef("--watch: %v", err)
			}
			return nil, err
		}
		size := int64(1)
		for _, d := range shape {
			size *= int64(d)
		}
		need += 8 * size * int64(rows)
		shapes[i] = shape
	}
	if free, err := freeBytes(od.Dir()); err == nil && need > free {
		return nil, usagef("--watch: the watched nodes need about %s, the file system of %s has %s free (use --every)", sim.FormatBytes(need), od.Dir(), sim.FormatBytes(free))
	}
	var opts []sim.Option
	for i, name := range c.watch {
		f, err := od.Create(watchFile(name))
		if err != nil {
			return nil, err
		}
		st.watchF = append(st.watchF, f)
		sink, err := sim.NewNPYArraySink(f, shapes[i], rows, c.every)
		if err != nil {
			return nil, err
		}
		st.watch = append(st.watch, sink)
		opts = append(opts, sim.WithWatch(name, c.every, sink))
	}
	return opts, nil
}

// openStreams creates spikes.csv and v.npy in the run's folder and returns
// the sim options that send the scenario's monitors into them.
func openStreams(od *outdir.Run, p sim.Plan, net *network.Net) (*streams, []sim.Option, error) {
	st := &streams{}
	var err error
	if st.spikesF, err = od.Create("spikes.csv"); err != nil {
		return nil, nil, err
	}
	if st.spikes, err = sim.NewCSVSpikeSink(st.spikesF, p.Options.DtMs); err != nil {
		return nil, nil, err
	}
	if st.vF, err = od.Create("v.npy"); err != nil {
		return nil, nil, err
	}
	if st.v, err = sim.NewNPYTraceSink(st.vF, len(net.Record), p.Steps+1); err != nil {
		return nil, nil, err
	}
	var spikes sim.SpikeSink = st.spikes
	if p.Scenario.Rhythm {
		st.rate = sim.NewRateSink(p.Steps + 1)
		if spikes, err = sim.MultiSpikeSink(st.spikes, st.rate); err != nil {
			return nil, nil, err
		}
	}
	return st, []sim.Option{sim.WithSpikeSink(network.MonitorSpikes, spikes), sim.WithTraceSink(network.MonitorV, st.v)}, nil
}

// finish flushes spikes.csv, gives v.npy its final header and closes both.
func (st *streams) finish() error {
	if st.finished {
		return nil
	}
	st.finished = true
	err := st.spikes.Flush()
	if e := st.v.Finish(); err == nil {
		err = e
	}
	for _, w := range st.watch {
		if e := w.Finish(); err == nil {
			err = e
		}
	}
	for _, f := range append([]*os.File{st.spikesF, st.vF}, st.watchF...) {
		if e := f.Close(); err == nil {
			err = e
		}
	}
	if err != nil {
		return fmt.Errorf("writing spikes.csv, v.npy and the watches: %w", err)
	}
	return nil
}

// fill copies a run's counts and rates into sum.
func fill(sum *summary, net *network.Net, res *sim.Result) {
	pop, _ := res.Population("net")
	sum.N, sum.NExc, sum.NInh = pop.N, pop.NExc, pop.NInh
	sum.Synapses = map[string]string{}
	for _, pr := range net.Network.Projections {
		sum.Synapses[pr.Name] = pr.Propagation.String()
	}
	sum.DtMs, sum.Steps = res.DtMs, res.Steps
	sum.Spikes, sum.SpikesExc, sum.SpikesInh = pop.Spikes, pop.SpikesExc, pop.SpikesInh
	sum.RateExcHz, sum.RateInhHz = pop.RateExcHz, pop.RateInhHz
	sum.InputSpikes, sum.Recorded = res.Counts[network.MonitorInput], net.Record
	sum.WallS = res.Wall.Seconds()
	if res.Steps > 0 && sum.WallS > 0 {
		sum.StepsPerS = float64(res.Steps) / sum.WallS
	}
}

// figures draws a complete run's figure from the streamed files (in
// constant memory) and its rhythm, looking at ctx before each.
func (st *streams) figures(ctx context.Context, od *outdir.Run, p sim.Plan, net *network.Net, res *sim.Result, sum *summary) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing the figures: %w", err)
	}
	if net.N == 1 {
		f, err := os.Open(filepath.Join(od.Dir(), "v.npy"))
		if err != nil {
			return err
		}
		defer f.Close()
		tr := plot.Trace{Title: fmt.Sprintf("%s: v of the neuron (seed %d)", p.Scenario.Name, p.Options.Seed), Window: stimulusWindow(net)}
		if err := od.Write("v.png", func(w io.Writer) error { return plot.TracePNGFromNPY(w, f, 0, res.DtMs, tr) }); err != nil {
			return err
		}
	} else {
		f, err := os.Open(filepath.Join(od.Dir(), "spikes.csv"))
		if err != nil {
			return err
		}
		defer f.Close()
		r := plot.Raster{Title: fmt.Sprintf("%s: %d neurons, inhibitory (red) and excitatory (black) spikes", p.Scenario.Name, net.N),
			DurationMs: p.DurationMs, N: net.N, Inh: net.Inh, Window: stimulusWindow(net)}
		if err := od.Write("raster.png", func(w io.Writer) error { return plot.RasterPNGFromCSV(w, f, r, res.DtMs) }); err != nil {
			return err
		}
	}
	if st.rate == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing the rhythm: %w", err)
	}
	rh, err := st.rate.Rhythm(net.N, res.DtMs, res.Steps)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s: population rate and its spectrum (seed %d)", p.Scenario.Name, p.Options.Seed)
	sum.Rhythm, err = writeRhythm(od, rh, res, title)
	return err
}

// stimulusWindow is the window a scenario's input acts in, labelled with
// the input, for the figures; nil for a scenario whose input never stops
// (izhikevich2003's thalamic noise).
func stimulusWindow(net *network.Net) *plot.Window {
	w := net.Window
	if w.StopMs <= w.StartMs {
		return nil
	}
	label := "input"
	switch {
	case net.Input != nil && len(net.Rates) > 0:
		label = fmt.Sprintf("input: %d Poisson trains at %g Hz", net.Input.N, net.Rates[0])
	case net.Current != 0:
		label = fmt.Sprintf("input: I = %g", net.Current)
	}
	return &plot.Window{StartMs: w.StartMs, EndMs: w.StopMs, Label: label}
}

// phaseHook, when set (by tests only), runs at the start of each phase of
// a command: "build", "simulate", "write", "graph".
var phaseHook func(ctx context.Context, phase string)

func phase(ctx context.Context, name string) {
	if phaseHook != nil {
		phaseHook(ctx, name)
	}
}

// statusOf is the run status that err leaves: complete, interrupted (a
// signal cancelled it) or failed.
func statusOf(err error) string {
	switch {
	case err == nil:
		return outdir.StatusComplete
	case errors.Is(err, context.Canceled):
		return outdir.StatusInterrupted
	case errors.As(err, new(*sim.DivergedError)):
		return outdir.StatusDiverged
	}
	return outdir.StatusFailed
}

// outError makes outdir.Begin's errors usage errors: each is about the
// --out folder (unwritable, not a folder, a user's "latest") or --name.
func outError(err error) error {
	if errors.Is(err, outdir.ErrInvalidName) {
		return usagef("--name: %v", err)
	}
	return usagef("--out: %v", err)
}

func printSummary(w io.Writer, s *summary, out string) {
	hz := func(r *float64) string {
		if r == nil {
			return "-"
		}
		return strconv.FormatFloat(*r, 'f', 2, 64) + " Hz"
	}
	fmt.Fprintf(w, "%s (%s, %s): %d neurons (%d exc, %d inh), %g ms at dt %g ms, seed %d\n",
		s.Scenario, s.Semantics, s.Dtype, s.N, s.NExc, s.NInh, s.DurationMs, s.DtMs, s.Seed)
	fmt.Fprintf(w, "  spikes %d (exc %s, inh %s), input spikes %d\n", s.Spikes, hz(s.RateExcHz), hz(s.RateInhHz), s.InputSpikes)
	fmt.Fprintf(w, "  %d steps in %.3f s (%.0f steps/s)\n", s.Steps, s.WallS, s.StepsPerS)
	fmt.Fprintf(w, "  wrote %s: %s\n", out, strings.Join(append([]string{outdir.SummaryName}, s.Files...), ", "))
}
