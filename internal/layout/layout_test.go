package layout

import (
	"os/exec"
	"path"
	"strings"
	"testing"
)

const mod = "github.com/spikegraph/spikegraph/"

// layer is a rule of STYLE.md section 1: the project packages a package
// may import (patterns: "models/*" is any package under models/), and the
// outside packages it must not.
type layer struct {
	allow    []string
	banExtra []string // outside import paths (prefixes) it must not use
	tests    bool     // its test files keep the rule too
}

// components are the neuron, synapse and source models: they build graphs
// with graph and ops only.
var component = layer{allow: []string{"graph", "ops"}}

// layers maps a package (or a pattern ending in "/*") to its layer. The
// most specific entry wins, so a new package under models/ or examples/ is
// checked by its folder's rule without editing any list.
var layers = map[string]layer{
	"graph": {},
	// Views of a step graph for people (dot, svg, a summary table, json).
	"graph/view": {allow: []string{"graph"}},
	"ops":        {},
	"analysis":   {},
	"session":    {allow: []string{"graph"}},
	"models/*":   component,
	// Assemblies: the composer and the published figures compose components.
	"models/network": {allow: []string{"models/*", "graph", "ops"}},
	"models/figures": {allow: []string{"models/*", "graph", "ops"}},
	"plot":           {allow: []string{"analysis"}},
	"sim":            {allow: []string{"session", "models/*", "graph", "ops", "analysis"}},
	"train":          {allow: []string{"sim", "session", "models/*", "graph", "ops", "analysis"}},
	// Performance comparisons: a reference loop beside the engine.
	"bench":  {allow: []string{"sim", "session", "models/*", "graph", "ops", "analysis"}},
	"export": {allow: []string{"sim", "session", "models/*", "graph", "ops", "analysis"}},
	// A run's HTML page: its figures, graph view and profile.
	"report": {allow: []string{"sim", "plot", "graph/view", "graph", "analysis"}},
	// The command line: flags, the output folder, exit codes. It reaches
	// gorgonia, tensor and gonum/plot only through the packages below it.
	"cmd/*": {allow: []string{"cmd/*", "report", "sim", "plot", "bench", "train", "export", "models/*", "session", "graph", "graph/view", "ops", "analysis"},
		banExtra: []string{"gorgonia.org/gorgonia", "gorgonia.org/tensor", "gonum.org/v1/plot"}},
	// An example of extending spikegraph: its own model on the public
	// extension API, dropped into the composer (with the stimulus
	// protocols) and run; never a built-in neuron model. Its Examples live
	// in its test files.
	"examples/*": {allow: []string{"graph", "ops", "session", "sim", "models/network", "models/stimulus", "internal/testutil"}, tests: true},
	// Shared test helpers.
	"internal/*": {allow: []string{"*"}},
}

// ruleFor returns the most specific layer for pkg.
func ruleFor(pkg string) (layer, string, bool) {
	if l, ok := layers[pkg]; ok {
		return l, pkg, true
	}
	for dir := path.Dir(pkg); dir != "."; dir = path.Dir(dir) {
		if l, ok := layers[dir+"/*"]; ok {
			return l, dir + "/*", true
		}
	}
	return layer{}, "", false
}

func allowed(l layer, imp string) bool {
	for _, a := range l.allow {
		switch {
		case a == "*", a == imp:
			return true
		case strings.HasSuffix(a, "/*") && strings.HasPrefix(imp, strings.TrimSuffix(a, "*")):
			return true
		}
	}
	return false
}

func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}} | {{join .TestImports " "}} {{join .XTestImports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		own, tests, _ := strings.Cut(line, " | ")
		fields := strings.Fields(own)
		pkg := strings.TrimPrefix(fields[0], mod)
		l, rule, ok := ruleFor(pkg)
		if !ok {
			t.Errorf("%s: no layer rule (add it to layers, STYLE.md section 1)", pkg)
			continue
		}
		checked[rule] = true
		imports := fields[1:]
		if l.tests {
			imports = append(imports, strings.Fields(tests)...)
		}
		for _, imp := range imports {
			if own, ok := strings.CutPrefix(imp, mod); ok {
				if own != pkg && !allowed(l, own) {
					t.Errorf("%s imports %s (rule %q allows %v)", pkg, own, rule, l.allow)
				}
				continue
			}
			for _, ban := range l.banExtra {
				if imp == ban || strings.HasPrefix(imp, ban+"/") {
					t.Errorf("%s imports %s, which rule %q bans", pkg, imp, rule)
				}
			}
		}
	}
	// The rules that exist today must have matched: a moved package shows.
	for _, rule := range []string{"graph", "graph/view", "ops", "analysis", "session", "models/*", "models/network", "models/figures", "plot", "report", "cmd/*", "examples/*"} {
		if !checked[rule] {
			t.Errorf("rule %q matched no package: a package moved?", rule)
		}
	}
}

func TestRulesCatchViolations(t *testing.T) {
	cases := []struct {
		pkg, imp string
		want     bool
	}{
		{"session", "graph", true},
		{"session", "models/network", false},
		{"models/lif", "graph", true},
		{"models/lif", "models/izhikevich", false}, // components stay apart
		{"models/newmodel", "ops", true},           // a new component needs no new rule
		{"models/newmodel", "session", false},
		{"models/network", "models/lif", true},
		{"plot", "session", false},
		{"sim", "plot", false},
		{"cmd/spikegraph", "sim", true},
		{"sim", "cmd/spikegraph", false},
		{"models/network", "sim", false},
		{"examples/adex", "models/izhikevich", false},
		{"examples/adex", "models/network", true},
		{"graph", "ops", false},
		{"graph/view", "graph", true},
		{"graph/view", "models/network", false},
		{"graph", "graph/view", false},
		{"report", "plot", true},
		{"report", "cmd/spikegraph", false},
		{"sim", "report", false},
	}
	for _, tc := range cases {
		l, _, ok := ruleFor(tc.pkg)
		if !ok {
			t.Errorf("%s: no rule", tc.pkg)
			continue
		}
		if got := allowed(l, tc.imp); got != tc.want {
			t.Errorf("%s importing %s: allowed = %v, want %v", tc.pkg, tc.imp, got, tc.want)
		}
	}
}
