package dsl

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col start at 1; Col counts
// bytes. The zero Pos means "no position".
type Pos struct {
	Line, Col int
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Before reports whether p comes before q in the file.
func (p Pos) Before(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Severity says whether a diagnostic stops the file from being used.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// A Diagnostic is one problem found in a file: where, how bad, what is
// wrong, and (in Hint) what would be right.
type Diagnostic struct {
	Filename string
	Pos      Pos
	Severity Severity
	Msg      string
	Hint     string
}

// Error formats the diagnostic as "file:line:col: msg (hint)". Warnings
// carry a "warning: " prefix.
func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Filename)
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, ":%d:%d", d.Pos.Line, d.Pos.Col)
	}
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	if d.Hint != "" {
		b.WriteString("; ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// Diagnostics is a list of problems. Functions return it beside their
// result, so partial results and warnings survive.
type Diagnostics []*Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders the diagnostics by file, line and column, keeping the order
// of diagnostics at one position.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Pos.Before(b.Pos)
	})
}

// Err returns the diagnostics as an error when there is at least one error
// among them, and nil otherwise.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return ds
}

// Error prints every diagnostic, one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Snippet renders d with the offending source line and a caret under its
// column, for terminals:
//
//	toy.nasg:3:9: undefined nonterminal "T"
//	  S -> Seq(T)
//	          ^
func (d *Diagnostic) Snippet(src []byte) string {
	s := d.Error()
	if !d.Pos.IsValid() {
		return s
	}
	lines := strings.Split(string(src), "\n")
	if d.Pos.Line > len(lines) {
		return s
	}
	line := strings.TrimRight(lines[d.Pos.Line-1], "\r")
	col := d.Pos.Col
	if col < 1 {
		col = 1
	}
	if col > len(line)+1 {
		col = len(line) + 1
	}
	pad := make([]byte, 0, col-1)
	for _, r := range []byte(line[:col-1]) {
		if r == '\t' {
			pad = append(pad, '\t')
		} else {
			pad = append(pad, ' ')
		}
	}
	return s + "\n    " + line + "\n    " + string(pad) + "^"
}

// diagList collects diagnostics for one file.
type diagList struct {
	filename string
	ds       Diagnostics
}

func (l *diagList) errorf(pos Pos, hint, format string, args ...any) {
	l.ds = append(l.ds, &Diagnostic{Filename: l.filename, Pos: pos, Severity: Error, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (l *diagList) warnf(pos Pos, hint, format string, args ...any) {
	l.ds = append(l.ds, &Diagnostic{Filename: l.filename, Pos: pos, Severity: Warning, Msg: fmt.Sprintf(format, args...), Hint: hint})
}
