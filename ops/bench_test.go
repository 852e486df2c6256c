package ops

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BenchmarkBernoulli times UsePreallocDo of the Bernoulli op, the kernel a
// Poisson source runs once per step, with every train at one probability p:
// the course's 100 trains at 2 Hz and dt = 0.5 ms (p = 0.001), the same with
// the input off (p = 0, as outside the course's stimulus window), and 1e5
// trains. The metric ns/draw is the time per train per step, checks included.
func BenchmarkBernoulli(b *testing.B) {
	for _, n := range []int{100, 100000} {
		for _, p := range []float64{0.001, 0} {
			b.Run(fmt.Sprintf("N=%d/p=%g", n, p), func(b *testing.B) {
				op := Bernoulli{Seed: 1, DtMs: 0.5}
				r64 := make([]float64, n)
				for i := range r64 {
					r64[i] = p / (op.DtMs * 1e-3) // 2 Hz for p = 0.001
				}
				rate := dense64(r64, n)
				out := dense64(make([]float64, n), n)
				step := gorgonia.NewF64(0)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					*step = gorgonia.F64(i)
					if _, err := op.UsePreallocDo(out, rate, step); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/draw")
			})
		}
	}
}

// BenchmarkNormal times UsePreallocDo of the Normal op at 1000 elements (the
// size of izhikevich2003's network) and 1e5; ns/draw is the time per element.
func BenchmarkNormal(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			op := Normal{Seed: 1}
			s64, _ := testSigmas(n)
			sigma := dense64(s64, n)
			out := dense64(make([]float64, n), n)
			step := gorgonia.NewF64(0)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				*step = gorgonia.F64(i)
				if _, err := op.UsePreallocDo(out, sigma, step); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/draw")
		})
	}
}

// benchSink keeps the benchmarked calls from being optimised away.
var benchSink uint32

// BenchmarkPhilox4x32 times one Philox4x32-10 block, the counter's first
// word walking as the element index does in the ops.
func BenchmarkPhilox4x32(b *testing.B) {
	b.ReportAllocs()
	key := [2]uint32{1, 0}
	var acc uint32
	for i := 0; i < b.N; i++ {
		w := Philox4x32([4]uint32{uint32(i), 3, 7, 0}, key)
		acc ^= w[0] ^ w[1] ^ w[2] ^ w[3]
	}
	benchSink = acc
}

// BenchmarkUniform times one Uniform draw, the index walking.
func BenchmarkUniform(b *testing.B) {
	b.ReportAllocs()
	var acc float64
	for i := 0; i < b.N; i++ {
		acc += Uniform(1, 3, 7, uint64(i))
	}
	benchSink = uint32(acc)
}

func BenchmarkSpike(b *testing.B) {
	const n = 100000
	op := Spike{Threshold: 0.5, Surrogate: DefaultSuperSpike()}
	x := dense64(make([]float64, n), n)
	out := dense64(make([]float64, n), n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := op.UsePreallocDo(out, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSparseMatVec compares y = W·x for a random N×N matrix with
// density p: the CSR op against the dense product gorgonia.Mul runs
// (tensor.MatVecMul, BLAS Dgemv), first as bare kernels writing into a
// reused output, then as one-node graphs on a tape machine with Reset after
// each run, as the session package runs them.
func BenchmarkSparseMatVec(b *testing.B) {
	const n, p = 1000, 0.1
	b.Run(fmt.Sprintf("N=%d,p=%g", n, p), func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		c, w := randomCSR(b, rng, n, n, p)
		xv := randomVec(rng, n)
		op := SparseMatVec{W: c}
		b.Run("csr", func(b *testing.B) {
			x, y := dense64(xv, n), dense64(make([]float64, n), n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := op.UsePreallocDo(y, x); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("dense", func(b *testing.B) {
			wt, x, y := dense64(w, n, n), dense64(xv, n), dense64(make([]float64, n), n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := tensor.MatVecMul(wt, x, tensor.WithReuse(y)); err != nil {
					b.Fatal(err)
				}
			}
		})
		graph := func(b *testing.B, sparse bool) {
			g := gorgonia.NewGraph()
			x := vec64(g, "x", n)
			var y *gorgonia.Node
			if sparse {
				y = mustApply(b, op, x)
			} else {
				wn := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(n, n), gorgonia.WithName("w"), gorgonia.WithValue(dense64(w, n, n)))
				y = gorgonia.Must(gorgonia.Mul(wn, x))
			}
			var out gorgonia.Value
			gorgonia.Read(y, &out)
			m := gorgonia.NewTapeMachine(g)
			defer m.Close()
			xt := dense64(xv, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := gorgonia.Let(x, xt); err != nil {
					b.Fatal(err)
				}
				if err := m.RunAll(); err != nil {
					b.Fatal(err)
				}
				m.Reset()
			}
		}
		b.Run("csr/graph", func(b *testing.B) { graph(b, true) })
		b.Run("dense/graph", func(b *testing.B) { graph(b, false) })
	})
}
