package network_test

import (
	"errors"
	"testing"

	"github.com/spikegraph/spikegraph/models/network"
)

// TestPRec: the recurrent probability applies to recurrent only, draws
// about p·n² synapses, and a bad value names the option.
func TestPRec(t *testing.T) {
	net, err := network.New(network.Recurrent, network.Options{Seed: 1, N: 2000, PRec: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	var rec int
	for _, p := range net.Network.Projections {
		if p.Name == "syn_rec" {
			rec = p.Synapses
		}
	}
	// Binomial(4e6, 0.02): mean 80000, sd 280; 5 sd.
	if rec < 80000-1400 || rec > 80000+1400 {
		t.Errorf("%d recurrent synapses at p = 0.02, want 80000 ± 1400", rec)
	}
	for _, tc := range []struct {
		k network.Kind
		p float64
	}{{network.Single, 0.1}, {network.Ring, 0.1}, {network.Recurrent, -0.1}, {network.Recurrent, 1.01}} {
		_, err := network.New(tc.k, network.Options{PRec: tc.p})
		var oe *network.OptionError
		if !errors.As(err, &oe) || oe.Option != "p-rec" {
			t.Errorf("%v with PRec %v: %v, want an *OptionError for p-rec", tc.k, tc.p, err)
		}
	}
}
