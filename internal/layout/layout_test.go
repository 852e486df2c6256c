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
	"graph":             {"ops", "models", "session", "cmd"},
	"ops":               {"graph", "models", "session", "cmd"},
	"models/izhikevich": {"models/synapse", "models/poisson", "models/network", "models/stimulus", "models/lif", "session", "cmd"},
	"models/synapse":    {"models/izhikevich", "models/poisson", "models/network", "models/stimulus", "models/lif", "session", "cmd"},
	"models/poisson":    {"models/izhikevich", "models/synapse", "models/network", "models/stimulus", "models/lif", "session", "cmd"},
	"models/stimulus":   {"models/izhikevich", "models/synapse", "models/poisson", "models/network", "models/lif", "session", "cmd"},
	"models/lif":        {"models/izhikevich", "models/synapse", "models/poisson", "models/network", "models/stimulus", "session", "cmd"},
	"models/network":    {"session", "cmd"},
	"session":           {"models", "ops", "cmd"},
}

func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		bans, ok := forbidden[pkg]
		if !ok {
			continue
		}
		checked++
		for _, imp := range fields[1:] {
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
