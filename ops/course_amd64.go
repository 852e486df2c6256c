//go:build !noasm

package ops

import "golang.org/x/sys/cpu"

// haveCourseAVX2 says whether courseCondAVX2 and courseCondAVX2F32 can
// run here: AVX2 in the CPU and its registers saved by the OS (x/sys/cpu
// checks both).
var haveCourseAVX2 = cpu.X86.HasAVX2

// courseArgs is courseCondAVX2's argument block; its field offsets are
// named in course_amd64.s. The constants are broadcast to four lanes so
// that the kernel reads them as memory operands.
type courseArgs struct {
	courseHead[float64]
	k2, k1, k0, dt [4]float64
	peak, th       [4]float64
	e0, e1, decay  [4]float64
	one            [4]float64
}

// courseArgs32 is courseCondAVX2F32's: courseArgs's layout, with eight
// float32 lanes in each 32-byte constant.
type courseArgs32 struct {
	courseHead[float32]
	k2, k1, k0, dt [8]float32
	peak, th       [8]float32
	e0, e1, decay  [8]float32
	one            [8]float32
}

// courseHead is the kernels' pointers and sizes, first in their argument
// blocks.
type courseHead[T float32 | float64] struct {
	v, u, f, h0, h1 *T
	cls             *uint8
	tab             *[256][4]T
	n               int // neurons in this call, a multiple of the width
	k               int // conductance classes, 1 or 2
}

// blocks runs call once per block of courseBlock of the first n
// neurons, with h pointing at the block.
func (h *courseHead[T]) blocks(n int, v, u, f, h0, h1 []T, cls []uint8, call func()) {
	for lo := 0; lo < n; lo += courseBlock {
		h.v, h.u, h.f, h.h0 = &v[lo], &u[lo], &f[lo], &h0[lo]
		if h.k == 2 {
			h.h1 = &h1[lo]
		}
		h.cls, h.n = &cls[lo], min(courseBlock, n-lo)
		call()
	}
}

//go:noescape
func courseCondAVX2(a *courseArgs)

//go:noescape
func courseCondAVX2F32(a *courseArgs32)

// courseCondVec runs the first neurons of courseCondCellsInPlace (len(e)
// = 2) or courseCondCellsInPlace1 (len(e) = 1) with AVX2, a multiple of
// the vector width (4 for float64, 8 for float32), when the CPU has it,
// and returns how many it ran (0 when it did not run). The caller runs
// the rest with the scalar loop.
func courseCondVec[T float32 | float64](k *izhK[T], tab *[256][4]T, cls []uint8, e []T, decay T, v, u, f, h0, h1 []T) int {
	if !haveCourseAVX2 || len(e) < 1 || len(e) > 2 {
		return 0
	}
	switch any(v).(type) {
	case []float64:
		return courseVec64(any(k).(*izhK[float64]), any(tab).(*[256][4]float64), cls, any(e).([]float64),
			float64(decay), any(v).([]float64), any(u).([]float64), any(f).([]float64), any(h0).([]float64), any(h1).([]float64))
	case []float32:
		return courseVec32(any(k).(*izhK[float32]), any(tab).(*[256][4]float32), cls, any(e).([]float32),
			float32(decay), any(v).([]float32), any(u).([]float32), any(f).([]float32), any(h0).([]float32), any(h1).([]float32))
	}
	return 0
}

// courseBlock is the most neurons one call of the kernels runs (a
// multiple of 8): the assembly has no preemption point, so one call holds
// up the garbage collector's stop-the-world for its whole length (about
// 0.1 ms a block on this project's machine; 2 ms for n = 1e6 at once).
const courseBlock = 1 << 16

// vecLen is how many of n neurons a kernel of width w runs, or 0 when a
// slice is shorter than that.
func vecLen[T any](n, w, K int, u, f, h0, h1 []T, cls []uint8) int {
	m := n &^ (w - 1)
	if m == 0 || len(u) < m || len(f) < m || len(h0) < m || len(cls) < m || (K == 2 && len(h1) < m) {
		return 0
	}
	return m
}

func courseVec64(k *izhK[float64], tab *[256][4]float64, cls []uint8, e []float64, decay float64, v, u, f, h0, h1 []float64) int {
	n := vecLen(len(v), 4, len(e), u, f, h0, h1, cls)
	if n == 0 {
		return 0
	}
	var a courseArgs
	a.tab, a.k = tab, len(e)
	e1 := 0.0
	if len(e) == 2 {
		e1 = e[1]
	}
	for i := range 4 {
		a.k2[i], a.k1[i], a.k0[i], a.dt[i] = k.k2, k.k1, k.k0, k.dt
		a.peak[i], a.th[i] = k.peak, k.th
		a.e0[i], a.e1[i], a.decay[i] = e[0], e1, decay
		a.one[i] = 1
	}
	a.blocks(n, v, u, f, h0, h1, cls, func() { courseCondAVX2(&a) })
	return n
}

func courseVec32(k *izhK[float32], tab *[256][4]float32, cls []uint8, e []float32, decay float32, v, u, f, h0, h1 []float32) int {
	n := vecLen(len(v), 8, len(e), u, f, h0, h1, cls)
	th, ok := threshold32(k.th)
	if n == 0 || !ok {
		return 0
	}
	var a courseArgs32
	a.tab, a.k = tab, len(e)
	var e1 float32
	if len(e) == 2 {
		e1 = e[1]
	}
	for i := range 8 {
		a.k2[i], a.k1[i], a.k0[i], a.dt[i] = k.k2, k.k1, k.k0, k.dt
		a.peak[i], a.th[i] = k.peak, th
		a.e0[i], a.e1[i], a.decay[i] = e[0], e1, decay
		a.one[i] = 1
	}
	a.blocks(n, v, u, f, h0, h1, cls, func() { courseCondAVX2F32(&a) })
	return n
}
