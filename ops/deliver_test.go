package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gorgonia.org/gorgonia"
)

// izhCase returns a course-scheme step with the standard equation and a
// population's (a, b, c, d) of n neurons, half regular spiking and half
// fast spiking.
func izhCase(n int) (IzhikevichStep, [4][]float64) {
	op := IzhikevichStep{Scheme: IzhikevichCourse, K2: 0.04, K1: 5, K0: 140, StandardU: true, DtMs: 0.5, VPeak: 35}
	var p [4][]float64
	for i := range p {
		p[i] = make([]float64, n)
	}
	for j := 0; j < n; j++ {
		p[0][j], p[1][j], p[2][j], p[3][j] = 0.02, 0.2, -65, 8
		if j%2 == 1 {
			p[0][j], p[3][j] = 0.1, 2
		}
	}
	return op, p
}

// spikes returns a 0/1 vector with probability q per element.
func spikes(rng *rand.Rand, n int, q float64) []float64 {
	return fill(n, func(int) float64 {
		if rng.Float64() < q {
			return 1
		}
		return 0
	})
}

// TestDeliverCondStepMatchesEventOps drives the course step two ways for
// 400 steps from one state copied across at every step: one
// ConductanceEvent per projection, their currents added (after an input
// current when ext is set) and IzhikevichStep with Input; and one Deliver
// for all projections into shared conductances with IzhikevichStep's
// CondE. With one projection the two compute the same operations in the
// same order: every value must be equal bit for bit. With two, the
// shared conductances add the projections' weights before the current is
// formed (another order): the potentials must agree within 1e-12
// relative, the spikes exactly. Do, UsePreallocDo and Kernel agree
// (conform), in float32 too.
func TestDeliverCondStepMatchesEventOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	const nPost = 30
	for _, two := range []bool{false, true} {
		for _, ext := range []bool{false, true} {
			s1, _, _ := eventCase(t, rng, 40, nPost)
			srcs := []*EventSynapses{s1}
			if two {
				s2, _, _ := eventCase(t, rng, 25, nPost)
				srcs = append(srcs, s2)
			}
			izh, prm := izhCase(nPost)
			old := izh
			old.Input = true
			cond := izh
			cond.Input, cond.CondE, cond.CondDecay = ext, []float64{0, -85}, 0.95
			del := Deliver{Sources: srcs}
			v := fill(nPost, func(int) float64 { return -70 + 20*rng.Float64() })
			u := fill(nPost, func(j int) float64 { return 0.2 * v[j] })
			f := make([]float64, nPost)
			h := make([]float64, 2*nPost) // shared conductances
			for k := 0; k < 400; k++ {
				sp := make([][]float64, len(srcs))
				for i, s := range srcs {
					sp[i] = spikes(rng, s.Out.Rows, 0.15)
				}
				I := fill(nPost, func(int) float64 {
					if ext {
						return 5 * rng.Float64()
					}
					return 0
				})
				// Old path: each projection's own conductances; with one
				// projection they are the shared ones.
				var hs [][]float64
				if two {
					// Split h: all of it to the first projection, none to
					// the second (their sum is what matters).
					hs = [][]float64{h, make([]float64, 2*nPost)}
				} else {
					hs = [][]float64{h}
				}
				cur := append([]float64(nil), I...)
				hNext := make([]float64, 2*nPost) // Σ of the projections' next h
				for i := range srcs {
					got := conform(t, ConductanceEvent{S: srcs[i], Decay: 0.95}, vals64(hs[i], sp[i], v)...)
					for j := range hNext {
						hNext[j] += got[j]
					}
					for j := range cur {
						if ext || i > 0 {
							cur[j] += got[2*nPost+j]
						} else {
							cur[j] = got[2*nPost+j]
						}
					}
				}
				want := conform(t, old, vals64(v, u, f, prm[0], prm[1], prm[2], prm[3], cur)...)
				hp := conform(t, del, vals64(append([][]float64{h}, sp...)...)...)
				in := vals64(v, u, f, prm[0], prm[1], prm[2], prm[3])
				if ext {
					in = append(in, vals64(I)...)
				}
				got := conform(t, cond, append(in, vals64(hp)...)...)
				// The same step with the parameters by class (Cells)
				// gives the same bits.
				baked := cond
				cells, ok := CellsOf(prm[0], prm[1], prm[2], prm[3])
				if !ok || len(cells.A) != 2 {
					t.Fatalf("CellsOf: %v, %v", cells, ok)
				}
				baked.Cells = cells
				sameBits(t, "cells", conform(t, baked, append(append(vals64(v, u, f), in[7:]...), vals64(hp)...)...), got)
				if two {
					for j := 0; j < nPost; j++ {
						if got[2*nPost+j] != want[2*nPost+j] || !closeRel(got[j], want[j], 1e-12) || !closeRel(got[nPost+j], want[nPost+j], 1e-12) {
							t.Fatalf("two projections, ext %t, step %d, neuron %d: (v, u, fired) = (%v, %v, %v), per projection (%v, %v, %v)",
								ext, k, j, got[j], got[nPost+j], got[2*nPost+j], want[j], want[nPost+j], want[2*nPost+j])
						}
					}
					for j := range hNext {
						if !closeRel(got[3*nPost+j], hNext[j], 1e-12) {
							t.Fatalf("two projections, step %d: h'[%d] = %v, per projection %v", k, j, got[3*nPost+j], hNext[j])
						}
					}
				} else {
					sameBits(t, "one projection", got[:3*nPost], want)
					sameBits(t, "one projection: h'", got[3*nPost:], hNext)
				}
				copy(v, want[:nPost])
				copy(u, want[nPost:2*nPost])
				copy(f, want[2*nPost:3*nPost])
				copy(h, got[3*nPost:])
			}
			conform(t, cond, append(vals32(v, u, f, prm[0], prm[1], prm[2], prm[3]), append(func() []gorgonia.Value {
				if ext {
					return vals32(v)
				}
				return nil
			}(), vals32(h)...)...)...)
		}
	}
}

func TestDeliverErrorsAndHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	s, _, _ := eventCase(t, rng, 5, 4)
	s2, _, _ := eventCase(t, rng, 5, 4)
	other := &EventSynapses{Out: s.Out, Class: s.Class, E: []float64{0, -80}}
	wrongPost, _, _ := eventCase(t, rng, 5, 6)
	for _, tc := range []struct {
		op   Deliver
		want string
	}{
		{Deliver{}, "no sources"},
		{Deliver{Sources: []*EventSynapses{nil}}, "Sources[0]"},
		{Deliver{Sources: []*EventSynapses{s, other}}, "share E"},
		{Deliver{Sources: []*EventSynapses{s, wrongPost}}, "postsynaptic"},
	} {
		wantErr(t, tc.op.Validate(), tc.want)
	}
	wantErr(t, IzhikevichStep{Scheme: IzhikevichFigure, DtMs: 1, StandardU: true, CondE: []float64{0}}.Validate(), "course scheme")
	cells, _ := CellsOf([]float64{0.02, 0.1}, []float64{0.2, 0.2}, []float64{-65, -65}, []float64{8, 2})
	course := IzhikevichStep{Scheme: IzhikevichCourse, DtMs: 1, StandardU: true, CondE: []float64{0}, CondDecay: 0.9}
	for _, tc := range []struct {
		cells *IzhikevichCells
		cond  bool
		want  string
	}{
		{cells, false, "Cells takes CondE"},
		{&IzhikevichCells{Class: []uint8{0}, A: []float64{1}, B: []float64{1}, C: []float64{1}}, true, "a, b, c, d"},
		{&IzhikevichCells{Class: []uint8{1}, A: []float64{1}, B: []float64{1}, C: []float64{1}, D: []float64{1}}, true, "Class[0] = 1"},
		{&IzhikevichCells{Class: []uint8{0}, A: []float64{math.NaN()}, B: []float64{1}, C: []float64{1}, D: []float64{1}}, true, "non-finite"},
	} {
		op := course
		if !tc.cond {
			op.CondE = nil
		}
		op.Cells = tc.cells
		wantErr(t, op.Validate(), tc.want)
	}
	withCells := course
	withCells.Cells = cells // 2 neurons' classes, given 3 neurons
	_, err := withCells.Do(vals64(make([]float64, 3), make([]float64, 3), make([]float64, 3), make([]float64, 3))...)
	wantErr(t, err, "2 classes for 3 neurons")
	if _, ok := CellsOf(make([]float64, 3), make([]float64, 2), nil, nil); ok {
		t.Fatal("CellsOf: slices of different lengths accepted")
	}
	many := make([]float64, 300)
	for i := range many {
		many[i] = float64(i)
	}
	if _, ok := CellsOf(many, many, many, many); ok {
		t.Fatal("CellsOf: 300 classes accepted")
	}
	izh, _ := izhCase(4)
	izh.CondE, izh.CondDecay = []float64{0, -85}, 0.9
	izh2 := izh
	izh2.CondE = []float64{0, -80}
	izh3 := izh
	izh3.CondDecay = 0.8
	izh4, izh5 := izh, izh
	izh4.Cells, _ = CellsOf([]float64{1, 2, 1, 2}, []float64{1, 1, 1, 1}, []float64{1, 1, 1, 1}, []float64{1, 1, 1, 1})
	izh5.Cells, _ = CellsOf([]float64{1, 2, 2, 2}, []float64{1, 1, 1, 1}, []float64{1, 1, 1, 1}, []float64{1, 1, 1, 1})
	seen := map[uint32]string{}
	for _, op := range []gorgonia.Op{Deliver{Sources: []*EventSynapses{s}}, Deliver{Sources: []*EventSynapses{s2}},
		Deliver{Sources: []*EventSynapses{s, s2}}, izh, izh2, izh3, izh4, izh5, IzhikevichStep{Scheme: IzhikevichCourse, K2: 0.04, K1: 5, K0: 140, StandardU: true, DtMs: 0.5, VPeak: 35}} {
		h := op.Hashcode()
		if prev, dup := seen[h]; dup {
			t.Fatalf("%v and %v share the hash %x", op, prev, h)
		}
		seen[h] = op.String()
	}
}

// BenchmarkCondStep compares one step of a population of 1000 neurons
// with a recurrent projection (100 synapses per neuron, 1 % spiking) and
// an input projection: one ConductanceEvent per projection, an add and
// IzhikevichStep ("per-projection"), against Deliver and IzhikevichStep
// with CondE ("merged").
func BenchmarkCondStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 1000
	rec := benchSynapses(b, rng, n, n, 0.1, []float64{0, -85})
	in := benchSynapses(b, rng, 100, n, 0.1, []float64{0, -85})
	izh, prm := izhCase(n)
	v := fill(n, func(int) float64 { return -65 })
	u := fill(n, func(int) float64 { return -13 })
	sRec, sIn := spikes(rng, n, 0.01), spikes(rng, 100, 0.001)
	zero := make([]float64, n)
	b.Run("per-projection", func(b *testing.B) {
		hr, hi := vals64(make([]float64, 2*n))[0], vals64(make([]float64, 2*n))[0]
		x := vals64(sRec, sIn, v, u, zero, prm[0], prm[1], prm[2], prm[3], zero)
		outR, outI := vals64(make([]float64, 3*n))[0], vals64(make([]float64, 3*n))[0]
		sum, out := vals64(make([]float64, n))[0], vals64(make([]float64, 3*n))[0]
		kr := mustKernel(b, ConductanceEvent{S: rec, Decay: 0.95}, outR, hr, x[0], x[2])
		ki := mustKernel(b, ConductanceEvent{S: in, Decay: 0.95}, outI, hi, x[1], x[2])
		old := izh
		old.Input = true
		kz := mustKernel(b, old, out, x[2], x[3], x[4], x[5], x[6], x[7], x[8], sum)
		cr, ci, cs := float64s(b, outR)[2*n:], float64s(b, outI)[2*n:], float64s(b, sum)
		b.ReportAllocs()
		for b.Loop() {
			kr()
			ki()
			for j := range cs {
				cs[j] = ci[j] + cr[j]
			}
			kz()
		}
	})
	b.Run("merged", func(b *testing.B) {
		h := vals64(make([]float64, 2*n))[0]
		x := vals64(sRec, sIn, v, u, zero, prm[0], prm[1], prm[2], prm[3])
		hp, out := vals64(make([]float64, 2*n))[0], vals64(make([]float64, 5*n))[0]
		kd := mustKernel(b, Deliver{Sources: []*EventSynapses{in, rec}}, hp, h, x[1], x[0])
		cond := izh
		cond.CondE, cond.CondDecay = []float64{0, -85}, 0.95
		kz := mustKernel(b, cond, out, x[2], x[3], x[4], x[5], x[6], x[7], x[8], hp)
		cells := cond
		cells.Cells, _ = CellsOf(prm[0], prm[1], prm[2], prm[3])
		kc := mustKernel(b, cells, vals64(make([]float64, 5*n))[0], x[2], x[3], x[4], hp)
		for _, c := range []struct {
			name string
			k    func() error
		}{{"params", kz}, {"cells", kc}} {
			b.Run(c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					kd()
					c.k()
				}
			})
		}
	})
}

func benchSynapses(b *testing.B, rng *rand.Rand, nPre, nPost int, p float64, e []float64) *EventSynapses {
	c, err := FromDense(nPost, nPre, randomDense(rng, nPost, nPre, p))
	if err != nil {
		b.Fatal(err)
	}
	out, err := c.Transpose()
	if err != nil {
		b.Fatal(err)
	}
	s := &EventSynapses{Out: out, Class: make([]int32, nPre), E: e}
	for j := range s.Class {
		if j%5 == 4 {
			s.Class[j] = 1
		}
	}
	return s
}

func mustKernel(b *testing.B, op interface {
	Kernel(gorgonia.Value, []gorgonia.Value) (func() error, error)
}, out gorgonia.Value, in ...gorgonia.Value) func() error {
	k, err := op.Kernel(out, in)
	if err != nil {
		b.Fatal(err)
	}
	return k
}

// TestCondStepInPlace: with CondE the step may run with v, u, fired and h
// being its own output's regions (InPlaceRegions; the lean executor's
// in-place update) and gives the bits of a separate output; an input
// overlapping the output anywhere else is refused.
func TestCondStepInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const n = 50
	izh, prm := izhCase(n)
	izh.CondE, izh.CondDecay = []float64{0, -85}, 0.95
	izh.Cells, _ = CellsOf(prm[0], prm[1], prm[2], prm[3])
	state := make([]float64, 5*n)
	for j := 0; j < n; j++ {
		state[j], state[n+j] = -70+40*rng.Float64(), -14
		if rng.Float64() < 0.1 {
			state[2*n+j] = 1
		}
		state[3*n+j], state[4*n+j] = rng.Float64(), rng.Float64()
	}
	want := conform(t, izh, vals64(state[:n], state[n:2*n], state[2*n:3*n], state[3*n:])...)
	out := dense64(append([]float64(nil), state...), 5*n)
	buf := out.Data().([]float64)
	part := func(lo, hi int) gorgonia.Value { return dense64(buf[lo:hi], hi-lo) }
	k, err := izh.Kernel(out, []gorgonia.Value{part(0, n), part(n, 2*n), part(2*n, 3*n), part(3*n, 5*n)})
	if err != nil {
		t.Fatal(err)
	}
	if err := k(); err != nil {
		t.Fatal(err)
	}
	sameBits(t, "in place", buf, want)
	_, err = izh.Kernel(out, []gorgonia.Value{part(n, 2*n), part(0, n), part(2*n, 3*n), part(3*n, 5*n)})
	wantErr(t, err, "shares memory")
}

// TestCondStepCellsOneClass: with one reversal potential (the course's
// Step 3) the step with Cells, in place and with a separate output, gives
// the bits of the step reading the four parameters.
func TestCondStepCellsOneClass(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	const n = 40
	izh, prm := izhCase(n)
	izh.CondE, izh.CondDecay = []float64{0}, 0.95
	baked := izh
	baked.Cells, _ = CellsOf(prm[0], prm[1], prm[2], prm[3])
	state := make([]float64, 4*n)
	for j := 0; j < n; j++ {
		state[j], state[n+j], state[3*n+j] = -70+45*rng.Float64(), -14+rng.Float64(), 0.5*rng.Float64()
		if rng.Float64() < 0.2 {
			state[2*n+j] = 1
		}
	}
	want := conform(t, izh, vals64(state[:n], state[n:2*n], state[2*n:3*n], prm[0], prm[1], prm[2], prm[3], state[3*n:])...)
	sameBits(t, "separate output", conform(t, baked, vals64(state[:n], state[n:2*n], state[2*n:3*n], state[3*n:])...), want)
	out := dense64(append([]float64(nil), state...), 4*n)
	buf := out.Data().([]float64)
	part := func(lo, hi int) gorgonia.Value { return dense64(buf[lo:hi], hi-lo) }
	k, err := baked.Kernel(out, []gorgonia.Value{part(0, n), part(n, 2*n), part(2*n, 3*n), part(3*n, 4*n)})
	if err != nil {
		t.Fatal(err)
	}
	if err := k(); err != nil {
		t.Fatal(err)
	}
	sameBits(t, "in place", buf, want)
}

// TestSpikeList checks the scan that lists the spiking neurons: every
// value other than ±0 counts (−0 does not, as −0 == 0; NaN does, as
// NaN ≠ 0), in both dtypes, across the eight-word skip.
func TestSpikeList(t *testing.T) {
	s := make([]float64, 37)
	s[0], s[8], s[9], s[17], s[36] = 1, 0.5, math.NaN(), -1, 2
	s[20] = math.Copysign(0, -1)
	want := []int32{0, 8, 9, 17, 36}
	got := spikeList(s, make([]int32, len(s)))
	if !slices.Equal(got, want) {
		t.Fatalf("float64: spikeList = %v, want %v", got, want)
	}
	s32 := make([]float32, len(s))
	for i, x := range s {
		s32[i] = float32(x)
	}
	if got := spikeList(s32, make([]int32, len(s))); !slices.Equal(got, want) {
		t.Fatalf("float32: spikeList = %v, want %v", got, want)
	}
	if got := spikeList([]float64{}, nil); len(got) != 0 {
		t.Fatalf("empty: spikeList = %v", got)
	}
}
