package ops

import (
	"fmt"
	"hash"
	"hash/fnv"
	"testing"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// panicOp is an Op whose InferShape panics, standing in for the places where
// gorgonia itself panics while building a node.
type panicOp struct{}

func (panicOp) Arity() int { return 1 }
func (panicOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}
func (panicOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) { panic("boom") }
func (panicOp) Do(...gorgonia.Value) (gorgonia.Value, error)          { return nil, nil }
func (panicOp) ReturnsPtr() bool                                      { return false }
func (panicOp) CallsExtern() bool                                     { return false }
func (panicOp) OverwritesInput() int                                  { return -1 }
func (panicOp) WriteHash(h hash.Hash)                                 { fmt.Fprint(h, "panicOp") }
func (panicOp) Hashcode() uint32                                      { h := fnv.New32a(); h.Write([]byte("panicOp")); return h.Sum32() }
func (panicOp) String() string                                        { return "panicOp" }

func TestApplyErrors(t *testing.T) {
	t.Parallel()
	g := gorgonia.NewGraph()
	x := vec64(g, "x", 3)
	other := vec64(gorgonia.NewGraph(), "y", 3)

	_, err := Apply(nil, x)
	wantErr(t, err, "nil op")
	_, err = Apply(StopGradient{}, nil)
	wantErr(t, err, "child 0 is nil")
	_, err = Apply(panicOp{}, x)
	wantErr(t, err, "panicked", "boom")
	_, err = Apply(Where{}, x, x, other)
	wantErr(t, err, "Where")
	_, err = Apply(StopGradient{}, x, x)
	wantErr(t, err, "got 2 children, want 1")
	_, err = Apply(Spike{Threshold: 1, Surrogate: DefaultSuperSpike()}, gorgonia.NewVector(g, tensor.Int, gorgonia.WithShape(3), gorgonia.WithName("ix")))
	wantErr(t, err, "dtype int")
	if n, err := Apply(StopGradient{}, x); err != nil || n == nil {
		t.Errorf("Apply(StopGradient, x) = %v, %v", n, err)
	}
}

// TestOpHashes checks that ops of different types, and of one type with
// different fields, hash differently, and that equal ops hash equally.
func TestOpHashes(t *testing.T) {
	t.Parallel()
	w1, _ := testCSR()
	w2, _ := testCSR()
	w2.Val[0] = -1
	ops := []gorgonia.Op{
		Bernoulli{DtMs: 1},
		Bernoulli{DtMs: 1, Seed: 1},
		Bernoulli{DtMs: 1, Stream: 1},
		Bernoulli{DtMs: 2},
		Bernoulli{DtMs: 1, Seed: 1 << 32},
		Where{},
		StopGradient{},
		zerosLike{},
		Spike{Surrogate: DefaultSuperSpike()},
		Spike{Threshold: 1, Surrogate: DefaultSuperSpike()},
		Spike{Surrogate: SuperSpike{Beta: 3}},
		Spike{Surrogate: DefaultSuperSpike(), Strict: true},
		SparseMatVec{},
		SparseMatVec{Transposed: true},
		SparseMatVec{W: w1},
		SparseMatVec{W: w1, Transposed: true},
		SparseMatVec{W: w2},
	}
	seen := map[uint32]gorgonia.Op{}
	for _, op := range ops {
		h := op.Hashcode()
		if prev, ok := seen[h]; ok {
			t.Errorf("%v and %v share hash %x", prev, op, h)
		}
		seen[h] = op
	}
	if (Bernoulli{DtMs: 1, Seed: 3}).Hashcode() != (Bernoulli{DtMs: 1, Seed: 3}).Hashcode() {
		t.Error("equal Bernoulli ops hash differently")
	}
	if w3, _ := testCSR(); (SparseMatVec{W: w1}).Hashcode() != (SparseMatVec{W: w3}).Hashcode() {
		t.Error("SparseMatVec ops over equal matrices hash differently")
	}
}

// TestOpsThroughTapeMachine runs every op in one graph twice through a tape
// machine with Reset in between, as the session package does, and compares
// the results with Do. The second run exercises gorgonia's register reuse.
func TestOpsThroughTapeMachine(t *testing.T) {
	t.Parallel()
	const n = 6
	g := gorgonia.NewGraph()
	x, rate, step := vec64(g, "x", n), vec64(g, "rate", n), scalar64(g, "step")
	spike := mustApply(t, Spike{Threshold: 0, Surrogate: DefaultSuperSpike()}, x)
	bern := mustApply(t, Bernoulli{Seed: 4, DtMs: 1}, rate, step)
	sel := mustApply(t, Where{}, spike, x, bern)
	sg := mustApply(t, StopGradient{}, sel)
	run := machine(t, g, spike, bern, sel, sg)
	for s := 0; s < 3; s++ {
		xv := []float64{-1, 2, -3, 4, 0, -0.5}
		for i := range xv {
			xv[i] += float64(s)
		}
		rv := []float64{0, 1000, 500, 250, 900, 100}
		out := run(map[*gorgonia.Node]interface{}{x: dense64(append([]float64(nil), xv...), n), rate: dense64(rv, n), step: float64(s)})
		wantSpike, _ := Spike{Threshold: 0, Surrogate: DefaultSuperSpike()}.Do(dense64(xv, n))
		wantBern, _ := Bernoulli{Seed: 4, DtMs: 1}.Do(dense64(rv, n), gorgonia.NewF64(float64(s)))
		wantSel, _ := Where{}.Do(wantSpike, dense64(xv, n), wantBern)
		for k, want := range []gorgonia.Value{wantSpike, wantBern, wantSel, wantSel} {
			w := want.Data().([]float64)
			for i := range w {
				if out[k][i] != w[i] {
					t.Fatalf("run %d, output %d, element %d: machine %v, Do %v", s, k, i, out[k][i], w[i])
				}
			}
		}
	}
}
