package network

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestByPreOrder checks byPre's contract: every synapse reaches apply
// once, and each presynaptic neuron's synapses in the order they were
// added, across buffers that fill and grow and a final partial flush;
// each batch is sorted by block.
func TestByPreOrder(t *testing.T) {
	for _, tc := range []struct{ nPre, limit, n int }{
		{1, 4096, 10}, {7, 4096, 5000}, {1000, 4096, 20000}, {5000, 10000, 50000}, {1 << 12, 4096, 4096},
	} {
		t.Run(fmt.Sprintf("nPre=%d/limit=%d/n=%d", tc.nPre, tc.limit, tc.n), func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(tc.n)))
			var want [][]int32 // posts by pre, in the order added
			want = make([][]int32, tc.nPre)
			got := make([][]int32, tc.nPre)
			batches := 0
			b := newByPre(tc.nPre, func(es []synEntry) error {
				batches++
				for i, e := range es {
					if i > 0 && int(e.pre)>>b0shift(tc.nPre) < int(es[i-1].pre)>>b0shift(tc.nPre) {
						return fmt.Errorf("entry %d of a batch is in block %d after block %d", i, int(e.pre)>>b0shift(tc.nPre), int(es[i-1].pre)>>b0shift(tc.nPre))
					}
					if e.x != float64(e.post)+0.5 {
						return fmt.Errorf("synapse (%d, %d) carries %v", e.pre, e.post, e.x)
					}
					got[e.pre] = append(got[e.pre], e.post)
				}
				return nil
			})
			b.limit = tc.limit
			for post := range tc.n {
				pre := r.IntN(tc.nPre)
				want[pre] = append(want[pre], int32(post))
				if err := b.add(synEntry{pre: int32(pre), post: int32(post), x: float64(post) + 0.5}); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.flush(); err != nil {
				t.Fatal(err)
			}
			if min := (tc.n + tc.limit - 1) / tc.limit; batches < min {
				t.Fatalf("%d batches, want at least %d", batches, min)
			}
			for pre := range want {
				if fmt.Sprint(got[pre]) != fmt.Sprint(want[pre]) {
					t.Fatalf("pre %d: got %v, want %v", pre, got[pre], want[pre])
				}
			}
		})
	}
}

// b0shift is newByPre's block shift for nPre, written out again.
func b0shift(nPre int) uint {
	s := uint(0)
	for nPre>>s >= 1<<9 {
		s++
	}
	return s
}

// TestByPreCounts checks the count pass's instantiation (preOnly): over
// several flushes every presynaptic index arrives once, so the counts
// equal those of the stream.
func TestByPreCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	const nPre, n = 3000, 30000
	want, got := make([]int, nPre), make([]int, nPre)
	flushes := 0
	b := newByPre(nPre, func(ps []preOnly) error {
		flushes++
		for _, p := range ps {
			got[p]++
		}
		return nil
	})
	b.limit = 4096
	for range n {
		p := r.IntN(nPre)
		want[p]++
		if err := b.add(preOnly(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	if flushes < n/4096 {
		t.Fatalf("%d flushes, want at least %d", flushes, n/4096)
	}
	for p := range want {
		if got[p] != want[p] {
			t.Fatalf("pre %d: counted %d, want %d", p, got[p], want[p])
		}
	}
}
