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
// registers. The key schedule costs one add per key word per round. It serves
// single draws (Philox4x32, Uniform, BernoulliDraw, NormalDraw); the ops'
// loops use drawKey, which computes the schedule once per step.
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
	w0, w1, _, _ := philox10(uint32(index), uint32(stream), uint32(step), uint32(step>>32), uint32(seed), uint32(seed>>32))
	return unit53(w0, w1)
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
	if p <= 0 || p >= 1 {
		return p >= 1 // drawKey.spike's shortcut
	}
	return Uniform(seed, stream, step, uint64(i)) < p
}

// drawKey prepares Philox4x32-10 for many counters that differ only in word
// 0: counter words 1 to 3 and the key are fixed. For the ops, word 0 is the
// element index and the rest (stream, step, seed) is the same for every
// element at one step, so an op builds one drawKey per step.
//
// It holds the ten round keys, and round 0's outputs 0 and 1, which depend
// only on the fixed words. A block then costs 19 of Philox's 20 multiplies
// and no key additions, and uniform, which keeps words 0 and 1 only, also
// skips the last round's other product.
//
// The rounds run on scalar words in registers, unrolled: Go passes arrays of
// more than one element through memory, and the loop the package shipped
// first copied a [4]uint32 per round (philoxRef in the tests keeps it).
// block and uniform each hold the unrolled rounds, because a function that
// large is not inlined and calling a shared one would cost a call per draw.
type drawKey struct {
	k0, k1 [philoxRounds]uint32 // round r's key: the key's words plus r Weyl increments
	r0, r1 uint32               // round 0's outputs 0 and 1: hi(M1·c2) ^ c1 ^ key0, lo(M1·c2)
	c3     uint32               // counter word 3, which round 0 mixes into its output 2
}

// newPhiloxKey returns the drawKey of counter words c1, c2, c3 and key words
// k0, k1.
func newPhiloxKey(c1, c2, c3, k0, k1 uint32) drawKey {
	var k drawKey
	for r := range philoxRounds {
		k.k0[r], k.k1[r] = k0, k1
		k0 += philoxW0
		k1 += philoxW1
	}
	p1 := uint64(philoxM1) * uint64(c2)
	k.r0, k.r1, k.c3 = uint32(p1>>32)^c1^k.k0[0], uint32(p1), c3
	return k
}

// newDrawKey returns the drawKey of (seed, stream, step) with tag ORed into
// the step's high word (0 for Uniform, normalTag for NormalDraw): the
// counter [i, stream, step lo, step hi | tag] under the key [seed lo, seed hi].
func newDrawKey(seed, stream, step uint64, tag uint32) drawKey {
	return newPhiloxKey(uint32(stream), uint32(step), uint32(step>>32)|tag, uint32(seed), uint32(seed>>32))
}

// round0 returns the output of round 0 for counter word 0 = i.
func (k *drawKey) round0(i uint32) (uint32, uint32, uint32, uint32) {
	p0 := uint64(philoxM0) * uint64(i)
	return k.r0, k.r1, uint32(p0>>32) ^ k.c3 ^ k.k1[0], uint32(p0)
}

// block returns the Philox4x32-10 output words for counter word 0 = i.
func (k *drawKey) block(i uint32) (w0, w1, w2, w3 uint32) {
	c0, c1, c2, c3 := k.round0(i)
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[1], k.k1[1])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[2], k.k1[2])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[3], k.k1[3])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[4], k.k1[4])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[5], k.k1[5])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[6], k.k1[6])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[7], k.k1[7])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[8], k.k1[8])
	return philoxRound(c0, c1, c2, c3, k.k0[9], k.k1[9])
}

// uniform returns Uniform's draw for counter word 0 = i: block's words 0 and
// 1 mapped by unit53. The rounds are block's; the compiler drops the last
// round's work on words 2 and 3, which uniform does not use.
func (k *drawKey) uniform(i uint32) float64 {
	c0, c1, c2, c3 := k.round0(i)
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[1], k.k1[1])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[2], k.k1[2])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[3], k.k1[3])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[4], k.k1[4])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[5], k.k1[5])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[6], k.k1[6])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[7], k.k1[7])
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k.k0[8], k.k1[8])
	w0, w1, _, _ := philoxRound(c0, c1, c2, c3, k.k0[9], k.k1[9])
	return unit53(w0, w1)
}

// spike returns uniform(i) < p, skipping the draw where the result does not
// depend on it: uniform(i) is never below p <= 0 and always below p >= 1.
func (k *drawKey) spike(i uint32, p float64) bool {
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
