package network

import "math/bits"

// synEntry is one drawn synapse on its way into the by-presynaptic layout.
type synEntry struct {
	pre, post int32
	x         float64
}

func (e synEntry) preIndex() int32 { return e.pre }

// preOnly is a synapse's presynaptic neuron alone, for the pass that
// counts each one's synapses.
type preOnly int32

func (p preOnly) preIndex() int32 { return int32(p) }

// preKeyed is what byPre sorts: anything with a presynaptic neuron.
type preKeyed interface {
	synEntry | preOnly
	preIndex() int32
}

// byPre reorders a stream of synapses drawn by postsynaptic neuron into
// runs by presynaptic neuron, a bounded buffer at a time: it collects up
// to maxByPre entries, sorts them stably by block of 2^shift presynaptic
// neurons (a counting sort), and hands them to apply in that order. Each
// presynaptic neuron's synapses thus reach apply in the order they were
// drawn, while apply's writes land in one block's rows at a time: at
// n = 1e6 with 100 synapses each, placing the synapses straight from the
// draw took 25 s, almost all of it cache and TLB misses on 1.2 GB of rows.
// The buffer holds at most maxByPre entries (twice: 16 MiB of synEntry,
// 4 MiB of preOnly), never the whole matrix.
type byPre[E preKeyed] struct {
	shift  uint
	buf    []E
	sorted []E
	count  []int // entries per block, then where each block starts
	limit  int   // the most entries buffered (maxByPre; less in tests; 0: direct)
	apply  func(e []E) error
	one    [1]E // the entry that direct hands over
}

// maxByPre bounds byPre's buffer: 2^19 entries. (2^21 was no faster at
// n = 1e6 and held 64 MiB instead of 16.)
const maxByPre = 1 << 19

// newByPre returns a byPre for nPre presynaptic neurons, in at most 512
// blocks.
func newByPre[E preKeyed](nPre int, apply func(e []E) error) *byPre[E] {
	shift := uint(0)
	if l := bits.Len(uint(nPre)); l > 9 {
		shift = uint(l - 9)
	}
	return &byPre[E]{shift: shift, count: make([]int, (nPre>>shift)+2), limit: maxByPre, apply: apply}
}

// direct makes b hand each entry to apply at once, unsorted and
// unbuffered: for a matrix small enough to stay in cache (byPreMin).
func (b *byPre[E]) direct() { b.limit = 0 }

// Below these sizes outgoing counts or places directly: the counts
// (4 MiB of int at 2^19 presynaptic neurons) or the rows (24 MiB at 2^21
// synapses) stay in cache, and the buffers would only add to the peak
// (23 MB at n = 1e4 with 100 synapses a neuron).
const (
	byPreMinPre = 1 << 19
	byPreMinSyn = 1 << 21
)

// reserve sizes b's buffers for n entries at most, so that they never
// grow (growing leaves garbage behind).
func (b *byPre[E]) reserve(n int) {
	if n = min(n, b.limit); n > cap(b.buf) {
		b.buf = make([]E, 0, n)
	}
}

// add appends one entry, flushing when the buffer is full.
func (b *byPre[E]) add(e E) error {
	if b.limit == 0 {
		b.one[0] = e
		return b.apply(b.one[:])
	}
	if len(b.buf) == cap(b.buf) {
		if cap(b.buf) < b.limit {
			grown := make([]E, len(b.buf), min(max(2*cap(b.buf), 4096), b.limit))
			copy(grown, b.buf)
			b.buf = grown
		} else if err := b.flush(); err != nil {
			return err
		}
	}
	b.buf = append(b.buf, e)
	return nil
}

// flush sorts the buffer stably by block and applies it.
func (b *byPre[E]) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	clear(b.count)
	for _, e := range b.buf {
		b.count[(int(e.preIndex())>>b.shift)+1]++
	}
	for k := 1; k < len(b.count); k++ {
		b.count[k] += b.count[k-1]
	}
	if cap(b.sorted) < len(b.buf) {
		b.sorted = make([]E, cap(b.buf))
	}
	sorted := b.sorted[:len(b.buf)]
	for _, e := range b.buf {
		k := int(e.preIndex()) >> b.shift
		sorted[b.count[k]] = e
		b.count[k]++
	}
	b.buf = b.buf[:0]
	return b.apply(sorted)
}
