package network_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/models/stimulus"
	"github.com/spikegraph/spikegraph/session"
)

// randomSpec draws a spec from r: mostly valid parts, with a fair share of
// bad values (negative sizes, NaN, unknown names, dt beyond tau).
func randomSpec(r *rand.Rand) network.Spec {
	// pick returns the first value mostly, and one of the others (often
	// bad) one time in twelve, so that a spec of a dozen parts builds often
	// enough and fails in every way.
	pick := func(xs ...float64) float64 {
		if len(xs) > 1 && r.IntN(12) == 0 {
			return xs[1+r.IntN(len(xs)-1)]
		}
		return xs[0]
	}
	size := func() int { return int(pick(float64(1+r.IntN(12)), 0, -1)) }
	s := network.Spec{DtMs: pick(0.1, 0.5, 1, 0, -1, math.NaN(), 20), Seed: r.Uint64()}
	names := []string{"a", "b", "c", "d", "a", "", "a/b"}
	var pops []string
	for i := r.IntN(3); i >= 0; i-- {
		n := size()
		name := names[len(pops)]
		if r.IntN(12) == 0 {
			name = names[r.IntN(len(names))]
		}
		var m network.Neuron
		switch r.IntN(3) {
		case 0:
			m = izhikevich.Neuron{Config: izhikevich.NewConfig(izhikevich.Uniform(max(n, 0), izhikevich.RegularSpiking()), 0)}
		case 1:
			c := lif.Config{Params: lif.Training(), N: n, Batch: []int{0, 0, 2}[r.IntN(3)]}
			m = lif.Neuron{Config: c}
		default:
			c := lif.Config{Params: lif.VogelsAbbott(), N: n, Mode: lif.ConductanceBased, E: make([]float64, max(n, 0))}
			m = lif.Neuron{Config: c}
		}
		var inh []bool
		if r.IntN(2) == 0 {
			inh = make([]bool, max(n+int(pick(0, 1)), 0))
			for j := range inh {
				inh[j] = r.IntN(4) == 0
			}
		}
		s.Populations = append(s.Populations, network.Population{Name: name, Model: m, Inh: inh})
		pops = append(pops, name)
	}
	target := func() string {
		if len(pops) == 0 || r.IntN(30) == 0 {
			return "nowhere"
		}
		return pops[r.IntN(len(pops))]
	}
	var spikeSrc []string
	for i := r.IntN(3); i > 0; i-- {
		name := fmt.Sprintf("s%d", i)
		switch r.IntN(4) {
		case 0:
			s.Sources = append(s.Sources, network.Poisson{Name: name, N: size(), RateHz: []float64{pick(50, 0, -1, 1e5)}, Stream: uint64(i)})
			spikeSrc = append(spikeSrc, name)
		case 1:
			s.Sources = append(s.Sources, network.Stimulus{Name: name, To: target(), Current: stimulus.Constant(pick(0, 3, math.NaN()))})
		case 2:
			s.Sources = append(s.Sources, network.Noise{Name: name, To: target(), Sigma: []float64{pick(1, -1, 0)}, Stream: uint64(i)})
		default:
			s.Sources = append(s.Sources, network.SpikeTimes{Name: name, Times: [][]float64{{pick(1, 0, 0.25, -2)}, {}}})
			spikeSrc = append(spikeSrc, name)
		}
	}
	from := append(append([]string(nil), pops...), spikeSrc...)
	for i := r.IntN(4); i > 0; i-- {
		p := network.Projection{Name: fmt.Sprintf("j%d", i), To: target(), Stream: uint64(i), DelaySteps: int(pick(float64(r.IntN(3)), -1)), Sparse: r.IntN(2) == 0}
		if len(from) > 0 {
			p.From = from[r.IntN(len(from))]
		}
		if r.IntN(2) == 0 {
			p.Synapse = network.Conductance{TauMs: pick(10, 5, 0.5, -1), E: []float64{pick(0, -85)}}
		} else {
			p.Synapse = network.CurrentPulse{}
		}
		switch r.IntN(5) {
		case 0:
			p.Connect = network.Pairwise{P: pick(0.5, 1.5)}
		case 1:
			p.Connect = network.FixedProbability{P: pick(0.3, 1, 0)}
		case 2:
			p.Connect = network.FixedInDegree{K: r.IntN(4)}
		case 3:
			p.Connect = network.RingNeighbours{Reach: 1 + r.IntN(2)}
		default:
			p.W = make([]float64, r.IntN(30)) // the right size only by chance
		}
		if p.W == nil {
			p.Weights = []network.Weights{network.Constant{W: pick(0.1, math.Inf(1))}, network.Gamma{Shape: 2, Scale: pick(0.1, 0)}, network.Uniform{Lo: 0, Hi: 1}}[r.IntN(3)]
			if r.IntN(3) == 0 {
				p.Scale = []network.BlockScale{{Pre: network.Inh, Post: network.Exc, Factor: pick(2, math.NaN())}}
			}
		}
		s.Projections = append(s.Projections, p)
	}
	if len(pops) > 0 && r.IntN(2) == 0 {
		s.Monitors = append(s.Monitors, network.Monitor{Name: "m", Kind: network.MonitorKind(r.IntN(4)), Of: target(), Index: []int{r.IntN(3)}})
	}
	return s
}

// checkSpec builds s: it must not panic, a failure must be an
// *OptionError, and a network that builds must run three steps.
func checkSpec(t *testing.T, s network.Spec) (built bool) {
	t.Helper()
	net, err := buildNoPanic(s)
	if err != nil {
		var oe *network.OptionError
		if !errors.As(err, &oe) {
			t.Fatalf("Build: %v (%T), want an *OptionError", err, err)
		}
		return false
	}
	sess, err := session.New(net.Graph)
	if err != nil {
		t.Fatalf("session of a built network: %v", err)
	}
	defer sess.Close()
	if err := sess.Steps(context.Background(), 3, net.Feeder); err != nil {
		var oe *network.OptionError
		if !errors.As(err, &oe) {
			t.Fatalf("3 steps of a built network: %v", err)
		}
	}
	return true
}

// TestRandomSpecs drives the composer with 400 random specs (a bounded
// time: about a second); `go test -fuzz FuzzSpec` goes on for as long as
// it is given.
func TestRandomSpecs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	built := 0
	for i := 0; i < 400; i++ {
		if checkSpec(t, randomSpec(r)) {
			built++
		}
	}
	// The specs must exercise both outcomes, or the test checks little.
	if built < 20 || built > 380 {
		t.Errorf("%d of 400 random specs built; want both outcomes well represented", built)
	}
	if testing.Verbose() {
		t.Logf("%d of 400 random specs built", built)
	}
}

func FuzzSpec(f *testing.F) {
	for _, seed := range []uint64{1, 2, 3, 42} {
		f.Add(seed, seed+1)
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkSpec(t, randomSpec(rand.New(rand.NewPCG(a, b))))
	})
}
