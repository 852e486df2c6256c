//go:build !amd64 || noasm

package ops

// haveCourseAVX2 is false off amd64 (or with the noasm build tag): the
// course loops run in Go.
const haveCourseAVX2 = false

// courseCondVec runs nothing off amd64: the scalar loop runs every neuron.
func courseCondVec[T float32 | float64](k *izhK[T], tab *[256][4]T, cls []uint8, e []T, decay T, v, u, f, h0, h1 []T) int {
	return 0
}
