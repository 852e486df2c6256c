//go:build !noasm

package ops

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// haveCourseAVX2 says whether courseCondAVX2 can run here: AVX2 in the
// CPU and its registers saved by the OS (x/sys/cpu checks both).
var haveCourseAVX2 = cpu.X86.HasAVX2

// courseArgs is courseCondAVX2's argument block; its field offsets are
// named in course_amd64.s. The constants are broadcast to four lanes so
// that the kernel reads them as memory operands.
type courseArgs struct {
	v, u, f, h0, h1 *float64
	cls             *uint8
	tab             *[256][4]float64
	n               int // neurons, a multiple of 4
	k               int // conductance classes, 1 or 2
	k2, k1, k0, dt  [4]float64
	peak, th        [4]float64
	e0, e1, decay   [4]float64
	one             [4]float64
}

//go:noescape
func courseCondAVX2(a *courseArgs)

// courseCondVec runs the first n&^3 neurons of courseCondCellsInPlace
// (len(e) = 2) or courseCondCellsInPlace1 (len(e) = 1) with AVX2, when T
// is float64 and the CPU has it, and returns how many it ran (0 when it
// did not run). The caller runs the rest with the scalar loop.
func courseCondVec[T float32 | float64](k *izhK[T], tab *[256][4]T, cls []uint8, e []T, decay T, v, u, f, h0, h1 []T) int {
	n := len(v) &^ 3
	if !haveCourseAVX2 || n == 0 || unsafe.Sizeof(decay) != 8 || len(e) < 1 || len(e) > 2 {
		return 0
	}
	if len(u) < n || len(f) < n || len(h0) < n || len(cls) < n || (len(e) == 2 && len(h1) < n) {
		return 0
	}
	a := courseArgs{tab: (*[256][4]float64)(unsafe.Pointer(tab)), k: len(e)}
	e1 := 0.0
	if len(e) == 2 {
		e1 = float64(e[1])
	}
	for i := range 4 {
		a.k2[i], a.k1[i], a.k0[i], a.dt[i] = float64(k.k2), float64(k.k1), float64(k.k0), float64(k.dt)
		a.peak[i], a.th[i] = float64(k.peak), k.th
		a.e0[i], a.e1[i], a.decay[i] = float64(e[0]), e1, float64(decay)
		a.one[i] = 1
	}
	// In blocks of courseBlock neurons: the assembly has no preemption
	// point, so one call holds up the garbage collector's stop-the-world
	// for its whole length (about 0.1 ms a block on this project's machine).
	for lo := 0; lo < n; lo += courseBlock {
		m := min(courseBlock, n-lo)
		a.v, a.u, a.f, a.h0 = f64p(v[lo:]), f64p(u[lo:]), f64p(f[lo:]), f64p(h0[lo:])
		if len(e) == 2 {
			a.h1 = f64p(h1[lo:])
		}
		a.cls, a.n = &cls[lo], m
		courseCondAVX2(&a)
	}
	return n
}

// courseBlock is the most neurons one call of courseCondAVX2 runs (a
// multiple of 4).
const courseBlock = 1 << 16

// f64p is the first element of a float64 slice seen as []T.
func f64p[T float32 | float64](s []T) *float64 {
	return (*float64)(unsafe.Pointer(unsafe.SliceData(s)))
}
