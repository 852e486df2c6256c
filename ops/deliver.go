package ops

import (
	"fmt"
	"hash"
	"math"
	"unsafe"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Deliver is a forward-only gorgonia Op: the spike half of event-driven
// conductance synapses whose current and decay another op computes (a
// population's fused step, see IzhikevichStep.CondE). Several presynaptic
// sources with one time constant feed one set of postsynaptic
// conductances, h[k][j] for postsynaptic neuron j and reversal-potential
// class k, shared by every source:
//
//	h⁺[k][j] = h[k][j] + Σ_sources Σ_{p in k, s[p] ≠ 0} W[j][p]·s[p]
//
// adding the outgoing row of each spiking presynaptic neuron only, at a
// cost of one copy of h plus the spiking neurons' synapses. Sharing the
// conductances is exact in the math: the course's current
// Σ_proj W(g.*E) − (W g).*v is linear in each projection's g, and every g
// decays by the same factor, so per class the projections' conductances
// add up. It sums in another order than one ConductanceEvent per
// projection, so results agree to rounding.
//
// Inputs: h [K·nPost] (class-major), then one spike vector s_i [nPre_i]
// per source, in order. Output: h⁺ [K·nPost]. Every source's Class
// indexes the same E (len K; Validate checks the E are equal); for float32
// the weights are rounded to float32 once.
type Deliver struct {
	Sources []*EventSynapses // at least one; the same Out.Cols and E
}

// Validate checks every source, and that they share nPost and E.
func (op Deliver) Validate() error {
	if len(op.Sources) == 0 {
		return fmt.Errorf("ops: Deliver: no sources")
	}
	for i, s := range op.Sources {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("ops: Deliver: Sources[%d]: %w", i, err)
		}
		if i == 0 {
			continue
		}
		s0 := op.Sources[0]
		if s.Out.Cols != s0.Out.Cols {
			return fmt.Errorf("ops: Deliver: Sources[%d] reaches %d postsynaptic neurons, Sources[0] %d", i, s.Out.Cols, s0.Out.Cols)
		}
		if len(s.E) != len(s0.E) {
			return fmt.Errorf("ops: Deliver: Sources[%d] has %d reversal potentials, Sources[0] %d", i, len(s.E), len(s0.E))
		}
		for k := range s.E {
			if s.E[k] != s0.E[k] {
				return fmt.Errorf("ops: Deliver: Sources[%d].E[%d] = %v mV, Sources[0]'s %v mV: the sources must share E", i, k, s.E[k], s0.E[k])
			}
		}
	}
	return nil
}

// K returns the number of reversal-potential classes (0 without sources).
func (op Deliver) K() int {
	if len(op.Sources) == 0 || op.Sources[0] == nil {
		return 0
	}
	return len(op.Sources[0].E)
}

// NPost returns the number of postsynaptic neurons (0 without sources).
func (op Deliver) NPost() int {
	if len(op.Sources) == 0 || op.Sources[0] == nil || op.Sources[0].Out == nil {
		return 0
	}
	return op.Sources[0].Out.Cols
}

func (op Deliver) names() []string {
	names := make([]string, 1+len(op.Sources))
	names[0] = "h"
	for i := range op.Sources {
		names[1+i] = fmt.Sprintf("s%d", i)
	}
	return names
}

func (op Deliver) lens() []int {
	l := make([]int, 1+len(op.Sources))
	l[0] = op.K() * op.NPost()
	for i, s := range op.Sources {
		l[1+i] = s.Out.Rows
	}
	return l
}

// Arity returns 1 + len(Sources).
func (op Deliver) Arity() int { return 1 + len(op.Sources) }

// Type returns a → … → a.
func (op Deliver) Type() hm.Type { return sameTypeFn(op.Arity()) }

// InferShape returns (K·nPost).
func (op Deliver) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	if err := vectorShapes(op, inputs, op.names(), op.lens()); err != nil {
		return nil, err
	}
	return tensor.Shape{op.K() * op.NPost()}, nil
}

// Do computes h⁺ into a new vector.
func (op Deliver) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	k, err := op.bind(nil, inputs)
	if err != nil {
		return nil, err
	}
	k.run()
	return k.out, nil
}

// ReturnsPtr returns false.
func (op Deliver) ReturnsPtr() bool { return false }

// CallsExtern returns false.
func (op Deliver) CallsExtern() bool { return false }

// OverwritesInput returns -1: gorgonia's machines get a new output.
func (op Deliver) OverwritesInput() int { return -1 }

// InPlace returns 0: the lean executor of package session may give the op
// h's own buffer as output (when nothing else reads h), which saves the
// copy of h; the kernel then only adds the spikes.
func (op Deliver) InPlace() int { return 0 }

// WriteHash writes a type tag, the number of sources and each source's
// sizes and content hash (weights, classes, E).
func (op Deliver) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ops.Deliver{%d", len(op.Sources))
	for _, s := range op.Sources {
		if s == nil || s.Out == nil {
			fmt.Fprint(h, ",nil")
			continue
		}
		fmt.Fprintf(h, ",pre=%d,post=%d,k=%d,s=%016x", s.Out.Rows, s.Out.Cols, len(s.E), s.hash())
	}
	fmt.Fprint(h, "}")
}

// Hashcode returns the 32-bit FNV-1a hash of WriteHash's output.
func (op Deliver) Hashcode() uint32 { return hashOf(op) }

// String returns e.g. "Deliver{2 sources→1000,nnz=109565,classes=2}".
func (op Deliver) String() string {
	nnz := 0
	for _, s := range op.Sources {
		if s != nil && s.Out != nil {
			nnz += s.Out.NNZ()
		}
	}
	return fmt.Sprintf("Deliver{%d sources→%d,nnz=%d,classes=%d}", len(op.Sources), op.NPost(), nnz, op.K())
}

// UsePreallocDo computes h⁺ into prealloc, which shares no memory with the
// inputs. It does not allocate.
func (op Deliver) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return preallocRun(op, prealloc, func(out gorgonia.Value) (*deliverKernel, error) { return op.bind(out, inputs) })
}

// Kernel checks the buffers once and returns the step as a closure.
func (op Deliver) Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	return boundKernel(op, out, func(out gorgonia.Value) (*deliverKernel, error) { return op.bind(out, in) })
}

// DiffWRT returns all false: the op is forward only.
func (op Deliver) DiffWRT(inputs int) []bool { return make([]bool, max(inputs, 0)) }

// SymDiff returns ErrForwardOnly.
func (op Deliver) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("%w: %v", ErrForwardOnly, op)
}

// CheckChildren checks the children (h and every source's spikes) when the op is applied.
func (op Deliver) CheckChildren(children []*gorgonia.Node) error {
	if err := op.Validate(); err != nil {
		return err
	}
	return vectorChildren(op, children, op.names(), op.lens())
}

// deliverKernel is a Deliver bound to its buffers.
type deliverKernel struct {
	op    Deliver
	h     floatView
	s     []floatView
	o     floatView
	out   gorgonia.Value
	val32 [][]float32
	list  []int32 // scatter's spike list, as long as the longest source
}

func (op Deliver) bind(out gorgonia.Value, inputs []gorgonia.Value) (*deliverKernel, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	if len(inputs) != op.Arity() {
		return nil, arityError(op, len(inputs))
	}
	if err := nilInput(op, inputs); err != nil {
		return nil, err
	}
	x, err := vectors(op, inputs, op.names(), op.lens())
	if err != nil {
		return nil, err
	}
	k := &deliverKernel{op: op, h: x[0], s: x[1:]}
	longest := 0
	for _, s := range op.Sources {
		longest = max(longest, s.Out.Rows)
	}
	k.list = make([]int32, longest)
	if k.out, k.o, err = packedOut(op, out, x[0].dt, op.K()*op.NPost()); err != nil {
		return nil, err
	}
	if anyOverlap(k.o, x[1:]) || (overlap(k.o, x[0]) && !sameView(k.o, x[0])) {
		return nil, fmt.Errorf("ops: %v: the output shares memory with an input other than h (or with part of h)", op)
	}
	if x[0].dt == tensor.Float32 {
		for _, s := range op.Sources {
			v, err := s.Out.values32()
			if err != nil {
				return nil, fmt.Errorf("ops: %v: %w", op, err)
			}
			k.val32 = append(k.val32, v)
		}
	}
	return k, nil
}

func (k *deliverKernel) run() {
	inPlace := sameView(k.o, k.h)
	if k.o.dt == tensor.Float32 {
		if !inPlace {
			copy(k.o.f32, k.h.f32)
		}
		for i, s := range k.op.Sources {
			scatter(s, k.val32[i], k.s[i].f32, k.o.f32, k.list)
		}
		return
	}
	if !inPlace {
		copy(k.o.f64, k.h.f64)
	}
	for i, s := range k.op.Sources {
		scatter(s, s.Out.Val, k.s[i].f64, k.o.f64, k.list)
	}
}

// scatter adds, for every p with sp = s[p] ≠ 0, row p of s.Out times sp into
// h's class row of p. Products are rounded before they are added. It first
// lists the spiking neurons into list (len(list) ≥ len(s)), then adds their
// rows in that (ascending) order, prefetching the rows of the neuron
// scatterAhead places further on: a row is usually out of cache, and the
// loop over one row leaves too little room to fetch the next one's early.
// The order of the additions, and so every bit, is the same as without.
func scatter[T float32 | float64](src *EventSynapses, val []T, s []T, h []T, list []int32) {
	w := src.Out
	nPost := w.Cols
	list = spikeList(s, list[:len(s)])
	for q, p := range list {
		if q+scatterAhead < len(list) {
			a := list[q+scatterAhead]
			lo, hi := w.RowPtr[a], w.RowPtr[a+1]
			if lo < hi {
				prefetchRow(unsafe.Pointer(&w.ColIdx[lo]), int(hi-lo)*4, unsafe.Pointer(&val[lo]), int(hi-lo)*int(unsafe.Sizeof(val[0])))
			}
		}
		sp := s[p]
		lo, hi := w.RowPtr[p], w.RowPtr[p+1]
		c := int(src.Class[p])
		row := h[c*nPost : (c+1)*nPost]
		cols, vals := w.ColIdx[lo:hi], val[lo:hi]
		vals = vals[:len(cols)]
		if sp == 1 {
			for i, j := range cols {
				row[j] += vals[i]
			}
			continue
		}
		for i, j := range cols {
			row[j] += T(vals[i] * sp)
		}
	}
}

// scatterAhead is how many spiking neurons ahead scatter prefetches a row
// (2, 4 and 8 measured alike on this project's 2-core machine at n = 1e5;
// each cut the delivery's time by about a third).
const scatterAhead = 4

// spikeList writes the indices p with s[p] ≠ 0 into list, in ascending
// order, and returns them (len(list) ≥ len(s)). For float64 it skips runs
// of silent neurons (+0 each) eight at a time, one test of their bits; a
// −0 has a bit set and is tested as a value.
func spikeList[T float32 | float64](s []T, list []int32) []int32 {
	var zero T
	var words []uint64
	if unsafe.Sizeof(zero) == 8 && len(s) > 0 {
		words = unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
	}
	m := 0
	list = list[:len(s)]
	for p := 0; p < len(s); {
		for p+8 <= len(words) && words[p]|words[p+1]|words[p+2]|words[p+3]|words[p+4]|words[p+5]|words[p+6]|words[p+7] == 0 {
			p += 8
		}
		for end := min(p+8, len(s)); p < end; p++ {
			if s[p] != 0 {
				list[m] = int32(p)
				m++
			}
		}
	}
	return list[:m]
}

// condCurrent returns Σ_k E[k]·h[k][j] − (Σ_k h[k][j])·v, summed as
// ConductanceEvent sums it (its course order), for K = len(e) classes of
// nPost neurons.
func condCurrent[T float32 | float64](e []T, h []T, nPost, j int, v T) T {
	switch len(e) {
	case 1:
		return T(e[0]*h[j]) - T(h[j]*v)
	case 2:
		h0, h1 := h[j], h[nPost+j]
		return (T(e[0]*h0) + T(e[1]*h1)) - T((h0+h1)*v)
	}
	gs, es := h[j], T(e[0]*h[j])
	for c := 1; c < len(e); c++ {
		gs += h[c*nPost+j]
		es += T(e[c] * h[c*nPost+j])
	}
	return es - T(gs*v)
}

// validCond checks a fused step's conductance input: finite E and Decay.
func validCond(op fmt.Stringer, e []float64, decay float64) error {
	for k, x := range e {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("ops: %v: CondE[%d] (%v) is not finite", op, k, x)
		}
	}
	if math.IsNaN(decay) || math.IsInf(decay, 0) {
		return fmt.Errorf("ops: %v: CondDecay (%v) is not finite", op, decay)
	}
	return nil
}

// sameView reports whether a and b are the same memory (same dtype, start
// and length).
func sameView(a, b floatView) bool {
	if a.dt != b.dt {
		return false
	}
	if a.dt == tensor.Float32 {
		return len(a.f32) == len(b.f32) && unsafe.SliceData(a.f32) == unsafe.SliceData(b.f32)
	}
	return len(a.f64) == len(b.f64) && unsafe.SliceData(a.f64) == unsafe.SliceData(b.f64)
}
