// Package exec holds the executors that evaluate candidates for the search.
// Local generates a candidate's Go program into its trial directory, builds
// it with the go command, runs it with a time limit and reads its JSON
// result; a candidate that does not build, crashes, produces NaN or times
// out comes back as a failed trial with its kind.
package exec
