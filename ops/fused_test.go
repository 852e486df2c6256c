package ops

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// kernelOp is an op with the lean executor's Kernel method.
type kernelOp interface {
	gorgonia.Op
	gorgonia.UsePreallocDoer
	Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error)
}

// conform runs op through Do, UsePreallocDo and Kernel on inputs and
// requires the three results to agree bit for bit, the Kernel closure to
// allocate nothing, and running it twice to give the same result. It
// returns Do's result.
func conform(t *testing.T, op kernelOp, inputs ...gorgonia.Value) []float64 {
	t.Helper()
	want, err := op.Do(inputs...)
	if err != nil {
		t.Fatalf("%v: Do: %v", op, err)
	}
	w := float64s(t, want)
	pre, _, err := newLike(want, want.Dtype())
	if err != nil {
		t.Fatal(err)
	}
	got, err := op.UsePreallocDo(pre, inputs...)
	if err != nil {
		t.Fatalf("%v: UsePreallocDo: %v", op, err)
	}
	if got != pre {
		t.Fatalf("%v: UsePreallocDo returned another value", op)
	}
	sameBits(t, op.String()+" UsePreallocDo vs Do", float64s(t, got), w)
	out, _, _ := newLike(want, want.Dtype())
	run, err := op.Kernel(out, inputs)
	if err != nil {
		t.Fatalf("%v: Kernel: %v", op, err)
	}
	for k := 0; k < 2; k++ {
		if err := run(); err != nil {
			t.Fatal(err)
		}
		sameBits(t, op.String()+" Kernel vs Do", float64s(t, out), w)
	}
	if n := testing.AllocsPerRun(10, func() { _ = run() }); n != 0 {
		t.Fatalf("%v: the Kernel closure allocates %v times", op, n)
	}
	return w
}

// vals64 returns float64 vectors, and vals32 the same rounded to float32.
func vals64(xs ...[]float64) []gorgonia.Value {
	out := make([]gorgonia.Value, len(xs))
	for i, x := range xs {
		out[i] = dense64(append([]float64(nil), x...), len(x))
	}
	return out
}

func vals32(xs ...[]float64) []gorgonia.Value {
	out := make([]gorgonia.Value, len(xs))
	for i, x := range xs {
		y := make([]float32, len(x))
		for j, v := range x {
			y[j] = float32(v)
		}
		out[i] = dense32(y, len(x))
	}
	return out
}

func fill(n int, f func(i int) float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// izhInputs returns (v, u, fired, a, b, c, d, i) for n neurons with some
// fired and some near the peak.
func izhInputs(rng *rand.Rand, n int) [][]float64 {
	return [][]float64{
		fill(n, func(i int) float64 { return -75 + 110*rng.Float64() }),
		fill(n, func(i int) float64 { return -16 + 8*rng.Float64() }),
		fill(n, func(i int) float64 { return float64(i % 3 % 2) }),
		fill(n, func(i int) float64 { return 0.02 + 0.08*rng.Float64() }),
		fill(n, func(i int) float64 { return 0.2 + 0.05*rng.Float64() }),
		fill(n, func(i int) float64 { return -65 + 15*rng.Float64() }),
		fill(n, func(i int) float64 { return 2 + 6*rng.Float64() }),
		fill(n, func(i int) float64 { return 20 * rng.Float64() }),
	}
}

func allIzhikevich() []IzhikevichStep {
	var out []IzhikevichStep
	for s := IzhikevichCourse; s <= IzhikevichNetM; s++ {
		for _, input := range []bool{false, true} {
			out = append(out,
				IzhikevichStep{Scheme: s, K2: 0.04, K1: 5, K0: 140, StandardU: true, DtMs: 0.5, VPeak: 35, Input: input},
				IzhikevichStep{Scheme: s, K2: 0.04, K1: 5, K0: 140, VU: -65, KU: 0, DtMs: 0.25, VPeak: 30, Input: input})
		}
	}
	return out
}

func TestIzhikevichStepConforms(t *testing.T) {
	// not parallel: conform measures allocations
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 40
	x := izhInputs(rng, n)
	for _, op := range allIzhikevich() {
		in := x[:op.Arity()]
		got := conform(t, op, vals64(in...)...)
		if len(got) != 3*n {
			t.Fatalf("%v: %d outputs, want %d", op, len(got), 3*n)
		}
		for j := 0; j < n; j++ {
			if f := got[2*n+j]; f != 0 && f != 1 {
				t.Fatalf("%v: fired[%d] = %v", op, j, f)
			}
		}
		conform(t, op, vals32(in...)...)
	}
}

// TestIzhikevichStepCourseReference checks the course scheme against the
// equations written out in plain Go (the order of the package doc).
func TestIzhikevichStepCourseReference(t *testing.T) {
	t.Parallel()
	op := IzhikevichStep{Scheme: IzhikevichCourse, K2: 0.04, K1: 5, K0: 140, StandardU: true, DtMs: 0.5, VPeak: 35, Input: true}
	v, u, f := []float64{-70, 34.9, 10}, []float64{-14, -10, -12}, []float64{0, 0, 1}
	a, b, c, d, i := []float64{0.02, 0.02, 0.1}, []float64{0.2, 0.2, 0.2}, []float64{-65, -65, -65}, []float64{8, 8, 2}, []float64{7, 7, 7}
	out, err := op.Do(vals64(v, u, f, a, b, c, d, i)...)
	if err != nil {
		t.Fatal(err)
	}
	got := out.Data().([]float64)
	for j := range v {
		wantV := v[j] + 0.5*((0.04*v[j]+5)*v[j]+140-u[j]+i[j])
		wantU := u[j] + 0.5*(a[j]*(b[j]*v[j]-u[j]))
		if f[j] != 0 {
			wantV, wantU = c[j], u[j]+d[j]
		}
		wantF := 0.0
		if wantV >= 35 {
			wantV, wantF = 35, 1
		}
		if !closeRel(got[j], wantV, 1e-12) || !closeRel(got[3+j], wantU, 1e-12) || got[6+j] != wantF {
			t.Errorf("neuron %d: got v %v u %v fired %v, want %v %v %v", j, got[j], got[3+j], got[6+j], wantV, wantU, wantF)
		}
	}
}

func TestPartConforms(t *testing.T) {
	// not parallel: conform measures allocations
	x := []float64{1, 2, 3, 4, 5, 6}
	for _, op := range []Part{{0, 6}, {2, 3}, {5, 1}} {
		got := conform(t, op, vals64(x)...)
		sameBits(t, op.String(), got, x[op.Offset:op.Offset+op.Len])
		conform(t, op, vals32(x)...)
		// View shares x's memory.
		in := dense64(append([]float64(nil), x...), 6)
		v, err := op.View([]gorgonia.Value{in})
		if err != nil {
			t.Fatal(err)
		}
		in.Float64s()[op.Offset] = 99
		if v.Data().([]float64)[0] != 99 || !sameShape(v.Shape(), tensor.Shape{op.Len}) {
			t.Fatalf("%v: View %v does not alias x", op, v)
		}
	}
}

// condInputs returns (g, s, v, W, E) for nPre × nPost.
func condInputs(rng *rand.Rand, nPre, nPost int) (g, s, v, w, e []float64) {
	g = fill(nPre, func(int) float64 { return rng.Float64() })
	s = fill(nPre, func(i int) float64 { return float64(i % 4 / 3) })
	v = fill(nPost, func(int) float64 { return -70 + 40*rng.Float64() })
	w = randomDense(rng, nPost, nPre, 0.3)
	e = fill(nPre, func(i int) float64 { return []float64{0, -85}[i%5/4] })
	return
}

// condReference is Group.Step's arithmetic in plain Go, with the products
// W·x in row order (exact equality with BLAS is not expected: compare
// within tolerance).
func condReference(op Conductance, nPre, nPost int, g, s, v, w, e []float64) []float64 {
	gIn := make([]float64, nPre)
	for j := range gIn {
		gIn[j] = g[j] + s[j]
	}
	gv := gIn
	if op.Neat {
		gv = g
	}
	out := make([]float64, nPre+nPost)
	for i := 0; i < nPost; i++ {
		var wg, wge float64
		for j := 0; j < nPre; j++ {
			wg += w[i*nPre+j] * gv[j]
			if !op.ZeroE {
				wge += w[i*nPre+j] * (gIn[j] * e[j])
			}
		}
		out[nPre+i] = wge - wg*v[i]
	}
	for j := range gIn {
		out[j] = op.Decay * gIn[j]
	}
	return out
}

func TestConductanceConforms(t *testing.T) {
	// not parallel: conform measures allocations
	rng := rand.New(rand.NewPCG(3, 4))
	const nPre, nPost = 30, 17
	g, s, v, w, e := condInputs(rng, nPre, nPost)
	csr, err := FromDense(nPost, nPre, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, sparse := range []bool{false, true} {
		for _, zeroE := range []bool{false, true} {
			for _, neat := range []bool{false, true} {
				op := Conductance{Decay: 0.95, ZeroE: zeroE, Neat: neat}
				in := [][]float64{g, s, v}
				shapes := [][]int{{nPre}, {nPre}, {nPost}}
				if sparse {
					op.W = csr
				} else {
					in, shapes = append(in, w), append(shapes, []int{nPost, nPre})
				}
				if !zeroE {
					in, shapes = append(in, e), append(shapes, []int{nPre})
				}
				mk := func(f32 bool) []gorgonia.Value {
					var out []gorgonia.Value
					if f32 {
						out = vals32(in...)
					} else {
						out = vals64(in...)
					}
					for i, sh := range shapes {
						if len(sh) == 2 {
							out[i].(*tensor.Dense).Reshape(sh...)
						}
					}
					return out
				}
				got := conform(t, op, mk(false)...)
				eUsed := e
				if zeroE {
					eUsed = make([]float64, nPre)
				}
				want := condReference(op, nPre, nPost, g, s, v, w, eUsed)
				for i := range want {
					if !closeRel(got[i], want[i], 1e-12) {
						t.Fatalf("%v: element %d: got %v, want %v", op, i, got[i], want[i])
					}
				}
				conform(t, op, mk(true)...)
			}
		}
	}
}

// TestFusedOpsThroughTapeMachine runs the fused ops and Part in a graph on
// gorgonia's tape machine (twice, with Reset, as the session does) and
// compares with Do.
func TestFusedOpsThroughTapeMachine(t *testing.T) {
	t.Parallel()
	const n = 5
	rng := rand.New(rand.NewPCG(7, 8))
	x := izhInputs(rng, n)
	g := gorgonia.NewGraph()
	nodes := make([]*gorgonia.Node, 8)
	for i := range nodes {
		nodes[i] = vec64(g, izhNames[i], n)
	}
	op := IzhikevichStep{Scheme: IzhikevichNotebookHost, K2: 0.04, K1: 5, K0: 140, StandardU: true, DtMs: 0.5, VPeak: 35, Input: true}
	packed := mustApply(t, op, nodes...)
	parts := []*gorgonia.Node{mustApply(t, Part{0, n}, packed), mustApply(t, Part{n, n}, packed), mustApply(t, Part{2 * n, n}, packed)}
	run := machine(t, g, parts...)
	want, err := op.Do(vals64(x...)...)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 2; k++ {
		lets := map[*gorgonia.Node]interface{}{}
		for i, nd := range nodes {
			lets[nd] = dense64(append([]float64(nil), x[i]...), n)
		}
		out := run(lets)
		for p := range parts {
			sameBits(t, "tape machine", out[p], want.Data().([]float64)[p*n:(p+1)*n])
		}
	}
}

// TestFusedOpsHashPerField builds two instances of every fused op that
// differ in one field each and requires distinct hashes and distinct nodes.
func TestFusedOpsHashPerField(t *testing.T) {
	t.Parallel()
	base := IzhikevichStep{Scheme: IzhikevichCourse, K2: 0.04, K1: 5, K0: 140, VU: 1, KU: 1, DtMs: 0.5, VPeak: 35}
	izh := []IzhikevichStep{base}
	for _, f := range []func(o *IzhikevichStep){
		func(o *IzhikevichStep) { o.Scheme = IzhikevichFigure },
		func(o *IzhikevichStep) { o.K2 = 0.041 },
		func(o *IzhikevichStep) { o.K1 = 4.1 },
		func(o *IzhikevichStep) { o.K0 = 108 },
		func(o *IzhikevichStep) { o.VU = -65 },
		func(o *IzhikevichStep) { o.KU = 0 },
		func(o *IzhikevichStep) { o.StandardU = true },
		func(o *IzhikevichStep) { o.DtMs = 0.25 },
		func(o *IzhikevichStep) { o.VPeak = 30 },
	} {
		o := base
		f(&o)
		izh = append(izh, o)
	}
	w1, _ := testCSR()
	w2, _ := testCSR()
	w2.Val[1] = 7
	ops := []gorgonia.Op{Part{0, 2}, Part{1, 2}, Part{0, 3},
		Conductance{Decay: 0.9}, Conductance{Decay: 0.95}, Conductance{Decay: 0.9, ZeroE: true},
		Conductance{Decay: 0.9, Neat: true}, Conductance{Decay: 0.9, W: w1}, Conductance{Decay: 0.9, W: w2}}
	for _, o := range izh {
		ops = append(ops, o)
	}
	lbase := LIFStep{AMem: 0.05, ASyn: 0.1, VLeak: -60, VReset: -60, VThresh: -50}
	for _, f := range []func(o *LIFStep){
		func(o *LIFStep) {},
		func(o *LIFStep) { o.AMem = 0.025 },
		func(o *LIFStep) { o.ASyn = 0.2 },
		func(o *LIFStep) { o.VLeak = -65 },
		func(o *LIFStep) { o.VReset = -70 },
		func(o *LIFStep) { o.VThresh = -55 },
		func(o *LIFStep) { o.Conductance = true },
		func(o *LIFStep) { o.Input = true },
	} {
		o := lbase
		f(&o)
		ops = append(ops, o)
	}
	seen := map[uint32]gorgonia.Op{}
	for _, op := range ops {
		if prev, ok := seen[op.Hashcode()]; ok {
			t.Errorf("%v and %v share a hash", prev, op)
		}
		seen[op.Hashcode()] = op
	}
	// As nodes: every Izhikevich variant on the same children stays its own node.
	g := gorgonia.NewGraph()
	in := make([]*gorgonia.Node, 7)
	for i := range in {
		in[i] = vec64(g, izhNames[i], 3)
	}
	nodes := map[*gorgonia.Node]bool{}
	for _, op := range izh {
		nodes[mustApply(t, op, in...)] = true
	}
	if len(nodes) != len(izh) {
		t.Fatalf("%d Izhikevich variants gave %d nodes", len(izh), len(nodes))
	}
}

// TestFusedOpsErrors checks that bad fields, arities, shapes, dtypes and
// buffers are errors (never panics), and that gradients are refused.
func TestFusedOpsErrors(t *testing.T) {
	t.Parallel()
	good := IzhikevichStep{Scheme: IzhikevichCourse, K2: 0.04, K1: 5, K0: 140, StandardU: true, DtMs: 0.5, VPeak: 35}
	x := vals64(izhInputs(rand.New(rand.NewPCG(1, 1)), 4)[:7]...)
	for name, op := range map[string]IzhikevichStep{
		"scheme": {Scheme: 9, DtMs: 1}, "dt": {DtMs: 0}, "nan": {DtMs: 1, K2: math.NaN()}, "peak": {DtMs: 1, VPeak: math.Inf(1)},
	} {
		if _, err := op.Do(x...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, err := good.Do(x[:6]...)
	wantErr(t, err, "got 6 inputs")
	bad := append([]gorgonia.Value(nil), x...)
	bad[3] = dense64([]float64{1, 2}, 2)
	_, err = good.Do(bad...)
	wantErr(t, err, "a has shape")
	bad[3] = vals32([]float64{1, 2, 3, 4})[0]
	_, err = good.Do(bad...)
	wantErr(t, err, "dtype")
	_, err = good.UsePreallocDo(dense64(make([]float64, 5), 5), x...)
	wantErr(t, err, "shape")
	_, err = good.UsePreallocDo(x[0], x...)
	wantErr(t, err, "shape")
	_, err = good.Kernel(nil, x)
	wantErr(t, err)
	_, err = good.Kernel(dense64(make([]float64, 12), 12), append([]gorgonia.Value{nil}, x[1:]...))
	wantErr(t, err, "nil")
	g := gorgonia.NewGraph()
	in := make([]*gorgonia.Node, 7)
	for i := range in {
		in[i] = vec64(g, izhNames[i], 3)
	}
	in[4] = vec64(g, "short", 2)
	_, err = Apply(good, in...)
	wantErr(t, err, "shape")
	_, err = Apply(Part{Offset: 2, Len: 5}, in[0])
	wantErr(t, err, "at least 7")
	_, err = Apply(Part{Offset: -1, Len: 1}, in[0])
	wantErr(t, err, "Offset")
	_, err = Apply(Conductance{Decay: 0.9, ZeroE: true}, in[0], in[1], in[2])
	wantErr(t, err, "want 4 ([g s v W])")
	_, err = Apply(Conductance{Decay: math.NaN(), ZeroE: true}, in[0], in[1], in[2])
	wantErr(t, err, "Decay")
	_, err = (Conductance{Decay: 0.9, ZeroE: true}).Do(x[0], x[1])
	wantErr(t, err, "got 2 inputs")
	for _, op := range []gorgonia.SDOp{good, Part{0, 1}, Conductance{Decay: 0.9}} {
		if _, err := op.SymDiff(nil, nil, nil); !errors.Is(err, ErrForwardOnly) {
			t.Errorf("%v: SymDiff: %v", op, err)
		}
		for _, k := range []int{-1, 0, 3} {
			if d := op.DiffWRT(k); len(d) != max(k, 0) || (len(d) > 0 && d[0]) {
				t.Errorf("%v: DiffWRT(%d) = %v", op, k, d)
			}
		}
	}
	// gorgonia.Grad through a fused op fails with an error, not a panic.
	cost, err := gorgonia.Sum(mustApply(t, good, in[0], in[1], in[2], in[3], in[5], in[5], in[6]))
	if err != nil {
		t.Fatal(err)
	}
	err = guard(good, func() error { _, err := gorgonia.Grad(cost, in[0]); return err })
	if err == nil {
		t.Fatal("Grad through IzhikevichStep: no error")
	}
}

// TestKernelsOfElementwiseOps checks the Kernel of the ops that predate
// the fused ones against Do.
func TestKernelsOfElementwiseOps(t *testing.T) {
	// not parallel: conform measures allocations
	x := []float64{-1, 0.5, 2, 0, 35, 36}
	cond := []float64{1, 0, 1, 0, 0, 1}
	conform(t, Spike{Threshold: 0.5, Surrogate: DefaultSuperSpike()}, vals64(x)...)
	conform(t, Spike{Threshold: 35, Surrogate: DefaultSuperSpike(), Strict: true}, vals32(x)...)
	conform(t, Where{}, vals64(cond, x, []float64{6, 5, 4, 3, 2, 1})...)
	conform(t, StopGradient{}, vals32(x)...)
	c, _ := testCSR()
	conform(t, SparseMatVec{W: c}, vals64([]float64{1, 2, 3, 4})...)
	conform(t, SparseMatVec{W: c, Transposed: true}, vals32([]float64{1, 0, 3})...)
}

func TestLIFStepConforms(t *testing.T) {
	// not parallel: conform measures allocations
	rng := rand.New(rand.NewPCG(6, 6))
	const n = 30
	v := fill(n, func(int) float64 { return -65 + 20*rng.Float64() })
	syn := fill(n, func(int) float64 { return rng.Float64() })
	e := fill(n, func(i int) float64 { return []float64{0, -80}[i%2] })
	x := fill(n, func(int) float64 { return 0.5 * rng.Float64() })
	for _, cond := range []bool{false, true} {
		for _, input := range []bool{false, true} {
			op := LIFStep{AMem: 0.025, ASyn: 0.1, VLeak: -60, VReset: -60, VThresh: -50, Conductance: cond, Input: input}
			in := [][]float64{v, syn}
			if cond {
				in = append(in, e)
			}
			if input {
				in = append(in, x)
			}
			got := conform(t, op, vals64(in...)...)
			for j := 0; j < n; j++ {
				drive := syn[j]
				if cond {
					drive = syn[j] * (e[j] - v[j])
				}
				vDec := v[j] + 0.025*((-60-v[j])+drive)
				want, z := vDec, 0.0
				if vDec >= -50 {
					want, z = -60, 1
				}
				wantSyn := syn[j] - 0.1*syn[j]
				if input {
					wantSyn += x[j]
				}
				if !closeRel(got[j], want, 1e-12) || !closeRel(got[n+j], wantSyn, 1e-12) || got[2*n+j] != z {
					t.Fatalf("%v: neuron %d: got %v %v %v, want %v %v %v", op, j, got[j], got[n+j], got[2*n+j], want, wantSyn, z)
				}
			}
			conform(t, op, vals32(in...)...)
			if _, err := op.Do(vals64(in[:1]...)...); err == nil {
				t.Fatalf("%v: one input: no error", op)
			}
			if _, err := op.SymDiff(nil, nil, nil); !errors.Is(err, ErrForwardOnly) {
				t.Fatalf("%v: SymDiff: %v", op, err)
			}
		}
	}
	if _, err := (LIFStep{AMem: math.NaN()}).Do(vals64(v, syn)...); err == nil {
		t.Fatal("NaN AMem: no error")
	}
}
