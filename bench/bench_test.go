package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/spikegraph/spikegraph/session"
)

// BenchmarkStep4 measures one run of the course's Step 4 (2000 steps,
// 1000 ms) per op, loop only: building the network, drawing its synapses
// and compiling the graph happen with the timer stopped. It reports
// ns/neuron-step besides ns/op; allocations are per run of 2000 steps
// (the reference's are zero; the graph's are gorgonia's VM buffers).
//
//	go test -run '^$' -bench Step4 -count 5 ./bench/ | tee new.txt
func BenchmarkStep4(b *testing.B) {
	for _, e := range []Engine{EngineGraph, EngineReference} {
		for _, n := range []int{1000, 10000} {
			b.Run(fmt.Sprintf("engine=%v/n=%d", e, n), func(b *testing.B) {
				b.StopTimer()
				b.ReportAllocs()
				ctx := context.Background()
				spec := Spec(n, 1, DefaultPRec(n))
				for i := 0; i < b.N; i++ {
					switch e {
					case EngineGraph:
						net, err := spec.Build()
						if err != nil {
							b.Fatal(err)
						}
						s, err := session.New(net.Graph)
						if err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
						err = s.Steps(ctx, Steps, net.Feeder)
						b.StopTimer()
						s.Close()
						if err != nil {
							b.Fatal(err)
						}
					case EngineReference:
						ref, err := NewReference(ctx, spec)
						if err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
						err = ref.Run(ctx, Steps)
						b.StopTimer()
						if err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n*Steps), "ns/neuron-step")
			})
		}
	}
}
