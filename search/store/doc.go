// Package store is the run store: one SQLite database per run directory
// (modernc.org/sqlite, pure Go, in WAL mode) holding the search space's
// source and hash, the run's settings, and every trial with its state
// (pending, running, done, failed), result, failure kind, log tail,
// timings, seed and the hash of its generated code.
//
// Every change is one transaction, committed before the call returns, so a
// process killed at any moment (SIGKILL included) leaves the store as it
// was after the last finished call: no finished trial is lost and none is
// recorded twice. Trials left running by a killed process are put back to
// pending by Requeue when the run is resumed.
package store
