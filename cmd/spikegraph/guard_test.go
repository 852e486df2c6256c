package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// TestUnstableDtRefused: the divergence cases are refused before
// anything is written (exit 64, one line naming --dt and --allow-unstable).
func TestUnstableDtRefused(t *testing.T) {
	for _, args := range [][]string{
		{"run", "single", "--dt", "5"},
		{"run", "single", "--dt", "100"},
		{"run", "uncoupled", "--dt", "9.99", "--duration", "999"},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		code, _, stderr := runCLI(t, append(args, "--out", dir)...)
		if code != exitUsage || !strings.Contains(stderr, "--dt:") || !strings.Contains(stderr, "--allow-unstable") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d naming --dt and --allow-unstable on one line", args, code, stderr, exitUsage)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v: %s exists (%v), want nothing written", args, dir, err)
		}
	}
}

// TestGuardDiverged: allowed past the bound, the course's neuron at dt 5 ms
// swings below -150 mV; the guard (on with --allow-unstable) stops the run
// there: exit 1, one line naming net/v, the step, its time and the neuron;
// the folder says "diverged" and keeps v.npy up to the step before, and
// latest does not move. The step is the reference's: the first sample of
// an unguarded run (--guard left off) whose v is below -150 mV.
func TestGuardDiverged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "single", "--dt", "5", "--allow-unstable", "--watch", "net/v", "--out", dir, "--name", "d"); code != exitFailed {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitFailed, stderr)
	} else if want := "spikegraph run: diverged: net/v at step 55 (t = 275 ms): neuron 0 = "; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "d", "summary.json"))
	if err != nil || !strings.Contains(string(b), `"status": "diverged"`) || !strings.Contains(string(b), `"steps": 54,`) {
		t.Errorf("summary.json (%v): %s", err, b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "latest")); !os.IsNotExist(err) {
		t.Errorf("latest exists after a diverged run (%v)", err)
	}
	v := readV(t, filepath.Join(dir, "d", "v.npy"))
	if len(v) != 55 {
		t.Fatalf("v.npy holds %d samples, want 55 (0..54)", len(v))
	}
	for k, x := range v {
		if !(x >= -150) {
			t.Errorf("v.npy sample %d = %v, below the range the guard stops at", k, x)
		}
	}
	// The watch keeps its records too: samples 1..54, v.npy's.
	shape, w := readNPYFile(t, filepath.Join(dir, "d", "watch", "net__v.npy"))
	if len(shape) != 2 || shape[0] != 54 || len(w) != 54 {
		t.Fatalf("watch/net__v.npy shape %v, want (54, 1)", shape)
	}
	for r, x := range w {
		if x != v[r+1] {
			t.Errorf("watch record %d = %v, v.npy sample %d = %v", r, x, r+1, v[r+1])
		}
	}
	// The reference: the same run unguarded reaches below -150 mV first at
	// sample 55.
	code, _, stderr := runCLI(t, "run", "single", "--dt", "5", "--allow-unstable", "--guard=false", "--out", dir, "--name", "free")
	if code != exitOK {
		t.Fatalf("unguarded: exit %d (%s)", code, stderr)
	}
	free := readV(t, filepath.Join(dir, "free", "v.npy"))
	first := -1
	for k, x := range free {
		if x < -150 {
			first = k
			break
		}
	}
	if first != 55 {
		t.Errorf("unguarded v first below -150 mV at sample %d, want 55", first)
	}
}

// readV reads the values of a v.npy.
func readV(t *testing.T, path string) []float64 {
	t.Helper()
	_, v := readNPYFile(t, path)
	return v
}

// readNPYFile reads a float64 .npy file's shape and values.
func readNPYFile(t *testing.T, path string) ([]int, []float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var v tensor.Dense
	if err := v.ReadNpy(f); err != nil {
		t.Fatal(err)
	}
	return v.Shape(), v.Data().([]float64)
}
