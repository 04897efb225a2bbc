// Package nasgc holds what the whole tool needs to know about itself: its
// module path, its go.mod and go.sum (which generated candidate programs
// reuse so that they build against the same dependency versions), and where
// its source lives on this machine.
//
// The tool is cmd/nasgc; the packages are dsl (the .nasg language), codegen
// (architectures to Go programs), runtime/... (what those programs import)
// and search (the search loop, strategies and executors).
package nasgc
