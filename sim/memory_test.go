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
		top := sc.MaxN
		if name == "recurrent" {
			top = network.MaxN // with the course's p = 0.1: 4e7 synapses
		}
		for _, n := range []int{sc.MinN, 10, 100, 1000, top / 2, top} {
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
	// n² weights: doubling n quadruples what the network takes (recurrent:
	// below network.SparsePairs, where the drawn matrix is dense).
	for _, tc := range []struct {
		name string
		n    int
	}{{"recurrent", 2000}, {"izhikevich2003", 5000}, {"ring", 5000}} {
		a := estimate(t, plan(t, tc.name, tc.n, tensor.Float64, 1000), gc25) - memBaseline
		b := estimate(t, plan(t, tc.name, 2*tc.n, tensor.Float64, 1000), gc25) - memBaseline
		if r := float64(b) / float64(a); r < 3.8 || r > 4 {
			t.Errorf("%s: n %d -> %d multiplies the network's memory by %.2f, want about 4", tc.name, tc.n, 2*tc.n, r)
		}
	}
	gc0 := gcSettings{percent: 0, limit: math.MaxInt64}
	// The notebook's recurrent weights of 20000 neurons in float64 stay
	// dense: the drawn slice and the param's tensor, 6.4 GB. Event-driven
	// at 4000 (1.6e7 pairs, just below network.SparsePairs): the drawn
	// slice (128 MB) and W and Wᵀ in CSR (1.6e6 synapses of 24 bytes,
	// 38.4 MB).
	dense := plan(t, "recurrent", network.MaxN, tensor.Float64, 1000)
	dense.Options.Notebook = true
	if got := estimate(t, dense, gc0); got < 6.4e9 || got > 6.6e9 {
		t.Errorf("recurrent n=%d notebook (dense) at GOGC 0: %d bytes, want 6.4 GB and a little", network.MaxN, got)
	}
	if got := estimate(t, plan(t, "recurrent", 4000, tensor.Float64, 1000), gc0) - memBaseline; got < 166.4e6 || got > 172e6 {
		t.Errorf("recurrent n=4000 event-driven at GOGC 0: %d bytes, want 166.4 MB and a little", got)
	}
	// Above network.SparsePairs no dense copy: n = 20000 event-driven holds
	// its 4e7 synapses once (12 bytes each, 0.48 GB), the draw's buffers
	// (21 MB), the input (2e6 pairs: dense, 21 MB) and the neurons (6 MB):
	// 0.528 GB. n = 1e6 with 100 synapses a neuron: 1.2 GB, and the
	// input's 1e7 synapses (0.12 GB), both draws' buffers and the neurons
	// (0.3 GB): 1.66 GB.
	if got := estimate(t, plan(t, "recurrent", network.MaxN, tensor.Float64, 1000), gc0) - memBaseline; got < 0.525e9 || got > 0.53e9 {
		t.Errorf("recurrent n=%d sparse at GOGC 0: %d bytes, want 0.528 GB", network.MaxN, got)
	}
	big, err := PlanScenario("recurrent", network.Options{N: 1000000, PRec: 1e-4, Dtype: tensor.Float64}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if got := estimate(t, big, gc0) - memBaseline; got < 1.65e9 || got > 1.67e9 {
		t.Errorf("recurrent n=1e6 p=1e-4 at GOGC 0: %d bytes, want 1.66 GB", got)
	}
	// Linear in n without recurrent weights (both sparse: 2e7 and 1e8
	// pairs), apart from the draw's fixed buffers.
	a := estimate(t, plan(t, "uncoupled", 200000, tensor.Float64, 1000), gc25) - memBaseline
	b := estimate(t, plan(t, "uncoupled", 1000000, tensor.Float64, 1000), gc25) - memBaseline
	fixed := float64(memSparseBuild) * (1 + memGCShare*0.25) // at GOGC 25
	if r := (float64(b) - fixed) / (float64(a) - fixed); math.Abs(r-5) > 0.01 {
		t.Errorf("uncoupled: n 2·10^5 -> 10^6 multiplies the network's memory by %.3f, want 5", r)
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
	p.Options.Notebook = true // dense
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
