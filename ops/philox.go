package ops

// Philox4x32-10 is the counter-based generator of Salmon, Moraes, Dror and
// Shaw (2011), "Parallel random numbers: as easy as 1, 2, 3", Proceedings of
// SC'11 (ACM/IEEE conference on high performance computing). The multipliers
// and Weyl key increments below are the ones published there and used by the
// authors' Random123 library.
const (
	philoxM0 = 0xD2511F53 // round multiplier for word 0
	philoxM1 = 0xCD9E8D57 // round multiplier for word 2
	philoxW0 = 0x9E3779B9 // key increment for key word 0 (golden ratio)
	philoxW1 = 0xBB67AE85 // key increment for key word 1 (sqrt(3)-1)

	philoxRounds = 10
)

// MaxIndex is the largest element index and the largest stream number that
// Uniform, BernoulliDraw and the Bernoulli op accept. Each fills one 32-bit
// word of the Philox counter, so an op over more than MaxIndex+1 elements
// returns an error instead of repeating draws.
const MaxIndex = 1<<32 - 1

// Philox4x32 returns the Philox4x32-10 bijection of the counter ctr under the
// key key: ten rounds, with the key bumped by the Weyl constants before each
// round after the first (Salmon et al. 2011). The result matches the known
// answers of the Random123 distribution's kat_vectors file.
func Philox4x32(ctr [4]uint32, key [2]uint32) [4]uint32 {
	w0, w1, w2, w3 := philox10(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1])
	return [4]uint32{w0, w1, w2, w3}
}

// philox10 is Philox4x32-10 on the counter words c0..c3 and key words k0, k1,
// written as ten explicit rounds on scalars: Go passes arrays of more than one
// element through memory, while scalar arguments and results stay in
// registers. The key schedule costs one add per key word per round.
func philox10(c0, c1, c2, c3, k0, k1 uint32) (w0, w1, w2, w3 uint32) {
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+philoxW0, k1+philoxW1
	return philoxRound(c0, c1, c2, c3, k0, k1)
}

// philoxRound is one Philox4x32 round under the round key (k0, k1): the two
// 32x32->64-bit products of words 0 and 2 with the multipliers, their high
// halves mixed with the odd words and the key, their low halves kept.
func philoxRound(c0, c1, c2, c3, k0, k1 uint32) (uint32, uint32, uint32, uint32) {
	p0 := uint64(philoxM0) * uint64(c0)
	p1 := uint64(philoxM1) * uint64(c2)
	return uint32(p1>>32) ^ c1 ^ k0, uint32(p1), uint32(p0>>32) ^ c3 ^ k1, uint32(p0)
}

// Uniform returns a uniform draw in [0, 1) keyed by (seed, stream, step,
// index). The draw is a pure function of its four arguments, so it does not
// depend on how a simulation is split into runs, threads or resumes.
//
// The key is the seed split into two words (low, high); the counter is
// [index, stream, low word of step, high word of step]. The first two output
// words of Philox4x32 form a 64-bit integer (w0<<32 | w1) whose top 53 bits,
// times 2^-53, give the result; every multiple of 2^-53 in [0, 1) is equally
// likely.
//
// Each draw costs one Philox4x32-10 block, and words 2 and 3 of the block are
// discarded: one block could give two draws, but only by giving index i+1 the
// other half of index i's block, which would change every number that seeds,
// goldens and references rely on. The mapping is kept.
//
// index and stream must not exceed MaxIndex: only their low 32 bits are used,
// so the value for larger arguments is undefined (it repeats other draws).
// Callers check this; the Bernoulli op does. Uniform does not allocate.
func Uniform(seed, stream, step, index uint64) float64 {
	return newDrawKey(seed, stream, step, 0).uniform(uint32(index))
}

// BernoulliDraw reports whether element i of the Bernoulli op with the given
// seed and stream spikes at the given step when its spike probability is p:
// it is Uniform(seed, stream, step, uint64(i)) < p. A plain-Go reference that
// computes p exactly as Bernoulli.Prob does reproduces the op bit for bit.
// i must lie in [0, MaxIndex].
//
// For p <= 0 and p >= 1 the answer does not depend on the draw (Uniform lies
// in [0, 1)), so BernoulliDraw returns it without running Philox: a silent
// train costs a comparison. NaN compares false either way, as it did.
func BernoulliDraw(seed, stream, step uint64, i int, p float64) bool {
	return newDrawKey(seed, stream, step, 0).spike(uint32(i), p)
}

// drawKey is what a draw's Philox counter and key share across the elements
// of one op at one step: counter words 1 to 3 and the key. Word 0, the
// element index, is the argument of its methods. The ops build it once per
// step instead of once per element.
type drawKey struct {
	c1, c2, c3, k0, k1 uint32
}

// newDrawKey returns the drawKey of (seed, stream, step) with tag ORed into
// the step's high word (0 for Uniform, normalTag for NormalDraw).
func newDrawKey(seed, stream, step uint64, tag uint32) drawKey {
	return drawKey{
		c1: uint32(stream), c2: uint32(step), c3: uint32(step>>32) | tag,
		k0: uint32(seed), k1: uint32(seed >> 32),
	}
}

// uniform returns Uniform's draw of element i under k.
func (k drawKey) uniform(i uint32) float64 {
	w0, w1, _, _ := philox10(i, k.c1, k.c2, k.c3, k.k0, k.k1)
	return unit53(w0, w1)
}

// spike returns uniform(i) < p, skipping the draw where the result does not
// depend on it: uniform(i) is never below p <= 0 and always below p >= 1.
func (k drawKey) spike(i uint32, p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	return k.uniform(i) < p
}

// unit53 maps two Philox words onto [0, 1): the top 53 bits of w0<<32 | w1,
// times 2^-53. The shifted value is below 2^53, so converting it through int64
// gives the same float64 as through uint64, with one instruction instead of
// the unsigned conversion's branch.
func unit53(w0, w1 uint32) float64 {
	x := uint64(w0)<<32 | uint64(w1)
	return float64(int64(x>>11)) * 0x1p-53
}
