package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/session"
)

// panelSpikes runs panel p through figures and session, as the figures
// package's tests do, and returns the program's spike times.
func panelSpikes(t *testing.T, p figures.Panel, dtype tensor.Dtype) []float64 {
	t.Helper()
	m, err := p.Build(dtype)
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.New(m.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sp := session.RecordSpikes(figures.NameFired, 0)
	if err := s.Steps(context.Background(), p.Steps(), m.Feeder, sp); err != nil {
		t.Fatal(err)
	}
	samples := make([]int, len(sp.Events))
	for i, e := range sp.Events {
		samples[i] = int(e.Sample)
	}
	return p.SpikeTimes(samples)
}

// panelFile is the shape of one entry of features.json and classes.json.
type panelFile struct {
	Name       string    `json:"name"`
	SpikesMs   []float64 `json:"spikes_ms"`
	DtMs       float64   `json:"dt_ms"`
	DurationMs float64   `json:"duration_ms"`
	Dtype      string    `json:"dtype"`
}

// objectKeys returns the keys of the JSON object b in the order written.
func objectKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("JSON starts with %v, %v", tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestFigureCommandsWriteTheirFiles(t *testing.T) {
	cases := []struct {
		cmd    string
		dtype  string
		panels []figures.Panel
		keys   []string
		w, h   int
	}{
		{"features", "float64", figures.Behaviours(),
			strings.Split("A B C D E F G H I J K L M N O P Q R S T", " "), 1600, 1600},
		{"classes", "float64", figures.Classes(), []string{"RS", "IB", "CH", "FS", "TC", "TCb", "RZ", "LTS"}, 1600, 720},
		// float32 moves some of FS's and LTS's spikes (see models/figures).
		{"classes", "float32", figures.Classes(), []string{"RS", "IB", "CH", "FS", "TC", "TCb", "RZ", "LTS"}, 1600, 720},
	}
	for _, tc := range cases {
		t.Run(tc.cmd+"_"+tc.dtype, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "out")
			args := []string{tc.cmd, "--out", dir}
			if tc.dtype != "float64" {
				args = append(args, "--dtype", tc.dtype)
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout, "panels") || !strings.Contains(stdout, dir) {
				t.Errorf("summary on stdout: %q", stdout)
			}

			// The JSON file: every key, in the figure's order, with the
			// spike times of the panel run directly.
			b, err := os.ReadFile(filepath.Join(dir, "latest", tc.cmd+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if got := objectKeys(t, b); !slices.Equal(got, tc.keys) {
				t.Fatalf("keys %v, want %v", got, tc.keys)
			}
			var got map[string]panelFile
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			dt := tensor.Float64
			if tc.dtype == "float32" {
				dt = tensor.Float32
			}
			for _, p := range tc.panels {
				e := got[p.Key]
				want := panelSpikes(t, p, dt)
				for k, x := range want { // as spikes.csv prints them: 12 significant digits
					want[k], _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
				}
				if e.Name != p.Name || e.DtMs != p.DtMs || e.DurationMs != p.DurationMs || e.Dtype != tc.dtype {
					t.Errorf("%s: %+v, want name %q, dt %v, duration %v, dtype %s", p.Key, e, p.Name, p.DtMs, p.DurationMs, tc.dtype)
				}
				if e.SpikesMs == nil || !slices.Equal(e.SpikesMs, want) {
					t.Errorf("%s: spikes_ms %v, want %v", p.Key, e.SpikesMs, want)
				}
			}
			if tc.cmd == "features" && len(got["B"].SpikesMs) != 1 {
				t.Errorf("phasic spiking (B) has %d spikes, want 1", len(got["B"].SpikesMs))
			}

			// The PNG decodes, at the figure's size.
			f, err := os.Open(filepath.Join(dir, "latest", tc.cmd+".png"))
			if err != nil {
				t.Fatal(err)
			}
			img, format, err := image.Decode(f)
			f.Close()
			if err != nil || format != "png" || img.Bounds().Size() != image.Pt(tc.w, tc.h) {
				t.Fatalf("PNG: %v, %q, size %v, want %dx%d", err, format, img.Bounds().Size(), tc.w, tc.h)
			}

			// The traces: samples 1..Steps of every panel, t from 0 to the duration.
			f, err = os.Open(filepath.Join(dir, "latest", tc.cmd+"_traces.csv"))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows[0], []string{"panel", "t_ms", "v_mv", "i"}) {
				t.Fatalf("header %v", rows[0])
			}
			count := map[string]int{}
			for _, r := range rows[1:] {
				count[r[0]]++
			}
			for _, p := range tc.panels {
				if count[p.Key] != p.Steps() {
					t.Errorf("%s: %d rows, want %d", p.Key, count[p.Key], p.Steps())
				}
			}
			if rows[1][1] != "0" {
				t.Errorf("first sample at t = %s ms, want 0", rows[1][1])
			}
		})
	}
}

func TestFigureCommandsBadInput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--speed", "2"}, "speed"},
		{"unknown dtype", []string{"--dtype", "float16"}, "--dtype"},
		{"extra argument", []string{"extra"}, "extra"},
		{"scenario given", []string{"single"}, "single"},
		{"empty out", []string{"--out", ""}, "--out"},
		{"unwritable out", []string{"--out", filepath.Join(file, "sub")}, "--out"},
	}
	for _, cmd := range []string{"features", "classes"} {
		for _, tc := range cases {
			t.Run(cmd+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				dir := filepath.Join(t.TempDir(), "out")
				args := append([]string{cmd, "--out", dir}, tc.args...)
				code, stdout, stderr := runCLI(t, args...)
				if code != exitUsage {
					t.Fatalf("exit %d, want %d (stderr %q)", code, exitUsage, stderr)
				}
				if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) || !strings.HasPrefix(stderr, "spikegraph "+cmd+": ") {
					t.Fatalf("stderr %q: want one line naming %q", stderr, tc.want)
				}
				if stdout != "" {
					t.Fatalf("stdout %q", stdout)
				}
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Fatalf("output directory exists after bad input: %v", err)
				}
				if b, _ := os.ReadFile(file); string(b) != "x" {
					t.Fatal("the file was changed")
				}
			})
		}
	}
}

func TestFigureRunsHaveTheirOwnFolders(t *testing.T) {
	dir := t.TempDir()
	if code, _, e := runCLI(t, "features", "--out", dir, "--name", "f"); code != 0 {
		t.Fatal(e)
	}
	// An interrupted run (before its first panel) gets its own folder,
	// says so, and leaves latest where it was.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	if code := dispatch(ctx, []string{"classes", "--out", dir, "--name", "c"}, &out, &errb); code != exitInterrupted {
		t.Fatalf("interrupted: exit %d, want %d (%s)", code, exitInterrupted, errb.String())
	}
	if target, _ := os.Readlink(filepath.Join(dir, "latest")); target != "f" {
		t.Fatalf("latest -> %q after an interrupted run, want f", target)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "c", "summary.json")); !strings.Contains(string(b), `"status": "interrupted"`) {
		t.Errorf("interrupted run's summary.json: %s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "c", "classes.json")); !os.IsNotExist(err) {
		t.Fatal("an interrupted run wrote classes.json")
	}
	if code, _, e := runCLI(t, "classes", "--out", dir); code != 0 {
		t.Fatal(e)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "latest"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"classes.json", "classes.png", "classes_traces.csv", "summary.json"}
	if !slices.Equal(names, want) {
		t.Fatalf("the new run's folder: %v, want %v", names, want)
	}
}

func TestFigureCommandsHelp(t *testing.T) {
	for _, cmd := range []string{"features", "classes"} {
		code, out, e := runCLI(t, cmd, "-h")
		if code != 0 || !strings.Contains(out, "--dtype") || !strings.Contains(out, cmd+".json") || e != "" {
			t.Errorf("%s -h: exit %d, stdout %q, stderr %q", cmd, code, out, e)
		}
	}
	_, out, _ := runCLI(t, "help")
	for _, s := range []string{"features", "classes"} {
		if !strings.Contains(out, s) {
			t.Errorf("usage lacks %q", s)
		}
	}
}

// TestSpikeTimesDigits: features.json writes spike times with 12
// significant digits, as spikes.csv: the program's 42.8 ms (computed as
// 42.800000000000004) reads 42.8, and no number carries float noise.
func TestSpikeTimesDigits(t *testing.T) {
	b, err := json.Marshal(panelJSON{SpikesMs: msTimes{42.800000000000004, 0.30000000000000004, 13, 1e-7}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `"spikes_ms":[42.8,0.3,13,1e-07]`; !strings.Contains(string(b), want) {
		t.Errorf("%s, want %s", b, want)
	}
	if b, err := json.Marshal(panelJSON{}); err != nil || !strings.Contains(string(b), `"spikes_ms":null`) {
		t.Errorf("nil spikes: %s (%v)", b, err)
	}
	if _, err := json.Marshal(panelJSON{SpikesMs: msTimes{math.NaN()}}); err == nil {
		t.Error("NaN written")
	}
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "features", "--out", dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "latest", "features.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "\n      42.8,\n") {
		t.Error("features.json lacks 42.8 on a line of its own")
	}
	for _, tok := range strings.FieldsFunc(string(raw), func(r rune) bool { return strings.ContainsRune(" \n,[]{}:", r) }) {
		if x, err := strconv.ParseFloat(tok, 64); err == nil {
			if digits := strings.TrimLeft(strings.ReplaceAll(strings.Split(strings.TrimPrefix(tok, "-"), "e")[0], ".", ""), "0"); len(digits) > 12 {
				t.Errorf("%s (%v) has %d significant digits", tok, x, len(digits))
			}
		}
	}
}
