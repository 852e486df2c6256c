package sim

import (
	"fmt"
	"unsafe"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// recorder is the one session.Recorder of a run: it counts every
// population's spikes, feeds the sinks and reports progress. Begin
// resolves and preallocates; Record allocates nothing.
type recorder struct {
	first, total int
	next         int // the next sample to record
	begun        bool
	progress     func(done, total int)
	every        int // progress every this many steps
	pops         []popCounter
	spikes       []spikeMon
	traces       []traceMon
}

type popCounter struct {
	node     string // the spikes' state
	n        int    // neurons per row
	inh      []bool // labels (nil when none)
	view     *session.View
	spikes   int
	inhSpike int
}

type spikeMon struct {
	name string
	node string
	pop  int // index into recorder.pops
	view *session.View
	sink SpikeSink
}

type traceMon struct {
	name  string
	node  string
	index []int
	view  *session.View
	sink  TraceSink
	buf   []float64
}

// Begin resolves every state.
func (r *recorder) Begin(s *session.Session, first, steps int) error {
	var err error
	for i := range r.pops {
		if r.pops[i].view, err = s.StateRef(r.pops[i].node); err != nil {
			return err
		}
	}
	for i := range r.spikes {
		if r.spikes[i].view, err = s.StateRef(r.spikes[i].node); err != nil {
			return err
		}
	}
	for i := range r.traces {
		if r.traces[i].view, err = s.StateRef(r.traces[i].node); err != nil {
			return err
		}
		size := len(r.traces[i].view.F64) + len(r.traces[i].view.F32)
		for _, j := range r.traces[i].index {
			if j < 0 || j >= size {
				return fmt.Errorf("monitor %q: neuron %d outside [0, %d)", r.traces[i].name, j, size)
			}
		}
	}
	if !r.begun {
		r.first, r.next, r.begun = first, first, true
	}
	return nil
}

// Record counts, feeds the sinks and reports progress for sample.
func (r *recorder) Record(_ *session.Session, sample int) error {
	if sample < r.next {
		return nil
	}
	r.next = sample + 1
	for i := range r.pops {
		r.pops[i].count()
	}
	for i := range r.spikes {
		if err := r.spikes[i].record(sample); err != nil {
			return err
		}
	}
	for i := range r.traces {
		if err := r.traces[i].record(sample); err != nil {
			return err
		}
	}
	if done := sample - r.first; r.progress != nil && (done == r.total || (done > 0 && done%r.every == 0)) {
		r.progress(done, r.total)
	}
	return nil
}

func (p *popCounter) count() {
	if f := p.view.F64; f != nil {
		// The spikes are mostly zeros: test eight values' bits at once
		// (a -0 has a bit set and goes to the value test).
		words := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(f))), len(f))
		for i := 0; i < len(f); {
			for i+8 <= len(words) && words[i]|words[i+1]|words[i+2]|words[i+3]|words[i+4]|words[i+5]|words[i+6]|words[i+7] == 0 {
				i += 8
			}
			for end := min(i+8, len(f)); i < end; i++ {
				if f[i] != 0 {
					p.spikes++
					if p.inh != nil && p.inh[i%p.n] {
						p.inhSpike++
					}
				}
			}
		}
		return
	}
	for i, x := range p.view.F32 {
		if x != 0 {
			p.spikes++
			if p.inh != nil && p.inh[i%p.n] {
				p.inhSpike++
			}
		}
	}
}

// result returns the population's counts and rates over durationMs.
func (p *popCounter) result(b network.BuiltPopulation, durationMs float64) Population {
	size := len(p.view.F64) + len(p.view.F32)
	rows := 1
	if p.n > 0 && size > 0 {
		rows = size / p.n
	}
	out := Population{Name: b.Name, N: b.N, Rows: rows, Spikes: p.spikes, RateHz: 0}
	if r := rate(p.spikes, rows*b.N, durationMs); r != nil {
		out.RateHz = *r
	}
	if p.inh != nil {
		out.Labelled = true
		for _, x := range p.inh {
			if x {
				out.NInh++
			}
		}
		out.NExc = b.N - out.NInh
		out.SpikesInh = p.inhSpike
		out.SpikesExc = p.spikes - p.inhSpike
		out.RateExcHz = rate(out.SpikesExc, rows*out.NExc, durationMs)
		out.RateInhHz = rate(out.SpikesInh, rows*out.NInh, durationMs)
	}
	return out
}

// rate returns spikes per neuron per second, or nil for no neurons or no
// time.
func rate(spikes, n int, durationMs float64) *float64 {
	if n == 0 || !(durationMs > 0) {
		return nil
	}
	r := float64(spikes) / float64(n) / (durationMs / 1000)
	return &r
}

func (m *spikeMon) record(sample int) error {
	if m.view.F64 != nil {
		for i, x := range m.view.F64 {
			if x != 0 {
				if err := m.sink.Spike(int32(sample), int32(i)); err != nil {
					return fmt.Errorf("monitor %q: %w", m.name, err)
				}
			}
		}
		return nil
	}
	for i, x := range m.view.F32 {
		if x != 0 {
			if err := m.sink.Spike(int32(sample), int32(i)); err != nil {
				return fmt.Errorf("monitor %q: %w", m.name, err)
			}
		}
	}
	return nil
}

func (m *traceMon) record(sample int) error {
	if m.view.F64 != nil {
		for j, i := range m.index {
			m.buf[j] = m.view.F64[i]
		}
	} else {
		for j, i := range m.index {
			m.buf[j] = float64(m.view.F32[i])
		}
	}
	if err := m.sink.Sample(sample, m.buf); err != nil {
		return fmt.Errorf("monitor %q: %w", m.name, err)
	}
	return nil
}
