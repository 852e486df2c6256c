package train_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/izhikevich"
	"github.com/spikegraph/spikegraph/models/lif"
	"github.com/spikegraph/spikegraph/session"
	"github.com/spikegraph/spikegraph/train"
)

// handle is a declared population seen through its current state, so that
// one test drives LIF and Izhikevich alike.
type handle struct {
	fired, v func() *graph.Node
	step     func(x *graph.Node) error // replaces the current state by the next
	carry    func() error
}

// netCase is a recurrent network of one population: the input at step t is
// x_t = W·fired_t + win ⊙ s_t, with W [n, n] and win [n] params and s_t
// [batch, n] fixed; the loss of a step is Σ fired' + 0.01 Σ v'.
type netCase struct {
	name     string
	n, batch int
	w, win   []float64
	s        [][]float64
	declare  func(b *graph.Builder) (handle, error)
}

func lifHandle(cfg lif.Config) func(b *graph.Builder) (handle, error) {
	return func(b *graph.Builder) (handle, error) {
		pop, err := lif.Declare(b, cfg, []float64{0}, []float64{0})
		if err != nil {
			return handle{}, err
		}
		st := pop.State
		return handle{
			fired: func() *graph.Node { return st.Fired },
			v:     func() *graph.Node { return st.V },
			step: func(x *graph.Node) (err error) {
				st, err = pop.Step(b, st, x)
				return err
			},
			carry: func() error { return pop.Carry(b, st) },
		}, nil
	}
}

func izhHandle(cfg izhikevich.Config) func(b *graph.Builder) (handle, error) {
	return func(b *graph.Builder) (handle, error) {
		pop, err := izhikevich.Declare(b, cfg, []float64{izhikevich.RestV}, []float64{izhikevich.RestU})
		if err != nil {
			return handle{}, err
		}
		st := pop.State
		return handle{
			fired: func() *graph.Node { return st.Fired },
			v:     func() *graph.Node { return st.V },
			step: func(x *graph.Node) (err error) {
				st, err = pop.Step(b, st, x)
				return err
			},
			carry: func() error { return pop.Carry(b, st) },
		}, nil
	}
}

// netCases: LIF (Training, dimensionless, rheobase 1) and Izhikevich
// (regular spiking, mV) networks of n = 6 in batches of 2, T = 50 steps of
// U(0, 1) input scaled by win; W mixes excitation and inhibition. The
// scales put the neurons around their rheobase so that they spike a few
// times (the test requires spikes).
func netCases(steps int) []netCase {
	const n, batch = 6, 2
	rng := rand.New(rand.NewPCG(5, 6))
	draw := func(size int, lo, hi float64) []float64 {
		out := make([]float64, size)
		for i := range out {
			out[i] = lo + (hi-lo)*rng.Float64()
		}
		return out
	}
	s := make([][]float64, steps)
	for t := range s {
		s[t] = draw(batch*n, 0, 1)
	}
	lifCfg := lif.Config{Params: lif.Training(), N: n, Batch: batch, DtMs: 1}
	izhCfg := izhikevich.NewConfig(izhikevich.Uniform(n, izhikevich.RegularSpiking()), 0.5)
	izhCfg.Batch = batch
	return []netCase{
		{"lif", n, batch, draw(n*n, -0.4, 0.6), draw(n, 0.6, 1.4), s, lifHandle(lifCfg)},
		{"izhikevich", n, batch, draw(n*n, -4, 6), draw(n, 10, 25), s, izhHandle(izhCfg)},
	}
}

// step adds the input of one step and advances h.
func (c netCase) input(b *graph.Builder, h handle, w, win, s *graph.Node) *graph.Node {
	return b.Add(b.MatVec(w, h.fired()), b.Mul(win, s))
}

// model is the one-step graph: s is an input fed each step.
func (c netCase) model() (*graph.Graph, error) {
	g, err := graph.New()
	if err != nil {
		return nil, err
	}
	b := g.Scope("net")
	h, err := c.declare(b)
	if err != nil {
		return nil, err
	}
	w := b.Param("W", c.w, c.n, c.n)
	win := b.Param("win", c.win, c.n)
	s := b.Input("s", c.batch, c.n)
	if err := h.step(c.input(b, h, w, win, s)); err != nil {
		return nil, err
	}
	if err := h.carry(); err != nil {
		return nil, err
	}
	return g, b.Err()
}

func stepLoss(g *graph.Graph) (*graph.Node, error) {
	f, err := g.Node("net/fired" + graph.NextSuffix)
	if err != nil {
		return nil, err
	}
	v, err := g.Node("net/v" + graph.NextSuffix)
	if err != nil {
		return nil, err
	}
	b := g.Scope("loss")
	return b.Add(b.Sum(f), b.Mul(b.Const("kv", 0.01), b.Sum(v))), b.Err()
}

func (c netCase) feeder() graph.Feeder {
	return train.FeedFunc(func(t int, w graph.InputWriter) error { return w.SetInput("net/s", c.s[t]) })
}

// unrolled builds the whole run as one graph (every step's s a param of
// its own) and returns the loss and gorgonia.Grad's dloss/dW, dloss/dwin:
// the oracle.
func (c netCase) unrolled(t *testing.T, steps int) (float64, []float64, []float64, float64) {
	t.Helper()
	g, err := graph.New()
	if err != nil {
		t.Fatal(err)
	}
	b := g.Scope("net")
	h, err := c.declare(b)
	if err != nil {
		t.Fatal(err)
	}
	w := b.Param("W", c.w, c.n, c.n)
	win := b.Param("win", c.win, c.n)
	kv := b.Const("kv", 0.01)
	var cost *graph.Node
	spikes := []*graph.Node{}
	for k := 0; k < steps; k++ {
		s := b.Param(fmt.Sprintf("s%d", k), c.s[k], c.batch, c.n)
		if err := h.step(c.input(b, h, w, win, s)); err != nil {
			t.Fatal(err)
		}
		term := b.Add(b.Sum(h.fired()), b.Mul(kv, b.Sum(h.v())))
		spikes = append(spikes, b.Sum(h.fired()))
		if cost == nil {
			cost = term
		} else {
			cost = b.Add(cost, term)
		}
	}
	if err := h.carry(); err != nil {
		t.Fatal(err)
	}
	total := spikes[0]
	for _, x := range spikes[1:] {
		total = b.Add(total, x)
	}
	grads, err := gorgonia.Grad(cost, w, win)
	if err != nil {
		t.Fatal(err)
	}
	b.Output("cost", cost)
	b.Output("spikes", total)
	b.Output("dW", grads[0])
	b.Output("dwin", grads[1])
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	sess, err := session.New(g)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.Run([]string{"net/cost", "net/dW", "net/dwin", "net/spikes"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out[0].Data().(float64), append([]float64(nil), out[1].Data().([]float64)...),
		append([]float64(nil), out[2].Data().([]float64)...), out[3].Data().(float64)
}

// relClose is |a - b| <= tol·max(|a|, |b|, floor).
func relClose(a, b, tol, floor float64) bool {
	return math.Abs(a-b) <= tol*math.Max(floor, math.Max(math.Abs(a), math.Abs(b)))
}

// TestBPTTEqualsUnrolled: the gradient of BPTT through the compiled step
// equals gorgonia.Grad of the fully unrolled graph, in float64 at T = 50,
// for LIF and Izhikevich networks with recurrent weights and a batch of 2,
// within 1e-10 relative (the two sum the same terms in different orders;
// the floor 1e-6·max|grad| keeps entries that cancel to ~0 from demanding
// more than rounding can give), for checkpoint intervals 1, 7 (not a
// divisor of 50) and the default, and on the tape machine (K = -7 in the
// messages). The runs must spike.
func TestBPTTEqualsUnrolled(t *testing.T) {
	t.Parallel()
	const steps = 50
	for _, c := range netCases(steps) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cost, dW, dwin, spikes := c.unrolled(t, steps)
			if spikes < 5 {
				t.Fatalf("%v spikes in %d steps; want >= 5 so that the spikes' gradients count", spikes, steps)
			}
			scale := 0.0
			for _, x := range append(append([]float64(nil), dW...), dwin...) {
				scale = math.Max(scale, math.Abs(x))
			}
			if scale == 0 {
				t.Fatal("the oracle's gradient is zero")
			}
			t.Logf("%v spikes; loss %.6g; max |grad| %.3g; dwin %.4g", spikes, cost, scale, dwin)
			for _, k := range []int{1, 7, 0, -7} {
				opts := train.Options{Params: []string{"net/W", "net/win"}, Checkpoint: k}
				if k < 0 { // K = 7 on gorgonia's tape machine
					opts.Checkpoint, opts.Session = -k, []session.Option{session.WithTapeMachine()}
				}
				bp, err := train.NewBPTT(c.model, stepLoss, opts)
				if err != nil {
					t.Fatal(err)
				}
				res, err := bp.Gradients(context.Background(), steps, c.feeder())
				bp.Close()
				if err != nil {
					t.Fatal(err)
				}
				if !relClose(res.Loss, cost, 1e-10, 1) {
					t.Errorf("K=%d: loss %.17g, unrolled %.17g", k, res.Loss, cost)
				}
				for name, want := range map[string][]float64{"net/W": dW, "net/win": dwin} {
					got := res.Grads[name]
					for i := range want {
						if !relClose(got[i], want[i], 1e-10, 1e-6*scale) {
							t.Errorf("K=%d: d loss/d %s[%d] = %.17g, unrolled %.17g", k, name, i, got[i], want[i])
						}
					}
				}
			}
		})
	}
}
