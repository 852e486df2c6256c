package ops

import (
	"math"
	"math/rand/v2"
	"testing"
)

// courseCase is a random state for the course loop with conductances:
// some neurons fired (reset branch), some at the edge of the threshold,
// NaN and -0 values, and up to 256 cell classes.
type courseCase struct {
	tab        [256][4]float64
	cls        []uint8
	v, u, f, h []float64
	e          []float64
	decay      float64
	k          izhK[float64]
}

func newCourseCase(r *rand.Rand, n, K, classes int) *courseCase {
	c := &courseCase{
		cls: make([]uint8, n), v: make([]float64, n), u: make([]float64, n),
		f: make([]float64, n), h: make([]float64, K*n),
		e:     []float64{0, -85}[:K],
		decay: 0.95,
		k:     izhK[float64]{k2: 0.04, k1: 5, k0: 140, dt: 0.5, peak: 35, th: 35},
	}
	for i := range classes {
		c.tab[i] = [4]float64{0.02 + 0.1*r.Float64(), 0.2 + 0.05*r.Float64(), -65 + 15*r.Float64(), 2 + 6*r.Float64()}
	}
	for j := range n {
		c.cls[j] = uint8(r.IntN(classes))
		c.v[j] = -80 + 120*r.Float64()
		c.u[j] = -20 + 10*r.Float64()
		if r.IntN(4) == 0 {
			c.f[j] = 1
		}
		for k := range K {
			c.h[k*n+j] = 0.2 * r.Float64()
		}
		switch r.IntN(16) {
		case 0:
			c.v[j] = math.NaN()
		case 1:
			c.f[j] = math.NaN()
		case 2:
			c.f[j] = math.Copysign(0, -1)
		case 3:
			c.v[j] = 35 // a threshold crossing
		case 4:
			c.h[j] = math.Copysign(0, -1)
		}
	}
	return c
}

// TestCourseVecSameBits checks the AVX2 course kernel (with the scalar
// tail) against the scalar loop, bit for bit, over many steps of random
// states: both reversal-potential counts, sizes around the vector width,
// and 1, 2 and 256 classes.
func TestCourseVecSameBits(t *testing.T) {
	if !haveCourseAVX2 {
		t.Skip("no AVX2 kernel on this machine or build (noasm): the scalar loop runs everywhere")
	}
	r := rand.New(rand.NewPCG(8, 2))
	for _, K := range []int{1, 2} {
		for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 33, 1000, courseBlockTest} {
			for _, classes := range []int{1, 2, 256} {
				want := newCourseCase(r, n, K, classes)
				got := newCourseCase(r, 0, K, classes)
				got.tab, got.cls = want.tab, want.cls
				got.v, got.u = append([]float64(nil), want.v...), append([]float64(nil), want.u...)
				got.f, got.h = append([]float64(nil), want.f...), append([]float64(nil), want.h...)
				for step := range 50 {
					courseCondCells(&want.k, &want.tab, want.cls, want.e, want.decay, want.v, want.u, want.f, want.h, want.v, want.u, want.f, want.h)
					scalarCourse(&got.k, &got.tab, got.cls, got.e, got.decay, got.v, got.u, got.f, got.h)
					for name, p := range map[string][2][]float64{"v": {want.v, got.v}, "u": {want.u, got.u}, "fired": {want.f, got.f}, "g": {want.h, got.h}} {
						for j := range p[0] {
							if math.Float64bits(p[0][j]) != math.Float64bits(p[1][j]) {
								t.Fatalf("K=%d n=%d classes=%d step %d: %s[%d] = %v (%#x) with AVX2, %v (%#x) scalar",
									K, n, classes, step, name, j, p[0][j], math.Float64bits(p[0][j]), p[1][j], math.Float64bits(p[1][j]))
							}
						}
					}
				}
			}
		}
	}
}

// TestCourseVecRuns checks that the AVX2 kernel is the one that runs
// here (so that TestCourseVecSameBits tests it): it takes n&^3 neurons.
func TestCourseVecRuns(t *testing.T) {
	if !haveCourseAVX2 {
		t.Skip("no AVX2 kernel on this machine or build (noasm)")
	}
	c := newCourseCase(rand.New(rand.NewPCG(1, 1)), 11, 2, 2)
	if m := courseCondVec(&c.k, &c.tab, c.cls, c.e, c.decay, c.v, c.u, c.f, c.h[:11], c.h[11:]); m != 8 {
		t.Fatalf("courseCondVec ran %d neurons of 11, want 8", m)
	}
	c32 := izhK[float32]{}
	var tab32 [256][4]float32
	s := make([]float32, 8)
	if m := courseCondVec(&c32, &tab32, make([]uint8, 8), []float32{0}, 1, s, s, s, s, nil); m != 0 {
		t.Fatalf("courseCondVec ran %d float32 neurons, want 0 (float64 only)", m)
	}
}

// scalarCourse is courseCondCells without the AVX2 kernel.
func scalarCourse(k *izhK[float64], tab *[256][4]float64, cls []uint8, e []float64, decay float64, v, u, f, h []float64) {
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
