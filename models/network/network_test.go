package network_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/spikegraph/spikegraph/models/network"
	"github.com/spikegraph/spikegraph/session"
	"github.com/spikegraph/spikegraph/sim"
)

// run simulates net for steps with package sim and returns its spike
// events and the v trace of neuron 0, the first of the neurons the
// scenario traces (Net.Record).
func run(t *testing.T, net *network.Net, steps int) ([]session.SpikeEvent, []float64) {
	t.Helper()
	if len(net.Record) == 0 || net.Record[0] != 0 {
		t.Fatalf("the traced neurons %v do not start with neuron 0", net.Record)
	}
	res, err := sim.Run(context.Background(), net.Network, steps)
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Traces[network.MonitorV]
	v := make([]float64, tr.Samples())
	for k, row := range tr.Data {
		v[k] = row[0]
	}
	return res.Spikes[network.MonitorSpikes].Events, v
}

func TestSingleSpikeTimes(t *testing.T) {
	// The figures: Step 1 in float64 spikes 8 times, at these ms.
	want := []float64{206.5, 256.5, 322.5, 389, 455.5, 521.5, 587, 652.5}
	net, err := network.New(network.Single, network.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev, v := run(t, net, 2000)
	if len(ev) != len(want) {
		t.Fatalf("%d spikes, want %d", len(ev), len(want))
	}
	for i, e := range ev {
		if got := float64(e.Sample) * 0.5; got != want[i] {
			t.Errorf("spike %d at %g ms, want %g", i, got, want[i])
		}
		if v[e.Sample] != 35 {
			t.Errorf("spike %d: stored v = %g, want 35", i, v[e.Sample])
		}
		if v[e.Sample+1] != -65 {
			t.Errorf("spike %d: v after = %g, want c = -65", i, v[e.Sample+1])
		}
	}
	if v[0] != -70 || len(v) != 2001 {
		t.Fatalf("trace starts at %g with %d samples, want -70 and 2001", v[0], len(v))
	}
}

func TestSynapticMeanSpikeCount(t *testing.T) {
	// Step 2 fires about 12 times per run. Over 400 seeds (1000..1399) the
	// plain-Go reference gave a mean of 12.07 and a standard deviation of
	// 1.11 spikes per run. Here 30 seeds of the graph: the tolerance is four
	// standard errors of their own mean, 4*s/sqrt(30) (about 0.8 for s = 1.1),
	// around 12.
	const seeds = 30
	counts := make([]float64, 0, seeds)
	for seed := uint64(1); seed <= seeds; seed++ {
		net, err := network.New(network.Synaptic, network.Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		ev, _ := run(t, net, 2000)
		counts = append(counts, float64(len(ev)))
	}
	mean, sd := meanSD(counts)
	tol := 4 * sd / math.Sqrt(seeds)
	if sd == 0 || sd > 3 {
		t.Fatalf("spread across seeds s = %.2f: expected about 1.1 (0 means the seed is ignored)", sd)
	}
	if math.Abs(mean-12) > tol {
		t.Fatalf("mean spikes per run %.2f (s = %.2f), want 12 ± %.2f", mean, sd, tol)
	}
}

func meanSD(xs []float64) (float64, float64) {
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / float64(len(xs)-1))
}

// notebookSingle transcribes the notebook's cell In [10] in float32, op by op
// as TF evaluates it: reset from the fired variable, integrate from the reset
// values, clip at 35.
func notebookSingle(steps int) []float32 {
	const dt, d, a, c, b = float32(0.5), float32(8), float32(0.02), float32(-65), float32(0.2)
	v, u, fired := float32(-65), float32(-14), false
	vs := []float32{v}
	for t := 0; t < steps; t++ {
		iapp := float32(0)
		if float64(t)*0.5 > 200 && float64(t)*0.5 < 700 {
			iapp = 7
		}
		vIn, uIn := v, u
		if fired {
			vIn, uIn = c, u+d
		}
		dv := float32(float32(float32(float32(float32(0.04)*vIn)+5)*vIn)+140) - uIn
		vUp := vIn + float32(float32(dv+iapp)*dt)
		du := a * float32(float32(b*vIn)-uIn)
		u = uIn + float32(dt*du)
		fired = vUp >= 35
		v = vUp
		if fired {
			v = 35
		}
		vs = append(vs, v)
	}
	return vs
}

func TestNotebookSingleMatchesCellIn10(t *testing.T) {
	// --notebook single follows In [10] in float32, number for number.
	net, err := network.New(network.Single, network.Options{Notebook: true, Dtype: tensor.Float32})
	if err != nil {
		t.Fatal(err)
	}
	ev, v := run(t, net, 2000)
	want := notebookSingle(2000)
	for k := range want {
		if float32(v[k]) != want[k] {
			t.Fatalf("sample %d: graph %v, In [10] %v", k, v[k], want[k])
		}
	}
	if len(ev) == 0 {
		t.Fatal("no spikes")
	}
}

func TestSameSeedSameBits(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		a, _ := network.New(network.Recurrent, network.Options{Seed: 5, N: 200, Dtype: dt})
		b, _ := network.New(network.Recurrent, network.Options{Seed: 5, N: 200, Dtype: dt})
		c, _ := network.New(network.Recurrent, network.Options{Seed: 6, N: 200, Dtype: dt})
		ea, va := run(t, a, 1200)
		eb, vb := run(t, b, 1200)
		ec, _ := run(t, c, 1200)
		if len(ea) != len(eb) || len(ea) == 0 {
			t.Fatalf("%v: %d vs %d spikes", dt, len(ea), len(eb))
		}
		for i := range ea {
			if ea[i] != eb[i] {
				t.Fatalf("%v: spike %d differs: %v vs %v", dt, i, ea[i], eb[i])
			}
		}
		for i := range va {
			if math.Float64bits(va[i]) != math.Float64bits(vb[i]) {
				t.Fatalf("%v: v[%d] differs", dt, i)
			}
		}
		same := len(ea) == len(ec)
		for i := 0; same && i < len(ea); i++ {
			same = ea[i] == ec[i]
		}
		if same {
			t.Fatalf("%v: seeds 5 and 6 gave the same spikes", dt)
		}
	}
}

func TestNetworkStructure(t *testing.T) {
	// Course: p(inhibitory) = 0.2, p(input connection) = 0.1, p(recurrent) =
	// 0.1. With n = 1000: the inhibitory count is Binomial(1000, 0.2), sd 12.6;
	// the input connections Binomial(1e5, 0.1), sd 95; the recurrent ones
	// Binomial(1e6, 0.1), sd 300. Each is checked to 5 sd.
	net, err := network.New(network.Recurrent, network.Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(float64(net.NInh) - 200); d > 5*12.6 {
		t.Errorf("%d inhibitory neurons, want 200 ± 63", net.NInh)
	}
	nz := func(w []float64) int {
		c := 0
		for _, x := range w {
			if x != 0 {
				c++
			}
		}
		return c
	}
	if d := math.Abs(float64(nz(net.InputSyn.W)) - 1e4); d > 5*95 {
		t.Errorf("%d input connections, want 10000 ± 475", nz(net.InputSyn.W))
	}
	if d := math.Abs(float64(nz(net.RecSyn.W)) - 1e5); d > 5*300 {
		t.Errorf("%d recurrent connections, want 100000 ± 1500", nz(net.RecSyn.W))
	}
	// Gamma(2, 0.003) has mean 0.006; the inh->exc block is doubled. Mean
	// weight per block, each over >= 4000 connections (Gamma sd 0.0042, so
	// the standard error is below 7e-5): check to 5e-4.
	n := net.N
	var sum [2][2]float64
	var cnt [2][2]int
	for post := 0; post < n; post++ {
		for pre := 0; pre < n; pre++ {
			w := net.RecSyn.W[post*n+pre]
			if w == 0 {
				continue
			}
			i, j := b2i(net.Inh[post]), b2i(net.Inh[pre])
			sum[i][j] += w
			cnt[i][j]++
		}
	}
	want := [2][2]float64{{0.006, 0.012}, {0.006, 0.006}} // [post inh?][pre inh?]
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			if m := sum[i][j] / float64(cnt[i][j]); math.Abs(m-want[i][j]) > 5e-4 {
				t.Errorf("block post-inh=%d pre-inh=%d: mean weight %.5f, want %.3f", i, j, m, want[i][j])
			}
		}
	}
	for i, inh := range net.Inh {
		e := net.RecSyn.E[i]
		if (inh && e != -85) || (!inh && e != 0) {
			t.Fatalf("E[%d] = %g for inhibitory=%v", i, e, inh)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestBadOptions(t *testing.T) {
	cases := []struct {
		name string
		kind network.Kind
		o    network.Options
	}{
		{"negative dt", network.Single, network.Options{DtMs: -1}},
		{"NaN dt", network.Single, network.Options{DtMs: math.NaN()}},
		{"n for single", network.Single, network.Options{N: 5}},
		{"negative n", network.Uncoupled, network.Options{N: -3}},
		{"huge n", network.Recurrent, network.Options{N: network.MaxUncoupledN + 1, PRec: 1e-5}},
		{"too many synapses", network.Recurrent, network.Options{N: 100000}},
		{"notebook beyond dense", network.Recurrent, network.Options{N: network.MaxN + 1, Notebook: true}},
		{"dt >= tau_g", network.Synaptic, network.Options{DtMs: 10}},
		{"unknown kind", network.Kind(9), network.Options{}},
		{"izhikevich2003 dt", network.Izhikevich2003, network.Options{DtMs: 0.5}},
		{"izhikevich2003 notebook", network.Izhikevich2003, network.Options{Notebook: true}},
		{"izhikevich2003 huge n", network.Izhikevich2003, network.Options{N: network.MaxN + 1}},
	}
	for _, tc := range cases {
		if _, err := network.New(tc.kind, tc.o); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	for _, bad := range [][2]float64{{1000.25, 0.5}, {0.2, 0.5}, {math.Inf(1), 0.5}, {math.NaN(), 0.5}} {
		if _, err := network.Steps(bad[0], bad[1]); err == nil {
			t.Errorf("Steps(%v, %v): no error", bad[0], bad[1])
		}
	}
	if k, err := network.Steps(1000, 0.5); err != nil || k != 2000 {
		t.Errorf("Steps(1000, 0.5) = %d, %v", k, err)
	}
	if k, err := network.Steps(0.3, 0.1); err != nil || k != 3 {
		t.Errorf("Steps(0.3, 0.1) = %d, %v (0.3/0.1 is 2.9999999999999996 in float64)", k, err)
	}
	for s, want := range map[string]network.Kind{
		"single": network.Single, "step1": network.Single, "synaptic": network.Synaptic, "step2": network.Synaptic,
		"uncoupled": network.Uncoupled, "step3": network.Uncoupled, "recurrent": network.Recurrent, "step4": network.Recurrent,
		"izhikevich2003": network.Izhikevich2003, "ring": network.Ring, "step5": network.Ring,
	} {
		if k, err := network.ParseKind(s); err != nil || k != want {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", s, k, err, want)
		}
	}
	for _, s := range []string{"step6", "step0", "Single", ""} {
		if _, err := network.ParseKind(s); err == nil {
			t.Errorf("ParseKind(%q): no error", s)
		}
	}
}

func TestEveryScenarioDeclaresItsMonitors(t *testing.T) {
	for _, sc := range network.Scenarios() {
		o := network.Options{Seed: 1}
		if sc.MaxN > 0 {
			o.N = max(sc.MinN, 20)
		}
		net, err := sc.Build(o)
		if err != nil {
			t.Fatalf("%s: %v", sc.Name, err)
		}
		got := map[string]network.BuiltMonitor{}
		for _, m := range net.Network.Monitors {
			got[m.Name] = m
		}
		if m := got[network.MonitorSpikes]; m.Kind != network.SpikeEvents || m.Node != network.NameFired {
			t.Errorf("%s: spikes monitor %+v", sc.Name, m)
		}
		if m := got[network.MonitorV]; m.Kind != network.Trace || m.Node != network.NameV || !slices.Equal(m.Index, net.Record) {
			t.Errorf("%s: v monitor %+v, want the trace of %v", sc.Name, m, net.Record)
		}
		m, ok := got[network.MonitorInput]
		if ok != (net.Input != nil) || (ok && (m.Kind != network.CountSpikes || m.Node != network.NameSpikesIn)) {
			t.Errorf("%s: input monitor %+v (present %v), Poisson input %v", sc.Name, m, ok, net.Input != nil)
		}
		if len(got) != len(net.Network.Monitors) || len(got) != 2+b2i(net.Input != nil) {
			t.Errorf("%s: monitors %v", sc.Name, net.Network.Monitors)
		}
	}
}

func TestParseDtype(t *testing.T) {
	for name, want := range map[string]tensor.Dtype{"float64": tensor.Float64, "float32": tensor.Float32} {
		if got, err := network.ParseDtype(name); err != nil || got != want {
			t.Errorf("ParseDtype(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	_, err := network.ParseDtype("float16")
	var oe *network.OptionError
	if !errors.As(err, &oe) || oe.Option != "dtype" || !strings.Contains(err.Error(), `"float16"`) {
		t.Errorf("ParseDtype(float16): %v, want an *OptionError for \"dtype\" naming the value", err)
	}
}
