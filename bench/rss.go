package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// ErrNoRSS reports that the peak resident set size cannot be read or reset
// here (not Linux, or /proc is not mounted or not writable).
var ErrNoRSS = errors.New("peak RSS not available")

// PeakRSS returns the process's peak resident set size so far, in bytes:
// VmHWM of /proc/self/status (Linux). It is the whole process's high-water
// mark since it started or since the last ResetPeakRSS, whatever ran in
// it (every engine, the test binary, other goroutines), not one run's.
func PeakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("bench: %w: %w", ErrNoRSS, err)
	}
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		rest, ok := bytes.CutPrefix(s.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest) // "1234", "kB"
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("bench: %w: VmHWM line %q", ErrNoRSS, s.Text())
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bench: %w: VmHWM: %w", ErrNoRSS, err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("bench: %w: no VmHWM in /proc/self/status", ErrNoRSS)
}

// ResetPeakRSS resets the process's peak RSS to its current RSS by writing
// 5 to /proc/self/clear_refs (Linux 4.0 and later), so that PeakRSS reads
// the peak of what runs next. Call debug.FreeOSMemory first, or pages the
// Go runtime freed but still holds count as resident.
func ResetPeakRSS() error {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("bench: %w: %w", ErrNoRSS, err)
	}
	return nil
}
