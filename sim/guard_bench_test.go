package sim

import (
	"context"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// BenchmarkGuard times one step of the fast path (the course's Step 4 on
// the fused engine with event-driven synapses, n = 10^4, p = 100/n as
// spikegraph bench runs it) without and with the guard's state check, in
// one run so that both see the same machine load: compare the medians of
// -count 5 (the README gives the ratio).
func BenchmarkGuard(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			net, err := network.New(network.Recurrent, network.Options{Seed: 1, N: 10000, PRec: 0.01})
			if err != nil {
				b.Fatal(err)
			}
			var opts []session.Option
			g := newGuard(net.Network.Ranges, net.Options.DtMs)
			if on {
				opts = append(opts, session.WithStateCheck(g.check))
			}
			s, err := session.New(net.Graph, opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			g.s = s
			// Start inside the stimulus window (200 ms), where the network fires.
			if err := s.Steps(context.Background(), 400, net.Feeder); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			if err := s.Steps(context.Background(), b.N, net.Feeder); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkGuardCheck times the guard's check alone over every state of
// the same network (its cost per step, free of the step's own noise).
func BenchmarkGuardCheck(b *testing.B) {
	net, err := network.New(network.Recurrent, network.Options{Seed: 1, N: 10000, PRec: 0.01})
	if err != nil {
		b.Fatal(err)
	}
	g := newGuard(net.Network.Ranges, net.Options.DtMs)
	s, err := session.New(net.Graph)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g.s = s
	var names []string
	var views []session.View
	values := 0
	for _, st := range net.Graph.States() {
		if v, err := s.StateView(st.Name); err == nil {
			names, views = append(names, st.Name), append(views, v)
			values += len(v.F64) + len(v.F32)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range views {
			if err := g.check(names[j], views[j]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(values), "values")
}
