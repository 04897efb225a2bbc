// Package exec holds the executors that evaluate candidates for the search.
// Local generates a candidate's Go program into its trial directory, builds
// it with the go command, runs it with a time limit and reads its JSON
// result; a candidate that does not build, crashes, produces NaN or times
// out comes back as a failed trial with its kind. Slurm builds each
// candidate once into a static binary in the (shared) run directory,
// submits it with sbatch, polls squeue and scontrol, reads the result from
// the run directory and maps Slurm's end states to failure kinds; a
// resumed run re-attaches to its jobs (docs/slurm.md).
package exec
