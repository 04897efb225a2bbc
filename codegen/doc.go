// Package codegen turns one architecture of a checked search space into a
// standalone Go program that trains it: go.mod and go.sum (nasgc's own
// dependency versions, nasgc replaced by its source directory), model.go
// (the network: a function per topology call wiring its nodes, a function per
// primitive, a shared nonterminal as one function called at each
// occurrence) and main.go (the training recipe). The program imports only
// nasgc's runtime packages.
//
// Codegen reads the checked dsl.Grammar and a dsl.Derivation, never source
// text; it is the only package that uses jennifer.
package codegen
