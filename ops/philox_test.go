package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
)

// philoxRef is the implementation of Philox4x32 that ops shipped before the
// rounds were unrolled onto scalars: a loop of r rounds over the counter as
// an array, bumping the key before each round after the first. It is kept as
// the reference that the fast code must match bit for bit, and it runs the
// 7-round known answers, which exercise the same round function.
func philoxRef(r int, ctr [4]uint32, key [2]uint32) [4]uint32 {
	for i := 0; i < r; i++ {
		if i > 0 {
			key[0] += philoxW0
			key[1] += philoxW1
		}
		p0 := uint64(philoxM0) * uint64(ctr[0])
		p1 := uint64(philoxM1) * uint64(ctr[2])
		hi0, lo0 := uint32(p0>>32), uint32(p0)
		hi1, lo1 := uint32(p1>>32), uint32(p1)
		ctr = [4]uint32{hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0}
	}
	return ctr
}

// uniformRef, bernoulliRef and normalRef are Uniform, BernoulliDraw and
// NormalDraw as ops shipped them before the speed-up, on philoxRef: every
// (seed, stream, step, index) must keep its number.
func uniformRef(seed, stream, step, index uint64) float64 {
	out := philoxRef(10,
		[4]uint32{uint32(index), uint32(stream), uint32(step), uint32(step >> 32)},
		[2]uint32{uint32(seed), uint32(seed >> 32)},
	)
	x := uint64(out[0])<<32 | uint64(out[1])
	return float64(x>>11) * 0x1p-53
}

func bernoulliRef(seed, stream, step uint64, i int, p float64) bool {
	return uniformRef(seed, stream, step, uint64(i)) < p
}

func normalRef(seed, stream, step uint64, i int) float64 {
	w := philoxRef(10,
		[4]uint32{uint32(i), uint32(stream), uint32(step), uint32(step>>32) | normalTag},
		[2]uint32{uint32(seed), uint32(seed >> 32)},
	)
	a := uint64(w[0])<<32 | uint64(w[1])
	b := uint64(w[2])<<32 | uint64(w[3])
	u1 := 1 - float64(a>>11)*0x1p-53
	u2 := float64(b>>11) * 0x1p-53
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// Known answers for Philox4x32 from the kat_vectors file of the Random123
// distribution (D. E. Shaw Research), as reproduced in
// DEShawResearch/Random123-Boost, libs/random/test/test_philox.cpp
// (commit 916db91ae4c6fd8324ef054a518851321ab41f91), test_kat_philox4x32:
// columns are counter (4 words), key (2 words), expected output (4 words).
var philoxKAT = []struct {
	name   string
	rounds int
	ctr    [4]uint32
	key    [2]uint32
	want   [4]uint32
}{
	{"zeros/10", 10, [4]uint32{0, 0, 0, 0}, [2]uint32{0, 0},
		[4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
	{"ones/10", 10, [4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
		[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
	{"pi/10", 10, [4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
		[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	{"zeros/7", 7, [4]uint32{0, 0, 0, 0}, [2]uint32{0, 0},
		[4]uint32{0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}},
	{"ones/7", 7, [4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
		[4]uint32{0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662}},
	{"pi/7", 7, [4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
		[4]uint32{0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}},
}

func TestPhilox4x32KnownAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range philoxKAT {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := philoxRef(tc.rounds, tc.ctr, tc.key)
			if got != tc.want {
				t.Errorf("philoxRef(%d, %08x, %08x) = %08x, want %08x", tc.rounds, tc.ctr, tc.key, got, tc.want)
			}
			if tc.rounds == 10 {
				if got := Philox4x32(tc.ctr, tc.key); got != tc.want {
					t.Errorf("Philox4x32(%08x, %08x) = %08x, want %08x", tc.ctr, tc.key, got, tc.want)
				}
			}
		})
	}
}

// TestPhilox4x32MatchesReference checks the unrolled Philox4x32, and the
// ops' drawKey.block with its precomputed round keys, against philoxRef, the
// loop they replaced, bit for bit on 1e6 random counters and keys (fixed PCG
// seed) and on the corners where carries and wrap-arounds happen: all-zero
// and all-one words.
func TestPhilox4x32MatchesReference(t *testing.T) {
	t.Parallel()
	check := func(ctr [4]uint32, key [2]uint32) {
		t.Helper()
		want := philoxRef(10, ctr, key)
		if got := Philox4x32(ctr, key); got != want {
			t.Fatalf("Philox4x32(%08x, %08x) = %08x, want %08x (reference)", ctr, key, got, want)
		}
		k := newPhiloxKey(ctr[1], ctr[2], ctr[3], key[0], key[1])
		if w0, w1, w2, w3 := k.block(ctr[0]); [4]uint32{w0, w1, w2, w3} != want {
			t.Fatalf("drawKey.block for (%08x, %08x) = %08x, want %08x (reference)", ctr, key, [4]uint32{w0, w1, w2, w3}, want)
		}
	}
	corner := []uint32{0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff}
	for _, a := range corner {
		for _, b := range corner {
			check([4]uint32{a, b, a, b}, [2]uint32{b, a})
			check([4]uint32{a, a, b, b}, [2]uint32{a, b})
		}
	}
	rng := rand.New(rand.NewPCG(2011, 11))
	for i := 0; i < 1000000; i++ {
		check([4]uint32{rng.Uint32(), rng.Uint32(), rng.Uint32(), rng.Uint32()}, [2]uint32{rng.Uint32(), rng.Uint32()})
	}
}

// TestDrawsMatchReference checks Uniform, BernoulliDraw and NormalDraw, and
// the drawKey methods that the ops' loops call, against the code they
// replaced, bit for bit, on 1e6 random keys (fixed PCG seed) within the
// ranges the ops accept: any seed, stream and index up to MaxIndex, step
// below 2^53. Bernoulli's probabilities include the shortcuts' cases p = 0
// and p = 1, the smallest subnormal, and p equal to the draw itself and its
// neighbours, where "<" decides.
func TestDrawsMatchReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2011, 12))
	for n := 0; n < 1000000; n++ {
		seed, stream := rng.Uint64(), uint64(rng.Uint32())
		step, i := rng.Uint64N(maxStep), int(rng.Uint32())
		u, want := Uniform(seed, stream, step, uint64(i)), uniformRef(seed, stream, step, uint64(i))
		if math.Float64bits(u) != math.Float64bits(want) {
			t.Fatalf("Uniform(%d, %d, %d, %d) = %v, want %v (reference)", seed, stream, step, i, u, want)
		}
		for _, p := range []float64{0, 1, 5e-324, 0.001, rng.Float64(), u, math.Nextafter(u, 0), math.Nextafter(u, 1)} {
			if got, want := BernoulliDraw(seed, stream, step, i, p), bernoulliRef(seed, stream, step, i, p); got != want {
				t.Fatalf("BernoulliDraw(%d, %d, %d, %d, %v) = %v, want %v (reference)", seed, stream, step, i, p, got, want)
			}
		}
		k := newDrawKey(seed, stream, step, 0)
		if got := k.uniform(uint32(i)); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("drawKey.uniform for (%d, %d, %d, %d) = %v, want %v (reference)", seed, stream, step, i, got, want)
		}
		for _, p := range []float64{0, 1, u, math.Nextafter(u, 1)} {
			if got, want := k.spike(uint32(i), p), bernoulliRef(seed, stream, step, i, p); got != want {
				t.Fatalf("drawKey.spike for (%d, %d, %d, %d, %v) = %v, want %v (reference)", seed, stream, step, i, p, got, want)
			}
		}
		want = normalRef(seed, stream, step, i)
		if z := NormalDraw(seed, stream, step, i); math.Float64bits(z) != math.Float64bits(want) {
			t.Fatalf("NormalDraw(%d, %d, %d, %d) = %v, want %v (reference)", seed, stream, step, i, z, want)
		}
		nk := newDrawKey(seed, stream, step, normalTag)
		if z := nk.normal(uint32(i)); math.Float64bits(z) != math.Float64bits(want) {
			t.Fatalf("drawKey.normal for (%d, %d, %d, %d) = %v, want %v (reference)", seed, stream, step, i, z, want)
		}
	}
}

// TestOpsMatchReference runs the Bernoulli and Normal ops, float64 and
// float32, against bernoulliRef and normalRef: the per-step key hoisted out
// of the loop and the shortcuts at p = 0 and p = 1 must leave every output
// bit as it was. The rates mix 0 Hz (p = 0), 2 Hz (the course's p = 0.001),
// 2000 Hz (p = 1 at 0.5 ms) and a spread up to 1000 Hz; sigmas include 0,
// whose output keeps the sign of the draw (-0 for z < 0).
func TestOpsMatchReference(t *testing.T) {
	t.Parallel()
	const n, steps = 512, 40
	r64, r32 := make([]float64, n), make([]float32, n)
	for i := range r64 {
		switch i % 4 {
		case 0:
			r64[i] = 0
		case 1:
			r64[i] = 2
		case 2:
			r64[i] = 2000
		default:
			r64[i] = float64((i * 37) % 1000)
		}
		r32[i] = float32(r64[i])
	}
	s64, s32 := testSigmas(n)
	bern := Bernoulli{Seed: 0x123456789, Stream: 7, DtMs: 0.5}
	norm := Normal{Seed: 0x123456789, Stream: 7}
	out64, out32 := dense64(make([]float64, n), n), dense32(make([]float32, n), n)
	spikes, negZero := 0, 0
	for s := uint64(0); s < steps; s++ {
		step := gorgonia.NewF64(float64(s))
		if _, err := bern.UsePreallocDo(out64, dense64(r64, n), step); err != nil {
			t.Fatal(err)
		}
		if _, err := bern.UsePreallocDo(out32, dense32(r32, n), step); err != nil {
			t.Fatal(err)
		}
		for i := range r64 {
			want := 0.0
			if bernoulliRef(bern.Seed, bern.Stream, s, i, r64[i]*0.5*1e-3) {
				want = 1
			}
			if got := out64.Float64s()[i]; got != want {
				t.Fatalf("Bernoulli float64, step %d, element %d (rate %v Hz): got %v, want %v (reference)", s, i, r64[i], got, want)
			}
			if got := out32.Float32s()[i]; float64(got) != want {
				t.Fatalf("Bernoulli float32, step %d, element %d (rate %v Hz): got %v, want %v (reference)", s, i, r32[i], got, want)
			}
			spikes += int(want)
		}
		if _, err := norm.UsePreallocDo(out64, dense64(s64, n), step); err != nil {
			t.Fatal(err)
		}
		if _, err := norm.UsePreallocDo(out32, dense32(s32, n), step); err != nil {
			t.Fatal(err)
		}
		for i := range s64 {
			z := normalRef(norm.Seed, norm.Stream, s, i)
			if got, want := out64.Float64s()[i], s64[i]*z; math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("Normal float64, step %d, element %d: got %v, want %v (reference)", s, i, got, want)
			}
			if got, want := out32.Float32s()[i], float32(float64(s32[i])*z); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("Normal float32, step %d, element %d: got %v, want %v (reference)", s, i, got, want)
			}
			if s64[i] == 0 && math.Signbit(out64.Float64s()[i]) {
				negZero++
			}
		}
	}
	if spikes == 0 || negZero == 0 {
		t.Fatalf("%d spikes, %d outputs of -0: the comparison misses a case", spikes, negZero)
	}
}

// TestUniformKnownAnswers checks Uniform's mapping of (seed, stream, step,
// index) onto Philox's key and counter, and of the output onto [0, 1), with
// the three 10-round known answers: the expected value is the top 53 bits of
// w0<<32|w1 of the published output, times 2^-53.
func TestUniformKnownAnswers(t *testing.T) {
	t.Parallel()
	want := func(w0, w1 uint32) float64 { return float64((uint64(w0)<<32|uint64(w1))>>11) / (1 << 53) }
	cases := []struct {
		name                      string
		seed, stream, step, index uint64
		want                      float64
	}{
		{"zeros", 0, 0, 0, 0, want(0x6627e8d5, 0xe169c58d)},
		{"ones", math.MaxUint64, MaxIndex, math.MaxUint64, MaxIndex, want(0x408f276d, 0x41c83b0e)},
		{"pi", 0x299f31d0a4093822, 0x85a308d3, 0x0370734413198a2e, 0x243f6a88, want(0xd16cfe09, 0x94fdcceb)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Uniform(tc.seed, tc.stream, tc.step, tc.index); got != tc.want {
				t.Errorf("Uniform = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestUniformMoments compares the mean and variance of n draws with the
// uniform distribution's 1/2 and 1/12. The standard error of the mean is
// sqrt(1/12/n); that of the sample variance is sqrt((mu4 - sigma^4)/n) with
// mu4 = 1/80 and sigma^4 = 1/144, i.e. sqrt(1/(180 n)). Allowing 5 standard
// errors gives a false-failure rate below 1e-6 per check (normal tails); a
// generator that is biased, e.g. one that returns the top 32 bits only for
// half the draws, or one with values outside [0, 1), fails.
func TestUniformMoments(t *testing.T) {
	t.Parallel()
	const n = 1 << 20
	var sum, sumSq float64
	for i := uint64(0); i < n; i++ {
		// Walk index, step and stream together so all counter words vary.
		u := Uniform(12345, i%7, i/3, i)
		if !(u >= 0 && u < 1) {
			t.Fatalf("Uniform draw %d = %v, outside [0, 1)", i, u)
		}
		sum += u
		sumSq += u * u
	}
	mean := sum / n
	variance := sumSq/n - mean*mean
	seMean := math.Sqrt(1.0 / 12 / n)
	seVar := math.Sqrt(1.0 / 180 / n)
	if math.Abs(mean-0.5) > 5*seMean {
		t.Errorf("mean = %v, want 0.5 ± %v (5 SE)", mean, 5*seMean)
	}
	if math.Abs(variance-1.0/12) > 5*seVar {
		t.Errorf("variance = %v, want %v ± %v (5 SE)", variance, 1.0/12, 5*seVar)
	}
}

// TestUniformNeighboursUncorrelated checks that draws whose keys differ by one
// in a single argument are never equal and are uncorrelated. For independent
// pairs the sample correlation has standard error about 1/sqrt(n); 5 standard
// errors (0.0158 for n = 1e5) bounds it with a false-failure rate below 1e-6.
// Equal draws have probability 2^-53 per pair, so any equality is a bug (for
// example, an argument that does not reach the counter or key).
func TestUniformNeighboursUncorrelated(t *testing.T) {
	t.Parallel()
	const n = 100000
	cases := []struct {
		name string
		pair func(i uint64) (float64, float64)
	}{
		{"index", func(i uint64) (float64, float64) { return Uniform(7, 3, 11, i), Uniform(7, 3, 11, i+1) }},
		{"step", func(i uint64) (float64, float64) { return Uniform(7, 3, i, 11), Uniform(7, 3, i+1, 11) }},
		{"step high word", func(i uint64) (float64, float64) { return Uniform(7, 3, i, 11), Uniform(7, 3, i+1<<32, 11) }},
		{"seed", func(i uint64) (float64, float64) { return Uniform(i, 3, 11, 5), Uniform(i+1, 3, 11, 5) }},
		{"seed high word", func(i uint64) (float64, float64) { return Uniform(i, 3, 11, 5), Uniform(i+1<<32, 3, 11, 5) }},
		{"stream", func(i uint64) (float64, float64) { return Uniform(7, i, 11, 5), Uniform(7, i+1, 11, 5) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var sx, sy, sxx, syy, sxy float64
			for i := uint64(0); i < n; i++ {
				x, y := tc.pair(i)
				if x == y {
					t.Fatalf("pair %d: equal draws %v", i, x)
				}
				sx += x
				sy += y
				sxx += x * x
				syy += y * y
				sxy += x * y
			}
			cov := sxy/n - sx/n*sy/n
			r := cov / math.Sqrt((sxx/n-sx/n*sx/n)*(syy/n-sy/n*sy/n))
			if bound := 5 / math.Sqrt(n); math.Abs(r) > bound {
				t.Errorf("correlation = %v, want |r| <= %v (5 SE)", r, bound)
			}
		})
	}
}

func TestUniformDoesNotAllocate(t *testing.T) {
	var sink float64
	allocs := testing.AllocsPerRun(1000, func() {
		sink += Uniform(1, 2, 3, 4)
		if BernoulliDraw(1, 2, 3, 4, 0.5) {
			sink++
		}
	})
	if allocs != 0 {
		t.Errorf("Uniform and BernoulliDraw allocate %v times per call, want 0", allocs)
	}
	_ = sink
}
