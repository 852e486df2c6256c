package figures_test

import (
	"fmt"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/figures"
	"github.com/spikegraph/spikegraph/models/stimulus"
)

// The qualitative signature of each panel, in words close to Izhikevich
// (2004), Fig. 1 and its text, and Izhikevich (2003), Fig. 2. Each check reads
// only spike times and the v trace, with thresholds chosen from the paper's
// description (a "burst" is a group of spikes less than burstGap apart), so
// the checks hold in float64 and float32 alike. Spike times fall on the
// dt grid, so an ISI is only known to within one dt: trends in ISIs are
// judged with that slack.

const burstGap = 10.0 // ms: spikes closer than this belong to one burst

func isis(s []float64) []float64 {
	var out []float64
	for i := 1; i < len(s); i++ {
		out = append(out, s[i]-s[i-1])
	}
	return out
}

// bursts splits spike times into groups separated by gaps >= burstGap.
func bursts(s []float64) [][]float64 {
	var out [][]float64
	for i, t := range s {
		if i == 0 || t-s[i-1] >= burstGap {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], t)
	}
	return out
}

func within(s []float64, from, to float64) int {
	n := 0
	for _, t := range s {
		if t > from && t < to {
			n++
		}
	}
	return n
}

// onset returns the first time the panel's current differs from its value
// at t = 0 (the stimulus onset).
func onset(p figures.Panel) float64 {
	i0 := p.Current.At(0)
	for k := 1; k < p.Steps(); k++ {
		if p.Current.At(float64(k)*p.DtMs) != i0 {
			return float64(k) * p.DtMs
		}
	}
	return math.Inf(1)
}

type trace struct {
	p      figures.Panel
	v      []float64 // v[s] at time p.T(s), s >= 1
	spikes []float64
}

// vAt returns v at the sample nearest t.
func (tr trace) vAt(t float64) float64 {
	s := int(math.Round(t/tr.p.DtMs)) + 1
	return tr.v[min(s, len(tr.v)-1)]
}

var signatures = map[string]func(tr trace) error{
	"A": func(tr trace) error { // tonic spiking: fires on and on, regularly, while the input is on
		s, d := tr.spikes, isis(tr.spikes)
		if len(s) < 4 || s[0] < onset(tr.p) {
			return fmt.Errorf("want >= 4 spikes after onset")
		}
		last, prev := d[len(d)-1], d[len(d)-2]
		if math.Abs(last-prev) > 0.05*last {
			return fmt.Errorf("last ISIs %v and %v differ by more than 5%%: not regular", prev, last)
		}
		if tr.p.DurationMs-s[len(s)-1] > 1.5*last {
			return fmt.Errorf("stops firing at %v ms before the end", s[len(s)-1])
		}
		return nil
	},
	"B": func(tr trace) error { // phasic spiking: a single spike at the onset, then silence
		if len(tr.spikes) != 1 || tr.spikes[0] < onset(tr.p) {
			return fmt.Errorf("want exactly one spike after onset %v", onset(tr.p))
		}
		return nil
	},
	"C": func(tr trace) error { // tonic bursting: periodic bursts
		b := bursts(tr.spikes)
		if len(b) < 3 {
			return fmt.Errorf("%d bursts, want >= 3", len(b))
		}
		for i, x := range b {
			if len(x) < 3 {
				return fmt.Errorf("burst %d has %d spikes, want >= 3", i, len(x))
			}
		}
		return nil
	},
	"D": func(tr trace) error { // phasic bursting: one burst at onset, then silence
		b := bursts(tr.spikes)
		if len(b) != 1 || len(b[0]) < 3 || b[0][0] < onset(tr.p) {
			return fmt.Errorf("%d bursts, want one of >= 3 spikes after onset", len(b))
		}
		if tr.p.DurationMs-tr.spikes[len(tr.spikes)-1] < 100 {
			return fmt.Errorf("not silent for the last 100 ms")
		}
		return nil
	},
	"E": func(tr trace) error { // mixed mode: an initial burst, then tonic spikes
		b := bursts(tr.spikes)
		if len(b) < 3 || len(b[0]) < 2 {
			return fmt.Errorf("want a burst of >= 2 spikes followed by >= 2 single spikes, got %v", b)
		}
		for _, x := range b[1:] {
			if len(x) != 1 {
				return fmt.Errorf("after the first burst, spikes come in groups %v", b)
			}
		}
		return nil
	},
	"F": func(tr trace) error { // spike frequency adaptation: ISIs lengthen
		d := isis(tr.spikes)
		if len(d) < 3 {
			return fmt.Errorf("too few spikes")
		}
		for i := 1; i < len(d); i++ {
			if d[i] < d[i-1]-tr.p.DtMs {
				return fmt.Errorf("ISI %d (%v) shorter than ISI %d (%v)", i, d[i], i-1, d[i-1])
			}
		}
		if d[len(d)-1] < 3*d[0] {
			return fmt.Errorf("last ISI %v < 3 x first %v: little adaptation", d[len(d)-1], d[0])
		}
		return nil
	},
	"G": func(tr trace) error { // class 1: the rate rises with the ramp, from a low value
		d := isis(tr.spikes)
		if len(d) < 3 {
			return fmt.Errorf("too few spikes")
		}
		for i := 1; i < len(d); i++ {
			if d[i] > d[i-1]+tr.p.DtMs {
				return fmt.Errorf("ISI %d (%v) lengthens along a rising ramp", i, d[i])
			}
		}
		if d[len(d)-1] > d[0]/2 {
			return fmt.Errorf("rate grows only %vx along the ramp", d[0]/d[len(d)-1])
		}
		if 1000/d[0] > 30 {
			return fmt.Errorf("first rate %v Hz; class 1 starts low (< 30 Hz)", 1000/d[0])
		}
		return nil
	},
	"H": func(tr trace) error { // class 2: fires at once with a relatively high rate, which changes little
		d := isis(tr.spikes)
		if len(d) < 3 {
			return fmt.Errorf("too few spikes")
		}
		for i := 1; i < len(d); i++ {
			if d[i] > d[i-1]+tr.p.DtMs {
				return fmt.Errorf("ISI %d (%v) lengthens along a rising ramp", i, d[i])
			}
		}
		if f := 1000 / d[0]; f < 40 {
			return fmt.Errorf("first rate %v Hz; class 2 starts high (>= 40 Hz)", f)
		}
		if d[0]/d[len(d)-1] > 2.5 {
			return fmt.Errorf("rate grows %vx over the ramp; class 2 changes little", d[0]/d[len(d)-1])
		}
		return nil
	},
	"I": func(tr trace) error { // spike latency: one spike, long after a brief pulse ends
		end := 100.0/10 + 3
		if len(tr.spikes) != 1 || tr.spikes[0]-end < 10 {
			return fmt.Errorf("want one spike >= 10 ms after the pulse ends at %v ms", end)
		}
		return nil
	},
	"J": func(tr trace) error { // subthreshold oscillations: one spike, then damped oscillations of v
		if len(tr.spikes) != 1 {
			return fmt.Errorf("want one spike")
		}
		// count the sign changes of dv/dt after the spike's reset has settled
		turns := 0
		for s := int((tr.spikes[0]+20)/tr.p.DtMs) + 2; s+1 < len(tr.v); s++ {
			if (tr.v[s]-tr.v[s-1])*(tr.v[s+1]-tr.v[s]) < 0 {
				turns++
			}
		}
		if turns < 4 {
			return fmt.Errorf("v turns %d times after the spike, want >= 4 (two cycles)", turns)
		}
		return nil
	},
	"K": func(tr trace) error { // resonator: fires to a doublet at its resonant interval only
		if len(tr.spikes) != 1 || tr.spikes[0] < 320 {
			return fmt.Errorf("want one spike, after the 4th pulse (320 ms), not after the 20 ms doublet")
		}
		return nil
	},
	"L": func(tr trace) error { // integrator: fires to closely spaced pulses, not to spread ones
		if len(tr.spikes) != 1 || tr.spikes[0] > 70 {
			return fmt.Errorf("want one spike, after the 5 ms doublet and none after the 10 ms one")
		}
		return nil
	},
	"M": func(tr trace) error { // rebound spike: one spike after release from inhibition
		if len(tr.spikes) != 1 || tr.spikes[0] < 25 {
			return fmt.Errorf("want one spike after the inhibitory pulse ends at 25 ms")
		}
		return nil
	},
	"N": func(tr trace) error { // rebound burst: a burst after release from inhibition
		b := bursts(tr.spikes)
		if len(b) != 1 || len(b[0]) < 3 || b[0][0] < 25 {
			return fmt.Errorf("want one burst of >= 3 spikes after 25 ms, got %v", b)
		}
		return nil
	},
	"O": func(tr trace) error { // threshold variability: the same pulse fires only after inhibition
		if len(tr.spikes) != 1 || tr.spikes[0] < 80 {
			return fmt.Errorf("want one spike, after the second +1 pulse (80 ms), none after the first")
		}
		return nil
	},
	"P": func(tr trace) error { // bistability: a pulse switches tonic firing on, another switches it off
		on, off := 300.0/8, 216.0
		if within(tr.spikes, 0, on) != 0 || within(tr.spikes, off+5, math.Inf(1)) != 0 {
			return fmt.Errorf("spikes outside the on state (%v, %v): %v", on, off+5, tr.spikes)
		}
		if within(tr.spikes, on, off+5) < 3 {
			return fmt.Errorf("want >= 3 spikes between the pulses")
		}
		return nil
	},
	"Q": func(tr trace) error { // DAP: after the spike, v stays depolarised above rest for a while
		if len(tr.spikes) != 1 {
			return fmt.Errorf("want one spike")
		}
		rest := tr.vAt(8)
		peak := math.Inf(-1)
		for t := tr.spikes[0] + 1; t < tr.spikes[0]+10; t += tr.p.DtMs {
			peak = math.Max(peak, tr.vAt(t))
		}
		if peak-rest < 10 {
			return fmt.Errorf("after-potential peaks %v mV above rest, want >= 10", peak-rest)
		}
		return nil
	},
	"R": func(tr trace) error { // accommodation: a slow ramp to 8 does not fire, a steep one to 4 does
		if len(tr.spikes) != 1 || tr.spikes[0] < 300 || tr.spikes[0] > 312.5 {
			return fmt.Errorf("want one spike, during the steep ramp (300, 312.5) ms")
		}
		return nil
	},
	"S": func(tr trace) error { // inhibition-induced spiking: fires only while inhibited
		if n := within(tr.spikes, 50, 250); n < 2 || n != len(tr.spikes) {
			return fmt.Errorf("%d of %d spikes inside the inhibition (50, 250) ms, want all and >= 2", n, len(tr.spikes))
		}
		for _, x := range bursts(tr.spikes) {
			if len(x) != 1 {
				return fmt.Errorf("spikes in groups %v: bursting, not spiking", bursts(tr.spikes))
			}
		}
		return nil
	},
	"T": func(tr trace) error { // inhibition-induced bursting: bursts only while inhibited
		b := bursts(tr.spikes)
		if n := within(tr.spikes, 50, 250); n != len(tr.spikes) || len(b) < 2 {
			return fmt.Errorf("want >= 2 bursts, all inside (50, 250) ms; got %v", b)
		}
		for _, x := range b {
			if len(x) < 3 {
				return fmt.Errorf("burst %v has < 3 spikes", x)
			}
		}
		return nil
	},
	// Izhikevich (2003), Fig. 2.
	"RS": func(tr trace) error { // regular spiking: tonic spikes with adaptation
		d := isis(tr.spikes)
		if len(d) < 3 || d[len(d)-1] < 2*d[0] {
			return fmt.Errorf("ISIs %v: want >= 3 and adapting (last >= 2 x first)", d)
		}
		return nil
	},
	"IB": func(tr trace) error { // intrinsically bursting: an initial burst, then single spikes
		b := bursts(tr.spikes)
		if len(b) < 3 || len(b[0]) < 2 || len(b[1]) != 1 {
			return fmt.Errorf("groups %v: want a burst then single spikes", b)
		}
		return nil
	},
	"CH": func(tr trace) error { // chattering: repeated high-frequency bursts
		b := bursts(tr.spikes)
		if len(b) < 2 || len(b[0]) < 3 || len(b[1]) < 3 {
			return fmt.Errorf("groups %v: want >= 2 bursts of >= 3", b)
		}
		return nil
	},
	"FS": func(tr trace) error { // fast spiking: high rate with little adaptation
		d := isis(tr.spikes)
		if len(d) < 10 || 1000/d[len(d)-1] < 80 {
			return fmt.Errorf("ISIs %v: want sustained firing above 80 Hz", d)
		}
		return nil
	},
	"TC": func(tr trace) error { // thalamo-cortical, depolarised: tonic spikes after onset
		if len(tr.spikes) < 3 || tr.spikes[0] < onset(tr.p) || len(bursts(tr.spikes)) != len(tr.spikes) {
			return fmt.Errorf("spikes %v: want >= 3 single spikes after onset", tr.spikes)
		}
		return nil
	},
	"TCb": func(tr trace) error { // thalamo-cortical, from hyperpolarisation: a rebound burst
		// the burst slows down as it ends, so judge it by its first spikes
		// and by the silence that follows it
		b, s := bursts(tr.spikes), tr.spikes
		if len(b) == 0 || len(b[0]) < 3 || b[0][0] < 45 || s[len(s)-1]-s[0] > 40 || tr.p.DurationMs-s[len(s)-1] < 50 {
			return fmt.Errorf("groups %v: want one burst of >= 3 spikes after release at 45 ms, over within 40 ms, then 50 ms of silence", b)
		}
		return nil
	},
	"RZ": func(tr trace) error { // resonator: silent until the brief pulse, which fires it
		if len(tr.spikes) < 1 || tr.spikes[0] < 60 || tr.spikes[len(tr.spikes)-1] > 80 {
			return fmt.Errorf("spikes %v: want firing only near the pulse (60, 65) ms", tr.spikes)
		}
		return nil
	},
	"LTS": func(tr trace) error { // low-threshold spiking: high-frequency spikes with adaptation
		d := isis(tr.spikes)
		if len(d) < 10 || d[0] > 5 || d[len(d)-1] < 2*d[0] {
			return fmt.Errorf("ISIs %v: want a fast start (< 5 ms) and adaptation", d)
		}
		return nil
	},
}

func TestSignatures(t *testing.T) {
	for _, dtype := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, p := range panels() {
			t.Run(p.Key+"/"+dtype.String(), func(t *testing.T) {
				t.Parallel()
				check, ok := signatures[p.Key]
				if !ok {
					t.Fatalf("no signature for %s", p.Key)
				}
				v, s := run(t, p, dtype)
				if err := check(trace{p: p, v: v, spikes: s}); err != nil {
					t.Errorf("%s (%s): %v; spikes %v", p.Key, p.Name, err, s)
				}
			})
		}
	}
}

// TestSignaturesCanFail is the negative control: each panel run without its
// stimulus (the current held at its value at t = 0 throughout) must fail its
// own signature, so no check passes whatever the neuron does.
func TestSignaturesCanFail(t *testing.T) {
	for _, p := range panels() {
		t.Run(p.Key, func(t *testing.T) {
			t.Parallel()
			q := p
			q.Current = stimulus.Constant(p.Current.At(0))
			v, s := run(t, q, tensor.Float64)
			if err := signatures[p.Key](trace{p: p, v: v, spikes: s}); err == nil {
				t.Errorf("%s (%s) passes without its stimulus (spikes %v)", p.Key, p.Name, s)
			}
		})
	}
}
