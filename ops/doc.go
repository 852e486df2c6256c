// Package ops provides the custom gorgonia Ops of the spiking-network
// simulator: a spike non-linearity with surrogate gradients, counter-based
// Bernoulli (Poisson) spikes and Gaussian noise, an elementwise select, a
// stop-gradient and a sparse (CSR) matrix-vector product.
//
// # Overview
//
// gorgonia's comparison ops have no gradient, it has no random op whose draws
// are reproducible across runs, no stop-gradient and no sparse matrix. This package
// fills those gaps with small Ops that work on raw *gorgonia.Node values; it
// imports only gorgonia, its hm type library, tensor and the standard
// library. Build nodes with Apply, which validates the op, checks the
// children and turns gorgonia's panics into errors:
//
//	fired, err := ops.Apply(ops.Spike{Threshold: 30, Surrogate: ops.DefaultSuperSpike()}, v)
//
// # Ops
//
//   - Spike: out = 1 where x >= Threshold else 0; its gradient is
//     grad·psi(x - Threshold) for a Surrogate psi: SuperSpike (the fast
//     sigmoid), Sigmoid, ATan, Triangle or Exponential, one per file, each
//     with its forward, psi, default scale (per mV) and citation, and a
//     table of half-widths and of what a scale means for the Izhikevich
//     and LIF models in the Surrogate doc. ParseSurrogate reads one from a
//     flag ("atan:2", "triangle:width=2,gamma=0.5"). With Smooth, the
//     forward is the surrogate's smooth primitive instead of the step, so
//     that a network's gradient can be checked by finite differences.
//   - Bernoulli: (rate in Hz, step) → spikes with p = rate·DtMs·1e-3 per
//     element, keyed by (Seed, Stream, step, element index). Not differentiable.
//   - Normal: (sigma, step) → sigma·z with z a standard normal (Box–Muller
//     on one Philox block) keyed like Bernoulli; Izhikevich's (2003)
//     thalamic noise. Not differentiable.
//   - Where: (cond, a, b) → a where cond != 0, else b; a and b may be
//     scalars. Differentiable with respect to a and b.
//   - StopGradient: the identity forward, a zero gradient backward.
//   - SparseMatVec: x → W·x for a CSR matrix W (x of shape (Cols)), or
//     x·Wᵀ for a batch (batch, Cols); with Transposed, Wᵀ·x. Each row is
//     summed in column order in x's dtype, so the result is deterministic
//     and equals CSR.MulVec bit for bit (not gonum's Dgemv). Differentiable
//     with respect to x (the gradient is the op with Transposed flipped);
//     W is not an input and gets no gradient.
//   - IzhikevichStep, LIFStep, Conductance: fused, forward-only steps of
//     an Izhikevich or LIF population and of a group of conductance
//     synapses, one
//     loop each over packed outputs that Part takes apart. They repeat the
//     fine-grained graph's operations in its order (each product rounded
//     before it is added; W·x through the same gonum BLAS call as gorgonia's
//     tensor package), so they give its bits. Their SymDiff returns
//     ErrForwardOnly: gradients use the fine-grained graph. On amd64 with
//     AVX2 the course step with conductances (the networks' common case)
//     runs four float64 neurons at a time in assembly (course_amd64.s):
//     each lane does the scalar loop's operations in its order, without
//     fused multiply-adds, so the bits are the same (TestCourseVecSameBits);
//     the noasm build tag turns the assembly off.
//   - ConductanceEvent: event-driven synaptic propagation over CSR weights
//     (EventSynapses: Wᵀ by presynaptic row, a reversal-potential class per
//     presynaptic neuron): the spiking neurons' outgoing weights are added
//     into per-postsynaptic conductances, one per class, that decay each
//     step; equal to Conductance in exact arithmetic, summed in another
//     order. Forward only.
//   - Deliver: the event-driven additions of several sources into one
//     set of conductances (an Izhikevich population's g_syn), in place; it
//     lists the spiking neurons first and prefetches the outgoing row of
//     the spike four places ahead. Forward only.
//
// CSR is the matrix behind SparseMatVec: Rows, Cols, RowPtr, ColIdx (32-bit)
// and Val, checked by Validate, built row by row with NewCSRBuilder or from a
// dense matrix with FromDense, and hashed by content (CSR.Hash) so that ops
// over different matrices stay distinct nodes.
//
// Every op implements gorgonia's Op, SDOp (DiffWRT, SymDiff) and
// UsePreallocDoer, and a Kernel method for the lean executor of package
// session (a closure over preallocated buffers that neither checks nor
// allocates per call; the random ops use UsePreallocDo there, which checks
// every probability each step), accepts Float64 and Float32 values, and
// writes every behaviour-changing field into WriteHash: gorgonia merges
// nodes whose op hash, children and type agree, so two ops that differ in a
// field must hash differently. The elementwise ops accept any shape (gorgonia scalars
// included); SparseMatVec takes a vector or a (batch, n) matrix; the fused
// ops take vectors. Do allocates only its output (and Conductance its
// scratch vectors); UsePreallocDo allocates nothing (but Conductance's
// scratch, which its Kernel allocates once). gorgonia's tape machine may
// hand UsePreallocDo a register that held another node's value,
// even one of the op's own inputs: the ops check its shape and dtype. The
// elementwise ops read input element i before writing output element i, so
// aliasing is safe; SparseMatVec and the fused ops return an error when the
// register shares memory with an input, and the tape machine then falls
// back to Do.
//
// # Randomness
//
// There is no global generator. Uniform(seed, stream, step, index) is a pure
// function: Philox4x32-10 (Salmon et al., SC'11) of the counter
// [index, stream, step lo, step hi] under the key [seed lo, seed hi], so a
// spike train does not depend on how a run is split into calls, graphs or
// threads, and can be resumed at any step. BernoulliDraw and Bernoulli.Prob
// let a plain-Go reference reproduce the op's draws exactly, and NormalDraw
// does the same for Normal. Normal's counter carries a tag bit (step is below
// 2^53, so the bit is otherwise unused), so Normal and Bernoulli draw
// independently even under the same seed and stream. Index and stream
// must not exceed MaxIndex.
//
// Each Uniform or Bernoulli draw costs one Philox4x32-10 block of which it
// keeps two of the four words, and each Normal draw one block and the cosine
// half of a Box–Muller pair; a Bernoulli element with p = 0 or p = 1 costs no
// block. Using the unused halves would change which counter gives which
// number, so they stay unused: every seed keeps its draws.
//
// # Error handling
//
// No function panics on bad input. Errors start with "ops: " and name the
// op, and for a bad spike probability also the element index, the rate, DtMs
// and p; CSR errors name the field and the entry's index, row and column.
// Bernoulli rejects p outside [0, 1] instead of clipping it. Validate
// methods check parameters; Apply calls them, and Do and SymDiff check again.
// Apply and the SymDiff methods recover panics raised inside gorgonia and
// return them as errors.
//
// # Concurrency
//
// The ops are immutable values; any number of goroutines may use them, and
// Uniform, at the same time. SparseMatVec shares its *CSR: the matrix
// validates itself, computes its hash and its float32 copy once under a
// sync.Once, so concurrent use is safe as long as nobody changes the CSR's
// fields after its first use. A gorgonia graph or machine is not safe for
// concurrent use; that is gorgonia's rule, not ours.
package ops
