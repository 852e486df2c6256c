package lif_test

import (
	"context"
	"math"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/session"
)

// constFeeder writes the same values into one input at every step.
type constFeeder struct {
	name   string
	values []float64
}

func (f constFeeder) Feed(step int, w graph.InputWriter) error { return w.SetInput(f.name, f.values) }

// constantDriveCase is a population held at a constant synaptic state: each
// neuron starts with syn0 = drive[j] and receives x = a_syn·drive[j] every
// step, so that i' (or g') = drive - a_syn·drive + a_syn·drive = drive (up to
// rounding). The membrane then follows the linear map
//
//	v_{k+1} = v_k + a (v_inf - v_k)
//
// with a = aEff(drive) and v_inf = vInf(drive) (see each case).
type constantDriveCase struct {
	name     string
	cfg      lif.Config
	drive    []float64 // i (current) or g (conductance) per neuron
	rheobase float64   // the smallest drive that fires
	vInf     func(drive float64) float64
	aEff     func(drive float64) float64 // the Euler factor of the map: dt/tau_eff
}

func constantDriveCases() []constantDriveCase {
	cur := lif.Config{Params: lif.Training(), N: 8, DtMs: 0.1, Mode: lif.CurrentBased}
	p := cur.Params
	cond := lif.Config{Params: lif.VogelsAbbott(), N: 7, DtMs: 0.1, Mode: lif.ConductanceBased,
		E: []float64{0, 0, 0, 0, 0, 0, 0}}
	q := cond.Params
	const e = 0.0 // mV, every neuron's E in the conductance case
	return []constantDriveCase{{
		// tau_mem dv/dt = (v_leak - v) + I: v_inf = v_leak + I, a = dt/tau_mem,
		// rheobase v_th - v_leak = 1.
		name:     "current",
		cfg:      cur,
		drive:    []float64{1.2, 1.5, 2, 3, 5, 0.5, 0.9, 0.99},
		rheobase: p.VThresh - p.VLeak,
		vInf:     func(i float64) float64 { return p.VLeak + i },
		aEff:     func(float64) float64 { return cur.DtMs / p.TauMemMs },
	}, {
		// tau_mem dv/dt = (v_leak - v) + g (E - v) = (1 + g)(v_inf - v) with
		// v_inf = (v_leak + g E)/(1 + g), so tau_eff = tau_mem/(1 + g) and
		// a = dt (1 + g)/tau_mem; v_inf > v_th when g > (v_th - v_leak)/(E - v_th)
		// = 10/50 = 0.2.
		name:     "conductance",
		cfg:      cond,
		drive:    []float64{0.25, 0.3, 0.5, 1, 2, 0.1, 0.19},
		rheobase: (q.VThresh - q.VLeak) / (e - q.VThresh),
		vInf:     func(g float64) float64 { return (q.VLeak + g*e) / (1 + g) },
		aEff:     func(g float64) float64 { return cond.DtMs * (1 + g) / q.TauMemMs },
	}}
}

// TestConstantDriveMatchesAnalyticPeriod compares the simulated inter-spike
// interval under a constant drive with the analytic LIF period
//
//	T = tau_eff ln((v_inf - v_reset) / (v_inf - v_th))
//
// (for the current-based neuron tau_eff = tau_mem and v_inf = v_leak + R I,
// which is the textbook T = tau_mem ln((RI - (v_reset - v_leak)) /
// (RI - (v_th - v_leak)))), and checks that a drive below the rheobase never
// fires.
//
// Tolerance, from the Euler map v_{k+1} - v_inf = (1 - a)(v_k - v_inf): from
// v_0 = v_reset, v_k - v_inf = (1 - a)^k (v_reset - v_inf), so the first
// sample with v >= v_th is K = ceil(L/f) with L = T/tau_eff =
// ln((v_inf - v_reset)/(v_inf - v_th)) and f = -ln(1 - a). Since
// a <= f <= a/(1 - a) (from x <= -ln(1 - x) and ln y <= y - 1),
//
//	T (1 - a) <= L dt/f <= K dt < L dt/f + dt <= T + dt,
//
// so every ISI lies in [T (1 - a), T + dt). The test also checks that every
// ISI is exactly K samples: the discrete map is deterministic, and the
// first spike (from v_0 = v_reset) comes K samples after the start.
func TestConstantDriveMatchesAnalyticPeriod(t *testing.T) {
	t.Parallel()
	const steps = 2000 // 200 ms at dt = 0.1 ms: over 10 periods of the slowest neuron
	for _, tc := range constantDriveCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := tc.cfg
			aSyn := cfg.DtMs / cfg.TauSynMs
			x := make([]float64, cfg.N)
			for j, d := range tc.drive {
				x[j] = aSyn * d
			}
			g := build(t, cfg, []float64{cfg.VReset}, tc.drive, []int{cfg.N})
			s, err := session.New(g)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rec := session.RecordSpikes(nameFired, 1000)
			if err := s.Steps(context.Background(), steps, constFeeder{nameX, x}, rec); err != nil {
				t.Fatal(err)
			}
			spikes := make([][]int, cfg.N)
			for _, ev := range rec.Events {
				spikes[ev.Neuron] = append(spikes[ev.Neuron], int(ev.Sample))
			}
			for j, d := range tc.drive {
				if d < tc.rheobase {
					if len(spikes[j]) != 0 {
						t.Errorf("drive %g below the rheobase %g: spikes at samples %v, want none", d, tc.rheobase, spikes[j])
					}
					continue
				}
				vInf, a := tc.vInf(d), tc.aEff(d)
				L := math.Log((vInf - cfg.VReset) / (vInf - cfg.VThresh))
				period := L * cfg.DtMs / a // T = tau_eff·L, tau_eff = dt/a
				ratio := L / -math.Log1p(-a)
				if frac := ratio - math.Floor(ratio); frac < 1e-6 || frac > 1-1e-6 {
					t.Fatalf("drive %g: L/f = %.9f is within 1e-6 of an integer; rounding could move a spike, pick another drive", d, ratio)
				}
				k := int(math.Ceil(ratio))
				if len(spikes[j]) < 3 {
					t.Fatalf("drive %g: %d spikes in %d steps, want >= 3 (T = %.3g ms)", d, len(spikes[j]), steps, period)
				}
				prev := 0 // v_0 = v_reset, as after a spike at sample 0
				for _, sp := range spikes[j] {
					isi := float64(sp-prev) * cfg.DtMs
					if isi < period*(1-a) || isi >= period+cfg.DtMs {
						t.Errorf("drive %g: ISI %g ms (samples %d to %d), want in [T(1-a), T+dt) = [%.6g, %.6g) for T = %.6g ms",
							d, isi, prev, sp, period*(1-a), period+cfg.DtMs, period)
					}
					if sp-prev != k {
						t.Errorf("drive %g: ISI %d samples (samples %d to %d), want K = ceil(L/f) = %d", d, sp-prev, prev, sp, k)
					}
					prev = sp
				}
			}
		})
	}
}
