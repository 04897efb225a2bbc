// Package cputime reads the process's CPU time, which the benchmarks report
// next to the wall time: on a shared machine the CPU time of a
// single-threaded loop is the steadier figure.
package cputime
