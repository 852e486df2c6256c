package ops

import (
	"fmt"
	"hash"
	"math"
	"slices"
	"strconv"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Surrogate is a surrogate gradient for the Heaviside spike non-linearity:
// the forward pass stays a step, and backpropagation uses a smooth psi(x) in
// place of its derivative (Neftci, Mostafa and Zenke 2019, IEEE Signal
// Processing Magazine 36(6):51-63). x is the distance to the threshold,
// input - threshold, in the input's units (mV for the models of this
// project), so every scale parameter is per mV or in mV.
//
// The implementations, one per file, each with its forward, psi, default
// and citation: SuperSpike (the fast sigmoid), Sigmoid (the logistic's
// derivative), ATan, Triangle and Exponential. ParseSurrogate reads them
// from a string (a command-line flag).
//
// Half-width (|x| where psi falls to half its peak) at the defaults, and
// the parameter that gives a half-width of h mV (TestSurrogateHalfWidths
// checks the table):
//
//	surrogate    psi(x)                            peak     default              half-width  for half-width h
//	SuperSpike   1/(Beta·|x| + 1)^2                1        Beta 10 /mV          0.041 mV    Beta = (√2 - 1)/h
//	Sigmoid      K·σ(Kx)·(1 - σ(Kx))               K/4      K 25 /mV             0.071 mV    K = 2·ln(1 + √2)/h
//	ATan         (Alpha/2)/(1 + (π/2·Alpha·x)^2)   Alpha/2  Alpha 2 /mV          0.318 mV    Alpha = 2/(π·h)
//	Triangle     Gamma·max(0, 1 - |x|/Width)       Gamma    Gamma 0.3, Width 1 mV 0.5 mV     Width = 2·h
//	Exponential  Alpha·exp(-Beta·|x|)              Alpha    Alpha 1, Beta 1 /mV  0.693 mV    Beta = ln 2/h
//
// What a scale means depends on the model. In models/izhikevich the spike
// is v >= VPeak (35 mV in the course's scheme, 30 mV in Izhikevich's
// code), so x = v - VPeak; between spikes v sits between the reset C
// (-65 mV for regular spiking) and about -40 mV, 70-100 mV below the cut,
// and the quadratic upstroke crosses the last tens of mV within one or two
// steps, so a half-width below 1 mV gives a gradient almost only on the
// steps where v is at the cut (the spike step itself). In models/lif the
// spike is v >= VThresh (-50 mV for lif.VogelsAbbott, reset and rest
// -60 mV), so the whole subthreshold range lies within 10 mV of the
// threshold and a half-width of 1-5 mV lets subthreshold neurons carry
// gradient.
type Surrogate interface {
	// String names the surrogate and its parameters, e.g. "SuperSpike{β=10}".
	String() string
	// Validate reports whether the parameters are usable; its error names
	// the field.
	Validate() error
	// Deriv adds the nodes computing psi(x) elementwise to x's graph, where
	// x = input - threshold; the result has x's shape and dtype.
	Deriv(x *gorgonia.Node) (*gorgonia.Node, error)
	// DerivAt returns psi(x) in plain Go, the value Deriv's node computes.
	DerivAt(x float64) float64
	// Smooth returns the smooth primitive of psi (Smooth' = psi), the
	// function a spike is replaced by when the whole forward pass is made
	// smooth (to check a gradient by finite differences). It rises by the
	// integral of psi across the threshold.
	Smooth(x float64) float64
	// WriteHash writes the surrogate's type and every parameter to h, so
	// that Spike ops with different surrogates stay distinct nodes.
	WriteHash(h hash.Hash)
}

// checkScale reports whether a surrogate's field v is positive and finite.
func checkScale(surrogate, field string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("ops: %s: %s (%g) must be positive and finite", surrogate, field, v)
	}
	return nil
}

// writeHash writes a surrogate's type tag and the bits of its fields.
func writeHash(h hash.Hash, tag string, fields ...float64) {
	fmt.Fprintf(h, "ops.%s{", tag)
	for _, f := range fields {
		fmt.Fprintf(h, "%016x,", math.Float64bits(f))
	}
	fmt.Fprint(h, "}")
}

// expr chains gorgonia operations on nodes of one dtype and keeps the
// first error, so that a surrogate's Deriv reads as its formula.
type expr struct {
	dt  tensor.Dtype
	err error
}

// c returns a scalar constant v of the chain's dtype.
func (e *expr) c(v float64) *gorgonia.Node {
	if e.err != nil {
		return nil
	}
	n, err := constant(e.dt, v)
	e.err = err
	return n
}

// bin applies a binary gorgonia function.
func (e *expr) bin(f func(a, b *gorgonia.Node) (*gorgonia.Node, error), a, b *gorgonia.Node) *gorgonia.Node {
	if e.err != nil {
		return nil
	}
	n, err := f(a, b)
	e.err = err
	return n
}

// un applies a unary gorgonia function.
func (e *expr) un(f func(a *gorgonia.Node) (*gorgonia.Node, error), a *gorgonia.Node) *gorgonia.Node {
	if e.err != nil {
		return nil
	}
	n, err := f(a)
	e.err = err
	return n
}

// derivOf runs a surrogate's Deriv: it validates s, checks x, and builds
// psi(x) with build, turning gorgonia's panics and errors into one error
// naming the surrogate.
func derivOf(s Surrogate, x *gorgonia.Node, build func(e *expr, x *gorgonia.Node) *gorgonia.Node) (retVal *gorgonia.Node, err error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if x == nil {
		return nil, fmt.Errorf("ops: %v: Deriv of a nil node", s)
	}
	err = guard(Spike{Surrogate: s}, func() error {
		dt, err := nodeDtype(x)
		if err != nil {
			return err
		}
		e := &expr{dt: dt}
		retVal = build(e, x)
		return e.err
	})
	if err != nil {
		return nil, fmt.Errorf("ops: %v: Deriv: %w", s, err)
	}
	return retVal, nil
}

// surrogateField is a parameter ParseSurrogate can set.
type surrogateField struct {
	name string
	ptr  *float64
}

// surrogateKind is a surrogate ParseSurrogate knows: its names (the first
// is the canonical one) and a constructor of the default value with
// pointers to its fields (the first field is the one a bare value sets)
// and a function returning the value after the fields are set.
type surrogateKind struct {
	names []string
	make  func() ([]surrogateField, func() Surrogate)
}

// surrogateKinds returns the table of ParseSurrogate (a function, not a
// package variable, so that nobody can change it).
func surrogateKinds() []surrogateKind {
	return []surrogateKind{
		{[]string{"superspike", "fastsigmoid"}, func() ([]surrogateField, func() Surrogate) {
			s := DefaultSuperSpike()
			return []surrogateField{{"Beta", &s.Beta}}, func() Surrogate { return s }
		}},
		{[]string{"sigmoid"}, func() ([]surrogateField, func() Surrogate) {
			s := DefaultSigmoid()
			return []surrogateField{{"K", &s.K}}, func() Surrogate { return s }
		}},
		{[]string{"atan", "arctan"}, func() ([]surrogateField, func() Surrogate) {
			s := DefaultATan()
			return []surrogateField{{"Alpha", &s.Alpha}}, func() Surrogate { return s }
		}},
		{[]string{"triangle"}, func() ([]surrogateField, func() Surrogate) {
			s := DefaultTriangle()
			return []surrogateField{{"Width", &s.Width}, {"Gamma", &s.Gamma}}, func() Surrogate { return s }
		}},
		{[]string{"exponential", "exp"}, func() ([]surrogateField, func() Surrogate) {
			s := DefaultExponential()
			return []surrogateField{{"Beta", &s.Beta}, {"Alpha", &s.Alpha}}, func() Surrogate { return s }
		}},
	}
}

// SurrogateNames returns the canonical names ParseSurrogate accepts.
func SurrogateNames() []string {
	kinds := surrogateKinds()
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.names[0]
	}
	return out
}

// ParseSurrogate reads a surrogate from text, for a command-line flag:
//
//	NAME                      the default, e.g. "atan"
//	NAME:VALUE                the first parameter set, e.g. "atan:2" (Alpha = 2)
//	NAME:FIELD=VALUE,...      named parameters, e.g. "triangle:width=2,gamma=0.5"
//
// NAME is superspike (or fastsigmoid), sigmoid, atan (or arctan), triangle
// or exponential (or exp), in any case; FIELD is a field name of the type
// (Beta, K, Alpha, Width, Gamma), in any case. The first parameter is
// SuperSpike's Beta, Sigmoid's K, ATan's Alpha, Triangle's Width and
// Exponential's Beta; fields not given keep their defaults. Values are in
// the units of the type's doc (per mV or mV). The result is validated;
// every error names the text and, where there is one, the field.
func ParseSurrogate(text string) (Surrogate, error) {
	fail := func(format string, args ...any) (Surrogate, error) {
		return nil, fmt.Errorf("ops: ParseSurrogate(%q): "+format, append([]any{text}, args...)...)
	}
	name, params, hasParams := strings.Cut(strings.TrimSpace(text), ":")
	name = strings.ToLower(strings.TrimSpace(name))
	for _, k := range surrogateKinds() {
		if !slices.Contains(k.names, name) {
			continue
		}
		fields, value := k.make()
		if hasParams {
			if err := setSurrogateFields(fields, params); err != nil {
				return fail("%v", err)
			}
		}
		s := value()
		if err := s.Validate(); err != nil {
			return fail("%w", err)
		}
		return s, nil
	}
	return fail("unknown surrogate %q (want one of %s)", name, strings.Join(SurrogateNames(), ", "))
}

// setSurrogateFields parses "VALUE" or "FIELD=VALUE,..." into fields.
func setSurrogateFields(fields []surrogateField, params string) error {
	if strings.TrimSpace(params) == "" {
		return fmt.Errorf("no parameter after ':'")
	}
	seen := map[string]bool{}
	for i, item := range strings.Split(params, ",") {
		key, val, named := strings.Cut(item, "=")
		f := fields[0]
		if named {
			key = strings.TrimSpace(key)
			j := slices.IndexFunc(fields, func(f surrogateField) bool { return strings.EqualFold(f.name, key) })
			if j < 0 {
				names := make([]string, len(fields))
				for k, f := range fields {
					names[k] = f.name
				}
				return fmt.Errorf("unknown field %q (want %s)", key, strings.Join(names, " or "))
			}
			f = fields[j]
		} else {
			val = key
			if i > 0 {
				return fmt.Errorf("parameter %d (%q) needs a field name (FIELD=VALUE)", i+1, item)
			}
		}
		if seen[f.name] {
			return fmt.Errorf("%s given twice", f.name)
		}
		seen[f.name] = true
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", f.name, strings.TrimSpace(val))
		}
		*f.ptr = v
	}
	return nil
}
