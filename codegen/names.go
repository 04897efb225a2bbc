package codegen

import (
	"fmt"
	"go/token"

	"github.com/nasgc/nasgc/dsl"
)

// predeclared are Go's predeclared identifiers, which generated functions
// must not shadow.
var predeclared = map[string]bool{
	"any": true, "append": true, "bool": true, "byte": true, "cap": true, "clear": true, "close": true,
	"comparable": true, "complex": true, "complex64": true, "complex128": true, "copy": true, "delete": true,
	"error": true, "false": true, "float32": true, "float64": true, "imag": true, "int": true, "int8": true,
	"int16": true, "int32": true, "int64": true, "iota": true, "len": true, "make": true, "max": true,
	"min": true, "new": true, "nil": true, "panic": true, "print": true, "println": true, "real": true,
	"recover": true, "rune": true, "string": true, "true": true, "uint": true, "uint8": true, "uint16": true,
	"uint32": true, "uint64": true, "uintptr": true,
}

// namer hands out package-level function names that collide with nothing:
// not with keywords, predeclared names, imports, the fixed functions, nor
// with the parameter and node names used inside function bodies.
type namer struct {
	taken map[string]bool
	count map[string]int
}

func newNamer(g *dsl.Grammar) *namer {
	n := &namer{taken: map[string]bool{}, count: map[string]int{}}
	for _, s := range []string{"Model", "Network", "New", "Load", "Term", "Input", "Classes", "Batch", "model",
		"main", "stem", "head", "nn", "train", "os", "b", "x", "x1", "x2", "in", "out", "init", "_"} {
		n.taken[s] = true
	}
	for _, t := range g.Terminals {
		if t.Topo == nil {
			continue
		}
		for _, node := range t.Topo.Nodes {
			n.taken[local(node.Name)] = true
		}
	}
	return n
}

func (n *namer) ok(s string) bool {
	return !n.taken[s] && !token.IsKeyword(s) && !predeclared[s]
}

// fresh returns base, or base with a suffix when base is taken.
func (n *namer) fresh(base string) string {
	name := base
	for i := 2; !n.ok(name); i++ {
		name = fmt.Sprintf("%sOp%d", base, i)
		if i == 2 {
			name = base + "Op"
		}
	}
	n.taken[name] = true
	return name
}

// numbered returns base1, base2, ... for successive calls with one base.
func (n *namer) numbered(base string) string {
	for {
		n.count[base]++
		name := fmt.Sprintf("%s%d", base, n.count[base])
		if n.ok(name) {
			n.taken[name] = true
			return name
		}
	}
}

// local is the Go variable of a topology node.
func local(node string) string {
	if node == "_" {
		return "node_"
	}
	if token.IsKeyword(node) || predeclared[node] || node == "b" || node == "nn" || node == "train" || node == "os" {
		return node + "_"
	}
	return node
}
