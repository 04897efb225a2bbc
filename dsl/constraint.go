package dsl

import "fmt"

// ConstraintError says which constraint an architecture breaks.
type ConstraintError struct {
	Constraint Constraint
	Value      float64
}

func (e *ConstraintError) Error() string {
	k := e.Constraint
	return fmt.Sprintf("%s is %s, breaking `constraint %s %s %s` (line %d)", k.String(), formatMeasure(e.Value), k.String(), k.Op, formatMeasure(k.Limit), k.Pos.Line)
}

// FormatMeasure renders a constraint's value or limit: whole numbers
// with thousands separators.
func FormatMeasure(v float64) string { return formatMeasure(v) }

func formatMeasure(v float64) string {
	if v == float64(int64(v)) {
		return groupDigits(fmt.Sprint(int64(v)))
	}
	return fmt.Sprint(v)
}

// Value is the value of a constraint's measure for an architecture
// graph: params and flops of the whole network (stem and head included),
// depth (primitives other than identity on the longest path), or
// count(T), the occurrences of T in the pruned architecture (a topology
// is counted once per call).
func (k Constraint) Value(gr *Graph) float64 {
	switch k.Measure {
	case "params":
		return float64(gr.Params)
	case "flops":
		return float64(gr.FLOPs)
	case "depth":
		return float64(gr.Depth)
	case "count":
		return float64(gr.Count(k.Arg))
	}
	return 0
}

// Holds reports whether value v meets the constraint.
func (k Constraint) Holds(v float64) bool {
	switch k.Op {
	case "<":
		return v < k.Limit
	case "<=":
		return v <= k.Limit
	case ">":
		return v > k.Limit
	case ">=":
		return v >= k.Limit
	case "==":
		return v == k.Limit
	case "!=":
		return v != k.Limit
	}
	return true
}

// Satisfies checks the file's constraints on an architecture: nil, or a
// *ConstraintError naming the first one it breaks (or an error for an
// architecture with nothing from input to output).
func (g *Grammar) Satisfies(d *Derivation) error {
	if len(g.Constraints) == 0 {
		return nil
	}
	m, depth, ok := g.measure(d)
	defer m.release()
	if !ok {
		return fmt.Errorf("architecture %s is all zero: nothing reaches the output", d)
	}
	for _, k := range g.Constraints {
		var v float64
		switch k.Measure {
		case "params":
			v = float64(m.params)
		case "flops":
			v = float64(m.flops)
		case "depth":
			v = float64(depth)
		case "count":
			v = float64(m.count[g.Terminals[k.Arg].slot-1])
		}
		if !k.Holds(v) {
			return &ConstraintError{Constraint: k, Value: v}
		}
	}
	return nil
}
