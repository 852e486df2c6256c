package ops_test

import (
	"fmt"

	"github.com/spikegraph/spikegraph/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func ExampleBernoulli() {
	op := ops.Bernoulli{Seed: 1, Stream: 0, DtMs: 0.5}
	rate := tensor.New(tensor.WithShape(4), tensor.WithBacking([]float64{0, 2000, 200, 2000}))
	out, err := op.Do(rate, gorgonia.NewF64(0))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Data(), op.Prob(2000))
	_, err = op.Do(tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{2500})), gorgonia.NewF64(0))
	fmt.Println(err)
	// Output:
	// [0 1 0 1] 1
	// ops: Bernoulli{seed=1,stream=0,dt=0.5ms}: spike probability p = rate*dt*1e-3 at index 0 is 1.25 (rate 2500 Hz, DtMs 0.5 ms), outside [0, 1]
}

func ExampleUniform() {
	// The draw depends only on its key, so it can be recomputed anywhere.
	a := ops.Uniform(42, 0, 7, 3)
	b := ops.Uniform(42, 0, 7, 3)
	fmt.Println(a == b, a >= 0 && a < 1, ops.BernoulliDraw(42, 0, 7, 3, 1))
	// Output: true true true
}

// ExampleSpike differentiates Sum(Spike(v)) through the SuperSpike surrogate:
// the gradient at v is h'(v - 30) = 1/(10·|v - 30| + 1)^2.
func ExampleSpike() {
	g := gorgonia.NewGraph()
	v := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(3), gorgonia.WithName("v"))
	fired, err := ops.Apply(ops.Spike{Threshold: 30, Surrogate: ops.DefaultSuperSpike()}, v)
	if err != nil {
		fmt.Println(err)
		return
	}
	cost, err := gorgonia.Sum(fired)
	if err != nil {
		fmt.Println(err)
		return
	}
	grads, err := gorgonia.Grad(cost, v)
	if err != nil {
		fmt.Println(err)
		return
	}
	var spikes, dv gorgonia.Value
	gorgonia.Read(fired, &spikes)
	gorgonia.Read(grads[0], &dv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := gorgonia.Let(v, tensor.New(tensor.WithBacking([]float64{29.9, 30, 31}))); err != nil {
		fmt.Println(err)
		return
	}
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v %.4f\n", spikes.Data(), dv.Data())
	m.Reset()
	// Output: [0 1 1] [0.2500 1.0000 0.0083]
}

// ExampleNormal draws the thalamic noise I = sigma .* randn of Izhikevich's
// (2003) net.m for two excitatory (sigma 5) and one inhibitory (sigma 2)
// neuron. The op's output equals sigma[i] * NormalDraw(Seed, Stream, step, i)
// exactly, so a plain-Go reference can recompute it.
func ExampleNormal() {
	op := ops.Normal{Seed: 1, Stream: 0}
	sigma := []float64{5, 5, 2}
	out, err := op.Do(tensor.New(tensor.WithShape(3), tensor.WithBacking(sigma)), gorgonia.NewF64(7))
	if err != nil {
		fmt.Println(err)
		return
	}
	same := true
	for i, v := range out.Data().([]float64) {
		same = same && v == sigma[i]*ops.NormalDraw(1, 0, 7, i)
		fmt.Printf("%.4f ", v)
	}
	fmt.Println(same)
	_, err = op.Do(tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{-1})), gorgonia.NewF64(0))
	fmt.Println(err)
	// Output:
	// 0.9768 -2.5465 0.1328 true
	// ops: Normal{seed=1,stream=0}: sigma at index 0 is -1, want a finite standard deviation >= 0
}

// ExampleSparseMatVec builds a 2×3 sparse weight matrix row by row and
// multiplies a spike vector by it in a graph; the gradient of the summed
// output with respect to the spikes is the column sums of W.
func ExampleSparseMatVec() {
	b, err := ops.NewCSRBuilder(2, 3, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range []struct {
		cols []int32
		vals []float64
	}{
		{[]int32{0, 2}, []float64{0.5, -1}},
		{[]int32{1}, []float64{2}},
	} {
		if err := b.AddRow(row.cols, row.vals); err != nil {
			fmt.Println(err)
			return
		}
	}
	w, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	g := gorgonia.NewGraph()
	spikes := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(3), gorgonia.WithName("spikes"))
	input, err := ops.Apply(ops.SparseMatVec{W: w}, spikes)
	if err != nil {
		fmt.Println(err)
		return
	}
	cost, err := gorgonia.Sum(input)
	if err != nil {
		fmt.Println(err)
		return
	}
	grads, err := gorgonia.Grad(cost, spikes)
	if err != nil {
		fmt.Println(err)
		return
	}
	var y, dx gorgonia.Value
	gorgonia.Read(input, &y)
	gorgonia.Read(grads[0], &dx)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := gorgonia.Let(spikes, tensor.New(tensor.WithBacking([]float64{1, 1, 0}))); err != nil {
		fmt.Println(err)
		return
	}
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	ref := make([]float64, 2)
	if err := w.MulVec(ref, []float64{1, 1, 0}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Data(), ref, dx.Data())
	m.Reset()
	_, err = ops.Apply(ops.SparseMatVec{W: w}, gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(2), gorgonia.WithName("x2")))
	fmt.Println(err)
	// Output:
	// [0.5 2] [0.5 2] [0.5 2 -1]
	// ops: Apply SparseMatVec{W 2×3 nnz=3 hash=e5e2d6ff66933cd5}: ops: SparseMatVec{W 2×3 nnz=3 hash=e5e2d6ff66933cd5}: x has shape (2), want (3) or (batch, 3)
}

// ExampleParseSurrogate reads a surrogate as a command-line flag would and
// differentiates Sum(Spike(x)) through it in a tiny graph: the forward
// pass is the Heaviside step at the threshold 0, and the gradient at x is
// psi(x) = (Alpha/2)/(1 + (π/2·Alpha·x)²), here 1/(1 + (πx)²) for Alpha 2.
func ExampleParseSurrogate() {
	sur, err := ops.ParseSurrogate("atan:2")
	if err != nil {
		fmt.Println(err)
		return
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(5), gorgonia.WithName("x"))
	fired, err := ops.Apply(ops.Spike{Threshold: 0, Surrogate: sur}, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	grads, err := gorgonia.Grad(gorgonia.Must(gorgonia.Sum(fired)), x)
	if err != nil {
		fmt.Println(err)
		return
	}
	var spikes, dx gorgonia.Value
	gorgonia.Read(fired, &spikes)
	gorgonia.Read(grads[0], &dx)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := gorgonia.Let(x, tensor.New(tensor.WithBacking([]float64{-1, -0.25, 0, 0.25, 1}))); err != nil {
		fmt.Println(err)
		return
	}
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sur)
	fmt.Printf("spikes %v\npsi    %.4f\n", spikes.Data(), dx.Data())
	_, err = ops.ParseSurrogate("atan:alpha=-1")
	fmt.Println(err)
	// Output:
	// ATan{α=2}
	// spikes [0 0 1 1 1]
	// psi    [0.0920 0.6185 1.0000 0.6185 0.0920]
	// ops: ParseSurrogate("atan:alpha=-1"): ops: ATan: Alpha (-1) must be positive and finite
}
