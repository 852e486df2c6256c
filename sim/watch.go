package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
)

// ErrUnknownNode reports a watched name the network's graph does not
// hold (graph.ErrUnknownNode); the error is an *UnknownNodeError.
var ErrUnknownNode = graph.ErrUnknownNode

// UnknownNodeError is a watched name the graph does not hold, with the
// graph's names closest to it. FineOnly reports that the name is a node of
// the scenario's fine-grained graph (network.Fine) that the fused engine
// computes inside one op, so that only a fine-engine run can watch it.
type UnknownNodeError struct {
	Name     string
	Close    []string // up to 5 names of the graph nearest to Name, nearest first
	FineOnly bool
}

func (e *UnknownNodeError) Error() string {
	if e.FineOnly {
		return fmt.Sprintf("%q is a node of the fine-grained graph only (the fused engine computes it inside one op): run the fine engine (network.Fine; --engine fine), which computes the same values", e.Name)
	}
	msg := fmt.Sprintf("unknown node %q", e.Name)
	if len(e.Close) > 0 {
		msg += " (close: " + strings.Join(e.Close, ", ") + ")"
	}
	return msg
}

func (e *UnknownNodeError) Unwrap() error { return ErrUnknownNode }

// WithWatch records the node name of the network's graph (any named node:
// a state, a next value such as "net/v:next", an input, a param, a
// constant or an output such as "syn_in/I") every every steps into sink:
// the samples every, 2·every, ... with what session.Session.Value reports
// for the node after each of those steps (see session.WatchNode). A name
// the graph does not hold makes Run return an *UnknownNodeError before any
// step. Several watches may be given, each name at most once.
func WithWatch(name string, every int, sink TraceSink) Option {
	return func(c *config) {
		w, err := session.WatchNode(name, every, sink)
		if err != nil {
			c.fail(fmt.Errorf("sim: WithWatch: %w", err))
			return
		}
		for _, x := range c.watches {
			if x.name == name {
				c.fail(fmt.Errorf("sim: WithWatch %q given twice", name))
				return
			}
		}
		c.watches = append(c.watches, watch{name: name, rec: w})
	}
}

type watch struct {
	name string
	rec  *session.NodeWatcher
}

// NodeShape returns the shape of the node name of g (empty for a scalar),
// or an *UnknownNodeError with the closest names.
func NodeShape(g *graph.Graph, name string) ([]int, error) {
	n, err := g.Node(name)
	if err != nil {
		if errors.Is(err, graph.ErrUnknownNode) {
			return nil, &UnknownNodeError{Name: name, Close: closeNames(name, g.Names())}
		}
		return nil, err
	}
	if n.IsScalar() {
		return nil, nil
	}
	return append([]int(nil), n.Shape()...), nil
}

// WatchShape is NodeShape for a run of the plan: a name the fused graph
// net lacks but the plan's fine-grained graph holds gives an
// *UnknownNodeError with FineOnly set. (It builds the fine graph at the
// plan's options and at most 200 neurons to learn its names, which do not
// depend on the size.)
func (p Plan) WatchShape(ctx context.Context, net *network.Net, name string) ([]int, error) {
	shape, err := NodeShape(net.Graph, name)
	var ue *UnknownNodeError
	if !errors.As(err, &ue) || p.Options.Engine == network.Fine {
		return shape, err
	}
	o := p.Options
	o.Engine = network.Fine
	o.Propagation = network.Auto
	if p.Scenario.MaxN > 0 {
		o.N = max(min(o.N, 200), p.Scenario.MinN)
	}
	fine, ferr := p.Scenario.BuildContext(ctx, o)
	if ferr != nil {
		return nil, err
	}
	if _, ferr := fine.Graph.Node(name); ferr == nil {
		ue.FineOnly = true
	}
	return nil, ue
}

// closeNames returns up to 5 of names nearest to name: those within an
// edit distance of a third of its length (at least 2), or that end with
// it after a '/' (a local name given without its scope), nearest first.
func closeNames(name string, names []string) []string {
	type cand struct {
		name string
		d    int
	}
	limit := max(2, len(name)/3)
	var cs []cand
	for _, n := range names {
		d := editDistance(name, n)
		if strings.HasSuffix(n, "/"+name) {
			d = min(d, 1)
		}
		if d <= limit {
			cs = append(cs, cand{n, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	var out []string
	for i := 0; i < len(cs) && i < 5; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
