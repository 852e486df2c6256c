package train_test

import (
	"context"
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/train"
)

// smoothModel is a recurrent LIF-like network (n = 4, batch 2) whose spike
// is its smooth primitive z = sigmoid(k(v − 1)) and whose reset
// v' = v_dec − z·(v_dec − 0) is not detached, so the whole step is smooth.
func smoothModel(c netCase, opts ...graph.Option) train.Model {
	return func() (*graph.Graph, error) {
		g, err := graph.New(opts...)
		if err != nil {
			return nil, err
		}
		b := g.Scope("net")
		shape := []int{c.batch, c.n}
		v := b.State("v", []float64{0}, shape...)
		syn := b.State("i", []float64{0}, shape...)
		fired := b.State("fired", []float64{0}, shape...)
		w := b.Param("W", c.w, c.n, c.n)
		win := b.Param("win", c.win, c.n)
		s := b.Input("s", shape...)
		aMem, aSyn, k, one := b.Const("a_mem", 0.1), b.Const("a_syn", 0.2), b.Const("k", 5), one(b)
		vDec := b.Add(v, b.Mul(aMem, b.Sub(syn, v)))
		iNext := b.Add(b.Sub(syn, b.Mul(aSyn, syn)), b.Add(b.MatVec(w, fired), b.Mul(win, s)))
		var z *graph.Node
		if err := b.Err(); err == nil {
			if z, err = gorgonia.Sigmoid(b.Mul(k, b.Sub(vDec, one))); err != nil {
				return nil, err
			}
		}
		b.SetNext(v, b.Sub(vDec, b.Mul(z, vDec)))
		b.SetNext(syn, iNext)
		b.SetNext(fired, z)
		return g, b.Err()
	}
}

func one(b *graph.Builder) *graph.Node { return b.Const("one", 1) }

// TestSmoothGradientMatchesFiniteDifference: with every spike replaced by
// its smooth primitive and the reset not detached, BPTT's gradient (T = 50,
// checkpoints every 7 steps) matches the central finite difference of the
// loss for every entry of W and win, within 1e-6 relative (step 1e-6: the
// difference's rounding is ~1e-16·|loss|/1e-6 ≈ 1e-8 relative, its
// truncation O(1e-12)); the floor 1e-4 of the largest entry covers entries
// near 0.
func TestSmoothGradientMatchesFiniteDifference(t *testing.T) {
	t.Parallel()
	const steps, eps = 50, 1e-6
	c := netCases(steps)[0]
	bp, err := train.NewBPTT(smoothModel(c), stepLoss, train.Options{Checkpoint: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	ctx := context.Background()
	res, err := bp.Gradients(ctx, steps, c.feeder())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"net/W", "net/win"} {
		base, err := bp.Param(name)
		if err != nil {
			t.Fatal(err)
		}
		got := res.Grads[name]
		scale := 0.0
		for _, x := range got {
			scale = math.Max(scale, math.Abs(x))
		}
		for i := range base {
			loss := func(d float64) float64 {
				p := append([]float64(nil), base...)
				p[i] += d
				if err := bp.SetParam(name, p); err != nil {
					t.Fatal(err)
				}
				r, err := bp.Gradients(ctx, steps, c.feeder())
				if err != nil {
					t.Fatal(err)
				}
				return r.Loss
			}
			fd := (loss(eps) - loss(-eps)) / (2 * eps)
			if err := bp.SetParam(name, base); err != nil {
				t.Fatal(err)
			}
			if !relClose(got[i], fd, 1e-6, 1e-4*scale) {
				t.Errorf("d loss/d %s[%d] = %.12g, central difference %.12g", name, i, got[i], fd)
			}
		}
	}
}

// TestCompiledNodesDoNotDependOnT: the compiled graphs are built once; runs
// of 10 and 300 steps leave their node count as it was, and the gradient
// of a run needs no new graph.
func TestCompiledNodesDoNotDependOnT(t *testing.T) {
	t.Parallel()
	c := netCases(300)[0]
	bp, err := train.NewBPTT(c.model, stepLoss, train.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	before := bp.Nodes()
	for _, steps := range []int{10, 300} {
		if _, err := bp.Gradients(context.Background(), steps, c.feeder()); err != nil {
			t.Fatal(err)
		}
		if got := bp.Nodes(); got != before {
			t.Errorf("T = %d: %d compiled nodes, %d before", steps, got, before)
		}
	}
	if before == 0 {
		t.Error("no compiled nodes")
	}
}

// TestFloat32: BPTT runs a float32 graph (adjoints and gradients in the
// graph's dtype, accumulated in float64) and agrees with the float64 run of
// the same smooth network within 1e-4 relative (float32 rounds at 6e-8 a
// step; 50 steps of a contracting map stay far inside 1e-4), floor 1e-3 of
// the largest entry.
func TestFloat32(t *testing.T) {
	t.Parallel()
	const steps = 50
	c := netCases(steps)[0]
	run := func(opts ...graph.Option) *train.Result {
		bp, err := train.NewBPTT(smoothModel(c, opts...), stepLoss, train.Options{Checkpoint: 7})
		if err != nil {
			t.Fatal(err)
		}
		defer bp.Close()
		res, err := bp.Gradients(context.Background(), steps, c.feeder())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	want, got := run(), run(graph.WithDtype(tensor.Float32))
	if !relClose(got.Loss, want.Loss, 1e-4, 1) {
		t.Errorf("loss float32 %v, float64 %v", got.Loss, want.Loss)
	}
	for name, w := range want.Grads {
		scale := 0.0
		for _, x := range w {
			scale = math.Max(scale, math.Abs(x))
		}
		for i := range w {
			if !relClose(got.Grads[name][i], w[i], 1e-4, 1e-3*scale) {
				t.Errorf("%s[%d]: float32 %v, float64 %v", name, i, got.Grads[name][i], w[i])
			}
		}
	}
}
