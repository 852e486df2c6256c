package ops_test

import (
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/ops"
)

// TestBuilderApplyValidates: graph.Builder.Apply, the path every model
// uses, runs the same checks as ops.Apply (the op's Validate, then its
// CheckChildren) at build time, so a bad op or a dtype mismatch is the
// builder's error naming the op and its children, not gorgonia's message
// at the first step.
func TestBuilderApplyValidates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		build func(b *graph.Builder, x, x32 *graph.Node) (gorgonia.Op, []*graph.Node)
		want  []string
	}{
		{"Bernoulli with DtMs 0", func(b *graph.Builder, x, _ *graph.Node) (gorgonia.Op, []*graph.Node) {
			return ops.Bernoulli{DtMs: 0}, []*graph.Node{x, b.Graph().StepCounter()}
		}, []string{"Bernoulli", "DtMs (0 ms) must be positive", `"s/x"`, `"step"`}},
		{"Spike without a surrogate", func(_ *graph.Builder, x, _ *graph.Node) (gorgonia.Op, []*graph.Node) {
			return ops.Spike{Threshold: 1}, []*graph.Node{x}
		}, []string{"Spike", "Surrogate is nil", `"s/x"`}},
		{"Where of mixed dtypes", func(_ *graph.Builder, x, x32 *graph.Node) (gorgonia.Op, []*graph.Node) {
			return ops.Where{}, []*graph.Node{x, x, x32}
		}, []string{"Where", "float32", `"s/x32"`}},
		{"StopGradient of two children", func(_ *graph.Builder, x, _ *graph.Node) (gorgonia.Op, []*graph.Node) {
			return ops.StopGradient{}, []*graph.Node{x, x}
		}, []string{"got 2 children, want 1"}},
		{"Spike on a float32 node", func(_ *graph.Builder, _, x32 *graph.Node) (gorgonia.Op, []*graph.Node) {
			return ops.Spike{Threshold: 1, Surrogate: ops.DefaultSuperSpike()}, []*graph.Node{x32}
		}, nil}, // valid: the control
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := graph.New()
			if err != nil {
				t.Fatal(err)
			}
			b := g.Scope("s")
			x := b.Input("x", 3)
			x32 := gorgonia.NewVector(g.ExprGraph(), tensor.Float32, gorgonia.WithShape(3), gorgonia.WithName("x32"))
			b.Output("x32", x32)
			op, kids := tc.build(b, x, x32)
			n := b.Apply(op, kids...)
			_, opsErr := ops.Apply(op, kids...)
			err = g.Err()
			if tc.want == nil {
				if err != nil || n == nil || opsErr != nil {
					t.Fatalf("valid op: node %v, builder %v, ops.Apply %v", n, err, opsErr)
				}
				return
			}
			if n != nil || err == nil {
				t.Fatalf("got node %v, err %v; want nil and an error", n, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("builder: err=%v, want it to hold %q", err, w)
				}
			}
			if opsErr == nil {
				t.Errorf("ops.Apply accepted what the builder refused (%v)", err)
			}
		})
	}
}
