package figures_test

import "math"

// This file transcribes Izhikevich's figure program (izhi2003.m; see
// presets.go) in plain Go, independently of the graph and of package
// stimulus: the loop, the update order and every panel's current written as
// the program's if/elseif conditions. float64(...) around each product keeps
// the compiler from fusing a multiply and an add (the Go spec allows FMA
// otherwise, e.g. on arm64), so the sums round as MATLAB's do.

// published is one panel of the program.
type published struct {
	a, b, c, d float64
	v0, u0     float64
	tau, tEnd  float64
	current    func(t float64) float64
	// k1, k0 are the v equation's 5 and 140 (4.1 and 108 for G and L).
	k1, k0 float64
	// accommodation: u = u + tau*a*(b*(V+65)) (panel R).
	accommodation bool
}

// run returns the program's recorded trace VV and its spike times (the t of
// the iterations in which V > 30).
func (p published) run() (vv, spikes []float64) {
	V, u := p.v0, p.u0
	n := int(math.Round(p.tEnd/p.tau)) + 1
	for k := 0; k < n; k++ {
		t := float64(k) * p.tau
		I := p.current(t)
		V = V + float64(p.tau*(float64(float64(float64(float64(0.04*float64(V*V))+float64(p.k1*V))+p.k0)-u)+I))
		if p.accommodation {
			u = u + float64(float64(p.tau*p.a)*float64(p.b*(V+65)))
		} else {
			u = u + float64(float64(p.tau*p.a)*float64(float64(p.b*V)-u))
		}
		if V > 30 {
			vv = append(vv, 30)
			spikes = append(spikes, t)
			V = p.c
			u = u + p.d
		} else {
			vv = append(vv, V)
		}
	}
	return vv, spikes
}

func std(a, b, c, d, v0, tau, tEnd float64, current func(float64) float64) published {
	return published{a: a, b: b, c: c, d: d, v0: v0, u0: b * v0, tau: tau, tEnd: tEnd, current: current, k1: 5, k0: 140}
}

// after returns "if t > T1, I = on, else I = off".
func after(T1, on, off float64) func(float64) float64 {
	return func(t float64) float64 {
		if t > T1 {
			return on
		}
		return off
	}
}

// program holds every panel of izhi2003.m by key.
func program() map[string]published {
	m := map[string]published{}
	var tspanEnd float64

	// Fig. 2 of Izhikevich (2003).
	tspanEnd = 150
	m["RS"] = std(0.02, 0.2, -65, 8, -63, 0.25, 150, after(tspanEnd/10, 14, 0))
	m["IB"] = std(0.02, 0.2, -55, 4, -70, 0.25, 150, after(tspanEnd/10, 11, 0))
	m["CH"] = std(0.02, 0.2, -50, 2, -70, 0.25, 150, after(tspanEnd/10, 10, 0))
	m["FS"] = std(0.1, 0.2, -65, 2, -70, 0.25, 150, after(tspanEnd/10, 10, 0))
	m["TC"] = std(0.02, 0.25, -65, 0.05, -63, 0.25, 150, after(2*tspanEnd/10, 1.5, 0))
	m["TCb"] = std(0.02, 0.25, -65, 0.05, -87, 0.25, 150, after(3*tspanEnd/10, 0.0, -25))
	m["RZ"] = std(0.1, 0.26, -65, 2, -70, 0.25, 100, func(t float64) float64 {
		T1 := 100.0 / 10
		T2 := T1 + 50
		if (t > T2) && (t < T2+5) {
			return 10
		} else if t > T1 {
			return -0.5
		}
		return -2
	})
	m["LTS"] = std(0.02, 0.25, -65, 2, -63, 0.25, 250, after(1*250.0/10, 10.0, 0))

	// Fig. 1 of Izhikevich (2004).
	m["A"] = std(0.02, 0.2, -65, 6, -70, 0.25, 100, after(100.0/10, 14, 0))
	m["B"] = std(0.02, 0.25, -65, 6, -64, 0.25, 200, after(20, 0.5, 0))
	m["C"] = std(0.02, 0.2, -50, 2, -70, 0.25, 220, after(22, 15, 0))
	m["D"] = std(0.02, 0.25, -55, 0.05, -64, 0.2, 200, after(20, 0.6, 0))
	m["E"] = std(0.02, 0.2, -55, 4, -70, 0.25, 160, after(160.0/10, 10, 0))
	m["F"] = std(0.01, 0.2, -65, 8, -70, 0.25, 85, after(85.0/10, 30, 0))
	g := std(0.02, -0.1, -55, 6, -60, 0.25, 300, func(t float64) float64 {
		if t > 30 {
			return 0.075 * (t - 30)
		}
		return 0
	})
	g.k1, g.k0 = 4.1, 108
	m["G"] = g
	m["H"] = std(0.2, 0.26, -65, 0, -64, 0.25, 300, func(t float64) float64 {
		if t > 30 {
			return -0.5 + (0.015 * (t - 30))
		}
		return -0.5
	})
	m["I"] = std(0.02, 0.2, -65, 6, -70, 0.2, 100, func(t float64) float64 {
		T1 := 100.0 / 10
		if t > T1 && t < T1+3 {
			return 7.04
		}
		return 0
	})
	m["J"] = std(0.05, 0.26, -60, 0, -62, 0.25, 200, func(t float64) float64 {
		T1 := 200.0 / 10
		if (t > T1) && (t < T1+5) {
			return 2
		}
		return 0
	})
	m["K"] = std(0.1, 0.26, -60, -1, -62, 0.25, 400, func(t float64) float64 {
		end := 400.0
		T1 := end / 10
		T2 := T1 + 20
		T3 := 0.7 * end
		T4 := T3 + 40
		if ((t > T1) && (t < T1+4)) || ((t > T2) && (t < T2+4)) || ((t > T3) && (t < T3+4)) || ((t > T4) && (t < T4+4)) {
			return 0.65
		}
		return 0
	})
	l := std(0.02, -0.1, -55, 6, -60, 0.25, 100, func(t float64) float64 {
		end := 100.0
		T1 := end / 11
		T2 := T1 + 5
		T3 := 0.7 * end
		T4 := T3 + 10
		if ((t > T1) && (t < T1+2)) || ((t > T2) && (t < T2+2)) || ((t > T3) && (t < T3+2)) || ((t > T4) && (t < T4+2)) {
			return 9
		}
		return 0
	})
	l.k1, l.k0 = 4.1, 108
	m["L"] = l
	rebound := func(t float64) float64 {
		if (t > 20) && (t < 20+5) {
			return -15
		}
		return 0
	}
	m["M"] = std(0.03, 0.25, -60, 4, -64, 0.2, 200, rebound)
	m["N"] = std(0.03, 0.25, -52, 0, -64, 0.2, 200, rebound)
	m["O"] = std(0.03, 0.25, -60, 4, -64, 0.25, 100, func(t float64) float64 {
		if ((t > 10) && (t < 15)) || ((t > 80) && (t < 85)) {
			return 1
		} else if (t > 70) && (t < 75) {
			return -6
		}
		return 0
	})
	m["P"] = std(0.1, 0.26, -60, 0, -61, 0.25, 300, func(t float64) float64 {
		T1 := 300.0 / 8
		T2 := 216.0
		if ((t > T1) && (t < T1+5)) || ((t > T2) && (t < T2+5)) {
			return 1.24
		}
		return 0.24
	})
	m["Q"] = std(1, 0.2, -60, -21, -70, 0.1, 50, func(t float64) float64 {
		if math.Abs(t-10) < 1 {
			return 20
		}
		return 0
	})
	r := std(0.02, 1, -55, 4, -65, 0.5, 400, func(t float64) float64 {
		if t < 200 {
			return t / 25
		} else if t < 300 {
			return 0
		} else if t < 312.5 {
			return (t - 300) / 12.5 * 4
		}
		return 0
	})
	r.u0, r.accommodation = -16, true
	m["R"] = r
	inh := func(t float64) float64 {
		if (t < 50) || (t > 250) {
			return 80
		}
		return 75
	}
	m["S"] = std(-0.02, -1, -60, 8, -63.8, 0.5, 350, inh)
	m["T"] = std(-0.026, -1, -45, -2, -63.8, 0.5, 350, inh)
	return m
}
