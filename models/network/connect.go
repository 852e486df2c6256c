package network

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Connectivity chooses the synapses of a projection. Rows calls emit for
// every synapse (post, pre), row by row (post ascending) and, within a row,
// pre ascending, drawing what it needs from r, and stops (returning nil)
// as soon as emit returns false. A projection draws each
// synapse's weight from the same r right after emit returns, so a
// generator's draws and the weights interleave as in the course's loops.
// Rows never builds an nPost × nPre table unless its rule needs every pair.
type Connectivity interface {
	Rows(nPost, nPre int, r *rand.Rand, emit func(post, pre int) bool) error
}

// Pairwise tests every (post, pre) pair with probability P, one uniform
// draw a pair in row-major order: the course's loop, O(nPost·nPre) draws.
// Use it to reproduce the course's networks draw for draw; FixedProbability
// draws the same distribution in time proportional to the synapses made.
type Pairwise struct {
	P float64 // connection probability, in [0, 1]
}

// Rows implements Connectivity.
func (c Pairwise) Rows(nPost, nPre int, r *rand.Rand, emit func(post, pre int) bool) error {
	if err := checkProb("Pairwise.P", c.P); err != nil {
		return err
	}
	for post := 0; post < nPost; post++ {
		for pre := 0; pre < nPre; pre++ {
			if r.Float64() < c.P && !emit(post, pre) {
				return nil
			}
		}
	}
	return nil
}

// FixedProbability connects each (post, pre) pair independently with
// probability P, skipping ahead by geometric gaps (one draw per synapse
// made, plus one a row), so n = 1e6 never tests 1e12 pairs. Its
// realisation differs from Pairwise's for the same seed; its distribution
// does not.
type FixedProbability struct {
	P float64 // connection probability, in [0, 1]
}

// Rows implements Connectivity.
func (c FixedProbability) Rows(nPost, nPre int, r *rand.Rand, emit func(post, pre int) bool) error {
	if err := checkProb("FixedProbability.P", c.P); err != nil {
		return err
	}
	if c.P == 0 {
		return nil
	}
	logq := math.Log1p(-c.P) // < 0, or -Inf when P = 1
	for post := 0; post < nPost; post++ {
		pre := -1
		for {
			// The gap to the next synapse is geometric: P(gap = k) = (1-P)^k P.
			gap := 0.0
			if c.P < 1 {
				gap = math.Floor(math.Log(1-r.Float64()) / logq)
			}
			if gap >= float64(nPre-pre-1) {
				break
			}
			pre += int(gap) + 1
			if !emit(post, pre) {
				return nil
			}
		}
	}
	return nil
}

// FixedInDegree gives every postsynaptic neuron exactly K presynaptic
// partners, drawn without replacement (Floyd's algorithm: K draws a row).
type FixedInDegree struct {
	K int // partners per postsynaptic neuron, in [0, nPre]
}

// Rows implements Connectivity.
func (c FixedInDegree) Rows(nPost, nPre int, r *rand.Rand, emit func(post, pre int) bool) error {
	if c.K < 0 || c.K > nPre {
		return fmt.Errorf("FixedInDegree.K = %d must be in [0, %d] (the presynaptic size)", c.K, nPre)
	}
	chosen := make(map[int]struct{}, c.K)
	row := make([]int, 0, c.K)
	for post := 0; post < nPost; post++ {
		clear(chosen)
		row = row[:0]
		for j := nPre - c.K; j < nPre; j++ {
			t := r.IntN(j + 1)
			if _, dup := chosen[t]; dup {
				t = j
			}
			chosen[t] = struct{}{}
			row = append(row, t)
		}
		sortInts(row)
		for _, pre := range row {
			if !emit(post, pre) {
				return nil
			}
		}
	}
	return nil
}

// RingNeighbours connects each neuron to every other neuron within Reach
// positions on a ring (circular distance 1..Reach); it draws nothing.
// Pre and post must have the same size.
type RingNeighbours struct {
	Reach int // >= 1 and < half the ring
}

// Rows implements Connectivity.
func (c RingNeighbours) Rows(nPost, nPre int, r *rand.Rand, emit func(post, pre int) bool) error {
	if nPost != nPre {
		return fmt.Errorf("RingNeighbours: pre (%d) and post (%d) must be the same ring", nPre, nPost)
	}
	if c.Reach < 1 || 2*c.Reach >= nPre {
		return fmt.Errorf("RingNeighbours.Reach = %d must be in [1, %d) for a ring of %d", c.Reach, (nPre+1)/2, nPre)
	}
	for post := 0; post < nPost; post++ {
		for pre := 0; pre < nPre; pre++ {
			if d := ringDistance(post, pre, nPre); d >= 1 && d <= c.Reach && !emit(post, pre) {
				return nil
			}
		}
	}
	return nil
}

// AllToAll connects every pair (post, pre); it draws nothing.
type AllToAll struct{}

// Rows implements Connectivity.
func (AllToAll) Rows(nPost, nPre int, r *rand.Rand, emit func(post, pre int) bool) error {
	for post := 0; post < nPost; post++ {
		for pre := 0; pre < nPre; pre++ {
			if !emit(post, pre) {
				return nil
			}
		}
	}
	return nil
}

func ringDistance(i, j, n int) int {
	d := i - j
	if d < 0 {
		d = -d
	}
	return min(d, n-d)
}

func checkProb(name string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("%s = %v must be in [0, 1]", name, p)
	}
	return nil
}

// sortInts sorts a short slice in place (insertion sort: rows are short).
func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// Weights is a distribution of synaptic weights. Sampler returns a function
// that draws one weight from r each call.
type Weights interface {
	Sampler(r *rand.Rand) (func() float64, error)
}

// Constant gives every synapse the weight W; it draws nothing.
type Constant struct {
	W float64 // finite
}

// Sampler implements Weights.
func (c Constant) Sampler(*rand.Rand) (func() float64, error) {
	if math.IsNaN(c.W) || math.IsInf(c.W, 0) {
		return nil, fmt.Errorf("Constant.W = %v is not finite", c.W)
	}
	return func() float64 { return c.W }, nil
}

// Gamma draws weights from a Gamma distribution with shape k and scale θ
// (mean kθ): the course's recurrent weights are Gamma(2, 0.003).
type Gamma struct {
	Shape float64 // k > 0
	Scale float64 // θ > 0
}

// Sampler implements Weights.
func (g Gamma) Sampler(r *rand.Rand) (func() float64, error) {
	if !(g.Shape > 0) || !(g.Scale > 0) || math.IsInf(g.Shape, 0) || math.IsInf(g.Scale, 0) {
		return nil, fmt.Errorf("Gamma{Shape: %v, Scale: %v}: both must be positive and finite", g.Shape, g.Scale)
	}
	d := distuv.Gamma{Alpha: g.Shape, Beta: 1 / g.Scale, Src: r}
	return d.Rand, nil
}

// Uniform draws weights uniformly from [Lo, Hi).
type Uniform struct {
	Lo, Hi float64 // finite, Lo <= Hi
}

// Sampler implements Weights.
func (u Uniform) Sampler(r *rand.Rand) (func() float64, error) {
	if math.IsNaN(u.Lo) || math.IsNaN(u.Hi) || math.IsInf(u.Lo, 0) || math.IsInf(u.Hi, 0) || u.Hi < u.Lo {
		return nil, fmt.Errorf("Uniform{Lo: %v, Hi: %v}: want finite Lo <= Hi", u.Lo, u.Hi)
	}
	return func() float64 { return u.Lo + (u.Hi-u.Lo)*r.Float64() }, nil
}

// Label selects neurons by their population's Inh labels.
type Label int

const (
	// Any is every neuron.
	Any Label = iota
	// Exc is the neurons not labelled inhibitory.
	Exc
	// Inh is the neurons labelled inhibitory.
	Inh
)

func (l Label) has(inh bool) bool {
	switch l {
	case Exc:
		return !inh
	case Inh:
		return inh
	}
	return true
}

// BlockScale multiplies the weights of the synapses from Pre to Post
// neurons by Factor, as the course doubles inhibitory-to-excitatory
// weights: BlockScale{Pre: Inh, Post: Exc, Factor: 2}. Blocks apply in
// order.
type BlockScale struct {
	Pre, Post Label
	Factor    float64 // finite
}

var errNoLabels = errors.New("needs Inh labels on its population (Population.Inh)")
