package sim_test

import (
	"context"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/sim"
)

// TestProfile: every op of the graph is timed once per step, the shares
// sum to 1, and the ops carry the graph's readable names.
func TestProfile(t *testing.T) {
	for _, engine := range []network.Engine{network.Fused, network.Fine} {
		t.Run(engine.String(), func(t *testing.T) {
			net := build(t, "recurrent", network.Options{Seed: 1, N: 50, Engine: engine})
			names := map[string]bool{}
			ops := 0
			for _, n := range net.Graph.ExprGraph().AllNodes() {
				names[net.Graph.ReadableName(n)] = true
				if k := net.Graph.KindOf(n); k == "op" || k == "next" || k == "output" {
					ops++
				}
			}
			const steps = 40
			res, err := sim.Run(context.Background(), net.Network, steps, sim.WithProfile())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Profile) == 0 {
				t.Fatal("no profile")
			}
			sum := 0.0
			for i, p := range res.Profile {
				if p.Calls != steps {
					t.Errorf("%s: %d calls in %d steps", p.Node, p.Calls, steps)
				}
				if !names[p.Node] {
					t.Errorf("%s is not a readable name of the graph", p.Node)
				}
				if i > 0 && p.Total > res.Profile[i-1].Total {
					t.Errorf("%s after a faster op: not sorted slowest first", p.Node)
				}
				sum += p.Share
			}
			// The shares are Total/sum in float64: they sum to 1 within a
			// few ulps per op.
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("shares sum to %v", sum)
			}
			// Views (the parts of a fused op's output) and reshapes cost
			// nothing and are not timed; every other computed node is.
			if len(res.Profile) > ops {
				t.Errorf("%d ops timed, the graph computes %d nodes", len(res.Profile), ops)
			}
			again, err := sim.Run(context.Background(), build(t, "recurrent", network.Options{Seed: 1, N: 50, Engine: engine}).Network, 1)
			if err != nil || again.Profile != nil {
				t.Errorf("without WithProfile: Profile = %v, err %v", again.Profile, err)
			}
		})
	}
	if _, err := sim.Run(context.Background(), build(t, "single", network.Options{}).Network, 1, sim.WithProfile(), sim.WithProfile()); err == nil {
		t.Error("WithProfile twice: no error")
	}
}
