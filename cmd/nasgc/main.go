// Command nasgc searches neural architectures in search spaces written as
// context-free grammars (.nasg files). Every candidate is compiled into a
// standalone Go program that trains on real data and reports its accuracy.
//
// Usage:
//
//	nasgc check FILE.nasg [--arch TERM]     diagnostics, or a one-line summary
//	nasgc sample [-n N] FILE.nasg            random architectures as terms
//	nasgc gen FILE.nasg [--arch TERM] -o DIR the Go program of one architecture
//	nasgc train DIR | FILE.nasg --arch TERM  build and run it, print the result
//	nasgc search FILE.nasg [--evaluations N --seed S --run DIR]
//
// Flags override the file's train {} and search {} blocks.
package main

import (
	"os"
	osexec "os/exec"
)

func main() { os.Exit(Main()) }

// execCommand is os/exec.CommandContext, named apart from nasgc's exec package.
var execCommand = osexec.CommandContext
