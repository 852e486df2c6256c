package outdir

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// begin starts a run in parent or fails the test.
func begin(t *testing.T, parent, name string) *Run {
	t.Helper()
	r, err := Begin(parent, name, 7, "spikegraph test", "v-test")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// summaryOf decodes the summary.json of folder dir.
func summaryOf(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, SummaryName))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

// latest returns the folder LatestName points to, or "".
func latest(t *testing.T, parent string) string {
	t.Helper()
	target, err := os.Readlink(filepath.Join(parent, LatestName))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return target
}

func TestBeginWritesARunningSummary(t *testing.T) {
	t.Parallel()
	parent := filepath.Join(t.TempDir(), "a", "b")
	r := begin(t, parent, "")
	if filepath.Dir(r.Dir()) != parent || !strings.HasSuffix(r.ID(), "-seed7") || len(r.ID()) != len("20261130T064501.123Z-seed7") {
		t.Errorf("run %q in %q", r.ID(), r.Dir())
	}
	s := summaryOf(t, r.Dir())
	if s["status"] != StatusRunning || s["run_id"] != r.ID() || s["version"] != "v-test" || s["command"] != "spikegraph test" || int(s["pid"].(float64)) != os.Getpid() {
		t.Errorf("summary = %v", s)
	}
	if latest(t, parent) != "" {
		t.Error("latest exists before any run completed")
	}
	// Two runs in the same millisecond get two folders.
	r2 := begin(t, parent, "")
	if r2.ID() == r.ID() {
		t.Errorf("two runs share %q", r.ID())
	}
}

func TestFinishComplete(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	r := begin(t, parent, "first")
	if err := r.WriteJSON("x.json", map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	f, err := r.Create("stream.csv")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("t_ms,neuron\n")
	f.Close()
	type sum struct {
		Scenario string `json:"scenario"`
		Spikes   int    `json:"spikes"`
	}
	if err := r.Finish(StatusComplete, sum{"single", 4}); err != nil {
		t.Fatal(err)
	}
	if got := latest(t, parent); got != "first" {
		t.Errorf("latest -> %q, want first", got)
	}
	s := summaryOf(t, r.Dir())
	if s["status"] != StatusComplete || s["scenario"] != "single" || s["spikes"] != 4.0 {
		t.Errorf("summary = %v", s)
	}
	b, _ := os.ReadFile(filepath.Join(r.Dir(), SummaryName))
	if !strings.HasPrefix(string(b), "{\n  \"status\": \"complete\",\n  \"scenario\"") {
		t.Errorf("summary.json does not start with the status, then the struct's keys in order:\n%s", b)
	}
	if !slices.Equal(r.Files(), []string{"x.json", "stream.csv"}) {
		t.Errorf("Files = %v", r.Files())
	}
	if err := r.Finish(StatusComplete, sum{}); !errors.Is(err, ErrFinished) {
		t.Errorf("second Finish: %v, want ErrFinished", err)
	}
	if err := r.WriteJSON("y.json", 1); !errors.Is(err, ErrFinished) {
		t.Errorf("write after Finish: %v, want ErrFinished", err)
	}

	// An interrupted run keeps its files and its status; latest stays.
	r2 := begin(t, parent, "second")
	if err := r2.WriteJSON("x.json", 2); err != nil {
		t.Fatal(err)
	}
	if err := r2.Finish(StatusInterrupted, sum{"single", 1}); err != nil {
		t.Fatal(err)
	}
	if got := latest(t, parent); got != "first" {
		t.Errorf("latest -> %q after an interrupted run, want first", got)
	}
	if s := summaryOf(t, r2.Dir()); s["status"] != StatusInterrupted {
		t.Errorf("interrupted summary = %v", s)
	}
	// A third, complete run moves latest.
	r3 := begin(t, parent, "")
	if err := r3.Finish(StatusComplete, sum{}); err != nil {
		t.Fatal(err)
	}
	if got := latest(t, parent); got != r3.ID() {
		t.Errorf("latest -> %q, want %q", got, r3.ID())
	}
}

func TestUserFilesAreNeverTouched(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	os.WriteFile(filepath.Join(parent, "spikes.csv"), []byte("mine"), 0o644)
	r := begin(t, parent, "")
	if err := r.WriteJSON("spikes.csv", 1); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(StatusComplete, map[string]int{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(parent, "spikes.csv")); string(b) != "mine" {
		t.Errorf("the user's spikes.csv became %q", b)
	}
	// A user's file named latest is refused, and kept.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, LatestName), []byte("notes"), 0o644)
	if _, err := Begin(other, "", 1, "", ""); !errors.Is(err, ErrNotOurs) {
		t.Errorf("Begin with a user's latest: %v, want ErrNotOurs", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, LatestName)); string(b) != "notes" {
		t.Errorf("the user's latest became %q", b)
	}
}

func TestBeginNames(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	for _, name := range []string{"latest", ".hidden", "a/b", "a b", "..", "x\x00"} {
		if _, err := Begin(parent, name, 1, "", ""); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Begin(%q): %v, want ErrInvalidName", name, err)
		}
	}
	begin(t, parent, "mine")
	if _, err := Begin(parent, "mine", 1, "", ""); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Begin with an existing name: %v, want ErrInvalidName", err)
	}
	if _, err := Begin("", "", 1, "", ""); err == nil {
		t.Error("Begin(\"\"): no error")
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := Begin(file, "", 1, "", ""); err == nil {
		t.Error("Begin on a file: no error")
	}
}

// TestMarkKilled: a folder left "running" by a dead process is marked
// interrupted and killed by the next run; one whose process lives is not.
func TestMarkKilled(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	live := begin(t, parent, "live") // this process: alive
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true(1):", err)
	}
	dead := begin(t, parent, "dead")
	s := summaryOf(t, dead.Dir())
	s["pid"] = cmd.Process.Pid // a process that has exited
	b, _ := json.Marshal(s)
	os.WriteFile(filepath.Join(dead.Dir(), SummaryName), b, 0o644)
	os.WriteFile(filepath.Join(dead.Dir(), "spikes.csv"), []byte("t_ms,neuron\n1,2\n"), 0o644)

	next := begin(t, parent, "next")
	if !slices.Equal(next.Marked, []string{"dead"}) {
		t.Errorf("marked %v, want [dead]", next.Marked)
	}
	if s := summaryOf(t, dead.Dir()); s["status"] != StatusInterrupted || s["killed"] != true {
		t.Errorf("dead run's summary = %v", s)
	}
	if _, err := os.Stat(filepath.Join(dead.Dir(), "spikes.csv")); err != nil {
		t.Errorf("the killed run's file is gone: %v", err)
	}
	if s := summaryOf(t, live.Dir()); s["status"] != StatusRunning {
		t.Errorf("live run's summary = %v", s)
	}
}

func TestCreateNames(t *testing.T) {
	t.Parallel()
	r := begin(t, t.TempDir(), "")
	for _, name := range []string{"", ".", "..", "../x", "a/b/c", "a/", "a/.b", `a\b`, ".hidden", SummaryName, "/abs"} {
		if _, err := r.Create(name); !errors.Is(err, ErrInvalidName) || !strings.HasPrefix(err.Error(), "outdir: ") {
			t.Errorf("Create(%q): err = %v, want ErrInvalidName", name, err)
		}
	}
	f, err := r.Create("ok.txt")
	if err != nil {
		t.Fatalf("Create(ok.txt): %v", err)
	}
	_ = f.Close()
	// One folder level: the folder is made (the watch/ files of a run).
	if f, err := r.Create("watch/ok.npy"); err != nil {
		t.Errorf("Create(watch/ok.npy): %v", err)
	} else {
		_ = f.Close()
		if _, err := os.Stat(filepath.Join(r.Dir(), "watch", "ok.npy")); err != nil {
			t.Error(err)
		}
	}
	if _, err := r.Create("ok.txt"); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second Create(ok.txt): err = %v, want ErrDuplicate", err)
	}
	if err := r.WriteJSON("ok.txt", 1); !errors.Is(err, ErrDuplicate) {
		t.Errorf("WriteJSON(ok.txt) after Create: err = %v, want ErrDuplicate", err)
	}
}

func TestWriteNPYRoundTrip(t *testing.T) {
	t.Parallel()
	r := begin(t, t.TempDir(), "")
	data2 := []float64{0, -65.5, 30, 1e-300, math.Inf(1), 7, 8, 9, 10, 11, 12, 13}
	data1 := []float64{1.25, 2.5}
	if err := r.WriteNPY("v.npy", data2, 3, 4); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteNPY("w.npy", data1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  []float64
		shape tensor.Shape
	}{{"v.npy", data2, tensor.Shape{3, 4}}, {"w.npy", data1, tensor.Shape{2}}} {
		f, err := os.Open(filepath.Join(r.Dir(), tc.name))
		if err != nil {
			t.Fatal(err)
		}
		got := new(tensor.Dense)
		err = got.ReadNpy(f)
		_ = f.Close()
		if err != nil {
			t.Fatalf("%s: ReadNpy: %v", tc.name, err)
		}
		if !got.Shape().Eq(tc.shape) {
			t.Errorf("%s: shape = %v, want %v", tc.name, got.Shape(), tc.shape)
		}
		vals, ok := got.Data().([]float64)
		if !ok || !slices.Equal(vals, tc.data) {
			t.Errorf("%s: data = %v, want %v", tc.name, got.Data(), tc.data)
		}
	}
}

// TestWriteNPYBytesAreTensors checks that our writer gives the bytes of
// gorgonia.org/tensor's WriteNpy, which wrote the golden v.npy files of
// 4a123e4, for shapes whose headers need every padding from 1 to 16.
func TestWriteNPYBytesAreTensors(t *testing.T) {
	t.Parallel()
	shapes := [][]int{{1}, {2}, {12}, {1, 1}, {801, 5}, {2001, 1}, {3, 4}, {2, 3, 2}, {1, 2, 3, 2}}
	for a := 1; a <= 1e6; a *= 10 { // header lengths 56..62 and more
		shapes = append(shapes, []int{a}, []int{a, 3}, []int{a, 1, 1})
	}
	pads := map[int]bool{}
	for _, shape := range shapes {
		size := 1
		for _, d := range shape {
			size *= d
		}
		data := make([]float64, size)
		for i := range data {
			data[i] = float64(i)*0.37 - 65 + math.Float64frombits(uint64(i))
		}
		var got, want bytes.Buffer
		if err := writeNPY(&got, data, shape); err != nil {
			t.Fatal(err)
		}
		if err := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data)).WriteNpy(&want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			n := min(got.Len(), want.Len(), 80)
			t.Errorf("shape %v: %d bytes %q..., tensor's %d bytes %q...", shape, got.Len(), got.Bytes()[:n], want.Len(), want.Bytes()[:n])
		}
		header := string(got.Bytes()[10 : 10+int(binary.LittleEndian.Uint16(got.Bytes()[8:10]))])
		pads[len(header)-len(strings.TrimRight(header, " "))] = true
	}
	if len(pads) < 10 {
		t.Errorf("the shapes tried only %d paddings: %v", len(pads), pads)
	}
}

func TestWriteNPYRejectsBadShapes(t *testing.T) {
	t.Parallel()
	r := begin(t, t.TempDir(), "")
	data := make([]float64, 12)
	cases := []struct {
		name  string
		data  []float64
		shape []int
	}{
		{"too few values", data, []int{3, 5}},
		{"too many values", data, []int{3, 3}},
		{"zero dim", data, []int{0, 12}},
		{"negative dim", data, []int{-1, -12}},
		{"overflow", data, []int{math.MaxInt / 2, 4, 2}},
		{"empty data", nil, nil},
	}
	for _, tc := range cases {
		if err := r.WriteNPY("v.npy", tc.data, tc.shape...); err == nil || !strings.HasPrefix(err.Error(), "outdir: ") {
			t.Errorf("%s: err = %v, want an outdir error", tc.name, err)
		}
	}
	// No file was created, so the name is still free.
	if err := r.WriteNPY("v.npy", data, 4, 3); err != nil {
		t.Errorf("WriteNPY after rejected shapes: %v", err)
	}
}

func TestJSONAndCSV(t *testing.T) {
	t.Parallel()
	r := begin(t, t.TempDir(), "")
	if err := r.WriteJSON("bad.json", math.NaN()); err == nil || !strings.HasPrefix(err.Error(), "outdir: ") {
		t.Errorf("WriteJSON(NaN): err = %v, want an outdir error", err)
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), "bad.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bad.json exists after a failed write: stat err = %v", err)
	}
	want := [][]string{{"t_ms", "neuron"}, {"0.5", "3"}, {"1", "a,b \"q\""}}
	if err := r.WriteCSV("spikes.csv", want[0], func(w *csv.Writer) error { return w.WriteAll(want[1:]) }); err != nil {
		t.Fatal(err)
	}
	errRows := errors.New("rows failed")
	if err := r.WriteCSV("bad.csv", nil, func(w *csv.Writer) error { return errRows }); !errors.Is(err, errRows) {
		t.Errorf("WriteCSV with failing rows: err = %v, want it to wrap the rows error", err)
	}
	if err := r.WriteCSV("nil.csv", nil, nil); err == nil {
		t.Error("WriteCSV with nil rows succeeded")
	}
	f, err := os.Open(filepath.Join(r.Dir(), "spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %q, want %q", got, want)
	}
	entries, _ := os.ReadDir(r.Dir())
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"spikes.csv", SummaryName}) {
		t.Errorf("run folder holds %v, want spikes.csv and summary.json only (no temporary files)", names)
	}
}

// TestFilesShareOnePermission: a file written atomically (JSON, CSV, NPY,
// Write) gets the permissions of a streamed one (Create), 0666 less the
// umask, not os.CreateTemp's 0600.
func TestFilesShareOnePermission(t *testing.T) {
	t.Parallel()
	r := begin(t, t.TempDir(), "")
	f, err := r.Create("streamed.csv")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := r.WriteJSON("atomic.json", map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteNPY("atomic.npy", []float64{1, 2}, 2); err != nil {
		t.Fatal(err)
	}
	want, err := os.Stat(filepath.Join(r.Dir(), "streamed.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"atomic.json", "atomic.npy", "summary.json"} {
		fi, err := os.Stat(filepath.Join(r.Dir(), name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want.Mode().Perm() {
			t.Errorf("%s has mode %v, a streamed file %v", name, fi.Mode().Perm(), want.Mode().Perm())
		}
	}
}
