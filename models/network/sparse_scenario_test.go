package network_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// TestLargeScenariosAreSparse: above network.SparsePairs the course's
// projections hold no dense matrix (recurrent beyond the old n = 20000
// bound builds), and storing them sparse changes no bit: the same
// network built from the same Spec with every projection dense-drawn
// gives the same spikes and states over 700 steps.
func TestLargeScenariosAreSparse(t *testing.T) {
	ctx := context.Background()
	// 1.68e7 pairs; 2.5e6 synapses, more than byPreMinSyn (2^21): the
	// placement goes through byPre's buffer and its sort.
	net, err := network.New(network.Recurrent, network.Options{N: 4100, Seed: 3, PRec: 0.15})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Network.Projections {
		want := p.Name == "syn_rec" // 4100² > 2^24; the input's 4.1e5 pairs stay dense-drawn
		if got := net.Network.Spec.Projections[indexOf(t, net.Network.Spec, p.Name)].Sparse; got != want {
			t.Fatalf("%s: Sparse %v, want %v", p.Name, got, want)
		}
		if p.W != nil && want {
			t.Fatalf("%s: a dense matrix is kept", p.Name)
		}
	}
	spec := net.Network.Spec
	spec.Projections = append([]network.Projection(nil), spec.Projections...)
	for i := range spec.Projections {
		spec.Projections[i].Sparse = false
	}
	dense, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	a, err := session.New(net.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := session.New(dense.Graph)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	spikes := 0.0
	for step := range 700 { // the input window opens at step 400 (200 ms)
		if err := a.Steps(ctx, 1, net.Feeder); err != nil {
			t.Fatal(err)
		}
		if err := b.Steps(ctx, 1, dense.Feeder); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"net/v", "net/fired", "net/g_syn"} {
			x, err := a.State(name)
			if err != nil {
				t.Fatal(err)
			}
			y, err := b.State(name)
			if err != nil {
				t.Fatal(err)
			}
			xs, ys := x, y
			for j := range xs {
				if xs[j] != ys[j] {
					t.Fatalf("step %d: %s[%d] = %v sparse, %v dense-drawn", step, name, j, xs[j], ys[j])
				}
				if name == "net/fired" {
					spikes += xs[j]
				}
			}
		}
	}
	if spikes == 0 {
		t.Fatal("no neuron spiked: the comparison tested nothing")
	}

	// Beyond the dense bound, with a small p-rec: built, no dense matrix.
	big, err := network.New(network.Recurrent, network.Options{N: 2 * network.MaxN, Seed: 1, PRec: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range big.Network.Projections {
		if p.Name == "syn_rec" && (!p.Sparse() || p.W != nil) {
			t.Fatalf("n=%d: %s is not sparse", 2*network.MaxN, p.Name)
		}
	}
	// 1e9 synapses at the course's p = 0.1: refused before drawing.
	_, err = network.New(network.Recurrent, network.Options{N: 100000})
	if err == nil || !strings.Contains(err.Error(), "p-rec") {
		t.Fatalf("n=1e5 at the course's p = 0.1: err = %v, want a hint at p-rec", err)
	}
}

func indexOf(t *testing.T, s network.Spec, name string) int {
	t.Helper()
	for i, p := range s.Projections {
		if p.Name == name {
			return i
		}
	}
	t.Fatalf("no projection %q", name)
	return -1
}
