package graph

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"gorgonia.org/gorgonia"
)

// origin is where a computed node was made: the builder's scope ("net/",
// "" at the root), its op's short name and its number among the nodes of
// that op in that scope, counted from 1 in the order they were built.
type origin struct {
	scope, op string
	seq       int
}

// recordOrigins names the computed nodes that a builder call added to the
// graph (every node past the first before of the graph's nodes): gorgonia
// makes several for one call at times (a reshape and a broadcast product).
func (g *Graph) recordOrigins(scope string, before int) {
	all := g.eg.AllNodes()
	for _, n := range all[min(before, len(all)):] {
		if _, ok := g.origins[n]; ok || !computed(n) {
			continue
		}
		op := ShortOp(n.Op())
		key := scope + "\x00" + op
		g.opCount[key]++
		g.origins[n] = origin{scope: scope, op: op, seq: g.opCount[key]}
	}
}

// computed reports whether n is computed by an op: neither an input (a
// state, input or param) nor a constant.
func computed(n *Node) bool {
	op := n.Op()
	if op == nil {
		return false
	}
	_, constant := op.(interface{ Value() gorgonia.Value })
	return !constant
}

// ReadableName returns a stable, readable name for any node of the graph:
// the name it was registered under ("net/v", "net/v:next"), else, for a
// node computed by a builder, its scope, its op's short name (ShortOp) and
// its number among that scope's nodes of that op, counted from 1 in build
// order ("net/mul#3", "add#1" at the root). Two builds of the same network
// give the same names. A node made outside the graph's builders gets its
// op's short name and gorgonia's node id ("where@17"); "" for a nil Graph
// or node.
func (g *Graph) ReadableName(n *Node) string {
	if g == nil || n == nil {
		return ""
	}
	if s, ok := g.registeredName(n); ok {
		return s
	}
	if o, ok := g.origins[n]; ok {
		return fmt.Sprintf("%s%s#%d", o.scope, o.op, o.seq)
	}
	if n.Op() == nil {
		return n.Name()
	}
	return fmt.Sprintf("%s@%d", ShortOp(n.Op()), n.ID())
}

// KindOf returns what n is to the graph: "state", "next", "input",
// "param", "const" or "output" for a registered node (under the name it
// was first registered), "op" for another computed node, "" for a node the
// graph does not know.
func (g *Graph) KindOf(n *Node) string {
	if g == nil || n == nil {
		return ""
	}
	if s, ok := g.registeredName(n); ok {
		return g.kinds[s]
	}
	if _, ok := g.origins[n]; ok {
		return "op"
	}
	return ""
}

// ShortOp returns a short lowercase name for op: "add", "sub", "mul",
// "div" for gorgonia's elementwise arithmetic, "matvec" and "matmul" for
// its products, and for other ops the first word of their String() in
// snake case ("where", "izhikevich_step", "part"). It returns "const" for
// a constant and "" for a nil op.
func ShortOp(op gorgonia.Op) string {
	if op == nil {
		return ""
	}
	if _, ok := op.(interface{ Value() gorgonia.Value }); ok {
		return "const"
	}
	s := op.String()
	switch {
	case strings.HasPrefix(s, "A × b"):
		return "matvec"
	case strings.HasPrefix(s, "A × B"):
		return "matmul"
	}
	if sym, _, _ := strings.Cut(s, " "); len(sym) > 0 {
		switch sym {
		case "+":
			return "add"
		case "-":
			return "sub"
		case "⊙", "*", "×":
			return "mul"
		case "÷", "/":
			return "div"
		}
		if strings.HasPrefix(sym, "Σ") {
			return "sum"
		}
	}
	var b strings.Builder
	for i, r := range s {
		if !(r == '_' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			break
		}
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "op"
	}
	return b.String()
}

// registeredName returns the name n was registered under. gorgonia adds a
// copy of a constant to the graph when an op first uses it, named as the
// constant: that copy is known by its name.
func (g *Graph) registeredName(n *Node) (string, bool) {
	if s, ok := g.names[n]; ok {
		return s, true
	}
	if op := n.Op(); op != nil && ShortOp(op) == "const" && g.kinds[n.Name()] == "const" {
		return n.Name(), true
	}
	return "", false
}

// OpText is how op reads to people: gorgonia's String() without the
// "retSame" flag of its arithmetic ("+" for "+ false"), and a constant's
// value ("0.95" for "const 0.95"); "" for a nil op.
func OpText(op gorgonia.Op) string {
	if op == nil {
		return ""
	}
	s := op.String()
	if ShortOp(op) == "const" {
		return strings.TrimPrefix(s, "const ")
	}
	if t := reflect.TypeOf(op).String(); t == "gorgonia.elemBinOp" || t == "gorgonia.elemUnaryOp" {
		s = strings.TrimSuffix(strings.TrimSuffix(s, " false"), " true")
	}
	return s
}
