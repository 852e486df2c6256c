package plot

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"regexp"
	"strconv"
)

// RasterSeqPNG is RasterPNG for events that come one at a time: it draws
// r's layout (r.Events must be empty) with the events of seq, which it
// reads once, and writes nothing before the last event is read and
// checked. It holds at most MaxRasterEvents events: up to that many it
// draws them as RasterPNG draws r with those events, byte for byte; past
// that it counts them into the bins of RasterPNG's binned raster as they
// come, so any number of events draws in constant memory. An error from
// seq stops the drawing and is returned.
func RasterSeqPNG(w io.Writer, r Raster, seq iter.Seq2[Event, error]) error {
	f, err := renderRasterSeq(r, seq)
	if err != nil {
		return err
	}
	return f.write(w, "raster")
}

// renderRasterSeq validates r's layout and seq's events and lays out the
// figure.
func renderRasterSeq(r Raster, seq iter.Seq2[Event, error]) (figure, error) {
	if len(r.Events) > 0 {
		return figure{}, fmt.Errorf("plot: raster %q: %d Events given with a sequence of events (leave Events empty)", r.Title, len(r.Events))
	}
	if seq == nil {
		return figure{}, fmt.Errorf("plot: raster %q: nil sequence of events", r.Title)
	}
	if err := r.validateLayout(); err != nil {
		return figure{}, err
	}
	f, err := rasterFigure(r)
	if err != nil {
		return figure{}, err
	}
	row := rows(r.Inh)
	var held []Event
	var bins *binner
	i := 0
	for e, err := range seq {
		if err != nil {
			return figure{}, fmt.Errorf("plot: raster %q: %w", r.Title, err)
		}
		if err := r.checkEvent(i, e); err != nil {
			return figure{}, err
		}
		i++
		switch {
		case bins != nil:
			bins.add(e)
		case len(held) < MaxRasterEvents:
			held = append(held, e)
		default:
			bins = newBinner(f, r, row)
			for _, h := range held {
				bins.add(h)
			}
			bins.add(e)
			held = nil
		}
	}
	if bins != nil {
		bins.draw(i)
		return f, nil
	}
	if err := scatter(f, r, row, held); err != nil {
		return figure{}, err
	}
	return f, nil
}

// RasterPNGFromCSV is RasterSeqPNG of the spikes in the CSV file spikes,
// as sim.CSVSpikeSink and the spikegraph command write it: the header
// "t_ms,neuron", then one row per spike, its time in ms and its neuron.
// With dtMs > 0, each time is taken as the sample time k·dtMs nearest to
// it: the file holds times to 12 significant digits, and this recovers
// the run's times bit for bit, so that the figure is the one RasterPNG
// draws from the run's events. With dtMs = 0 the times are used as
// written. The file is read once, through a buffer.
func RasterPNGFromCSV(w io.Writer, spikes io.Reader, r Raster, dtMs float64) error {
	if spikes == nil {
		return fmt.Errorf("plot: raster %q: nil spikes reader", r.Title)
	}
	if math.IsNaN(dtMs) || math.IsInf(dtMs, 0) || dtMs < 0 {
		return fmt.Errorf("plot: raster %q: dtMs = %v, want finite and >= 0", r.Title, dtMs)
	}
	return RasterSeqPNG(w, r, csvEvents(spikes, dtMs))
}

// csvEvents returns the events of a spikes CSV file.
func csvEvents(spikes io.Reader, dtMs float64) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		cr := csv.NewReader(bufio.NewReaderSize(spikes, 1<<16))
		cr.FieldsPerRecord = 2
		cr.ReuseRecord = true
		head, err := cr.Read()
		if err == io.EOF {
			yield(Event{}, errors.New("spikes CSV: empty, want the header t_ms,neuron"))
			return
		}
		if err != nil {
			yield(Event{}, fmt.Errorf("spikes CSV: %w", err))
			return
		}
		if head[0] != "t_ms" || head[1] != "neuron" {
			yield(Event{}, fmt.Errorf("spikes CSV: header %q,%q, want t_ms,neuron", head[0], head[1]))
			return
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Event{}, fmt.Errorf("spikes CSV: %w", err))
				return
			}
			line, _ := cr.FieldPos(0)
			t, err := strconv.ParseFloat(rec[0], 64)
			if err != nil {
				yield(Event{}, fmt.Errorf("spikes CSV: line %d: time: %w", line, err))
				return
			}
			neuron, err := strconv.Atoi(rec[1])
			if err != nil {
				yield(Event{}, fmt.Errorf("spikes CSV: line %d: neuron: %w", line, err))
				return
			}
			if dtMs > 0 {
				t = math.Round(t/dtMs) * dtMs
			}
			if !yield(Event{TMs: t, Neuron: neuron}, nil) {
				return
			}
		}
	}
}

// TracePNGFromNPY is TracePNG of one column of a float64 .npy file, as
// sim.NPYTraceSink and the spikegraph command write v.npy: rows are the
// samples, at times k·dtMs (dtMs finite and > 0), and column selects
// the neuron. tr gives the title and the y label (tr.TMs and tr.V must
// be empty). The figure is the one TracePNG draws, byte for byte, in
// constant memory: a trace short enough to be drawn sample by sample
// (at most SamplesPerColumn samples per pixel column of the whole
// figure) is read into memory; a longer one is read twice, once for its
// range of values (the y axis's labels set the width of the plot area,
// and so the columns) and once for the minimum and maximum of each pixel
// column. The file must hold a little-endian float64 array in C order,
// one- or two-dimensional, in .npy version 1 or 2.
func TracePNGFromNPY(w io.Writer, npy io.ReadSeeker, column int, dtMs float64, tr Trace) error {
	f, err := renderTraceNPY(npy, column, dtMs, tr)
	if err != nil {
		return err
	}
	return f.write(w, "trace")
}

// renderTraceNPY validates the arguments and the file and lays out the
// figure.
func renderTraceNPY(npy io.ReadSeeker, column int, dtMs float64, tr Trace) (figure, error) {
	switch {
	case len(tr.TMs) > 0 || len(tr.V) > 0:
		return figure{}, fmt.Errorf("plot: trace %q: %d times and %d values given with a file (leave them empty)", tr.Title, len(tr.TMs), len(tr.V))
	case npy == nil:
		return figure{}, fmt.Errorf("plot: trace %q: nil .npy reader", tr.Title)
	case !(dtMs > 0) || math.IsInf(dtMs, 0):
		return figure{}, fmt.Errorf("plot: trace %q: dtMs = %v, want finite and > 0", tr.Title, dtMs)
	}
	if err := validateWindow(fmt.Sprintf("trace %q", tr.Title), tr.Window); err != nil {
		return figure{}, err
	}
	a, err := readNPYHeader(npy)
	if err != nil {
		return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
	}
	if column < 0 || column >= a.cols {
		return figure{}, fmt.Errorf("plot: trace %q: column %d outside [0, %d)", tr.Title, column, a.cols)
	}
	if a.rows == 0 {
		return figure{}, fmt.Errorf("plot: trace %q: no samples", tr.Title)
	}
	if t1 := float64(a.rows-1) * dtMs; math.IsInf(t1, 0) {
		return figure{}, fmt.Errorf("plot: trace %q: time %d is %v", tr.Title, a.rows-1, t1)
	}
	// A figure has at most WidthInches·DPI pixel columns, so up to this
	// many samples TracePNG may draw sample by sample: read them and let
	// it decide.
	if a.rows <= SamplesPerColumn*WidthInches*DPI {
		tr.TMs, tr.V = make([]float64, a.rows), make([]float64, a.rows)
		err := a.each(npy, column, func(k int, v float64) error {
			tr.TMs[k], tr.V[k] = float64(k)*dtMs, v
			return nil
		})
		if err != nil {
			return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
		}
		return renderTrace(tr)
	}
	// Above it, TracePNG decimates whatever the plot area's width.
	vmin, vmax := math.Inf(1), math.Inf(-1)
	err = a.each(npy, column, func(k int, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("value %d is %v", k, v)
		}
		vmin, vmax = math.Min(vmin, v), math.Max(vmax, v)
		return nil
	})
	if err != nil {
		return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
	}
	ylabel := tr.YLabel
	if ylabel == "" {
		ylabel = "v (mV)"
	}
	t1 := float64(a.rows-1) * dtMs
	f := newFigure(tr.Title, "time (ms)", ylabel, 0, t1, vmin, vmax)
	if err := markWindow(f.p, tr.Window, vmin, vmax); err != nil {
		return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
	}
	cols, _ := f.dataPixels()
	env := newEnvelope(0, t1, cols)
	err = a.each(npy, column, func(k int, v float64) error {
		env.add(float64(k)*dtMs, v)
		return nil
	})
	if err != nil {
		return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
	}
	ps, err := envelopePlotters(env.columns())
	if err != nil {
		return figure{}, fmt.Errorf("plot: trace %q: %w", tr.Title, err)
	}
	f.p.Add(ps...)
	return f, nil
}

// npyArray is the layout of a two-dimensional float64 .npy array (a
// one-dimensional one has one column).
type npyArray struct {
	data       int64 // offset of the first value
	rows, cols int
}

var (
	npyDescr = regexp.MustCompile(`'descr':\s*'([^']*)'`)
	npyOrder = regexp.MustCompile(`'fortran_order':\s*(True|False)`)
	npyShape = regexp.MustCompile(`'shape':\s*\(\s*(\d+)\s*,\s*(?:(\d+)\s*,?\s*)?\)`)
)

// readNPYHeader reads the header of the .npy file at r's start.
func readNPYHeader(r io.ReadSeeker) (npyArray, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return npyArray{}, fmt.Errorf(".npy: %w", err)
	}
	var pre [12]byte
	if _, err := io.ReadFull(r, pre[:10]); err != nil {
		return npyArray{}, fmt.Errorf(".npy: reading the header: %w", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return npyArray{}, errors.New(".npy: not an .npy file (no magic string)")
	}
	var hlen, start int
	switch pre[6] {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		if _, err := io.ReadFull(r, pre[10:12]); err != nil {
			return npyArray{}, fmt.Errorf(".npy: reading the header: %w", err)
		}
		hlen, start = int(binary.LittleEndian.Uint32(pre[8:12])), 12
		if hlen > 1<<20 {
			return npyArray{}, fmt.Errorf(".npy: a header of %d bytes", hlen)
		}
	default:
		return npyArray{}, fmt.Errorf(".npy: version %d.%d, want 1, 2 or 3", pre[6], pre[7])
	}
	h := make([]byte, hlen)
	if _, err := io.ReadFull(r, h); err != nil {
		return npyArray{}, fmt.Errorf(".npy: reading the header: %w", err)
	}
	if m := npyDescr.FindSubmatch(h); m == nil || string(m[1]) != "<f8" {
		return npyArray{}, fmt.Errorf(".npy: header %q: want 'descr': '<f8' (little-endian float64)", h)
	}
	if m := npyOrder.FindSubmatch(h); m == nil || string(m[1]) != "False" {
		return npyArray{}, fmt.Errorf(".npy: header %q: want 'fortran_order': False", h)
	}
	m := npyShape.FindSubmatch(h)
	if m == nil {
		return npyArray{}, fmt.Errorf(".npy: header %q: want a shape of one or two dimensions", h)
	}
	a := npyArray{data: int64(start + hlen), cols: 1}
	var err error
	if a.rows, err = strconv.Atoi(string(m[1])); err != nil {
		return npyArray{}, fmt.Errorf(".npy: shape: %w", err)
	}
	if len(m[2]) > 0 {
		if a.cols, err = strconv.Atoi(string(m[2])); err != nil {
			return npyArray{}, fmt.Errorf(".npy: shape: %w", err)
		}
	}
	if a.cols < 1 || a.rows > math.MaxInt/8/a.cols {
		return npyArray{}, fmt.Errorf(".npy: shape (%d, %d): want at least one column and fewer values", a.rows, a.cols)
	}
	return a, nil
}

// each calls f for the value of column in every row, in order, reading
// r from the first value through a buffer.
func (a npyArray) each(r io.ReadSeeker, column int, f func(k int, v float64) error) error {
	if _, err := r.Seek(a.data, io.SeekStart); err != nil {
		return fmt.Errorf(".npy: %w", err)
	}
	br := bufio.NewReaderSize(r, 1<<16)
	row := make([]byte, 8*a.cols)
	for k := range a.rows {
		if _, err := io.ReadFull(br, row); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return fmt.Errorf(".npy: the file ends in row %d of %d", k, a.rows)
			}
			return fmt.Errorf(".npy: %w", err)
		}
		if err := f(k, math.Float64frombits(binary.LittleEndian.Uint64(row[8*column:]))); err != nil {
			return err
		}
	}
	return nil
}
