package view_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spikegraph/spikegraph/graph"
	"github.com/spikegraph/spikegraph/graph/view"
	"github.com/spikegraph/spikegraph/models/network"
)

// needTool returns the path of an external program, skipping the test
// when it is missing outside CI and failing it in CI (env CI set), where
// .ci/run installs it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed, and CI is set (.ci/run installs it)", name)
	}
	t.Skipf("%s is not installed (CI unset; .ci/run installs it)", name)
	return ""
}

// build builds scenario s with engine e at a small size.
func build(t *testing.T, s network.Scenario, e network.Engine) *graph.Graph {
	t.Helper()
	return buildVariant(t, variant{s: s, e: e})
}

// buildVariant builds a variant at a small size.
func buildVariant(t *testing.T, vr variant) *graph.Graph {
	t.Helper()
	s := vr.s
	o := network.Options{Seed: 1, Engine: vr.e, Notebook: vr.notebook}
	if s.MaxN > 0 {
		o.N = max(s.MinN, 60)
	}
	o, err := s.Check(o)
	if err != nil {
		t.Fatal(err)
	}
	net, err := s.BuildContext(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return net.Graph
}

type variant struct {
	name     string
	s        network.Scenario
	e        network.Engine
	notebook bool
}

// variants are every scenario on both engines, and with --notebook where
// the scenario has it (its own schemes and host-side current).
func variants() []variant {
	var out []variant
	for _, s := range network.Scenarios() {
		for _, e := range []network.Engine{network.Fine, network.Fused} {
			out = append(out, variant{s.Name + "/" + e.String(), s, e, false})
			if s.Notebook {
				out = append(out, variant{s.Name + "/notebook/" + e.String(), s, e, true})
			}
		}
	}
	return out
}

// TestDotParsesWithoutWarning renders every scenario's view (whole, one
// scope, folded) with graphviz and requires an empty stderr.
func TestDotParsesWithoutWarning(t *testing.T) {
	dot := needTool(t, "dot")
	for _, vr := range variants() {
		t.Run(vr.name, func(t *testing.T) {
			g := buildVariant(t, vr)
			for _, o := range []view.Options{{}, {Scope: "net"}, {Depth: 1}, {Scope: "net", Depth: 1}} {
				v, err := view.Build(g, vr.name, o)
				if err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(dot, "-Tsvg", "-o", os.DevNull)
				cmd.Stdin = strings.NewReader(v.Dot())
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil || stderr.Len() > 0 {
					t.Errorf("%+v: dot -Tsvg: %v, stderr:\n%s", o, err, stderr.String())
				}
			}
		})
	}
}

// TestSameGraphSameDot: two builds of a network give identical dot text,
// and every node of the view has a distinct name.
func TestSameGraphSameDot(t *testing.T) {
	for _, vr := range variants() {
		t.Run(vr.name, func(t *testing.T) {
			a, err := view.Build(buildVariant(t, vr), "t", view.Options{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := view.Build(buildVariant(t, vr), "t", view.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Dot() != b.Dot() {
				t.Errorf("two builds give different dot text")
			}
			seen := map[string]bool{}
			for _, n := range a.Nodes {
				if seen[n.Name] {
					t.Errorf("name %q twice", n.Name)
				}
				seen[n.Name] = true
				if strings.Contains(n.Name, "%") || strings.Contains(n.Name, "(") {
					t.Errorf("name %q is gorgonia's expression, not a readable name", n.Name)
				}
			}
		})
	}
}

// TestTextTotals checks the table's totals against the graph, counted here
// from gorgonia's nodes: every node, its elements times its dtype's size.
func TestTextTotals(t *testing.T) {
	totalRe := regexp.MustCompile(`(?m)^total\s+(\d+) nodes\s+(\d+) bytes`)
	for _, vr := range variants() {
		t.Run(vr.name, func(t *testing.T) {
			g := buildVariant(t, vr)
			wantNodes, wantBytes := 0, int64(0)
			for _, n := range g.ExprGraph().AllNodes() {
				wantNodes++
				size := int64(n.Dtype().Size())
				for _, d := range n.Shape() {
					size *= int64(d)
				}
				wantBytes += size
			}
			v, err := view.Build(g, vr.name, view.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := v.Text(&buf); err != nil {
				t.Fatal(err)
			}
			m := totalRe.FindStringSubmatch(buf.String())
			if m == nil {
				t.Fatalf("no total line in\n%s", buf.String())
			}
			gotNodes, _ := strconv.Atoi(m[1])
			gotBytes, _ := strconv.ParseInt(m[2], 10, 64)
			if gotNodes != wantNodes || gotBytes != wantBytes {
				t.Errorf("total %d nodes, %d bytes; the graph has %d nodes, %d bytes", gotNodes, gotBytes, wantNodes, wantBytes)
			}
			// One table row per node, besides the header.
			rows := strings.Count(strings.Split(buf.String(), "\n\n")[0], "\n") - 1
			if rows != wantNodes {
				t.Errorf("%d rows for %d nodes", rows, wantNodes)
			}
			// The JSON holds the same data.
			var js bytes.Buffer
			if err := v.JSON(&js); err != nil {
				t.Fatal(err)
			}
			var back view.View
			if err := json.Unmarshal(js.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Nodes, v.Nodes) || back.Totals.Nodes != wantNodes || back.Totals.Bytes != wantBytes {
				t.Errorf("JSON does not hold the view's nodes and totals")
			}
		})
	}
}

// TestScopeAndDepth crops the recurrent network's fine graph.
func TestScopeAndDepth(t *testing.T) {
	s, err := network.Lookup("recurrent")
	if err != nil {
		t.Fatal(err)
	}
	g := build(t, s, network.Fine)
	v, err := view.Build(g, "net", view.Options{Scope: "net"})
	if err != nil {
		t.Fatal(err)
	}
	inNet := 0
	for _, n := range g.ExprGraph().AllNodes() {
		if strings.HasPrefix(g.ReadableName(n), "net/") {
			inNet++
		}
	}
	if v.Totals.Nodes != inNet {
		t.Errorf("scope net: totals count %d nodes, the graph has %d named net/...", v.Totals.Nodes, inNet)
	}
	ext := 0
	for _, n := range v.Nodes {
		if !n.External && !strings.HasPrefix(n.Name, "net/") {
			t.Errorf("scope net shows %q as its own", n.Name)
		}
		if n.External {
			ext++
		}
	}
	if ext == 0 {
		t.Errorf("scope net shows no neighbour outside it (its input current comes from syn_in)")
	}
	// Depth 1 folds every scope into one node, and loses no node.
	f, err := view.Build(g, "folded", view.Options{Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"net": true, "syn_in": true, "syn_rec": true, "in": true, "step": true, "step:next": true}
	count := 0
	for _, n := range f.Nodes {
		if !want[n.Name] && n.Kind != "const" {
			t.Errorf("folded view shows %q (%s)", n.Name, n.Kind)
		}
		count += n.Nodes
	}
	if count != len(g.ExprGraph().AllNodes()) || f.Totals.Nodes != count {
		t.Errorf("folded view stands for %d nodes (totals %d), the graph has %d", count, f.Totals.Nodes, len(g.ExprGraph().AllNodes()))
	}
	if _, err := view.Build(g, "x", view.Options{Scope: "nosuch"}); !errors.Is(err, view.ErrUnknownScope) {
		t.Errorf("unknown scope: err = %v, want ErrUnknownScope", err)
	}
	if _, err := view.Build(g, "x", view.Options{Depth: -1}); err == nil {
		t.Errorf("depth -1: no error")
	}
}

// TestSVG renders through graphviz when it is there.
func TestSVG(t *testing.T) {
	needTool(t, "dot")
	s, _ := network.Lookup("single")
	v, err := view.Build(build(t, s, network.Fine), "single", view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svg, err := view.SVG(context.Background(), v.Dot())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("v:next")) {
		t.Errorf("SVG lacks <svg or the node v:next")
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := view.SVG(context.Background(), v.Dot()); !errors.Is(err, view.ErrNoGraphviz) {
		t.Errorf("without dot on PATH: err = %v, want ErrNoGraphviz", err)
	}
}
