package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnstableDtRefused: the divergence cases are refused before
// anything is written (exit 64, one line naming --dt and --allow-unstable).
func TestUnstableDtRefused(t *testing.T) {
	for _, args := range [][]string{
		{"run", "single", "--dt", "5"},
		{"run", "single", "--dt", "100"},
		{"run", "uncoupled", "--dt", "9.99", "--duration", "999"},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		code, _, stderr := runCLI(t, append(args, "--out", dir)...)
		if code != exitUsage || !strings.Contains(stderr, "--dt:") || !strings.Contains(stderr, "--allow-unstable") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d naming --dt and --allow-unstable on one line", args, code, stderr, exitUsage)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v: %s exists (%v), want nothing written", args, dir, err)
		}
	}
}
