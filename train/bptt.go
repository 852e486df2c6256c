package train

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// Model builds one step of a network into a new graph and returns it: its
// states (graph.Builder.State) paired with their next values
// (graph.Builder.SetNext), its per-step inputs (fed by a graph.Feeder) and
// its params. NewBPTT calls it twice, once for the forward step and once for
// the step it differentiates, so it must build the same graph each time
// (same names, shapes and values). A network.Spec with Engine Fine is one
// (see SpecModel).
type Model func() (*graph.Graph, error)

// Loss adds the loss of one step, ℓ_t, to a step graph and returns its
// scalar node. It may read any named node of the step (g.Node), such as a
// state's next value ("net/fired:next"), and declare inputs of its own (a
// target), which the feeder passed to Gradients writes each step. The loss
// of a run is the sum of ℓ_t over its steps.
type Loss func(g *graph.Graph) (*graph.Node, error)

// Options configures NewBPTT. The zero value is usable.
type Options struct {
	// Params names the params to differentiate ("net/syn_rec/W"); empty
	// means every param of the step graph.
	Params []string
	// Checkpoint is the number of steps between stored states in the
	// forward pass; the backward pass recomputes the steps between them,
	// so a run of T steps stores about T/Checkpoint + Checkpoint states.
	// 0 means ceil(sqrt(T)), the choice that minimises that sum; 1 stores
	// every state (no recomputation). It must be >= 0.
	Checkpoint int
	// Session are the options of the two sessions (the forward step and
	// its vector-Jacobian product), e.g. session.WithTapeMachine().
	Session []session.Option
}

// BPTT computes the gradient of a run's loss by backpropagation through
// time through one compiled step and its vector-Jacobian product (VJP).
// Build it once with NewBPTT; each Gradients call runs the forward pass
// and the backward pass from the model's initial state.
type BPTT struct {
	opts   Options
	fwd    *session.Session // the model's step
	vjp    *session.Session // the step, its loss and their VJP
	fwdG   *graph.Graph
	vjpG   *graph.Graph
	states []stateInfo
	params []paramInfo
	loss   string // output name of ℓ_t in the VJP graph
	init   [][]float64
}

type stateInfo struct {
	name string
	size int
	adj  string // input name of its adjoint in the VJP graph ("" for the step counter)
	grad string // output name of dL_t/d state ("" for the step counter)
}

type paramInfo struct {
	name  string
	size  int
	shape []int
	grad  string        // output name of dL_t/d param
	vals  []graph.Param // the param in both graphs, for SetParam
}

// Result is the outcome of one Gradients call.
type Result struct {
	// Loss is the sum over the steps of ℓ_t.
	Loss float64
	// Grads maps each differentiated param's name to dLoss/dparam,
	// row-major in the param's shape, as float64.
	Grads map[string][]float64
	// StoredStates is the largest number of full states held at once
	// (checkpoints plus one recomputed segment).
	StoredStates int
}

// Scope of the nodes NewBPTT adds to the VJP graph.
const scope = "bptt"

// ErrOptions reports a bad option or argument; errors name the field.
var ErrOptions = errors.New("train: bad option")

// NewBPTT builds and compiles the forward step and its VJP, once. The VJP
// graph holds the step, ℓ_t and, with an input λ_s (the adjoint of the
// next value of every state s) the scalar
//
//	L_t = Σ_s Σ λ_s ⊙ s' + ℓ_t,
//
// and gorgonia.Grad of L_t with respect to every state and the chosen
// params: dL_t/ds is the adjoint of the state at the start of the step,
// and dL_t/dθ the step's share of the param gradient. The step counter
// (graph.StepName) is carried but not differentiated. Neither graph
// depends on the number of steps a run takes.
func NewBPTT(model Model, loss Loss, opts Options) (bp *BPTT, err error) {
	if model == nil {
		return nil, fmt.Errorf("%w: nil Model", ErrOptions)
	}
	if loss == nil {
		return nil, fmt.Errorf("%w: nil Loss", ErrOptions)
	}
	if opts.Checkpoint < 0 {
		return nil, fmt.Errorf("%w: Options.Checkpoint = %d must be >= 0", ErrOptions, opts.Checkpoint)
	}
	bp = &BPTT{opts: opts}
	if bp.fwdG, err = model(); err != nil {
		return nil, fmt.Errorf("train: building the forward step: %w", err)
	}
	if bp.vjpG, err = model(); err != nil {
		return nil, fmt.Errorf("train: building the step to differentiate: %w", err)
	}
	for _, g := range []*graph.Graph{bp.fwdG, bp.vjpG} {
		if g == nil {
			return nil, fmt.Errorf("%w: the Model returned a nil graph", ErrOptions)
		}
		if err := g.Validate(); err != nil {
			return nil, fmt.Errorf("train: the Model's graph: %w", err)
		}
	}
	if err := bp.buildVJP(loss); err != nil {
		return nil, err
	}
	if bp.fwd, err = session.New(bp.fwdG, opts.Session...); err != nil {
		return nil, fmt.Errorf("train: compiling the forward step: %w", err)
	}
	if bp.vjp, err = session.New(bp.vjpG, opts.Session...); err != nil {
		bp.fwd.Close()
		return nil, fmt.Errorf("train: compiling the step's VJP: %w", err)
	}
	for _, s := range bp.states {
		v, err := bp.fwd.State(s.name)
		if err != nil {
			bp.Close()
			return nil, fmt.Errorf("train: %w", err)
		}
		bp.init = append(bp.init, v)
	}
	return bp, nil
}

// buildVJP adds the adjoint inputs, ℓ_t, L_t and the gradients to the VJP
// graph and records the names.
func (bp *BPTT) buildVJP(loss Loss) (err error) {
	g := bp.vjpG
	fwdStates := map[string]bool{}
	for _, s := range bp.fwdG.States() {
		fwdStates[s.Name] = true
	}
	if len(fwdStates) != len(g.States()) {
		return fmt.Errorf("%w: the Model built %d states, then %d (it must build the same graph each time)", ErrOptions, len(fwdStates), len(g.States()))
	}
	lt, err := loss(g)
	if err != nil {
		return fmt.Errorf("train: the Loss: %w", err)
	}
	if lt == nil || !lt.IsScalar() {
		return fmt.Errorf("%w: the Loss must return a scalar node, got %v", ErrOptions, lt)
	}
	if lt.Dtype() != g.Dtype() {
		return fmt.Errorf("%w: the Loss has dtype %v, the graph %v", ErrOptions, lt.Dtype(), g.Dtype())
	}
	b := g.Scope(scope)
	bp.loss = scope + "/loss"
	b.Output("loss", lt)
	total := lt
	zero := b.Const("zero", 0)
	var wrt []*graph.Node
	var wrtNames []string
	for _, s := range g.States() {
		if !fwdStates[s.Name] {
			return fmt.Errorf("%w: state %q is in one build of the Model only", ErrOptions, s.Name)
		}
		info := stateInfo{name: s.Name, size: len(s.Init)}
		if s.Name != graph.StepName {
			local := strings.ReplaceAll(s.Name, "/", ".")
			info.adj, info.grad = scope+"/adj."+local, scope+"/grad."+local
			adj := b.Input("adj."+local, s.Node.Shape()...)
			total = b.Add(total, b.Sum(b.Mul(adj, s.Next)))
			wrt = append(wrt, s.Node)
			wrtNames = append(wrtNames, "grad."+local)
		}
		bp.states = append(bp.states, info)
	}
	params, err := bp.chooseParams()
	if err != nil {
		return err
	}
	for _, p := range params {
		local := strings.ReplaceAll(p.name, "/", ".")
		p.grad = scope + "/grad." + local
		wrt = append(wrt, p.vals[1].Node)
		wrtNames = append(wrtNames, "grad."+local)
		bp.params = append(bp.params, p)
	}
	// A zero-weighted sum of every node differentiated makes each one
	// reachable from L_t (gorgonia.Grad refuses a node that is not, such as
	// a state used only as a Where condition); its gradient is 0.
	for _, x := range wrt {
		total = b.Add(total, b.Mul(zero, b.Sum(x)))
	}
	if err := b.Err(); err != nil {
		return fmt.Errorf("train: building L_t: %w", err)
	}
	grads, err := grad(total, wrt)
	if err != nil {
		return fmt.Errorf("train: differentiating the step: %w", err)
	}
	for i, gr := range grads {
		b.Output(wrtNames[i], gr)
	}
	if err := b.Err(); err != nil {
		return fmt.Errorf("train: the step's gradients: %w", err)
	}
	return nil
}

// grad is gorgonia.Grad with its panics recovered.
func grad(cost *graph.Node, wrt []*graph.Node) (out gorgonia.Nodes, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("gorgonia panicked: %v", r)
		}
	}()
	return gorgonia.Grad(cost, wrt...)
}

// chooseParams returns the params to differentiate, present in both graphs.
func (bp *BPTT) chooseParams() ([]paramInfo, error) {
	fwd := map[string]graph.Param{}
	for _, p := range bp.fwdG.Params() {
		fwd[p.Name] = p
	}
	vjp := map[string]graph.Param{}
	var all []string
	for _, p := range bp.vjpG.Params() {
		vjp[p.Name] = p
		all = append(all, p.Name)
	}
	names := bp.opts.Params
	if len(names) == 0 {
		names = all
	}
	seen := map[string]bool{}
	var out []paramInfo
	for i, name := range names {
		if seen[name] {
			return nil, fmt.Errorf("%w: Options.Params[%d] = %q is listed twice", ErrOptions, i, name)
		}
		seen[name] = true
		pf, okF := fwd[name]
		pv, okV := vjp[name]
		if !okF || !okV {
			return nil, fmt.Errorf("%w: Options.Params[%d] = %q is not a param of the step graph", ErrOptions, i, name)
		}
		shape := append([]int(nil), pv.Node.Shape()...)
		size := 1
		for _, d := range shape {
			size *= d
		}
		out = append(out, paramInfo{name: name, size: size, shape: shape, vals: []graph.Param{pf, pv}})
	}
	return out, nil
}

// Close releases both sessions.
func (bp *BPTT) Close() error {
	if bp == nil {
		return nil
	}
	var errs []error
	for _, s := range []*session.Session{bp.fwd, bp.vjp} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// Nodes returns the number of nodes of the two compiled graphs (the step,
// and the step with ℓ_t and its VJP). It does not depend on the number of
// steps a run takes: nothing is unrolled.
func (bp *BPTT) Nodes() int {
	return len(bp.fwdG.ExprGraph().AllNodes()) + len(bp.vjpG.ExprGraph().AllNodes())
}

// Params returns the names of the differentiated params, in order.
func (bp *BPTT) Params() []string {
	out := make([]string, len(bp.params))
	for i, p := range bp.params {
		out[i] = p.name
	}
	return out
}

// Param returns a copy of the param name's values (row-major, float64).
func (bp *BPTT) Param(name string) ([]float64, error) {
	for _, p := range bp.params {
		if p.name == name {
			return denseData(p.vals[0].Value)
		}
	}
	return nil, fmt.Errorf("%w: %q is not a differentiated param", ErrOptions, name)
}

// SetParam overwrites the differentiated param name in both compiled
// graphs (one value per element, finite), for the next Gradients call: a
// training step or a finite difference needs no recompilation.
func (bp *BPTT) SetParam(name string, values []float64) error {
	for _, p := range bp.params {
		if p.name != name {
			continue
		}
		if len(values) != p.size {
			return fmt.Errorf("%w: SetParam %q: %d values, want %d (shape %v)", ErrOptions, name, len(values), p.size, p.shape)
		}
		for i, x := range values {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%w: SetParam %q: value %d = %v is not finite", ErrOptions, name, i, x)
			}
		}
		for _, gp := range p.vals {
			switch d := gp.Value.Data().(type) {
			case []float64:
				copy(d, values)
			case []float32:
				for i, x := range values {
					d[i] = float32(x)
				}
			default:
				return fmt.Errorf("train: SetParam %q: unsupported data %T", name, d)
			}
		}
		return nil
	}
	return fmt.Errorf("%w: SetParam: %q is not a differentiated param", ErrOptions, name)
}

func denseData(d tensor.Tensor) ([]float64, error) {
	switch x := d.Data().(type) {
	case []float64:
		return append([]float64(nil), x...), nil
	case []float32:
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("train: unsupported param data %T", d.Data())
}
