package ops

import (
	"testing"

	"gorgonia.org/gorgonia"
)

// TestDiffWRTCounts checks that every op's DiffWRT returns one flag per input
// and an empty slice, not a panic of make, for a negative count.
func TestDiffWRTCounts(t *testing.T) {
	t.Parallel()
	ops := []gorgonia.SDOp{
		Spike{Surrogate: DefaultSuperSpike()}, Where{}, StopGradient{}, zerosLike{},
		Bernoulli{DtMs: 1}, Normal{},
	}
	for _, op := range ops {
		for _, n := range []int{-1, 0, 2} {
			t.Run(op.(gorgonia.Op).String(), func(t *testing.T) {
				var got []bool
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("DiffWRT(%d) panicked: %v", n, r)
						}
					}()
					got = op.DiffWRT(n)
				}()
				if want := max(n, 0); len(got) != want {
					t.Errorf("DiffWRT(%d): got=%d flags, want %d", n, len(got), want)
				}
			})
		}
	}
}
