package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as spikegraph itself, so that a test can
// send real signals to a real process.
//
// With SPIKEGRAPH_TEST_SIGNAL=PHASE:SIGNAL the process sends itself SIGNAL
// at the start of PHASE (see phaseHook) and waits for the command to see
// it, so that a test can stop each phase for certain.
func TestMain(m *testing.M) {
	if os.Getenv("SPIKEGRAPH_AS_MAIN") == "1" {
		if at, sig, ok := strings.Cut(os.Getenv("SPIKEGRAPH_TEST_SIGNAL"), ":"); ok {
			phaseHook = func(ctx context.Context, name string) {
				if name != at {
					return
				}
				s := map[string]syscall.Signal{"SIGINT": syscall.SIGINT, "SIGTERM": syscall.SIGTERM, "SIGHUP": syscall.SIGHUP}[sig]
				_ = syscall.Kill(os.Getpid(), s)
				select {
				case <-ctx.Done():
				case <-time.After(5 * time.Second):
				}
			}
		}
		os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestSignalInEveryPhase stops a run in each phase with each signal: the
// exit status is 128 + the signal, the run's folder says "interrupted" and
// latest does not move; graph exits the same way.
func TestSignalInEveryPhase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	sigs := map[string]int{"SIGINT": exitInterrupted, "SIGTERM": exitTerminated, "SIGHUP": exitHangup}
	for _, ph := range []string{"build", "simulate", "write", "graph"} {
		for sig, want := range sigs {
			t.Run(ph+"/"+sig, func(t *testing.T) {
				t.Parallel()
				dir := filepath.Join(t.TempDir(), "out")
				args := []string{"run", "uncoupled", "--n", "50", "--duration", "200", "--out", dir, "--name", "run"}
				if ph == "graph" {
					args = []string{"graph", "uncoupled", "--n", "50"}
				}
				cmd := exec.Command(os.Args[0], args...)
				cmd.Env = append(os.Environ(), "SPIKEGRAPH_AS_MAIN=1", "SPIKEGRAPH_TEST_SIGNAL="+ph+":"+sig)
				start := time.Now()
				out, err := cmd.CombinedOutput()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != want {
					t.Fatalf("exit: %v, want status %d\n%s", err, want, out)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("took %v to stop", d)
				}
				if ph == "graph" {
					return
				}
				b, err := os.ReadFile(filepath.Join(dir, "run", "summary.json"))
				if err != nil || !strings.Contains(string(b), `"status": "interrupted"`) {
					t.Errorf("summary.json (%v): %s", err, b)
				}
				if _, err := os.Lstat(filepath.Join(dir, "latest")); !os.IsNotExist(err) {
					t.Errorf("latest exists after an interrupted run (%v)", err)
				}
			})
		}
	}
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
			cmd := exec.Command(os.Args[0], "run", "recurrent", "--n", "500", "--duration", "60000", "--out", dir, "--name", "run")
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
			if _, err := os.Lstat(filepath.Join(dir, "latest")); !os.IsNotExist(err) {
				t.Errorf("an interrupted first run made latest (%v)", err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "run", "summary.json"))
			if err != nil || !strings.Contains(string(b), `"status": "interrupted"`) {
				t.Errorf("the run's summary.json (%v): %s", err, b)
			}
		})
	}
}
