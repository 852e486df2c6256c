//go:build !noasm

package ops

import (
	"testing"
	"unsafe"
)

// TestCourseArgsLayout keeps course_amd64.s's offsets true.
func TestCourseArgsLayout(t *testing.T) {
	var a courseArgs
	var b courseArgs32
	for name, off := range map[string][2]uintptr{
		"v": {unsafe.Offsetof(a.v), 0}, "u": {unsafe.Offsetof(a.u), 8}, "f": {unsafe.Offsetof(a.f), 16},
		"h0": {unsafe.Offsetof(a.h0), 24}, "h1": {unsafe.Offsetof(a.h1), 32}, "cls": {unsafe.Offsetof(a.cls), 40},
		"tab": {unsafe.Offsetof(a.tab), 48}, "n": {unsafe.Offsetof(a.n), 56}, "k": {unsafe.Offsetof(a.k), 64},
		"k2": {unsafe.Offsetof(a.k2), 72}, "k1": {unsafe.Offsetof(a.k1), 104}, "k0": {unsafe.Offsetof(a.k0), 136},
		"dt": {unsafe.Offsetof(a.dt), 168}, "peak": {unsafe.Offsetof(a.peak), 200}, "th": {unsafe.Offsetof(a.th), 232},
		"e0": {unsafe.Offsetof(a.e0), 264}, "e1": {unsafe.Offsetof(a.e1), 296}, "decay": {unsafe.Offsetof(a.decay), 328},
		"one":  {unsafe.Offsetof(a.one), 360},
		"32/v": {unsafe.Offsetof(b.v), 0}, "32/cls": {unsafe.Offsetof(b.cls), 40}, "32/tab": {unsafe.Offsetof(b.tab), 48},
		"32/n": {unsafe.Offsetof(b.n), 56}, "32/k": {unsafe.Offsetof(b.k), 64}, "32/k2": {unsafe.Offsetof(b.k2), 72},
		"32/th": {unsafe.Offsetof(b.th), 232}, "32/one": {unsafe.Offsetof(b.one), 360},
	} {
		if off[0] != off[1] {
			t.Errorf("courseArgs.%s at offset %d, course_amd64.s reads %d", name, off[0], off[1])
		}
	}
}

// TestCourseBlockSize keeps courseBlockTest past the first block and the
// block a multiple of the vector width.
func TestCourseBlockSize(t *testing.T) {
	if courseBlockTest <= courseBlock || courseBlock%4 != 0 {
		t.Fatalf("courseBlockTest %d must exceed courseBlock %d, a multiple of 4", courseBlockTest, courseBlock)
	}
}
