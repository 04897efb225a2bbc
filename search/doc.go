// Package search is the search loop: it draws architectures from a checked
// grammar, hands each to an Evaluator, records every trial (finished or
// failed) in the run directory as it ends, and ranks the results. It knows
// derivations and results, not Go code: executors (package search/exec)
// turn a derivation into a trained result.
package search
