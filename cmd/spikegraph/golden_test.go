package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenDir holds the outputs of commit 4a123e4 (the last commit before the
// network was rebuilt from parts), made with that commit's binary:
//
//	spikegraph run SCENARIO --seed 1 --dtype float64|float32
//	spikegraph run SCENARIO --seed 1 --notebook        (steps 1-4)
//	spikegraph features; spikegraph classes
//
// Every later change must keep these bytes: the rebuilt composer, runner and
// plotting code compute the same arithmetic in the same order.
const goldenDir = "testdata/golden-4a123e4"

func TestOutputsMatchGoldenOf4a123e4(t *testing.T) {
	type run struct {
		dir   string
		args  []string
		files []string
	}
	var runs []run
	for _, s := range []string{"single", "synaptic", "uncoupled", "recurrent", "izhikevich2003", "ring"} {
		for _, dt := range []string{"float64", "float32"} {
			runs = append(runs, run{s + "-" + dt, []string{"run", s, "--seed", "1", "--dtype", dt}, []string{"spikes.csv", "v.npy"}})
		}
	}
	for _, s := range []string{"single", "synaptic", "uncoupled", "recurrent"} {
		runs = append(runs, run{s + "-notebook", []string{"run", s, "--seed", "1", "--notebook"}, []string{"spikes.csv", "v.npy"}})
	}
	runs = append(runs,
		run{"features", []string{"features"}, []string{"features.json"}},
		run{"classes", []string{"classes"}, []string{"classes.json"}})
	if len(runs) != 18 {
		t.Fatalf("%d golden runs, want 18", len(runs))
	}
	for _, r := range runs {
		t.Run(r.dir, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "out")
			args := append(append([]string(nil), r.args...), "--out", out)
			code, _, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("spikegraph %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
			}
			for _, f := range r.files {
				want, err := os.ReadFile(filepath.Join(goldenDir, r.dir, f))
				if err != nil {
					t.Fatal(err)
				}
				got, err := readOutput(out, f)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s/%s differs from the golden of 4a123e4: %s", r.dir, f, firstDiff(got, want))
				}
			}
		})
	}
}

// readOutput reads the file name of the run written under out.
func readOutput(out, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(out, "latest", name))
}

// firstDiff describes where got and want first differ.
func firstDiff(got, want []byte) string {
	n := min(len(got), len(want))
	for i := 0; i < n; i++ {
		if got[i] != want[i] {
			lo := max(0, i-40)
			return fmt.Sprintf("byte %d of %d (want %d): got %q, want %q", i, len(got), len(want), got[lo:min(len(got), i+40)], want[lo:min(len(want), i+40)])
		}
	}
	return fmt.Sprintf("lengths %d and %d, equal up to %d", len(got), len(want), n)
}
