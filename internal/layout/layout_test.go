package layout

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/spikegraph/spikegraph/"

// forbidden lists, per package prefix, the project packages it must not
// import (STYLE.md section 1).
var forbidden = map[string][]string{
	"analysis":          {"graph", "ops", "models", "session", "sim", "cmd"},
	"graph":             {"ops", "models", "session", "sim", "cmd"},
	"ops":               {"graph", "models", "session", "sim", "cmd"},
	"models/izhikevich": {"models/synapse", "models/poisson", "models/network", "models/stimulus", "models/lif", "models/figures", "session", "sim", "cmd"},
	"models/synapse":    {"models/izhikevich", "models/poisson", "models/network", "models/stimulus", "models/lif", "models/figures", "session", "sim", "cmd"},
	"models/poisson":    {"models/izhikevich", "models/synapse", "models/network", "models/stimulus", "models/lif", "models/figures", "session", "sim", "cmd"},
	"models/stimulus":   {"models/izhikevich", "models/synapse", "models/poisson", "models/network", "models/lif", "models/figures", "session", "sim", "cmd"},
	"models/lif":        {"models/izhikevich", "models/synapse", "models/poisson", "models/network", "models/stimulus", "models/figures", "session", "sim", "cmd"},
	"models/figures":    {"models/network", "models/synapse", "models/poisson", "models/lif", "session", "sim", "cmd"},
	"models/network":    {"session", "sim", "cmd"},
	"session":           {"models", "ops", "sim", "cmd"},
	"plot":              {"graph", "ops", "models", "session", "sim", "cmd"},
	"sim":               {"plot", "train", "export", "cmd"},
	// An example of extending spikegraph uses only the public extension
	// API (graph, ops, session), never the built-in models (nor sim, which
	// runs them).
	"examples/adex": {"models", "sim", "cmd"},
}

// testsToo lists the packages whose test files must keep the rules as well:
// an example package's Example functions live in its _test files.
var testsToo = map[string]bool{"examples/adex": true}

func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}} | {{join .TestImports " "}} {{join .XTestImports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		own, tests, _ := strings.Cut(line, " | ")
		fields := strings.Fields(own)
		pkg := strings.TrimPrefix(fields[0], mod)
		bans, ok := forbidden[pkg]
		if !ok {
			continue
		}
		checked++
		imports := fields[1:]
		if testsToo[pkg] {
			imports = append(imports, strings.Fields(tests)...)
		}
		for _, imp := range imports {
			for _, ban := range bans {
				if imp == mod+ban || strings.HasPrefix(imp, mod+ban+"/") {
					t.Errorf("%s imports %s", pkg, strings.TrimPrefix(imp, mod))
				}
			}
		}
	}
	if checked != len(forbidden) {
		t.Fatalf("checked %d packages, want %d: a package moved?", checked, len(forbidden))
	}
}

// forbiddenExternal lists, per package prefix (the package itself and every
// package below it), the modules outside the project that it must not
// import directly (STYLE.md section 1: the command line holds no
// simulation and no plotting; sim and plot do, and it calls them).
var forbiddenExternal = map[string][]string{
	"cmd": {"gorgonia.org/gorgonia", "gorgonia.org/tensor", "gonum.org/v1/plot"},
}

func TestExternalImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for prefix, bans := range forbiddenExternal {
			if pkg != prefix && !strings.HasPrefix(pkg, prefix+"/") {
				continue
			}
			checked[prefix]++
			for _, imp := range fields[1:] {
				for _, ban := range bans {
					if imp == ban || strings.HasPrefix(imp, ban+"/") {
						t.Errorf("%s imports %s", pkg, imp)
					}
				}
			}
		}
	}
	for prefix := range forbiddenExternal {
		if checked[prefix] == 0 {
			t.Errorf("no package under %q: a package moved?", prefix)
		}
	}
}
