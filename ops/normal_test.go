package ops

import (
	"math"
	"sort"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// testSigmas returns n standard deviations from 0 to 9.9 in steps of 0.1·k,
// exact in float32 and equal in both slices.
func testSigmas(n int) ([]float64, []float32) {
	s64 := make([]float64, n)
	s32 := make([]float32, n)
	for i := range s64 {
		s32[i] = float32((i*7)%100) / 8 // multiples of 1/8: exact in float32
		s64[i] = float64(s32[i])
	}
	return s64, s32
}

// TestNormalMatchesNormalDraw checks the op against the plain-Go expression
// sigma[i] * NormalDraw(Seed, Stream, step, i), bit for bit, for a 2-D float64
// sigma, and against float32(float64(sigma32[i]) * NormalDraw(...)) for
// float32.
func TestNormalMatchesNormalDraw(t *testing.T) {
	t.Parallel()
	op := Normal{Seed: 42, Stream: 5}
	s64, s32 := testSigmas(7 * 13)
	nonzero := 0
	for step := uint64(0); step < 50; step++ {
		st := gorgonia.NewF64(float64(step))
		out, err := op.Do(dense64(s64, 7, 13), st)
		if err != nil {
			t.Fatal(err)
		}
		if !sameShape(out.Shape(), tensor.Shape{7, 13}) || out.Dtype() != tensor.Float64 {
			t.Fatalf("output shape %v dtype %v, want (7, 13) float64", out.Shape(), out.Dtype())
		}
		out32, err := op.Do(dense32(s32, 7, 13), st)
		if err != nil {
			t.Fatal(err)
		}
		if out32.Dtype() != tensor.Float32 {
			t.Fatalf("float32 sigma gave dtype %v", out32.Dtype())
		}
		got32 := out32.Data().([]float32)
		for i, v := range out.Data().([]float64) {
			z := NormalDraw(42, 5, step, i)
			if want := s64[i] * z; v != want {
				t.Fatalf("step %d, element %d: got %v, want %v", step, i, v, want)
			}
			if want := float32(float64(s32[i]) * z); got32[i] != want {
				t.Fatalf("float32 step %d, element %d: got %v, want %v", step, i, got32[i], want)
			}
			if v != 0 {
				nonzero++
			}
		}
	}
	if nonzero == 0 {
		t.Fatal("all outputs zero: the comparison is vacuous")
	}
}

// TestNormalScalarAndZeroSigma checks a scalar sigma (output *gorgonia.F64)
// and that sigma 0 gives exactly 0.
func TestNormalScalarAndZeroSigma(t *testing.T) {
	t.Parallel()
	op := Normal{Seed: 9}
	for step := uint64(0); step < 20; step++ {
		out, err := op.Do(gorgonia.NewF64(2.5), gorgonia.NewF64(float64(step)))
		if err != nil {
			t.Fatal(err)
		}
		f, ok := out.(*gorgonia.F64)
		if !ok {
			t.Fatalf("scalar sigma gave %T, want *gorgonia.F64", out)
		}
		if want := 2.5 * NormalDraw(9, 0, step, 0); float64(*f) != want {
			t.Fatalf("step %d: got %v, want %v", step, *f, want)
		}
		zero, err := op.Do(dense64(make([]float64, 10), 10), gorgonia.NewF64(float64(step)))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range zero.Data().([]float64) {
			if v != 0 {
				t.Fatalf("step %d, element %d: sigma 0 gave %v", step, i, v)
			}
		}
	}
}

// TestNormalGraphMatchesReference runs the op in a compiled tape machine
// (where gorgonia may call UsePreallocDo) for steps 0..99, then in two fresh
// graphs for steps 0..49 and 50..99, and requires both to equal the plain-Go
// reference: the draws depend only on (seed, stream, step, index).
func TestNormalGraphMatchesReference(t *testing.T) {
	t.Parallel()
	const n, steps = 200, 100
	op := Normal{Seed: 2024, Stream: 1}
	s64, _ := testSigmas(n)
	run := func() func(step float64) []float64 {
		g := gorgonia.NewGraph()
		sigma, step := vec64(g, "sigma", n), scalar64(g, "step")
		out := mustApply(t, op, sigma, step)
		m := machine(t, g, out)
		return func(s float64) []float64 {
			return m(map[*gorgonia.Node]interface{}{sigma: dense64(s64, n), step: s})[0]
		}
	}
	whole := run()
	var first, second func(float64) []float64
	first, second = run(), run()
	for s := 0; s < steps; s++ {
		a := whole(float64(s))
		var b []float64
		if s < 50 {
			b = first(float64(s))
		} else {
			b = second(float64(s))
		}
		for i := range a {
			want := s64[i] * NormalDraw(2024, 1, uint64(s), i)
			if a[i] != want || b[i] != want {
				t.Fatalf("step %d, element %d: one run %v, split runs %v, reference %v", s, i, a[i], b[i], want)
			}
		}
	}
}

func TestNormalDoMatchesUsePreallocDo(t *testing.T) {
	t.Parallel()
	op := Normal{Seed: 8, Stream: 2}
	s64, s32 := testSigmas(64)
	for s := 0; s < 10; s++ {
		step := gorgonia.NewF64(float64(s))
		want, err := op.Do(dense64(s64, 8, 8), step)
		if err != nil {
			t.Fatal(err)
		}
		pre := dense64(make([]float64, 64), 8, 8)
		got, err := op.UsePreallocDo(pre, dense64(s64, 8, 8), step)
		if err != nil {
			t.Fatal(err)
		}
		if got != gorgonia.Value(pre) {
			t.Fatal("UsePreallocDo did not return prealloc")
		}
		// prealloc aliasing the sigma input, as a reused register may.
		alias := dense64(append([]float64(nil), s64...), 8, 8)
		if _, err := op.UsePreallocDo(alias, alias, step); err != nil {
			t.Fatal(err)
		}
		w := want.Data().([]float64)
		for i := range w {
			if pre.Float64s()[i] != w[i] || alias.Float64s()[i] != w[i] {
				t.Fatalf("step %d, element %d: Do %v, UsePreallocDo %v, aliased %v", s, i, w[i], pre.Float64s()[i], alias.Float64s()[i])
			}
		}
		want32, err := op.Do(dense32(s32, 8, 8), step)
		if err != nil {
			t.Fatal(err)
		}
		pre32 := dense32(make([]float32, 64), 8, 8)
		if _, err := op.UsePreallocDo(pre32, dense32(s32, 8, 8), step); err != nil {
			t.Fatal(err)
		}
		for i, v := range want32.Data().([]float32) {
			if pre32.Float32s()[i] != v {
				t.Fatalf("float32 step %d, element %d: UsePreallocDo %v, Do %v", s, i, pre32.Float32s()[i], v)
			}
		}
	}
	for _, bad := range []gorgonia.Value{
		dense64(make([]float64, 64), 64),   // wrong shape
		dense32(make([]float32, 64), 8, 8), // wrong dtype
		gorgonia.NewF64(0),                 // scalar
		nil,
	} {
		_, err := op.UsePreallocDo(bad, dense64(s64, 8, 8), gorgonia.NewF64(0))
		wantErr(t, err, "prealloc")
	}
}

// TestNormalDistinctNodes applies ops that differ in one field to the same
// children: each must stay its own node and draw differently. Applying an
// identical op must give the same node, which shows the check can fail.
func TestNormalDistinctNodes(t *testing.T) {
	t.Parallel()
	base := Normal{Seed: 1, Stream: 0}
	others := map[string]Normal{
		"seed":   {Seed: 2, Stream: 0},
		"stream": {Seed: 1, Stream: 1},
	}
	for name, other := range others {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const n = 256
			g := gorgonia.NewGraph()
			sigma, step := vec64(g, "sigma", n), scalar64(g, "step")
			a := mustApply(t, base, sigma, step)
			b := mustApply(t, other, sigma, step)
			if a == b {
				t.Fatalf("%v and %v were merged into one node", base, other)
			}
			if same := mustApply(t, base, sigma, step); same != a {
				t.Fatalf("applying %v twice gave two nodes; gorgonia should merge them", base)
			}
			if base.Hashcode() == other.Hashcode() {
				t.Errorf("%v and %v have the same Hashcode", base, other)
			}
			data := make([]float64, n)
			for i := range data {
				data[i] = 1
			}
			out := machine(t, g, a, b)(map[*gorgonia.Node]interface{}{sigma: dense64(data, n), step: 3.0})
			for i := range out[0] {
				if out[0][i] == out[1][i] {
					t.Errorf("element %d: %v and %v both drew %v", i, base, other, out[0][i])
				}
			}
		})
	}
	// Normal and Bernoulli with the same seed and stream are different ops.
	if (Normal{Seed: 1}).Hashcode() == (Bernoulli{Seed: 1, DtMs: 1}).Hashcode() {
		t.Error("Normal and Bernoulli share a Hashcode")
	}
}

// TestNormalDifferentSteps checks that every element draws a new value when
// the step changes, in its low and its high 32-bit word. Two draws are equal
// with probability about 2^-53 for a working generator, so any equality means
// the step does not reach the counter.
func TestNormalDifferentSteps(t *testing.T) {
	t.Parallel()
	op := Normal{Seed: 3, Stream: 4}
	const n = 500
	sigma := make([]float64, n)
	for i := range sigma {
		sigma[i] = 1
	}
	var outs [][]float64
	for _, s := range []float64{0, 1, 2, 1 << 32, 1<<53 - 1} {
		out, err := op.Do(dense64(sigma, n), gorgonia.NewF64(s))
		if err != nil {
			t.Fatalf("step %v: %v", s, err)
		}
		outs = append(outs, out.Data().([]float64))
	}
	for a := range outs {
		for b := a + 1; b < len(outs); b++ {
			for i := range outs[a] {
				if outs[a][i] == outs[b][i] {
					t.Fatalf("steps #%d and #%d: element %d equal (%v)", a, b, i, outs[a][i])
				}
			}
		}
	}
}

// normalSample returns n draws of NormalDraw that walk index, step and stream
// together, so that every counter word varies.
func normalSample(n int) []float64 {
	z := make([]float64, n)
	for i := range z {
		z[i] = NormalDraw(12345, uint64(i%7), uint64(i/3), i)
	}
	return z
}

// TestNormalDrawMoments checks the sample mean and variance of n = 2^20 draws.
// For a standard normal the sample mean has standard error sqrt(1/n) and the
// sample variance sqrt((mu4 - sigma^4)/n) = sqrt((3 - 1)/n) = sqrt(2/n).
// 4 standard errors gives a false-failure rate of about 6e-5 per check
// (normal tails); a draw with the wrong scale (e.g. sqrt(-log u1) without the
// factor 2, variance 1/2) or an offset fails by hundreds of standard errors.
// It also checks the fraction of |z| > 3 against P = 0.0026998 (binomial
// standard error sqrt(P(1-P)/n)), which a KS test barely sees.
func TestNormalDrawMoments(t *testing.T) {
	t.Parallel()
	const n = 1 << 20
	var sum, sumSq float64
	tail := 0
	for _, z := range normalSample(n) {
		if math.IsNaN(z) || math.IsInf(z, 0) || math.Abs(z) > 8.58 {
			t.Fatalf("draw %v outside the Box–Muller range |z| <= 8.57", z)
		}
		sum += z
		sumSq += z * z
		if math.Abs(z) > 3 {
			tail++
		}
	}
	mean := sum / n
	variance := sumSq/n - mean*mean
	seMean := math.Sqrt(1.0 / n)
	seVar := math.Sqrt(2.0 / n)
	if math.Abs(mean) > 4*seMean {
		t.Errorf("mean = %v, want 0 ± %v (4 SE)", mean, 4*seMean)
	}
	if math.Abs(variance-1) > 4*seVar {
		t.Errorf("variance = %v, want 1 ± %v (4 SE)", variance, 4*seVar)
	}
	const pTail = 0.0026997960632601866 // 2·(1 - Φ(3)) = erfc(3/√2)
	if got, want := float64(tail)/n, pTail; math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/n) {
		t.Errorf("fraction |z| > 3 = %v, want %v ± %v (4 SE)", got, want, 4*math.Sqrt(want*(1-want)/n))
	}
}

// TestNormalDrawKolmogorovSmirnov compares the empirical CDF of n = 10^5
// draws with the standard normal CDF Φ(x) = erfc(-x/√2)/2. The asymptotic
// Kolmogorov distribution gives P(√n·D > 1.949) = 0.001, so the critical value
// at the 0.1% level is D = 1.949/√n ≈ 0.00616. A uniform or a normal with
// variance 1/2 gives D ≈ 0.05 and fails.
func TestNormalDrawKolmogorovSmirnov(t *testing.T) {
	t.Parallel()
	const n = 100000
	z := normalSample(n)
	sort.Float64s(z)
	d := 0.0
	for i, x := range z {
		f := math.Erfc(-x/math.Sqrt2) / 2
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	if crit := 1.949 / math.Sqrt(n); d > crit {
		t.Errorf("KS statistic D = %v, want <= %v (0.1%% level)", d, crit)
	}
}

// TestNormalDrawIndependence checks that draws whose keys differ by one in a
// single argument (index, step, step high word, seed, stream), and a normal
// and a uniform draw under the same key, are uncorrelated. For independent
// pairs the sample correlation has standard error about 1/sqrt(n); 4 standard
// errors (0.0126 for n = 10^5) gives a false-failure rate below 1e-4 per case.
// The "Uniform" case compares |z| with Uniform under the same key: were the
// two drawn from one Philox block (no tag bit), u1 would be 1 - u and |z|
// would grow with u, a correlation far above the bound; with the tag, Normal
// and Bernoulli ops that share a seed and stream draw independently.
func TestNormalDrawIndependence(t *testing.T) {
	t.Parallel()
	const n = 100000
	cases := []struct {
		name string
		pair func(i uint64) (float64, float64)
	}{
		{"index", func(i uint64) (float64, float64) { return NormalDraw(7, 3, 11, int(i)), NormalDraw(7, 3, 11, int(i+1)) }},
		{"step", func(i uint64) (float64, float64) { return NormalDraw(7, 3, i, 11), NormalDraw(7, 3, i+1, 11) }},
		{"step high word", func(i uint64) (float64, float64) { return NormalDraw(7, 3, i, 11), NormalDraw(7, 3, i+1<<32, 11) }},
		{"seed", func(i uint64) (float64, float64) { return NormalDraw(i, 3, 11, 5), NormalDraw(i+1, 3, 11, 5) }},
		{"stream", func(i uint64) (float64, float64) { return NormalDraw(7, i, 11, 5), NormalDraw(7, i+1, 11, 5) }},
		// |z| against u: if the two shared a block, u1 = 1 - u and |z| would
		// fall as u falls (correlation about 0.6).
		{"Uniform", func(i uint64) (float64, float64) { return math.Abs(NormalDraw(7, 3, i, 5)), Uniform(7, 3, i, 5) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var sx, sy, sxx, syy, sxy float64
			for i := uint64(0); i < n; i++ {
				x, y := tc.pair(i)
				if x == y {
					t.Fatalf("pair %d: equal draws %v", i, x)
				}
				sx += x
				sy += y
				sxx += x * x
				syy += y * y
				sxy += x * y
			}
			cov := sxy/n - sx/n*sy/n
			r := cov / math.Sqrt((sxx/n-sx/n*sx/n)*(syy/n-sy/n*sy/n))
			if bound := 4 / math.Sqrt(n); math.Abs(r) > bound {
				t.Errorf("correlation = %v, want |r| <= %v (4 SE)", r, bound)
			}
		})
	}
}

func TestNormalErrors(t *testing.T) {
	t.Parallel()
	op := Normal{Seed: 1}
	good := func() *tensor.Dense { return dense64([]float64{1, 2, 3}, 3) }
	cases := []struct {
		name   string
		op     Normal
		inputs []gorgonia.Value
		want   []string
	}{
		{"negative sigma", op, []gorgonia.Value{dense64([]float64{1, -2, 3}, 3), gorgonia.NewF64(0)},
			[]string{"index 1", "is -2", ">= 0"}},
		{"NaN sigma", op, []gorgonia.Value{dense64([]float64{0, 0, math.NaN()}, 3), gorgonia.NewF64(0)},
			[]string{"index 2", "NaN"}},
		{"Inf sigma float32", op, []gorgonia.Value{dense32([]float32{0, float32(math.Inf(1))}, 2), gorgonia.NewF64(0)},
			[]string{"index 1", "+Inf", "finite"}},
		{"negative step", op, []gorgonia.Value{good(), gorgonia.NewF64(-1)}, []string{"step (-1)", "whole number"}},
		{"fractional step", op, []gorgonia.Value{good(), gorgonia.NewF64(1.5)}, []string{"step (1.5)"}},
		{"NaN step", op, []gorgonia.Value{good(), gorgonia.NewF64(math.NaN())}, []string{"step (NaN)"}},
		{"Inf step", op, []gorgonia.Value{good(), gorgonia.NewF64(math.Inf(1))}, []string{"step (+Inf)"}},
		{"step 2^53", op, []gorgonia.Value{good(), gorgonia.NewF64(1 << 53)}, []string{"2^53"}},
		{"float32 step", op, []gorgonia.Value{good(), gorgonia.NewF32(1)}, []string{"float64 scalar"}},
		{"vector step", op, []gorgonia.Value{good(), dense64([]float64{1, 2}, 2)}, []string{"float64 scalar"}},
		{"int sigma", op, []gorgonia.Value{tensor.New(tensor.WithShape(2), tensor.WithBacking([]int{1, 2})), gorgonia.NewF64(0)},
			[]string{"sigma", "dtype int"}},
		{"nil sigma", op, []gorgonia.Value{nil, gorgonia.NewF64(0)}, []string{"sigma", "nil"}},
		{"one input", op, []gorgonia.Value{good()}, []string{"got 1 inputs, want 2"}},
		{"large stream", Normal{Stream: MaxIndex + 1}, []gorgonia.Value{good(), gorgonia.NewF64(0)}, []string{"Stream (4294967296)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := tc.op.Do(tc.inputs...)
			wantErr(t, err, tc.want...)
			if out != nil {
				t.Errorf("Do returned a value %v with the error", out)
			}
			pre := dense64([]float64{7, 7, 7}, 3)
			_, err = tc.op.UsePreallocDo(pre, tc.inputs...)
			wantErr(t, err, tc.want...)
			if d := pre.Float64s(); d[0] != 7 || d[1] != 7 || d[2] != 7 {
				t.Errorf("UsePreallocDo changed prealloc to %v on an error", d)
			}
		})
	}
}

func TestNormalValidate(t *testing.T) {
	t.Parallel()
	for _, op := range []Normal{{}, {Seed: math.MaxUint64, Stream: MaxIndex}} {
		if err := op.Validate(); err != nil {
			t.Errorf("%v: Validate() = %v, want nil", op, err)
		}
	}
	bad := Normal{Stream: MaxIndex + 1}
	wantErr(t, bad.Validate(), "Normal", "Stream")
	g := gorgonia.NewGraph()
	if _, err := Apply(bad, vec64(g, "sigma", 3), scalar64(g, "step")); err == nil {
		t.Error("Apply accepted a Stream above MaxIndex")
	}
}

func TestNormalBuildErrors(t *testing.T) {
	t.Parallel()
	g := gorgonia.NewGraph()
	op := Normal{}
	sigma := vec64(g, "sigma", 3)
	cases := []struct {
		name     string
		children []*gorgonia.Node
	}{
		{"vector step", []*gorgonia.Node{sigma, vec64(g, "stepvec", 3)}},
		{"float32 step", []*gorgonia.Node{sigma, gorgonia.NewScalar(g, tensor.Float32, gorgonia.WithName("step32"))}},
		{"int sigma", []*gorgonia.Node{gorgonia.NewVector(g, tensor.Int, gorgonia.WithShape(3), gorgonia.WithName("isigma")), scalar64(g, "step")}},
		{"one child", []*gorgonia.Node{sigma}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Apply(op, tc.children...)
			wantErr(t, err, "Normal")
		})
	}
	if _, err := op.InferShape(tensor.Shape{3}, tensor.Shape{2}); err == nil {
		t.Error("InferShape accepted a vector step")
	}
	if _, err := op.InferShape(tensor.Shape{3}); err == nil {
		t.Error("InferShape accepted one shape")
	}
	if s, err := op.InferShape(tensor.Shape{4, 5}, tensor.ScalarShape()); err != nil || !sameShape(s, tensor.Shape{4, 5}) {
		t.Errorf("InferShape((4,5), ()) = %v, %v; want (4, 5), nil", s, err)
	}
}

// TestNormalNotDifferentiable checks DiffWRT and SymDiff, and that a weight
// multiplying the noise still gets its gradient (the noise as a constant),
// while a gradient with respect to sigma is refused.
func TestNormalNotDifferentiable(t *testing.T) {
	t.Parallel()
	op := Normal{Seed: 1}
	if d := op.DiffWRT(2); len(d) != 2 || d[0] || d[1] {
		t.Errorf("DiffWRT(2) = %v, want [false false]", d)
	}
	_, err := op.SymDiff(nil, nil, nil)
	wantErr(t, err, "not differentiable")

	noise, grads, xErr := gradThroughDraw(t, op, 2)
	for i := range noise {
		if noise[i] != grads[i] || noise[i] != 2*NormalDraw(1, 0, 1, i) {
			t.Fatalf("element %d: dcost/dw = %v, noise %v, want 2·NormalDraw = %v", i, grads[i], noise[i], 2*NormalDraw(1, 0, 1, i))
		}
	}
	if xErr == nil {
		t.Error("Grad with respect to sigma succeeded; want an error (no differentiable path)")
	}
}

func TestNormalString(t *testing.T) {
	t.Parallel()
	if got, want := (Normal{Seed: 1, Stream: 2}).String(), "Normal{seed=1,stream=2}"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestNormalAllocations(t *testing.T) {
	op := Normal{Seed: 1}
	s64, _ := testSigmas(1000)
	sigma := dense64(s64, 1000)
	step := gorgonia.NewF64(4)
	pre := dense64(make([]float64, 1000), 1000)
	var sink float64
	if a := testing.AllocsPerRun(100, func() { sink += NormalDraw(1, 2, 3, 4) }); a != 0 {
		t.Errorf("NormalDraw allocates %v times per call, want 0", a)
	}
	_ = sink
	if a := testing.AllocsPerRun(100, func() {
		if _, err := op.UsePreallocDo(pre, sigma, step); err != nil {
			panic(err)
		}
	}); a != 0 {
		t.Errorf("UsePreallocDo allocates %v times, want 0", a)
	}
	outAllocs := testing.AllocsPerRun(100, func() {
		_ = tensor.New(tensor.WithShape(sigma.Shape().Clone()...), tensor.Of(tensor.Float64))
	})
	if a := testing.AllocsPerRun(100, func() {
		if _, err := op.Do(sigma, step); err != nil {
			panic(err)
		}
	}); a > outAllocs {
		t.Errorf("Do allocates %v times, want at most the %v of its output tensor", a, outAllocs)
	}
}

// TestNormalErrorThroughMachine checks that a bad sigma fed to a compiled
// graph surfaces as an error from RunAll that carries the op's message.
func TestNormalErrorThroughMachine(t *testing.T) {
	t.Parallel()
	g := gorgonia.NewGraph()
	sigma, step := vec64(g, "sigma", 2), scalar64(g, "step")
	out := mustApply(t, Normal{}, sigma, step)
	var v gorgonia.Value
	gorgonia.Read(out, &v)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	for _, tc := range []struct {
		sigma []float64
		step  float64
		want  string
	}{
		{[]float64{1, -3}, 0, "index 1"},
		{[]float64{1, 1}, 0.5, "step (0.5)"},
	} {
		if err := gorgonia.Let(sigma, dense64(tc.sigma, 2)); err != nil {
			t.Fatal(err)
		}
		if err := gorgonia.Let(step, tc.step); err != nil {
			t.Fatal(err)
		}
		err := m.RunAll()
		m.Reset()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "ops: ") {
			t.Errorf("RunAll error = %v, want one containing %q", err, tc.want)
		}
	}
}
