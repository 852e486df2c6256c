package ops

import (
	"fmt"
	"hash"
	"hash/fnv"

	"gorgonia.org/gorgonia"
)

// validator is implemented by ops with parameters to check.
type validator interface {
	Validate() error
}

// childChecker is implemented by ops that check their children's dtypes and
// shapes before gorgonia builds the node. gorgonia's InferShape sees only
// shapes, so dtype mismatches are caught here (and again in Do).
type childChecker interface {
	CheckChildren(children []*gorgonia.Node) error
}

// Apply adds op applied to children to the children's graph and returns the
// new node. It validates op first (when op has a Validate method), checks the
// children's dtypes and shapes for the ops of this package, and turns any
// panic raised inside gorgonia while building the node into an error.
//
// graph.Builder.Apply, the path the models use, runs the same checks
// (Validate, then CheckChildren) through the same method sets, and records
// the error in the builder instead of returning it.
//
// gorgonia merges a new node into an existing one with the same op hash,
// children and type, so Apply may return a node that already exists.
func Apply(op gorgonia.Op, children ...*gorgonia.Node) (n *gorgonia.Node, err error) {
	if op == nil {
		return nil, fmt.Errorf("ops: Apply: nil op")
	}
	for i, c := range children {
		if c == nil {
			return nil, fmt.Errorf("ops: Apply %v: child %d is nil", op, i)
		}
	}
	if v, ok := op.(validator); ok {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("ops: Apply %v: %w", op, err)
		}
	}
	err = guard(op, func() error {
		if c, ok := op.(childChecker); ok {
			if err := c.CheckChildren(children); err != nil {
				return err
			}
		}
		var aerr error
		n, aerr = gorgonia.ApplyOp(op, children...)
		return aerr
	})
	if err != nil {
		return nil, fmt.Errorf("ops: Apply %v: %w", op, err)
	}
	return n, nil
}

// guard runs f and converts a panic inside it (gorgonia panics in places,
// e.g. Node.Dtype on an untyped node or NewConstant on odd values) into an
// error. It is the package's only call of recover.
func guard(op gorgonia.Op, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("ops: %v: gorgonia panicked: %v", op, r)
		}
	}()
	return f()
}

// hashOf returns the 32-bit FNV-1a hash of what op writes with WriteHash;
// every op's Hashcode is this.
func hashOf(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
