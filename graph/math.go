package graph

import (
	"fmt"
	"strings"

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

// Div returns x / y elementwise (shapes as in Mul). Division by zero gives
// ±Inf or NaN as in IEEE arithmetic; it is not an error.
func (b *Builder) Div(x, y *Node) *Node {
	return b.elementwise("div", x, y,
		func(x, y *Node) (*Node, error) { return gorgonia.HadamardDiv(x, y) },
		gorgonia.BroadcastHadamardDiv)
}

// Min returns the elementwise minimum of x and y (shapes as in Mul), built
// as x·m + y·(1 - m) with the mask m = (x <= y) (Lte): exact, since m is 0
// or 1. Its gradient goes to x where x <= y (ties included) and to y
// elsewhere; the mask carries none. An infinite operand gives NaN where it
// is not selected (Inf·0); keep operands finite.
func (b *Builder) Min(x, y *Node) *Node { return b.selectBy("min", b.Lte(x, y), x, y) }

// Max returns the elementwise maximum of x and y (shapes as in Mul), built
// as x·m + y·(1 - m) with the mask m = (x >= y) (Gte); see Min for the
// gradient (to x where x >= y, ties included) and for infinite operands.
func (b *Builder) Max(x, y *Node) *Node { return b.selectBy("max", b.Gte(x, y), x, y) }

// selectBy returns x·m + y·(1 - m) for a 0/1 mask m.
func (b *Builder) selectBy(op string, m, x, y *Node) *Node {
	if !b.operands(op, m, x, y) {
		return nil
	}
	notM := b.Sub(b.Scalar(1), m)
	return b.Add(b.Mul(x, m), b.Mul(y, notM))
}

// compare returns the 0/1 result of a gorgonia comparison in x's dtype.
func (b *Builder) compare(op string, x, y *Node,
	same func(x, y *Node, retSame bool) (*Node, error),
	bcast func(x, y *Node, retSame bool, l, r []byte) (*Node, error)) *Node {
	return b.elementwise(op, x, y,
		func(x, y *Node) (*Node, error) { return same(x, y, true) },
		func(x, y *Node, l, r []byte) (*Node, error) { return bcast(x, y, true, l, r) })
}

// Gt returns 1 where x > y and 0 elsewhere, in the operands' dtype (shapes
// as in Mul). Comparisons carry no gradient: gorgonia differentiates
// neither operand through them, so a cost that depends on x only through a
// comparison has no gradient with respect to x (Grad records an error),
// and in a product such as Mul(Gt(x, c), x) the mask acts as a constant.
// For a spike with a gradient use ops.Spike with a surrogate.
func (b *Builder) Gt(x, y *Node) *Node {
	return b.compare("gt", x, y, gorgonia.Gt, gorgonia.BroadcastGt)
}

// Gte returns 1 where x >= y and 0 elsewhere; no gradient (see Gt).
func (b *Builder) Gte(x, y *Node) *Node {
	return b.compare("gte", x, y, gorgonia.Gte, gorgonia.BroadcastGte)
}

// Lt returns 1 where x < y and 0 elsewhere; no gradient (see Gt).
func (b *Builder) Lt(x, y *Node) *Node {
	return b.compare("lt", x, y, gorgonia.Lt, gorgonia.BroadcastLt)
}

// Lte returns 1 where x <= y and 0 elsewhere; no gradient (see Gt).
func (b *Builder) Lte(x, y *Node) *Node {
	return b.compare("lte", x, y, gorgonia.Lte, gorgonia.BroadcastLte)
}

// Eq returns 1 where x == y and 0 elsewhere; no gradient (see Gt).
func (b *Builder) Eq(x, y *Node) *Node {
	return b.compare("eq", x, y, gorgonia.Eq, gorgonia.BroadcastEq)
}

// Ne returns 1 where x != y and 0 elsewhere; no gradient (see Gt).
func (b *Builder) Ne(x, y *Node) *Node {
	return b.compare("ne", x, y, gorgonia.Ne, gorgonia.BroadcastNe)
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

// Mean returns the mean of all elements of x, a scalar: Sum(x) divided by
// the number of elements (x itself for a scalar).
func (b *Builder) Mean(x *Node) *Node {
	if !b.operands("mean", x) {
		return nil
	}
	if x.IsScalar() {
		return x
	}
	return b.Div(b.Sum(x), b.Scalar(float64(x.Shape().TotalSize())))
}

// Apply adds a node computing op on children (a custom op from package ops,
// say). It is the one validated path for custom ops, the same checks as
// ops.Apply: when op has a method Validate() error it is called first, and
// when it has CheckChildren([]*gorgonia.Node) error (every op of package ops
// does) the children's count, dtypes and shapes are checked before gorgonia
// builds the node, so a bad op parameter or a dtype mismatch is an error
// here, at build time, rather than gorgonia's message at the first step.
// The first failure is recorded as the builder's error naming the op, the
// scope and the children; gorgonia's panics are recovered into it. A nil op
// or child is an error.
//
// gorgonia merges a new node into an existing one with the same op hash,
// children and type, so Apply may return a node that already exists.
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
	return b.do(fmt.Sprintf("Apply %v on %s", op, b.describe(children)), func() (*Node, error) {
		if v, ok := op.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return nil, err
			}
		}
		if c, ok := op.(interface {
			CheckChildren(children []*gorgonia.Node) error
		}); ok {
			if err := c.CheckChildren(children); err != nil {
				return nil, err
			}
		}
		return gorgonia.ApplyOp(op, children...)
	})
}

// describe names nodes for an error message: their registered names where
// they have one, else gorgonia's name, with shape and dtype.
func (b *Builder) describe(xs []*Node) (s string) {
	defer func() {
		if recover() != nil { // an untyped node's Dtype panics in gorgonia
			s = fmt.Sprintf("%d nodes", len(xs))
		}
	}()
	var sb strings.Builder
	sb.WriteByte('(')
	for i, x := range xs {
		if i > 0 {
			sb.WriteString(", ")
		}
		name, ok := b.g.NameOf(x)
		if !ok {
			name = x.Name()
		}
		fmt.Fprintf(&sb, "%q %v %v", name, x.Shape(), x.Dtype())
	}
	sb.WriteByte(')')
	return sb.String()
}

// Exp returns the elementwise exponential e^x, with x's shape and dtype. Its
// gradient is e^x (gorgonia's Exp), so models with an exponential term, such
// as the adaptive exponential integrate-and-fire neuron, stay differentiable.
// Large x overflows to +Inf; keep x bounded (e.g. by a spike cut-off).
func (b *Builder) Exp(x *Node) *Node {
	return b.unary("exp", x, gorgonia.Exp)
}

// unary adds f(x) for one of gorgonia's elementwise functions.
func (b *Builder) unary(op string, x *Node, f func(*Node) (*Node, error)) *Node {
	if !b.operands(op, x) {
		return nil
	}
	return b.do(op, func() (*Node, error) { return f(x) })
}

// Neg returns -x elementwise; its gradient is -1.
func (b *Builder) Neg(x *Node) *Node { return b.unary("neg", x, gorgonia.Neg) }

// Square returns x² elementwise; its gradient is 2x.
func (b *Builder) Square(x *Node) *Node { return b.unary("square", x, gorgonia.Square) }

// Log returns the natural logarithm ln x elementwise; its gradient is 1/x.
// x <= 0 gives -Inf or NaN as in IEEE arithmetic.
func (b *Builder) Log(x *Node) *Node { return b.unary("log", x, gorgonia.Log) }

// Tanh returns tanh x elementwise; its gradient is 1 - tanh² x.
func (b *Builder) Tanh(x *Node) *Node { return b.unary("tanh", x, gorgonia.Tanh) }

// Sigmoid returns the logistic function 1/(1 + e^-x) elementwise; its
// gradient is σ(x)(1 - σ(x)).
func (b *Builder) Sigmoid(x *Node) *Node { return b.unary("sigmoid", x, gorgonia.Sigmoid) }
