package main

import (
	"runtime/debug"
	"strings"
)

// version is spikegraph's version when set at link time
// (go build -ldflags "-X main.version=v1.2.3"); when empty, versionString
// takes it from the build information.
var version = ""

// versionString returns the version recorded in every summary.json: the
// link-time version, else the module version of an installed release, else
// "devel" with the VCS revision and "+dirty" for a build from a modified
// checkout.
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return strings.TrimSuffix("devel "+rev, " ") + dirty
}
