package testutil

import (
	"errors"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }

func TestNoPanic(t *testing.T) {
	r := &recorder{TB: t}
	if err := NoPanic(r, func() error { panic("boom") }); err == nil || !r.failed {
		t.Errorf("a panic: err = %v, failed = %v; want an error and a failure", err, r.failed)
	}
	r = &recorder{TB: t}
	want := errors.New("x")
	if err := NoPanic(r, func() error { return want }); err != want || r.failed {
		t.Errorf("an error: err = %v, failed = %v", err, r.failed)
	}
}

func TestWantErr(t *testing.T) {
	for _, tc := range []struct {
		err  error
		fail bool
	}{
		{errors.New("lif: Config.N = 0 must be >= 1"), false},
		{errors.New("lif: Config.DtMs is bad"), true}, // names another field
		{errors.New("synapse: Config.N = 0"), true},   // another package
		{nil, true},
	} {
		r := &recorder{TB: t}
		WantErr(r, "lif", "case", tc.err, "Config.N")
		if r.failed != tc.fail {
			t.Errorf("%v: failed = %v, want %v", tc.err, r.failed, tc.fail)
		}
	}
}
