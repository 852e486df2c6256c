package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spikegraph/spikegraph/cmd/spikegraph/internal/outdir"
	"github.com/spikegraph/spikegraph/graph/view"
	"github.com/spikegraph/spikegraph/models/network"
	htmlreport "github.com/spikegraph/spikegraph/report"
	"github.com/spikegraph/spikegraph/sim"
)

// inspect is what run --profile and --report add to a run: profile.json
// and the profile on stdout, report.html. The zero inspect adds nothing.
type inspect struct {
	profile, report bool
	engine          string
	steps           int
	ops             []sim.OpProfile // the run's profile, once it has run
}

// options returns the sim options the flags need.
func (in *inspect) options() []sim.Option {
	if in.profile {
		return []sim.Option{sim.WithProfile()}
	}
	return nil
}

// profileJSON is profile.json: the ops slowest first; total_ns sums them.
type profileJSON struct {
	Engine  string          `json:"engine"`
	Steps   int             `json:"steps"`
	TotalNs int64           `json:"total_ns"`
	Ops     []sim.OpProfile `json:"ops"`
}

// write writes a complete run's profile.json and report.html, as asked.
func (in *inspect) write(ctx context.Context, od *outdir.Run, p sim.Plan, net *network.Net, res *sim.Result, sum *summary) error {
	in.ops, in.steps, in.engine = res.Profile, res.Steps, p.Options.Engine.String()
	if in.profile {
		pj := profileJSON{Engine: in.engine, Steps: res.Steps, Ops: res.Profile}
		for _, o := range res.Profile {
			pj.TotalNs += int64(o.Total)
		}
		if err := od.WriteJSON("profile.json", pj); err != nil {
			return err
		}
	}
	if !in.report {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	v, err := view.Build(net.Graph, graphTitle(p), view.Options{})
	if err != nil {
		return err
	}
	spikes, err := os.Open(filepath.Join(od.Dir(), "spikes.csv"))
	if err != nil {
		return err
	}
	defer spikes.Close()
	vf, err := os.Open(filepath.Join(od.Dir(), "v.npy"))
	if err != nil {
		return err
	}
	defer vf.Close()
	r := htmlreport.Run{Title: fmt.Sprintf("spikegraph run %s: %s", sum.RunID, sum.Scenario),
		Params: reportParams(sum), Stats: reportStats(sum), DtMs: res.DtMs, Steps: res.Steps,
		N: net.N, Inh: net.Inh, Spikes: spikes, V: vf, Recorded: net.Record, Graph: v, Profile: res.Profile}
	return od.Write("report.html", func(w io.Writer) error { return htmlreport.Write(ctx, w, r) })
}

// reportParams are the run's parameters as summary.json names them.
func reportParams(s *summary) []htmlreport.Field {
	syn := make([]string, 0, len(s.Synapses))
	for name, prop := range s.Synapses {
		syn = append(syn, name+" "+prop)
	}
	sort.Strings(syn)
	return []htmlreport.Field{
		{Name: "command", Value: s.Command}, {Name: "version", Value: s.Version},
		{Name: "scenario", Value: s.Scenario}, {Name: "semantics", Value: s.Semantics},
		{Name: "n", Value: fmt.Sprintf("%d (%d excitatory, %d inhibitory)", s.N, s.NExc, s.NInh)},
		{Name: "dt_ms", Value: formatMs(s.DtMs)}, {Name: "duration_ms", Value: formatMs(s.DurationMs)},
		{Name: "seed", Value: fmt.Sprint(s.Seed)}, {Name: "dtype", Value: s.Dtype},
		{Name: "engine", Value: s.Engine}, {Name: "synapses", Value: strings.Join(syn, ", ")},
	}
}

// reportStats are the run's counts and rates as summary.json holds them.
func reportStats(s *summary) []htmlreport.Field {
	hz := func(r *float64) string {
		if r == nil {
			return "-"
		}
		return fmt.Sprintf("%.2f Hz", *r)
	}
	return []htmlreport.Field{
		{Name: "steps", Value: fmt.Sprintf("%d of %d", s.Steps, s.StepsPlanned)},
		{Name: "spikes", Value: fmt.Sprintf("%d (excitatory %d, inhibitory %d)", s.Spikes, s.SpikesExc, s.SpikesInh)},
		{Name: "rate_exc_hz", Value: hz(s.RateExcHz)}, {Name: "rate_inh_hz", Value: hz(s.RateInhHz)},
		{Name: "input_spikes", Value: fmt.Sprint(s.InputSpikes)},
		{Name: "wall_s", Value: fmt.Sprintf("%.3f s (%.0f steps/s; with the profile's clock reads)", s.WallS, s.StepsPerS)},
	}
}

// print writes the profile to w: one line per op, slowest first.
func (in *inspect) print(w io.Writer) {
	if !in.profile || len(in.ops) == 0 {
		return
	}
	var total time.Duration
	for _, o := range in.ops {
		total += o.Total
	}
	fmt.Fprintf(w, "  profile (%s engine, %d ops over %d steps, %.3f ms in ops):\n", in.engine, len(in.ops), in.steps, float64(total)/1e6)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "    share\ttotal ms\tcalls\t  node (op)\n")
	for _, o := range in.ops {
		fmt.Fprintf(tw, "    %.1f %%\t%.3f\t%d\t  %s (%s)\n", 100*o.Share, float64(o.Total)/1e6, o.Calls, o.Node, o.Op)
	}
	tw.Flush()
}
