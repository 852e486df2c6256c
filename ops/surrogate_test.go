package ops

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// surrogates returns every surrogate at its default and at a second,
// non-default setting of each field.
func surrogates() []Surrogate {
	return []Surrogate{
		DefaultSuperSpike(), SuperSpike{Beta: 2},
		DefaultSigmoid(), Sigmoid{K: 4},
		DefaultATan(), ATan{Alpha: 0.5},
		DefaultTriangle(), Triangle{Gamma: 1, Width: 1}, Triangle{Gamma: 0.3, Width: 2.5},
		DefaultExponential(), Exponential{Alpha: 2, Beta: 1}, Exponential{Alpha: 1, Beta: 3},
	}
}

// sweep returns n points from lo to hi, offset so that none falls on a
// kink of a psi (0, ±Width) within the finite-difference step.
func sweep(lo, hi float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = lo + (hi-lo)*float64(i)/float64(n-1) + 0.0037
	}
	return xs
}

// TestSurrogateBackwardIsUpstreamTimesPsi differentiates
// cost = Σ w ⊙ Spike(x) with gorgonia.Grad (Spike's SymDiff and the
// surrogate's Deriv) and checks dcost/dx = w · psi(x - Threshold) over a
// sweep across the threshold, with upstream weights of both signs. In
// float64 the graph and DerivAt differ by rounding of a handful of
// operations, hence 1e-12 (closeRel: relative, absolute below 1); in
// float32 each operation rounds at 6e-8 relative and x - Threshold loses up
// to 6e-8·|x| absolute, which psi's slope (at most about K²/10 = 62 per mV
// for Sigmoid{25}) turns into 4e-6, hence 1e-5.
func TestSurrogateBackwardIsUpstreamTimesPsi(t *testing.T) {
	t.Parallel()
	const threshold = -0.5
	xs := sweep(threshold-4, threshold+4, 161)
	xs = append(xs, threshold) // the threshold itself
	n := len(xs)
	ws := make([]float64, n)
	for i := range ws {
		ws[i] = 1.5 * math.Sin(float64(i)+0.5) // upstream of either sign
	}
	for _, sur := range surrogates() {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(sur.String()+"/"+dt.String(), func(t *testing.T) {
				t.Parallel()
				op := Spike{Threshold: threshold, Surrogate: sur}
				g := gorgonia.NewGraph()
				x, w, grad := spikeGradGraph(t, g, op, dt, n, "")
				lets := map[*gorgonia.Node]interface{}{x: dense64(xs, n), w: dense64(ws, n)}
				tol := 1e-12
				if dt == tensor.Float32 {
					lets[x], lets[w] = dense32(to32(xs), n), dense32(to32(ws), n)
					tol = 1e-5
				}
				got := machine(t, g, grad)(lets)[0]
				for i := range xs {
					xi, wi := xs[i], ws[i]
					if dt == tensor.Float32 {
						xi, wi = float64(float32(xi)), float64(float32(wi))
					}
					want := wi * sur.DerivAt(xi-threshold)
					if !closeRel(got[i], want, tol) {
						t.Errorf("x = %v: gradient got=%v, want=%v (w·psi)", xi, got[i], want)
					}
				}
			})
		}
	}
}

// TestSurrogateSmoothDerivative checks Smooth' = psi (DerivAt) by central
// differences. With h = 1e-6 the truncation error is h²·|psi”|/6, at most
// about 1e-12·K³/10 = 2e-9 for Sigmoid{25}, and the rounding error about
// 1e-16·|Smooth|/h = 1e-10; 1e-7 absolute plus 1e-6 relative is loose
// enough not to flake and catches a wrong factor or sign (O(psi) errors).
// The sweep avoids the kinks of psi (0 and ±Width), where Smooth is only
// once differentiable and the central difference is off by O(h).
func TestSurrogateSmoothDerivative(t *testing.T) {
	t.Parallel()
	const h = 1e-6
	for _, sur := range surrogates() {
		t.Run(sur.String(), func(t *testing.T) {
			t.Parallel()
			for _, x := range sweep(-5, 5, 401) {
				fd := (sur.Smooth(x+h) - sur.Smooth(x-h)) / (2 * h)
				want := sur.DerivAt(x)
				if math.Abs(fd-want) > 1e-7+1e-6*want {
					t.Errorf("x = %v: finite difference of Smooth got=%v, want psi=%v", x, fd, want)
				}
			}
		})
	}
}

// TestSurrogateProperties sweeps psi for the properties the docs state:
// positive (or zero, for Triangle beyond Width), even, peaked at 0 with
// the documented peak, non-increasing in |x|; and Smooth rises by the
// documented total across the threshold (Smooth at ±1e6 mV: the slowest
// tails, SuperSpike's and ATan's, fall as 1/x², so Smooth is within
// about 1e-7 of its limit there, hence 1e-6).
func TestSurrogateProperties(t *testing.T) {
	t.Parallel()
	cases := []struct {
		sur        Surrogate
		peak, rise float64
	}{
		{SuperSpike{Beta: 10}, 1, 2.0 / 10},
		{Sigmoid{K: 25}, 25.0 / 4, 1},
		{ATan{Alpha: 2}, 1, 1},
		{Triangle{Gamma: 0.3, Width: 1}, 0.3, 0.3},
		{Exponential{Alpha: 2, Beta: 3}, 2, 2 * 2.0 / 3},
	}
	for _, tc := range cases {
		s := tc.sur
		if got := s.DerivAt(0); !closeRel(got, tc.peak, 1e-15) {
			t.Errorf("%v: psi(0) got=%v, want=%v", s, got, tc.peak)
		}
		prev := s.DerivAt(0)
		for _, x := range sweep(0, 6, 300) {
			d := s.DerivAt(x)
			if !(d >= 0) || d != s.DerivAt(-x) || d > prev {
				t.Errorf("%v: psi(%v) = %v: want >= 0, even (psi(-x) = %v) and <= psi at smaller |x| (%v)", s, x, d, s.DerivAt(-x), prev)
			}
			prev = d
		}
		far := 1e6
		rise := s.Smooth(far) - s.Smooth(-far)
		if !closeRel(rise, tc.rise, 1e-6) {
			t.Errorf("%v: Smooth(%v) - Smooth(-%v) got=%v, want=%v", s, far, far, rise, tc.rise)
		}
	}
}

// TestSurrogateHalfWidths checks the half-width column of the Surrogate
// doc: at the default, psi(half-width) = psi(0)/2 (the doc rounds to three
// significant digits, hence 1e-2 relative on the width, which moves psi by
// well under 1 %), and the "for half-width h" formulas give exactly
// psi(h) = psi(0)/2.
func TestSurrogateHalfWidths(t *testing.T) {
	t.Parallel()
	const h = 2.5 // mV
	cases := []struct {
		def   Surrogate
		width float64 // the doc's value at the default
		forH  Surrogate
	}{
		{DefaultSuperSpike(), 0.041, SuperSpike{Beta: (math.Sqrt2 - 1) / h}},
		{DefaultSigmoid(), 0.071, Sigmoid{K: 2 * math.Log(1+math.Sqrt2) / h}},
		{DefaultATan(), 0.318, ATan{Alpha: 2 / (math.Pi * h)}},
		{DefaultTriangle(), 0.5, Triangle{Gamma: 0.3, Width: 2 * h}},
		{DefaultExponential(), 0.693, Exponential{Alpha: 1, Beta: math.Ln2 / h}},
	}
	for _, tc := range cases {
		half := func(s Surrogate, x float64) float64 { return s.DerivAt(x) / s.DerivAt(0) }
		if got := half(tc.def, tc.width); math.Abs(got-0.5) > 0.01 {
			t.Errorf("%v: psi(%v)/psi(0) got=%v, want 0.5 (the doc's half-width)", tc.def, tc.width, got)
		}
		if got := half(tc.forH, h); !closeRel(got, 0.5, 1e-14) {
			t.Errorf("%v: psi(%v)/psi(0) got=%v, want 0.5", tc.forH, h, got)
		}
	}
}

// TestSurrogatesStayDistinctNodes applies Spike with every surrogate (and
// every changed field) to one x: all must be distinct nodes, an identical
// op must merge, and the gradient of Σ c_k·Σ Spike_k(x) must be
// Σ c_k·psi_k (a wrong merge would double one psi and drop another).
func TestSurrogatesStayDistinctNodes(t *testing.T) {
	t.Parallel()
	const n = 5
	all := append(surrogates(), SuperSpike{Beta: 0.5}, ATan{Alpha: 10}) // equal scales, other types
	g := gorgonia.NewGraph()
	x := vec64(g, "x", n)
	seen := map[*gorgonia.Node]Surrogate{}
	var cost *gorgonia.Node
	for k, sur := range all {
		s := mustApply(t, Spike{Threshold: 0, Surrogate: sur}, x)
		if prev, dup := seen[s]; dup {
			t.Fatalf("%v and %v are one node", prev, sur)
		}
		seen[s] = sur
		if again := mustApply(t, Spike{Threshold: 0, Surrogate: sur}, x); again != s {
			t.Fatalf("%v applied twice gave two nodes; gorgonia should merge them", sur)
		}
		c, err := constant(tensor.Float64, float64(k+1))
		if err != nil {
			t.Fatal(err)
		}
		term := gorgonia.Must(gorgonia.Mul(gorgonia.Must(gorgonia.Sum(s)), c))
		if cost == nil {
			cost = term
		} else {
			cost = gorgonia.Must(gorgonia.Add(cost, term))
		}
	}
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		t.Fatal(err)
	}
	xv := []float64{-0.7, -0.05, 0, 0.3, 1.4}
	got := machine(t, g, grads[0])(map[*gorgonia.Node]interface{}{x: dense64(xv, n)})[0]
	for i, xi := range xv {
		var want float64
		for k, sur := range all {
			want += float64(k+1) * sur.DerivAt(xi)
		}
		if !closeRel(got[i], want, 1e-12) {
			t.Errorf("x = %v: gradient got=%v, want=%v", xi, got[i], want)
		}
	}
}

func TestSurrogateValidate(t *testing.T) {
	t.Parallel()
	bad := []float64{0, -1, math.NaN(), math.Inf(1)}
	cases := []struct {
		field string
		make  func(v float64) Surrogate
	}{
		{"SuperSpike: Beta", func(v float64) Surrogate { return SuperSpike{Beta: v} }},
		{"Sigmoid: K", func(v float64) Surrogate { return Sigmoid{K: v} }},
		{"ATan: Alpha", func(v float64) Surrogate { return ATan{Alpha: v} }},
		{"Triangle: Gamma", func(v float64) Surrogate { return Triangle{Gamma: v, Width: 1} }},
		{"Triangle: Width", func(v float64) Surrogate { return Triangle{Gamma: 1, Width: v} }},
		{"Exponential: Alpha", func(v float64) Surrogate { return Exponential{Alpha: v, Beta: 1} }},
		{"Exponential: Beta", func(v float64) Surrogate { return Exponential{Alpha: 1, Beta: v} }},
	}
	g := gorgonia.NewGraph()
	x := vec64(g, "x", 2)
	for _, tc := range cases {
		for _, v := range bad {
			t.Run(fmt.Sprintf("%s=%v", tc.field, v), func(t *testing.T) {
				t.Parallel()
				s := tc.make(v)
				want := fmt.Sprintf("%s (%g) must be positive and finite", tc.field, v)
				wantErr(t, s.Validate(), want)
				_, err := s.Deriv(x)
				wantErr(t, err, want)
				_, err = Apply(Spike{Surrogate: s}, x)
				wantErr(t, err, want)
			})
		}
		if err := tc.make(1).Validate(); err != nil {
			t.Errorf("%s = 1: got=%v, want valid", tc.field, err)
		}
	}
	for _, s := range surrogates() {
		if _, err := s.Deriv(nil); err == nil || !strings.Contains(err.Error(), "nil node") {
			t.Errorf("%v: Deriv(nil) got=%v, want an error", s, err)
		}
	}
}

func TestParseSurrogate(t *testing.T) {
	t.Parallel()
	ok := []struct {
		text string
		want Surrogate
	}{
		{"superspike", DefaultSuperSpike()},
		{"SuperSpike:4", SuperSpike{Beta: 4}},
		{"fastsigmoid:beta=3", SuperSpike{Beta: 3}},
		{"sigmoid", DefaultSigmoid()},
		{"sigmoid:k=5", Sigmoid{K: 5}},
		{"atan", DefaultATan()},
		{"arctan:2", ATan{Alpha: 2}},
		{" ATan : 0.5 ", ATan{Alpha: 0.5}},
		{"triangle", DefaultTriangle()},
		{"triangle:2", Triangle{Gamma: 0.3, Width: 2}},
		{"triangle:width=2,gamma=0.5", Triangle{Gamma: 0.5, Width: 2}},
		{"triangle:3,gamma=1", Triangle{Gamma: 1, Width: 3}},
		{"exponential", DefaultExponential()},
		{"exp:2", Exponential{Alpha: 1, Beta: 2}},
		{"exponential:alpha=0.5, beta=4", Exponential{Alpha: 0.5, Beta: 4}},
	}
	for _, tc := range ok {
		got, err := ParseSurrogate(tc.text)
		if err != nil || got != tc.want {
			t.Errorf("ParseSurrogate(%q): got=%v (%v), want=%v", tc.text, got, err, tc.want)
		}
	}
	bad := []struct{ text, want string }{
		{"", `unknown surrogate "" (want one of superspike, sigmoid, atan, triangle, exponential)`},
		{"relu", `unknown surrogate "relu"`},
		{"atan:", "no parameter after ':'"},
		{"atan:x", `Alpha: "x" is not a number`},
		{"atan:-1", "Alpha (-1) must be positive and finite"},
		{"atan:0", "Alpha (0) must be positive"},
		{"atan:NaN", "Alpha (NaN) must be positive"},
		{"triangle:width=0", "Width (0) must be positive"},
		{"triangle:height=2", `unknown field "height" (want Width or Gamma)`},
		{"triangle:1,2", `parameter 2 ("2") needs a field name`},
		{"exp:beta=1,beta=2", "Beta given twice"},
		{"sigmoid:k=", `K: "" is not a number`},
	}
	for _, tc := range bad {
		got, err := ParseSurrogate(tc.text)
		if got != nil {
			t.Errorf("ParseSurrogate(%q): got=%v, want nil", tc.text, got)
		}
		wantErr(t, err, fmt.Sprintf("ParseSurrogate(%q)", tc.text), tc.want)
	}
	if got := SurrogateNames(); strings.Join(got, ",") != "superspike,sigmoid,atan,triangle,exponential" {
		t.Errorf("SurrogateNames: got=%v", got)
	}
	// Every name ParseSurrogate lists gives a valid surrogate.
	for _, name := range SurrogateNames() {
		if s, err := ParseSurrogate(name); err != nil || s.Validate() != nil {
			t.Errorf("ParseSurrogate(%q): %v", name, err)
		}
	}
}

// TestSmoothSpikeForward: with Smooth, Do, UsePreallocDo and Kernel all
// write Surrogate.Smooth(x - Threshold) (rounded to float32 for float32),
// and a Smooth Spike is a node apart from the step with the same fields.
func TestSmoothSpikeForward(t *testing.T) {
	t.Parallel()
	xs := []float64{-2, -0.3, 0.2, 0.21, 0.9, 3}
	n := len(xs)
	for _, sur := range surrogates() {
		op := Spike{Threshold: 0.2, Surrogate: sur, Smooth: true}
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			in := gorgonia.Value(dense64(xs, n))
			if dt == tensor.Float32 {
				in = dense32(to32(xs), n)
			}
			want := make([]float64, n)
			for i, x := range xs {
				if dt == tensor.Float32 {
					want[i] = float64(float32(sur.Smooth(float64(float32(x)) - 0.2)))
				} else {
					want[i] = sur.Smooth(x - 0.2)
				}
			}
			do, err := op.Do(in)
			if err != nil {
				t.Fatal(err)
			}
			pre := tensor.New(tensor.WithShape(n), tensor.Of(dt))
			if _, err := op.UsePreallocDo(pre, in); err != nil {
				t.Fatal(err)
			}
			kout := tensor.New(tensor.WithShape(n), tensor.Of(dt))
			run, err := op.Kernel(kout, []gorgonia.Value{in})
			if err != nil {
				t.Fatal(err)
			}
			if err := run(); err != nil {
				t.Fatal(err)
			}
			for name, v := range map[string]gorgonia.Value{"Do": do, "UsePreallocDo": pre, "Kernel": kout} {
				got := float64s(t, v)
				for i := range xs {
					if got[i] != want[i] {
						t.Errorf("%v %v %s: x = %v: got=%v, want Smooth = %v", op, dt, name, xs[i], got[i], want[i])
					}
				}
			}
		}
	}
	g := gorgonia.NewGraph()
	x := vec64(g, "x", 3)
	step := mustApply(t, Spike{Threshold: 1, Surrogate: DefaultATan()}, x)
	smooth := mustApply(t, Spike{Threshold: 1, Surrogate: DefaultATan(), Smooth: true}, x)
	if step == smooth {
		t.Error("a Smooth Spike merged with the step of the same fields")
	}
	if got := (Spike{Threshold: 1, Surrogate: DefaultATan(), Smooth: true}).String(); got != "SmoothSpike{threshold=1,ATan{α=2}}" {
		t.Errorf("String: got=%q", got)
	}
}

// TestSmoothSpikeGradientMatchesFiniteDifferences builds a small chain with
// feedback through Smooth spikes, z1 = S(x), v = x/2 + 2·z1 - z1⊙x (a soft
// reset, not detached), z2 = S(v), cost = Σ w⊙z2 + Σ z1⊙z1, and checks
// gorgonia.Grad against central differences of the graph's own forward
// run. With h = 1e-6 the truncation error is O(h²·|cost”'|) ≈ 1e-10 and
// the rounding error about 1e-16·|cost|/h ≈ 1e-10 here, hence 1e-6
// relative plus 1e-7 absolute; the inputs keep |x - Threshold| and
// |v - Threshold| off Triangle's kinks by far more than h.
func TestSmoothSpikeGradientMatchesFiniteDifferences(t *testing.T) {
	t.Parallel()
	const h = 1e-6
	xs := []float64{-0.83, -0.31, 0.07, 0.44, 0.61, 1.37}
	ws := []float64{1, -2, 0.5, 1.5, -1, 0.75}
	n := len(xs)
	for _, sur := range surrogates() {
		t.Run(sur.String(), func(t *testing.T) {
			t.Parallel()
			op := Spike{Threshold: 0.2, Surrogate: sur, Smooth: true}
			g := gorgonia.NewGraph()
			x, w := vec64(g, "x", n), vec64(g, "w", n)
			c := func(v float64) *gorgonia.Node { n, _ := constant(tensor.Float64, v); return n }
			z1 := mustApply(t, op, x)
			v := gorgonia.Must(gorgonia.Add(gorgonia.Must(gorgonia.Mul(x, c(0.5))), gorgonia.Must(gorgonia.Mul(z1, c(2)))))
			v = gorgonia.Must(gorgonia.Sub(v, gorgonia.Must(gorgonia.HadamardProd(z1, x))))
			z2 := mustApply(t, op, v)
			cost := gorgonia.Must(gorgonia.Add(
				gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(w, z2)))),
				gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(z1, z1))))))
			grads, err := gorgonia.Grad(cost, x)
			if err != nil {
				t.Fatal(err)
			}
			run := machine(t, g, cost, grads[0])
			at := func(xv []float64) [][]float64 {
				return run(map[*gorgonia.Node]interface{}{x: dense64(xv, n), w: dense64(ws, n)})
			}
			dx := at(xs)[1]
			for i := range xs {
				up, down := append([]float64(nil), xs...), append([]float64(nil), xs...)
				up[i] += h
				down[i] -= h
				fd := (at(up)[0][0] - at(down)[0][0]) / (2 * h)
				if math.Abs(dx[i]-fd) > 1e-7+1e-6*math.Abs(fd) {
					t.Errorf("dcost/dx[%d]: got=%v, central difference %v", i, dx[i], fd)
				}
			}
		})
	}
}
