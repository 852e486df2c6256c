package ops

import (
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestStopGradientForward(t *testing.T) {
	t.Parallel()
	in := dense64([]float64{1, -2, 3}, 3)
	out, err := StopGradient{}.Do(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Float64s()[0] = 99 // the output must be a copy, not a view of x
	if got := out.Data().([]float64); got[0] != 1 || got[1] != -2 || got[2] != 3 {
		t.Errorf("Do = %v, want [1 -2 3] unaffected by later writes to x", got)
	}
	s, err := StopGradient{}.Do(gorgonia.NewF32(2.5))
	if f, ok := s.(*gorgonia.F32); err != nil || !ok || *f != 2.5 {
		t.Errorf("scalar: got %v (%T), %v; want *F32 2.5", s, s, err)
	}
	pre := dense32(make([]float32, 4), 2, 2)
	if _, err := (StopGradient{}).UsePreallocDo(pre, dense32([]float32{1, 2, 3, 4}, 2, 2)); err != nil {
		t.Fatal(err)
	}
	if got := pre.Float32s(); got[0] != 1 || got[3] != 4 {
		t.Errorf("UsePreallocDo = %v, want [1 2 3 4]", got)
	}
	_, err = StopGradient{}.UsePreallocDo(dense32(make([]float32, 4), 4), dense32([]float32{1, 2, 3, 4}, 2, 2))
	wantErr(t, err, "prealloc")
	_, err = StopGradient{}.Do()
	wantErr(t, err, "got 0 inputs, want 1")
}

// TestStopGradientGradient checks d/dx Sum(StopGradient(x) ⊙ x) = x: only
// the direct path contributes. Without the stop the gradient would be 2x.
func TestStopGradientGradient(t *testing.T) {
	t.Parallel()
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			t.Parallel()
			g := gorgonia.NewGraph()
			x := gorgonia.NewVector(g, dt, gorgonia.WithShape(4), gorgonia.WithName("x"))
			sg := mustApply(t, StopGradient{}, x)
			cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(sg, x))))
			grads, err := gorgonia.Grad(cost, x)
			if err != nil {
				t.Fatal(err)
			}
			xv := []float64{1, -2, 0.5, 3}
			var let interface{} = dense64(append([]float64(nil), xv...), 4)
			if dt == tensor.Float32 {
				let = dense32(to32(xv), 4)
			}
			out := machine(t, g, cost, grads[0])(map[*gorgonia.Node]interface{}{x: let})
			if want := 1 + 4 + 0.25 + 9.0; out[0][0] != want {
				t.Errorf("cost = %v, want %v", out[0][0], want)
			}
			for i := range xv {
				if out[1][i] != xv[i] {
					t.Errorf("element %d: gradient %v, want x = %v (2x would be %v)", i, out[1][i], xv[i], 2*xv[i])
				}
			}
		})
	}
}

// TestStopGradientOnlyPath differentiates a cost that depends on x only
// through StopGradient: the gradient is zero, not an error.
func TestStopGradientOnlyPath(t *testing.T) {
	t.Parallel()
	g := gorgonia.NewGraph()
	x := vec64(g, "x", 3)
	sg := mustApply(t, StopGradient{}, x)
	cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.Square(sg))))
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		t.Fatalf("Grad: %v", err)
	}
	out := machine(t, g, cost, grads[0])(map[*gorgonia.Node]interface{}{x: dense64([]float64{1, 2, 3}, 3)})
	if out[0][0] != 14 {
		t.Errorf("cost = %v, want 14", out[0][0])
	}
	for i, v := range out[1] {
		if v != 0 {
			t.Errorf("element %d: gradient %v, want 0", i, v)
		}
	}
}

func TestStopGradientAllocations(t *testing.T) {
	x := dense64(make([]float64, 1000), 1000)
	pre := dense64(make([]float64, 1000), 1000)
	if a := testing.AllocsPerRun(100, func() {
		if _, err := (StopGradient{}).UsePreallocDo(pre, x); err != nil {
			panic(err)
		}
	}); a != 0 {
		t.Errorf("UsePreallocDo allocates %v times, want 0", a)
	}
}

func TestZerosLike(t *testing.T) {
	t.Parallel()
	pre := dense64([]float64{1, 2, 3}, 3)
	if _, err := (zerosLike{}).UsePreallocDo(pre, dense64([]float64{4, 5, 6}, 3)); err != nil {
		t.Fatal(err)
	}
	for i, v := range pre.Float64s() {
		if v != 0 {
			t.Errorf("element %d = %v after UsePreallocDo, want 0", i, v)
		}
	}
	out, err := zerosLike{}.Do(dense32([]float32{1, 2}, 2))
	if err != nil || out.Dtype() != tensor.Float32 || out.Data().([]float32)[1] != 0 {
		t.Errorf("Do = %v, %v; want float32 zeros", out, err)
	}
}
