package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unwatchFile inverts watchFile by its documented rule, reading left to
// right: "__" is '/', "_-" is '_', another '_' is '_', "--" is ':'.
func unwatchFile(t *testing.T, file string) string {
	t.Helper()
	s, ok := strings.CutPrefix(file, "watch/")
	if !ok {
		t.Fatalf("%q is not under watch/", file)
	}
	s, ok = strings.CutSuffix(s, ".npy")
	if !ok {
		t.Fatalf("%q does not end in .npy", file)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '_' && i+1 < len(s) && s[i+1] == '_':
			b.WriteByte('/')
			i++
		case s[i] == '_' && i+1 < len(s) && s[i+1] == '-':
			b.WriteByte('_')
			i++
		case s[i] == '-':
			if i+1 >= len(s) || s[i+1] != '-' {
				t.Fatalf("%q: a lone '-'", file)
			}
			b.WriteByte(':')
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// TestWatchFileOneToOne: the documented examples, and for 20,000 random
// node names (scoped, with underscores in every position, next values)
// the rule read backwards gives the name back, so no two names share a
// file; the files are plain names.
func TestWatchFileOneToOne(t *testing.T) {
	for name, want := range map[string]string{
		"net/v:next": "watch/net__v--next.npy", "syn_in/I": "watch/syn_in__I.npy", "step": "watch/step.npy",
		"a/next": "watch/a__next.npy", "a:next": "watch/a--next.npy", "a__b": "watch/a_-_b.npy", "a_/b": "watch/a_-__b.npy",
		"a/_b": "watch/a___b.npy", "x_:next": "watch/x_---next.npy",
	} {
		if got := watchFile(name); got != want {
			t.Errorf("watchFile(%q) = %q, want %q", name, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	part := func() string {
		const chars = "ab_._9"
		n := 1 + r.IntN(4)
		b := []byte{"a_"[r.IntN(2)]}
		for range n - 1 {
			b = append(b, chars[r.IntN(len(chars))])
		}
		return string(b)
	}
	seen := map[string]string{}
	for range 20000 {
		parts := make([]string, 1+r.IntN(3))
		for i := range parts {
			parts[i] = part()
		}
		name := strings.Join(parts, "/")
		if r.IntN(2) == 0 {
			name += ":next"
		}
		f := watchFile(name)
		if back := unwatchFile(t, f); back != name {
			t.Fatalf("watchFile(%q) = %q reads back as %q", name, f, back)
		}
		if other, dup := seen[f]; dup && other != name {
			t.Fatalf("%q and %q share %q", name, other, f)
		}
		seen[f] = name
		if strings.ContainsAny(strings.TrimPrefix(f, "watch/"), "/:\\") {
			t.Fatalf("file %q of %q is not a plain name", f, name)
		}
	}
}

// TestRunWatch: run --watch writes [records, shape...] files; the watched
// next value of v at each record equals the v.npy sample of that step for
// the traced neurons (an independent output of the same run), the step
// counter reads the record's sample, and an unknown name is a usage error
// that names close ones.
func TestRunWatch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI(t, "run", "recurrent", "--n", "200", "--duration", "400", "--watch", "net/v:next,step,syn_rec/I", "--every", "2.5", "--out", dir, "--name", "w")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	read := func(name string) ([]int, []float64) { return readNPYFile(t, filepath.Join(dir, "w", name)) }
	const every, records = 5, 800 / 5 // 2.5 ms at 0.5 ms; 400 ms
	vShape, v := read("v.npy")
	wShape, w := read("watch/net__v--next.npy")
	if len(wShape) != 2 || wShape[0] != records || wShape[1] != 200 {
		t.Fatalf("net__v--next.npy shape %v, want (%d, 200)", wShape, records)
	}
	b, err := os.ReadFile(filepath.Join(dir, "w", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Recorded []int `json:"recorded_neurons"`
	}
	if err := json.Unmarshal(b, &sum); err != nil || len(sum.Recorded) != vShape[1] {
		t.Fatalf("summary.json (%v): %s", err, b)
	}
	for r := range records {
		k := (r + 1) * every
		for j, x := range sum.Recorded {
			if got, want := w[r*200+x], v[k*vShape[1]+j]; got != want {
				t.Fatalf("record %d (sample %d), neuron %v: watched %v, v.npy %v", r, k, x, got, want)
			}
		}
	}
	sShape, steps := read("watch/step.npy")
	if len(sShape) != 1 || sShape[0] != records || steps[0] != every || steps[records-1] != 800 {
		t.Errorf("step.npy: shape %v, first %v, last %v; want (%d,), %d, 800", sShape, steps[0], steps[len(steps)-1], records, every)
	}
	if iShape, _ := read("watch/syn_rec__I.npy"); len(iShape) != 2 || iShape[1] != 200 {
		t.Errorf("syn_rec__I.npy shape %v", iShape)
	}

	code, _, stderr = runCLI(t, "run", "recurrent", "--n", "50", "--duration", "10", "--watch", "net/vv", "--out", dir)
	if code != exitUsage || !strings.Contains(stderr, `--watch: unknown node "net/vv" (close: net/v`) {
		t.Errorf("unknown name: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "run", "recurrent", "--duration", "10", "--watch", "syn_rec/g", "--out", dir)
	if code != exitUsage || !strings.Contains(stderr, "--engine fine") {
		t.Errorf("a fine-only node: exit %d, stderr %q", code, stderr)
	}
	for _, args := range [][]string{{"--every", "1"}, {"--watch", "net/v", "--every", "0.7"}, {"--watch", "net/v,net/v"}, {"--watch", "net/v,"}} {
		if code, _, stderr := runCLI(t, append([]string{"run", "single", "--out", dir}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d (%s), want %d", args, code, stderr, exitUsage)
		}
	}
}
