package ops

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// bernoulliGraph builds rate -> Bernoulli(op) in a new graph and returns a
// function that runs one step through a tape machine.
func bernoulliGraph(t testing.TB, op Bernoulli, n int, f32 bool) func(rate interface{}, step float64) []float64 {
	t.Helper()
	g := gorgonia.NewGraph()
	var rate *gorgonia.Node
	if f32 {
		rate = vec32(g, "rate", n)
	} else {
		rate = vec64(g, "rate", n)
	}
	step := scalar64(g, "step")
	out := mustApply(t, op, rate, step)
	run := machine(t, g, out)
	return func(r interface{}, s float64) []float64 {
		return run(map[*gorgonia.Node]interface{}{rate: r, step: s})[0]
	}
}

func TestBernoulliRateZeroNeverSpikes(t *testing.T) {
	t.Parallel()
	op := Bernoulli{Seed: 1, DtMs: 0.5}
	rate := dense64(make([]float64, 1000), 1000)
	for step := 0; step < 200; step++ {
		out, err := op.Do(rate, gorgonia.NewF64(float64(step)))
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range out.Data().([]float64) {
			if s != 0 {
				t.Fatalf("step %d, element %d: got a spike at rate 0", step, i)
			}
		}
	}
}

func TestBernoulliProbabilityOneAlwaysSpikes(t *testing.T) {
	t.Parallel()
	for _, dt := range []float64{0.5, 0.25, 1, 0.1} {
		op := Bernoulli{Seed: 3, Stream: 2, DtMs: dt}
		r := 1e3 / dt
		if p := op.Prob(r); p != 1 {
			t.Fatalf("DtMs %v: Prob(%v) = %v, want exactly 1", dt, r, p)
		}
		data := make([]float32, 500)
		for i := range data {
			data[i] = float32(r)
		}
		rate := dense32(data, 500)
		for step := 0; step < 200; step++ {
			out, err := op.Do(rate, gorgonia.NewF64(float64(step)))
			if err != nil {
				t.Fatalf("DtMs %v, step %d: %v", dt, step, err)
			}
			for i, s := range out.Data().([]float32) {
				if s != 1 {
					t.Fatalf("DtMs %v, step %d, element %d: no spike at p = 1", dt, step, i)
				}
			}
		}
	}
}

func TestBernoulliErrors(t *testing.T) {
	t.Parallel()
	op := Bernoulli{Seed: 1, DtMs: 0.5}
	good := func() *tensor.Dense { return dense64([]float64{10, 20, 30}, 3) }
	cases := []struct {
		name   string
		op     Bernoulli
		inputs []gorgonia.Value
		want   []string
	}{
		{"p above 1", op, []gorgonia.Value{dense64([]float64{10, 2001, 30}, 3), gorgonia.NewF64(0)},
			[]string{"index 1", "rate 2001 Hz", "DtMs 0.5 ms", "1.0005", "outside [0, 1]"}},
		{"negative rate", op, []gorgonia.Value{dense64([]float64{-1, 0, 0}, 3), gorgonia.NewF64(0)},
			[]string{"index 0", "rate -1 Hz", "-0.0005"}},
		{"NaN rate", op, []gorgonia.Value{dense64([]float64{0, 0, math.NaN()}, 3), gorgonia.NewF64(0)},
			[]string{"index 2", "NaN"}},
		{"Inf rate float32", op, []gorgonia.Value{dense32([]float32{0, float32(math.Inf(1))}, 2), gorgonia.NewF64(0)},
			[]string{"index 1", "+Inf"}},
		{"negative step", op, []gorgonia.Value{good(), gorgonia.NewF64(-1)}, []string{"step (-1)", "whole number"}},
		{"fractional step", op, []gorgonia.Value{good(), gorgonia.NewF64(1.5)}, []string{"step (1.5)"}},
		{"NaN step", op, []gorgonia.Value{good(), gorgonia.NewF64(math.NaN())}, []string{"step (NaN)"}},
		{"Inf step", op, []gorgonia.Value{good(), gorgonia.NewF64(math.Inf(1))}, []string{"step (+Inf)"}},
		{"step 2^53", op, []gorgonia.Value{good(), gorgonia.NewF64(1 << 53)}, []string{"2^53"}},
		{"float32 step", op, []gorgonia.Value{good(), gorgonia.NewF32(1)}, []string{"float64 scalar"}},
		{"vector step", op, []gorgonia.Value{good(), dense64([]float64{1, 2}, 2)}, []string{"float64 scalar"}},
		{"int rate", op, []gorgonia.Value{tensor.New(tensor.WithShape(2), tensor.WithBacking([]int{1, 2})), gorgonia.NewF64(0)},
			[]string{"dtype int"}},
		{"one input", op, []gorgonia.Value{good()}, []string{"got 1 inputs, want 2"}},
		{"zero DtMs", Bernoulli{}, []gorgonia.Value{good(), gorgonia.NewF64(0)}, []string{"DtMs (0 ms)"}},
		{"NaN DtMs", Bernoulli{DtMs: math.NaN()}, []gorgonia.Value{good(), gorgonia.NewF64(0)}, []string{"DtMs (NaN ms)"}},
		{"Inf DtMs", Bernoulli{DtMs: math.Inf(1)}, []gorgonia.Value{good(), gorgonia.NewF64(0)}, []string{"positive and finite"}},
		{"large stream", Bernoulli{DtMs: 1, Stream: MaxIndex + 1}, []gorgonia.Value{good(), gorgonia.NewF64(0)}, []string{"Stream (4294967296)"}},
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

func TestBernoulliValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		op Bernoulli
		ok bool
	}{
		{Bernoulli{DtMs: 0.5}, true},
		{Bernoulli{DtMs: 0.5, Stream: MaxIndex, Seed: math.MaxUint64}, true},
		{Bernoulli{DtMs: 0.5, Stream: MaxIndex + 1}, false},
		{Bernoulli{DtMs: 0}, false},
		{Bernoulli{DtMs: -0.5}, false},
		{Bernoulli{DtMs: math.NaN()}, false},
		{Bernoulli{DtMs: math.Inf(1)}, false},
	}
	for _, tc := range cases {
		err := tc.op.Validate()
		if tc.ok && err != nil {
			t.Errorf("%+v: Validate() = %v, want nil", tc.op, err)
		}
		if !tc.ok {
			wantErr(t, err, "Bernoulli")
		}
	}
	g := gorgonia.NewGraph()
	if _, err := Apply(Bernoulli{}, vec64(g, "rate", 3), scalar64(g, "step")); err == nil {
		t.Error("Apply accepted Bernoulli{} (DtMs 0)")
	}
}

func TestBernoulliBuildErrors(t *testing.T) {
	t.Parallel()
	g := gorgonia.NewGraph()
	op := Bernoulli{DtMs: 1}
	rate := vec64(g, "rate", 3)
	cases := []struct {
		name     string
		children []*gorgonia.Node
	}{
		{"vector step", []*gorgonia.Node{rate, vec64(g, "stepvec", 3)}},
		{"float32 step", []*gorgonia.Node{rate, gorgonia.NewScalar(g, tensor.Float32, gorgonia.WithName("step32"))}},
		{"int rate", []*gorgonia.Node{gorgonia.NewVector(g, tensor.Int, gorgonia.WithShape(3), gorgonia.WithName("irate")), scalar64(g, "step")}},
		{"one child", []*gorgonia.Node{rate}},
	}
	for _, tc := range cases {
		_, err := Apply(op, tc.children...)
		wantErr(t, err, "Bernoulli")
		if t.Failed() {
			t.Logf("case %s", tc.name)
		}
	}
	if _, err := op.InferShape(tensor.Shape{3}, tensor.Shape{2}); err == nil {
		t.Error("InferShape accepted a vector step")
	}
	if s, err := op.InferShape(tensor.Shape{4, 5}, tensor.ScalarShape()); err != nil || !sameShape(s, tensor.Shape{4, 5}) {
		t.Errorf("InferShape((4,5), ()) = %v, %v; want (4, 5), nil", s, err)
	}
}

// testRates returns n rates from 0 to about 1000 Hz, exact in float32.
func testRates(n int) ([]float64, []float32) {
	r64 := make([]float64, n)
	r32 := make([]float32, n)
	for i := range r64 {
		r32[i] = float32((i * 37) % 1000)
		r64[i] = float64(r32[i])
	}
	return r64, r32
}

func TestBernoulliMatchesBernoulliDraw(t *testing.T) {
	t.Parallel()
	op := Bernoulli{Seed: 42, Stream: 5, DtMs: 0.5}
	r64, _ := testRates(7 * 13)
	rate := dense64(r64, 7, 13)
	spikes := 0
	for step := uint64(0); step < 50; step++ {
		out, err := op.Do(rate, gorgonia.NewF64(float64(step)))
		if err != nil {
			t.Fatal(err)
		}
		if !sameShape(out.Shape(), tensor.Shape{7, 13}) {
			t.Fatalf("output shape %v, want (7, 13)", out.Shape())
		}
		for i, s := range out.Data().([]float64) {
			want := 0.0
			if BernoulliDraw(42, 5, step, i, r64[i]*0.5*1e-3) {
				want = 1
			}
			if s != want {
				t.Fatalf("step %d, element %d: got %v, want %v", step, i, s, want)
			}
			spikes += int(s)
		}
	}
	if spikes == 0 {
		t.Fatal("no spikes at all: the comparison is vacuous")
	}
}

func TestBernoulliScalarRate(t *testing.T) {
	t.Parallel()
	op := Bernoulli{Seed: 9, DtMs: 1}
	count := 0
	for step := uint64(0); step < 100; step++ {
		out, err := op.Do(gorgonia.NewF64(500), gorgonia.NewF64(float64(step)))
		if err != nil {
			t.Fatal(err)
		}
		f, ok := out.(*gorgonia.F64)
		if !ok {
			t.Fatalf("scalar rate gave %T, want *gorgonia.F64", out)
		}
		want := 0.0
		if BernoulliDraw(9, 0, step, 0, 0.5) {
			want = 1
		}
		if float64(*f) != want {
			t.Fatalf("step %d: got %v, want %v", step, *f, want)
		}
		count += int(want)
	}
	if count == 0 || count == 100 {
		t.Fatalf("%d spikes in 100 steps at p = 0.5", count)
	}
}

// TestBernoulliSplitRuns runs steps 0..99 through one tape machine, then
// steps 0..49 and 50..99 through two fresh graphs, and requires identical
// spikes: draws depend only on (seed, stream, step, index).
func TestBernoulliSplitRuns(t *testing.T) {
	t.Parallel()
	const n, steps = 200, 100
	op := Bernoulli{Seed: 2024, Stream: 1, DtMs: 0.5}
	r64, _ := testRates(n)
	rate := dense64(r64, n)

	whole := bernoulliGraph(t, op, n, false)
	var all [][]float64
	for s := 0; s < steps; s++ {
		all = append(all, whole(rate, float64(s)))
	}
	var split [][]float64
	for _, span := range [][2]int{{0, 50}, {50, 100}} {
		run := bernoulliGraph(t, op, n, false)
		for s := span[0]; s < span[1]; s++ {
			split = append(split, run(rate, float64(s)))
		}
	}
	spikes, differ := 0, 0
	for s := range all {
		for i := range all[s] {
			if all[s][i] != split[s][i] {
				t.Fatalf("step %d, element %d: one run gives %v, split runs give %v", s, i, all[s][i], split[s][i])
			}
			spikes += int(all[s][i])
			if s > 0 && all[s][i] != all[s-1][i] {
				differ++
			}
		}
	}
	if spikes == 0 || differ == 0 {
		t.Fatalf("%d spikes, %d changes between steps: the step input is not used", spikes, differ)
	}
}

func TestBernoulliFloat32MatchesFloat64(t *testing.T) {
	t.Parallel()
	const n = 300
	op := Bernoulli{Seed: 5, DtMs: 0.5}
	r64, r32 := testRates(n)
	run64 := bernoulliGraph(t, op, n, false)
	run32 := bernoulliGraph(t, op, n, true)
	for s := 0; s < 30; s++ {
		a := run64(dense64(r64, n), float64(s))
		b := run32(dense32(r32, n), float64(s))
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("step %d, element %d: float64 gives %v, float32 gives %v", s, i, a[i], b[i])
			}
		}
	}
}

// TestBernoulliMeanCount checks the total spike count of n trains over T
// steps at probability p against its Binomial(n·T, p) distribution: mean
// n·T·p = 20000 and standard deviation sqrt(n·T·p·(1-p)) = 140. A deviation
// of 5 standard deviations (700 spikes) has probability below 1e-6 for a
// correct generator, while a generator off by 4% in p (800 spikes) fails.
func TestBernoulliMeanCount(t *testing.T) {
	t.Parallel()
	const n, steps = 1000, 1000
	op := Bernoulli{Seed: 77, Stream: 3, DtMs: 0.5}
	data := make([]float64, n)
	for i := range data {
		data[i] = 40 // Hz; p = 40 * 0.5e-3 = 0.02
	}
	p := op.Prob(40)
	rate := dense64(data, n)
	out := dense64(make([]float64, n), n)
	total := 0.0
	for s := 0; s < steps; s++ {
		if _, err := op.UsePreallocDo(out, rate, gorgonia.NewF64(float64(s))); err != nil {
			t.Fatal(err)
		}
		for _, v := range out.Float64s() {
			total += v
		}
	}
	mean := n * steps * p
	sd := math.Sqrt(n * steps * p * (1 - p))
	if math.Abs(total-mean) > 5*sd {
		t.Errorf("total spikes = %v, want %v ± %v (5 SD)", total, mean, 5*sd)
	}
}

func TestBernoulliDoMatchesUsePreallocDo(t *testing.T) {
	t.Parallel()
	op := Bernoulli{Seed: 8, DtMs: 0.5}
	r64, r32 := testRates(64)
	for s := 0; s < 10; s++ {
		step := gorgonia.NewF64(float64(s))
		want, err := op.Do(dense64(r64, 8, 8), step)
		if err != nil {
			t.Fatal(err)
		}
		pre := dense64(make([]float64, 64), 8, 8)
		got, err := op.UsePreallocDo(pre, dense64(r64, 8, 8), step)
		if err != nil {
			t.Fatal(err)
		}
		if got != gorgonia.Value(pre) {
			t.Fatal("UsePreallocDo did not return prealloc")
		}
		// prealloc aliasing the rate input, as a reused register may.
		alias := dense64(append([]float64(nil), r64...), 8, 8)
		if _, err := op.UsePreallocDo(alias, alias, step); err != nil {
			t.Fatal(err)
		}
		w := want.Data().([]float64)
		for i := range w {
			if pre.Float64s()[i] != w[i] || alias.Float64s()[i] != w[i] {
				t.Fatalf("step %d, element %d: Do %v, UsePreallocDo %v, aliased %v", s, i, w[i], pre.Float64s()[i], alias.Float64s()[i])
			}
		}
		pre32 := dense32(make([]float32, 64), 8, 8)
		if _, err := op.UsePreallocDo(pre32, dense32(r32, 8, 8), step); err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if float64(pre32.Float32s()[i]) != w[i] {
				t.Fatalf("float32 step %d, element %d: %v, want %v", s, i, pre32.Float32s()[i], w[i])
			}
		}
	}
	for _, bad := range []gorgonia.Value{
		dense64(make([]float64, 64), 64),   // wrong shape
		dense32(make([]float32, 64), 8, 8), // wrong dtype
		gorgonia.NewF64(0),                 // scalar
		nil,
	} {
		_, err := op.UsePreallocDo(bad, dense64(r64, 8, 8), gorgonia.NewF64(0))
		wantErr(t, err, "prealloc")
	}
}

// TestBernoulliDistinctNodes applies ops that differ in one field to the same
// children: each must stay its own node and draw differently. Applying an
// identical op must give the same node, which shows the check can fail.
func TestBernoulliDistinctNodes(t *testing.T) {
	t.Parallel()
	base := Bernoulli{Seed: 1, Stream: 0, DtMs: 0.5}
	others := map[string]Bernoulli{
		"seed":   {Seed: 2, Stream: 0, DtMs: 0.5},
		"stream": {Seed: 1, Stream: 1, DtMs: 0.5},
		"dt":     {Seed: 1, Stream: 0, DtMs: 0.25},
	}
	for name, other := range others {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const n = 256
			g := gorgonia.NewGraph()
			rate, step := vec64(g, "rate", n), scalar64(g, "step")
			a := mustApply(t, base, rate, step)
			b := mustApply(t, other, rate, step)
			if a == b {
				t.Fatalf("%v and %v were merged into one node", base, other)
			}
			if same := mustApply(t, base, rate, step); same != a {
				t.Fatalf("applying %v twice gave two nodes; gorgonia should merge them", base)
			}
			if base.Hashcode() == other.Hashcode() {
				t.Errorf("%v and %v have the same Hashcode", base, other)
			}
			data := make([]float64, n)
			for i := range data {
				data[i] = 1000 // p = 0.5 at 0.5 ms, 0.25 at 0.25 ms
			}
			out := machine(t, g, a, b)(map[*gorgonia.Node]interface{}{rate: dense64(data, n), step: 3.0})
			differ := 0
			for i := range out[0] {
				if out[0][i] != out[1][i] {
					differ++
				}
			}
			if differ == 0 {
				t.Errorf("%v and %v gave identical spikes", base, other)
			}
		})
	}
}

func TestBernoulliNotDifferentiable(t *testing.T) {
	t.Parallel()
	op := Bernoulli{DtMs: 1}
	if d := op.DiffWRT(2); len(d) != 2 || d[0] || d[1] {
		t.Errorf("DiffWRT(2) = %v, want [false false]", d)
	}
	_, err := op.SymDiff(nil, nil, nil)
	wantErr(t, err, "not differentiable")

	// A weight multiplying the spikes is still differentiable: the spikes
	// act as a constant, d/dw Sum(w * spikes) = spikes.
	spikes, grads, xErr := gradThroughDraw(t, op, 500)
	for i := range spikes {
		if spikes[i] != grads[i] {
			t.Fatalf("element %d: dcost/dw = %v, want the spike %v", i, grads[i], spikes[i])
		}
	}
	if xErr == nil {
		t.Error("Grad with respect to the rate succeeded; want an error (no differentiable path)")
	}
}

func TestBernoulliString(t *testing.T) {
	t.Parallel()
	if got, want := (Bernoulli{Seed: 1, DtMs: 0.5}).String(), "Bernoulli{seed=1,stream=0,dt=0.5ms}"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestBernoulliAllocations(t *testing.T) {
	op := Bernoulli{Seed: 1, DtMs: 0.5}
	r64, _ := testRates(1000)
	rate := dense64(r64, 1000)
	step := gorgonia.NewF64(4)
	pre := dense64(make([]float64, 1000), 1000)
	if a := testing.AllocsPerRun(100, func() {
		if _, err := op.UsePreallocDo(pre, rate, step); err != nil {
			panic(err)
		}
	}); a != 0 {
		t.Errorf("UsePreallocDo allocates %v times, want 0", a)
	}
	outAllocs := testing.AllocsPerRun(100, func() {
		_ = tensor.New(tensor.WithShape(rate.Shape().Clone()...), tensor.Of(tensor.Float64))
	})
	if a := testing.AllocsPerRun(100, func() {
		if _, err := op.Do(rate, step); err != nil {
			panic(err)
		}
	}); a > outAllocs {
		t.Errorf("Do allocates %v times, want at most the %v of its output tensor", a, outAllocs)
	}
}

// TestBernoulliErrorThroughMachine checks that a bad rate fed to a compiled
// graph surfaces as an error from RunAll that carries the op's message.
func TestBernoulliErrorThroughMachine(t *testing.T) {
	t.Parallel()
	g := gorgonia.NewGraph()
	rate, step := vec64(g, "rate", 2), scalar64(g, "step")
	out := mustApply(t, Bernoulli{DtMs: 0.5}, rate, step)
	var v gorgonia.Value
	gorgonia.Read(out, &v)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	for _, tc := range []struct {
		rate []float64
		step float64
		want string
	}{
		{[]float64{1, 3000}, 0, "index 1"},
		{[]float64{1, 1}, -2, "step (-2)"},
	} {
		if err := gorgonia.Let(rate, dense64(tc.rate, 2)); err != nil {
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

// TestDrawKernels: the lean executor's closures of Bernoulli and Normal
// draw what UsePreallocDo draws, step after step, and report a bad step or
// a bad element at the call that meets it.
func TestDrawKernels(t *testing.T) {
	for _, op := range []interface {
		gorgonia.Op
		Kernel(gorgonia.Value, []gorgonia.Value) (func() error, error)
		UsePreallocDo(gorgonia.Value, ...gorgonia.Value) (gorgonia.Value, error)
	}{Bernoulli{Seed: 3, Stream: 1, DtMs: 0.5}, Normal{Seed: 3, Stream: 2}} {
		x := dense64([]float64{0, 20, 500, 1999, 0, 7}, 6)
		step := gorgonia.NewF64(0)
		out := dense64(make([]float64, 6), 6)
		k, err := op.Kernel(out, []gorgonia.Value{x, step})
		if err != nil {
			t.Fatal(err)
		}
		want := dense64(make([]float64, 6), 6)
		for s := 0; s < 50; s++ {
			*step = gorgonia.F64(s)
			if err := k(); err != nil {
				t.Fatal(err)
			}
			if _, err := op.UsePreallocDo(want, x, step); err != nil {
				t.Fatal(err)
			}
			sameBits(t, op.String(), out.Float64s(), want.Float64s())
		}
		*step = 2.5
		wantErr(t, k(), "whole number")
		*step = 3
		x.Float64s()[1] = -1
		wantErr(t, k(), "index 1")
	}
}
