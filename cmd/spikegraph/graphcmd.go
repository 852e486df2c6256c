package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/spikegraph/spikegraph/graph/view"
	"github.com/spikegraph/spikegraph/sim"
)

// graphFormats are the formats of the graph command; names is the first
// and the default.
var graphFormats = []string{"names", "dot", "svg", "text", "json"}

// graphHelp is the graph command's own part of `graph -h`.
const graphHelp = `Usage: spikegraph graph SCENARIO [--format F] [--scope S] [--depth D] [run flags]

Prints the step graph of the scenario, as spikegraph names its nodes: the
registered names (net/v, net/v:next, in/rate), and for computed nodes scope,
op and number in build order (net/mul#3), the same in every build.

  --format F   names (default: the registered names, kind, shape, dtype),
               dot (Graphviz, a cluster per scope, edges labelled with shapes),
               svg (dot rendered by graphviz's dot program; exit 1 with how to
               install graphviz when it is missing), text (a model.summary()
               table: name, op, shape, dtype, bytes, inputs, totals) or json
               (the same data as text, with the edges)
  --scope S    only the nodes in scope S (e.g. net), with their neighbours
               outside it drawn dashed
  --depth D    fold scopes nested deeper than D name levels below --scope
               into one node each (1 folds every scope; default 0: every level)
  --engine E   fine (default here: gorgonia primitives, the graph that is the
               truth) or fused (the one-op-per-population graph that run uses
               by default)

`

// cmdGraph prints the step graph of a scenario.
func cmdGraph(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseRun("graph", args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, graphHelp+runFlagsHelp())
		return exitOK
	}
	if err != nil {
		return report(stderr, "graph", err)
	}
	net, err := c.plan.BuildContext(ctx)
	if err != nil {
		return report(stderr, "graph", err)
	}
	phase(ctx, "graph")
	if err := ctx.Err(); err != nil {
		return report(stderr, "graph", err)
	}
	if c.format == "names" {
		fmt.Fprintf(stdout, "# %s step graph (engine %s): name, kind, shape, dtype\n", c.plan.Scenario.Name, c.plan.Options.Engine)
		fmt.Fprint(stdout, net.Graph.Describe())
		return exitOK
	}
	v, err := view.Build(net.Graph, graphTitle(c.plan), view.Options{Scope: c.scope, Depth: c.depth})
	if errors.Is(err, view.ErrUnknownScope) {
		return report(stderr, "graph", usagef("--scope: %v", err))
	}
	if err != nil {
		return report(stderr, "graph", err)
	}
	switch c.format {
	case "dot":
		_, err = io.WriteString(stdout, v.Dot())
	case "svg":
		var svg []byte
		if svg, err = view.SVG(ctx, v.Dot()); err == nil {
			_, err = stdout.Write(svg)
		}
	case "text":
		err = v.Text(stdout)
	case "json":
		err = v.JSON(stdout)
	}
	if err != nil {
		return report(stderr, "graph", err)
	}
	return exitOK
}

// graphTitle names the graph a view shows: the scenario, its size, dtype
// and engine.
func graphTitle(p sim.Plan) string {
	t := fmt.Sprintf("%s step graph, engine %s, %s", p.Scenario.Name, p.Options.Engine, p.Options.Dtype)
	if p.Options.N > 1 {
		t += fmt.Sprintf(", n %d", p.Options.N)
	}
	return t
}
