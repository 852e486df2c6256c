package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gorgonia.org/tensor"
)

// asMain returns the command that runs this test binary as spikegraph
// (see TestMain) with args.
func asMain(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SPIKEGRAPH_AS_MAIN=1")
	return cmd
}

// checkLatest checks that dir/latest, when it exists, points to a complete
// run whose files all parse and agree with its summary.json; it returns the
// run's folder ("" without latest).
func checkLatest(t *testing.T, dir string) string {
	t.Helper()
	target, err := os.Readlink(filepath.Join(dir, "latest"))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatalf("latest: %v", err)
	}
	run := filepath.Join(dir, target)
	var sum struct {
		Status, RunID string
		Steps, Spikes int
		Files         []string
	}
	b, err := os.ReadFile(filepath.Join(run, "summary.json"))
	if err != nil {
		t.Fatalf("latest -> %s: %v", target, err)
	}
	if err := json.Unmarshal(bytes.ReplaceAll(b, []byte(`"run_id"`), []byte(`"runid"`)), &sum); err != nil {
		t.Fatalf("latest -> %s: summary.json does not parse: %v\n%s", target, err, b)
	}
	if sum.Status != "complete" || sum.RunID != target {
		t.Fatalf("latest -> %s: status %q, run_id %q", target, sum.Status, sum.RunID)
	}
	f, err := os.Open(filepath.Join(run, "spikes.csv"))
	if err != nil {
		t.Fatalf("latest -> %s: %v", target, err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows)-1 != sum.Spikes {
		t.Fatalf("latest -> %s: spikes.csv has %d rows (%v), summary says %d spikes", target, len(rows)-1, err, sum.Spikes)
	}
	nf, err := os.Open(filepath.Join(run, "v.npy"))
	if err != nil {
		t.Fatalf("latest -> %s: %v", target, err)
	}
	var v tensor.Dense
	err = v.ReadNpy(nf)
	nf.Close()
	if err != nil || v.Shape()[0] != sum.Steps+1 {
		t.Fatalf("latest -> %s: v.npy shape %v (%v), want %d samples", target, v.Shape(), err, sum.Steps+1)
	}
	for _, name := range sum.Files {
		if _, err := os.Stat(filepath.Join(run, name)); err != nil {
			t.Fatalf("latest -> %s: %v", target, err)
		}
	}
	return target
}

// TestSurvivesSIGKILL kills runs at random moments, during the final
// writes included, 300 times: latest always points to one run's complete,
// parseable set; every run folder's summary.json parses; and the next run
// marks the killed ones.
func TestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 300 processes")
	}
	dir := filepath.Join(t.TempDir(), "out")
	args := []string{"run", "single", "--duration", "150", "--out", dir}
	// How long a whole run takes here, so that kills spread over its life
	// and past its end (the final writes are its last few milliseconds).
	start := time.Now()
	if out, err := asMain(args...).CombinedOutput(); err != nil {
		t.Fatalf("a first run: %v\n%s", err, out)
	}
	life := time.Since(start)
	r := rand.New(rand.NewPCG(1, 2))
	kills, completed := 0, 1
	for i := 0; i < 300; i++ {
		cmd := asMain(args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Half the kills fall in the last fifth of a run's life, where it
		// writes and commits; the others anywhere.
		at := time.Duration(r.Float64() * float64(life) * 1.1)
		if i%2 == 0 {
			at = time.Duration((0.8 + 0.3*r.Float64()) * float64(life))
		}
		time.Sleep(at)
		if cmd.Process.Signal(syscall.SIGKILL) == nil {
			kills++
		}
		if err := cmd.Wait(); err == nil {
			completed++
		}
		checkLatest(t, dir)
	}
	t.Logf("300 runs of about %v: %d kills sent, %d runs completed first", life.Round(time.Millisecond), kills, completed)
	// One more run marks every run that was killed and not marked yet
	// (each run marks the leftovers it finds, so most are marked already).
	// A run killed between making its folder and writing its first summary
	// is taken for killed once its folder is older than a starting run's
	// grace: age those.
	if entries, err := os.ReadDir(dir); err == nil {
		old := time.Now().Add(-time.Minute)
		for _, e := range entries {
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "summary.json")); e.IsDir() && errors.Is(err, os.ErrNotExist) {
				os.Chtimes(filepath.Join(dir, e.Name()), old, old)
			}
		}
	}
	if out, err := asMain(args...).CombinedOutput(); err != nil {
		t.Fatalf("the last run: %v\n%s", err, out)
	}
	checkLatest(t, dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]int{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "summary.json"))
		if err != nil {
			t.Fatalf("%s: %v (every folder has a summary once the next run has looked)", e.Name(), err)
		}
		var s map[string]any
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s/summary.json does not parse: %v", e.Name(), err)
		}
		st, _ := s["status"].(string)
		if st == "interrupted" && s["killed"] != true {
			t.Errorf("%s: interrupted but not marked killed", e.Name())
		}
		status[st]++
	}
	// A killed run says interrupted, none running; a run killed before it
	// made its folder (while the process started) left none.
	if status["running"] != 0 || status["complete"] < completed+1 || status["interrupted"] == 0 || status["complete"]+status["interrupted"] > 302 {
		t.Errorf("statuses of the 302 runs' folders: %v (%d completed before their kill)", status, completed)
	}
}

// TestConcurrentRunsIntoOneDir: pairs of runs into one --out at once both
// complete, each into its own folder, and latest is one of them.
func TestConcurrentRunsIntoOneDir(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	dir := filepath.Join(t.TempDir(), "out")
	for pair := 0; pair < 5; pair++ {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for k := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := asMain("run", "single", "--duration", "100", "--seed", fmt.Sprint(k+1), "--out", dir).CombinedOutput()
				if err != nil {
					errs[k] = fmt.Errorf("%v: %s", err, out)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		checkLatest(t, dir)
	}
	entries, _ := os.ReadDir(dir)
	complete := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue // latest
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name(), "summary.json"))
		if strings.Contains(string(b), `"status": "complete"`) {
			complete++
		}
	}
	if complete != 10 {
		t.Errorf("%d complete run folders, want 10", complete)
	}
}

// TestMemoryDoesNotGrowWithDuration: a run 100 times longer peaks within
// 10 MB of the shorter one. The single neuron's 1e6 ms are 2e6 samples:
// kept in memory, its trace alone would take 16 MB, and drawing it from
// memory as much again, so the test fails if the outputs stop streaming.
// (The figures for uncoupled at 1e4, 1e5 and 1e6 ms are in the
// README.)
func TestMemoryDoesNotGrowWithDuration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	peak := func(duration string) int64 {
		cmd := asMain("run", "single", "--duration", duration, "--out", t.TempDir())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB
	}
	short, long := peak("10000"), peak("1000000")
	t.Logf("peak RSS: %d bytes for 1e4 ms, %d for 1e6 ms", short, long)
	if long-short > 10e6 {
		t.Errorf("the 100x longer run peaked %d bytes higher (over 10 MB)", long-short)
	}
}

// TestSameBitsAtAnyThreadCount: the same seed gives byte-identical
// outputs under GOMAXPROCS 1 and 2 (the engine may parallelise; its sums
// must not depend on the thread count).
func TestSameBitsAtAnyThreadCount(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	outs := map[string][]byte{}
	for _, procs := range []string{"1", "2"} {
		dir := t.TempDir()
		cmd := asMain("run", "recurrent", "--n", "400", "--duration", "400", "--seed", "3", "--out", dir, "--name", "r")
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+procs)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("GOMAXPROCS=%s: %v\n%s", procs, err, out)
		}
		for _, f := range []string{"spikes.csv", "v.npy"} {
			b, err := os.ReadFile(filepath.Join(dir, "r", f))
			if err != nil {
				t.Fatal(err)
			}
			if prev, ok := outs[f]; ok && !bytes.Equal(prev, b) {
				t.Errorf("%s differs between GOMAXPROCS 1 and 2", f)
			}
			outs[f] = b
		}
	}
	if len(outs["spikes.csv"]) < 100 {
		t.Errorf("spikes.csv has %d bytes: too quiet to compare", len(outs["spikes.csv"]))
	}
}
