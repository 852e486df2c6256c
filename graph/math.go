package graph

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// elementwise combines x and y with f when their shapes fit: equal shapes, a
// scalar with anything, or a vector [n] with a batch [batch, n] (the vector
// is broadcast along the batch).
func (b *Builder) elementwise(op string, x, y *Node,
	same func(x, y *Node) (*Node, error),
	bcast func(x, y *Node, l, r []byte) (*Node, error)) *Node {
	if !b.operands(op, x, y) {
		return nil
	}
	if x.Dtype() != y.Dtype() {
		b.g.fail(fmt.Errorf("graph: %s in scope %q: %w: %v and %v", op, b.prefix, ErrDtype, x.Dtype(), y.Dtype()))
		return nil
	}
	xs, ys := x.Shape(), y.Shape()
	switch {
	case x.IsScalar() || y.IsScalar() || xs.Eq(ys):
		return b.do(op, func() (*Node, error) { return same(x, y) })
	case len(xs) == 1 && len(ys) == 2 && xs[0] == ys[1]:
		return b.do(op, func() (*Node, error) {
			row, err := gorgonia.Reshape(x, []int{1, xs[0]})
			if err != nil {
				return nil, err
			}
			return bcast(row, y, []byte{0}, nil)
		})
	case len(xs) == 2 && len(ys) == 1 && ys[0] == xs[1]:
		return b.do(op, func() (*Node, error) {
			row, err := gorgonia.Reshape(y, []int{1, ys[0]})
			if err != nil {
				return nil, err
			}
			return bcast(x, row, nil, []byte{0})
		})
	}
	b.g.fail(fmt.Errorf("graph: %s in scope %q: %w: %v and %v", op, b.prefix, ErrShape, xs, ys))
	return nil
}

// Add returns x + y elementwise (see elementwise shapes in Mul).
func (b *Builder) Add(x, y *Node) *Node {
	return b.elementwise("add", x, y, gorgonia.Add, gorgonia.BroadcastAdd)
}

// Sub returns x - y elementwise (see elementwise shapes in Mul).
func (b *Builder) Sub(x, y *Node) *Node {
	return b.elementwise("sub", x, y, gorgonia.Sub, gorgonia.BroadcastSub)
}

// Mul returns the elementwise product x .* y. The shapes must be equal, or
// one operand a scalar, or one a vector [n] and the other a batch [batch, n]
// (the vector is broadcast along the batch).
func (b *Builder) Mul(x, y *Node) *Node {
	return b.elementwise("mul", x, y,
		func(x, y *Node) (*Node, error) {
			if x.IsScalar() || y.IsScalar() {
				return gorgonia.Mul(x, y)
			}
			return gorgonia.HadamardProd(x, y)
		},
		gorgonia.BroadcastHadamardProd)
}

// MatVec returns W·x for a weight matrix W [post, pre] and x [pre] (result
// [post]), or x·Wᵀ for a batch x [batch, pre] (result [batch, post]).
func (b *Builder) MatVec(w, x *Node) *Node {
	if !b.operands("matvec", w, x) {
		return nil
	}
	ws, xs := w.Shape(), x.Shape()
	switch {
	case len(ws) == 2 && len(xs) == 1 && ws[1] == xs[0]:
		return b.do("matvec", func() (*Node, error) { return gorgonia.Mul(w, x) })
	case len(ws) == 2 && len(xs) == 2 && ws[1] == xs[1]:
		return b.do("matvec", func() (*Node, error) {
			wt, err := gorgonia.Transpose(w)
			if err != nil {
				return nil, err
			}
			return gorgonia.Mul(x, wt)
		})
	}
	b.g.fail(fmt.Errorf("graph: matvec in scope %q: %w: W %v, x %v", b.prefix, ErrShape, ws, xs))
	return nil
}

// Sum returns the sum of all elements of x, a scalar.
func (b *Builder) Sum(x *Node) *Node {
	if !b.operands("sum", x) {
		return nil
	}
	return b.do("sum", func() (*Node, error) { return gorgonia.Sum(x) })
}

// Apply adds a node computing op on children (a custom op from package ops,
// say), recovering gorgonia's panics into the builder's error. A nil op is
// an error.
func (b *Builder) Apply(op gorgonia.Op, children ...*Node) *Node {
	if op == nil {
		if !b.broken() {
			b.g.fail(fmt.Errorf("graph: Apply in scope %q: nil op", b.prefix))
		}
		return nil
	}
	if !b.operands(op.String(), children...) {
		return nil
	}
	return b.do(op.String(), func() (*Node, error) { return gorgonia.ApplyOp(op, children...) })
}

// Exp returns the elementwise exponential e^x, with x's shape and dtype. Its
// gradient is e^x (gorgonia's Exp), so models with an exponential term, such
// as the adaptive exponential integrate-and-fire neuron, stay differentiable.
// Large x overflows to +Inf; keep x bounded (e.g. by a spike cut-off).
func (b *Builder) Exp(x *Node) *Node {
	if !b.operands("exp", x) {
		return nil
	}
	return b.do("exp", func() (*Node, error) { return gorgonia.Exp(x) })
}
