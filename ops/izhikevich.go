package ops

import (
	"fmt"
	"hash"
	"math"
	"sync"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// IzhikevichScheme is the order of operations of one Izhikevich step; the
// values mirror models/izhikevich's Scheme, whose doc gives each order.
type IzhikevichScheme int

// The schemes of models/izhikevich, in its order.
const (
	IzhikevichCourse IzhikevichScheme = iota
	IzhikevichNotebookReset
	IzhikevichNotebookHost
	IzhikevichFigure
	IzhikevichNetM
)

// IzhikevichStep is a fused, forward-only gorgonia Op: one step of a
// population of Izhikevich neurons under Scheme, in one loop over the
// neurons. Its inputs are the vectors (v, u, fired, a, b, c, d) and, when
// Input is set, the input current i, all of one length n and dtype; its
// output is the packed vector (v', u', fired') of 3n elements (take them
// out with Part).
//
// It computes, per neuron, exactly the operations models/izhikevich's
// Population.Step adds to the graph, in the same order and dtype, each
// product rounded before it is added (no fused multiply-add), and the
// constants rounded to the dtype as the graph's constants are: its results
// equal the fine-grained graph's bit for bit. The spike test compares in
// float64 (v >= VPeak; v > VPeak for IzhikevichFigure), as ops.Spike does.
type IzhikevichStep struct {
	Scheme     IzhikevichScheme
	K2, K1, K0 float64 // dv/dt = K2 v² + K1 v + K0 − u + I
	VU, KU     float64 // du/dt = a (b (v − VU) − KU u); unused when StandardU
	StandardU  bool    // du/dt = a (b v − u), as the graph builds it then
	DtMs       float64 // time step (ms); > 0
	VPeak      float64 // spike cut-off (mV)
	Input      bool    // the op takes the input current as its 8th input
	// CondE, when not empty, makes the op compute event-driven conductance
	// synapses' current and decay too (after Deliver): it takes h⁺
	// [K·n] (class-major, K = len(CondE)) as its last input, adds
	// Σ_k CondE[k]·h⁺[k][j] − (Σ_k h⁺[k][j])·v[j] (summed as
	// ConductanceEvent sums it) to the input current (after i, when
	// Input), and packs CondDecay·h⁺ after fired': the output is
	// (v', u', fired', h') of (3+K)n elements. It takes the course scheme
	// with the standard u equation only.
	CondE     []float64
	CondDecay float64 // 1 − dt/τ_g; finite
	// Cells, when not nil (with CondE only), holds the population's
	// (a, b, c, d) by class, and the op takes no a, b, c, d inputs: it
	// reads one byte per neuron instead of four values. The values are
	// then constants of the op, not graph params.
	Cells *IzhikevichCells
}

// IzhikevichCells are a population's parameters by class: neuron j has
// a = A[Class[j]], b = B[Class[j]], c = C[Class[j]], d = D[Class[j]].
type IzhikevichCells struct {
	Class      []uint8
	A, B, C, D []float64 // one per class; finite

	once  sync.Once // builds the tables below on first use
	tab64 *[256][4]float64
	tab32 *[256][4]float32
}

// tables returns the classes' (a, b, c, d) rows in float64 and float32
// (rounded once, as the graph's float32 params are).
func (c *IzhikevichCells) tables() (*[256][4]float64, *[256][4]float32) {
	c.once.Do(func() {
		m := min(len(c.A), len(c.B), len(c.C), len(c.D), 256)
		c.tab64, c.tab32 = new([256][4]float64), new([256][4]float32)
		for i := 0; i < m; i++ {
			c.tab64[i] = [4]float64{c.A[i], c.B[i], c.C[i], c.D[i]}
			c.tab32[i] = [4]float32{float32(c.A[i]), float32(c.B[i]), float32(c.C[i]), float32(c.D[i])}
		}
	})
	return c.tab64, c.tab32
}

// CellsOf groups per-neuron parameters into classes (at most 256 distinct
// (a, b, c, d), in order of first appearance); ok is false when there are
// more, or the slices differ in length.
func CellsOf(a, b, c, d []float64) (cells *IzhikevichCells, ok bool) {
	n := len(a)
	if len(b) != n || len(c) != n || len(d) != n {
		return nil, false
	}
	cells = &IzhikevichCells{Class: make([]uint8, n)}
	index := map[[4]float64]uint8{}
	for j := 0; j < n; j++ {
		key := [4]float64{a[j], b[j], c[j], d[j]}
		k, seen := index[key]
		if !seen {
			if len(index) == 256 {
				return nil, false
			}
			k = uint8(len(index))
			index[key] = k
			cells.A, cells.B, cells.C, cells.D = append(cells.A, a[j]), append(cells.B, b[j]), append(cells.C, c[j]), append(cells.D, d[j])
		}
		cells.Class[j] = k
	}
	return cells, true
}

// validate checks the classes, the tables and, when n >= 0, the length.
func (c *IzhikevichCells) validate(n int) error {
	m := len(c.A)
	if m == 0 || len(c.B) != m || len(c.C) != m || len(c.D) != m {
		return fmt.Errorf("ops: IzhikevichCells: %d, %d, %d and %d values of a, b, c, d (want one per class, at least one)", len(c.A), len(c.B), len(c.C), len(c.D))
	}
	for _, t := range [][]float64{c.A, c.B, c.C, c.D} {
		for k, x := range t {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("ops: IzhikevichCells: class %d has a non-finite parameter (%v)", k, x)
			}
		}
	}
	for j, k := range c.Class {
		if int(k) >= m {
			return fmt.Errorf("ops: IzhikevichCells: Class[%d] = %d, but there are %d classes", j, k, m)
		}
	}
	if n >= 0 && len(c.Class) != n {
		return fmt.Errorf("ops: IzhikevichCells: %d classes for %d neurons", len(c.Class), n)
	}
	return nil
}

// hash returns an FNV-64a hash of the classes and tables.
func (c *IzhikevichCells) hash() uint64 {
	h := fnv64Word(fnv64Offset, uint64(len(c.Class)))
	for _, k := range c.Class {
		h = fnv64Word32(h, uint32(k))
	}
	for _, t := range [][]float64{c.A, c.B, c.C, c.D} {
		h = fnv64Word(h, uint64(len(t)))
		for _, x := range t {
			h = fnv64Word(h, math.Float64bits(x))
		}
	}
	return h
}

var izhNames = []string{"v", "u", "fired", "a", "b", "c", "d", "i"}

// Validate reports a known Scheme, finite coefficients and DtMs > 0.
func (op IzhikevichStep) Validate() error {
	if op.Scheme < IzhikevichCourse || op.Scheme > IzhikevichNetM {
		return fmt.Errorf("ops: IzhikevichStep: Scheme %d is unknown", int(op.Scheme))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"K2", op.K2}, {"K1", op.K1}, {"K0", op.K0}, {"VU", op.VU}, {"KU", op.KU}, {"VPeak", op.VPeak}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("ops: IzhikevichStep: %s (%v) is not finite", f.name, f.v)
		}
	}
	if !(op.DtMs > 0) || math.IsInf(op.DtMs, 0) {
		return fmt.Errorf("ops: IzhikevichStep: DtMs (%v) must be > 0 and finite", op.DtMs)
	}
	if op.Cells != nil {
		if len(op.CondE) == 0 {
			return fmt.Errorf("ops: IzhikevichStep: Cells takes CondE")
		}
		if err := op.Cells.validate(-1); err != nil {
			return err
		}
	}
	if len(op.CondE) > 0 {
		if op.Scheme != IzhikevichCourse || !op.StandardU {
			return fmt.Errorf("ops: IzhikevichStep: CondE takes the course scheme with the standard u equation (scheme %d, StandardU %t)", int(op.Scheme), op.StandardU)
		}
		return validCond(op, op.CondE, op.CondDecay)
	}
	return nil
}

// Arity returns 7, plus 1 with Input and 1 with CondE.
func (op IzhikevichStep) Arity() int {
	n := 7
	if op.Cells != nil {
		n = 3
	}
	if op.Input {
		n++
	}
	if len(op.CondE) > 0 {
		n++
	}
	return n
}

// InPlaceRegions returns, with CondE, where each input may lie in the
// packed output (session.StateUpdater): v at 0, u at n, fired at 2n and h
// at 3n; the other inputs nowhere. The course loop with conductances reads
// neuron j's v, u, fired and h before it writes them. Without CondE it
// returns nil.
func (op IzhikevichStep) InPlaceRegions(n int) []int {
	if len(op.CondE) == 0 {
		return nil
	}
	r := make([]int, op.Arity())
	for i := range r {
		r[i] = -1
	}
	r[0], r[1], r[2], r[len(r)-1] = 0, n, 2*n, 3*n
	return r
}

// outLen returns the packed output's length for n neurons: (3+K)n.
func (op IzhikevichStep) outLen(n int) int { return (3 + len(op.CondE)) * n }

// Type returns a → … → a.
func (op IzhikevichStep) Type() hm.Type { return sameTypeFn(op.Arity()) }

// InferShape returns ((3+K)n) for inputs of shape (n).
func (op IzhikevichStep) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	n, err := op.size(inputs)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{op.outLen(n)}, nil
}

// Do computes the step into a new vector.
func (op IzhikevichStep) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(nil, inputs)
}

// ReturnsPtr returns false.
func (op IzhikevichStep) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op IzhikevichStep) CallsExtern() bool { return false }

// OverwritesInput returns -1.
func (op IzhikevichStep) OverwritesInput() int { return -1 }

// WriteHash writes a type tag and every field.
func (op IzhikevichStep) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ops.IzhikevichStep{%d", int(op.Scheme))
	for _, x := range []float64{op.K2, op.K1, op.K0, op.VU, op.KU, op.DtMs, op.VPeak} {
		fmt.Fprintf(h, ",%016x", math.Float64bits(x))
	}
	fmt.Fprintf(h, ",%t,%t", op.StandardU, op.Input)
	if len(op.CondE) > 0 {
		fmt.Fprintf(h, ",cond=%016x", math.Float64bits(op.CondDecay))
		for _, e := range op.CondE {
			fmt.Fprintf(h, ",%016x", math.Float64bits(e))
		}
	}
	if op.Cells != nil {
		fmt.Fprintf(h, ",cells=%d:%016x", len(op.Cells.A), op.Cells.hash())
	}
	fmt.Fprint(h, "}")
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op IzhikevichStep) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "IzhikevichStep{scheme=0,dt=0.5,peak=35}".
func (op IzhikevichStep) String() string {
	if len(op.CondE) > 0 {
		cells := ""
		if op.Cells != nil {
			cells = fmt.Sprintf(",classes=%d", len(op.Cells.A))
		}
		return fmt.Sprintf("IzhikevichStep{scheme=%d,dt=%g,peak=%g,cond=%v,decay=%g%s}", int(op.Scheme), op.DtMs, op.VPeak, op.CondE, op.CondDecay, cells)
	}
	return fmt.Sprintf("IzhikevichStep{scheme=%d,dt=%g,peak=%g}", int(op.Scheme), op.DtMs, op.VPeak)
}

// UsePreallocDo computes the step into prealloc, a vector of 3n elements
// that shares no memory with the inputs. It does not allocate.
func (op IzhikevichStep) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("ops: %v: nil preallocated value", op)
	}
	return op.do(prealloc, inputs)
}

// Kernel checks the buffers once and returns the step as a closure over
// them, for the lean executor of package session.
func (op IzhikevichStep) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	if out == nil {
		return nil, fmt.Errorf("ops: %v: nil output", op)
	}
	x, o, err := op.check(out, in)
	if err != nil {
		return nil, err
	}
	return func() error { op.run(x, o); return nil }, nil
}

// DiffWRT returns all false: the op is forward only.
func (op IzhikevichStep) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns ErrForwardOnly.
func (op IzhikevichStep) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("%w: %v", ErrForwardOnly, op)
}

func (op IzhikevichStep) names() []string {
	names := append([]string(nil), izhNames[:7]...)
	if op.Cells != nil {
		names = names[:3]
	}
	if op.Input {
		names = append(names, "i")
	}
	if len(op.CondE) > 0 {
		names = append(names, "h")
	}
	return names
}

func (op IzhikevichStep) lens(n int) []int {
	l := make([]int, op.Arity())
	for i := range l {
		l[i] = n
	}
	if len(op.CondE) > 0 {
		l[len(l)-1] = len(op.CondE) * n
	}
	return l
}

func (op IzhikevichStep) size(inputs []gorgonia.DimSizer) (int, error) {
	if err := op.Validate(); err != nil {
		return 0, err
	}
	if len(inputs) != op.Arity() {
		return 0, fmt.Errorf("ops: %v: got %d shapes, want %d", op, len(inputs), op.Arity())
	}
	s, err := shapeOf(inputs[0], op.String())
	if err != nil {
		return 0, err
	}
	if len(s) != 1 {
		return 0, fmt.Errorf("ops: %v: v has shape %v, want a vector", op, s)
	}
	return s[0], vectorShapes(op, inputs, op.names(), op.lens(s[0]))
}

// CheckChildren checks the children's count, dtypes and shapes before the node is built.
func (op IzhikevichStep) CheckChildren(children []*gorgonia.Node) error {
	if err := checkStepChildren(op, children); err != nil {
		return err
	}
	return op.checkCells(children[0].Shape().TotalSize())
}

// checkCells checks that Cells, when set, has a class per neuron.
func (op IzhikevichStep) checkCells(n int) error {
	if op.Cells == nil {
		return nil
	}
	if err := op.Cells.validate(n); err != nil {
		return fmt.Errorf("ops: %v: %w", op, err)
	}
	return nil
}

// check validates the op, the inputs and the output (nil: allocate one).
func (op IzhikevichStep) check(out gorgonia.Value, inputs []gorgonia.Value) ([]floatView, floatView, error) {
	x, o, err := checkStep(op, out, inputs)
	if err != nil {
		return nil, floatView{}, err
	}
	return x, o, op.checkCells(x[0].len())
}

func (op IzhikevichStep) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	x, o, err := op.check(prealloc, inputs)
	if err != nil {
		return nil, err
	}
	out := prealloc
	if out == nil {
		if out, o, err = packedOut(op, nil, x[0].dt, op.outLen(x[0].len())); err != nil {
			return nil, err
		}
	}
	op.run(x, o)
	return out, nil
}

func (op IzhikevichStep) run(x []floatView, o floatView) {
	if len(op.CondE) > 0 {
		runCond(op, x, o)
		return
	}
	if o.dt == tensor.Float32 {
		var in []float32
		if op.Input {
			in = x[7].f32
		}
		izhLoop(op, x[0].f32, x[1].f32, x[2].f32, x[3].f32, x[4].f32, x[5].f32, x[6].f32, in, o.f32)
		return
	}
	var in []float64
	if op.Input {
		in = x[7].f64
	}
	izhLoop(op, x[0].f64, x[1].f64, x[2].f64, x[3].f64, x[4].f64, x[5].f64, x[6].f64, in, o.f64)
}

// runCond runs the step with CondE: the inputs are (v, u, fired), then
// (a, b, c, d) unless Cells, then i with Input, then h.
func runCond(op IzhikevichStep, x []floatView, o floatView) {
	if o.dt == tensor.Float32 {
		runCondT(op, x, o, func(v floatView) []float32 { return v.f32 })
		return
	}
	runCondT(op, x, o, func(v floatView) []float64 { return v.f64 })
}

func runCondT[T float32 | float64](op IzhikevichStep, x []floatView, o floatView, data func(floatView) []T) {
	var a, b, c, d, ext []T
	i := 3
	if op.Cells == nil {
		a, b, c, d, i = data(x[3]), data(x[4]), data(x[5]), data(x[6]), 7
	}
	if op.Input {
		ext, i = data(x[i]), i+1
	}
	courseCond(op, data(x[0]), data(x[1]), data(x[2]), a, b, c, d, ext, data(x[i]), data(o))
}

// courseCond is the course scheme with the standard u equation and the
// conductance current and decay of CondE (see IzhikevichStep): per neuron,
// the current from h⁺ and v, then courseLoop's step, then the decay. The
// input current, when present, comes first in the sum (the composer's
// order: current sources, then projections).
func courseCond[T float32 | float64](op IzhikevichStep, v, u, f, a, b, c, d, in, h, out []T) {
	n := len(v)
	K := len(op.CondE)
	var e [8]T
	es := e[:0]
	if K <= len(e) {
		es = e[:K]
	} else {
		es = make([]T, K)
	}
	for k, x := range op.CondE {
		es[k] = T(x)
	}
	vo, uo, fo, ho := out[:n], out[n:2*n], out[2*n:3*n], out[3*n:(3+K)*n]
	u, f, h = u[:n], f[:n], h[:K*n]
	cells := op.Cells
	var cls []uint8
	if cells != nil {
		cls = cells.Class[:n]
	} else {
		a, b, c, d = a[:n], b[:n], c[:n], d[:n]
	}
	// prm returns neuron j's (a, b, c, d), rounded to T as the graph's
	// params are.
	prm := func(j int) (T, T, T, T) {
		if cls != nil {
			k := cls[j]
			return T(cells.A[k]), T(cells.B[k]), T(cells.C[k]), T(cells.D[k])
		}
		return a[j], b[j], c[j], d[j]
	}
	k2, k1, k0, dt := T(op.K2), T(op.K1), T(op.K0), T(op.DtMs)
	peak, th, decay := T(op.VPeak), op.VPeak, T(op.CondDecay)
	if in != nil {
		in = in[:n]
	}
	step := func(j int, vj, uj, I T) {
		aj, bj, _, _ := prm(j)
		t := T(k2*vj) + k1
		dv := ((T(t*vj) + k0) - uj) + I
		vE := vj + T(dt*dv)
		uo[j] = uj + T(dt*T(aj*(T(bj*vj)-uj)))
		if float64(vE) >= th {
			fo[j], vo[j] = 1, peak
		} else {
			fo[j], vo[j] = 0, vE
		}
	}
	reset := func(j int, uj T) {
		_, _, cj, dj := prm(j)
		uo[j] = uj + dj
		if float64(cj) >= th {
			fo[j], vo[j] = 1, peak
		} else {
			fo[j], vo[j] = 0, cj
		}
	}
	switch {
	case (K == 1 || K == 2) && in == nil && cells != nil:
		// The course networks' cases with their classes (Step 3's one
		// reversal potential, Step 4's two): courseCondCells.
		k := &izhK[T]{k2: k2, k1: k1, k0: k0, dt: dt, peak: peak, th: th}
		t64, t32 := cells.tables()
		var tab *[256][4]T
		switch any(v).(type) {
		case []float32:
			tab = any(t32).(*[256][4]T)
		default:
			tab = any(t64).(*[256][4]T)
		}
		courseCondCells(k, tab, cells.Class, es, decay, v, u, f, h, vo, uo, fo, ho)
		return
	case K == 2 && in == nil:
		// The course network's case (excitatory and inhibitory synapses,
		// no other input), written out so that the compiler keeps it in
		// registers; the same operations as the default case.
		e0, e1 := es[0], es[1]
		h0, h1 := h[:n], h[n:2*n]
		ho0, ho1 := ho[:n], ho[n:2*n]
		vo, uo, fo := vo[:n], uo[:n], fo[:n]
		for j := 0; j < n; j++ {
			vj, uj := v[j], u[j]
			g0, g1 := h0[j], h1[j]
			ho0[j], ho1[j] = decay*g0, decay*g1
			var vE T
			if f[j] != 0 {
				vE, uo[j] = c[j], uj+d[j]
			} else {
				I := (T(e0*g0) + T(e1*g1)) - T((g0+g1)*vj)
				t := T(k2*vj) + k1
				dv := ((T(t*vj) + k0) - uj) + I
				vE = vj + T(dt*dv)
				uo[j] = uj + T(dt*T(a[j]*(T(b[j]*vj)-uj)))
			}
			if float64(vE) >= th {
				fo[j], vo[j] = 1, peak
			} else {
				fo[j], vo[j] = 0, vE
			}
		}
		return
	case K == 1 && in == nil:
		e0 := es[0]
		h0 := h[:n]
		for j := 0; j < n; j++ {
			vj, uj := v[j], u[j]
			if f[j] != 0 {
				reset(j, uj)
				continue
			}
			g0 := h0[j]
			step(j, vj, uj, T(e0*g0)-T(g0*vj))
		}
	default:
		for j := 0; j < n; j++ {
			vj, uj := v[j], u[j]
			if f[j] != 0 {
				reset(j, uj)
				continue
			}
			I := condCurrent(es, h, n, j, vj)
			if in != nil {
				I = in[j] + I
			}
			step(j, vj, uj, I)
		}
	}
	for i := range ho {
		ho[i] = decay * h[i]
	}
}

// izhK holds the step's constants in the dtype T, rounded as the graph's
// constants are (half = DtMs/2 in float64, then rounded).
type izhK[T float32 | float64] struct {
	k2, k1, k0, vu, ku, dt, half, peak T
	th                                 float64
	strict, std                        bool
}

// drive is b v − u, or b (v − VU) − KU u.
func (k *izhK[T]) drive(b, v, u T) T {
	if k.std {
		return T(b*v) - u
	}
	return T(b*(v-k.vu)) - T(k.ku*u)
}

// dvCourse is ((K2 v + K1) v + K0) − u, as Population.euler builds it.
func (k *izhK[T]) dvCourse(v, u T) T {
	t := T(k.k2*v) + k.k1
	return (T(t*v) + k.k0) - u
}

// dvFigure is ((K2 (v v) + K1 v) + K0) − u, as dvFigure builds it.
func (k *izhK[T]) dvFigure(v, u T) T {
	return ((T(k.k2*T(v*v)) + T(k.k1*v)) + k.k0) - u
}

// spike is ops.Spike's test, in float64.
func (k *izhK[T]) spike(x T) bool {
	y := float64(x)
	return y > k.th || (!k.strict && y == k.th)
}

// izhLoop writes (v', u', fired') into out (3n). Every product is rounded
// to T before it is added (the conversions T(...) forbid fused
// multiply-adds), so the loop computes the graph's bits.
func izhLoop[T float32 | float64](op IzhikevichStep, v, u, f, a, b, c, d, in, out []T) {
	k := izhK[T]{k2: T(op.K2), k1: T(op.K1), k0: T(op.K0), vu: T(op.VU), ku: T(op.KU),
		dt: T(op.DtMs), half: T(op.DtMs / 2), peak: T(op.VPeak), th: op.VPeak,
		strict: op.Scheme == IzhikevichFigure, std: op.StandardU}
	n := len(v)
	vo, uo, fo := out[:n], out[n:2*n], out[2*n:3*n]
	u, f, a, b, c, d = u[:n], f[:n], a[:n], b[:n], c[:n], d[:n]
	input := func(j int, dv T) T {
		if in != nil {
			return dv + in[j]
		}
		return dv
	}
	// euler is Population.euler: (v + dt·dv, u + dt·(a·drive)).
	euler := func(j int, vj, uj T) (T, T) {
		dv := input(j, k.dvCourse(vj, uj))
		return vj + T(k.dt*dv), uj + T(k.dt*T(a[j]*k.drive(b[j], vj, uj)))
	}
	clip := func(j int, vj T) {
		fired := k.spike(vj)
		fo[j], vo[j] = 0, vj
		if fired {
			fo[j], vo[j] = 1, k.peak
		}
	}
	switch op.Scheme {
	case IzhikevichCourse:
		if in != nil && k.std && !k.strict {
			courseLoop(&k, v, u, f, a, b, c, d, in[:n], vo, uo, fo)
			return
		}
		for j := range vo {
			vE, uE := euler(j, v[j], u[j])
			if f[j] != 0 {
				vE, uE = c[j], u[j]+d[j]
			}
			uo[j] = uE
			clip(j, vE)
		}
	case IzhikevichNotebookReset:
		for j := range vo {
			vIn, uIn := v[j], u[j]
			if f[j] != 0 {
				vIn, uIn = c[j], u[j]+d[j]
			}
			vE, uE := euler(j, vIn, uIn)
			uo[j] = uE
			clip(j, vE)
		}
	case IzhikevichNotebookHost:
		for j := range vo {
			vIn := v[j]
			if f[j] != 0 {
				vIn = c[j]
			}
			vE, uE := euler(j, vIn, u[j])
			clip(j, vE)
			if fo[j] != 0 {
				uE = u[j] + d[j]
			}
			uo[j] = uE
		}
	case IzhikevichFigure:
		for j := range vo {
			vIn, uIn := v[j], u[j]
			if f[j] != 0 {
				vIn, uIn = c[j], u[j]+d[j]
			}
			vE := vIn + T(k.dt*input(j, k.dvFigure(vIn, uIn)))
			uo[j] = uIn + T(T(k.dt*a[j])*k.drive(b[j], vE, uIn))
			clip(j, vE)
		}
	case IzhikevichNetM:
		for j := range vo {
			vIn, uIn := v[j], u[j]
			if f[j] != 0 {
				vIn, uIn = c[j], u[j]+d[j]
			}
			v1 := vIn + T(k.half*input(j, k.dvFigure(vIn, uIn)))
			v2 := v1 + T(k.half*input(j, k.dvFigure(v1, uIn)))
			uo[j] = uIn + T(T(k.dt*a[j])*k.drive(b[j], v2, uIn))
			fo[j], vo[j] = 0, v2
			if k.spike(v2) {
				fo[j] = 1
			}
		}
	}
}

// courseLoop is izhLoop's Course scheme with an input and the standard u
// equation written out, the network's common case: the same operations in
// the same order (so the same bits), without closures in the loop.
func courseLoop[T float32 | float64](k *izhK[T], v, u, f, a, b, c, d, in, vo, uo, fo []T) {
	n := len(vo)
	v, u, f, a, b, c, d, in, uo, fo = v[:n], u[:n], f[:n], a[:n], b[:n], c[:n], d[:n], in[:n], uo[:n], fo[:n]
	k2, k1, k0, dt, peak, th := k.k2, k.k1, k.k0, k.dt, k.peak, k.th
	for j := 0; j < n; j++ {
		vj, uj := v[j], u[j]
		var vE, uE T
		if f[j] != 0 {
			vE, uE = c[j], uj+d[j]
		} else {
			t := T(k2*vj) + k1
			dv := ((T(t*vj) + k0) - uj) + in[j]
			vE = vj + T(dt*dv)
			uE = uj + T(dt*T(a[j]*(T(b[j]*vj)-uj)))
		}
		uo[j] = uE
		if float64(vE) >= th {
			fo[j], vo[j] = 1, peak
		} else {
			fo[j], vo[j] = 0, vE
		}
	}
}

// courseCondCells is courseCond's loop for one or two conductance
// classes (e), no other input and the parameters by class (the course's
// networks): the same operations in the same order, one class byte per
// neuron read instead of four parameters. The loop runs in place: with a
// separate output (gorgonia's machines, or a graph whose states another
// node reads later), the state is copied into it first.
func courseCondCells[T float32 | float64](k *izhK[T], tab *[256][4]T, cls []uint8, e []T, decay T, v, u, f, h, vo, uo, fo, ho []T) {
	n, K := len(v), len(e)
	vo, uo, fo, ho = vo[:n], uo[:n], fo[:n], ho[:K*n]
	if n > 0 && !(&vo[0] == &v[0] && &uo[0] == &u[0] && &fo[0] == &f[0] && &ho[0] == &h[0]) {
		copy(vo, v)
		copy(uo, u[:n])
		copy(fo, f[:n])
		copy(ho, h[:K*n])
	}
	// The AVX2 kernel (float64, amd64) runs the first n&^3 neurons with
	// the same bits; the scalar loop runs the rest, or all of them.
	if K == 1 {
		m := courseCondVec(k, tab, cls, e, decay, vo, uo, fo, ho, nil)
		courseCondCellsInPlace1(k, tab, cls[m:], e[0], decay, vo[m:], uo[m:], fo[m:], ho[m:])
		return
	}
	m := courseCondVec(k, tab, cls, e, decay, vo, uo, fo, ho[:n], ho[n:2*n])
	courseCondCellsInPlace(k, tab, cls[m:], e[0], e[1], decay, vo[m:], uo[m:], fo[m:], ho[m:n], ho[n+m:2*n])
}

// courseCondCellsInPlace is the loop of courseCondCells over the state
// in place (session.StateUpdater: every output is its input's memory),
// written through five vectors instead of ten, which keeps the loop's
// pointers in registers (at n = 1e4 a quiet step took 42 us with ten, 34
// with five).
func courseCondCellsInPlace[T float32 | float64](k *izhK[T], tab *[256][4]T, cls []uint8, e0, e1, decay T, v, u, f, h0, h1 []T) {
	n := len(v)
	cls, u, f, h0, h1 = cls[:n], u[:n], f[:n], h0[:n], h1[:n]
	k2, k1, k0, dt, peak, th := k.k2, k.k1, k.k0, k.dt, k.peak, k.th
	for j := range v {
		vj, uj := v[j], u[j]
		g0, g1 := h0[j], h1[j]
		h0[j], h1[j] = decay*g0, decay*g1
		p := &tab[cls[j]]
		var vE T
		if f[j] != 0 {
			vE, u[j] = p[2], uj+p[3]
		} else {
			I := (T(e0*g0) + T(e1*g1)) - T((g0+g1)*vj)
			t := T(k2*vj) + k1
			dv := ((T(t*vj) + k0) - uj) + I
			vE = vj + T(dt*dv)
			u[j] = uj + T(dt*T(p[0]*(T(p[1]*vj)-uj)))
		}
		if float64(vE) >= th {
			f[j], v[j] = 1, peak
		} else {
			f[j], v[j] = 0, vE
		}
	}
}

// courseCondCellsInPlace1 is courseCondCellsInPlace for one reversal
// potential (the course's Step 3: excitatory input only).
func courseCondCellsInPlace1[T float32 | float64](k *izhK[T], tab *[256][4]T, cls []uint8, e0, decay T, v, u, f, h0 []T) {
	n := len(v)
	cls, u, f, h0 = cls[:n], u[:n], f[:n], h0[:n]
	k2, k1, k0, dt, peak, th := k.k2, k.k1, k.k0, k.dt, k.peak, k.th
	for j := range v {
		vj, uj, g0 := v[j], u[j], h0[j]
		h0[j] = decay * g0
		p := &tab[cls[j]]
		var vE T
		if f[j] != 0 {
			vE, u[j] = p[2], uj+p[3]
		} else {
			I := T(e0*g0) - T(g0*vj)
			t := T(k2*vj) + k1
			dv := ((T(t*vj) + k0) - uj) + I
			vE = vj + T(dt*dv)
			u[j] = uj + T(dt*T(p[0]*(T(p[1]*vj)-uj)))
		}
		if float64(vE) >= th {
			f[j], v[j] = 1, peak
		} else {
			f[j], v[j] = 0, vE
		}
	}
}
