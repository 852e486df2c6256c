package outdir

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrInvalidName reports a file or run name that is empty, holds a path
	// separator, starts with a dot, or is reserved.
	ErrInvalidName = errors.New("outdir: invalid name")
	// ErrDuplicate reports a file written twice in one run.
	ErrDuplicate = errors.New("outdir: file written twice")
	// ErrFinished reports use of a Run after Finish.
	ErrFinished = errors.New("outdir: run already finished")
	// ErrNotOurs reports a LatestName entry that is not spikegraph's link:
	// a user's file, which spikegraph never replaces.
	ErrNotOurs = errors.New("outdir: not spikegraph's link")
)

// The names outdir gives meaning to.
const (
	// LatestName is the link in the parent to the newest complete run.
	LatestName = "latest"
	// SummaryName is each run's summary, which carries its status.
	SummaryName = "summary.json"
)

// The statuses of a run (the "status" key of summary.json).
const (
	StatusRunning     = "running"     // the run is going on, or was killed (see Begin)
	StatusComplete    = "complete"    // every output is written; only such runs become latest
	StatusInterrupted = "interrupted" // stopped by a signal, or killed (then "killed": true)
	StatusDiverged    = "diverged"    // stopped by a numerical guard
	StatusFailed      = "failed"      // stopped by an error
)

// Run is one run's folder: parent/ID, which no other run writes into.
type Run struct {
	parent, id, dir string
	started         time.Time
	files           []string
	finished        bool
	Marked          []string // leftovers of killed runs that Begin marked
}

// start is the summary written when a run begins, so that a run killed at
// any moment leaves a folder that says what it was.
type start struct {
	Status    string `json:"status"`
	RunID     string `json:"run_id"`
	Command   string `json:"command"`
	Version   string `json:"version"`
	PID       int    `json:"pid"`
	PIDStart  string `json:"pid_start,omitempty"` // the process's start time, to tell a reused pid
	StartedAt string `json:"started_at"`
}

// Begin creates a new run folder in parent (created if missing) and
// returns its Run. The folder's name is name when given (letters, digits,
// '-', '_', '.'; it must not exist yet), else a sortable UTC time stamp
// with the seed, e.g. 20261130T064501.123Z-seed1 (with -2, -3, ... when two
// runs start in the same millisecond). It writes summary.json with status
// "running", command and version, before anything else.
//
// Begin first marks the leftovers of killed runs: a folder whose
// summary.json still says "running" while its process is gone gets status
// "interrupted" and "killed": true; nothing is ever deleted. It refuses a
// parent whose LatestName is not spikegraph's link (ErrNotOurs).
func Begin(parent, name string, seed uint64, command, version string) (*Run, error) {
	if parent == "" {
		return nil, errors.New("outdir: empty output directory name")
	}
	parent = filepath.Clean(parent)
	if name != "" {
		if err := checkRunName(name); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("outdir: create output directory: %w", err)
	}
	if info, err := os.Lstat(filepath.Join(parent, LatestName)); err == nil && info.Mode()&fs.ModeSymlink == 0 {
		return nil, fmt.Errorf("%w: %s is a user's %s; choose another --out", ErrNotOurs, filepath.Join(parent, LatestName), info.Mode().Type())
	}
	now := time.Now().UTC()
	r := &Run{parent: parent, started: now}
	r.Marked = markKilled(parent)
	if name != "" {
		if err := os.Mkdir(filepath.Join(parent, name), 0o755); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil, fmt.Errorf("%w: run %q exists in %s", ErrInvalidName, name, parent)
			}
			return nil, fmt.Errorf("outdir: output directory %s is not writable: %w", parent, err)
		}
		r.id = name
	} else {
		base := now.Format("20060102T150405.000Z") + "-seed" + strconv.FormatUint(seed, 10)
		for k := 1; ; k++ {
			id := base
			if k > 1 {
				id += "-" + strconv.Itoa(k)
			}
			err := os.Mkdir(filepath.Join(parent, id), 0o755)
			if err == nil {
				r.id = id
				break
			}
			if !errors.Is(err, fs.ErrExist) || k > 1000 {
				return nil, fmt.Errorf("outdir: output directory %s is not writable: %w", parent, err)
			}
		}
	}
	r.dir = filepath.Join(parent, r.id)
	s := start{Status: StatusRunning, RunID: r.id, Command: command, Version: version, PID: os.Getpid(),
		PIDStart: processStart(os.Getpid()), StartedAt: now.Format(time.RFC3339Nano)}
	if err := r.writeAtomic(SummaryName, jsonBytes(s)); err != nil {
		return nil, err
	}
	return r, nil
}

// ID returns the run's name, the name of its folder.
func (r *Run) ID() string { return r.id }

// Dir returns the run's folder.
func (r *Run) Dir() string { return r.dir }

// Files returns the names written so far, in order, summary.json excluded.
func (r *Run) Files() []string { return slices.Clone(r.files) }

// CheckRunName reports whether name may name a run's folder: letters,
// digits, '-', '_' and '.', not starting with '.', and not LatestName.
func CheckRunName(name string) error { return checkRunName(name) }

func checkRunName(name string) error {
	if name == "" || name == LatestName || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return fmt.Errorf("%w: run name %q", ErrInvalidName, name)
	}
	for _, c := range name {
		if !(c == '-' || c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("%w: run name %q has %q (use letters, digits, '-', '_' and '.')", ErrInvalidName, name, c)
		}
	}
	return nil
}

func checkName(name string) error {
	if name == "" || name == SummaryName || strings.ContainsAny(name, `\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("%w: %q", ErrInvalidName, name)
	}
	// One folder level at most ("watch/net__v.npy"), each part a plain name.
	if dir, file, ok := strings.Cut(name, "/"); ok {
		if dir == "" || file == "" || strings.Contains(file, "/") || strings.HasPrefix(dir, ".") || strings.HasPrefix(file, ".") {
			return fmt.Errorf("%w: %q", ErrInvalidName, name)
		}
	}
	return nil
}

// free reports whether name may be written: a valid name not written yet.
func (r *Run) free(name string) error {
	if r.finished {
		return ErrFinished
	}
	if err := checkName(name); err != nil {
		return err
	}
	if slices.Contains(r.files, name) {
		return fmt.Errorf("%w: %q", ErrDuplicate, name)
	}
	return nil
}

// claim records name as written.
func (r *Run) claim(name string) error {
	if err := r.free(name); err != nil {
		return err
	}
	r.files = append(r.files, name)
	return nil
}

// Create creates the file name in the run's folder for writing as the run
// goes (a streamed output): what it holds when the run stops is kept.
func (r *Run) Create(name string) (*os.File, error) {
	if err := r.claim(name); err != nil {
		return nil, err
	}
	path := filepath.Join(r.dir, name)
	if dir := filepath.Dir(path); dir != r.dir {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("outdir: create %q: %w", name, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("outdir: create %q: %w", name, err)
	}
	return f, nil
}

// Write writes the file name whole with fill: into a temporary file,
// synced, then renamed, so that name never holds a partial file. An error
// from fill leaves no file and is returned wrapped.
func (r *Run) Write(name string, fill func(w io.Writer) error) error { return r.write(name, fill) }

func (r *Run) write(name string, fill func(w io.Writer) error) error {
	if err := r.free(name); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := fill(&buf); err != nil {
		return fmt.Errorf("outdir: write %q: %w", name, err)
	}
	if err := r.writeAtomic(name, buf.Bytes()); err != nil {
		return err
	}
	return r.claim(name)
}

// writeAtomic replaces name in the run's folder with b: a temporary file,
// synced, renamed over it, and the folder synced.
func (r *Run) writeAtomic(name string, b []byte) error {
	tmp, err := createTemp(r.dir, "."+name+".tmp-")
	if err != nil {
		return fmt.Errorf("outdir: write %q: %w", name, err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(r.dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("outdir: write %q: %w", name, err)
	}
	syncDir(r.dir)
	return nil
}

// createTemp creates a new file dir/prefix<random> with mode 0666 less
// the umask, as os.Create does, so that files written atomically get the
// same permissions as the streamed ones (os.CreateTemp's are 0600).
func createTemp(dir, prefix string) (*os.File, error) {
	for range 1000 {
		f, err := os.OpenFile(filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !os.IsExist(err) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary name for %q in %s", prefix, dir)
}

func jsonBytes(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return []byte("{}\n")
	}
	return append(b, '\n')
}

// WriteJSON writes v as indented JSON with a trailing newline to the
// output file name. Values that encoding/json rejects (NaN, channels)
// give an error and no file.
func (r *Run) WriteJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("outdir: encode %q: %w", name, err)
	}
	b = append(b, '\n')
	return r.write(name, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// WriteCSV writes the output file name as CSV: the header row (none if
// header is empty), then the rows that rows writes with the given writer.
// An error from rows leaves no file and is returned wrapped.
func (r *Run) WriteCSV(name string, header []string, rows func(w *csv.Writer) error) error {
	if rows == nil {
		return fmt.Errorf("outdir: write %q: nil rows function", name)
	}
	return r.write(name, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if len(header) > 0 {
			if err := cw.Write(header); err != nil {
				return err
			}
		}
		if err := rows(cw); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
}

// WriteNPY writes data as a NumPy .npy file (version 1.0, little-endian
// float64, C order) with the given shape to the output file name. Without
// a shape the array is one-dimensional. Every dimension must be at least
// 1 and the product of the shape must equal len(data).
func (r *Run) WriteNPY(name string, data []float64, shape ...int) error {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	size := 1
	for i, d := range shape {
		if d < 1 {
			return fmt.Errorf("outdir: write %q: dimension %d of shape %v is %d, want ≥ 1", name, i, shape, d)
		}
		if size > len(data)/d { // size*d would exceed len(data); no overflow
			return fmt.Errorf("outdir: write %q: shape %v needs more than %d values", name, shape, len(data))
		}
		size *= d
	}
	if size != len(data) {
		return fmt.Errorf("outdir: write %q: shape %v holds %d values, data has %d", name, shape, size, len(data))
	}
	return r.write(name, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := writeNPY(bw, data, shape); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// writeNPY writes the .npy bytes that gorgonia.org/tensor's WriteNpy
// writes for a float64 array of that shape (which the golden outputs of
// 4a123e4 hold): the magic, version 1.0, the header length (uint16,
// little-endian), the header padded with 1 to 16 spaces so that the data
// starts on a 16-byte boundary, then the values, little-endian.
func writeNPY(w io.Writer, data []float64, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	header := "{'descr': '<f8', 'fortran_order': False, 'shape': " + tuple + "}"
	header += strings.Repeat(" ", 16-(10+len(header))%16)
	if len(header) > math.MaxUint16 {
		return fmt.Errorf("a shape of %d dimensions makes too long a header", len(shape))
	}
	var buf [8]byte
	binary.LittleEndian.PutUint16(buf[:2], uint16(len(header)))
	if _, err := io.WriteString(w, "\x93NUMPY\x01\x00"+string(buf[:2])+header); err != nil {
		return err
	}
	for _, x := range data {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(x))
		if _, err := w.Write(buf[:]); err != nil {
			return err
		}
	}
	return nil
}

// Finish ends the run with status: it syncs every file written, replaces
// summary.json with summary (a JSON object; its "status" key is set to
// status), and for a complete run swaps LatestName to this run's folder.
// The order makes every state a kill can leave consistent: files complete,
// then the summary that says so, then the link; so LatestName always
// points to a run whose summary.json says "complete" and whose files are
// all there. A run that is not complete keeps its files and its summary;
// LatestName does not move.
func (r *Run) Finish(status string, summary any) error {
	if r.finished {
		return ErrFinished
	}
	r.finished = true
	dirs := map[string]bool{}
	for _, name := range r.files {
		if err := syncFile(filepath.Join(r.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("outdir: sync %q: %w", name, err)
		}
		if dir, _, ok := strings.Cut(name, "/"); ok && !dirs[dir] {
			dirs[dir] = true
			syncDir(filepath.Join(r.dir, dir)) // the subfolder's entries
		}
	}
	b, err := withStatus(summary, status)
	if err != nil {
		return err
	}
	if err := r.writeAtomic(SummaryName, b); err != nil {
		return err
	}
	if status != StatusComplete {
		return nil
	}
	return r.swapLatest()
}

// withStatus returns summary as indented JSON with "status" set.
func withStatus(summary any, status string) ([]byte, error) {
	b, err := json.Marshal(summary)
	if err != nil {
		return nil, fmt.Errorf("outdir: encode %s: %w", SummaryName, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("outdir: %s must be a JSON object: %w", SummaryName, err)
	}
	st, _ := json.Marshal(status)
	m["status"] = st
	// Keep the struct's key order: re-encode through an ordered merge.
	out := bytes.NewBufferString("{\n  \"status\": " + string(st))
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err == nil {
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				break
			}
			k, _ := t.(string)
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				break
			}
			if k != "status" {
				keys = append(keys, k)
			}
		}
	}
	for _, k := range keys {
		var v bytes.Buffer
		if err := json.Indent(&v, m[k], "  ", "  "); err != nil {
			return nil, err
		}
		kb, _ := json.Marshal(k)
		fmt.Fprintf(out, ",\n  %s: %s", kb, v.String())
	}
	out.WriteString("\n}\n")
	return out.Bytes(), nil
}

// swapLatest points LatestName at the run's folder: a new link under a
// temporary name, renamed over the old one (one atomic step).
func (r *Run) swapLatest() error {
	tmp := filepath.Join(r.parent, ".latest-"+r.id+".tmp")
	_ = os.Remove(tmp)
	if err := os.Symlink(r.id, tmp); err != nil {
		return fmt.Errorf("outdir: link %s: %w", LatestName, err)
	}
	latest := filepath.Join(r.parent, LatestName)
	if info, err := os.Lstat(latest); err == nil && info.Mode()&fs.ModeSymlink == 0 {
		_ = os.Remove(tmp)
		return fmt.Errorf("%w: %s appeared during the run", ErrNotOurs, latest)
	}
	if err := os.Rename(tmp, latest); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("outdir: link %s: %w", LatestName, err)
	}
	syncDir(r.parent)
	return nil
}

// markKilled gives status "interrupted" and "killed": true to every run
// folder in parent whose summary still says "running" while its process
// is gone, and returns their names. Errors are ignored: a folder it cannot
// read or write stays as it is.
func markKilled(parent string) []string {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	var marked []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(parent, e.Name(), SummaryName)
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			// Killed between making its folder and writing its first
			// summary (microseconds apart): a folder that old is no
			// starting run's.
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > startGrace && isRunFolder(e.Name()) {
				b = jsonBytes(start{Status: StatusRunning, RunID: e.Name()})
			} else {
				continue
			}
		} else if err != nil {
			continue
		}
		var s start
		if json.Unmarshal(b, &s) != nil || s.Status != StatusRunning || alive(s.PID, s.PIDStart) {
			continue
		}
		var m map[string]any
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		m["killed"] = true
		m["marked_at"] = time.Now().UTC().Format(time.RFC3339Nano)
		out, err := withStatus(m, StatusInterrupted)
		if err != nil {
			continue
		}
		run := &Run{dir: filepath.Join(parent, e.Name())}
		if run.writeAtomic(SummaryName, out) == nil {
			marked = append(marked, e.Name())
		}
	}
	return marked
}

// startGrace is how old a run folder without a summary must be before
// Begin takes it for a killed run's.
const startGrace = 10 * time.Second

// isRunFolder reports whether name looks like a time-stamped run folder
// (20261130T064501.123Z-seed1...); a folder a user named is left alone.
func isRunFolder(name string) bool {
	_, err := time.Parse("20060102T150405.000Z", name[:min(len(name), 20)])
	return err == nil && strings.Contains(name, "-seed")
}

// alive reports whether process pid runs and is the one that started at
// startTime (a pid can be reused).
func alive(pid int, startTime string) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if st := processStart(pid); startTime != "" && st != "" && st != startTime {
		return false
	}
	return true
}

// processStart returns the start time of process pid in clock ticks since
// boot (field 22 of /proc/PID/stat), or "" where /proc is not there.
func processStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ""
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 {
		return ""
	}
	return fields[19] // field 22 overall: fields after ")" start at field 3
}

// syncFile flushes the file at path to stable storage.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes the directory entries of dir where the platform allows
// it; errors are ignored because some systems cannot sync directories.
func syncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = f.Sync()
	_ = f.Close()
}
