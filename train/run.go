package train

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gorgonia.org/gorgonia"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/session"
)

// Gradients runs steps steps from the model's initial state and returns
// the run's loss and its gradient with respect to the differentiated
// params. feeder (nil for none) writes step t's inputs, the model's and the
// loss's, before step t runs; it is called more than once for a step (the
// backward pass recomputes and differentiates each step), so it must depend
// on t only, as graph.Feeder requires.
//
// The forward pass runs the compiled step and stores the state every
// Options.Checkpoint steps. The backward pass takes the segments between
// checkpoints from the last to the first: it restores the segment's
// checkpoint, recomputes and stores the segment's states, then runs the
// step's VJP from the segment's last step down to its first, carrying the
// adjoint of the state (zero after the last step) and summing the params'
// gradients. A cancelled ctx stops it with ctx's error.
func (bp *BPTT) Gradients(ctx context.Context, steps int, feeder graph.Feeder) (*Result, error) {
	if bp == nil || bp.fwd == nil {
		return nil, errors.New("train: Gradients on a nil or closed BPTT (use NewBPTT)")
	}
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context (use context.Background())", ErrOptions)
	}
	if steps < 1 {
		return nil, fmt.Errorf("%w: steps = %d must be >= 1", ErrOptions, steps)
	}
	k := bp.opts.Checkpoint
	if k == 0 {
		k = int(math.Ceil(math.Sqrt(float64(steps))))
	}
	k = min(k, steps)
	nSeg := (steps + k - 1) / k
	fwdIn := inputWriter{s: bp.fwd, skip: bp.lossInputs()}

	for i, s := range bp.states {
		if err := bp.fwd.SetState(s.name, bp.init[i]); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	// Forward: checkpoint j holds the state at sample j·k.
	checkpoints := make([][][]float64, nSeg)
	for t := 0; t < (nSeg-1)*k+1; t++ {
		if t%k == 0 {
			var err error
			if checkpoints[t/k], err = bp.save(nil); err != nil {
				return nil, err
			}
			if t/k == nSeg-1 {
				break
			}
		}
		if err := bp.forward(ctx, t, feeder, fwdIn); err != nil {
			return nil, err
		}
	}

	res := &Result{Grads: map[string][]float64{}, StoredStates: nSeg + k - 1}
	adj := make([][]float64, len(bp.states))
	for i, s := range bp.states {
		adj[i] = make([]float64, s.size)
	}
	for _, p := range bp.params {
		res.Grads[p.name] = make([]float64, p.size)
	}
	fetches := []string{bp.loss}
	for _, s := range bp.states {
		if s.grad != "" {
			fetches = append(fetches, s.grad)
		}
	}
	for _, p := range bp.params {
		fetches = append(fetches, p.grad)
	}
	seg := make([][][]float64, k)
	for j := nSeg - 1; j >= 0; j-- {
		start, end := j*k, min(steps, (j+1)*k)
		if err := bp.restore(bp.fwd, checkpoints[j]); err != nil {
			return nil, err
		}
		seg[0] = checkpoints[j]
		for t := start; t < end-1; t++ {
			if err := bp.forward(ctx, t, feeder, fwdIn); err != nil {
				return nil, err
			}
			var err error
			if seg[t-start+1], err = bp.save(seg[t-start+1]); err != nil {
				return nil, err
			}
		}
		for t := end - 1; t >= start; t-- {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("train: backward at step %d: %w", t, err)
			}
			if err := bp.restore(bp.vjp, seg[t-start]); err != nil {
				return nil, err
			}
			if feeder != nil {
				if err := feeder.Feed(t, inputWriter{s: bp.vjp}); err != nil {
					return nil, fmt.Errorf("train: feeding step %d: %w", t, err)
				}
			}
			for i, s := range bp.states {
				if s.adj != "" {
					if err := bp.vjp.SetInput(s.adj, adj[i]); err != nil {
						return nil, fmt.Errorf("train: %w", err)
					}
				}
			}
			out, err := bp.vjp.Run(fetches, nil)
			if err != nil {
				return nil, fmt.Errorf("train: the VJP of step %d: %w", t, err)
			}
			l, err := scalar(out[0])
			if err != nil {
				return nil, fmt.Errorf("train: the loss of step %d: %w", t, err)
			}
			res.Loss += l
			o := 1
			for i, s := range bp.states {
				if s.grad == "" {
					continue
				}
				if err := copyValue(adj[i], out[o]); err != nil {
					return nil, fmt.Errorf("train: the adjoint of %q at step %d: %w", s.name, t, err)
				}
				o++
			}
			for _, p := range bp.params {
				if err := addValue(res.Grads[p.name], out[o]); err != nil {
					return nil, fmt.Errorf("train: the gradient of %q at step %d: %w", p.name, t, err)
				}
				o++
			}
		}
	}
	return res, nil
}

// forward feeds and runs step t on the forward session.
func (bp *BPTT) forward(ctx context.Context, t int, feeder graph.Feeder, w graph.InputWriter) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("train: forward at step %d: %w", t, err)
	}
	if feeder != nil {
		if err := feeder.Feed(t, w); err != nil {
			return fmt.Errorf("train: feeding step %d: %w", t, err)
		}
	}
	if err := bp.fwd.Step(nil); err != nil {
		return fmt.Errorf("train: forward step %d: %w", t, err)
	}
	return nil
}

// save copies the forward session's states into dst (allocated when nil).
func (bp *BPTT) save(dst [][]float64) ([][]float64, error) {
	if dst == nil {
		dst = make([][]float64, len(bp.states))
	}
	for i, s := range bp.states {
		if dst[i] == nil {
			dst[i] = make([]float64, s.size)
		}
		if v, err := bp.fwd.StateView(s.name); err == nil && v.F64 != nil {
			copy(dst[i], v.F64)
			continue
		}
		v, err := bp.fwd.State(s.name)
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		copy(dst[i], v)
	}
	return dst, nil
}

// restore writes saved states into a session.
func (bp *BPTT) restore(s *session.Session, saved [][]float64) error {
	for i, st := range bp.states {
		if err := s.SetState(st.name, saved[i]); err != nil {
			return fmt.Errorf("train: %w", err)
		}
	}
	return nil
}

// lossInputs returns the inputs of the VJP graph that the forward graph
// lacks (the loss's own, such as a target): the forward feed skips them.
func (bp *BPTT) lossInputs() map[string]bool {
	fwd := map[string]bool{}
	for _, in := range bp.fwdG.Inputs() {
		fwd[in.Name] = true
	}
	skip := map[string]bool{}
	for _, in := range bp.vjpG.Inputs() {
		if !fwd[in.Name] {
			skip[in.Name] = true
		}
	}
	return skip
}

// inputWriter passes a feeder's writes to a session, dropping those to the
// names in skip.
type inputWriter struct {
	s    *session.Session
	skip map[string]bool
}

func (w inputWriter) SetInput(name string, values []float64) error {
	if w.skip[name] {
		return nil
	}
	return w.s.SetInput(name, values)
}

func (w inputWriter) FillInput(name string, x float64) error {
	if w.skip[name] {
		return nil
	}
	return w.s.FillInput(name, x)
}

func scalar(v gorgonia.Value) (float64, error) {
	switch d := v.Data().(type) {
	case float64:
		return d, nil
	case float32:
		return float64(d), nil
	case []float64:
		if len(d) == 1 {
			return d[0], nil
		}
	case []float32:
		if len(d) == 1 {
			return float64(d[0]), nil
		}
	}
	return 0, fmt.Errorf("not a scalar: %v", v)
}

// copyValue writes v's elements into dst, which has v's size.
func copyValue(dst []float64, v gorgonia.Value) error {
	return eachValue(v, len(dst), func(i int, x float64) { dst[i] = x })
}

// addValue adds v's elements into dst.
func addValue(dst []float64, v gorgonia.Value) error {
	return eachValue(v, len(dst), func(i int, x float64) { dst[i] += x })
}

func eachValue(v gorgonia.Value, n int, f func(i int, x float64)) error {
	switch d := v.Data().(type) {
	case []float64:
		if len(d) != n {
			return fmt.Errorf("%d values, want %d", len(d), n)
		}
		for i, x := range d {
			f(i, x)
		}
	case []float32:
		if len(d) != n {
			return fmt.Errorf("%d values, want %d", len(d), n)
		}
		for i, x := range d {
			f(i, float64(x))
		}
	case float64:
		if n != 1 {
			return fmt.Errorf("a scalar, want %d values", n)
		}
		f(0, d)
	case float32:
		if n != 1 {
			return fmt.Errorf("a scalar, want %d values", n)
		}
		f(0, float64(d))
	default:
		return fmt.Errorf("unsupported value %T", d)
	}
	return nil
}

// FeedFunc adapts a function to graph.Feeder.
type FeedFunc func(step int, w graph.InputWriter) error

// Feed calls f.
func (f FeedFunc) Feed(step int, w graph.InputWriter) error { return f(step, w) }
