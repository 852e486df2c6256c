package sim

import (
	"cmp"
	"slices"
	"time"

	"github.com/spikegraph/spikegraph/session"
)

// OpProfile is the time one op node took over a run (see WithProfile).
type OpProfile struct {
	// Node is the node's readable name (graph.Graph.ReadableName:
	// "net/v:next", "syn_in/conductance_event#1").
	Node string `json:"node"`
	// Op is the op as it reads (graph.OpText: "+", "Where",
	// "IzhikevichStep{scheme=0,dt=0.5,peak=35}").
	Op string `json:"op"`
	// Calls is the number of times it ran: once per step.
	Calls int64 `json:"calls"`
	// Total is the time spent in it over the run.
	Total time.Duration `json:"total_ns"`
	// Share is Total over the sum of every op's Total (the shares sum to
	// 1; 0 when no time was measured).
	Share float64 `json:"share"`
}

// profile sorts the session's op times, slowest first (ties by name), and
// adds each one's share of their sum.
func profile(times []session.OpTime) []OpProfile {
	out := make([]OpProfile, len(times))
	var sum time.Duration
	for i, t := range times {
		out[i] = OpProfile{Node: t.Node, Op: t.Op, Calls: t.Calls, Total: t.Total}
		sum += t.Total
	}
	if sum > 0 {
		for i := range out {
			out[i].Share = float64(out[i].Total) / float64(sum)
		}
	}
	slices.SortStableFunc(out, func(a, b OpProfile) int {
		if c := cmp.Compare(b.Total, a.Total); c != 0 {
			return c
		}
		return cmp.Compare(a.Node, b.Node)
	})
	return out
}
