package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spikegraph/spikegraph/bench"
)

const benchHelp = `Usage: spikegraph bench [flags]

Times the course's recurrent network (Step 4, 1000 ms at dt 0.5 ms, recurrent
connection probability 100/n) on the graph engine and on a plain-Go
event-driven loop of the same math (package bench), which draws the same
synapses and the same Poisson input, one run at a time in this process. For
each size it prints the median loop time over the seeds (wall and CPU), the
median setup time (drawing the synapses, building and compiling: all but the
loop), ns per neuron-step, the real-time factor, the ratio to the plain loop,
peak RSS, and
both engines' excitatory and inhibitory rates (mean ± standard error over the
seeds), which must agree within 2 standard errors. To compare with Brian2
2.5's C++ standalone mode, see bench/brian2/README.md.

Flags:
  --n LIST        sizes, comma-separated (default 1000,10000,100000,1000000)
  --seeds K       seeds 1..K per size and engine (default 5)
  --engines LIST  graph,reference (default both)

Exit status: 0 the rates agree, 1 they do not or a run failed, 64 bad usage;
129/130/143 stopped by a signal.
`

// cmdBench runs the performance comparison and prints its table.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench")
	ns := fs.String("n", "1000,10000,100000,1000000", "")
	seeds := fs.Int("seeds", 5, "")
	engines := fs.String("engines", "graph,reference", "")
	pos, _, err := parseFlags(fs, args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, benchHelp)
		return exitOK
	}
	if err != nil {
		return report(stderr, "bench", err)
	}
	if len(pos) > 0 {
		return report(stderr, "bench", usagef("unexpected argument %q (bench takes flags only)", pos[0]))
	}
	var cfg bench.SweepConfig
	for _, f := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 2 || n > 10_000_000 {
			return report(stderr, "bench", usagef("--n: %q is not a size in [2, 10000000]", f))
		}
		cfg.Ns = append(cfg.Ns, n)
	}
	if *seeds < 1 || *seeds > 1000 {
		return report(stderr, "bench", usagef("--seeds: %d must be in [1, 1000]", *seeds))
	}
	for s := 1; s <= *seeds; s++ {
		cfg.Seeds = append(cfg.Seeds, uint64(s))
	}
	for _, f := range strings.Split(*engines, ",") {
		e, err := bench.ParseEngine(strings.TrimSpace(f))
		if err != nil {
			return report(stderr, "bench", usagef("--engines: %v", err))
		}
		cfg.Engines = append(cfg.Engines, e)
	}
	// The collector's setting of run (gcPercent): the peak RSS it prints is
	// the one a run of that network has.
	debug.SetGCPercent(gcPercent)
	cfg.Progress = func(r bench.Result) {
		fmt.Fprintf(stderr, "  %v n=%d seed %d: loop %.4f s\n", r.Engine, r.N, r.Seed, r.Loop.Seconds())
	}
	sums, err := bench.Sweep(ctx, cfg)
	if err != nil && len(sums) == 0 {
		return report(stderr, "bench", err)
	}
	if werr := bench.WriteTable(stdout, sums); werr != nil && err == nil {
		err = werr
	}
	if err == nil {
		err = agreement(sums)
	}
	if err != nil {
		return report(stderr, "bench", err)
	}
	return exitOK
}

// agreement checks that the engines' rates agree within 2 standard errors
// at every size.
func agreement(sums []bench.Summary) error {
	byN := map[int][]bench.Summary{}
	for _, s := range sums {
		byN[s.N] = append(byN[s.N], s)
	}
	var errs []error
	for n, ss := range byN {
		for i := 1; i < len(ss); i++ {
			if err := bench.Agree(ss[0], ss[i], 2); err != nil {
				errs = append(errs, fmt.Errorf("n = %d: %w", n, err))
			}
		}
	}
	return errors.Join(errs...)
}
