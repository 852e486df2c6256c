package ops

import (
	"math"
	"math/rand/v2"
	"testing"
)

// courseCase is a random state for the course loop with conductances:
// some neurons fired (reset branch), some at the edge of the threshold,
// NaN and -0 values, and up to 256 cell classes.
type courseCase[T float32 | float64] struct {
	tab        [256][4]T
	cls        []uint8
	v, u, f, h []T
	e          []T
	decay      T
	k          izhK[T]
}

func newCourseCase[T float32 | float64](r *rand.Rand, n, K, classes int) *courseCase[T] {
	c := &courseCase[T]{
		cls: make([]uint8, n), v: make([]T, n), u: make([]T, n),
		f: make([]T, n), h: make([]T, K*n),
		e:     []T{0, -85}[:K],
		decay: 0.95,
		k:     izhK[T]{k2: 0.04, k1: 5, k0: 140, dt: 0.5, peak: 35, th: 35},
	}
	for i := range classes {
		c.tab[i] = [4]T{T(0.02 + 0.1*r.Float64()), T(0.2 + 0.05*r.Float64()), T(-65 + 15*r.Float64()), T(2 + 6*r.Float64())}
	}
	for j := range n {
		c.cls[j] = uint8(r.IntN(classes))
		c.v[j] = T(-80 + 120*r.Float64())
		c.u[j] = T(-20 + 10*r.Float64())
		if r.IntN(4) == 0 {
			c.f[j] = 1
		}
		for k := range K {
			c.h[k*n+j] = T(0.2 * r.Float64())
		}
		switch r.IntN(16) {
		case 0:
			c.v[j] = T(math.NaN())
		case 1:
			c.f[j] = T(math.NaN())
		case 2:
			c.f[j] = T(math.Copysign(0, -1))
		case 3:
			c.v[j] = 35 // a threshold crossing
		case 4:
			c.h[j] = T(math.Copysign(0, -1))
		}
	}
	return c
}

// clone copies c's state (the tables are shared).
func (c *courseCase[T]) clone() *courseCase[T] {
	d := *c
	d.v, d.u = append([]T(nil), c.v...), append([]T(nil), c.u...)
	d.f, d.h = append([]T(nil), c.f...), append([]T(nil), c.h...)
	return &d
}

// TestCourseVecSameBits checks the AVX2 course kernels (with the scalar
// tail) against the scalar loop, bit for bit, over many steps of random
// states: both dtypes, both reversal-potential counts, sizes around the
// vector widths and across a block, and 1, 2 and 256 classes.
func TestCourseVecSameBits(t *testing.T) {
	if !haveCourseAVX2 {
		t.Skip("no AVX2 kernel on this machine or build (noasm): the scalar loop runs everywhere")
	}
	t.Run("float64", func(t *testing.T) { courseSameBits[float64](t, func(x float64) uint64 { return math.Float64bits(x) }) })
	t.Run("float32", func(t *testing.T) {
		courseSameBits[float32](t, func(x float32) uint64 { return uint64(math.Float32bits(x)) })
	})
}

func courseSameBits[T float32 | float64](t *testing.T, bits func(T) uint64) {
	r := rand.New(rand.NewPCG(8, 2))
	for _, K := range []int{1, 2} {
		for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 15, 17, 33, 1000, courseBlockTest} {
			for _, classes := range []int{1, 2, 256} {
				want := newCourseCase[T](r, n, K, classes)
				got := want.clone()
				for step := range 50 {
					courseCondCells(&want.k, &want.tab, want.cls, want.e, want.decay, want.v, want.u, want.f, want.h, want.v, want.u, want.f, want.h)
					scalarCourse(&got.k, &got.tab, got.cls, got.e, got.decay, got.v, got.u, got.f, got.h)
					for name, p := range map[string][2][]T{"v": {want.v, got.v}, "u": {want.u, got.u}, "fired": {want.f, got.f}, "g": {want.h, got.h}} {
						for j := range p[0] {
							if bits(p[0][j]) != bits(p[1][j]) {
								t.Fatalf("K=%d n=%d classes=%d step %d: %s[%d] = %v (%#x) with AVX2, %v (%#x) scalar",
									K, n, classes, step, name, j, p[0][j], bits(p[0][j]), p[1][j], bits(p[1][j]))
							}
						}
					}
				}
			}
		}
	}
}

// TestCourseVecRuns checks that the AVX2 kernels are the ones that run
// here (so that TestCourseVecSameBits tests them): they take n&^3
// float64 or n&^7 float32 neurons.
func TestCourseVecRuns(t *testing.T) {
	if !haveCourseAVX2 {
		t.Skip("no AVX2 kernel on this machine or build (noasm)")
	}
	c := newCourseCase[float64](rand.New(rand.NewPCG(1, 1)), 11, 2, 2)
	if m := courseCondVec(&c.k, &c.tab, c.cls, c.e, c.decay, c.v, c.u, c.f, c.h[:11], c.h[11:]); m != 8 {
		t.Fatalf("float64: courseCondVec ran %d neurons of 11, want 8", m)
	}
	c32 := newCourseCase[float32](rand.New(rand.NewPCG(1, 1)), 19, 1, 2)
	if m := courseCondVec(&c32.k, &c32.tab, c32.cls, c32.e, c32.decay, c32.v, c32.u, c32.f, c32.h, nil); m != 16 {
		t.Fatalf("float32: courseCondVec ran %d neurons of 19, want 16", m)
	}
}

// TestCourseVecThreshold checks the float32 kernel's threshold at the
// float32 values next to a threshold that float32 cannot hold: a spike
// exactly when float64(v) >= th, as the scalar loop tests.
func TestCourseVecThreshold(t *testing.T) {
	if !haveCourseAVX2 {
		t.Skip("no AVX2 kernel on this machine or build (noasm)")
	}
	for _, th := range []float64{35, 30.000000001, -0.1, 1e-40} {
		x, ok := threshold32(th)
		if !ok || float64(x) < th || float64(math.Nextafter32(x, float32(math.Inf(-1)))) >= th {
			t.Fatalf("threshold32(%v) = %v, %v", th, x, ok)
		}
		c := newCourseCase[float32](rand.New(rand.NewPCG(2, 2)), 8, 1, 1)
		c.k.th, c.k.peak = th, 99
		c.k.dt = 0 // vE = v: the test is on the state itself
		for j := range c.v {
			c.v[j], c.f[j] = x, 0
		}
		c.v[1] = math.Nextafter32(x, float32(math.Inf(-1)))
		c.v[2] = math.Nextafter32(x, float32(math.Inf(1)))
		want := c.clone()
		scalarCourse(&want.k, &want.tab, want.cls, want.e, want.decay, want.v, want.u, want.f, want.h)
		if m := courseCondVec(&c.k, &c.tab, c.cls, c.e, c.decay, c.v, c.u, c.f, c.h, nil); m != 8 {
			t.Fatalf("ran %d of 8", m)
		}
		for j := range c.f {
			if c.f[j] != want.f[j] || c.v[j] != want.v[j] {
				t.Fatalf("th %v: neuron %d (v %v): fired %v, v %v with AVX2; %v, %v scalar", th, j, want.v[j], c.f[j], c.v[j], want.f[j], want.v[j])
			}
		}
		if want.f[1] != 0 || want.f[0] != 1 {
			t.Fatalf("th %v: the scalar loop fired %v below and %v at the threshold", th, want.f[1], want.f[0])
		}
	}
	for _, th := range []float64{math.NaN(), math.Inf(1), 1e39} {
		if _, ok := threshold32(th); ok {
			t.Errorf("threshold32(%v) accepted", th)
		}
	}
}

// scalarCourse is courseCondCells without the AVX2 kernel.
func scalarCourse[T float32 | float64](k *izhK[T], tab *[256][4]T, cls []uint8, e []T, decay T, v, u, f, h []T) {
	n := len(v)
	if len(e) == 1 {
		courseCondCellsInPlace1(k, tab, cls, e[0], decay, v, u, f, h)
		return
	}
	courseCondCellsInPlace(k, tab, cls, e[0], e[1], decay, v, u, f, h[:n], h[n:])
}

// courseBlockTest is a size that crosses the end of courseCondVec's first
// block of 1<<16 neurons (course_amd64.go's courseBlock).
const courseBlockTest = 1<<16 + 7
