package dsl

import (
	"bytes"
	"strconv"
	"strings"
)

// Format prints a parsed file in the canonical layout of `nasgc fmt`:
// one declaration per line (topology bodies with more than one node and
// blocks that the source wrote over several lines keep one node or
// setting per line, indented by two spaces); single spaces around `=`,
// `->`, `|`, `>>`, `+` and after commas; consecutive declarations of one
// kind aligned on their `=`, `->` or `{`; a rule's alternatives broken
// over lines where the source broke them, the continuation lines' `|`
// under the `->`; the source's comments kept, each where it was, and
// blank lines between declarations kept (one at most).
//
// src is the source f was parsed from; its comments and blank lines are
// read from it. Parsing the output gives the same syntax tree as parsing
// src (positions aside), and formatting it again changes nothing.
func Format(f *File, src []byte) []byte {
	p := &printer{src: src, srcLines: strings.Split(string(src), "\n")}
	for _, d := range f.Decls {
		p.decl(d)
	}
	return p.render(scanComments(src))
}

// FormatSource parses and formats src; on syntax errors it returns nil
// and the diagnostics.
func FormatSource(filename string, src []byte) ([]byte, Diagnostics) {
	f, ds := Parse(filename, src)
	if ds.HasErrors() || f == nil {
		ds.Sort()
		return nil, ds
	}
	return Format(f, src), ds
}

// item is one output line. Its text is indent + head padded to the width
// of its alignment group + rest; continuation lines of a rule are indented
// under the group's `->` instead.
type item struct {
	line   int // source line, or -1 for a closing brace
	indent string
	group  string // alignment class; "" aligns with nothing
	head   string
	rest   string
	cont   bool // a rule's continuation line (rest is "| ...")

	leading  []*comment
	trailing []*comment
	blank    bool // a blank line goes before it (and its leading comments)
}

type printer struct {
	src      []byte
	srcLines []string
	items    []*item
}

func (p *printer) add(it *item) { p.items = append(p.items, it) }

func (p *printer) decl(d Decl) {
	switch d := d.(type) {
	case *SpaceDecl:
		p.add(&item{line: d.Pos.Line, head: "space " + d.Name.Name})
	case *IODecl:
		p.add(&item{line: d.Pos.Line, group: "io", head: d.Kind, rest: " " + opCallString(d.Call)})
	case *PipelineDecl:
		p.add(&item{line: d.Pos.Line, group: "pipe", head: d.Kind, rest: " = " + pipelineString(d.Ops)})
	case *PrimitiveDecl:
		p.add(&item{line: d.Pos.Line, group: "primitive", head: "primitive " + d.Name.Name, rest: " = " + pipelineString(d.Ops)})
	case *TopologyDecl:
		params := make([]string, len(d.Params))
		for i, x := range d.Params {
			params[i] = x.Name
		}
		head := "topology " + d.Name.Name + "(" + strings.Join(params, ", ") + ")"
		if len(d.Nodes) == 1 {
			p.add(&item{line: d.Pos.Line, group: "topology", head: head, rest: " { " + nodeStmtString(d.Nodes[0]) + " }"})
			return
		}
		if len(d.Nodes) == 0 {
			p.add(&item{line: d.Pos.Line, group: "topology", head: head, rest: " {}"})
			return
		}
		p.add(&item{line: d.Pos.Line, head: head + " {"})
		for _, n := range d.Nodes {
			p.add(&item{line: n.Pos.Line, indent: "  ", group: "node", head: n.Name.Name, rest: " = " + sumString(n)})
		}
		p.add(&item{line: -1, head: "}"})
	case *SharedDecl:
		names := make([]string, len(d.Names))
		for i, n := range d.Names {
			names[i] = n.Name
		}
		p.add(&item{line: d.Pos.Line, head: "shared " + strings.Join(names, ", ")})
	case *ConstraintDecl:
		p.add(&item{line: d.Pos.Line, head: "constraint " + cexprString(d.LHS) + " " + d.Op + " " + cexprString(d.RHS)})
	case *RuleDecl:
		var cur []string
		first := true
		line := d.Pos.Line
		flush := func() {
			if first {
				p.add(&item{line: line, group: "rule", head: d.Name.Name, rest: " -> " + strings.Join(cur, " | ")})
				first = false
			} else {
				p.add(&item{line: line, group: "rule", cont: true, rest: "| " + strings.Join(cur, " | ")})
			}
			cur = nil
		}
		for i, a := range d.Alts {
			if i > 0 && a.Pos.Line > d.Alts[i-1].Pos.Line {
				flush()
				line = a.Pos.Line
			}
			cur = append(cur, altString(a))
		}
		flush()
	case *BlockDecl:
		oneLine := true
		for _, s := range d.Settings {
			if s.Pos.Line != d.Pos.Line {
				oneLine = false
			}
		}
		if oneLine {
			settings := make([]string, len(d.Settings))
			for i, s := range d.Settings {
				settings[i] = s.Name.Name + " " + valueString(s.Value)
			}
			rest := " {}"
			if len(settings) > 0 {
				rest = " { " + strings.Join(settings, "; ") + " }"
			}
			p.add(&item{line: d.Pos.Line, group: "block", head: d.Kind, rest: rest})
			return
		}
		p.add(&item{line: d.Pos.Line, head: d.Kind + " {"})
		for _, s := range d.Settings {
			p.add(&item{line: s.Pos.Line, indent: "  ", group: "setting", head: s.Name.Name, rest: " " + valueString(s.Value)})
		}
		p.add(&item{line: -1, head: "}"})
	}
}

// blankBefore reports whether the source line before line is blank.
func (p *printer) blankBefore(line int) bool {
	return line >= 2 && line-2 < len(p.srcLines) && strings.TrimSpace(p.srcLines[line-2]) == ""
}

// render places the comments, computes the alignment groups and writes
// the lines.
func (p *printer) render(comments []*comment) []byte {
	// Comments: a comment alone on its line goes before the first item
	// after it; a comment after code goes at the end of the last item
	// that starts on or before its line.
	var tail []*comment
	ci := 0
	for i, it := range p.items {
		if it.line < 0 {
			continue
		}
		for ci < len(comments) && comments[ci].line < it.line && comments[ci].alone {
			it.leading = append(it.leading, comments[ci])
			ci++
		}
		next := -1
		for _, n := range p.items[i+1:] {
			if n.line >= 0 {
				next = n.line
				break
			}
		}
		for ci < len(comments) && !comments[ci].alone && comments[ci].line >= it.line && (next < 0 || comments[ci].line < next) {
			it.trailing = append(it.trailing, comments[ci])
			ci++
		}
		// A comment alone on its line inside this item's span (after its
		// first line) waits for the next item; one after code that comes
		// before the next item's line, too.
		for ci < len(comments) && comments[ci].line == it.line && comments[ci].alone {
			it.trailing = append(it.trailing, comments[ci])
			ci++
		}
	}
	tail = comments[ci:]
	for i, it := range p.items {
		if i == 0 || it.line < 0 {
			continue
		}
		first := it.line
		if len(it.leading) > 0 {
			first = it.leading[0].line
		}
		it.blank = p.blankBefore(first)
	}

	// Alignment groups: runs of items of one class and indent, without a
	// blank line or a comment line between them. Continuation lines of a
	// rule belong to its group.
	width := make([]int, len(p.items))
	commentCol := make([]int, len(p.items))
	for i := 0; i < len(p.items); {
		it := p.items[i]
		j := i + 1
		if it.group != "" {
			for j < len(p.items) {
				n := p.items[j]
				if n.group != it.group || n.indent != it.indent || n.blank || len(n.leading) > 0 {
					break
				}
				j++
			}
		}
		w := 0
		for _, x := range p.items[i:j] {
			if !x.cont {
				w = max(w, len(x.head))
			}
		}
		col := 0
		for k := i; k < j; k++ {
			width[k] = w
			if len(p.items[k].trailing) > 0 {
				col = max(col, len(p.items[k].text(w)))
			}
		}
		for k := i; k < j; k++ {
			commentCol[k] = col
		}
		i = j
	}

	var b bytes.Buffer
	for i, it := range p.items {
		if it.blank && b.Len() > 0 {
			b.WriteByte('\n')
		}
		for k, c := range it.leading {
			if k > 0 && p.blankBefore(c.line) {
				b.WriteByte('\n')
			}
			b.WriteString(it.indent + c.text + "\n")
		}
		if len(it.leading) > 0 && p.blankBefore(it.line) {
			b.WriteByte('\n')
		}
		text := it.text(width[i])
		if len(it.trailing) > 0 {
			text += strings.Repeat(" ", max(0, commentCol[i]-len(text)))
			for _, c := range it.trailing {
				text += " " + c.text
			}
		}
		b.WriteString(text + "\n")
	}
	for k, c := range tail {
		if (k > 0 || b.Len() > 0) && p.blankBefore(c.line) {
			b.WriteByte('\n')
		}
		b.WriteString(c.text + "\n")
	}
	return b.Bytes()
}

func (it *item) text(width int) string {
	if it.cont {
		return it.indent + strings.Repeat(" ", width+1) + it.rest
	}
	return it.indent + it.head + strings.Repeat(" ", max(0, width-len(it.head))) + it.rest
}

// comment is a comment of the source, as written.
type comment struct {
	line  int
	alone bool // nothing but white space before it on its line
	text  string
}

// scanComments finds the comments of src, skipping string literals.
func scanComments(src []byte) []*comment {
	var cs []*comment
	line, lineStart := 1, 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\n':
			line++
			lineStart = i + 1
		case c == '"':
			for i++; i < len(src) && src[i] != '"' && src[i] != '\n'; i++ {
				if src[i] == '\\' && i+1 < len(src) && src[i+1] != '\n' {
					i++
				}
			}
			if i < len(src) && src[i] == '\n' {
				i-- // an unterminated string ends at the line's end
			}
		case c == '/' && i+1 < len(src) && (src[i+1] == '/' || src[i+1] == '*'):
			alone := len(bytes.TrimSpace(src[lineStart:i])) == 0
			start := i
			if src[i+1] == '/' {
				for i < len(src) && src[i] != '\n' {
					i++
				}
				cs = append(cs, &comment{line: line, alone: alone, text: strings.TrimRight(string(src[start:i]), " \t\r")})
				i--
				continue
			}
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				i = len(src)
			} else {
				i += 2 + end + 2
			}
			text := string(src[start:i])
			cs = append(cs, &comment{line: line, alone: alone, text: text})
			line += strings.Count(text, "\n")
			if k := strings.LastIndexByte(text, '\n'); k >= 0 {
				lineStart = start + k + 1
			}
			i--
		}
	}
	return cs
}

func pipelineString(ops []*OpCall) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = opCallString(op)
	}
	return strings.Join(parts, " >> ")
}

func opCallString(c *OpCall) string {
	if c == nil {
		return ""
	}
	if !c.HasParens {
		return c.Name.Name
	}
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = valueString(a.Value)
		if a.Name.Name != "" {
			args[i] = a.Name.Name + ": " + args[i]
		}
	}
	return c.Name.Name + "(" + strings.Join(args, ", ") + ")"
}

func valueString(v *Value) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case StringValue:
		return strconv.Quote(v.Text)
	case CallValue:
		return opCallString(v.Call)
	}
	return v.Text
}

func nodeStmtString(n *NodeStmt) string { return n.Name.Name + " = " + sumString(n) }

func sumString(n *NodeStmt) string {
	terms := make([]string, len(n.Terms))
	for i, t := range n.Terms {
		terms[i] = nodeExprString(t)
	}
	return strings.Join(terms, " + ")
}

func nodeExprString(e *NodeExpr) string {
	if e.Args == nil {
		return e.Name.Name
	}
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = nodeExprString(a)
	}
	return e.Name.Name + "(" + strings.Join(args, ", ") + ")"
}

func altString(a *Alt) string {
	s := termString(a.Term)
	if a.HasWeight {
		s += " @" + strconv.FormatFloat(a.Weight, 'g', -1, 64)
	}
	return s
}

func cexprString(e *CExpr) string {
	switch {
	case e == nil:
		return ""
	case e.Value != nil:
		return valueString(e.Value)
	case e.Arg != nil:
		return e.Name.Name + "(" + e.Arg.Name + ")"
	}
	return e.Name.Name
}
