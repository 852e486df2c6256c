package izhikevich_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/session"
)

// TestBatchEqualsRows: a batched population ([batch, n] states, arithmetic
// reset) gives, row by row, the same v, u and fired bit for bit as an
// unbatched population (ops.Where) fed that row's input, for every scheme,
// over 400 steps in which every neuron spikes, with a per-row input [batch,
// n] and with a shared input [n]. Bit equality holds because the batched
// select f·x + (1 − f)·y adds an exact zero for a 0/1 f.
func TestBatchEqualsRows(t *testing.T) {
	t.Parallel()
	const n, batch, steps = 3, 2, 400
	schemes := []izhikevich.Scheme{izhikevich.Course, izhikevich.NotebookReset, izhikevich.NotebookHost, izhikevich.Figure, izhikevich.NetM}
	rng := rand.New(rand.NewPCG(7, 8))
	in := make([][]float64, steps) // [batch·n] per step: 5-15, above the rheobase
	for k := range in {
		in[k] = make([]float64, batch*n)
		for e := range in[k] {
			in[k][e] = 5 + 10*rng.Float64()
		}
	}
	cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
	if err := cells.Set(1, izhikevich.FastSpiking()); err != nil {
		t.Fatal(err)
	}
	for _, sc := range schemes {
		for _, shared := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/shared=%v", sc, shared), func(t *testing.T) {
				t.Parallel()
				cfg := izhikevich.NewConfig(cells, 0.5)
				cfg.Scheme = sc
				run := func(cfg izhikevich.Config, row int) (v, u, f [][]float64) {
					g, err := graph.New()
					if err != nil {
						t.Fatal(err)
					}
					b := g.Scope("p")
					pop, err := izhikevich.Declare(b, cfg, []float64{-70, -60, -65}, []float64{-14})
					if err != nil {
						t.Fatal(err)
					}
					shape := cfg.Shape()
					if shared {
						shape = []int{n}
					}
					x := b.Input("i", shape...)
					next, err := pop.Step(b, pop.State, x)
					if err != nil {
						t.Fatal(err)
					}
					if err := pop.Carry(b, next); err != nil {
						t.Fatal(err)
					}
					s, err := session.New(g)
					if err != nil {
						t.Fatal(err)
					}
					defer s.Close()
					for k := 0; k < steps; k++ {
						feed := in[k]
						switch {
						case shared:
							feed = in[k][:n]
						case row >= 0:
							feed = in[k][row*n : (row+1)*n]
						}
						if err := s.Step(session.Feeds{"p/i": feed}); err != nil {
							t.Fatal(err)
						}
						for i, name := range []string{"p/v", "p/u", "p/fired"} {
							st, err := s.State(name)
							if err != nil {
								t.Fatal(err)
							}
							switch i {
							case 0:
								v = append(v, st)
							case 1:
								u = append(u, st)
							default:
								f = append(f, st)
							}
						}
					}
					return v, u, f
				}
				bcfg := cfg
				bcfg.Batch = batch
				bv, bu, bf := run(bcfg, -1)
				for r := 0; r < batch; r++ {
					v, u, f := run(cfg, r)
					spikes := 0.0
					for k := 0; k < steps; k++ {
						for j := 0; j < n; j++ {
							e := r*n + j
							if math.Float64bits(bv[k][e]) != math.Float64bits(v[k][j]) || bu[k][e] != u[k][j] || bf[k][e] != f[k][j] {
								t.Fatalf("row %d, step %d, neuron %d: batched (v %v, u %v, fired %v), unbatched (%v, %v, %v)",
									r, k, j, bv[k][e], bu[k][e], bf[k][e], v[k][j], u[k][j], f[k][j])
							}
							spikes += f[k][j]
						}
					}
					if spikes < float64(n) {
						t.Errorf("row %d: %v spikes; want every neuron to spike", r, spikes)
					}
				}
			})
		}
	}
}

// TestGradientPolicyKeepsForward: the gradient policies change only the
// gradient: under PseudoThreshold and Linearised every scheme gives the
// same v, u and fired bit for bit as under SpikeAtPeak, over 400 steps in
// which the neurons spike, unbatched and batched.
func TestGradientPolicyKeepsForward(t *testing.T) {
	t.Parallel()
	const n, steps = 3, 400
	cells := izhikevich.Uniform(n, izhikevich.RegularSpiking())
	if err := cells.Set(1, izhikevich.FastSpiking()); err != nil {
		t.Fatal(err)
	}
	run := func(cfg izhikevich.Config) []float64 {
		g, err := graph.New()
		if err != nil {
			t.Fatal(err)
		}
		b := g.Scope("p")
		pop, err := izhikevich.Declare(b, cfg, []float64{-70, -60, -65}, []float64{-14})
		if err != nil {
			t.Fatal(err)
		}
		next, err := pop.Step(b, pop.State, b.Input("i", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := pop.Carry(b, next); err != nil {
			t.Fatal(err)
		}
		s, err := session.New(g)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var out []float64
		for k := 0; k < steps; k++ {
			if err := s.Step(session.Feeds{"p/i": {8 + float64(k%5), 12, 4 + float64(k%3)}}); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"p/v", "p/u", "p/fired"} {
				st, err := s.State(name)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, st...)
			}
		}
		return out
	}
	for _, sc := range []izhikevich.Scheme{izhikevich.Course, izhikevich.NotebookReset, izhikevich.NotebookHost, izhikevich.Figure, izhikevich.NetM} {
		for _, batch := range []int{0, 2} {
			cfg := izhikevich.NewConfig(cells, 0.5)
			cfg.Scheme, cfg.Batch = sc, batch
			want := run(cfg)
			lin := cfg.WithLinearisedGradient()
			pseudo := lin
			pseudo.Gradient = izhikevich.PseudoThreshold
			for _, c := range []izhikevich.Config{lin, pseudo} {
				got := run(c)
				for e := range want {
					if math.Float64bits(got[e]) != math.Float64bits(want[e]) {
						t.Fatalf("%v, batch %d, %v: value %d = %v, SpikeAtPeak %v", sc, batch, c.Gradient, e, got[e], want[e])
					}
				}
			}
		}
	}
}
