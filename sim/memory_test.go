package sim

import (
	"errors"
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/network"
)

// plan makes a plan or fails t.
func plan(t *testing.T, name string, n int, dtype tensor.Dtype, durationMs float64) Plan {
	t.Helper()
	p, err := PlanScenario(name, network.Options{N: n, Dtype: dtype}, durationMs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// gc25 is the setting that the estimate's constants were checked under
// (the command's recommended GOGC), without a memory limit.
var gc25 = gcSettings{percent: 25, limit: math.MaxInt64}

func estimate(t *testing.T, p Plan, gc gcSettings) int64 {
	t.Helper()
	b, err := estimateMemory(p, gc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEstimateMemoryStructure checks the estimate's shape, not any
// machine's numbers: it grows with n in both dtypes, the recurrent weights
// make it quadratic in n, and nothing but the rhythm grows with the
// duration. (float32 does not always take less: an event-driven
// projection keeps a float32 copy of its float64 weights.)
func TestEstimateMemoryStructure(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"uncoupled", "recurrent", "izhikevich2003", "ring"} {
		sc, _ := network.Lookup(name)
		prev := int64(0)
		for _, n := range []int{sc.MinN, 10, 100, 1000, sc.MaxN / 2, sc.MaxN} {
			if n < sc.MinN {
				continue
			}
			f64 := estimate(t, plan(t, name, n, tensor.Float64, 1000), gc25)
			f32 := estimate(t, plan(t, name, n, tensor.Float32, 1000), gc25)
			if f64 <= prev || f32 < memBaseline {
				t.Errorf("%s n=%d: float64 %d bytes (after %d at a smaller n), float32 %d", name, n, f64, prev, f32)
			}
			prev = f64
		}
	}
	// n² weights: doubling n quadruples what the network takes.
	for _, name := range []string{"recurrent", "izhikevich2003", "ring"} {
		a := estimate(t, plan(t, name, 5000, tensor.Float64, 1000), gc25) - memBaseline
		b := estimate(t, plan(t, name, 10000, tensor.Float64, 1000), gc25) - memBaseline
		if r := float64(b) / float64(a); r < 3.8 || r > 4 {
			t.Errorf("%s: n 5000 -> 10000 multiplies the network's memory by %.2f, want about 4", name, r)
		}
	}
	// The recurrent weights of 20000 neurons in float64, dense: the drawn
	// slice and the param's tensor, 6.4 GB; event-driven: the drawn slice
	// (3.2 GB) and W and Wᵀ in CSR (4e7 synapses of 24 bytes, 0.96 GB).
	dense := plan(t, "recurrent", network.MaxN, tensor.Float64, 1000)
	dense.Options.Propagation = network.Dense
	if got := estimate(t, dense, gcSettings{percent: 0, limit: math.MaxInt64}); got < 6.4e9 || got > 6.6e9 {
		t.Errorf("recurrent n=%d dense at GOGC 0: %d bytes, want 6.4 GB and a little", network.MaxN, got)
	}
	if got := estimate(t, plan(t, "recurrent", network.MaxN, tensor.Float64, 1000), gcSettings{percent: 0, limit: math.MaxInt64}); got < 4.16e9 || got > 4.3e9 {
		t.Errorf("recurrent n=%d event-driven at GOGC 0: %d bytes, want 4.16 GB and a little", network.MaxN, got)
	}
	// Linear in n without recurrent weights.
	a := estimate(t, plan(t, "uncoupled", 100000, tensor.Float64, 1000), gc25) - memBaseline
	b := estimate(t, plan(t, "uncoupled", 1000000, tensor.Float64, 1000), gc25) - memBaseline
	if r := float64(b) / float64(a); math.Abs(r-10) > 0.01 {
		t.Errorf("uncoupled: n 10^5 -> 10^6 multiplies the network's memory by %.3f, want 10", r)
	}
	// Streamed outputs: the duration changes nothing...
	for _, name := range []string{"single", "uncoupled", "recurrent", "ring"} {
		short := estimate(t, plan(t, name, 0, tensor.Float64, 1e4), gc25)
		long := estimate(t, plan(t, name, 0, tensor.Float64, 1e6), gc25)
		if short != long {
			t.Errorf("%s: %d bytes for 10^4 ms, %d for 10^6 ms", name, short, long)
		}
	}
	// ...but the population rate of a rhythm.
	short := estimate(t, plan(t, "izhikevich2003", 0, tensor.Float64, 1e4), gc25)
	long := estimate(t, plan(t, "izhikevich2003", 0, tensor.Float64, 1e6), gc25)
	if d := long - short; d < (1e6-1e4)*memRhythmPerStep || d > (1e6-1e4)*memRhythmPerStep*2 {
		t.Errorf("izhikevich2003: %d more bytes for 10^6 ms than for 10^4 ms, want %d per step and the GC's share", d, memRhythmPerStep)
	}
}

// TestEstimateMemoryFollowsTheGC checks the garbage collector's share: a
// larger GOGC grows the estimate, and a memory limit caps it, down to
// what the run holds live.
func TestEstimateMemoryFollowsTheGC(t *testing.T) {
	t.Parallel()
	p := plan(t, "recurrent", 10000, tensor.Float64, 1000)
	off := estimate(t, p, gcSettings{percent: 0, limit: math.MaxInt64})
	prev, gc100 := off, int64(0)
	for _, pc := range []int{25, 50, 100, 200} {
		got := estimate(t, p, gcSettings{percent: pc, limit: math.MaxInt64})
		if got <= prev {
			t.Errorf("GOGC %d: %d bytes, not above %d", pc, got, prev)
		}
		if pc == 100 {
			gc100 = got
		}
		prev = got
	}
	between := (off + gc100) / 2
	for _, tc := range []struct {
		limit int64
		want  int64
	}{
		{gc100 + 1e9, gc100}, // a limit above the peak changes nothing
		{between, between},   // the GC keeps the heap under the limit...
		{off - 1e8, off},     // ...but not under what is live
	} {
		if got := estimate(t, p, gcSettings{percent: 100, limit: tc.limit}); math.Abs(float64(got-tc.want)) > 1 {
			t.Errorf("limit %d: %d bytes, want %d", tc.limit, got, tc.want)
		}
	}
	if got := estimate(t, p, gcSettings{percent: -1, limit: gc100 + 1e9}); math.Abs(float64(got-gc100-1e9)) > 1 {
		t.Errorf("GOGC=off with a limit: %d bytes, want the limit %d", got, gc100+1e9)
	}
	if _, err := estimateMemory(p, gcSettings{percent: -1, limit: math.MaxInt64}); err == nil || !strings.Contains(err.Error(), "GOGC=off") {
		t.Errorf("GOGC=off without a limit: err = %v", err)
	}
	// The process's own settings are read.
	if _, err := EstimateMemory(p); err != nil {
		t.Error(err)
	}
}

func TestEstimateMemoryRefusesBadPlans(t *testing.T) {
	t.Parallel()
	good := plan(t, "uncoupled", 10, tensor.Float64, 100)
	for _, tc := range []struct {
		name string
		mod  func(p *Plan)
		want string
	}{
		{"zero plan", func(p *Plan) { *p = Plan{} }, "zero Plan"},
		{"no neurons", func(p *Plan) { p.Options.N = 0 }, "n = 0"},
		{"negative steps", func(p *Plan) { p.Steps = -1 }, "steps = -1"},
		{"bad dtype", func(p *Plan) { p.Options.Dtype = tensor.Int }, "dtype int"},
		{"unknown scenario", func(p *Plan) { p.Scenario.Kind = 99 }, "no memory model"},
	} {
		p := good
		tc.mod(&p)
		_, err := estimateMemory(p, gc25)
		if err == nil || !strings.HasPrefix(err.Error(), "sim: EstimateMemory: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want an error holding %q", tc.name, err, tc.want)
		}
	}
}

func TestCheckMemory(t *testing.T) {
	t.Parallel()
	p := plan(t, "recurrent", network.MaxN, tensor.Float64, 1000)
	p.Options.Propagation = network.Dense
	err := p.CheckMemory(1e9, "--max-memory")
	var me *MemoryError
	if !errors.As(err, &me) || !errors.Is(err, ErrMemory) || me.Limit != 1e9 || me.Estimate < 6.4e9 {
		t.Fatalf("err = %#v, want a *MemoryError of 1 GB and at least 6.4 GB", err)
	}
	for _, want := range []string{"sim: recurrent: not enough memory", "GB, the limit is 1 GB (--max-memory)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not hold %q", err, want)
		}
	}
	if err := p.CheckMemory(math.MaxInt64, "none"); err != nil {
		t.Errorf("no limit: %v", err)
	}
	if err := (Plan{}).CheckMemory(math.MaxInt64, "none"); err == nil {
		t.Error("the zero Plan passed")
	}
}

func TestFormatBytes(t *testing.T) {
	t.Parallel()
	for b, want := range map[int64]string{0: "0 B", 999: "999 B", 1500: "1.5 kB", 412e6: "412 MB", 6_400_123_456: "6.4 GB", 25e9: "25 GB"} {
		if got := FormatBytes(b); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", b, got, want)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	t.Parallel()
	meminfo := "MemTotal:       24000000 kB\nMemFree:        20000000 kB\nMemAvailable:   22000000 kB\n"
	const avail = 22000000 << 10
	for _, tc := range []struct {
		name   string
		files  map[string]string
		want   int64
		source string
	}{
		{"meminfo only", map[string]string{"proc/meminfo": meminfo}, avail, "MemAvailable"},
		{"v2 no limit", map[string]string{"proc/meminfo": meminfo, "proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "max\n"}, avail, "MemAvailable"},
		{"v2 limit", map[string]string{"proc/meminfo": meminfo, "proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "4294967296\n"}, 4 << 30, "/sys/fs/cgroup/memory.max"},
		{"v2 nested, parent lower", map[string]string{"proc/meminfo": meminfo, "proc/self/cgroup": "0::/a/b\n",
			"sys/fs/cgroup/a/b/memory.max": "8589934592\n", "sys/fs/cgroup/a/memory.max": "2147483648\n"}, 2 << 30, "/sys/fs/cgroup/a/memory.max"},
		{"v2 limit above available", map[string]string{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": "99999999999999\n"}, avail, "MemAvailable"},
		{"v1 no limit", map[string]string{"proc/meminfo": meminfo, "proc/self/cgroup": "4:memory:/x\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, avail, "MemAvailable"},
		{"v1 limit", map[string]string{"proc/meminfo": meminfo, "proc/self/cgroup": "5:cpu\n4:cpuacct,memory:/x/y\n",
			"sys/fs/cgroup/memory/x/y/memory.limit_in_bytes": "1073741824\n"}, 1 << 30, "/sys/fs/cgroup/memory/x/y/memory.limit_in_bytes"},
		{"no meminfo, a cgroup", map[string]string{"sys/fs/cgroup/memory.max": "1000\n"}, 1000, "cgroup"},
		{"garbled limit ignored", map[string]string{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": "lots\n"}, avail, "MemAvailable"},
	} {
		fsys := fstest.MapFS{}
		for name, text := range tc.files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		got, source, err := memoryLimit(fsys)
		if err != nil || got != tc.want || !strings.Contains(source, tc.source) {
			t.Errorf("%s: %d bytes from %q (err %v), want %d from %q", tc.name, got, source, err, tc.want, tc.source)
		}
	}
	for name, files := range map[string]map[string]string{
		"nothing":       {},
		"no available":  {"proc/meminfo": "MemTotal: 1 kB\n"},
		"only no limit": {"sys/fs/cgroup/memory.max": "max\n"},
	} {
		fsys := fstest.MapFS{}
		for name, text := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		if _, _, err := memoryLimit(fsys); !errors.Is(err, ErrNoMemoryLimit) {
			t.Errorf("%s: err = %v, want ErrNoMemoryLimit", name, err)
		}
	}
	// This machine's: only where /proc/meminfo exists.
	if b, source, err := MemoryLimit(); err == nil && (b <= 0 || source == "") {
		t.Errorf("MemoryLimit() = %d, %q", b, source)
	}
}
