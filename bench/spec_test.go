package bench

import (
	"math"
	"testing"
)

func TestDefaultPRec(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want float64
	}{{1, 1}, {100, 1}, {1000, 0.1}, {10000, 0.01}, {1000000, 1e-4}} {
		if got := DefaultPRec(tc.n); got != tc.want {
			t.Errorf("DefaultPRec(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

// TestSpecBuilds checks the layout rule (dense up to DenseMaxN) and that
// the spec is the course's: 100 trains, two projections, 20 % inhibitory.
func TestSpecBuilds(t *testing.T) {
	for _, n := range []int{DenseMaxN, DenseMaxN + 1} {
		net, err := Spec(n, 3, DefaultPRec(n)).Build()
		if err != nil {
			t.Fatal(err)
		}
		pop, _ := net.Population(PopName)
		if pop.N != n || math.Abs(float64(pop.NInh)/float64(n)-0.2) > 0.05 {
			t.Errorf("n=%d: population of %d with %d inhibitory", n, pop.N, pop.NInh)
		}
		if len(net.Sources) != 1 || net.Sources[0].N != 100 || len(net.Projections) != 2 {
			t.Fatalf("n=%d: %d sources, %d projections", n, len(net.Sources), len(net.Projections))
		}
		for _, p := range net.Projections {
			if sparse := p.Sparse(); sparse != (n > DenseMaxN) {
				t.Errorf("n=%d: %s sparse = %v", n, p.Name, sparse)
			}
		}
		// about n*100 recurrent and n*10 input synapses
		if r := float64(net.Projections[1].Synapses) / float64(n*100); math.Abs(r-1) > 0.05 {
			t.Errorf("n=%d: %d recurrent synapses, want about %d", n, net.Projections[1].Synapses, n*100)
		}
	}
	if _, err := Spec(0, 1, 0.1).Build(); err == nil {
		t.Error("n = 0 built")
	}
}
