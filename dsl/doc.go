// Package dsl is the .nasg language: its syntax tree with positions (Parse,
// the only user of the ANTLR-generated parser), diagnostics, the checker
// that builds a typed Grammar from a File (Check), and derivations over a
// Grammar: sampling with a depth bound that always terminates, the
// functional term of an architecture and the parsing of a term back into its
// derivation.
package dsl
