package graph_test

import (
	"testing"

	"github.com/spikegraph/spikegraph/graph"
)

// buildNamed builds a small two-scope graph with computed nodes that are
// not registered.
func buildNamed(t *testing.T) *graph.Graph {
	t.Helper()
	g := newGraph(t)
	net := g.Scope("net")
	v := net.State("v", []float64{-70}, 3)
	a := net.Param("a", []float64{1, 2, 3}, 3)
	x := net.Mul(v, a)
	y := net.Mul(x, net.Const("k", 0.5))
	net.SetNext(v, net.Add(y, v))
	syn := net.Scope("syn")
	gs := syn.State("g", []float64{0}, 3)
	syn.SetNext(gs, syn.Sub(syn.Mul(gs, a), v))
	g.StepCounter()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestReadableNames(t *testing.T) {
	g := buildNamed(t)
	seen := map[string]bool{}
	var names []string
	for _, n := range g.ExprGraph().AllNodes() {
		s := g.ReadableName(n)
		if s == "" || seen[s] {
			t.Errorf("node %v: name %q empty or repeated", n, s)
		}
		seen[s] = true
		names = append(names, s)
	}
	for _, want := range []string{"net/v", "net/a", "net/k", "net/mul#1", "net/mul#2", "net/v:next", "net/syn/mul#1", "net/syn/g:next", "step", "step:next"} {
		if !seen[want] {
			t.Errorf("no node named %q in %v", want, names)
		}
	}
	// A second build names every node alike, in the same order.
	again := buildNamed(t)
	for i, n := range again.ExprGraph().AllNodes() {
		if got := again.ReadableName(n); got != names[i] {
			t.Errorf("node %d: second build names it %q, first %q", i, got, names[i])
		}
	}
	if _, err := g.Node("net/mul#1"); err == nil {
		t.Errorf("Node(%q) found a node: a computed node's readable name is not a registered name", "net/mul#1")
	}
	if k := g.KindOf(g.ExprGraph().AllNodes()[2]); k != "op" {
		t.Errorf("KindOf(%s) = %q, want op", g.ReadableName(g.ExprGraph().AllNodes()[2]), k)
	}
}

func mustNode(t *testing.T, g *graph.Graph, name string) *graph.Node {
	t.Helper()
	n, _ := g.Node(name)
	return n
}

// TestNextNodeNamed: a state's next value, looked up by name, reports that
// name as its own (gorgonia would print its expression, "+(%6, %0)").
func TestNextNodeNamed(t *testing.T) {
	g := buildNamed(t)
	for _, name := range []string{"net/v:next", "net/syn/g:next", "step:next"} {
		n, err := g.Node(name)
		if err != nil {
			t.Fatal(err)
		}
		if n.Name() != name {
			t.Errorf("Node(%q).Name() = %q", name, n.Name())
		}
		if g.KindOf(n) != "next" {
			t.Errorf("KindOf(%q) = %q, want next", name, g.KindOf(n))
		}
	}
	if k := g.KindOf(mustNode(t, g, "net/v")); k != "state" {
		t.Errorf("KindOf(net/v) = %q, want state", k)
	}
}

func TestShortOp(t *testing.T) {
	g := buildNamed(t)
	ops := map[string]bool{}
	for _, n := range g.ExprGraph().AllNodes() {
		ops[graph.ShortOp(n.Op())] = true
	}
	for _, want := range []string{"", "mul", "add", "sub", "const"} {
		if !ops[want] {
			t.Errorf("no op %q among %v", want, ops)
		}
	}
}
