package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as spikegraph itself, so that a test can
// send real signals to a real process.
func TestMain(m *testing.M) {
	if os.Getenv("SPIKEGRAPH_AS_MAIN") == "1" {
		os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestSignalsExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGINT, exitInterrupted}, {syscall.SIGTERM, exitTerminated}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			// A run long enough (about a minute) to be stopped in the middle.
			cmd := exec.Command(os.Args[0], "run", "recurrent", "--n", "500", "--duration", "60000", "--out", dir)
			cmd.Env = append(os.Environ(), "SPIKEGRAPH_AS_MAIN=1")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Give it time to install its signal handler and start stepping.
			time.Sleep(1500 * time.Millisecond)
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.want {
				t.Fatalf("exit: %v, want status %d", err, tc.want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 0 {
				t.Fatalf("an interrupted first run left %d entries in --out", len(entries))
			}
		})
	}
}
