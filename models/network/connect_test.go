package network_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
)

// countingSource counts the draws a generator makes.
type countingSource struct {
	src   rand.Source
	draws int
}

func (c *countingSource) Uint64() uint64 { c.draws++; return c.src.Uint64() }

type synapseList struct {
	post, pre []int
}

func collect(t *testing.T, c network.Connectivity, nPost, nPre int, seed uint64) (synapseList, int) {
	t.Helper()
	src := &countingSource{src: rand.NewPCG(seed, 7)}
	var s synapseList
	last := -1
	err := c.Rows(nPost, nPre, rand.New(src), func(post, pre int) bool {
		at := post*nPre + pre
		if at <= last {
			t.Fatalf("%T: synapse (%d, %d) out of row-major order or repeated", c, post, pre)
		}
		last = at
		s.post, s.pre = append(s.post, post), append(s.pre, pre)
		return true
	})
	if err != nil {
		t.Fatalf("%T: %v", c, err)
	}
	return s, src.draws
}

// TestFixedProbability: the synapse count follows Binomial(nPost·nPre, P)
// and the draws grow with the synapses made, not with the pairs.
func TestFixedProbability(t *testing.T) {
	const nPost, nPre, p = 1000, 2000, 0.05
	s, draws := collect(t, network.FixedProbability{P: p}, nPost, nPre, 1)
	mean := nPost * nPre * p
	sd := math.Sqrt(nPost * nPre * p * (1 - p))
	// Five standard deviations of the binomial count: a false alarm has
	// probability below 1e-6.
	if got := float64(len(s.pre)); math.Abs(got-mean) > 5*sd {
		t.Errorf("%v synapses, want %v ± %.0f (5 sd)", got, mean, 5*sd)
	}
	// The in-degree's spread is binomial too: its variance is nPre·P·(1-P)
	// within 10 % (1000 rows give a relative standard error of about 4.5 %).
	deg := make([]float64, nPost)
	for _, post := range s.post {
		deg[post]++
	}
	var m, v float64
	for _, d := range deg {
		m += d
	}
	m /= nPost
	for _, d := range deg {
		v += (d - m) * (d - m)
	}
	v /= nPost - 1
	if want := nPre * p * (1 - p); math.Abs(v-want) > 0.15*want {
		t.Errorf("in-degree variance %.1f, want %.1f ± 15%%", v, want)
	}
	// One draw per synapse plus one per row (the gap that ends it).
	if draws > len(s.pre)+nPost {
		t.Errorf("%d draws for %d synapses in %d rows, want at most %d", draws, len(s.pre), nPost, len(s.pre)+nPost)
	}

	// A billion pairs at P = 1e-4: about 1e5 synapses, and as many draws.
	big, draws := collect(t, network.FixedProbability{P: 1e-4}, 1000, 1000000, 2)
	if draws > len(big.pre)+1000 || len(big.pre) < 90000 || len(big.pre) > 110000 {
		t.Errorf("1e3 x 1e6 at P = 1e-4: %d synapses, %d draws", len(big.pre), draws)
	}

	if none, _ := collect(t, network.FixedProbability{P: 0}, 10, 10, 1); len(none.pre) != 0 {
		t.Errorf("P = 0 made %d synapses", len(none.pre))
	}
	if all, _ := collect(t, network.FixedProbability{P: 1}, 10, 10, 1); len(all.pre) != 100 {
		t.Errorf("P = 1 made %d synapses, want 100", len(all.pre))
	}
}

func TestPairwiseMatchesItsLoop(t *testing.T) {
	s, draws := collect(t, network.Pairwise{P: 0.3}, 20, 30, 3)
	if draws != 600 {
		t.Errorf("%d draws, want one per pair (600)", draws)
	}
	r := rand.New(rand.NewPCG(3, 7))
	k := 0
	for post := 0; post < 20; post++ {
		for pre := 0; pre < 30; pre++ {
			if r.Float64() < 0.3 {
				if k >= len(s.pre) || s.post[k] != post || s.pre[k] != pre {
					t.Fatalf("synapse %d: want (%d, %d)", k, post, pre)
				}
				k++
			}
		}
	}
	if k != len(s.pre) {
		t.Errorf("%d synapses, the loop makes %d", len(s.pre), k)
	}
}

// TestFixedInDegree: exactly K distinct partners a row, each presynaptic
// neuron chosen about equally often.
func TestFixedInDegree(t *testing.T) {
	const nPost, nPre, k = 30000, 10, 3
	s, _ := collect(t, network.FixedInDegree{K: k}, nPost, nPre, 4)
	if len(s.pre) != nPost*k {
		t.Fatalf("%d synapses, want %d", len(s.pre), nPost*k)
	}
	count := make([]float64, nPre)
	for _, pre := range s.pre {
		count[pre]++
	}
	// Each pre is in a row with probability K/nPre = 0.3: count ~
	// Binomial(30000, 0.3), sd 79; allow 5 sd.
	mean, sd := nPost*0.3, math.Sqrt(nPost*0.3*0.7)
	for pre, c := range count {
		if math.Abs(c-mean) > 5*sd {
			t.Errorf("pre %d chosen %v times, want %v ± %.0f", pre, c, mean, 5*sd)
		}
	}
	if err := (network.FixedInDegree{K: 11}).Rows(1, 10, rand.New(rand.NewPCG(1, 1)), func(int, int) bool { return true }); err == nil {
		t.Error("K > nPre: no error")
	}
}

func TestRingNeighbours(t *testing.T) {
	const n, reach = 50, 4
	s, draws := collect(t, network.RingNeighbours{Reach: reach}, n, n, 1)
	if draws != 0 {
		t.Errorf("%d draws, want none", draws)
	}
	if len(s.pre) != n*2*reach {
		t.Fatalf("%d synapses, want %d", len(s.pre), n*2*reach)
	}
	for i := range s.pre {
		d := s.post[i] - s.pre[i]
		if d < 0 {
			d = -d
		}
		d = min(d, n-d)
		if d < 1 || d > reach {
			t.Errorf("synapse (%d, %d) at ring distance %d", s.post[i], s.pre[i], d)
		}
	}
	for _, bad := range []network.RingNeighbours{{Reach: 0}, {Reach: 25}} {
		if err := bad.Rows(n, n, nil, func(int, int) bool { return true }); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// TestWeightDistributions checks each sampler's mean against its standard
// error (5 SE) and its support.
func TestWeightDistributions(t *testing.T) {
	const draws = 100000
	cases := []struct {
		w        network.Weights
		mean, sd float64
		lo, hi   float64
	}{
		{network.Gamma{Shape: 2, Scale: 0.003}, 0.006, math.Sqrt(2) * 0.003, 0, math.Inf(1)},
		{network.Uniform{Lo: -1, Hi: 3}, 1, 4 / math.Sqrt(12), -1, 3},
		{network.Constant{W: 0.07}, 0.07, 0, 0.07, 0.07},
	}
	for _, tc := range cases {
		draw, err := tc.w.Sampler(rand.New(rand.NewPCG(5, 5)))
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for i := 0; i < draws; i++ {
			x := draw()
			if x < tc.lo || x > tc.hi {
				t.Fatalf("%+v: draw %v outside [%v, %v]", tc.w, x, tc.lo, tc.hi)
			}
			sum += x
		}
		// Plus the rounding of a sum of 1e5 terms: at most 1e5 ulps.
		if got, se := sum/draws, tc.sd/math.Sqrt(draws); math.Abs(got-tc.mean) > 5*se+draws*0x1p-52*math.Abs(tc.mean) {
			t.Errorf("%+v: mean %v, want %v ± %v (5 SE)", tc.w, got, tc.mean, 5*se)
		}
	}
}

// TestBlockScaleAndLabels: the course doubles inhibitory-to-excitatory
// weights and no other block.
func TestBlockScaleAndLabels(t *testing.T) {
	inh := []bool{false, true, false, true}
	s := small(4)
	s.Populations[0].Inh = inh
	s.Projections = []network.Projection{{Name: "rec", From: "p", To: "p", Synapse: network.CurrentPulse{},
		Connect: network.AllToAll{}, Weights: network.Constant{W: 1}, Stream: 3,
		Scale: []network.BlockScale{{Pre: network.Inh, Post: network.Exc, Factor: 2}}}}
	s.Monitors = nil
	net, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	w := net.Projections[0].W
	for post := 0; post < 4; post++ {
		for pre := 0; pre < 4; pre++ {
			want := 1.0
			if inh[pre] && !inh[post] {
				want = 2
			}
			if got := w[post*4+pre]; got != want {
				t.Errorf("W[%d, %d] = %v, want %v", post, pre, got, want)
			}
		}
	}
	if net.Projections[0].Synapses != 16 {
		t.Errorf("Synapses = %d, want 16", net.Projections[0].Synapses)
	}
}

// TestRowsStop: every generator stops when emit says so.
func TestRowsStop(t *testing.T) {
	for _, c := range []network.Connectivity{network.Pairwise{P: 0.5}, network.FixedProbability{P: 0.5},
		network.FixedInDegree{K: 3}, network.RingNeighbours{Reach: 2}, network.AllToAll{}} {
		calls := 0
		err := c.Rows(10, 10, rand.New(rand.NewPCG(1, 2)), func(int, int) bool { calls++; return calls < 3 })
		if err != nil || calls != 3 {
			t.Errorf("%T: %d calls after emit said stop at the 3rd (err %v)", c, calls, err)
		}
	}
}
