package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// TestReferenceDrawsTheGraphsSynapses checks that NewReference's synapses
// (stored by presynaptic neuron) are the graph's (W [post, pre], dense or
// CSR), weight for weight, and that each presynaptic neuron feeds the
// accumulator of its reversal potential: the two engines simulate one
// network. n = 300 builds dense projections, n = 1500 sparse ones.
func TestReferenceDrawsTheGraphsSynapses(t *testing.T) {
	for _, n := range []int{300, 1500} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			t.Parallel()
			spec := Spec(n, 7, DefaultPRec(n))
			net, err := spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			ref, err := NewReference(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range net.Projections {
				var nPre int
				var f *fanout
				switch p.Name {
				case SynIn:
					nPre, f = network.NIn, &ref.in
				case SynRec:
					nPre, f = n, &ref.rec
				default:
					t.Fatalf("unexpected projection %q", p.Name)
				}
				if p.Sparse() != (n > DenseMaxN) {
					t.Errorf("%s: sparse = %v at n = %d, want %v", p.Name, p.Sparse(), n, n > DenseMaxN)
				}
				w, err := p.DenseWeights()
				if err != nil {
					t.Fatal(err)
				}
				if len(f.post) != p.Synapses {
					t.Errorf("%s: reference holds %d synapses, graph %d", p.Name, len(f.post), p.Synapses)
				}
				got := make([]float64, n*nPre)
				for j := 0; j < nPre; j++ {
					for q := f.ptr[j]; q < f.ptr[j+1]; q++ {
						got[int(f.post[q])*nPre+j] = f.w[q]
					}
					if e := ref.e[f.acc[j]]; e != p.Conductance.E[j] {
						t.Fatalf("%s: presynaptic %d feeds the accumulator of E = %v, graph E = %v", p.Name, j, e, p.Conductance.E[j])
					}
				}
				for i := range w {
					if got[i] != w[i] {
						t.Fatalf("%s: W[%d, %d]: reference %v, graph %v", p.Name, i/nPre, i%nPre, got[i], w[i])
					}
				}
			}
		})
	}
}

// TestReferenceFollowsTheGraphStepByStep runs both engines one step at a
// time and compares every sample: the spikes exactly, v within 1e-6
// relative (1 mV floor). Both see the same input spikes and the same
// synapses; they differ in the order of the sums that make the current
// (the graph sums W(g.*E) - (W g).*v per projection over presynaptic
// neurons each step, the loop accumulates G_E over events and computes
// G_exc(0 - v) + G_inh(-85 - v)), which moves v by an ulp or so. In a
// chaotic network such an ulp can in time move a spike by a step, after
// which the runs part. At the cases below no spike moved in the whole
// 1000 ms (v differed by at most 6e-8 relative; checked at seeds 1-5 for
// both sizes); the test requires exact spikes for the first 1000 samples
// (500 ms, the first 300 ms of activity) and logs how far they agreed, so
// a change of summation order in the engine does not fail it by chance.
func TestReferenceFollowsTheGraphStepByStep(t *testing.T) {
	const horizon = 1000
	for _, tc := range []struct {
		n    int
		seed uint64
	}{{1000, 1}, {1500, 2}} {
		t.Run(fmt.Sprintf("n=%d/seed=%d", tc.n, tc.seed), func(t *testing.T) {
			ctx := context.Background()
			spec := Spec(tc.n, tc.seed, DefaultPRec(tc.n))
			net, err := spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			s, err := session.New(net.Graph)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ref, err := NewReference(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			spikes, maxRel := 0, 0.0
			for k := 1; k <= Steps; k++ {
				if err := s.Steps(ctx, 1, net.Feeder); err != nil {
					t.Fatal(err)
				}
				if err := ref.Run(ctx, 1); err != nil {
					t.Fatal(err)
				}
				fired, err := s.State(PopName + "/fired")
				if err != nil {
					t.Fatal(err)
				}
				v, err := s.State(PopName + "/v")
				if err != nil {
					t.Fatal(err)
				}
				if d := spikeDiff(fired, ref.Spiking()); d != "" {
					if k <= horizon {
						t.Fatalf("sample %d (%g ms): %s", k, float64(k)*DtMs, d)
					}
					t.Logf("spikes agreed for %d samples, then at sample %d: %s", k-1, k, d)
					return
				}
				spikes += len(ref.Spiking())
				for i, x := range v {
					rel := math.Abs(x-ref.V()[i]) / math.Max(1, math.Abs(x))
					if rel > 1e-6 && k <= horizon {
						t.Fatalf("sample %d, v[%d]: graph %.17g, reference %.17g", k, i, x, ref.V()[i])
					}
					maxRel = max(maxRel, rel)
				}
			}
			if spikes < 1000 {
				t.Fatalf("only %d spikes: the comparison needs a spiking network", spikes)
			}
			if s.Sample() != Steps || ref.Sample() != Steps {
				t.Fatalf("samples: graph %d, reference %d, want %d", s.Sample(), ref.Sample(), Steps)
			}
			t.Logf("%d samples, %d spikes, all equal; v within %.2g relative", Steps, spikes, maxRel)
		})
	}
}

// spikeDiff describes how fired (the graph's 0/1 state) and spiking (the
// reference's sorted list) differ, or returns "".
func spikeDiff(fired []float64, spiking []int32) string {
	j := 0
	for i, f := range fired {
		inRef := j < len(spiking) && int(spiking[j]) == i
		if inRef {
			j++
		}
		if (f != 0) != inRef {
			return fmt.Sprintf("neuron %d: graph fired %v, reference %v", i, f != 0, inRef)
		}
	}
	return ""
}

// TestReferenceAllocatesNothingPerStep: inside the input window, with
// spikes coming, a step of the loop allocates nothing.
func TestReferenceAllocatesNothingPerStep(t *testing.T) {
	ctx := context.Background()
	ref, err := NewReference(ctx, Spec(500, 1, DefaultPRec(500)))
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Run(ctx, 600); err != nil { // 300 ms: inside the window, spiking
		t.Fatal(err)
	}
	if exc, inh := ref.Spikes(); exc+inh == 0 {
		t.Fatal("no spikes by 300 ms")
	}
	if a := testing.AllocsPerRun(200, func() { _ = ref.Run(ctx, 1) }); a != 0 {
		t.Fatalf("%v allocations per step", a)
	}
}

func TestNewReferenceRejects(t *testing.T) {
	ctx := context.Background()
	netM := Spec(10, 1, 0.1)
	m := netM.Populations[0].Model.(izhikevich.Neuron)
	m.Scheme = izhikevich.NetM
	netM.Populations[0].Model = m
	twoSources := Spec(10, 1, 0.1)
	twoSources.Sources = append(twoSources.Sources, twoSources.Sources[0])
	delayed := Spec(10, 1, 0.1)
	delayed.Projections[1].DelaySteps = 1
	nanE := Spec(10, 1, 0.1)
	nanE.Projections[0].Synapse = network.Conductance{TauMs: 10, E: []float64{math.NaN()}}
	for _, tc := range []struct {
		name        string
		spec        network.Spec
		unsupported bool
	}{
		{"net.m scheme", netM, true},
		{"two sources", twoSources, true},
		{"delay", delayed, true},
		{"no neurons", Spec(0, 1, 0.1), false},
		{"bad probability", Spec(10, 1, 1.5), false},
		{"NaN reversal potential", nanE, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReference(ctx, tc.spec)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Fatalf("errors.Is(%v, ErrUnsupported) = %v, want %v", err, !tc.unsupported, tc.unsupported)
			}
		})
	}
}
