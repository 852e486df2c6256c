package network_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
)

// TestRingMatchesReference is the differential test of the ring (float64,
// course semantics) against the plain-Go reference of reference_test.go,
// which takes the drawn weights from the Net but none of its graph code:
// spikes exactly, v, u and both conductances within 1e-9 (relClose), sample
// by sample over the whole 1000 ms run. Seed 1 is a run in which activity
// spreads round the whole ring and outlasts the input, seed 2 one in which
// it stays near the stimulated half (see TestRingActivity); neither
// diverged in 2000 steps (nor did seeds 3 and 4 when the test was written).
func TestRingMatchesReference(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			net, err := network.New(network.Ring, network.Options{Seed: seed, Propagation: network.Dense}) // the reference's per-train g
			if err != nil {
				t.Fatal(err)
			}
			diff, spikes := compare(t, net, 2000, nil)
			if diff != "" {
				t.Fatalf("first divergence: %s", diff)
			}
			// The stimulated half alone fires thousands of spikes in the
			// window; a horizon without them would test nothing.
			if spikes < 1000 {
				t.Fatalf("only %d spikes: the horizon must include spikes", spikes)
			}
		})
	}
}

// TestRingLayout checks RingSpec against its definition, computed here
// from scratch: neuron i at position i, the stimulated half is positions
// 0 .. n/2-1, distances wrap round the ring.
func TestRingLayout(t *testing.T) {
	for _, n := range []int{network.MinRingN, 1000, 1001} {
		net, err := network.New(network.Ring, network.Options{Seed: 1, N: n})
		if err != nil {
			t.Fatal(err)
		}
		r := net.Ring
		if r == nil || r.N != n || r.Reach != network.RingReach || r.NStimulated != n/2 || len(r.Stimulated) != n {
			t.Fatalf("n = %d: spec %+v", n, r)
		}
		for i, s := range r.Stimulated {
			if s != (i < n/2) {
				t.Fatalf("n = %d: Stimulated[%d] = %v", n, i, s)
			}
		}
		for _, c := range [][3]int{{0, 0, 0}, {0, 1, 1}, {0, n - 1, 1}, {n - 1, 0, 1}, {3, n - 2, 5}, {0, n / 2, n / 2}, {10, 10 + n/2, n / 2}} {
			if got := r.Distance(c[0], c[1]); got != c[2] {
				t.Errorf("n = %d: Distance(%d, %d) = %d, want %d", n, c[0], c[1], got, c[2])
			}
		}
		// DistanceToStimulated against a brute-force minimum.
		for i := 0; i < n; i++ {
			want := n
			for j := 0; j < n/2; j++ {
				d := min(abs(i-j), n-abs(i-j))
				want = min(want, d)
			}
			if got := r.DistanceToStimulated(i); got != want {
				t.Fatalf("n = %d: DistanceToStimulated(%d) = %d, want %d", n, i, got, want)
			}
		}
		if net.N != n || net.NExc+net.NInh != n || len(net.Record) == 0 || net.Izh.Cells.Len() != n {
			t.Fatalf("n = %d: N %d, NExc %d, NInh %d, Record %v", n, net.N, net.NExc, net.NInh, net.Record)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestRingConnectivity checks the ring structure of the drawn weights.
//   - An excitatory presynaptic neuron connects to exactly the neurons within
//     RingReach positions on either side, itself excluded: 2*RingReach targets,
//     none farther away. (Gamma weights are > 0 almost surely, so "connected"
//     is "W != 0".)
//   - An inhibitory presynaptic neuron keeps Step 4's rule: each of its n*NInh
//     possible connections with probability 0.1, so the count is
//     Binomial(n*NInh, 0.1); with NInh about 200 its sd is about 134, checked
//     to 5 sd. Its targets are spread round the ring: at least a third of
//     them lie beyond the excitatory reach (the expectation is 90%).
//   - Weights: Gamma(2, 0.003) has mean 0.006 (sd 0.0042); the inhibitory-to-
//     excitatory block is doubled (0.012). Each block mean is over >= 3000
//     weights (standard error < 1e-4) and is checked to 5e-4.
//   - Input: only stimulated neurons have input weights (w_in = 0.07 each);
//     their count is Binomial(100*n/2, 0.1), sd 67 at n = 1000, checked to 5 sd.
//   - E is -85 mV for inhibitory, 0 for excitatory presynaptic neurons.
func TestRingConnectivity(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		net, err := network.New(network.Ring, network.Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		n, r, w := net.N, net.Ring, net.RecSyn.W
		inhConn := 0
		var sum [2][2]float64
		var cnt [2][2]int
		for pre := 0; pre < n; pre++ {
			out, far := 0, 0
			for post := 0; post < n; post++ {
				x := w[post*n+pre]
				if x == 0 {
					continue
				}
				out++
				d := min(abs(post-pre), n-abs(post-pre))
				if d > network.RingReach {
					far++
				}
				i, j := b2i(net.Inh[post]), b2i(net.Inh[pre])
				sum[i][j] += x
				cnt[i][j]++
				if !net.Inh[pre] && (d == 0 || d > network.RingReach) {
					t.Fatalf("seed %d: excitatory %d -> %d at ring distance %d (reach %d)", seed, pre, post, d, network.RingReach)
				}
			}
			if net.Inh[pre] {
				inhConn += out
				if out > 30 && 3*far < out {
					t.Errorf("seed %d: inhibitory %d: only %d of %d targets beyond the reach", seed, pre, far, out)
				}
			} else if out != 2*network.RingReach {
				t.Errorf("seed %d: excitatory %d has %d targets, want %d", seed, pre, out, 2*network.RingReach)
			}
		}
		mean := 0.1 * float64(n*net.NInh)
		if sd := math.Sqrt(mean * 0.9); math.Abs(float64(inhConn)-mean) > 5*sd {
			t.Errorf("seed %d: %d inhibitory connections, want %.0f ± %.0f", seed, inhConn, mean, 5*sd)
		}
		want := [2][2]float64{{0.006, 0.012}, {0.006, 0.006}} // [post inh?][pre inh?]
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				if m := sum[i][j] / float64(cnt[i][j]); math.Abs(m-want[i][j]) > 5e-4 {
					t.Errorf("seed %d: block post-inh=%d pre-inh=%d: mean weight %.5f over %d, want %.3f", seed, i, j, m, cnt[i][j], want[i][j])
				}
			}
		}
		for i, inh := range net.Inh {
			if e := net.RecSyn.E[i]; (inh && e != network.EInhMV) || (!inh && e != 0) {
				t.Fatalf("seed %d: E[%d] = %g for inhibitory=%v", seed, i, e, inh)
			}
		}
		in, nIn := net.InputSyn.W, 0
		for post := 0; post < n; post++ {
			for k := 0; k < network.NIn; k++ {
				x := in[post*network.NIn+k]
				if x == 0 {
					continue
				}
				if !r.Stimulated[post] {
					t.Fatalf("seed %d: unstimulated neuron %d has input from train %d", seed, post, k)
				}
				if x != network.InputWeight {
					t.Fatalf("seed %d: input weight %g, want %g", seed, x, network.InputWeight)
				}
				nIn++
			}
		}
		if d := math.Abs(float64(nIn) - 0.1*float64(network.NIn*r.NStimulated)); d > 5*67 {
			t.Errorf("seed %d: %d input connections, want %d ± 335", seed, nIn, network.NIn*r.NStimulated/10)
		}
	}
}

// TestRingSharesStep3And4Draws checks what the doc comment promises: a seed
// gives the ring the same cell types as Recurrent, and each stimulated
// neuron the same input trains as in Uncoupled.
func TestRingSharesStep3And4Draws(t *testing.T) {
	ring, err := network.New(network.Ring, network.Options{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	unc, err := network.New(network.Uncoupled, network.Options{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ring.Inh {
		if ring.Inh[i] != unc.Inh[i] {
			t.Fatalf("neuron %d: inhibitory %v in the ring, %v in Uncoupled", i, ring.Inh[i], unc.Inh[i])
		}
	}
	for i := 0; i < ring.Ring.NStimulated*network.NIn; i++ {
		if ring.InputSyn.W[i] != unc.InputSyn.W[i] {
			t.Fatalf("input weight [%d, %d]: %g in the ring, %g in Uncoupled", i/network.NIn, i%network.NIn, ring.InputSyn.W[i], unc.InputSyn.W[i])
		}
	}
}

func TestRingBadOptions(t *testing.T) {
	_, err := network.New(network.Ring, network.Options{Notebook: true})
	var oe *network.OptionError
	if !errors.As(err, &oe) || oe.Option != "notebook" || !strings.Contains(err.Error(), "steps 1-4") {
		t.Errorf("Notebook: err = %v, want an *OptionError for \"notebook\" saying it applies to steps 1-4 only", err)
	}
	for _, o := range []network.Options{
		{N: network.MinRingN - 1}, {N: -1}, {N: network.MaxN + 1}, {DtMs: -0.5}, {DtMs: network.TauGMs},
	} {
		if _, err := network.New(network.Ring, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// ringRun holds what TestRingActivity measures of one run.
type ringRun struct {
	before      int     // spikes at t <= 200 ms
	firstStim   bool    // the run's first spike is a stimulated neuron's
	bandFirst   []int   // per band of RingReach positions beyond the stimulated half: first spike sample, -1 if none
	rateStim    float64 // Hz, per stimulated neuron, 200 < t < 700 ms
	rateUnstim  float64 // Hz, per unstimulated neuron, 200 < t < 700 ms
	maxDistance int     // farthest unstimulated neuron that fired, in positions
}

func measureRing(t *testing.T, seed uint64) ringRun {
	t.Helper()
	net, err := network.New(network.Ring, network.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := run(t, net, 2000)
	r := net.Ring
	dt := net.Options.DtMs
	bands := 0 // 5 at n = 1000: the farthest neuron is 250 positions away
	for i := range r.Stimulated {
		if !r.Stimulated[i] {
			bands = max(bands, (r.DistanceToStimulated(i)-1)/r.Reach+1)
		}
	}
	m := ringRun{bandFirst: make([]int, bands)}
	for i := range m.bandFirst {
		m.bandFirst[i] = -1
	}
	var inWindow [2]int
	for k, e := range ev {
		i, tm := int(e.Neuron), float64(e.Sample)*dt
		if k == 0 {
			m.firstStim = r.Stimulated[i]
		}
		if tm <= 200 {
			m.before++
		}
		h := 0
		if !r.Stimulated[i] {
			h = 1
			d := r.DistanceToStimulated(i)
			m.maxDistance = max(m.maxDistance, d)
			b := (d - 1) / r.Reach
			if m.bandFirst[b] < 0 {
				m.bandFirst[b] = int(e.Sample)
			}
		}
		if tm > 200 && tm < 700 {
			inWindow[h]++
		}
	}
	m.rateStim = float64(inWindow[0]) / float64(r.NStimulated) / 0.5
	m.rateUnstim = float64(inWindow[1]) / float64(r.N-r.NStimulated) / 0.5
	return m
}

// TestRingActivity checks the behaviour that the ring's structure implies,
// over seeds 1..8. The course's own Step 5 figure could not be retrieved, so
// no criterion here is quoted from it: the deterministic ones follow from
// the wiring, the statistical ones from runs of this code when the test was
// written (numbers below), with the tolerances stated.
//
// Deterministic, in every run (they follow from the wiring, given that
// inhibition alone does not make these cells fire, i.e. no rebound spikes):
//   - Silence before the window: no neuron fires at t <= 200 ms, as no
//     input arrives before then and the rest state is stable.
//   - Activity starts in the stimulated half: the run's first spike is a
//     stimulated neuron's.
//   - A front that advances at most one reach per step: group the
//     unstimulated neurons in bands of RingReach positions by their distance
//     to the stimulated half (band 0: 1..50, band 1: 51..100, ...). Excitation
//     reaches band b only from band b-1 or beyond, so band b's first spike
//     comes strictly after band b-1's, and a band fires only if the one
//     before it has. With Step 4's random wiring this fails: a far neuron
//     could be excited directly from the stimulated half.
//
// Statistical, over the seeds:
//   - The stimulated half fires faster than the other half in the window
//     (200 < t < 700 ms). Seeds 1..8 gave 23.5-36.3 Hz against 1.2-20.3 Hz,
//     a paired difference of 22.4 Hz on average (sd 6.9, so 4 standard errors
//     are 9.7 Hz). The test asks that the mean difference exceed four
//     standard errors of its own and that it hold in every seed.
//   - Activity propagates beyond the first reach: in every one of seeds 1..10
//     some unstimulated neuron farther than RingReach from the stimulated
//     half fired (the farthest at 121 to 250 positions, of 250 possible).
//     The test asks for at least 6 of the 8 seeds.
//
// Bistability, recorded but not asserted: in 5 of seeds 1..10 (1, 3, 7, 8,
// 10) activity spread round the whole ring and went on after the input
// stopped (over 6000 spikes at t >= 750 ms), in the other 5 it died out with
// the input (at most 12 spikes at t >= 750 ms); Step 4 (Recurrent) stopped
// with the input at seeds 1..6.
func TestRingActivity(t *testing.T) {
	const seeds = 8
	runs := make([]ringRun, seeds)
	t.Run("seeds", func(t *testing.T) { // returns when every parallel seed is done
		for k := range runs {
			seed := uint64(k + 1)
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				t.Parallel()
				m := measureRing(t, seed)
				if m.before != 0 {
					t.Errorf("%d spikes at t <= 200 ms, before any input", m.before)
				}
				if !m.firstStim {
					t.Errorf("the first spike is not in the stimulated half")
				}
				for b := 1; b < len(m.bandFirst); b++ {
					if m.bandFirst[b] >= 0 && (m.bandFirst[b-1] < 0 || m.bandFirst[b] <= m.bandFirst[b-1]) {
						t.Errorf("band %d first fires at sample %d, band %d at %d: the front skipped ahead", b, m.bandFirst[b], b-1, m.bandFirst[b-1])
					}
				}
				if m.rateStim <= m.rateUnstim {
					t.Errorf("stimulated half %.1f Hz, unstimulated %.1f Hz", m.rateStim, m.rateUnstim)
				}
				t.Logf("%.1f Hz vs %.1f Hz; bands first fire at samples %v; farthest %d", m.rateStim, m.rateUnstim, m.bandFirst, m.maxDistance)
				runs[k] = m
			})
		}
	})
	if t.Failed() {
		return
	}
	diffs := make([]float64, 0, seeds)
	spread := 0
	for _, m := range runs {
		if m.maxDistance > network.RingReach {
			spread++
		}
		diffs = append(diffs, m.rateStim-m.rateUnstim)
	}
	mean, sd := meanSD(diffs)
	if se := sd / math.Sqrt(seeds); mean <= 4*se {
		t.Errorf("stimulated minus unstimulated rate %.1f Hz (sd %.1f): not above 4 standard errors (%.1f)", mean, sd, 4*se)
	}
	if spread < 6 {
		t.Errorf("activity spread beyond the reach in %d of %d seeds, want at least 6", spread, seeds)
	}
}
