package session

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
)

// Kernel is implemented by ops that run in the lean executor as a closure
// bound to preallocated buffers. Kernel is called once, when the session
// compiles the graph, with the node's output buffer out (a *tensor.Dense of
// the node's shape and dtype, or a *gorgonia.F64 or *gorgonia.F32 for a
// scalar node) and its inputs' values, which keep their memory for the life
// of the session. It checks them and returns a function that computes the
// op from in into out each time it is called, without allocating. The ops
// of package ops implement it.
type Kernel interface {
	Kernel(out gorgonia.Value, in []gorgonia.Value) (func() error, error)
}

// InPlacer is implemented by ops that can write their output over one of
// their inputs: InPlace returns that input's index, or -1. The lean
// executor gives such an op its input's buffer as output when the input
// is a state that no other node reads (so nothing reads the state's value
// of this step after the op); the op must then accept out sharing its
// memory with that input exactly. Session.Run, which must leave the state
// as it was, saves and restores such states around the run; a step that
// fails leaves them changed.
type InPlacer interface {
	InPlace() int
}

// StateUpdater is implemented by fused ops that may update, in place, the
// states whose next values they compute: InPlaceRegions returns, for an
// op whose first input has n elements, the offset in the op's output of
// the region that each input may be exactly (-1: none), and the op reads
// element j of such an input before it writes element j of the region.
// The lean executor then stores those states inside the op's output (each
// state's next value, a Viewer of the output, is the state's own memory),
// when every other node reading them runs before the op: the carry copies
// nothing, and the op's loop touches half the memory. An input may also be
// an InPlacer's output whose in-place input is such a state. Session.Run
// saves and restores these states around the run.
type StateUpdater interface {
	InPlaceRegions(n int) []int
}

// Viewer is implemented by ops whose output is a view of their inputs'
// memory in the lean executor (e.g. one part of a fused op's packed
// output): View is called once, when the session compiles the graph, and
// returns the value the node then holds on every step. Such an op must copy
// in Do, for gorgonia's tape machine.
type Viewer interface {
	View(in []gorgonia.Value) (gorgonia.Value, error)
}

// OpTime is the time spent in one node of the graph (see WithOpTimer).
type OpTime struct {
	Node  string        // the node's readable name (graph.Graph.ReadableName: "net/v:next", "net/mul#3")
	Op    string        // the op, as graph.OpText prints it ("+", "Where")
	Calls int64         // runs of the node
	Total time.Duration // time spent in them
}

// lean is the lean executor: the graph's op nodes in topological order,
// each a closure over persistent buffers.
type lean struct {
	prog  []func() error   // one closure per op node, in topological order
	nodes []*gorgonia.Node // the node of each closure
	names []string         // its name, for errors and timings
	vals  map[*gorgonia.Node]gorgonia.Value
	// snaps copies, after each run, the values of reads whose node's
	// buffer is a state's own tensor (which the carry overwrites).
	snaps []snapshot
	// inplace are the state buffers that ops overwrite in place (InPlacer).
	inplace []gorgonia.Value
	// Hooks, nil or false when off.
	calls     []int64
	total     []time.Duration
	nanChecks []func() bool // per closure: reports a NaN or Inf in its output
}

type snapshot struct{ dst, src gorgonia.Value }

// compileLean builds the lean program of g, whose states, inputs and params
// are bound to slots, except the states in bind, which read the values
// given there; the op nodes in prealloc write into the buffers given there
// instead of new ones.
func compileLean(g *graph.Graph, slots map[string]*slot, c config, bind, prealloc map[*gorgonia.Node]gorgonia.Value) (*lean, error) {
	eg := g.ExprGraph()
	sorted, err := gorgonia.Sort(eg)
	if err != nil {
		return nil, fmt.Errorf("session: sorting the graph: %w", err)
	}
	l := &lean{vals: map[*gorgonia.Node]gorgonia.Value{}}
	states := map[*gorgonia.Node]bool{}
	for _, sl := range slots {
		if sl.kind == "state" {
			states[sl.node] = true
		}
		l.vals[sl.node] = sl.val
		if v, ok := bind[sl.node]; ok {
			l.vals[sl.node] = v
		}
	}
	// gorgonia.Sort puts the roots first; run from the leaves.
	for i := len(sorted) - 1; i >= 0; i-- {
		n := sorted[i]
		if _, bound := l.vals[n]; bound {
			continue
		}
		op := n.Op()
		if op == nil {
			v := n.Value()
			if v == nil {
				return nil, fmt.Errorf("session: node %v has no op and no value (declare inputs through package graph)", n)
			}
			l.vals[n] = v
			continue
		}
		if kind := opKind(op); kind == "gorgonia.readOp" || kind == "gorgonia.letOp" || kind == "gorgonia.randomOp" {
			return nil, fmt.Errorf("session: node %v: the lean executor does not run %s (use WithTapeMachine)", n, kind)
		}
		if _, ok := op.(interface{ Value() gorgonia.Value }); ok && n.Value() != nil {
			l.vals[n] = n.Value() // a constant
			continue
		}
		kids := eg.From(n.ID())
		in := make([]gorgonia.Value, 0, kids.Len())
		for kids.Next() {
			k := kids.Node().(*gorgonia.Node)
			v, ok := l.vals[k]
			if !ok {
				return nil, fmt.Errorf("session: node %v: input %v has no value yet (the graph is not in topological order)", n, k)
			}
			in = append(in, v)
		}
		name := nodeName(g, n)
		if v, ok := op.(Viewer); ok {
			val, err := v.View(in)
			if err != nil {
				return nil, fmt.Errorf("session: node %q (%v): %w", name, op, err)
			}
			l.vals[n] = val
			continue
		}
		if val, ok := aliasOf(op, n, in); ok {
			l.vals[n] = val
			continue
		}
		out, ok := prealloc[n]
		if v, inPlace := inPlaceOf(eg, n, in, states); inPlace && !ok {
			out, ok = v, true
			l.inplace = append(l.inplace, v)
		}
		if !ok {
			if out, err = newBuffer(n); err != nil {
				return nil, fmt.Errorf("session: node %q (%v): %w", name, op, err)
			}
		}
		run, err := kernelFor(op, out, in)
		if err != nil {
			return nil, fmt.Errorf("session: node %q (%v): %w", name, op, err)
		}
		l.vals[n] = out
		l.prog = append(l.prog, run)
		l.nodes = append(l.nodes, n)
		l.names = append(l.names, name)
	}
	if c.timer {
		l.calls = make([]int64, len(l.prog))
		l.total = make([]time.Duration, len(l.prog))
	}
	if c.checkNaN {
		for _, n := range l.nodes {
			l.nanChecks = append(l.nanChecks, nanCheck(l.vals[n]))
		}
	}
	return l, nil
}

// inPlaceOf returns the buffer of the input that n's op may overwrite
// (InPlacer), when that input is a state read by n only.
func inPlaceOf(eg *gorgonia.ExprGraph, n *gorgonia.Node, in []gorgonia.Value, states map[*gorgonia.Node]bool) (gorgonia.Value, bool) {
	ip, ok := n.Op().(InPlacer)
	if !ok {
		return nil, false
	}
	i := ip.InPlace()
	if i < 0 || i >= len(in) {
		return nil, false
	}
	kids := eg.From(n.ID())
	var kid *gorgonia.Node
	for j := 0; kids.Next(); j++ {
		if j == i {
			kid = kids.Node().(*gorgonia.Node)
		}
	}
	if kid == nil || !states[kid] || eg.To(kid.ID()).Len() != 1 {
		return nil, false
	}
	return in[i], true
}

// updateInPlace finds the ops (StateUpdater) that can keep their states
// inside their output. For each it returns the output buffer (prealloc),
// the states' values (views of it, in bind) and the states (own).
func updateInPlace(g *graph.Graph, slots map[string]*slot) (prealloc, bind map[*gorgonia.Node]gorgonia.Value, own map[*slot]bool, err error) {
	eg := g.ExprGraph()
	sorted, err := gorgonia.Sort(eg)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("session: sorting the graph: %w", err)
	}
	pos := map[*gorgonia.Node]int{} // program order
	for i, n := range sorted {
		pos[n] = len(sorted) - 1 - i
	}
	stateOf := map[*gorgonia.Node]*slot{}
	for _, sl := range slots {
		if sl.kind == "state" {
			stateOf[sl.node] = sl
		}
	}
	children := func(n *gorgonia.Node) []*gorgonia.Node {
		var out []*gorgonia.Node
		for it := eg.From(n.ID()); it.Next(); {
			out = append(out, it.Node().(*gorgonia.Node))
		}
		return out
	}
	consumers := func(n *gorgonia.Node) []*gorgonia.Node {
		var out []*gorgonia.Node
		for it := eg.To(n.ID()); it.Next(); {
			out = append(out, it.Node().(*gorgonia.Node))
		}
		return out
	}
	prealloc, bind, own = map[*gorgonia.Node]gorgonia.Value{}, map[*gorgonia.Node]gorgonia.Value{}, map[*slot]bool{}
	for _, o := range sorted {
		up, ok := o.Op().(StateUpdater)
		if !ok {
			continue
		}
		kids := children(o)
		if len(kids) == 0 {
			continue
		}
		regions := up.InPlaceRegions(kids[0].Shape().TotalSize())
		out, err := newBuffer(o)
		if err != nil {
			continue
		}
		views := map[*slot]gorgonia.Value{}
		fits := len(regions) > 0
		for k, r := range regions {
			if !fits || k >= len(kids) {
				fits = false
				break
			}
			if r < 0 {
				continue
			}
			c := kids[k]
			sl, viaOp := stateOf[c], (*gorgonia.Node)(nil)
			if sl == nil { // an InPlacer's output over a state read by it alone
				ip, isIP := c.Op().(InPlacer)
				ck := children(c)
				if !isIP || ip.InPlace() < 0 || ip.InPlace() >= len(ck) || len(consumers(c)) != 1 {
					fits = false
					break
				}
				st := ck[ip.InPlace()]
				if sl = stateOf[st]; sl == nil || len(consumers(st)) != 1 {
					fits = false
					break
				}
				viaOp = c
			}
			next, err := g.Node(sl.name + graph.NextSuffix)
			v, isViewer := next.Op().(Viewer)
			if err != nil || !isViewer || own[sl] || views[sl] != nil {
				fits = false
				break
			}
			if nk := children(next); len(nk) != 1 || nk[0] != o {
				fits = false
				break
			}
			view, err := v.View([]gorgonia.Value{out})
			if err != nil || !atOffset(view, out, r, sl.size) {
				fits = false
				break
			}
			for _, x := range consumers(sl.node) {
				if x != o && x != viaOp && pos[x] > pos[o] {
					fits = false // read after the op has overwritten it
				}
			}
			views[sl] = view
		}
		if !fits || len(views) == 0 {
			continue
		}
		prealloc[o] = out
		for sl, v := range views {
			bind[sl.node], own[sl] = v, true
		}
	}
	return prealloc, bind, own, nil
}

// atOffset reports whether view is the size elements of buf from offset.
func atOffset(view, buf gorgonia.Value, offset, size int) bool {
	a, b := floats(view), floats(buf)
	if size < 1 || a.len() != size || offset < 0 || offset+size > b.len() {
		return false
	}
	switch {
	case a.f64 != nil && b.f64 != nil:
		return &a.f64[0] == &b.f64[offset]
	case a.f32 != nil && b.f32 != nil:
		return &a.f32[0] == &b.f32[offset]
	}
	return false
}

// pingPong finds the states that two lean programs can carry without a
// copy: a state of more than one value whose next value is an op node's
// output, or a part (a Viewer such as ops.Part) of one, that no other
// state's next value shares. For each it returns the node whose buffer
// holds the next value (the op node) and, in next, the state's next
// node; the two programs
// then write those op nodes into buffers of their own, and each reads its
// states from the other's, so that the carry is a swap of programs.
func pingPong(g *graph.Graph, slots map[string]*slot, own map[*slot]bool) (targets map[*gorgonia.Node]*gorgonia.Node, next map[*slot]*gorgonia.Node, err error) {
	bound := map[*gorgonia.Node]bool{}
	for _, sl := range slots {
		bound[sl.node] = true
	}
	isOp := func(n *gorgonia.Node) bool {
		op := n.Op()
		if op == nil || bound[n] || opKind(op) == "gorgonia.reshapeOp" {
			return false
		}
		if _, ok := op.(Viewer); ok {
			return false
		}
		_, constant := op.(interface{ Value() gorgonia.Value })
		return !(constant && n.Value() != nil)
	}
	targets, next = map[*gorgonia.Node]*gorgonia.Node{}, map[*slot]*gorgonia.Node{}
	used := map[*gorgonia.Node]bool{} // next nodes taken
	names := make([]string, 0, len(slots))
	for name, sl := range slots {
		// A one-value state (a step counter) is copied: cheaper than
		// switching programs, which repoints every read each step.
		if sl.kind == "state" && !own[sl] && sl.size > 1 {
			names = append(names, name)
		}
	}
	slices.Sort(names) // the same choice on every build
	for _, name := range names {
		sl := slots[name]
		n, err := g.Node(name + graph.NextSuffix)
		if err != nil {
			return nil, nil, fmt.Errorf("session: %w", err)
		}
		if used[n] {
			continue
		}
		var target *gorgonia.Node
		switch {
		case isOp(n):
			target = n
		case n.Op() != nil && !bound[n]:
			if _, ok := n.Op().(Viewer); !ok {
				continue
			}
			kids := g.ExprGraph().From(n.ID())
			if kids.Len() != 1 || !kids.Next() {
				continue
			}
			if k := kids.Node().(*gorgonia.Node); isOp(k) {
				target = k
			}
		}
		if target == nil {
			continue
		}
		used[n] = true
		targets[n] = target
		next[sl] = n
	}
	return targets, next, nil
}

// value returns the buffer of n.
func (l *lean) value(n *gorgonia.Node) (gorgonia.Value, bool) {
	v, ok := l.vals[n]
	return v, ok
}

// run runs the program once.
func (l *lean) run() error {
	if l.calls == nil && l.nanChecks == nil {
		for i, f := range l.prog {
			if err := f(); err != nil {
				return l.fail(i, err)
			}
		}
	} else {
		for i, f := range l.prog {
			if l.calls != nil {
				t0 := time.Now()
				err := f()
				l.total[i] += time.Since(t0)
				l.calls[i]++
				if err != nil {
					return l.fail(i, err)
				}
			} else if err := f(); err != nil {
				return l.fail(i, err)
			}
			if l.nanChecks != nil && l.nanChecks[i] != nil && l.nanChecks[i]() {
				return fmt.Errorf("session: node %q (%v) produced NaN or Inf", l.names[i], l.nodes[i].Op())
			}
		}
	}
	for _, s := range l.snaps {
		if err := copyValue(s.dst, s.src); err != nil {
			return err
		}
	}
	return nil
}

func (l *lean) fail(i int, err error) error {
	return fmt.Errorf("node %q (%v): %w", l.names[i], l.nodes[i].Op(), err)
}

// times returns the timings of the op nodes, in the order they run.
func (l *lean) times() []OpTime {
	out := make([]OpTime, len(l.prog))
	for i, n := range l.nodes {
		out[i] = OpTime{Node: l.names[i], Op: graph.OpText(n.Op())}
		if l.calls != nil {
			out[i].Calls, out[i].Total = l.calls[i], l.total[i]
		}
	}
	return out
}

// nodeName returns n's readable name (graph.Graph.ReadableName): its
// registered name, or its scope, op and number ("net/mul#3").
func nodeName(g *graph.Graph, n *gorgonia.Node) string { return g.ReadableName(n) }

// opKind returns the Go type of op, e.g. "gorgonia.elemBinOp".
func opKind(op gorgonia.Op) string { return reflect.TypeOf(op).String() }

// newBuffer returns a zeroed value of n's shape and dtype.
func newBuffer(n *gorgonia.Node) (gorgonia.Value, error) {
	dt := n.Dtype()
	if n.IsScalar() || n.Shape().IsScalar() {
		switch dt {
		case tensor.Float64:
			return gorgonia.NewF64(0), nil
		case tensor.Float32:
			return gorgonia.NewF32(0), nil
		}
		return nil, fmt.Errorf("unsupported scalar dtype %v", dt)
	}
	if dt != tensor.Float64 && dt != tensor.Float32 {
		return nil, fmt.Errorf("unsupported dtype %v", dt)
	}
	return tensor.New(tensor.WithShape(n.Shape().Clone()...), tensor.Of(dt)), nil
}

// aliasOf returns the value of a reshape node: a tensor of the node's
// shape sharing its input's memory.
func aliasOf(op gorgonia.Op, n *gorgonia.Node, in []gorgonia.Value) (gorgonia.Value, bool) {
	if opKind(op) != "gorgonia.reshapeOp" || len(in) != 1 {
		return nil, false
	}
	x, ok := in[0].(*tensor.Dense)
	if !ok || x.RequiresIterator() || n.Shape().TotalSize() != x.Shape().TotalSize() {
		return nil, false
	}
	return tensor.New(tensor.WithShape(n.Shape().Clone()...), tensor.WithBacking(x.Data())), true
}

// kernelFor returns the closure computing op from in into out: the op's own
// Kernel, ours for gorgonia's common built-ins, or else its UsePreallocDo
// or Do followed by a copy into out.
func kernelFor(op gorgonia.Op, out gorgonia.Value, in []gorgonia.Value) (func() error, error) {
	if k, ok := op.(Kernel); ok {
		return k.Kernel(out, in)
	}
	if f, ok := builtinKernel(op, out, in); ok {
		return f, nil
	}
	if pd, ok := op.(gorgonia.UsePreallocDoer); ok {
		return func() error {
			v, err := pd.UsePreallocDo(out, in...)
			if err != nil {
				return err
			}
			if v != out {
				return copyValue(out, v)
			}
			return nil
		}, nil
	}
	return func() error {
		v, err := op.Do(in...)
		if err != nil {
			return err
		}
		return copyValue(out, v)
	}, nil
}

// copyValue copies src into dst, which have the same size and dtype.
func copyValue(dst, src gorgonia.Value) error {
	if dst.Dtype() != src.Dtype() {
		return fmt.Errorf("session: value of dtype %v for a node of dtype %v", src.Dtype(), dst.Dtype())
	}
	d, s := floats(dst), floats(src)
	if d.ok && s.ok {
		if d.len() != s.len() {
			return fmt.Errorf("session: value of %d elements for a node of %d", s.len(), d.len())
		}
		copy(d.f64, s.f64)
		copy(d.f32, s.f32)
		return nil
	}
	_, err := gorgonia.Copy(dst, src)
	return err
}

// flat is the data of a float value as a slice: f64 or f32 by dtype; ok is
// false for other values (non-contiguous tensors, other dtypes).
type flat struct {
	f64 []float64
	f32 []float32
	ok  bool
}

func (f flat) len() int { return len(f.f64) + len(f.f32) }

// floats returns the data of v without copying.
func floats(v gorgonia.Value) flat {
	switch x := v.(type) {
	case *gorgonia.F64:
		return flat{f64: unsafe.Slice((*float64)(x), 1), ok: true}
	case *gorgonia.F32:
		return flat{f32: unsafe.Slice((*float32)(x), 1), ok: true}
	case *tensor.Dense:
		if x.RequiresIterator() {
			return flat{}
		}
		n := x.Shape().TotalSize()
		switch x.Dtype() {
		case tensor.Float64:
			return flat{f64: x.Float64s()[:n], ok: true}
		case tensor.Float32:
			return flat{f32: x.Float32s()[:n], ok: true}
		}
	}
	return flat{}
}

// sharesMemory reports whether the data of two float values overlap.
func sharesMemory(a, b gorgonia.Value) bool {
	fa, fb := floats(a), floats(b)
	if !fa.ok || !fb.ok || fa.len() == 0 || fb.len() == 0 {
		return a == b
	}
	lo := func(f flat) (uintptr, uintptr) {
		if f.f64 != nil {
			p := uintptr(unsafe.Pointer(unsafe.SliceData(f.f64)))
			return p, p + uintptr(len(f.f64))*8
		}
		p := uintptr(unsafe.Pointer(unsafe.SliceData(f.f32)))
		return p, p + uintptr(len(f.f32))*4
	}
	a0, a1 := lo(fa)
	b0, b1 := lo(fb)
	return a0 < b1 && b0 < a1
}

// nanCheck returns a function reporting NaN or Inf in v, or nil when v is
// not a float value.
func nanCheck(v gorgonia.Value) func() bool {
	f := floats(v)
	if !f.ok {
		return nil
	}
	return func() bool {
		for _, x := range f.f64 {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return true
			}
		}
		for _, x := range f.f32 {
			if y := float64(x); math.IsNaN(y) || math.IsInf(y, 0) {
				return true
			}
		}
		return false
	}
}

// builtinKernel returns a closure for gorgonia's elementwise +, -, ⊙ and ÷
// (with scalar operands broadcast) and its matrix-vector product, which
// compute what gorgonia's tensor package computes, bit for bit: the same
// IEEE operation per element, and for W·x the same gonum BLAS Dgemv or
// Sgemv call (tensor's default BLAS; tensor.Use may replace that one).
func builtinKernel(op gorgonia.Op, out gorgonia.Value, in []gorgonia.Value) (func() error, bool) {
	switch opKind(op) {
	case "gorgonia.elemBinOp":
		if len(in) != 2 {
			return nil, false
		}
		sym, _, _ := strings.Cut(op.String(), " ")
		o, a, b := floats(out), floats(in[0]), floats(in[1])
		if !o.ok || !a.ok || !b.ok || in[0].Dtype() != out.Dtype() || in[1].Dtype() != out.Dtype() {
			return nil, false
		}
		if out.Dtype() == tensor.Float64 {
			return binary(sym, a.f64, b.f64, o.f64)
		}
		return binary(sym, a.f32, b.f32, o.f32)
	case "gorgonia.linAlgBinOp":
		if op.String() != "A × b" || len(in) != 2 {
			return nil, false
		}
		w, ok := in[0].(*tensor.Dense)
		if !ok || w.RequiresIterator() || !w.DataOrder().IsRowMajor() || w.Dims() != 2 {
			return nil, false
		}
		m, n := w.Shape()[0], w.Shape()[1]
		x, y := floats(in[1]), floats(out)
		if !x.ok || !y.ok || x.len() != n || y.len() != m || w.Dtype() != out.Dtype() || in[1].Dtype() != out.Dtype() {
			return nil, false
		}
		impl := gonum.Implementation{}
		if out.Dtype() == tensor.Float64 {
			a := w.Float64s()
			return func() error {
				impl.Dgemv(blas.NoTrans, m, n, 1, a, n, x.f64, 1, 0, y.f64, 1)
				return nil
			}, true
		}
		a := w.Float32s()
		return func() error {
			impl.Sgemv(blas.NoTrans, m, n, 1, a, n, x.f32, 1, 0, y.f32, 1)
			return nil
		}, true
	}
	return nil, false
}

// binary returns the loop of the elementwise op sym; a or b of length 1
// against a longer out is a broadcast scalar.
func binary[T float32 | float64](sym string, a, b, out []T) (func() error, bool) {
	n := len(out)
	as, bs := len(a) == 1 && n != 1, len(b) == 1 && n != 1
	if (!as && len(a) != n) || (!bs && len(b) != n) {
		return nil, false
	}
	switch {
	case as && bs:
		return nil, false
	case as:
		switch sym {
		case "+":
			return func() error {
				s := a[0]
				for i, y := range b {
					out[i] = s + y
				}
				return nil
			}, true
		case "-":
			return func() error {
				s := a[0]
				for i, y := range b {
					out[i] = s - y
				}
				return nil
			}, true
		case "⊙":
			return func() error {
				s := a[0]
				for i, y := range b {
					out[i] = s * y
				}
				return nil
			}, true
		case "÷":
			return func() error {
				s := a[0]
				for i, y := range b {
					out[i] = s / y
				}
				return nil
			}, true
		}
	case bs:
		switch sym {
		case "+":
			return func() error {
				s := b[0]
				for i, x := range a {
					out[i] = x + s
				}
				return nil
			}, true
		case "-":
			return func() error {
				s := b[0]
				for i, x := range a {
					out[i] = x - s
				}
				return nil
			}, true
		case "⊙":
			return func() error {
				s := b[0]
				for i, x := range a {
					out[i] = x * s
				}
				return nil
			}, true
		case "÷":
			return func() error {
				s := b[0]
				for i, x := range a {
					out[i] = x / s
				}
				return nil
			}, true
		}
	default:
		a, b := a[:n], b[:n]
		switch sym {
		case "+":
			return func() error {
				for i := range out {
					out[i] = a[i] + b[i]
				}
				return nil
			}, true
		case "-":
			return func() error {
				for i := range out {
					out[i] = a[i] - b[i]
				}
				return nil
			}, true
		case "⊙":
			return func() error {
				for i := range out {
					out[i] = a[i] * b[i]
				}
				return nil
			}, true
		case "÷":
			return func() error {
				for i := range out {
					out[i] = a[i] / b[i]
				}
				return nil
			}, true
		}
	}
	return nil, false
}

var errLeanOnly = errors.New("session: only the lean executor keeps intermediate values (the tape machine reuses its registers)")
