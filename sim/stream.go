package sim

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spikegraph/spikegraph/analysis"
)

// streamBuffer is the size of the buffers of the streaming sinks: they
// write to their writer in chunks of this many bytes.
const streamBuffer = 1 << 16

// CSVSpikeSink is a SpikeSink that writes spikes as CSV, the command
// line's spikes.csv: the header "t_ms,neuron", then one row per spike,
// "t,neuron\n", where t = float64(sample)·dtMs (Result.TimeMs) printed
// with strconv.FormatFloat(t, 'g', 12, 64), so that 3·0.1 prints as 0.3.
// These are the bytes that encoding/csv writes for the same rows. Rows go
// through a buffer of 64 KiB: call Flush at the end of the run. Its
// memory does not grow with the spikes.
type CSVSpikeSink struct {
	w     *bufio.Writer
	dtMs  float64
	count int64
	err   error // the first write error; every later call returns it
}

// CSVSpikeHeader is the header row of a CSVSpikeSink, without its "\n".
const CSVSpikeHeader = "t_ms,neuron"

// NewCSVSpikeSink returns a sink that writes the header and then each
// spike to w, with sample times k·dtMs (dtMs finite and > 0).
func NewCSVSpikeSink(w io.Writer, dtMs float64) (*CSVSpikeSink, error) {
	if w == nil {
		return nil, errors.New("sim: NewCSVSpikeSink: nil writer")
	}
	if !(dtMs > 0) || math.IsInf(dtMs, 0) {
		return nil, fmt.Errorf("sim: NewCSVSpikeSink: dt = %v ms, want finite and > 0", dtMs)
	}
	s := &CSVSpikeSink{w: bufio.NewWriterSize(w, streamBuffer), dtMs: dtMs}
	_, _ = s.w.WriteString(CSVSpikeHeader + "\n") // fits the empty buffer: no error
	return s, nil
}

// Spike writes the row of one spike. After a write error it writes
// nothing and returns that error.
func (s *CSVSpikeSink) Spike(sample, neuron int32) error {
	if s.err != nil {
		return s.err
	}
	// A row is at most 12 digits, a sign, a point, an exponent, a comma,
	// 11 characters of neuron and "\n": 48 bytes. Formatting into the
	// buffer's free space allocates nothing.
	if s.w.Available() < 48 {
		if err := s.w.Flush(); err != nil {
			return s.fail(err)
		}
	}
	b := s.w.AvailableBuffer()
	b = strconv.AppendFloat(b, float64(sample)*s.dtMs, 'g', 12, 64)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(neuron), 10)
	b = append(b, '\n')
	if _, err := s.w.Write(b); err != nil {
		return s.fail(err)
	}
	s.count++
	return nil
}

func (s *CSVSpikeSink) fail(err error) error {
	s.err = fmt.Errorf("sim: CSVSpikeSink: %w", err)
	return s.err
}

// Flush writes the buffered rows to the writer.
func (s *CSVSpikeSink) Flush() error {
	if s.err != nil {
		return s.err
	}
	if err := s.w.Flush(); err != nil {
		return s.fail(err)
	}
	return nil
}

// Count returns the number of spikes written (buffered ones included).
func (s *CSVSpikeSink) Count() int64 { return s.count }

// NPYTraceSink is a TraceSink that writes the samples as a NumPy .npy
// file (version 1.0, little-endian float64, C order) of shape
// (rows, columns), one row per sample, as the command line's v.npy. It
// writes the header for the planned number of rows first and each row as
// it comes, through a buffer of 64 KiB; Finish writes the rest and
// rewrites the header with the rows received. A run that received every
// planned row gives the bytes of outdir's WriteNPY (and of
// gorgonia.org/tensor's WriteNpy); a shorter one, a valid .npy of the
// rows received, its header padded with more spaces to the same length.
// Its memory does not grow with the samples.
//
// Until Finish the header claims every planned row: a file whose writer
// stopped before Finish holds fewer rows than its header says.
type NPYTraceSink struct {
	w        io.WriteSeeker
	bw       *bufio.Writer
	start    int64 // offset of the header in w
	columns  int   // values per row: the product of shape
	shape    []int // the shape of a row
	every    int   // samples between rows
	planned  int
	rows     int
	first    int
	header   int    // length of the header, padding included
	row      []byte // one row, encoded
	finished bool
	err      error
}

// NewNPYTraceSink writes the header of an .npy array of plannedRows rows
// (>= 1) and columns columns (>= 1) at w's current offset and returns the
// sink that writes the rows after it. w is typically an *os.File (not
// opened with O_APPEND, which would put the rewritten header at the end);
// the sink never closes it.
func NewNPYTraceSink(w io.WriteSeeker, columns, plannedRows int) (*NPYTraceSink, error) {
	if columns < 1 {
		return nil, fmt.Errorf("sim: NewNPYTraceSink: %d columns, want >= 1", columns)
	}
	return newNPYSink("NewNPYTraceSink", w, []int{columns}, plannedRows, 1)
}

// NewNPYArraySink is NewNPYTraceSink for rows of any shape: the file's
// shape is (rows, shape...), e.g. (rows,) for a scalar (empty shape) and
// (rows, batch, n) for a [batch, n] node; each row is len = the product
// of shape values in C order (the watch/ files of the command line). Its
// samples come every every samples (>= 1), as WithWatch sends them.
func NewNPYArraySink(w io.WriteSeeker, shape []int, plannedRows, every int) (*NPYTraceSink, error) {
	return newNPYSink("NewNPYArraySink", w, shape, plannedRows, every)
}

func newNPYSink(what string, w io.WriteSeeker, shape []int, plannedRows, every int) (*NPYTraceSink, error) {
	if every < 1 {
		return nil, fmt.Errorf("sim: %s: every = %d, want >= 1", what, every)
	}
	columns := 1
	for _, d := range shape {
		if d < 1 {
			return nil, fmt.Errorf("sim: %s: shape %v, want every dimension >= 1", what, shape)
		}
		if columns > math.MaxInt/8/d {
			return nil, fmt.Errorf("sim: %s: shape %v holds too many values", what, shape)
		}
		columns *= d
	}
	switch {
	case w == nil:
		return nil, fmt.Errorf("sim: %s: nil writer", what)
	case plannedRows < 1:
		return nil, fmt.Errorf("sim: %s: %d planned rows, want >= 1", what, plannedRows)
	case plannedRows > math.MaxInt/8/columns:
		return nil, fmt.Errorf("sim: %s: %d x %d values are too many", what, plannedRows, columns)
	}
	start, err := w.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", what, err)
	}
	shape = append([]int(nil), shape...)
	h := npyHeader(plannedRows, shape, 0)
	s := &NPYTraceSink{w: w, bw: bufio.NewWriterSize(w, streamBuffer), start: start, columns: columns, shape: shape, every: every, planned: plannedRows,
		header: len(h) - npyPreamble, row: make([]byte, 8*columns)}
	if _, err := s.bw.Write(h); err != nil {
		return nil, fmt.Errorf("sim: %s: %w", what, err)
	}
	return s, nil
}

// npyPreamble is the length of the magic, the version and the header
// length that come before an .npy header.
const npyPreamble = 10

// npyHeader returns the preamble and the header of a float64 .npy array of
// shape (rows, shape...) ("(rows,)" for an empty shape, as numpy writes a
// 1-tuple). With size 0 the header is padded with 1 to 16
// spaces so that the data starts on a 16-byte boundary, as
// gorgonia.org/tensor's WriteNpy and outdir's WriteNPY pad it; otherwise
// it is padded to size bytes (the caller checks that it fits).
func npyHeader(rows int, shape []int, size int) []byte {
	parts := []string{strconv.Itoa(rows)}
	for _, d := range shape {
		parts = append(parts, strconv.Itoa(d))
	}
	dims := strings.Join(parts, ", ")
	if len(parts) == 1 {
		dims += ","
	}
	h := "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + ")}"
	pad := 16 - (npyPreamble+len(h))%16
	if size > 0 {
		pad = size - len(h)
	}
	out := make([]byte, 0, npyPreamble+len(h)+pad)
	out = append(out, "\x93NUMPY\x01\x00"...)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(h)+pad))
	out = append(out, h...)
	for range pad {
		out = append(out, ' ')
	}
	return out
}

// Sample writes the row of sample. Samples must come in order, one after
// the other (every `every` samples for NewNPYArraySink; the first
// received may be any); more rows than planned, or
// a row of another width, are errors, and so is any call after Finish or
// after a write error.
func (s *NPYTraceSink) Sample(sample int, values []float64) error {
	switch {
	case s.err != nil:
		return s.err
	case s.finished:
		return errors.New("sim: NPYTraceSink: Sample after Finish")
	case len(values) != s.columns:
		return fmt.Errorf("sim: NPYTraceSink: %d values for %d columns", len(values), s.columns)
	case s.rows == s.planned:
		return fmt.Errorf("sim: NPYTraceSink: sample %d would be row %d of %d planned", sample, s.rows+1, s.planned)
	case s.rows == 0:
		s.first = sample
	case sample != s.first+s.rows*s.every:
		return fmt.Errorf("sim: NPYTraceSink: sample %d, want %d (samples come in order)", sample, s.first+s.rows*s.every)
	}
	for j, x := range values {
		binary.LittleEndian.PutUint64(s.row[8*j:], math.Float64bits(x))
	}
	if _, err := s.bw.Write(s.row); err != nil {
		s.err = fmt.Errorf("sim: NPYTraceSink: %w", err)
		return s.err
	}
	s.rows++
	return nil
}

// Rows returns the number of rows received.
func (s *NPYTraceSink) Rows() int { return s.rows }

// Finish writes the buffered rows, rewrites the header with the number
// of rows received (which may be 0), and leaves w's offset at the end of
// the data. It does not close w. A second Finish does nothing.
func (s *NPYTraceSink) Finish() error {
	if s.err != nil {
		return s.err
	}
	if s.finished {
		return nil
	}
	s.finished = true
	if err := s.bw.Flush(); err != nil {
		s.err = fmt.Errorf("sim: NPYTraceSink: %w", err)
		return s.err
	}
	if s.rows < s.planned {
		// Fewer digits than planned: the same header length, more padding.
		h := npyHeader(s.rows, s.shape, s.header)
		end := s.start + int64(len(h)) + 8*int64(s.rows)*int64(s.columns)
		if _, err := s.w.Seek(s.start, io.SeekStart); err != nil {
			s.err = fmt.Errorf("sim: NPYTraceSink: %w", err)
			return s.err
		}
		if _, err := s.w.Write(h); err != nil {
			s.err = fmt.Errorf("sim: NPYTraceSink: rewriting the header: %w", err)
			return s.err
		}
		if _, err := s.w.Seek(end, io.SeekStart); err != nil {
			s.err = fmt.Errorf("sim: NPYTraceSink: %w", err)
			return s.err
		}
	}
	return nil
}

// MultiSpikeSink returns a SpikeSink that sends every spike to each of
// sinks in order, stopping at the first error (as io.MultiWriter does),
// e.g. to stream spikes to disk and count the population rate at once.
func MultiSpikeSink(sinks ...SpikeSink) (SpikeSink, error) {
	for i, s := range sinks {
		if s == nil {
			return nil, fmt.Errorf("sim: MultiSpikeSink: sink %d is nil", i)
		}
	}
	return multiSpikeSink(append([]SpikeSink(nil), sinks...)), nil
}

type multiSpikeSink []SpikeSink

func (m multiSpikeSink) Spike(sample, neuron int32) error {
	for _, s := range m {
		if err := s.Spike(sample, neuron); err != nil {
			return err
		}
	}
	return nil
}

// RateSink is a SpikeSink that counts the spikes of each sample, for a
// population's rate and rhythm without keeping its spikes: it holds 4
// bytes per sample, so it grows with the run (8 MB for 2·10^6 samples),
// but not with the spikes.
type RateSink struct {
	// Counts[k] is the number of spikes at sample k; samples past the last
	// spike received are absent.
	Counts []int32
}

// NewRateSink returns a sink with room for samples samples (< 0 is taken
// as 0): a run of n steps has n+1. It grows past that, allocating.
func NewRateSink(samples int) *RateSink {
	return &RateSink{Counts: make([]int32, 0, max(samples, 0))}
}

// Spike counts the spike; sample must be >= 0.
func (s *RateSink) Spike(sample, _ int32) error {
	if sample < 0 {
		return fmt.Errorf("sim: RateSink: sample %d < 0", sample)
	}
	k := int(sample)
	if k >= len(s.Counts) {
		if k < cap(s.Counts) {
			s.Counts = s.Counts[:k+1] // never used: zeros
		} else {
			s.Counts = append(s.Counts, make([]int32, k+1-len(s.Counts))...)
		}
	}
	s.Counts[k]++
	return nil
}

// Rhythm returns what Result.Rhythm returns for the same spikes of a run
// of steps steps of dtMs over nNeurons neurons (Result.Populations' Rows·N):
// analysis.RhythmCounts of the counts of samples 1..steps.
func (s *RateSink) Rhythm(nNeurons int, dtMs float64, steps int) (analysis.RhythmResult, error) {
	if steps < 1 {
		return analysis.RhythmResult{}, fmt.Errorf("sim: rhythm: %d steps, want >= 1", steps)
	}
	if len(s.Counts) > steps+1 {
		return analysis.RhythmResult{}, fmt.Errorf("sim: rhythm: spikes at sample %d, after the %d steps", len(s.Counts)-1, steps)
	}
	counts := s.Counts
	if len(counts) < steps+1 {
		counts = append(counts[:len(counts):len(counts)], make([]int32, steps+1-len(counts))...)
	}
	res, err := analysis.RhythmCounts(counts[1:], nNeurons, dtMs, analysis.RhythmSegmentMs)
	if err != nil {
		return res, fmt.Errorf("sim: rhythm: %w", err)
	}
	return res, nil
}
