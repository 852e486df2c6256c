package train_test

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/train"
)

// peakRSS returns the process's peak resident set (VmHWM) in bytes.
func peakRSS(t *testing.T) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// TestStep4MemoryReport measures the course's Step 4 (recurrent, n = 1000,
// Fine engine) at T = 2000: compile time, run time and peak RSS of the
// gradient of the spike count with respect to the recurrent weights, with
// checkpoints every SPIKEGRAPH_CHECKPOINT steps (0, the default: sqrt(T);
// 1: every state). A report, not a check: run it alone, one setting per
// process (peak RSS is per process):
//
//	SPIKEGRAPH_REPORT=1 SPIKEGRAPH_CHECKPOINT=0 go test ./train/ -run TestStep4MemoryReport -v -timeout 30m
func TestStep4MemoryReport(t *testing.T) {
	if os.Getenv("SPIKEGRAPH_REPORT") != "1" {
		t.Skip("set SPIKEGRAPH_REPORT=1 to run the report")
	}
	k, _ := strconv.Atoi(os.Getenv("SPIKEGRAPH_CHECKPOINT"))
	const steps = 2000
	net, err := network.New(network.Recurrent, network.Options{N: 1000, Seed: 1, Engine: network.Fine})
	if err != nil {
		t.Fatal(err)
	}
	model, feeder, err := train.SpecModel(net.Network.Spec)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	base := peakRSS(t)
	start := time.Now()
	bp, err := train.NewBPTT(model, spikeLoss, train.Options{Params: []string{"syn_rec/W"}, Checkpoint: k})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	compile := time.Since(start)
	start = time.Now()
	res, err := bp.Gradients(context.Background(), steps, feeder)
	if err != nil {
		t.Fatal(err)
	}
	run := time.Since(start)
	t.Logf("step 4, n = 1000, T = %d, checkpoint %d: compile %.2f s (%d nodes), gradient %.1f s, %.0f spikes, %d states held, peak RSS %.0f MiB (%.0f MiB before compiling)",
		steps, k, compile.Seconds(), bp.Nodes(), run.Seconds(), res.Loss, res.StoredStates, peakRSS(t)/(1<<20), base/(1<<20))
}

// TestCompileTimeReport times NewBPTT and Gradients for a recurrent network
// of 20 LIF neurons (the unrolled measurement: 0.27-0.33 s to
// compile at T = 100, 33 s at T = 1000) at T = 100 and T = 10000, a fresh
// BPTT each. A report, not a check (no wall-clock assertions):
//
//	SPIKEGRAPH_REPORT=1 go test ./train/ -run TestCompileTimeReport -v
func TestCompileTimeReport(t *testing.T) {
	if os.Getenv("SPIKEGRAPH_REPORT") != "1" {
		t.Skip("set SPIKEGRAPH_REPORT=1 to run the report")
	}
	for _, steps := range []int{100, 10000} {
		c := netCases(steps)[0]
		c.n, c.batch = 20, 1
		c.w, c.win = make([]float64, 400), make([]float64, 20)
		for i := range c.w {
			c.w[i] = 0.05 * float64(i%7-3)
		}
		for i := range c.win {
			c.win[i] = 1.2
		}
		for t := range c.s {
			c.s[t] = make([]float64, 20)
			for j := range c.s[t] {
				c.s[t][j] = float64((t*7+j*3)%5) / 4
			}
		}
		c.declare = lifHandle(lif.Config{Params: lif.Training(), N: 20, Batch: 1, DtMs: 1})
		start := time.Now()
		bp, err := train.NewBPTT(c.model, stepLoss, train.Options{Params: []string{"net/W", "net/win"}})
		if err != nil {
			t.Fatal(err)
		}
		compile := time.Since(start)
		start = time.Now()
		if _, err := bp.Gradients(context.Background(), steps, c.feeder()); err != nil {
			t.Fatal(err)
		}
		t.Logf("T = %5d: compile %.3f s (%d nodes), gradient %.2f s", steps, compile.Seconds(), bp.Nodes(), time.Since(start).Seconds())
		bp.Close()
	}
}
