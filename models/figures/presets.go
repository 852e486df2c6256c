package figures

import (
	"fmt"
	"math"

	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/stimulus"
)

// Every value below is taken from Izhikevich's own figure program, izhi2003.m
// (November 2003; ModelDB 39948, copied to OpenSourceBrain/IzhikevichModel,
// MATLAB/izhi2003.m), which draws Fig. 2 of Izhikevich (2003) and Fig. 1 of
// Izhikevich (2004). A parameter table widely copied on the web differs from
// the program for some panels (its bistability row, for one, and its
// rounded currents such as 7 instead of 7.04 for spike latency); the program
// wins, because it is what drew the published figures. Times such as T1 are
// written as the program computes them (e.g. tspan(end)/10).

var inf = math.Inf(1)

// panel fills the fields every panel has.
func panel(key, name string, a, b, c, d, v0, dt, dur float64, cur stimulus.Protocol) Panel {
	p := izhikevich.Params{A: a, B: b, C: c, D: d}
	return Panel{Key: key, Name: name, Params: p, Eq: izhikevich.Standard(), V0: v0, U0: b * v0, DtMs: dt, DurationMs: dur, Current: cur}
}

// times returns x*y rounded in float64, as the program computes 0.7*tspan(end)
// (Go would fold a constant expression exactly).
func times(x, y float64) float64 { return x * y }

// step is "if t > at, I = amp, else I = base".
func step(base, at, amp float64) stimulus.Protocol {
	return stimulus.Sequence(base, stimulus.Step(at, amp))
}

// pulses is I = amp on each open interval (from, from+width), else base.
func pulses(base, amp, width float64, from ...float64) stimulus.Protocol {
	p := stimulus.Protocol{Base: base}
	for _, f := range from {
		p.Segments = append(p.Segments, stimulus.Pulse(f, f+width, amp))
	}
	return p
}

// Classes returns the eight panels of Izhikevich (2003), Fig. 2, in the
// program's order: RS, IB, CH, FS, TC, TCb (the thalamo-cortical neuron's
// rebound burst after hyperpolarisation), RZ and LTS. All use dt = 0.25 ms.
func Classes() []Panel {
	const dt = 0.25
	rz := panel("RZ", "resonator", 0.1, 0.26, -65, 2, -70, dt, 100,
		// if (t>T2) & (t<T2+5): 10, elseif t>T1: -0.5, else -2; T1 = 10, T2 = T1+50
		stimulus.Sequence(-2, stimulus.Pulse(10+50, 10+50+5, 10), stimulus.Step(10, -0.5)))
	return []Panel{
		panel("RS", "regular spiking", 0.02, 0.2, -65, 8, -63, dt, 150, step(0, 150.0/10, 14)),
		// The program sets I=11 and leaves 14 in a comment.
		panel("IB", "intrinsically bursting", 0.02, 0.2, -55, 4, -70, dt, 150, step(0, 150.0/10, 11)),
		panel("CH", "chattering", 0.02, 0.2, -50, 2, -70, dt, 150, step(0, 150.0/10, 10)),
		panel("FS", "fast spiking", 0.1, 0.2, -65, 2, -70, dt, 150, step(0, 150.0/10, 10)),
		panel("TC", "thalamo-cortical", 0.02, 0.25, -65, 0.05, -63, dt, 150, step(0, 2*150.0/10, 1.5)),
		panel("TCb", "thalamo-cortical (rebound burst)", 0.02, 0.25, -65, 0.05, -87, dt, 150, step(-25, 3*150.0/10, 0)),
		rz,
		panel("LTS", "low-threshold spiking", 0.02, 0.25, -65, 2, -63, dt, 250, step(0, 1*250.0/10, 10)),
	}
}

// Behaviours returns the twenty panels (A)-(T) of Izhikevich (2004), Fig. 1.
func Behaviours() []Panel {
	g := panel("G", "class 1 excitable", 0.02, -0.1, -55, 6, -60, 0.25, 300,
		stimulus.Sequence(0, stimulus.Ramp(30, inf, 0, 0.075))) // I = 0.075*(t-T1) for t > T1
	g.Eq = izhikevich.Modified2004()
	l := panel("L", "integrator", 0.02, -0.1, -55, 6, -60, 0.25, 100,
		pulses(0, 9, 2, 100.0/11, 100.0/11+5, times(0.7, 100), times(0.7, 100)+10))
	l.Eq = izhikevich.Modified2004()
	r := panel("R", "accommodation", 0.02, 1, -55, 4, -65, 0.5, 400,
		// t < 200: t/25; elseif t < 300: 0; elseif t < 312.5: (t-300)/12.5*4;
		// else 0. Our ramps compute 0 + (1/25)*t and 0 + (4/12.5)*(t-300),
		// which may differ from the program's in the last bit; the tests
		// check that the spike times do not.
		stimulus.Sequence(0,
			stimulus.Segment{FromMs: 0, ToMs: 200, FromClosed: true, Amp: 0, Slope: 1.0 / 25},
			stimulus.Segment{FromMs: 300, ToMs: 312.5, FromClosed: true, Amp: 0, Slope: 4 / 12.5},
		))
	r.Eq = izhikevich.Accommodation()
	r.U0 = -16 // the program sets u = -16, not b*v
	q := panel("Q", "depolarizing after-potential", 1, 0.2, -60, -21, -70, 0.1, 50,
		pulses(0, 20, 2, 10-1)) // abs(t-T1) < 1 with T1 = 10
	inhibition := stimulus.Sequence(80, stimulus.Segment{FromMs: 50, ToMs: 250, FromClosed: true, ToClosed: true, Amp: 75})
	return []Panel{
		panel("A", "tonic spiking", 0.02, 0.2, -65, 6, -70, 0.25, 100, step(0, 100.0/10, 14)),
		panel("B", "phasic spiking", 0.02, 0.25, -65, 6, -64, 0.25, 200, step(0, 20, 0.5)),
		panel("C", "tonic bursting", 0.02, 0.2, -50, 2, -70, 0.25, 220, step(0, 22, 15)),
		panel("D", "phasic bursting", 0.02, 0.25, -55, 0.05, -64, 0.2, 200, step(0, 20, 0.6)),
		panel("E", "mixed mode", 0.02, 0.2, -55, 4, -70, 0.25, 160, step(0, 160.0/10, 10)),
		panel("F", "spike frequency adaptation", 0.01, 0.2, -65, 8, -70, 0.25, 85, step(0, 85.0/10, 30)),
		g,
		panel("H", "class 2 excitable", 0.2, 0.26, -65, 0, -64, 0.25, 300,
			stimulus.Sequence(-0.5, stimulus.Ramp(30, inf, -0.5, 0.015))), // -0.5 + 0.015*(t-T1)
		panel("I", "spike latency", 0.02, 0.2, -65, 6, -70, 0.2, 100, pulses(0, 7.04, 3, 100.0/10)),
		panel("J", "subthreshold oscillations", 0.05, 0.26, -60, 0, -62, 0.25, 200, pulses(0, 2, 5, 200.0/10)),
		panel("K", "resonator", 0.1, 0.26, -60, -1, -62, 0.25, 400,
			pulses(0, 0.65, 4, 400.0/10, 400.0/10+20, times(0.7, 400), times(0.7, 400)+40)),
		l,
		panel("M", "rebound spike", 0.03, 0.25, -60, 4, -64, 0.2, 200, pulses(0, -15, 5, 20)),
		panel("N", "rebound burst", 0.03, 0.25, -52, 0, -64, 0.2, 200, pulses(0, -15, 5, 20)),
		panel("O", "threshold variability", 0.03, 0.25, -60, 4, -64, 0.25, 100,
			// (10,15) or (80,85): 1, elseif (70,75): -6
			stimulus.Sequence(0, stimulus.Pulse(10, 15, 1), stimulus.Pulse(80, 85, 1), stimulus.Pulse(70, 75, -6))),
		panel("P", "bistability", 0.1, 0.26, -60, 0, -61, 0.25, 300, pulses(0.24, 1.24, 5, 300.0/8, 216)),
		q,
		r,
		panel("S", "inhibition-induced spiking", -0.02, -1, -60, 8, -63.8, 0.5, 350, inhibition),
		panel("T", "inhibition-induced bursting", -0.026, -1, -45, -2, -63.8, 0.5, 350, inhibition),
	}
}

// Lookup returns the behaviour or class with the given key.
func Lookup(key string) (Panel, error) {
	for _, p := range append(Behaviours(), Classes()...) {
		if p.Key == key {
			return p, nil
		}
	}
	return Panel{}, fmt.Errorf("figures: no panel %q (want A..T, RS, IB, CH, FS, TC, TCb, RZ or LTS)", key)
}
