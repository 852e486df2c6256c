package view

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"text/tabwriter"
)

// style is how a kind of node is drawn.
type style struct{ shape, fill string }

var styles = map[string]style{
	"state":  {"box", "#cfe2ff"},
	"next":   {"box", "#e7f0ff"},
	"input":  {"cds", "#d1e7dd"},
	"param":  {"note", "#fff3cd"},
	"const":  {"plaintext", "#ffffff"},
	"output": {"box", "#f8d7da"},
	"op":     {"ellipse", "#ffffff"},
	"scope":  {"box3d", "#e9ecef"},
}

// Dot returns the view in Graphviz's dot language: a cluster per scope
// (nested as the names are), each node labelled with its local name, its
// kind or op, shape and dtype, each edge with the shapes it carries, and
// the carries from next values to states dashed. The same view gives the
// same text, byte for byte; graphviz's dot reads it without a warning.
func (v *View) Dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", quote(v.Title))
	b.WriteString("  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.25, ranksep=0.35")
	fmt.Fprintf(&b, ", label=%s];\n", quote(v.Title+": "+v.totalsLine()))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, style=filled, margin=\"0.08,0.03\", height=0.3];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\", arrowsize=0.6];\n")
	// Scopes as a tree, each holding its nodes in view order.
	root := &cluster{}
	for i := range v.Nodes {
		n := &v.Nodes[i]
		c := root
		if !n.External && n.Scope != "" {
			c = root.child(n.Scope)
		}
		c.nodes = append(c.nodes, n)
	}
	root.write(&b, "  ")
	for _, e := range v.Edges {
		if e.Carry {
			fmt.Fprintf(&b, "  %s -> %s [style=dashed, color=\"#1f5fbf\", constraint=false, label=\"carry\", fontcolor=\"#1f5fbf\"];\n", quote(e.From), quote(e.To))
			continue
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", quote(e.From), quote(e.To), quote(strings.Join(e.Shapes, " ")))
	}
	b.WriteString("}\n")
	return b.String()
}

// cluster is a scope of the dot output.
type cluster struct {
	name     string
	nodes    []*Node
	children []*cluster
}

// child returns the cluster of scope (a full name such as "net/syn"),
// making it and its parents on first use.
func (c *cluster) child(scope string) *cluster {
	cur := c
	parts := strings.Split(scope, "/")
	for i := range parts {
		name := strings.Join(parts[:i+1], "/")
		var next *cluster
		for _, k := range cur.children {
			if k.name == name {
				next = k
			}
		}
		if next == nil {
			next = &cluster{name: name}
			cur.children = append(cur.children, next)
		}
		cur = next
	}
	return cur
}

func (c *cluster) write(b *strings.Builder, indent string) {
	for _, n := range c.nodes {
		st := styles[n.Kind]
		if st.shape == "" {
			st = styles["op"]
		}
		attrs := fmt.Sprintf("shape=%s, fillcolor=%s, label=%s", st.shape, quote(st.fill), quote(nodeLabel(n)))
		if n.External {
			attrs += ", style=\"filled,dashed\""
		}
		fmt.Fprintf(b, "%s%s [%s];\n", indent, quote(n.Name), attrs)
	}
	for _, k := range c.children {
		fmt.Fprintf(b, "%ssubgraph %s {\n", indent, quote("cluster_"+k.name))
		fmt.Fprintf(b, "%s  label=%s; style=rounded; color=\"#888888\"; fontsize=11;\n", indent, quote(k.name))
		k.write(b, indent+"  ")
		fmt.Fprintf(b, "%s}\n", indent)
	}
}

// nodeLabel is a node's text in the drawing: its name (local to its
// cluster), what it is and its shape and dtype.
func nodeLabel(n *Node) string {
	name := n.Name
	if !n.External && n.Scope != "" {
		name = strings.TrimPrefix(name, n.Scope+"/")
	}
	what := n.Kind
	switch {
	case n.Kind == "scope":
		what = n.Op
	case n.Op != "" && n.Kind == "op":
		what = n.Op
	case n.Op != "":
		what = n.Kind + ": " + n.Op
	}
	label := name + "\n" + what
	if n.Dtype != "" {
		label += "\n" + shapeText(n.Shape) + " " + n.Dtype
	}
	return label
}

// quote returns s as a dot string: in double quotes, with quotes and
// backslashes escaped and newlines as \n (graphviz's centred line break).
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// shapeText prints a shape as "[1000]", "[50 100]" or "scalar".
func shapeText(s []int) string {
	if len(s) == 0 {
		return "scalar"
	}
	return fmt.Sprint(s)
}

// totalsLine sums the view up: "55 nodes, 1.2 MB".
func (v *View) totalsLine() string {
	return fmt.Sprintf("%d nodes, %s", v.Totals.Nodes, formatBytes(v.Totals.Bytes))
}

// formatBytes prints n bytes as "812 B", "8.0 kB", "1.2 MB" (powers of
// 1000).
func formatBytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// Kinds lists the kinds in the order the totals print them.
var Kinds = []string{"state", "next", "input", "param", "const", "output", "op"}

// Text writes the view as a table, as Keras's model.summary() prints a
// model: one row per node (name, op or kind, shape, dtype, bytes, inputs),
// then the totals per kind and overall. External nodes are marked "(ext)"
// and left out of the totals.
func (v *View) Text(w io.Writer) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# %s\n", v.Title)
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\top\tshape\tdtype\tbytes\tinputs")
	for _, n := range v.Nodes {
		name := n.Name
		if n.External {
			name += " (ext)"
		}
		op := n.Op
		if n.Kind != "op" && n.Kind != "scope" {
			op = n.Kind
			if n.Op != "" {
				op += ": " + n.Op
			}
		}
		shape, dtype := shapeText(n.Shape), n.Dtype
		if n.Kind == "scope" {
			shape, dtype = "-", "-"
		}
		inputs := strings.Join(n.Inputs, ", ")
		if inputs == "" {
			inputs = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", name, op, shape, dtype, n.Bytes, inputs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(&buf, "")
	for _, k := range v.kinds() {
		t := v.Totals.ByKind[k]
		fmt.Fprintf(&buf, "%-8s %4d nodes %12d bytes\n", k, t.Nodes, t.Bytes)
	}
	fmt.Fprintf(&buf, "%-8s %4d nodes %12d bytes (%s)\n", "total", v.Totals.Nodes, v.Totals.Bytes, formatBytes(v.Totals.Bytes))
	_, err := w.Write(buf.Bytes())
	return err
}

// kinds returns the kinds present in the totals, in Kinds' order, then any
// other in name order.
func (v *View) kinds() []string {
	var out []string
	for _, k := range Kinds {
		if _, ok := v.Totals.ByKind[k]; ok {
			out = append(out, k)
		}
	}
	var rest []string
	for k := range v.Totals.ByKind {
		if !slices.Contains(Kinds, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// JSON writes the view (title, scope, depth, nodes, edges, totals) as
// indented JSON.
func (v *View) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ErrNoGraphviz reports that graphviz's dot program is not installed.
var ErrNoGraphviz = errors.New("view: graphviz's dot is not installed (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; or print --format dot and render it elsewhere)")

// SVG renders dot text with graphviz's dot program (found on PATH) and
// returns the SVG. Without dot it returns ErrNoGraphviz; a failing dot
// gives an error with what dot printed.
func SVG(ctx context.Context, dot string) ([]byte, error) {
	path, err := exec.LookPath("dot")
	if err != nil {
		return nil, ErrNoGraphviz
	}
	cmd := exec.CommandContext(ctx, path, "-Tsvg")
	cmd.Stdin = strings.NewReader(dot)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("view: dot -Tsvg: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}
