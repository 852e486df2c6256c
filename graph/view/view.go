package view

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/spikegraph/spikegraph/graph"
)

// ErrUnknownScope reports an Options.Scope that holds no node of the graph.
var ErrUnknownScope = errors.New("view: unknown scope")

// Options crops a view. The zero Options shows the whole graph.
type Options struct {
	// Scope, when not "", keeps only the nodes whose names lie in it
	// ("net" keeps net/v, net/syn/g, ...), plus their direct neighbours
	// outside it, drawn as external nodes.
	Scope string
	// Depth, when > 0, is the number of name levels shown below Scope: a
	// node whose name has more parts (net/syn/g has 3) is folded into one
	// node for its scope at that depth (Depth 2 folds net/syn/g into
	// net/syn; Depth 1 folds every scope). 0 shows every level; a negative
	// Depth is an error.
	Depth int
}

// Node is one node of a view: a node of the graph, or a folded scope.
type Node struct {
	// Name is the node's readable name (graph.Graph.ReadableName), or the
	// folded scope's name.
	Name string `json:"name"`
	// Kind is "state", "next", "input", "param", "const", "output" or "op"
	// (graph.Graph.KindOf), or "scope" for a folded scope.
	Kind string `json:"kind"`
	// Op is the op as gorgonia prints it ("+", "A × b", "Where"; a
	// constant's value; "" for states, inputs and params); for a folded
	// scope, how many nodes it holds ("12 nodes").
	Op string `json:"op"`
	// Shape is the node's shape (empty for a scalar and a folded scope).
	Shape []int `json:"shape"`
	// Dtype is the node's dtype ("float64"; "" for a folded scope).
	Dtype string `json:"dtype"`
	// Bytes is the size of the node's value: its elements times the
	// dtype's size (a folded scope: the sum over its nodes).
	Bytes int64 `json:"bytes"`
	// Inputs are the names (in this view) of the nodes it reads, in the
	// op's argument order.
	Inputs []string `json:"inputs"`
	// Scope is the scope the node is drawn in ("net", "" at the root).
	Scope string `json:"scope"`
	// Nodes is the number of graph nodes the view node stands for (1, or
	// a folded scope's count).
	Nodes int `json:"nodes"`
	// External marks a node outside Options.Scope, shown because a node in
	// it reads it or is read by it; the totals leave it out.
	External bool `json:"external,omitempty"`
}

// Edge is a value flowing from one view node into another.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Shapes are the shapes of the values on it (several when folded
	// scopes merge edges), sorted, e.g. "[1000]" or "scalar".
	Shapes []string `json:"shapes"`
	// Carry marks the carry from a state's next value back into the state
	// after each step (not an edge of the expression graph).
	Carry bool `json:"carry,omitempty"`
}

// Totals counts the graph nodes a view stands for (external ones left out).
type Totals struct {
	Nodes int   `json:"nodes"`
	Bytes int64 `json:"bytes"`
	// ByKind counts nodes and bytes per graph kind (state, op, ...).
	ByKind map[string]KindTotal `json:"by_kind"`
}

// KindTotal is the count and size of one kind's nodes.
type KindTotal struct {
	Nodes int   `json:"nodes"`
	Bytes int64 `json:"bytes"`
}

// View is a readable picture of one step graph: its nodes with stable
// names, the edges between them, and totals. Build makes one; Dot, Text
// and JSON print it.
type View struct {
	// Title names what is shown (e.g. "recurrent, engine fine").
	Title  string `json:"title"`
	Scope  string `json:"scope,omitempty"`
	Depth  int    `json:"depth,omitempty"`
	Nodes  []Node `json:"nodes"`
	Edges  []Edge `json:"edges"`
	Totals Totals `json:"totals"`
	index  map[string]int
	seen   map[*graph.Node]bool // graph nodes counted in a view node
}

// Build returns the view of g cropped by o, titled title. Nodes come in the
// order they were built (a build of the same network gives the same view);
// a folded scope stands where its first node was. Read nodes that a
// session adds when it compiles the graph are left out.
func Build(g *graph.Graph, title string, o Options) (*View, error) {
	if err := g.Err(); err != nil {
		return nil, fmt.Errorf("view: %w", err)
	}
	if o.Depth < 0 {
		return nil, fmt.Errorf("view: Depth %d must be >= 0 (0 for every level)", o.Depth)
	}
	scope := strings.Trim(o.Scope, "/")
	v := &View{Title: title, Scope: scope, Depth: o.Depth, index: map[string]int{}, seen: map[*graph.Node]bool{},
		Totals: Totals{ByKind: map[string]KindTotal{}}}
	eg := g.ExprGraph()
	all := eg.AllNodes()
	// name of every graph node in the view ("" for none), and whether it
	// lies in the scope.
	viewName := map[*graph.Node]string{}
	inScope := map[*graph.Node]bool{}
	for _, n := range all {
		if isRead(n) {
			continue
		}
		name := g.ReadableName(n)
		if scope != "" && !strings.HasPrefix(name, scope+"/") {
			continue
		}
		inScope[n] = true
		viewName[n] = v.fold(name, o.Depth)
	}
	if scope != "" && len(inScope) == 0 {
		return nil, fmt.Errorf("%w %q (no node's name starts with %q)", ErrUnknownScope, scope, scope+"/")
	}
	// Neighbours outside the scope, shown as external nodes.
	outside := func(n *graph.Node) string {
		if name, ok := viewName[n]; ok {
			return name
		}
		if isRead(n) {
			return ""
		}
		name := g.ReadableName(n)
		viewName[n] = name
		return name
	}
	edges := map[[2]string]map[string]bool{}
	var edgeOrder [][2]string
	addEdge := func(from, to, shape string) {
		if from == "" || to == "" || from == to {
			return
		}
		k := [2]string{from, to}
		if edges[k] == nil {
			edges[k] = map[string]bool{}
			edgeOrder = append(edgeOrder, k)
		}
		edges[k][shape] = true
	}
	for _, n := range all {
		if !inScope[n] {
			// An outside node that reads a node of the scope.
			if scope == "" {
				continue
			}
			for _, c := range children(g, n) {
				if inScope[c] {
					v.add(g, n, outside(n), true)
					addEdge(viewName[c], viewName[n], shapeString(c))
				}
			}
			continue
		}
		i := v.add(g, n, viewName[n], false)
		for _, c := range children(g, n) {
			from := viewName[c]
			if !inScope[c] {
				from = outside(c)
				v.add(g, c, from, true)
			}
			if vn := &v.Nodes[i]; from != "" && from != vn.Name && !slices.Contains(vn.Inputs, from) {
				vn.Inputs = append(vn.Inputs, from)
			}
			addEdge(from, viewName[n], shapeString(c))
		}
	}
	for _, k := range edgeOrder {
		shapes := make([]string, 0, len(edges[k]))
		for s := range edges[k] {
			shapes = append(shapes, s)
		}
		sort.Strings(shapes)
		v.Edges = append(v.Edges, Edge{From: k[0], To: k[1], Shapes: shapes})
	}
	// The carries, from each next value back into its state.
	for _, s := range g.States() {
		from, to := viewName[s.Next], viewName[s.Node]
		if from == "" || to == "" || from == to || !(inScope[s.Next] || inScope[s.Node]) {
			continue
		}
		if _, ok := v.index[from]; !ok {
			continue
		}
		if _, ok := v.index[to]; !ok {
			continue
		}
		v.Edges = append(v.Edges, Edge{From: from, To: to, Carry: true})
	}
	return v, nil
}

// fold returns the view name of the node named name: name itself, or the
// scope it is folded into at depth.
func (v *View) fold(name string, depth int) string {
	if depth == 0 {
		return name
	}
	rel := name
	if v.Scope != "" {
		rel = strings.TrimPrefix(name, v.Scope+"/")
	}
	parts := strings.Split(rel, "/")
	if len(parts) <= depth {
		return name
	}
	folded := strings.Join(parts[:depth], "/")
	if v.Scope != "" {
		folded = v.Scope + "/" + folded
	}
	return folded
}

// add adds graph node n to the view under name (or to the folded scope
// name stands for) and returns the index of its view node. A node is
// added once: seen records the graph nodes already counted.
func (v *View) add(g *graph.Graph, n *graph.Node, name string, external bool) int {
	own := g.ReadableName(n)
	bytes := nodeBytes(n)
	if i, ok := v.index[name]; ok {
		vn := &v.Nodes[i]
		if vn.Kind == "scope" && !external && !v.seen[n] {
			v.seen[n] = true
			vn.Nodes++
			vn.Bytes += bytes
			vn.Op = fmt.Sprintf("%d nodes", vn.Nodes)
			v.count(g.KindOf(n), bytes)
		}
		return i
	}
	if !external {
		v.seen[n] = true
	}
	vn := Node{Name: name, Scope: scopeOf(name), Nodes: 1, External: external}
	if own == name {
		vn.Kind = g.KindOf(n)
		if n.Op() != nil && vn.Kind != "state" && vn.Kind != "input" && vn.Kind != "param" {
			vn.Op = graph.OpText(n.Op())
		}
		vn.Shape = append([]int{}, n.Shape()...)
		vn.Dtype = n.Dtype().String()
		vn.Bytes = bytes
	} else {
		vn.Kind, vn.Op, vn.Bytes, vn.Shape = "scope", "1 node", bytes, []int{}
	}
	if vn.Inputs == nil {
		vn.Inputs = []string{}
	}
	if !external {
		v.count(g.KindOf(n), bytes)
	}
	v.index[name] = len(v.Nodes)
	v.Nodes = append(v.Nodes, vn)
	return len(v.Nodes) - 1
}

func (v *View) count(kind string, bytes int64) {
	v.Totals.Nodes++
	v.Totals.Bytes += bytes
	k := v.Totals.ByKind[kind]
	k.Nodes++
	k.Bytes += bytes
	v.Totals.ByKind[kind] = k
}

// children returns the nodes n reads, in argument order, leaving out read
// nodes.
func children(g *graph.Graph, n *graph.Node) []*graph.Node {
	var out []*graph.Node
	it := g.ExprGraph().From(n.ID())
	for it.Next() {
		c, ok := it.Node().(*graph.Node)
		if ok && !isRead(c) {
			out = append(out, c)
		}
	}
	return out
}

// nodeBytes is the size of n's value: its elements (1 for a scalar) times
// its dtype's size.
func nodeBytes(n *graph.Node) int64 {
	elems := int64(1)
	for _, d := range n.Shape() {
		elems *= int64(d)
	}
	return elems * int64(n.Dtype().Size())
}

// shapeString prints n's shape as "[1000]", "[50 100]" or "scalar".
func shapeString(n *graph.Node) string {
	s := n.Shape()
	if len(s) == 0 {
		return "scalar"
	}
	return fmt.Sprint([]int(s))
}

// scopeOf returns the scope part of a name: "net" for "net/v:next", "" for
// "step".
func scopeOf(name string) string {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return ""
	}
	return name[:i]
}

// isRead reports a read node, which a session adds to fetch a value.
func isRead(n *graph.Node) bool {
	return n.Op() != nil && reflect.TypeOf(n.Op()).String() == "gorgonia.readOp"
}
