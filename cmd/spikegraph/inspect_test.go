package main

import (
	"context"
	"encoding/json"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/sim"
)

// readableNames returns the readable names of every node of the graph
// that run builds for args (the scenario and its options).
func readableNames(t *testing.T, scenario string, o network.Options, durationMs float64) map[string]bool {
	t.Helper()
	p, err := sim.PlanScenario(scenario, o, durationMs)
	if err != nil {
		t.Fatal(err)
	}
	net, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, n := range net.Graph.ExprGraph().AllNodes() {
		names[net.Graph.ReadableName(n)] = true
	}
	return names
}

// TestRunProfile: profile.json's calls equal the steps for every op, the
// shares sum to 1, the names are the graph's readable names, and stdout
// lists them.
func TestRunProfile(t *testing.T) {
	for _, engine := range []string{"fused", "fine"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			code, out, e := runCLI(t, "run", "recurrent", "--n", "60", "--duration", "100", "--engine", engine, "--profile", "--out", dir)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, e)
			}
			b, err := os.ReadFile(filepath.Join(dir, "latest", "profile.json"))
			if err != nil {
				t.Fatal(err)
			}
			var pj profileJSON
			if err := json.Unmarshal(b, &pj); err != nil {
				t.Fatal(err)
			}
			eng, _ := network.ParseEngine(engine)
			names := readableNames(t, "recurrent", network.Options{Seed: 1, N: 60, Engine: eng}, 100)
			const steps = 200 // 100 ms at 0.5 ms
			if pj.Steps != steps || pj.Engine != engine || len(pj.Ops) == 0 {
				t.Fatalf("profile.json: steps %d engine %q, %d ops; want %d, %q, some", pj.Steps, pj.Engine, len(pj.Ops), steps, engine)
			}
			share, total := 0.0, int64(0)
			for _, o := range pj.Ops {
				if o.Calls != steps {
					t.Errorf("%s: %d calls, want %d", o.Node, o.Calls, steps)
				}
				if !names[o.Node] {
					t.Errorf("%q is not a readable name of the graph", o.Node)
				}
				if !strings.Contains(out, o.Node) {
					t.Errorf("stdout does not list %s", o.Node)
				}
				share += o.Share
				total += int64(o.Total)
			}
			// Shares are Total/sum in float64, printed with 17 digits:
			// they sum to 1 within a few ulps per op.
			if math.Abs(share-1) > 1e-12 || total != pj.TotalNs {
				t.Errorf("shares sum to %v, totals to %d (total_ns %d)", share, total, pj.TotalNs)
			}
			if !strings.Contains(out, "profile ("+engine+" engine") {
				t.Errorf("stdout lacks the profile header:\n%s", out)
			}
		})
	}
}

// chromium returns the path of a headless Chromium, skipping the test
// outside CI when there is none and failing it in CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed, and CI is set (.ci/run installs it)")
	}
	t.Skip("chromium is not installed (CI unset; .ci/run installs it)")
	return ""
}

// probe is put first in the <head> of the copy of a page that Chromium
// opens: it records errors (script errors, resources that fail to load,
// console.error) from the start, and once the page has loaded writes what
// it found into the DOM, which --dump-dom prints.
const probe = `<script>
var __errs = [];
window.addEventListener("error", function (e) {
  var t = e.target;
  __errs.push(t && t !== window ? "failed to load " + (t.tagName || "") + " " + (t.alt || "") : "error: " + e.message);
}, true);
window.addEventListener("unhandledrejection", function (e) { __errs.push("rejection: " + e.reason); });
var __ce = console.error;
console.error = function () { __errs.push("console.error: " + Array.prototype.join.call(arguments, " ")); __ce.apply(console, arguments); };
window.addEventListener("load", function () {
  var bad = [];
  for (var i = 0; i < document.images.length; i++) {
    var im = document.images[i];
    if (!im.complete || im.naturalWidth === 0) bad.push(im.alt || String(i));
  }
  var p = document.createElement("pre");
  p.id = "probe";
  p.textContent = JSON.stringify({images: document.images.length, bad: bad, errors: __errs,
    sections: document.querySelectorAll("h2").length, text: document.body.innerText.length});
  document.body.appendChild(p);
});
</script>`

// pageCheck is what the probe found.
type pageCheck struct {
	Images   int      `json:"images"`
	Bad      []string `json:"bad"`
	Errors   []string `json:"errors"`
	Sections int      `json:"sections"`
	Text     int      `json:"text"`
	// Console holds the console lines Chromium logged (the report has no
	// script, so any is a fault).
	Console []string
}

var probeRe = regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`)

// openInChromium opens a copy of page (with the probe) in headless
// Chromium and returns what the probe found.
func openInChromium(t *testing.T, bin, page string) pageCheck {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "<head>")
	if i < 0 {
		t.Fatalf("%s has no <head>", page)
	}
	dir := t.TempDir()
	cp := filepath.Join(dir, "page.html")
	if err := os.WriteFile(cp, []byte(s[:i+6]+probe+s[i+6:]), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		"--virtual-time-budget=10000", "--dump-dom", "file://"+cp)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	m := probeRe.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the page did not finish loading (no probe result in the DOM); stderr:\n%s", stderr.String())
	}
	var pc pageCheck
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &pc); err != nil {
		t.Fatalf("probe result %q: %v", m[1], err)
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			pc.Console = append(pc.Console, line)
		}
	}
	return pc
}

// TestProbeCatchesFaults runs the probe on a broken page, so that the
// report test below can fail.
func TestProbeCatchesFaults(t *testing.T) {
	bin := chromium(t)
	page := filepath.Join(t.TempDir(), "bad.html")
	bad := `<!DOCTYPE html><html><head><title>bad</title></head><body><h2>x</h2>
<img alt="missing" src="nosuch.png"><img alt="ok" src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg==">
<script>console.error("boom")</script></body></html>`
	if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	pc := openInChromium(t, bin, page)
	if pc.Images != 2 || len(pc.Bad) != 1 || pc.Bad[0] != "missing" {
		t.Errorf("images %d, bad %v; want 2 images, the missing one bad", pc.Images, pc.Bad)
	}
	joined := strings.Join(pc.Errors, "; ")
	if !strings.Contains(joined, "console.error: boom") || !strings.Contains(joined, "failed to load IMG missing") {
		t.Errorf("errors %q lack the console error and the failed image", joined)
	}
	if len(pc.Console) == 0 {
		t.Errorf("no console line in Chromium's log for console.error")
	}
}

// TestRunReportRendersInChromium: run --report writes a self-contained
// report.html that Chromium renders with every image loaded and no error,
// for a population and for a single neuron, with graphviz (the graph as
// SVG) and, for the single neuron, without it (the graph as a table).
func TestRunReportRendersInChromium(t *testing.T) {
	bin := chromium(t)
	cases := []struct {
		name      string
		args      []string
		noDot     bool
		minImages int
	}{
		// raster, 5 traces, rate, 2 histograms, graph
		{"recurrent", []string{"run", "recurrent", "--n", "80", "--duration", "300"}, false, 10},
		// trace, rate; the graph as a table
		{"single without graphviz", []string{"run", "single", "--duration", "300"}, true, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.noDot {
				t.Setenv("PATH", t.TempDir())
			} else if _, err := exec.LookPath("dot"); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatal("graphviz's dot is not installed, and CI is set")
				}
				t.Skip("graphviz's dot is not installed")
			}
			dir := t.TempDir()
			code, _, e := runCLI(t, append(tc.args, "--report", "--out", dir)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, e)
			}
			page := filepath.Join(dir, "latest", "report.html")
			b, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			// Self-contained: nothing to fetch, no script.
			for _, bad := range []string{"http://", "https://", "<script", "<link"} {
				if strings.Contains(string(b), bad) {
					t.Errorf("report.html holds %q", bad)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "latest", "profile.json")); err != nil {
				t.Errorf("--report writes no profile.json: %v", err)
			}
			hasTable := strings.Contains(string(b), "so the graph is shown as its table")
			if hasTable != tc.noDot {
				t.Errorf("graph shown as a table: %v, want %v", hasTable, tc.noDot)
			}
			pc := openInChromium(t, bin, page)
			if pc.Images < tc.minImages || len(pc.Bad) > 0 || len(pc.Errors) > 0 || len(pc.Console) > 0 {
				t.Errorf("images %d (want >= %d), not loaded %v, errors %v, console %v", pc.Images, tc.minImages, pc.Bad, pc.Errors, pc.Console)
			}
			if pc.Sections != 5 || pc.Text < 500 {
				t.Errorf("%d sections, %d characters of text: the page did not render its five sections", pc.Sections, pc.Text)
			}
		})
	}
}
