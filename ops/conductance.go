package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Conductance is a fused, forward-only gorgonia Op: one step of a group of
// conductance synapses with per-presynaptic conductances g (the course's,
// models/synapse):
//
//	g⁺ = g + s;  I = W(g⁺ .* E) − (W gᵥ) .* v;  g' = Decay · g⁺
//
// where gᵥ is g⁺, or g before this step's spikes when Neat (the notebook's
// cell In [12]). Its inputs are g [nPre], the presynaptic spikes s [nPre],
// the postsynaptic potential v [nPost], then the dense weights W
// [nPost, nPre] (row-major) unless W is set, then E [nPre] unless ZeroE
// (I = 0 − (W gᵥ) .* v). Its output is the packed vector (g', I) of
// nPre + nPost elements (take them out with Part).
//
// It computes exactly the operations models/synapse's Group.Step adds to
// the graph, in the same order and dtype: a dense W·x is gonum's BLAS Dgemv
// (Sgemv for float32) called as gorgonia's tensor package calls it, and a
// sparse one the sums of SparseMatVec; so its results equal the
// fine-grained graph's bit for bit.
type Conductance struct {
	W     *CSR    // sparse weights [nPost, nPre]; nil: W is the 4th input
	Decay float64 // 1 − dt/τ_g, in (0, 1)
	ZeroE bool    // every E is 0: no E input, I = 0 − (W gᵥ) .* v
	Neat  bool    // (W g) .* v reads g before this step's spikes
}

// Validate reports a valid W (when set) and a finite Decay.
func (op Conductance) Validate() error {
	if math.IsNaN(op.Decay) || math.IsInf(op.Decay, 0) {
		return fmt.Errorf("ops: Conductance: Decay (%v) is not finite", op.Decay)
	}
	if op.W != nil {
		if err := op.W.check(); err != nil {
			return fmt.Errorf("ops: Conductance: %w", err)
		}
	}
	return nil
}

// Arity returns 3 + 1 (dense W) + 1 (E unless ZeroE).
func (op Conductance) Arity() int { return len(op.names()) }

func (op Conductance) names() []string {
	n := []string{"g", "s", "v"}
	if op.W == nil {
		n = append(n, "W")
	}
	if !op.ZeroE {
		n = append(n, "E")
	}
	return n
}

// Type returns a → … → a (the dense W is a matrix of the same dtype).
func (op Conductance) Type() hm.Type {
	ts := make([]hm.Type, 0, op.Arity()+1)
	for _, name := range op.names() {
		if name == "W" {
			ts = append(ts, hm.TypeVariable('m'))
			continue
		}
		ts = append(ts, hm.TypeVariable('a'))
	}
	return hm.NewFnType(append(ts, hm.TypeVariable('a'))...)
}

// dims returns nPre and nPost from the shapes of g and v, and checks every
// shape.
func (op Conductance) dims(shapes []tensor.Shape) (nPre, nPost int, err error) {
	if err := op.Validate(); err != nil {
		return 0, 0, err
	}
	names := op.names()
	if len(shapes) != len(names) {
		return 0, 0, fmt.Errorf("ops: %v: got %d inputs, want %d (%v)", op, len(shapes), len(names), names)
	}
	g, v := shapes[0], shapes[2]
	if len(g) != 1 || len(v) != 1 {
		return 0, 0, fmt.Errorf("ops: %v: g and v have shapes %v and %v, want vectors", op, g, v)
	}
	nPre, nPost = g[0], v[0]
	for i, name := range names {
		want := tensor.Shape{nPre}
		switch name {
		case "v":
			want = tensor.Shape{nPost}
		case "W":
			want = tensor.Shape{nPost, nPre}
		}
		if !sameShape(shapes[i], want) {
			return 0, 0, fmt.Errorf("ops: %v: %s has shape %v, want %v", op, name, shapes[i], want)
		}
	}
	if op.W != nil && (op.W.Rows != nPost || op.W.Cols != nPre) {
		return 0, 0, fmt.Errorf("ops: %v: W is %d×%d, want nPost×nPre = %d×%d", op, op.W.Rows, op.W.Cols, nPost, nPre)
	}
	return nPre, nPost, nil
}

// InferShape returns (nPre + nPost).
func (op Conductance) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	shapes := make([]tensor.Shape, len(inputs))
	for i, in := range inputs {
		s, err := shapeOf(in, op.String())
		if err != nil {
			return nil, err
		}
		shapes[i] = s
	}
	nPre, nPost, err := op.dims(shapes)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{nPre + nPost}, nil
}

// Do computes the step into a new vector.
func (op Conductance) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	k, err := op.bind(nil, inputs)
	if err != nil {
		return nil, err
	}
	k.run()
	return k.out, nil
}

// ReturnsPtr returns false.
func (op Conductance) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op Conductance) CallsExtern() bool { return false }

// OverwritesInput returns -1.
func (op Conductance) OverwritesInput() int { return -1 }

// WriteHash writes a type tag, every field and W's content hash.
func (op Conductance) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ops.Conductance{decay=%016x,zeroE=%t,neat=%t,", math.Float64bits(op.Decay), op.ZeroE, op.Neat)
	if op.W == nil {
		fmt.Fprint(h, "w=dense}")
		return
	}
	fmt.Fprintf(h, "rows=%d,cols=%d,nnz=%d,w=%016x}", op.W.Rows, op.W.Cols, op.W.NNZ(), op.W.Hash())
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op Conductance) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "Conductance{dense,decay=0.95}".
func (op Conductance) String() string {
	w := "dense"
	if op.W != nil {
		w = fmt.Sprintf("csr %d×%d nnz=%d", op.W.Rows, op.W.Cols, op.W.NNZ())
	}
	flags := ""
	if op.ZeroE {
		flags += ",E=0"
	}
	if op.Neat {
		flags += ",neat"
	}
	return fmt.Sprintf("Conductance{%s,decay=%g%s}", w, op.Decay, flags)
}

// UsePreallocDo computes the step into prealloc (nPre + nPost elements,
// sharing no memory with the inputs). It allocates its scratch vectors.
func (op Conductance) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return preallocRun(op, prealloc, func(out gorgonia.Value) (*condKernel, error) { return op.bind(out, inputs) })
}

// Kernel checks the buffers and allocates the scratch vectors once, and
// returns the step as a closure that allocates nothing.
func (op Conductance) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	return boundKernel(op, out, func(out gorgonia.Value) (*condKernel, error) { return op.bind(out, in) })
}

// DiffWRT returns all false: the op is forward only.
func (op Conductance) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns ErrForwardOnly.
func (op Conductance) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("%w: %v", ErrForwardOnly, op)
}

// CheckChildren checks the children's count, dtypes and shapes before the node is built.
func (op Conductance) CheckChildren(children []*gorgonia.Node) error {
	shapes := make([]tensor.Shape, len(children))
	var dt0 tensor.Dtype
	for i, c := range children {
		shapes[i] = c.Shape()
		dt, err := nodeDtype(c)
		if err != nil {
			return err
		}
		if i == 0 {
			dt0 = dt
		}
		if !isFloat(dt) || dt != dt0 {
			return fmt.Errorf("ops: %v: input %d has dtype %v, want %v (float64 or float32)", op, i, dt, dt0)
		}
	}
	_, _, err := op.dims(shapes)
	return err
}

// condKernel is a Conductance bound to its buffers.
type condKernel struct {
	op               Conductance
	nPre, nPost      int
	dt               tensor.Dtype
	g, s, v, w, e, o floatView
	gIn, ge, wg, wge floatView // scratch: g⁺, g⁺.*E, W gᵥ, W(g⁺.*E)
	val32            []float32
	mv64             func(x, y []float64)
	mv32             func(x, y []float32)
	out              gorgonia.Value
}

// bind checks the op and the values and allocates the scratch (and the
// output when out is nil).
func (op Conductance) bind(out gorgonia.Value, inputs []gorgonia.Value) (*condKernel, error) {
	if len(inputs) != op.Arity() {
		return nil, arityError(op, len(inputs))
	}
	shapes := make([]tensor.Shape, len(inputs))
	for i, in := range inputs {
		if in == nil {
			return nil, fmt.Errorf("ops: %v: input %d is nil", op, i)
		}
		shapes[i] = in.Shape()
	}
	nPre, nPost, err := op.dims(shapes)
	if err != nil {
		return nil, err
	}
	views := make([]floatView, len(inputs))
	for i, in := range inputs {
		if views[i], err = viewOf(in); err != nil {
			return nil, fmt.Errorf("ops: %v: %s: %w", op, op.names()[i], err)
		}
		if views[i].dt != views[0].dt {
			return nil, fmt.Errorf("ops: %v: %s has dtype %v, g %v", op, op.names()[i], views[i].dt, views[0].dt)
		}
	}
	k := &condKernel{op: op, nPre: nPre, nPost: nPost, dt: views[0].dt, g: views[0], s: views[1], v: views[2]}
	next := 3
	if op.W == nil {
		k.w = views[next]
		next++
	} else if k.dt == tensor.Float32 {
		if k.val32, err = op.W.values32(); err != nil {
			return nil, fmt.Errorf("ops: %v: %w", op, err)
		}
	}
	if !op.ZeroE {
		k.e = views[next]
	}
	if k.out, k.o, err = packedOut(op, out, k.dt, nPre+nPost); err != nil {
		return nil, err
	}
	if anyOverlap(k.o, views) {
		return nil, fmt.Errorf("ops: %v: the output shares memory with an input", op)
	}
	alloc := func(n int) floatView {
		if k.dt == tensor.Float32 {
			return floatView{dt: k.dt, f32: make([]float32, n)}
		}
		return floatView{dt: k.dt, f64: make([]float64, n)}
	}
	k.gIn, k.ge, k.wg, k.wge = alloc(nPre), alloc(nPre), alloc(nPost), alloc(nPost)
	k.matVecs()
	return k, nil
}

func (k *condKernel) run() {
	if k.dt == tensor.Float32 {
		condLoop(k, k.g.f32, k.s.f32, k.v.f32, k.e.f32, k.o.f32, k.gIn.f32, k.ge.f32, k.wg.f32, k.wge.f32, k.mv32)
		return
	}
	condLoop(k, k.g.f64, k.s.f64, k.v.f64, k.e.f64, k.o.f64, k.gIn.f64, k.ge.f64, k.wg.f64, k.wge.f64, k.mv64)
}

// condLoop is Group.Step's arithmetic: Add(g, s), MatVec, HadamardProd,
// Sub, Mul(decay, g⁺), in that order.
func condLoop[T float32 | float64](k *condKernel, g, s, v, e, out, gIn, ge, wg, wge []T, matVec func(x, y []T)) {
	nPre, nPost := k.nPre, k.nPost
	gNext, cur := out[:nPre], out[nPre:nPre+nPost]
	for j := range gIn {
		gIn[j] = g[j] + s[j]
	}
	gv := gIn
	if k.op.Neat {
		gv = g
	}
	matVec(gv, wg)
	if k.op.ZeroE {
		for i := range cur {
			cur[i] = 0 - T(wg[i]*v[i])
		}
	} else {
		for j := range ge {
			ge[j] = gIn[j] * e[j]
		}
		matVec(ge, wge)
		for i := range cur {
			cur[i] = wge[i] - T(wg[i]*v[i])
		}
	}
	decay := T(k.op.Decay)
	for j := range gNext {
		gNext[j] = decay * gIn[j]
	}
}

// matVecs sets the products y = W·x: gonum's Dgemv or Sgemv as
// tensor.MatVecMul calls them for a dense W, SparseMatVec's row sums for a
// CSR.
func (k *condKernel) matVecs() {
	m, n := k.nPost, k.nPre
	if w := k.op.W; w != nil {
		k.mv64 = func(x, y []float64) { gatherRows(w.RowPtr, w.ColIdx, w.Val, y, x) }
		val32 := k.val32
		k.mv32 = func(x, y []float32) { gatherRows(w.RowPtr, w.ColIdx, val32, y, x) }
		return
	}
	impl := gonum.Implementation{}
	a64, a32 := k.w.f64, k.w.f32
	k.mv64 = func(x, y []float64) { impl.Dgemv(blas.NoTrans, m, n, 1, a64, n, x, 1, 0, y, 1) }
	k.mv32 = func(x, y []float32) { impl.Sgemv(blas.NoTrans, m, n, 1, a32, n, x, 1, 0, y, 1) }
}
