package network

import "math/bits"

// synEntry is one drawn synapse on its way into the by-presynaptic layout.
type synEntry struct {
	pre, post int32
	x         float64
}

// byPre reorders a stream of synapses drawn by postsynaptic neuron into
// runs by presynaptic neuron, a bounded buffer at a time: it collects up
// to maxByPre entries, sorts them stably by block of 2^shift presynaptic
// neurons (a counting sort), and hands them to apply in that order. Each
// presynaptic neuron's synapses thus reach apply in the order they were
// drawn, while apply's writes, which land in one block's rows at a time,
// stay in cache: at n = 1e6 with 100 synapses each, placing the synapses
// straight from the draw took 25 s, almost all of it cache and TLB
// misses on 1.2 GB of rows. The buffer holds at most maxByPre entries
// (2 x 32 MiB), never the whole matrix.
type byPre struct {
	shift  uint
	buf    []synEntry
	sorted []synEntry
	count  []int // entries per block, then where each block starts
	limit  int   // the most entries buffered (maxByPre; less in tests)
	apply  func(e []synEntry) error
}

// maxByPre bounds byPre's buffer: 2^21 entries of 16 bytes, twice.
const maxByPre = 1 << 21

// newByPre returns a byPre for nPre presynaptic neurons, in at most 512
// blocks.
func newByPre(nPre int, apply func(e []synEntry) error) *byPre {
	shift := uint(0)
	if l := bits.Len(uint(nPre)); l > 9 {
		shift = uint(l - 9)
	}
	return &byPre{shift: shift, count: make([]int, (nPre>>shift)+2), limit: maxByPre, apply: apply}
}

// add appends one synapse, flushing when the buffer is full.
func (b *byPre) add(pre, post int, x float64) error {
	if len(b.buf) == cap(b.buf) {
		if cap(b.buf) < b.limit {
			grown := make([]synEntry, len(b.buf), min(max(2*cap(b.buf), 4096), b.limit))
			copy(grown, b.buf)
			b.buf = grown
		} else if err := b.flush(); err != nil {
			return err
		}
	}
	b.buf = append(b.buf, synEntry{pre: int32(pre), post: int32(post), x: x})
	return nil
}

// flush sorts the buffer stably by block and applies it.
func (b *byPre) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	clear(b.count)
	for _, e := range b.buf {
		b.count[(int(e.pre)>>b.shift)+1]++
	}
	for k := 1; k < len(b.count); k++ {
		b.count[k] += b.count[k-1]
	}
	if cap(b.sorted) < len(b.buf) {
		b.sorted = make([]synEntry, cap(b.buf))
	}
	sorted := b.sorted[:len(b.buf)]
	for _, e := range b.buf {
		k := int(e.pre) >> b.shift
		sorted[b.count[k]] = e
		b.count[k]++
	}
	b.buf = b.buf[:0]
	return b.apply(sorted)
}
