package sim

import (
	"context"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// TestRecorderAllocatesNothing checks the runner's own work per sample
// (population counts, spike and trace sinks, count monitors, progress) in
// isolation from gorgonia's VM, which allocates on every run: Record must
// allocate nothing while spikes are coming.
func TestRecorderAllocatesNothing(t *testing.T) {
	for _, dtype := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		sc, err := network.Lookup("recurrent")
		if err != nil {
			t.Fatal(err)
		}
		net, err := sc.Build(network.Options{Seed: 1, N: 200, Dtype: dtype})
		if err != nil {
			t.Fatal(err)
		}
		s, err := session.New(net.Graph)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// Into the input window (200 ms) until the network spikes.
		for s.Sample() < 2000 {
			if err := s.Steps(context.Background(), 10, net.Feeder); err != nil {
				t.Fatal(err)
			}
			if fired, _ := s.State(network.NameFired); nonzero(fired) > 0 && s.Sample() > 400 {
				break
			}
		}
		fired, _ := s.State(network.NameFired)
		if nonzero(fired) == 0 {
			t.Fatal("no spikes to record")
		}
		const runs = 1000
		progress := 0
		c := &config{progress: func(done, total int) { progress++ }}
		c.spikeCapacity = new(int)
		*c.spikeCapacity = (runs + 10) * net.N // room for every neuron at every sample
		tg := target{graph: net.Graph, feeder: net.Feeder, dtMs: 0.5, pops: net.Network.Populations, monitors: net.Network.Monitors}
		r, err := newRecording(tg, runs+10, c)
		if err != nil {
			t.Fatal(err)
		}
		first := s.Sample()
		for _, rec := range r.recs {
			if err := rec.Begin(s, first, runs+10); err != nil {
				t.Fatal(err)
			}
		}
		// Count monitors read the last run's outputs: run at least once,
		// and on to a sample with spikes.
		for n := 0; n == 0 || nonzero(fired) == 0; n++ {
			if err := s.Steps(context.Background(), 1, net.Feeder); err != nil || n > 1000 {
				t.Fatalf("%v after %d steps", err, n)
			}
			fired, _ = s.State(network.NameFired)
		}
		k := s.Sample()
		allocs := testing.AllocsPerRun(runs, func() {
			for _, rec := range r.recs {
				if err := rec.Record(s, k); err != nil {
					t.Fatal(err)
				}
			}
			k++
		})
		if allocs != 0 {
			t.Errorf("%v: the runner allocates %v times per sample", dtype, allocs)
		}
		res := r.result(k-1, 0)
		if got := len(res.Spikes[network.MonitorSpikes].Events); got != (runs+1)*nonzero(fired) || progress == 0 {
			t.Errorf("%v: %d events recorded, want %d; %d progress calls", dtype, got, (runs+1)*nonzero(fired), progress)
		}
	}
}

func nonzero(x []float64) int {
	n := 0
	for _, v := range x {
		if v != 0 {
			n++
		}
	}
	return n
}
