package outdir

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"
)

// listDir returns the sorted names in dir.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// readManifest decodes the manifest in dir.
func readManifest(t *testing.T, dir string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// writeText writes a file with the given content or fails the test.
func writeText(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readText returns a file's content or fails the test.
func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// commitRun writes each name with the content "<tag>:<name>" and commits.
func commitRun(t *testing.T, dir, tag string, names ...string) {
	t.Helper()
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	for _, name := range names {
		f, err := r.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Fprintf(f, "%s:%s", tag, name); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestFirstRun(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "out")
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON("summary.json", map[string]int{"spikes": 3}); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteCSV("spikes.csv", []string{"t_ms", "neuron"}, func(w *csv.Writer) error {
		return w.Write([]string{"1.5", "2"})
	}); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteNPY("v.npy", []float64{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		t.Fatal(err)
	}
	f, err := r.Create("raster.png")
	if err != nil {
		t.Fatal(err)
	}
	// Left open on purpose: Commit closes it.
	if _, err := f.WriteString("png"); err != nil {
		t.Fatal(err)
	}
	// Before Commit only the staging directory is visible.
	got := listDir(t, dir)
	if len(got) != 1 || !strings.HasPrefix(got[0], StagingPrefix) {
		t.Fatalf("before commit: dir holds %v, want only a staging dir", got)
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	want := []string{ManifestName, "raster.png", "spikes.csv", "summary.json", "v.npy"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("after commit: dir holds %v, want %v", got, want)
	}
	m := readManifest(t, dir)
	wantFiles := []string{"summary.json", "spikes.csv", "v.npy", "raster.png"}
	if !m.Complete || !slices.Equal(m.Files, wantFiles) || len(m.Stale) != 0 || m.Tool != "spikegraph" {
		t.Errorf("manifest = %+v, want complete with files %v", m, wantFiles)
	}
	if got := readText(t, filepath.Join(dir, "raster.png")); got != "png" {
		t.Errorf("raster.png = %q, want %q", got, "png")
	}
	if err := r.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("after Abort following Commit: dir holds %v, want %v", got, want)
	}
	if _, err := r.Create("x"); !errors.Is(err, ErrFinished) {
		t.Errorf("Create after Commit: err = %v, want ErrFinished", err)
	}
	if err := r.Commit(); !errors.Is(err, ErrFinished) {
		t.Errorf("second Commit: err = %v, want ErrFinished", err)
	}
}

func TestSecondRunReplacesFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeText(t, filepath.Join(dir, "notes.txt"), "mine")
	commitRun(t, dir, "run1", "summary.json", "spikes.csv", "v.npy")
	// User files created between runs, one named like an output.
	writeText(t, filepath.Join(dir, "later.txt"), "mine too")
	writeText(t, filepath.Join(dir, "raster.png"), "my png")
	commitRun(t, dir, "run2", "summary.json", "trace.png")

	want := []string{ManifestName, "later.txt", "notes.txt", "raster.png", "summary.json", "trace.png"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Fatalf("dir holds %v, want %v", got, want)
	}
	for name, content := range map[string]string{
		"notes.txt":    "mine",
		"later.txt":    "mine too",
		"raster.png":   "my png",
		"summary.json": "run2:summary.json",
		"trace.png":    "run2:trace.png",
	} {
		if got := readText(t, filepath.Join(dir, name)); got != content {
			t.Errorf("%s = %q, want %q", name, got, content)
		}
	}
	m := readManifest(t, dir)
	if !m.Complete || !slices.Equal(m.Files, []string{"summary.json", "trace.png"}) || len(m.Stale) != 0 {
		t.Errorf("manifest = %+v", m)
	}
}

func TestMissingManifestDeletesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	commitRun(t, dir, "run1", "a.csv", "b.csv")
	if err := os.Remove(filepath.Join(dir, ManifestName)); err != nil {
		t.Fatal(err)
	}
	commitRun(t, dir, "run2", "c.csv")
	want := []string{ManifestName, "a.csv", "b.csv", "c.csv"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
}

func TestForeignManifestDeletesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	parent := filepath.Dir(dir)
	victim := filepath.Join(parent, filepath.Base(dir)+"-victim")
	writeText(t, victim, "keep")
	writeText(t, filepath.Join(dir, "a.csv"), "keep")
	writeText(t, filepath.Join(dir, "sub-file"), "keep")
	cases := []string{
		`not json`,
		`{"tool":"other","version":1,"complete":true,"files":["a.csv"]}`,
		`{"tool":"spikegraph","version":2,"complete":true,"files":["a.csv"]}`,
		// Names that are not plain file names are never followed.
		`{"tool":"spikegraph","version":1,"complete":true,"files":["../` + filepath.Base(victim) + `", "/` + victim + `", ".", ""]}`,
	}
	for i, content := range cases {
		writeText(t, filepath.Join(dir, ManifestName), content)
		commitRun(t, dir, fmt.Sprint(i), "out.csv")
		for _, p := range []string{victim, filepath.Join(dir, "a.csv"), filepath.Join(dir, "sub-file")} {
			if got := readText(t, p); got != "keep" {
				t.Errorf("manifest %q: %s = %q, want %q", content, p, got, "keep")
			}
		}
	}
}

func TestStaleOnlyRemovesRegularFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	commitRun(t, dir, "run1", "x.png", "y.png")
	// The user replaced x.png by a directory of their own.
	if err := os.Remove(filepath.Join(dir, "x.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "x.png"), 0o755); err != nil {
		t.Fatal(err)
	}
	commitRun(t, dir, "run2", "z.png")
	want := []string{ManifestName, "x.png", "z.png"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
}

func TestRecoversFromInterruptedCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The state an interruption between steps 3 and 6 leaves: an incomplete
	// manifest, new and old outputs, a staging dir of the killed run.
	for _, name := range []string{"new.csv", "old.csv", "user.txt"} {
		writeText(t, filepath.Join(dir, name), name)
	}
	writeText(t, filepath.Join(dir, ManifestName),
		`{"tool":"spikegraph","version":1,"complete":false,"files":["new.csv"],"stale":["old.csv","gone.csv"]}`)
	staging := filepath.Join(dir, StagingPrefix+"killed")
	if err := os.Mkdir(staging, 0o755); err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(staging, "half.csv"), "x")
	old := time.Now().Add(-2 * StaleAfter)
	if err := os.Chtimes(staging, old, old); err != nil {
		t.Fatal(err)
	}
	commitRun(t, dir, "run3", "summary.json")
	want := []string{ManifestName, "summary.json", "user.txt"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
	if m := readManifest(t, dir); !m.Complete || !slices.Equal(m.Files, []string{"summary.json"}) {
		t.Errorf("manifest = %+v", m)
	}
}

func TestPrepareRemovesOnlyStaleStaging(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := time.Now().Add(-2 * StaleAfter)
	for _, name := range []string{StagingPrefix + "old", StagingPrefix + "fresh", ".other-old", "data"} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if name != StagingPrefix+"fresh" {
			if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeText(t, filepath.Join(dir, StagingPrefix+"file"), "not a dir")
	if err := os.Chtimes(filepath.Join(dir, StagingPrefix+"file"), old, old); err != nil {
		t.Fatal(err)
	}
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Abort(); err != nil {
		t.Fatal(err)
	}
	want := []string{StagingPrefix + "file", StagingPrefix + "fresh", ".other-old", "data"}
	slices.Sort(want)
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
}

func TestAbortKeepsPreviousOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	commitRun(t, dir, "run1", "summary.json", "v.npy")
	before := readText(t, filepath.Join(dir, ManifestName))
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON("summary.json", "run2"); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON("other.json", "run2"); err != nil {
		t.Fatal(err)
	}
	if err := r.Abort(); err != nil {
		t.Fatal(err)
	}
	want := []string{ManifestName, "summary.json", "v.npy"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
	if got := readText(t, filepath.Join(dir, "summary.json")); got != "run1:summary.json" {
		t.Errorf("summary.json = %q, want run1's", got)
	}
	if got := readText(t, filepath.Join(dir, ManifestName)); got != before {
		t.Errorf("manifest changed by Abort: %q, want %q", got, before)
	}
	if err := r.Commit(); !errors.Is(err, ErrFinished) {
		t.Errorf("Commit after Abort: err = %v, want ErrFinished", err)
	}
	if err := r.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
}

func TestAbortRemovesDirOnlyIfCreated(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	missing := filepath.Join(base, "new")
	r, err := Prepare(missing)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dir created by Prepare survives Abort: stat err = %v", err)
	}
	existing := filepath.Join(base, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	r, err = Prepare(existing)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, existing); len(got) != 0 {
		t.Errorf("existing dir holds %v after Abort, want nothing", got)
	}
}

func TestCommitRefusesToReplaceDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	commitRun(t, dir, "run1", "a.csv")
	before := readText(t, filepath.Join(dir, ManifestName))
	if err := os.Mkdir(filepath.Join(dir, "b.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"c.csv", "b.csv"} {
		if err := r.WriteJSON(name, 1); err != nil {
			t.Fatal(err)
		}
	}
	err = r.Commit()
	if err == nil || !strings.HasPrefix(err.Error(), "outdir: ") || !strings.Contains(err.Error(), "b.csv") {
		t.Fatalf("Commit err = %v, want an outdir error naming b.csv", err)
	}
	if err := r.Abort(); err != nil {
		t.Fatal(err)
	}
	want := []string{ManifestName, "a.csv", "b.csv"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
	if got := readText(t, filepath.Join(dir, ManifestName)); got != before {
		t.Errorf("manifest changed by failed Commit")
	}
}

func TestPrepareErrors(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	file := filepath.Join(base, "file")
	writeText(t, file, "x")
	cases := []struct {
		name string
		dir  string
	}{
		{"empty", ""},
		{"dir is a file", file},
		{"under a file", filepath.Join(file, "sub")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := Prepare(tc.dir)
			if err == nil {
				_ = r.Abort()
				t.Fatalf("Prepare(%q) succeeded, want error", tc.dir)
			}
			if !strings.HasPrefix(err.Error(), "outdir: ") {
				t.Errorf("err = %q, want prefix outdir:", err)
			}
			if tc.dir != "" && !strings.Contains(err.Error(), filepath.Base(tc.dir)) {
				t.Errorf("err = %q does not name the directory", err)
			}
		})
	}
	if got := readText(t, file); got != "x" {
		t.Errorf("file changed: %q", got)
	}
}

func TestPrepareUnwritable(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("permissions do not stop root; TestPrepareErrors covers a dir under a file")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	r, err := Prepare(dir)
	if err == nil {
		_ = r.Abort()
		t.Fatal("Prepare on a read-only dir succeeded, want error")
	}
	if !strings.Contains(err.Error(), "not writable") || !errors.Is(err, os.ErrPermission) {
		t.Errorf("err = %v, want a not-writable permission error", err)
	}
}

func TestCreateNames(t *testing.T) {
	t.Parallel()
	r, err := Prepare(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	for _, name := range []string{"", ".", "..", "../x", "a/b", `a\b`, ".hidden", ManifestName, "a\x00b", "/abs"} {
		if _, err := r.Create(name); !errors.Is(err, ErrInvalidName) || !strings.HasPrefix(err.Error(), "outdir: ") {
			t.Errorf("Create(%q): err = %v, want ErrInvalidName", name, err)
		}
	}
	f, err := r.Create("ok.txt")
	if err != nil {
		t.Fatalf("Create(ok.txt): %v", err)
	}
	_ = f.Close()
	if _, err := r.Create("ok.txt"); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second Create(ok.txt): err = %v, want ErrDuplicate", err)
	}
	if err := r.WriteJSON("ok.txt", 1); !errors.Is(err, ErrDuplicate) {
		t.Errorf("WriteJSON(ok.txt) after Create: err = %v, want ErrDuplicate", err)
	}
}

func TestWriteNPYRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	data2 := []float64{0, -65.5, 30, 1e-300, math.Inf(1), 7, 8, 9, 10, 11, 12, 13}
	data1 := []float64{1.25, 2.5}
	if err := r.WriteNPY("v.npy", data2, 3, 4); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteNPY("w.npy", data1); err != nil {
		t.Fatal(err)
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  []float64
		shape tensor.Shape
	}{{"v.npy", data2, tensor.Shape{3, 4}}, {"w.npy", data1, tensor.Shape{2}}} {
		f, err := os.Open(filepath.Join(dir, tc.name))
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
	r, err := Prepare(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
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

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	type summary struct {
		Scenario string    `json:"scenario"`
		Rates    []float64 `json:"rates"`
	}
	dir := t.TempDir()
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	want := summary{Scenario: "tonic", Rates: []float64{1.5, 20}}
	if err := r.WriteJSON("summary.json", want); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON("bad.json", math.NaN()); err == nil || !strings.HasPrefix(err.Error(), "outdir: ") {
		t.Errorf("WriteJSON(NaN): err = %v, want an outdir error", err)
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	b := readText(t, filepath.Join(dir, "summary.json"))
	if !strings.HasSuffix(b, "}\n") || !strings.Contains(b, "\n  \"scenario\": \"tonic\"") {
		t.Errorf("summary.json = %q, want indented JSON with a trailing newline", b)
	}
	var got summary
	if err := json.Unmarshal([]byte(b), &got); err != nil {
		t.Fatal(err)
	}
	if got.Scenario != want.Scenario || !slices.Equal(got.Rates, want.Rates) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bad.json exists after a failed write: stat err = %v", err)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := Prepare(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	want := [][]string{{"t_ms", "neuron"}, {"0.5", "3"}, {"1", "a,b \"q\""}}
	if err := r.WriteCSV("spikes.csv", want[0], func(w *csv.Writer) error {
		return w.WriteAll(want[1:])
	}); err != nil {
		t.Fatal(err)
	}
	errRows := errors.New("rows failed")
	if err := r.WriteCSV("bad.csv", nil, func(w *csv.Writer) error {
		_ = w.Write([]string{"partial"})
		return errRows
	}); !errors.Is(err, errRows) {
		t.Errorf("WriteCSV with failing rows: err = %v, want it to wrap the rows error", err)
	}
	if err := r.WriteCSV("nil.csv", nil, nil); err == nil {
		t.Error("WriteCSV with nil rows succeeded")
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "spikes.csv"))
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
	if names := listDir(t, dir); !slices.Equal(names, []string{ManifestName, "spikes.csv"}) {
		t.Errorf("dir holds %v, want only spikes.csv and the manifest", names)
	}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	names := []string{"a.csv", "b.csv", "c.csv"}
	prev := map[string]bool{"a.csv": true, "x.csv": true, "w.csv": true}
	inDir := map[string]bool{"a.csv": true, "b.csv": true, "x.csv": true, "notes.txt": true}
	claimed, stale := plan(names, prev, func(name string) bool { return inDir[name] })
	// b.csv is a user's file until Commit renames over it, so the
	// incomplete manifest must not claim it.
	if want := []string{"a.csv", "c.csv"}; !slices.Equal(claimed, want) {
		t.Errorf("claimed = %v, want %v", claimed, want)
	}
	if want := []string{"w.csv", "x.csv"}; !slices.Equal(stale, want) {
		t.Errorf("stale = %v, want %v", stale, want)
	}
}
