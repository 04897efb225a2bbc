// Package nasg is the lexer and parser that ANTLR 4.13 generates from
// NASG.g4, the grammar of .nasg files. Do not edit nasg_lexer.go or
// nasg_parser.go: change NASG.g4 and run generate.sh (make generate); the
// drift test fails when the committed files differ from what the grammar
// generates.
//
// Only dsl/parse.go imports this package. It turns the parse tree into the
// AST of package dsl at once, so no ANTLR type reaches the rest of nasgc.
package nasg

//go:generate ./generate.sh
