package ops

import "math"

// threshold32 returns the least float32 x with float64(x) >= th, so that
// for every float32 y, y >= x exactly when float64(y) >= th (float32 to
// float64 is exact and increasing). It reports false for a NaN th or one
// beyond float32's range, which the kernel does not take (the scalar loop
// runs those).
func threshold32(th float64) (float32, bool) {
	if math.IsNaN(th) || math.IsInf(th, 0) || math.Abs(th) > math.MaxFloat32 {
		return 0, false
	}
	x := float32(th)
	if float64(x) < th {
		x = math.Nextafter32(x, float32(math.Inf(1)))
	}
	for float64(math.Nextafter32(x, float32(math.Inf(-1)))) >= th {
		x = math.Nextafter32(x, float32(math.Inf(-1)))
	}
	return x, true
}
