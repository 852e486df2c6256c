package outdir

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ManifestName is the name of the file in which Commit records the files
// of the latest run. It starts with a dot, so no output can take its name.
const ManifestName = ".spikegraph-manifest.json"

// StagingPrefix starts the name of every staging directory that Prepare
// creates. Prepare removes older directories whose names start with it.
const StagingPrefix = ".spikegraph-staging-"

// StaleAfter is the age (by modification time) after which Prepare treats
// a staging directory of another run as left behind by a killed run and
// removes it. A run that stays in its simulation phase for longer than
// this while another run starts in the same directory loses its staging
// directory, and its Commit fails.
const StaleAfter = 24 * time.Hour

// manifestTool and manifestVersion identify manifests that this package
// wrote; a manifest without them is ignored.
const (
	manifestTool    = "spikegraph"
	manifestVersion = 1
)

var (
	// ErrInvalidName is wrapped by errors about output names: empty names,
	// names with a path separator or NUL, "." and "..", and names that
	// start with a dot.
	ErrInvalidName = errors.New("invalid output name")

	// ErrDuplicate is wrapped when a run creates the same name twice.
	ErrDuplicate = errors.New("output created twice")

	// ErrFinished is wrapped when a Run is used after Commit or Abort.
	ErrFinished = errors.New("run already committed or aborted")

	// ErrStaleFiles is wrapped by a Commit error when the new outputs are in
	// place but some outputs of an earlier run could not be removed. The
	// manifest lists them as stale, and the next Commit tries again.
	ErrStaleFiles = errors.New("earlier outputs left behind")
)

// state is where a Run is in its life.
type state int

const (
	stateOpen state = iota
	stateCommitted
	stateFailed // Commit failed; Abort still has to remove the staging dir.
	stateAborted
)

// Run is one run's set of output files, staged in a hidden directory
// inside the output directory until Commit. Create it with Prepare.
type Run struct {
	dir     string
	staging string
	created bool // Prepare created dir.
	state   state
	files   map[string]*os.File
	order   []string
}

// manifest is the content of ManifestName.
type manifest struct {
	// Tool is always "spikegraph".
	Tool string `json:"tool"`
	// Version is the manifest format, 1.
	Version int `json:"version"`
	// Complete is false while a Commit is moving files; then dir may hold
	// files of both runs.
	Complete bool `json:"complete"`
	// Files are the outputs of the run that wrote the manifest.
	Files []string `json:"files"`
	// Stale are outputs of earlier runs that are still to be removed.
	Stale []string `json:"stale,omitempty"`
}

// Prepare makes dir ready to receive a run's outputs and returns the Run.
// It creates dir (and its parents) if missing and creates a hidden staging
// directory inside it. It fails if dir is not a directory or is not
// writable, so callers can call it before a long simulation and fail early.
// It also removes staging directories older than StaleAfter. Call Abort
// (safe after Commit) to remove the staging directory on every path.
func Prepare(dir string) (*Run, error) {
	if dir == "" {
		return nil, errors.New("outdir: empty output directory name")
	}
	dir = filepath.Clean(dir)
	created := false
	info, err := os.Stat(dir)
	switch {
	case err == nil:
		if !info.IsDir() {
			return nil, fmt.Errorf("outdir: %s is not a directory", dir)
		}
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("outdir: create output directory: %w", err)
		}
		created = true
	default:
		return nil, fmt.Errorf("outdir: output directory: %w", err)
	}
	removeStale(dir, time.Now())
	staging, err := os.MkdirTemp(dir, StagingPrefix+"*")
	if err != nil {
		if created {
			_ = os.Remove(dir)
		}
		return nil, fmt.Errorf("outdir: output directory %s is not writable: %w", dir, err)
	}
	return &Run{dir: dir, staging: staging, created: created, files: map[string]*os.File{}}, nil
}

// removeStale removes staging directories in dir that were last modified
// before now-StaleAfter. It is best effort: errors are ignored.
func removeStale(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), StagingPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < StaleAfter {
			continue
		}
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// Dir returns the output directory, cleaned.
func (r *Run) Dir() string { return r.dir }

// checkName returns an error wrapping ErrInvalidName if name cannot be an
// output name.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("outdir: empty name: %w", ErrInvalidName)
	case strings.ContainsAny(name, `/\`+"\x00") || filepath.Base(name) != name:
		return fmt.Errorf("outdir: name %q has a path separator: %w", name, ErrInvalidName)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("outdir: name %q starts with a dot: %w", name, ErrInvalidName)
	}
	return nil
}

// Create creates the output file name in the staging directory and
// returns it open for writing; the caller closes it. name must be a plain
// file name: not empty, without path separators, not starting with a dot,
// and not created before in this run. The file appears in the output
// directory only at Commit.
func (r *Run) Create(name string) (*os.File, error) {
	if r.state != stateOpen {
		return nil, fmt.Errorf("outdir: create %q: %w", name, ErrFinished)
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	if _, ok := r.files[name]; ok {
		return nil, fmt.Errorf("outdir: create %q: %w", name, ErrDuplicate)
	}
	f, err := os.OpenFile(filepath.Join(r.staging, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("outdir: create %q: %w", name, err)
	}
	r.files[name] = f
	r.order = append(r.order, name)
	return f, nil
}

// discard removes a staged file after a failed write, so that the run can
// still commit without it and the name can be created again.
func (r *Run) discard(name string) {
	f, ok := r.files[name]
	if !ok {
		return
	}
	_ = f.Close()
	_ = os.Remove(filepath.Join(r.staging, name))
	delete(r.files, name)
	r.order = slices.DeleteFunc(r.order, func(s string) bool { return s == name })
}

// write creates name, writes it through a buffer with fill, and closes it.
// On error the file is discarded.
func (r *Run) write(name string, fill func(w io.Writer) error) error {
	f, err := r.Create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fill(bw); err != nil {
		r.discard(name)
		return fmt.Errorf("outdir: write %q: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		r.discard(name)
		return fmt.Errorf("outdir: write %q: %w", name, err)
	}
	if err := f.Close(); err != nil {
		r.discard(name)
		return fmt.Errorf("outdir: close %q: %w", name, err)
	}
	return nil
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
// An error from rows discards the file and is returned wrapped.
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
	return r.write(name, func(w io.Writer) error { return writeNPY(w, data, shape) })
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

// Commit moves the staged files into the output directory, records them in
// the manifest, removes the outputs of the previous run that this run did
// not write, and removes the staging directory. Commit closes files from
// Create that the caller left open.
//
// The steps, in order:
//
//  1. Sync every staged file. Check that no output name is a directory in
//     dir. Nothing in dir has changed yet; an error here leaves the
//     previous outputs whole.
//  2. Read the previous manifest. Names it lists (as files or stale) are
//     the previous outputs; with no readable manifest there are none.
//  3. Replace the manifest (temporary file, sync, rename) with one marked
//     incomplete that lists this run's names as files (except names that
//     exist in dir but were not previous outputs: those are a user's until
//     step 4 replaces them) and the previous outputs that this run does
//     not write as stale.
//  4. Rename each staged file into dir, replacing a file of the same name.
//  5. Remove each stale file that is still a regular file.
//  6. Replace the manifest with a complete one that lists this run's
//     files, and as stale only the files that step 5 failed to remove.
//  7. Remove the staging directory.
//
// So the manifest lists only names that an earlier manifest listed or that
// this run writes, and under files only names of this run; a user's file
// that no manifest listed is never removed. An interruption before step 3
// changes nothing visible. An interruption during steps 3 to 6 (the
// window) leaves dir with some new and some old outputs, under a manifest
// marked incomplete that claims all of them; the next successful Commit
// removes the old ones. In that window one kind of file can leak: a file
// that replaced a same-named user file in step 4 is not in the incomplete
// manifest, so no later run removes it. The directory is synced after
// steps 3, 4 and 6 where the platform allows; a power loss may still undo
// the last step.
//
// After an error (other than one wrapping ErrStaleFiles, which means the
// new outputs are in place) call Abort to remove the staging directory.
func (r *Run) Commit() error {
	if r.state != stateOpen {
		return fmt.Errorf("outdir: commit %s: %w", r.dir, ErrFinished)
	}
	r.state = stateFailed
	names := slices.Clone(r.order)
	for _, name := range names {
		_ = r.files[name].Close() // the caller may have closed it already
	}
	// Step 1.
	for _, name := range names {
		if err := syncFile(filepath.Join(r.staging, name)); err != nil {
			return fmt.Errorf("outdir: commit %s: %w", r.dir, err)
		}
		info, err := os.Lstat(filepath.Join(r.dir, name))
		if err == nil && info.IsDir() {
			return fmt.Errorf("outdir: commit %s: output %q would replace a directory", r.dir, name)
		}
	}
	// Step 2.
	prev := readPrevious(filepath.Join(r.dir, ManifestName))
	claimed, stale := plan(names, prev, func(name string) bool {
		_, err := os.Lstat(filepath.Join(r.dir, name))
		return err == nil
	})
	// Step 3.
	if err := r.writeManifest(manifest{Files: claimed, Stale: stale}); err != nil {
		return err
	}
	// Step 4.
	for _, name := range names {
		if err := os.Rename(filepath.Join(r.staging, name), filepath.Join(r.dir, name)); err != nil {
			return fmt.Errorf("outdir: commit %s: move %q: %w", r.dir, name, err)
		}
	}
	syncDir(r.dir)
	// Step 5.
	var left []string
	var errs []error
	for _, name := range stale {
		path := filepath.Join(r.dir, name)
		info, err := os.Lstat(path)
		if err != nil || !info.Mode().IsRegular() {
			continue // gone, or replaced by something spikegraph did not write
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			left = append(left, name)
			errs = append(errs, err)
		}
	}
	// Step 6.
	if err := r.writeManifest(manifest{Complete: true, Files: names, Stale: left}); err != nil {
		return err
	}
	// Step 7.
	r.state = stateCommitted
	if err := os.RemoveAll(r.staging); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("outdir: committed to %s, but: %w", r.dir, errors.Join(append([]error{ErrStaleFiles}, errs...)...))
	}
	return nil
}

// plan returns, for a run that writes names over previous outputs prev,
// the names that the incomplete manifest may claim as this run's (all
// names except those that exist in dir without being previous outputs:
// they are a user's until renamed over) and the previous outputs to
// remove, sorted.
func plan(names []string, prev map[string]bool, exists func(name string) bool) (claimed, stale []string) {
	ours := make(map[string]bool, len(names))
	claimed = make([]string, 0, len(names))
	for _, name := range names {
		ours[name] = true
		if prev[name] || !exists(name) {
			claimed = append(claimed, name)
		}
	}
	for name := range prev {
		if !ours[name] {
			stale = append(stale, name)
		}
	}
	slices.Sort(stale)
	return claimed, stale
}

// syncFile flushes the file at path to stable storage.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
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

// readPrevious returns the names that the manifest at path lists as files
// or stale. A missing, unreadable or foreign manifest lists nothing; names
// that are not valid output names are dropped.
func readPrevious(path string) map[string]bool {
	out := map[string]bool{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Tool != manifestTool || m.Version != manifestVersion {
		return out
	}
	for _, name := range slices.Concat(m.Files, m.Stale) {
		if checkName(name) == nil {
			out[name] = true
		}
	}
	return out
}

// writeManifest atomically replaces the manifest in dir with m: it writes
// a temporary file in the staging directory, syncs it and renames it.
func (r *Run) writeManifest(m manifest) error {
	m.Tool, m.Version = manifestTool, manifestVersion
	if m.Files == nil {
		m.Files = []string{}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("outdir: commit %s: encode manifest: %w", r.dir, err)
	}
	b = append(b, '\n')
	f, err := os.CreateTemp(r.staging, ".manifest-*")
	if err != nil {
		return fmt.Errorf("outdir: commit %s: write manifest: %w", r.dir, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(r.dir, ManifestName))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("outdir: commit %s: write manifest: %w", r.dir, err)
	}
	syncDir(r.dir)
	return nil
}

// Abort discards the run: it closes files left open and removes the
// staging directory, and removes the output directory too if Prepare
// created it and it is now empty. Outputs of earlier runs stay untouched.
// Abort after a successful Commit, or a second Abort, does nothing.
func (r *Run) Abort() error {
	if r.state == stateCommitted || r.state == stateAborted {
		return nil
	}
	r.state = stateAborted
	for _, f := range r.files {
		_ = f.Close()
	}
	if err := os.RemoveAll(r.staging); err != nil {
		return fmt.Errorf("outdir: abort %s: %w", r.dir, err)
	}
	if r.created {
		if entries, err := os.ReadDir(r.dir); err == nil && len(entries) == 0 {
			if err := os.Remove(r.dir); err != nil {
				return fmt.Errorf("outdir: abort %s: %w", r.dir, err)
			}
		}
	}
	return nil
}
