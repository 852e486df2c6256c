// Command spikegraph simulates the seed notebook's spiking networks as
// gorgonia graphs and writes their spikes, traces and plots.
//
// Usage:
//
//	spikegraph run SCENARIO [flags]     simulate and write outputs
//	spikegraph graph SCENARIO [flags]   print the step graph (names, dot, svg, text, json)
//	spikegraph features [flags]         Izhikevich (2004) Fig. 1, the 20 behaviours
//	spikegraph classes [flags]          Izhikevich (2003) Fig. 2, the 8 cell classes
//	spikegraph bench [flags]            Step 4 on the graph engine against a plain-Go loop
//	spikegraph help                     this text
//	spikegraph version                  the version (also --version)
//
// The scenarios are those of the scenario table (network.Scenarios): the
// seed notebook's steps and more; 'spikegraph help' lists them and
// 'spikegraph run -h' gives each one's rules. The simulation itself is
// package sim's: this command parses flags, lays out the output folder,
// shows progress and maps errors to exit statuses.
//
// Every command that writes makes its own folder inside --out for each run
// (DIR/<time stamp>-seed<N>, or --name) with the run's status in its
// summary.json ("running" from the start, then "complete", "interrupted",
// "diverged" (stopped by --guard) or "failed"), streams spikes.csv, v.npy
// and the --watch nodes' watch/<file>.npy into it as the run goes, and
// points DIR/latest at the newest complete run (package outdir). Memory
// and disk are estimated before anything is built; a run that would not
// fit is refused with the estimate and the limit.
//
// A run that takes longer than about 2 s shows its progress on stderr when
// stderr is a terminal.
//
// run --profile prints the time per op (per fused op on the fused engine)
// and writes profile.json (package sim's WithProfile); run --report also
// writes report.html, one self-contained page (package report). graph
// prints the step graph as package graph/view draws it: names, dot, svg
// (through graphviz's dot; exit 1 with how to install graphviz when it is
// missing), text (a model.summary() table) or json, cropped by --scope and
// --depth, the fine-grained graph unless --engine fused.
//
// features and classes simulate every panel of the figure with the values
// of Izhikevich's figure program and write FIGURE.png (the panels laid out
// as in the paper: v over the input current), FIGURE.json (per panel key:
// name, spikes_ms, dt_ms, duration_ms, dtype) and FIGURE_traces.csv.
//
// Exit status: 0 success; 1 the run failed (or its numbers diverged); 64
// bad usage or input (sysexits' EX_USAGE; nothing is written, except for
// a --watch name that the built graph lacks: the folder says "failed"); 129, 130,
// 143 stopped by SIGHUP, SIGINT, SIGTERM (the run's folder says
// "interrupted"). Go's runtime exits 2 on a fatal error (out of memory),
// which spikegraph never uses itself, so 2 always means a crash.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/sim"
)

// Exit statuses. Go's runtime takes 2 for a fatal error, so usage errors
// use sysexits' EX_USAGE instead and a 2 always means a crash.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 64  // EX_USAGE
	exitHangup      = 129 // 128 + SIGHUP
	exitInterrupted = 130 // 128 + SIGINT
	exitTerminated  = 143 // 128 + SIGTERM
)

// exitStatusText is the exit-status paragraph of every help text.
const exitStatusText = `Exit status: 0 success, 1 the run failed or diverged (--guard), 64 bad usage
or input (nothing is written), 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (the run's folder says
"interrupted"); 2 is Go's own status for a crash such as running out of memory.
`

// usage is the help text; its scenario list comes from the scenario table.
func usage() string {
	return `spikegraph simulates spiking networks as gorgonia graphs.

Usage:
  spikegraph run SCENARIO [flags]     simulate and write outputs into --out
  spikegraph graph SCENARIO [flags]   print the step graph (--format names|dot|svg|text|json)
  spikegraph features [flags]         Izhikevich (2004) Fig. 1: the 20 behaviours
  spikegraph classes [flags]          Izhikevich (2003) Fig. 2: the 8 cell classes
  spikegraph bench [flags]            time Step 4 on the graph engine against a plain-Go loop
  spikegraph help                     show this text
  spikegraph version                  print the version (also --version)

Scenarios:
` + scenarioList() + `
features and classes write FIGURE.png, FIGURE.json (spike times per panel)
and FIGURE_traces.csv into --out (default out/FIGURE); flags --out, --dtype.

Every command that writes makes a new folder for each run inside --out
(DIR/<time stamp>-seed<N>, or --name), with the run's status in its
summary.json, and points DIR/latest at the newest complete run.

Run 'spikegraph run -h', 'spikegraph features -h' or 'spikegraph classes -h'
for the flags; 'spikegraph --version' prints the version.

` + exitStatusText
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// hardExit ends the process at a second signal; tests replace it.
var hardExit = os.Exit

// realMain runs the command line args and returns the exit status.
// SIGINT, SIGTERM and SIGHUP cancel the run wherever it is (building,
// simulating, writing): it stops within about a second, its folder says
// "interrupted", and it exits 130, 143 or 129. A second signal exits at
// once with the same status (the folder then stays "running" until the
// next run marks it).
func realMain(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	var got atomic.Value
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigs:
			got.Store(s)
			cancel()
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			hardExit(signalStatus(s))
		case <-done:
		}
	}()
	code := dispatch(ctx, args, stdout, stderr)
	if s, ok := got.Load().(os.Signal); ok && code != exitOK && code != exitUsage {
		return signalStatus(s)
	}
	return code
}

// signalStatus is the exit status for a run stopped by s: 128 + its number.
func signalStatus(s os.Signal) int {
	switch s {
	case syscall.SIGTERM:
		return exitTerminated
	case syscall.SIGHUP:
		return exitHangup
	}
	return exitInterrupted
}

// dispatch runs one subcommand.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return exitUsage
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "graph":
		return cmdGraph(ctx, args[1:], stdout, stderr)
	case "features":
		return featuresCmd.run(ctx, args[1:], stdout, stderr)
	case "bench":
		return cmdBench(ctx, args[1:], stdout, stderr)
	case "classes":
		return classesCmd.run(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
		return exitOK
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "spikegraph %s\n", versionString())
		return exitOK
	}
	fmt.Fprintf(stderr, "spikegraph: unknown command %q (want run, graph, features, classes, bench, help or version)\n", args[0])
	return exitUsage
}

// usageError is bad input: exit status 64 and a one-line message.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// report prints err on one line and returns its exit status. A bad
// option (*network.OptionError, wherever it was found) is a usage error
// named by its flag.
func report(stderr io.Writer, cmd string, err error) int {
	var oe *network.OptionError
	if errors.As(err, &oe) {
		hint := ""
		if ue := (*network.UnstableError)(nil); errors.As(oe.Err, &ue) {
			hint = " (--allow-unstable runs it anyway)"
		}
		fmt.Fprintf(stderr, "spikegraph %s: %s: %v%s\n", cmd, flagName(oe.Option), oe.Err, hint)
		return exitUsage
	}
	if de := (*sim.DivergedError)(nil); errors.As(err, &de) {
		err = de // the guard's message says it all
	}
	fmt.Fprintf(stderr, "spikegraph %s: %v\n", cmd, err)
	var u *usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	return exitFailed
}

// flagName returns the flag of a scenario option ("dt" is --dt); other
// options (the scenario, a Spec field) keep their names.
func flagName(option string) string {
	switch option {
	case "n", "dt", "duration", "notebook", "dtype", "engine", "synapses", "p-rec":
		return "--" + option
	}
	return option
}

// progressAfter is how long a run goes before it shows its progress.
const progressAfter = 2 * time.Second

// progress returns a func that shows a run's progress (done of total
// units) on stderr once progressAfter has passed, and a func that clears
// the line it wrote; show is nil when stderr is not a terminal.
func progress(stderr io.Writer, unit string) (show func(done, total int), clearLine func()) {
	f, ok := stderr.(*os.File)
	if !ok {
		return nil, func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil, func() {}
	}
	start, width := time.Now(), 0
	show = func(done, total int) {
		if time.Since(start) < progressAfter {
			return
		}
		pct := 100
		if total > 0 {
			pct = 100 * done / total
		}
		line := fmt.Sprintf("\r  %3d%% %d/%d %s", pct, done, total, unit)
		width = max(width, len(line))
		fmt.Fprint(f, line)
	}
	clearLine = func() {
		if width > 0 {
			fmt.Fprint(f, "\r"+strings.Repeat(" ", width)+"\r")
		}
	}
	return show, clearLine
}
