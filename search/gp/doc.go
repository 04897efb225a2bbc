// Package gp is the model half of Bayesian optimisation in nasgc: graph
// kernels, a Gaussian process on architectures, expected improvement, and
// the evolutionary acquisition optimiser of BOHNAS (Schrodi et al.,
// NeurIPS 2023), plus regularized evolution. It knows nothing of grammars:
// an architecture is given as its kernel graphs (Arch: the full graph G
// and one graph per hierarchy level), and the optimisers work on any
// candidate type through Ops (sample, mutate, crossover, key, features).
//
// # Kernels
//
// The Weisfeiler-Lehman subtree kernel refines node labels h times, each
// new label compressing (own label, sorted multiset of successor labels),
// and takes the linear kernel of the label histograms summed over
// iterations 0..h, cosine-normalised. HWL (BOHNAS) is the softmax-weighted
// sum of such kernels on [G, L0, L1, ...] with h = [2, 1, 2, 2, 2, 2]; WL
// (NASBOWL) is the kernel on G alone; NASBOT is exp(−d/ℓ²) with d the
// distance of sorted in- and out-degree sequences plus the L1 distance of
// label counts.
//
// Label ids come from a dictionary shared across a model's life: an
// observation's histograms are computed once, when it is added, and its
// Gram row from an inverted index (label → observations), so adding
// observations never recomputes old features. Candidates are looked up
// without growing the dictionary; their cross-kernel is a sparse product
// with the inverted index plus a dense matrix product for labels most
// observations share.
//
// # Model
//
// A Model is a zero-mean GP on z-scored losses (see LogLoss). Fit chooses
// G's h from {0..4} by the negative log marginal likelihood (NLML) with
// uniform weights, then fits the kernel weights θ (softmax) and the noise
// σ² ∈ [1e-5, 0.5] by Adam (lr 0.1, 20 steps) on NLML/n with analytic
// gradients, keeping the best iterate together with its own Cholesky
// factor. Predict and EI score many candidates at once with a single
// triangular solve. SetPending hallucinates architectures under
// evaluation at their predicted mean and refits.
//
// # Optimisers
//
// Maximize is the acquisition optimiser: evolution from the best
// evaluated candidates plus random samples, tournament selection,
// crossover (and self-crossover) or mutation, elitism, 10 to 50
// generations. It never returns a candidate whose key is excluded (the
// evaluated and pending ones). RegularizedEvolution proposes by the
// regularized evolution baseline. Both draw from a given *rand.Rand, so
// the same seed gives the same proposals.
//
// A Model is not safe for concurrent use.
package gp
