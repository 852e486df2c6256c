package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/sim"
	"gorgonia.org/tensor"
)

// runCLI runs the command line in-process and returns its status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := realMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunEveryScenarioEndToEnd(t *testing.T) {
	cases := []struct {
		scenario string
		args     []string
		n        int
		png      string
	}{
		{"single", nil, 1, "v.png"},
		{"step2", nil, 1, "v.png"},
		{"uncoupled", []string{"--n", "300"}, 300, "raster.png"},
		{"recurrent", []string{"--n", "300", "--dtype", "float32"}, 300, "raster.png"},
		{"recurrent", []string{"--n", "200", "--notebook"}, 200, "raster.png"},
		{"izhikevich2003", []string{"--n", "300"}, 300, "raster.png"},
		{"step5", []string{"--n", "200"}, 200, "raster.png"},
	}
	for _, tc := range cases {
		t.Run(tc.scenario+strings.Join(tc.args, ""), func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "out")
			// 400 ms (800 steps): the window opens at 200 ms, so spikes come.
			args := append([]string{"run", tc.scenario, "--duration", "400", "--seed", "3", "--out", dir}, tc.args...)
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout, "spikes") {
				t.Errorf("summary on stdout: %q", stdout)
			}
			var sum map[string]any
			b, err := os.ReadFile(filepath.Join(dir, "latest", "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &sum); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"scenario", "n", "n_exc", "n_inh", "dt_ms", "duration_ms", "seed", "dtype",
				"spikes", "rate_exc_hz", "rate_inh_hz", "input_spikes", "wall_s", "steps_per_s"} {
				if _, ok := sum[k]; !ok {
					t.Errorf("summary.json lacks %q", k)
				}
			}
			if int(sum["n"].(float64)) != tc.n || sum["duration_ms"].(float64) != 400 || sum["seed"].(float64) != 3 {
				t.Errorf("summary n=%v duration=%v seed=%v", sum["n"], sum["duration_ms"], sum["seed"])
			}
			if int(sum["n_exc"].(float64))+int(sum["n_inh"].(float64)) != tc.n {
				t.Errorf("n_exc + n_inh != n")
			}
			if tc.n == 1 && sum["rate_inh_hz"] != nil {
				t.Errorf("rate_inh_hz = %v for an empty population, want null", sum["rate_inh_hz"])
			}

			// spikes.csv: header, time order, count as in the summary.
			f, err := os.Open(filepath.Join(dir, "latest", "spikes.csv"))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 || rows[0][0] != "t_ms" || rows[0][1] != "neuron" {
				t.Fatalf("header %v", rows[:1])
			}
			if len(rows)-1 != int(sum["spikes"].(float64)) || len(rows) < 2 {
				t.Fatalf("%d spike rows, summary says %v", len(rows)-1, sum["spikes"])
			}
			prev := -1.0
			for _, r := range rows[1:] {
				tm, err1 := strconv.ParseFloat(r[0], 64)
				nrn, err2 := strconv.Atoi(r[1])
				if err1 != nil || err2 != nil || tm < prev || nrn < 0 || nrn >= tc.n || tm > 400 {
					t.Fatalf("bad row %v after t=%v", r, prev)
				}
				prev = tm
			}
			if sum["rate_exc_hz"] == nil {
				t.Fatal("rate_exc_hz is null")
			}

			// v.npy through the tensor package's reader.
			nf, err := os.Open(filepath.Join(dir, "latest", "v.npy"))
			if err != nil {
				t.Fatal(err)
			}
			var v tensor.Dense
			err = v.ReadNpy(nf)
			nf.Close()
			if err != nil {
				t.Fatal(err)
			}
			shape := v.Shape()
			samples := int(400/sum["dt_ms"].(float64)) + 1 // 801 at 0.5 ms, 401 for izhikevich2003's 1 ms
			if len(shape) != 2 || shape[0] != samples || shape[1] != len(sum["recorded_neurons"].([]any)) {
				t.Fatalf("v.npy shape %v", shape)
			}
			data := v.Data().([]float64)
			if data[0] != -70 && data[0] != -65 {
				t.Fatalf("v.npy starts at %v", data[0])
			}
			vmax := 35.0 // the course's stored peak
			if tc.scenario == "izhikevich2003" {
				vmax = math.Inf(1) // net.m keeps v as integrated (unclipped) until the next step resets it
			}
			for _, x := range data {
				if math.IsNaN(x) || x > vmax {
					t.Fatalf("v.npy holds %v", x)
				}
			}

			// The PNG decodes.
			pf, err := os.Open(filepath.Join(dir, "latest", tc.png))
			if err != nil {
				t.Fatal(err)
			}
			img, format, err := image.Decode(pf)
			pf.Close()
			if err != nil || format != "png" || img.Bounds().Dx() < 100 {
				t.Fatalf("PNG: %v %q %v", err, format, img)
			}
		})
	}
}

func TestRunSingleWritesTheEightSpikes(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "run", "single", "--out", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "latest", "spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "t_ms,neuron\n206.5,0\n256.5,0\n322.5,0\n389,0\n455.5,0\n521.5,0\n587,0\n652.5,0\n"
	if string(b) != want {
		t.Fatalf("spikes.csv:\n%s\nwant:\n%s", b, want)
	}
}

func TestBadInput(t *testing.T) {
	// Each bad value: exit 64, one line on stderr naming the flag, nothing
	// written (the output directory is not even created).
	cases := []struct {
		name string
		args []string
		flag string
	}{
		{"dt zero", []string{"single", "--dt", "0"}, "--dt"},
		{"dt negative", []string{"single", "--dt", "-0.5"}, "--dt"},
		{"dt NaN", []string{"single", "--dt", "NaN"}, "--dt"},
		{"dt Inf", []string{"single", "--dt", "Inf"}, "--dt"},
		{"dt not a number", []string{"single", "--dt", "abc"}, "-dt"},
		{"dt >= tau_g", []string{"synaptic", "--dt", "10"}, "--dt"},
		{"dt >= tau_g recurrent", []string{"recurrent", "--dt", "12.5", "--duration", "1000"}, "--dt"},
		{"duration not whole", []string{"single", "--duration", "100.25"}, "--duration"},
		{"duration < dt", []string{"single", "--duration", "0.25"}, "--duration"},
		{"duration NaN", []string{"single", "--duration", "NaN"}, "--duration"},
		{"duration Inf", []string{"single", "--duration", "+Inf"}, "--duration"},
		{"duration negative", []string{"single", "--duration", "-5"}, "--duration"},
		{"n zero", []string{"uncoupled", "--n", "0"}, "--n"},
		{"n negative", []string{"recurrent", "--n", "-4"}, "--n"},
		{"n too large", []string{"recurrent", "--n", "1000000"}, "--n"},
		{"n for single", []string{"single", "--n", "10"}, "--n"},
		{"ring too small", []string{"ring", "--n", "100"}, "--n"},
		{"izhikevich2003 n too large", []string{"izhikevich2003", "--n", "20001"}, "--n"},
		{"izhikevich2003 dt", []string{"izhikevich2003", "--dt", "0.5"}, "--dt"},
		{"notebook ring", []string{"ring", "--notebook"}, "--notebook"},
		{"notebook izhikevich2003", []string{"izhikevich2003", "--notebook"}, "--notebook"},
		{"unknown scenario", []string{"step9"}, "scenario"},
		{"missing scenario", []string{"--seed", "2"}, "SCENARIO"},
		{"unknown dtype", []string{"single", "--dtype", "float16"}, "--dtype"},
		{"unknown flag", []string{"single", "--speed", "2"}, "speed"},
		{"seed negative", []string{"single", "--seed", "-1"}, "-seed"},
		{"extra argument", []string{"single", "extra"}, "extra"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "out")
			args := append([]string{"run"}, tc.args...)
			args = append(args, "--out", dir)
			code, stdout, stderr := runCLI(t, args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d (stderr %q)", code, exitUsage, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.flag) {
				t.Fatalf("stderr %q: want one line naming %q", stderr, tc.flag)
			}
			if stdout != "" {
				t.Fatalf("stdout %q", stdout)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Fatalf("output directory exists after bad input: %v", err)
			}
		})
	}
}

func TestUnwritableOut(t *testing.T) {
	// A path below a regular file cannot be created, even by root.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "run", "single", "--out", filepath.Join(file, "sub"))
	if code != exitUsage || !strings.Contains(stderr, "--out") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(file); string(b) != "x" {
		t.Fatal("the file was changed")
	}
}

func TestEachRunHasItsOwnFolder(t *testing.T) {
	dir := t.TempDir()
	if code, _, e := runCLI(t, "run", "uncoupled", "--n", "50", "--duration", "300", "--out", dir, "--name", "first"); code != 0 {
		t.Fatal(e)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, e := runCLI(t, "run", "single", "--duration", "300", "--out", dir); code != 0 {
		t.Fatal(e)
	}
	target, err := os.Readlink(filepath.Join(dir, "latest"))
	if err != nil || target == "first" || !strings.HasSuffix(target, "-seed1") {
		t.Fatalf("latest -> %q (%v), want the second run's time-stamped folder", target, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "first", "raster.png")); err != nil {
		t.Errorf("the first run's raster.png: %v", err)
	}
	for _, f := range []string{"v.png", "summary.json"} {
		if _, err := os.Stat(filepath.Join(dir, "latest", f)); err != nil {
			t.Error(err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Errorf("the user's notes.txt became %q", b)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "latest", "summary.json"))
	for _, want := range []string{`"status": "complete"`, `"scenario": "single"`, `"run_id": "` + target + `"`, `"version": "`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("summary.json lacks %s: %s", want, b)
		}
	}
	// The name is taken: a second run of that name is refused before work.
	if code, _, e := runCLI(t, "run", "single", "--out", dir, "--name", "first"); code != exitUsage || !strings.Contains(e, "first") {
		t.Errorf("a taken --name: exit %d, %q", code, e)
	}
}

func TestInterruptedRunKeepsItsFolder(t *testing.T) {
	dir := t.TempDir()
	if code, _, e := runCLI(t, "run", "single", "--out", dir, "--name", "done"); code != 0 {
		t.Fatal(e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := dispatch(ctx, []string{"run", "recurrent", "--n", "100", "--out", dir, "--name", "stopped"}, &out, &errb)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d (%s)", code, exitInterrupted, errb.String())
	}
	if target, _ := os.Readlink(filepath.Join(dir, "latest")); target != "done" {
		t.Errorf("latest -> %q after an interrupted run, want done", target)
	}
	b, err := os.ReadFile(filepath.Join(dir, "stopped", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"status": "interrupted"`) || !strings.Contains(string(b), "context canceled") {
		t.Errorf("the interrupted run's summary.json: %s", b)
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr does not say the folder's status: %q", errb.String())
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	if code, out, _ := runCLI(t, "help"); code != 0 || !strings.Contains(out, "130") {
		t.Fatalf("help: exit %d, %q", code, out)
	}
	if code, out, _ := runCLI(t, "run", "-h"); code != 0 || !strings.Contains(out, "--duration") {
		t.Fatalf("run -h: exit %d, %q", code, out)
	}
	if code, _, e := runCLI(t, "fly"); code != exitUsage || !strings.Contains(e, "fly") {
		t.Fatalf("unknown command: exit %d, %q", code, e)
	}
	if code, _, _ := runCLI(t); code != exitUsage {
		t.Fatalf("no command: exit %d", code)
	}
}

func TestGraphCommand(t *testing.T) {
	code, out, e := runCLI(t, "graph", "recurrent", "--n", "20")
	if code != 0 {
		t.Fatal(e)
	}
	for _, name := range []string{"net/v\tstate", "net/v:next\tnext", "in/rate\tinput", "syn_rec/W\tparam", "in/spikes\toutput", "step\tstate"} {
		if !strings.Contains(out, name) {
			t.Errorf("graph listing lacks %q:\n%s", name, out)
		}
	}
	code, out, _ = runCLI(t, "graph", "single", "--format", "dot")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "digraph") {
		t.Fatalf("dot: exit %d, %.60q", code, out)
	}
	if code, _, _ := runCLI(t, "graph", "single", "--format", "png"); code != exitUsage {
		t.Fatalf("bad format: exit %d", code)
	}
	code, out, _ = runCLI(t, "graph", "recurrent", "--n", "20", "--format", "text")
	if code != 0 || !strings.Contains(out, "engine fine") || !strings.Contains(out, "net/v:next") || !strings.Contains(out, "\ntotal ") {
		t.Errorf("text: exit %d, want the fine graph's table with totals:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "graph", "recurrent", "--n", "20", "--format", "json", "--scope", "net", "--depth", "1", "--engine", "fused")
	if code != 0 || !strings.Contains(out, "engine fused") || !strings.Contains(out, `"totals"`) {
		t.Errorf("json: exit %d:\n%.300s", code, out)
	}
	for _, bad := range [][]string{
		{"graph", "single", "--scope", "nosuch", "--format", "dot"},
		{"graph", "single", "--depth", "-1", "--format", "dot"},
		{"run", "single", "--scope", "net"},
		{"graph", "single", "--profile"},
	} {
		if code, _, e := runCLI(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", bad, code, exitUsage, e)
		}
	}
}

// TestGraphSVG renders through graphviz's dot when it is installed, and
// without it exits 1 with how to install it.
func TestGraphSVG(t *testing.T) {
	if _, err := exec.LookPath("dot"); err == nil {
		code, out, e := runCLI(t, "graph", "single", "--format", "svg")
		if code != 0 || !strings.Contains(out, "<svg") {
			t.Errorf("svg: exit %d, %s, %.80q", code, e, out)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("graphviz's dot is not installed, and CI is set (.ci/run installs it)")
	}
	t.Setenv("PATH", t.TempDir())
	code, _, e := runCLI(t, "graph", "single", "--format", "svg")
	if code != exitFailed || !strings.Contains(e, "apt-get install graphviz") {
		t.Errorf("svg without dot: exit %d, %q; want %d and how to install graphviz", code, e, exitFailed)
	}
}

func TestUsageNamesTheNewScenarios(t *testing.T) {
	// izhikevich2003 and ring are named ahead of their builders; only the
	// names are tested here, not runs.
	_, out, _ := runCLI(t, "help")
	for _, s := range []string{"izhikevich2003", "ring", "step5"} {
		if !strings.Contains(out, s) {
			t.Errorf("usage lacks %q", s)
		}
	}
	_, _, e := runCLI(t, "run", "step9", "--out", filepath.Join(t.TempDir(), "out"))
	for _, s := range []string{"step9", "izhikevich2003", "ring", "step5"} {
		if !strings.Contains(e, s) {
			t.Errorf("unknown scenario: %q lacks %q", e, s)
		}
	}
	_, _, e = runCLI(t, "run", "--seed", "2")
	for _, s := range []string{"izhikevich2003", "ring"} {
		if !strings.Contains(e, s) {
			t.Errorf("missing scenario: %q lacks %q", e, s)
		}
	}
}

// TestIzh2003WritesRateAndSpectrum runs net.m's network for its 1000 ms and
// checks the files it adds to the others: the population rate per 1 ms bin,
// its spectrum, the plot, and the peaks in the summary.
func TestIzh2003WritesRateAndSpectrum(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI(t, "run", "izhikevich2003", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum struct {
		Semantics string  `json:"semantics"`
		DtMs      float64 `json:"dt_ms"`
		Spikes    int     `json:"spikes"`
		Files     []string
		Rhythm    *struct {
			Alpha float64 `json:"alpha_peak_hz"`
			Gamma float64 `json:"gamma_peak_hz"`
		} `json:"rhythm"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "latest", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Semantics != "net.m" || sum.DtMs != 1 || sum.Rhythm == nil {
		t.Fatalf("summary: semantics %q, dt %v, rhythm %v", sum.Semantics, sum.DtMs, sum.Rhythm)
	}
	// the network's alpha rhythm (see models/network's TestIzh2003RatesAndRhythms)
	if sum.Rhythm.Alpha < 6 || sum.Rhythm.Alpha > 14 || sum.Rhythm.Gamma < 25 || sum.Rhythm.Gamma > 80 {
		t.Errorf("peaks %v and %v Hz", sum.Rhythm.Alpha, sum.Rhythm.Gamma)
	}
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, "latest", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rate := read("rate.csv")
	if len(rate) != 1001 || rate[0][0] != "t_ms" || rate[1][0] != "1" || rate[1000][0] != "1000" {
		t.Fatalf("rate.csv: %d rows, first %v", len(rate), rate[:2])
	}
	total := 0.0
	for _, r := range rate[1:] {
		x, err := strconv.ParseFloat(r[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		total += x
	}
	// each bin is spikes / (1000 neurons * 1 ms), in Hz: the bins sum to spikes
	if got := total * 1000 / 1000; math.Abs(got-float64(sum.Spikes)) > 1e-6*float64(sum.Spikes) {
		t.Errorf("rate.csv sums to %v spikes, summary says %d", got, sum.Spikes)
	}
	spec := read("spectrum.csv")
	// Welch with 500-sample segments of a 1 kHz rate: 251 bins, 2 Hz apart
	if len(spec) != 252 || spec[0][0] != "freq_hz" || spec[2][0] != "2" {
		t.Fatalf("spectrum.csv: %d rows, %v", len(spec), spec[:3])
	}
	f, err := os.Open(filepath.Join(dir, "latest", "spectrum.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatal(err)
	}
}

func TestFlagsInAnyOrderOnce(t *testing.T) {
	dir := t.TempDir()
	// Flags before, around and after the scenario.
	code, _, e := runCLI(t, "run", "--n", "20", "uncoupled", "--duration", "50", "--out", dir, "--name", "mixed")
	if code != 0 {
		t.Fatalf("flags around the scenario: exit %d, %s", code, e)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "mixed", "summary.json"))
	if !strings.Contains(string(b), `"n": 20`) || !strings.Contains(string(b), `"duration_ms": 50`) {
		t.Errorf("the flags did not all apply: %s", b)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "single", "--seed", "1", "--seed", "2"}, "--seed: given twice"},
		{[]string{"run", "--notebook", "single", "--notebook"}, "--notebook: given twice"},
		{[]string{"features", "--dtype", "float32", "--dtype", "float64"}, "--dtype: given twice"},
		{[]string{"run", "single", "--out", ""}, "--out: empty"},
		{[]string{"features", "--out", ""}, "--out: empty"},
		{[]string{"run", "single", "--name", "latest"}, "--name"},
		{[]string{"run", "single", "--name", "a/b"}, "--name"},
		{[]string{"run", "single", "--bogus"}, "unknown flag -bogus"},
		{[]string{"run", "single", "uncoupled"}, "unexpected argument"},
		{[]string{"graph", "single", "--out", dir}, "writes nothing"},
		{[]string{"run", "izhikevich2003", "--duration", "1"}, "--duration"},
		{[]string{"run", "single", "--duration", "1e12"}, "more than"},
		{[]string{"run", "single", "--p-rec", "0.5"}, "--p-rec: does not apply"},
		{[]string{"run", "recurrent", "--p-rec", "1.5"}, "--p-rec: 1.5 must be in (0, 1]"},
		{[]string{"run", "recurrent", "--p-rec", "0"}, "--p-rec: 0"},
		{[]string{"run", "recurrent", "--synapses", "sometimes"}, "--synapses"},
		{[]string{"run", "recurrent", "--engine", "v8"}, "--engine"},
		{[]string{"bench", "--n", "1"}, "--n"},
		{[]string{"bench", "--engines", "gpu"}, "--engines"},
	} {
		code, out, e := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(e, tc.want) || strings.Count(e, "\n") != 1 || out != "" {
			t.Errorf("%v: exit %d, stderr %q; want %d and one line holding %q", tc.args, code, e, exitUsage, tc.want)
		}
	}
	// Nothing was written by the refused runs.
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("--out holds %d entries after refused runs, want the one run and latest", len(entries))
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		code, out, _ := runCLI(t, arg)
		if code != 0 || !strings.HasPrefix(out, "spikegraph ") || strings.TrimSpace(out) == "spikegraph" {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
	dir := t.TempDir()
	if code, _, e := runCLI(t, "run", "single", "--duration", "10", "--out", dir); code != 0 {
		t.Fatal(e)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "latest", "summary.json"))
	if !strings.Contains(string(b), `"version": "`+versionString()+`"`) {
		t.Errorf("summary.json lacks the version %q: %s", versionString(), b)
	}
}

// TestRefusedBeforeAllocating: a run that cannot fit is refused before
// anything is built or written, with the estimate and the limit, and exits
// 64 (never Go's fatal 2).
func TestRefusedBeforeAllocating(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", "single", "--duration", "1e12"}, []string{"--duration", "2147483647"}},
		{[]string{"run", "recurrent", "--n", "20000", "--notebook", "--max-memory", "1G"}, []string{"needs about", "GB", "the limit is 1.07 GB", "--max-memory"}},
		{[]string{"run", "recurrent", "--n", "200000", "--p-rec", "0.001", "--max-memory", "256M"}, []string{"needs about", "the limit is 268 MB"}},
		{[]string{"run", "recurrent", "--n", "100000"}, []string{"--n", "1e+09 synapses", "p-rec"}},
		{[]string{"run", "uncoupled", "--n", "1000000", "--max-memory", "64M"}, []string{"needs about", "the limit is 67.1 MB"}},
		{[]string{"run", "single", "--max-memory", "lots"}, []string{"--max-memory", "not a size"}},
		{[]string{"run", "single", "--max-memory", "-1G"}, []string{"--max-memory", "not a size"}},
	} {
		var out, errb bytes.Buffer
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		before := m.TotalAlloc
		code := dispatch(context.Background(), append(tc.args, "--out", dir), &out, &errb)
		runtime.ReadMemStats(&m)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, exitUsage, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%v: stderr %q lacks %q", tc.args, errb.String(), w)
			}
		}
		// Refused before the weights: far less than the run would take.
		if grew := m.TotalAlloc - before; grew > 64<<20 {
			t.Errorf("%v: allocated %d bytes before refusing", tc.args, grew)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("refused runs made --out (%v)", err)
	}
	for _, tc := range []struct {
		in   string
		want int64
	}{{"4G", 4 << 30}, {"512M", 512 << 20}, {"1.5GiB", 3 << 29}, {"2048", 2048}, {"64kB", 64 << 10}} {
		if got, err := parseBytes(tc.in); err != nil || got != tc.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestDiskEstimate(t *testing.T) {
	plan, err := sim.PlanScenario("single", network.Options{}, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	// 2e9 + 1 samples of one float64 (16 GB), and 1e8 spikes at 100 Hz of
	// 12 bytes each (1.2 GB).
	if got := outputBytes(plan); got != 16e9+8+1.2e9 {
		t.Errorf("single for 1e9 ms: %d bytes, want 17.2e9 + 8", got)
	}
	free, err := freeBytes(filepath.Join(t.TempDir(), "not", "yet"))
	if err != nil || free <= 0 {
		t.Fatalf("freeBytes of a folder to come: %d, %v", free, err)
	}
	big, err := sim.PlanScenario("uncoupled", network.Options{N: 1000000}, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	if outputBytes(big) <= free {
		t.Skipf("the disk holds %d bytes: more than the refusal case needs", free)
	}
	var out, errb bytes.Buffer
	if code := dispatch(context.Background(), []string{"run", "uncoupled", "--n", "1000000", "--duration", "1e9", "--out", t.TempDir()}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), "free") {
		t.Errorf("a run too large for the disk: exit %d, %q", code, errb.String())
	}
}

// TestRhythmNeedsItsDuration: izhikevich2003 at the shortest duration its
// analysis accepts runs to the end; a millisecond less is refused before
// any work, never after simulating.
func TestRhythmNeedsItsDuration(t *testing.T) {
	dir := t.TempDir()
	min := strconv.Itoa(network.RhythmMinDurationMs)
	if code, _, e := runCLI(t, "run", "izhikevich2003", "--n", "100", "--duration", min, "--out", dir); code != 0 {
		t.Fatalf("--duration %s: exit %d, %s", min, code, e)
	}
	less := strconv.Itoa(network.RhythmMinDurationMs - 1)
	code, _, e := runCLI(t, "run", "izhikevich2003", "--n", "100", "--duration", less, "--out", dir, "--name", "short")
	if code != exitUsage || !strings.Contains(e, "--duration") {
		t.Errorf("--duration %s: exit %d, %q", less, code, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "short")); !os.IsNotExist(err) {
		t.Error("the refused run made a folder")
	}
}
