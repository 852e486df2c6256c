package train_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/train"
)

// TestNewBPTTErrors: bad arguments are errors naming the field, wrapping
// ErrOptions where they are the caller's, never panics.
func TestNewBPTTErrors(t *testing.T) {
	t.Parallel()
	c := netCases(5)[0]
	vLoss := func(g *graph.Graph) (*graph.Node, error) { return g.Node("net/v:next") } // not a scalar
	cases := []struct {
		name  string
		model train.Model
		loss  train.Loss
		opts  train.Options
		want  string
	}{
		{"nil model", nil, stepLoss, train.Options{}, "nil Model"},
		{"nil loss", c.model, nil, train.Options{}, "nil Loss"},
		{"negative checkpoint", c.model, stepLoss, train.Options{Checkpoint: -1}, "Options.Checkpoint = -1"},
		{"unknown param", c.model, stepLoss, train.Options{Params: []string{"net/nope"}}, `Options.Params[0] = "net/nope" is not a param`},
		{"param twice", c.model, stepLoss, train.Options{Params: []string{"net/W", "net/W"}}, `Options.Params[1] = "net/W" is listed twice`},
		{"vector loss", c.model, vLoss, train.Options{}, "the Loss must return a scalar node"},
		{"nil graph", func() (*graph.Graph, error) { return nil, nil }, stepLoss, train.Options{}, "nil graph"},
		{"model error", func() (*graph.Graph, error) { return nil, errors.New("boom") }, stepLoss, train.Options{}, "boom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bp, err := train.NewBPTT(tc.model, tc.loss, tc.opts)
			if err == nil {
				bp.Close()
				t.Fatalf("got nil error, want one with %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), "train: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got=%q, want it to start with %q and contain %q", err, "train: ", tc.want)
			}
		})
	}
}

// TestGradientsAndSetParamErrors: bad calls are errors; a cancelled
// context stops Gradients with the context's error.
func TestGradientsAndSetParamErrors(t *testing.T) {
	t.Parallel()
	c := netCases(5)[0]
	bp, err := train.NewBPTT(c.model, stepLoss, train.Options{Params: []string{"net/win"}})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"zero steps", func() error { _, err := bp.Gradients(context.Background(), 0, c.feeder()); return err }(), "steps = 0 must be >= 1"},
		{"nil context", func() error { _, err := bp.Gradients(nil, 3, c.feeder()); return err }(), "nil context"},
		{"cancelled", func() error { _, err := bp.Gradients(ctx, 3, c.feeder()); return err }(), "context canceled"},
		{"feeder error", func() error {
			_, err := bp.Gradients(context.Background(), 3, train.FeedFunc(func(int, graph.InputWriter) error { return errors.New("no input") }))
			return err
		}(), "feeding step 0: no input"},
		{"SetParam size", bp.SetParam("net/win", []float64{1}), `SetParam "net/win": 1 values, want 6`},
		{"SetParam NaN", bp.SetParam("net/win", []float64{1, 1, math.NaN(), 1, 1, 1}), "value 2 = NaN is not finite"},
		{"SetParam unknown", bp.SetParam("net/W", make([]float64, 36)), `"net/W" is not a differentiated param`},
		{"Param unknown", func() error { _, err := bp.Param("net/x"); return err }(), `"net/x" is not a differentiated param`},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: got=%v, want an error with %q", tc.name, tc.err, tc.want)
		}
	}
	if !errors.Is(func() error { _, err := bp.Gradients(ctx, 3, c.feeder()); return err }(), context.Canceled) {
		t.Error("a cancelled context: the error does not wrap context.Canceled")
	}
	var nilBP *train.BPTT
	if _, err := nilBP.Gradients(context.Background(), 1, nil); err == nil {
		t.Error("Gradients on a nil BPTT: got nil error")
	}
}
