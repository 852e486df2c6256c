package ops

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func BenchmarkBernoulli(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			op := Bernoulli{Seed: 1, DtMs: 0.5}
			r64, _ := testRates(n)
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
		})
	}
}

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
		})
	}
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
