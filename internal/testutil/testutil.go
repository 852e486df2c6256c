// Package testutil holds the helpers that several packages' tests share
// (STYLE.md section 1): it is imported by tests only.
package testutil

import (
	"errors"
	"strings"
	"testing"
)

// NoPanic runs f and returns its error; a panic fails t and comes back as
// an error, so that a table case that panics fails instead of stopping the
// test binary.
func NoPanic(t testing.TB, f func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("panicked: %v", r)
			err = errors.New("panicked")
		}
	}()
	return f()
}

// WantErr fails t unless err starts with pkg + ": " and holds want (the
// name of the field at fault); what names the case in the message.
func WantErr(t testing.TB, pkg, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), pkg+": ") || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: got=%v, want a %s error holding %q", what, err, pkg, want)
	}
}
