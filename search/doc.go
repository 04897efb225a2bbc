// Package search is the search loop: a Strategy proposes architectures
// (derivations of a checked grammar) given the run's history, an Evaluator
// trains each, K at a time, and every trial is recorded in the run's store
// (package search/store) as it starts and as it ends, so that a run can be
// stopped at any moment and resumed. It knows derivations and results, not
// Go code: executors (package search/exec) turn a derivation into a trained
// result.
//
// The strategies (NewStrategy) are random search, regularized evolution
// and Bayesian optimisation with a Gaussian process from package
// search/gp over the architectures' kernel graphs: BOHNAS (hierarchical
// WL kernel, the default of the paper), NASBOWL (WL) and NASBOT. The
// surrogate study (SurrogateStudy) measures how well each kernel ranks
// held-out trials of recorded runs.
package search
