package ops

import (
	"fmt"
	"testing"

	"gorgonia.org/gorgonia"
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
