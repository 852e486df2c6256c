package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseEngine(t *testing.T) {
	for _, e := range []Engine{EngineGraph, EngineReference} {
		if got, err := ParseEngine(e.String()); err != nil || got != e {
			t.Errorf("ParseEngine(%q) = %v, %v", e.String(), got, err)
		}
	}
	if _, err := ParseEngine("brian"); !errors.Is(err, ErrUnknownEngine) {
		t.Errorf("ParseEngine(brian): %v", err)
	}
	if _, err := Run(context.Background(), Engine(9), 10, 1, 0.1); !errors.Is(err, ErrUnknownEngine) {
		t.Errorf("Run(Engine(9)): %v", err)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, e := range []Engine{EngineGraph, EngineReference} {
		if _, err := Run(ctx, e, 100, 1, 0.1); !errors.Is(err, context.Canceled) {
			t.Errorf("%v: %v, want context.Canceled", e, err)
		}
	}
}

// TestRunReportsItsRun checks the fields a run fills, on a small network.
func TestRunReportsItsRun(t *testing.T) {
	for _, e := range []Engine{EngineGraph, EngineReference} {
		r, err := Run(context.Background(), e, 200, 1, DefaultPRec(200))
		if err != nil {
			t.Fatal(err)
		}
		if r.Steps != Steps || r.Loop <= 0 || r.NExc+r.NInh != 200 || r.SpikesExc == 0 || r.InputSpikes == 0 {
			t.Errorf("%v: %+v", e, r)
		}
		want := float64(r.SpikesExc) / float64(r.NExc) / 1.0
		if r.RateExcHz != want || r.BiologicalSeconds() != 1 {
			t.Errorf("%v: exc rate %v, want %v", e, r.RateExcHz, want)
		}
		if ns := r.NsPerNeuronStep(); math.Abs(ns-r.Loop.Seconds()*1e9/200/2000) > 1e-9*ns {
			t.Errorf("%v: %v ns/neuron-step for %v", e, ns, r.Loop)
		}
		if _, err := PeakRSS(); err == nil && r.PeakRSS <= 0 {
			t.Errorf("%v: peak RSS %d", e, r.PeakRSS)
		}
	}
}

// TestPeakRSS: the peak includes 64 MiB touched and released, and a reset
// brings it back under them.
func TestPeakRSS(t *testing.T) {
	if _, err := PeakRSS(); errors.Is(err, ErrNoRSS) {
		t.Skip(err)
	}
	big := make([]byte, 64<<20)
	for i := range big {
		big[i] = 1
	}
	p, err := PeakRSS()
	if err != nil || p < 64<<20 {
		t.Fatalf("PeakRSS() = %d, %v after touching 64 MiB", p, err)
	}
	big = nil
	runtime.GC()
	debug.FreeOSMemory()
	if err := ResetPeakRSS(); err != nil {
		t.Skipf("cannot reset here: %v", err)
	}
	after, err := PeakRSS()
	if err != nil || after > p-32<<20 {
		t.Fatalf("after a reset: %d (before %d), %v; want 32 MiB less at least", after, p, err)
	}
	_ = big
}

func TestSummarizeAndAgree(t *testing.T) {
	mk := func(e Engine, loopMs int, exc, inh float64) Result {
		return Result{Engine: e, N: 10, PRec: 0.1, Steps: Steps, DtMs: DtMs,
			Loop: time.Duration(loopMs) * time.Millisecond, RateExcHz: exc, RateInhHz: inh, PeakRSSReset: true}
	}
	g := []Result{mk(EngineGraph, 5, 1, 10), mk(EngineGraph, 1, 2, 10), mk(EngineGraph, 3, 3, 10), mk(EngineGraph, 9, 4, 10)}
	s, err := Summarize(g)
	if err != nil {
		t.Fatal(err)
	}
	// median of 1, 3, 5, 9 ms is 4 ms; rates 1..4: mean 2.5, SD sqrt(5/3), SE SD/2
	if s.Loop != 4*time.Millisecond || s.LoopMin != time.Millisecond || s.LoopMax != 9*time.Millisecond {
		t.Errorf("loop %v [%v, %v]", s.Loop, s.LoopMin, s.LoopMax)
	}
	if want := math.Sqrt(5.0/3) / 2; s.RateExcHz.Mean != 2.5 || math.Abs(s.RateExcHz.SE-want) > 1e-12 || s.RateInhHz != (Stat{10, 0}) {
		t.Errorf("rates %+v %+v, want exc SE %v", s.RateExcHz, s.RateInhHz, want)
	}
	if got := s.RealTimeFactor(); math.Abs(got-0.004) > 1e-12 {
		t.Errorf("real-time factor %v", got)
	}
	if _, err := Summarize(append(g, mk(EngineReference, 1, 1, 1))); err == nil {
		t.Error("mixed engines summarized")
	}
	near := Summary{N: 10, RateExcHz: Stat{2.5 + 2*s.RateExcHz.SE, 0}, RateInhHz: Stat{10, 0.1}}
	if err := Agree(s, near, 2); err != nil { // |diff| = 2 SE exactly
		t.Error(err)
	}
	far := near
	far.RateExcHz.Mean += 0.01
	if err := Agree(s, far, 2); err == nil || !strings.Contains(err.Error(), "exc") {
		t.Errorf("Agree: %v", err)
	}
}

func TestWriteTable(t *testing.T) {
	ref := Summary{Engine: EngineReference, N: 1000, PRec: 0.1, Runs: 5, Steps: Steps, DtMs: DtMs,
		Loop: 10 * time.Millisecond, Setup: 1500 * time.Millisecond, RateExcHz: Stat{4, 0.2}, RateInhHz: Stat{10, 0.5}, PeakRSS: 20 << 20, PeakRSSReset: true}
	g := ref
	g.Engine, g.Loop, g.PeakRSSReset = EngineGraph, time.Second, false
	var b bytes.Buffer
	if err := WriteTable(&b, []Summary{g, ref}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"x reference", "setup s", "1.50", "100.00", "20*", "yes", "4.000 ± 0.200"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestSweep prints the comparison table for the sizes in
// SPIKEGRAPH_BENCH_N (comma-separated, e.g. "1000,10000"), seeds 1..5 or
// SPIKEGRAPH_BENCH_SEEDS, engines SPIKEGRAPH_BENCH_ENGINES (default
// "graph,reference"); it is skipped when SPIKEGRAPH_BENCH_N is unset.
// Until the command line has `spikegraph bench`, this is how to run it:
//
//	SPIKEGRAPH_BENCH_N=1000,10000 go test -run TestSweep -v -timeout 0 ./bench/
func TestSweep(t *testing.T) {
	ns, err := envInts("SPIKEGRAPH_BENCH_N")
	if err != nil {
		t.Fatal(err)
	}
	if ns == nil {
		t.Skip("SPIKEGRAPH_BENCH_N is unset")
	}
	c := SweepConfig{Ns: ns, Progress: func(r Result) {
		t.Logf("%-9v n=%-7d seed=%d loop %.4f s (CPU %.4f s) setup %.2f s exc %.3f Hz inh %.3f Hz input %d peak RSS %d MB",
			r.Engine, r.N, r.Seed, r.Loop.Seconds(), r.LoopCPU.Seconds(), r.Setup.Seconds(), r.RateExcHz, r.RateInhHz, r.InputSpikes, r.PeakRSS>>20)
	}}
	seeds, err := envInts("SPIKEGRAPH_BENCH_SEEDS")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seeds {
		c.Seeds = append(c.Seeds, uint64(s))
	}
	if s := os.Getenv("SPIKEGRAPH_BENCH_ENGINES"); s != "" {
		for _, f := range strings.Split(s, ",") {
			e, err := ParseEngine(f)
			if err != nil {
				t.Fatal(err)
			}
			c.Engines = append(c.Engines, e)
		}
	}
	sums, err := Sweep(context.Background(), c)
	var b bytes.Buffer
	if werr := WriteTable(&b, sums); werr != nil {
		t.Fatal(werr)
	}
	t.Logf("\n%s", b.String())
	if err != nil {
		t.Fatal(err)
	}
}

func envInts(name string) ([]int, error) {
	s := os.Getenv(name)
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64) // 1e5 is fine
		if err != nil || x != math.Trunc(x) || x < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive whole number", name, f)
		}
		out = append(out, int(x))
	}
	return out, nil
}

// TestEnginesAgreeInRate is the criterion: over seeds 1-5 at
// n = 1000 the two engines' mean excitatory and inhibitory rates agree
// within 2 standard errors of their difference, each SE the sample
// standard deviation over the 5 seeds over sqrt(5) (Summarize, Agree).
// Each seed's runs see the same input spikes (the counts are compared
// exactly) and the same number of synapses.
func TestEnginesAgreeInRate(t *testing.T) {
	if testing.Short() {
		t.Skip("10 runs of 1000 ms")
	}
	ctx := context.Background()
	const n = 1000
	var runs [2][]Result
	for seed := uint64(1); seed <= 5; seed++ {
		for i, e := range []Engine{EngineGraph, EngineReference} {
			r, err := Run(ctx, e, n, seed, DefaultPRec(n))
			if err != nil {
				t.Fatal(err)
			}
			runs[i] = append(runs[i], r)
		}
		g, r := runs[0][seed-1], runs[1][seed-1]
		if g.InputSpikes != r.InputSpikes || g.InputSpikes == 0 {
			t.Errorf("seed %d: input spikes: graph %d, reference %d", seed, g.InputSpikes, r.InputSpikes)
		}
		if g.SynapsesIn != r.SynapsesIn || g.SynapsesRec != r.SynapsesRec || g.NInh != r.NInh {
			t.Errorf("seed %d: synapses (in, rec) graph (%d, %d), reference (%d, %d); inhibitory %d, %d",
				seed, g.SynapsesIn, g.SynapsesRec, r.SynapsesIn, r.SynapsesRec, g.NInh, r.NInh)
		}
		t.Logf("seed %d: exc %.3f / %.3f Hz, inh %.3f / %.3f Hz (graph / reference)", seed, g.RateExcHz, r.RateExcHz, g.RateInhHz, r.RateInhHz)
	}
	g, err := Summarize(runs[0])
	if err != nil {
		t.Fatal(err)
	}
	r, err := Summarize(runs[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := Agree(g, r, 2); err != nil {
		t.Fatal(err)
	}
	// The course's network fires at a few Hz (excitatory) and about twice
	// that (inhibitory); a silent or runaway network would agree trivially.
	if !(g.RateExcHz.Mean > 1 && g.RateExcHz.Mean < 20 && g.RateInhHz.Mean > g.RateExcHz.Mean) {
		t.Fatalf("implausible rates: exc %v, inh %v", g.RateExcHz, g.RateInhHz)
	}
}
