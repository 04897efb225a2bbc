// Package codegen turns one architecture of a checked search space into a
// standalone Go module that trains it: go.mod and go.sum (nasgc's own
// dependency versions, nasgc replaced by its source directory),
// model/model.go and main.go.
//
// model/model.go is package model, importable by other programs: the
// network (a function per topology call wiring its nodes, a function per
// primitive, a shared nonterminal as one function called at each
// occurrence; binary slots take primitives of two tensors), its input
// shape and classes, and New and Load, which build it for inference and
// load the weights a training run saved. main.go is the training program
// (package main, importing ./model); `go build` in the directory builds it.
// The generated code imports only nasgc's runtime packages.
//
// Codegen reads the checked dsl.Grammar and a dsl.Derivation, never source
// text; it is the only package that uses jennifer.
package codegen
