package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Transpose returns Wᵀ as a new CSR (Cols×Rows): row c of the result holds
// column c of W, its entries in increasing row order. It is how an
// event-driven op reads the outgoing weights of a presynaptic neuron (a
// column of W [post, pre]) as one contiguous row. It returns an error for an
// invalid W.
func (c *CSR) Transpose() (*CSR, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	nnz := c.NNZ()
	t := &CSR{Rows: c.Cols, Cols: c.Rows, RowPtr: make([]int32, c.Cols+1), ColIdx: make([]int32, nnz), Val: make([]float64, nnz)}
	for _, j := range c.ColIdx {
		t.RowPtr[j+1]++
	}
	for j := 0; j < c.Cols; j++ {
		t.RowPtr[j+1] += t.RowPtr[j]
	}
	next := append([]int32(nil), t.RowPtr[:c.Cols]...)
	for r := 0; r < c.Rows; r++ {
		for k := c.RowPtr[r]; k < c.RowPtr[r+1]; k++ {
			j := c.ColIdx[k]
			t.ColIdx[next[j]] = int32(r)
			t.Val[next[j]] = c.Val[k]
			next[j]++
		}
	}
	return t, nil
}

// EventSynapses are the weights of an event-driven conductance projection,
// by presynaptic neuron: row p of Out holds the outgoing weights of
// presynaptic neuron p (Out is Wᵀ for W [post, pre]; columns are
// postsynaptic neurons), Class[p] is the reversal-potential class of p and
// E[k] the reversal potential of class k (mV).
type EventSynapses struct {
	Out   *CSR      // [nPre, nPost]; non-nil and valid
	Class []int32   // len nPre; each in [0, len(E))
	E     []float64 // len >= 1; finite
}

// Validate checks the sizes, the classes and E.
func (s *EventSynapses) Validate() error {
	if s == nil || s.Out == nil {
		return fmt.Errorf("ops: EventSynapses: nil weights")
	}
	if err := s.Out.check(); err != nil {
		return fmt.Errorf("ops: EventSynapses: Out: %w", err)
	}
	if len(s.E) == 0 {
		return fmt.Errorf("ops: EventSynapses: E is empty")
	}
	for k, e := range s.E {
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return fmt.Errorf("ops: EventSynapses: E[%d] (%v) is not finite", k, e)
		}
	}
	if len(s.Class) != s.Out.Rows {
		return fmt.Errorf("ops: EventSynapses: %d classes for %d presynaptic neurons (Out's rows)", len(s.Class), s.Out.Rows)
	}
	for p, k := range s.Class {
		if k < 0 || int(k) >= len(s.E) {
			return fmt.Errorf("ops: EventSynapses: Class[%d] (%d) is outside [0, %d)", p, k, len(s.E))
		}
	}
	return nil
}

// hash returns an FNV-64a hash of the classes and E, with Out's hash.
func (s *EventSynapses) hash() uint64 {
	if s == nil || s.Out == nil {
		return 0
	}
	h := fnv64Word(fnv64Offset, s.Out.Hash())
	h = fnv64Word(h, uint64(len(s.Class)))
	for _, k := range s.Class {
		h = fnv64Word32(h, uint32(k))
	}
	h = fnv64Word(h, uint64(len(s.E)))
	for _, e := range s.E {
		h = fnv64Word(h, math.Float64bits(e))
	}
	return h
}

// ConductanceEvent is a forward-only gorgonia Op: event-driven synaptic
// propagation over CSR weights. Instead of a conductance per presynaptic
// neuron it keeps, per postsynaptic neuron j and reversal-potential class
// k, the conductance h[k][j] = Σ_{p in class k} W[j][p]·g[p], and updates
// it only where spikes arrive:
//
//	h⁺[k][j] = h[k][j] + Σ_{p in k, s[p] ≠ 0} W[j][p]·s[p]   (the outgoing row of each spiking p)
//	I[j]     = Σ_k E[k]·h⁺[k][j] − (Σ_k hᵥ[k][j])·v[j]
//	h'[k][j] = Decay · h⁺[k][j]
//
// with hᵥ = h⁺, or h when Neat (the notebook's order). This is, in exact
// arithmetic, models/synapse's dense step W(g⁺.*E) − (W gᵥ).*v with
// g' = Decay·g⁺ (W is linear and every g decays by the same factor), at a
// cost of O(K·nPost + the spiking neurons' synapses) a step instead of
// O(nPost·nPre). The sums are rounded in another order, so the results
// differ from the dense step in the last bits, and a chaotic network's
// spike trains then diverge: compare them in distribution.
//
// Inputs: h [K·nPost] (class-major: h[k·nPost + j]), the presynaptic spikes
// s [nPre], the postsynaptic potential v [nPost]. Output: the packed vector
// (h', I) of K·nPost + nPost elements (take them out with Part). For
// float32 the weights and E are rounded to float32 once.
type ConductanceEvent struct {
	S     *EventSynapses
	Decay float64 // 1 − dt/τ_g; finite
	Neat  bool    // the (Σ h)·v term reads h before this step's spikes
}

// Validate checks S and Decay.
func (op ConductanceEvent) Validate() error {
	if err := op.S.Validate(); err != nil {
		return err
	}
	if math.IsNaN(op.Decay) || math.IsInf(op.Decay, 0) {
		return fmt.Errorf("ops: ConductanceEvent: Decay (%v) is not finite", op.Decay)
	}
	return nil
}

func (op ConductanceEvent) dims() (k, nPre, nPost int) {
	return len(op.S.E), op.S.Out.Rows, op.S.Out.Cols
}

func (op ConductanceEvent) lens() []int {
	k, nPre, nPost := op.dims()
	return []int{k * nPost, nPre, nPost}
}

var eventNames = []string{"h", "s", "v"}

// Arity returns 3.
func (op ConductanceEvent) Arity() int { return 3 }

// Type returns a → a → a → a.
func (op ConductanceEvent) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a, a)
}

// InferShape returns (K·nPost + nPost).
func (op ConductanceEvent) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	if err := vectorShapes(op, inputs, eventNames, op.lens()); err != nil {
		return nil, err
	}
	k, _, nPost := op.dims()
	return tensor.Shape{(k + 1) * nPost}, nil
}

// Do computes the step into a new vector.
func (op ConductanceEvent) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	k, err := op.bind(nil, inputs)
	if err != nil {
		return nil, err
	}
	k.run()
	return k.out, nil
}

// ReturnsPtr returns false.
func (op ConductanceEvent) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op ConductanceEvent) CallsExtern() bool { return false }

// OverwritesInput returns -1.
func (op ConductanceEvent) OverwritesInput() int { return -1 }

// WriteHash writes a type tag, Decay, Neat, the sizes and the content hash
// of the weights, classes and E.
func (op ConductanceEvent) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ops.ConductanceEvent{decay=%016x,neat=%t,", math.Float64bits(op.Decay), op.Neat)
	if op.S == nil || op.S.Out == nil {
		fmt.Fprint(h, "nil}")
		return
	}
	fmt.Fprintf(h, "pre=%d,post=%d,k=%d,s=%016x}", op.S.Out.Rows, op.S.Out.Cols, len(op.S.E), op.S.hash())
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op ConductanceEvent) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "ConductanceEvent{100→1000,nnz=10000,classes=1,decay=0.95}".
func (op ConductanceEvent) String() string {
	if op.S == nil || op.S.Out == nil {
		return "ConductanceEvent{nil}"
	}
	neat := ""
	if op.Neat {
		neat = ",neat"
	}
	return fmt.Sprintf("ConductanceEvent{%d→%d,nnz=%d,classes=%d,decay=%g%s}", op.S.Out.Rows, op.S.Out.Cols, op.S.Out.NNZ(), len(op.S.E), op.Decay, neat)
}

// UsePreallocDo computes the step into prealloc, which shares no memory
// with the inputs. It does not allocate.
func (op ConductanceEvent) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return preallocRun(op, prealloc, func(out gorgonia.Value) (*eventKernel, error) { return op.bind(out, inputs) })
}

// Kernel checks the buffers once and returns the step as a closure.
func (op ConductanceEvent) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	return boundKernel(op, out, func(out gorgonia.Value) (*eventKernel, error) { return op.bind(out, in) })
}

// DiffWRT returns all false: the op is forward only.
func (op ConductanceEvent) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns ErrForwardOnly.
func (op ConductanceEvent) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("%w: %v", ErrForwardOnly, op)
}

// CheckChildren checks the children's count, dtypes and shapes before the node is built.
func (op ConductanceEvent) CheckChildren(children []*gorgonia.Node) error {
	if err := op.Validate(); err != nil {
		return err
	}
	return vectorChildren(op, children, eventNames, op.lens())
}

// eventKernel is a ConductanceEvent bound to its buffers.
type eventKernel struct {
	op      ConductanceEvent
	h, s, v floatView
	o       floatView
	out     gorgonia.Value
	val32   []float32
	e32     []float32
}

func (op ConductanceEvent) bind(out gorgonia.Value, inputs []gorgonia.Value) (*eventKernel, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	if len(inputs) != 3 {
		return nil, arityError(op, len(inputs))
	}
	if err := nilInput(op, inputs); err != nil {
		return nil, err
	}
	x, err := vectors(op, inputs, eventNames, op.lens())
	if err != nil {
		return nil, err
	}
	k := &eventKernel{op: op, h: x[0], s: x[1], v: x[2]}
	kk, _, nPost := op.dims()
	if k.out, k.o, err = packedOut(op, out, x[0].dt, (kk+1)*nPost); err != nil {
		return nil, err
	}
	if anyOverlap(k.o, x) {
		return nil, fmt.Errorf("ops: %v: the output shares memory with an input", op)
	}
	if x[0].dt == tensor.Float32 {
		if k.val32, err = op.S.Out.values32(); err != nil {
			return nil, fmt.Errorf("ops: %v: %w", op, err)
		}
		k.e32 = make([]float32, kk)
		for i, e := range op.S.E {
			k.e32[i] = float32(e)
		}
	}
	return k, nil
}

func (k *eventKernel) run() {
	if k.o.dt == tensor.Float32 {
		eventLoop(k.op, k.val32, k.e32, k.h.f32, k.s.f32, k.v.f32, k.o.f32)
		return
	}
	eventLoop(k.op, k.op.S.Out.Val, k.op.S.E, k.h.f64, k.s.f64, k.v.f64, k.o.f64)
}

// eventLoop writes (h', I) into out. Products are rounded before they are
// added.
func eventLoop[T float32 | float64](op ConductanceEvent, val, e, h, s, v, out []T) {
	w := op.S.Out
	K, nPost := len(e), w.Cols
	hn, cur := out[:K*nPost], out[K*nPost:(K+1)*nPost]
	copy(hn, h)
	for p, sp := range s {
		if sp == 0 {
			continue
		}
		lo, hi := w.RowPtr[p], w.RowPtr[p+1]
		row := hn[int(op.S.Class[p])*nPost : (int(op.S.Class[p])+1)*nPost]
		cols, vals := w.ColIdx[lo:hi], val[lo:hi]
		for i, j := range cols {
			row[j] += T(vals[i] * sp)
		}
	}
	gv := hn
	if op.Neat {
		gv = h
	}
	decay := T(op.Decay)
	v = v[:nPost]
	// The current reads each class's conductance after this step's
	// spikes, then the conductance decays: per element, in that order,
	// so one pass does both. One and two classes (the course's excitatory
	// input; excitatory and inhibitory) get loops of their own.
	switch K {
	case 1:
		h0, g0 := hn[:nPost], gv[:nPost]
		e0 := e[0]
		for j := range cur {
			cur[j] = T(e0*h0[j]) - T(g0[j]*v[j])
			h0[j] = decay * h0[j]
		}
	case 2:
		h0, h1 := hn[:nPost], hn[nPost:2*nPost]
		g0, g1 := gv[:nPost], gv[nPost:2*nPost]
		e0, e1 := e[0], e[1]
		for j := range cur {
			gs := g0[j] + g1[j]
			es := T(e0*h0[j]) + T(e1*h1[j])
			cur[j] = es - T(gs*v[j])
			h0[j], h1[j] = decay*h0[j], decay*h1[j]
		}
	default:
		for j := range cur {
			gs, es := gv[j], T(e[0]*hn[j])
			for c := 1; c < K; c++ {
				gs += gv[c*nPost+j]
				es += T(e[c] * hn[c*nPost+j])
			}
			cur[j] = es - T(gs*v[j])
		}
		for i := range hn {
			hn[i] = decay * hn[i]
		}
	}
}
