package ops

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
)

func TestCSRTranspose(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 9))
	for _, sz := range [][2]int{{1, 1}, {3, 4}, {17, 9}} {
		w := randomDense(rng, sz[0], sz[1], 0.4)
		c, err := FromDense(sz[0], sz[1], w)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := c.Transpose()
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Validate(); err != nil {
			t.Fatal(err)
		}
		got, _ := tr.Dense()
		sameBits(t, "transpose", got, transposeDense(sz[0], sz[1], w))
	}
	if _, err := (&CSR{}).Transpose(); err == nil {
		t.Fatal("invalid CSR: no error")
	}
}

// eventCase returns the synapses of W [nPost, nPre] with classes by E,
// and W, E per presynaptic neuron.
func eventCase(t *testing.T, rng *rand.Rand, nPre, nPost int) (*EventSynapses, []float64, []float64) {
	t.Helper()
	w := randomDense(rng, nPost, nPre, 0.3)
	c, err := FromDense(nPost, nPre, w)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Transpose()
	if err != nil {
		t.Fatal(err)
	}
	s := &EventSynapses{Out: out, Class: make([]int32, nPre), E: []float64{0, -85}}
	e := make([]float64, nPre)
	for p := range e {
		if p%4 == 3 {
			s.Class[p], e[p] = 1, -85
		}
	}
	return s, w, e
}

// TestConductanceEventMatchesDense drives the event op and the dense
// reference (g per presynaptic neuron) with the same spikes and potentials
// for 300 steps and requires the currents, and Σ_k h_k against W g, to
// agree within 1e-12 relative (absolute near zero) at every step; and Do,
// UsePreallocDo and Kernel to agree bit for bit.
func TestConductanceEventMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	const nPre, nPost = 40, 30
	s, w, e := eventCase(t, rng, nPre, nPost)
	for _, neat := range []bool{false, true} {
		op := ConductanceEvent{S: s, Decay: 0.95, Neat: neat}
		dense := Conductance{Decay: 0.95, Neat: neat}
		h := make([]float64, 2*nPost)
		g := make([]float64, nPre)
		wt := dense64(append([]float64(nil), w...), nPost, nPre)
		for k := 0; k < 300; k++ {
			sp := fill(nPre, func(int) float64 {
				if rng.Float64() < 0.1 {
					return 1
				}
				return 0
			})
			v := fill(nPost, func(int) float64 { return -70 + 60*rng.Float64() })
			got := conform(t, op, vals64(h, sp, v)...)
			want, err := dense.Do(append(vals64(g, sp, v)[:3], wt, vals64(e)[0])...)
			if err != nil {
				t.Fatal(err)
			}
			wv := want.Data().([]float64)
			for j := 0; j < nPost; j++ {
				if !closeRel(got[2*nPost+j], wv[nPre+j], 1e-12) {
					t.Fatalf("neat=%t step %d: I[%d] = %v, dense %v", neat, k, j, got[2*nPost+j], wv[nPre+j])
				}
			}
			copy(h, got[:2*nPost])
			copy(g, wv[:nPre])
			for j := 0; j < nPost; j++ {
				var wg float64
				for p := 0; p < nPre; p++ {
					wg += w[j*nPre+p] * g[p]
				}
				if !closeRel(h[j]+h[nPost+j], wg, 1e-12) {
					t.Fatalf("step %d: Σ h[%d] = %v, W g = %v", k, j, h[j]+h[nPost+j], wg)
				}
			}
		}
		conform(t, op, vals32(h, g[:nPre], h[:nPost])...)
	}
}

func TestConductanceEventErrorsAndHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	s, _, _ := eventCase(t, rng, 5, 4)
	op := ConductanceEvent{S: s, Decay: 0.9}
	bad := []ConductanceEvent{
		{S: nil, Decay: 0.9},
		{S: &EventSynapses{Out: s.Out, Class: s.Class[:2], E: s.E}, Decay: 0.9},
		{S: &EventSynapses{Out: s.Out, Class: s.Class, E: nil}, Decay: 0.9},
		{S: &EventSynapses{Out: s.Out, Class: []int32{0, 0, 0, 0, 5}, E: s.E}, Decay: 0.9},
		{S: &EventSynapses{Out: s.Out, Class: s.Class, E: []float64{math.NaN(), 0}}, Decay: 0.9},
		{S: s, Decay: math.Inf(1)},
	}
	in := vals64(make([]float64, 8), make([]float64, 5), make([]float64, 4))
	for i, b := range bad {
		if _, err := b.Do(in...); err == nil {
			t.Errorf("bad op %d: no error", i)
		}
	}
	_, err := op.Do(in[0], in[1])
	wantErr(t, err, "got 2 inputs")
	_, err = op.Do(in[1], in[1], in[2])
	wantErr(t, err, "h has shape")
	_, err = op.Kernel(nil, in)
	wantErr(t, err, "nil output")
	if _, err := op.SymDiff(nil, nil, nil); !errors.Is(err, ErrForwardOnly) {
		t.Errorf("SymDiff: %v", err)
	}
	s2 := &EventSynapses{Out: s.Out, Class: append([]int32(nil), s.Class...), E: []float64{0, -80}}
	s3 := &EventSynapses{Out: s.Out, Class: []int32{1, 1, 1, 1, 1}, E: s.E}
	ops := []gorgonia.Op{op, ConductanceEvent{S: s, Decay: 0.95}, ConductanceEvent{S: s, Decay: 0.9, Neat: true},
		ConductanceEvent{S: s2, Decay: 0.9}, ConductanceEvent{S: s3, Decay: 0.9}}
	seen := map[uint32]bool{}
	for _, o := range ops {
		if seen[o.Hashcode()] {
			t.Errorf("%v: hash collides", o)
		}
		seen[o.Hashcode()] = true
	}
	g := gorgonia.NewGraph()
	nodes := []*gorgonia.Node{vec64(g, "h", 8), vec64(g, "s", 5), vec64(g, "v", 4)}
	if _, err := Apply(op, nodes[0], nodes[1], nodes[1]); err == nil {
		t.Error("Apply with a short v: no error")
	}
	if _, err := Apply(op, nodes...); err != nil {
		t.Error(err)
	}
}
