package dsl

import (
	"fmt"
	"maps"
	"strings"
)

// ID is the derivation's bracketed identifier in the paper's NLTK style
// (paper-spec §1.3): every nonterminal opens `(NT`, terminals appear bare,
// single spaces, e.g. `(CELL Cell (OPS id) (OPS zero) ...)`. A shared
// nonterminal is written out at each of its occurrences.
func (d *Derivation) ID() string {
	var b strings.Builder
	d.writeID(&b)
	return b.String()
}

func (d *Derivation) writeID(b *strings.Builder) {
	b.WriteByte('(')
	b.WriteString(d.Prod.Rule.Name)
	kids := d.Kids
	var sym func(s *Sym)
	sym = func(s *Sym) {
		b.WriteByte(' ')
		if s.Rule != nil {
			kids[0].writeID(b)
			kids = kids[1:]
			return
		}
		b.WriteString(s.Terminal.Name)
		for _, a := range s.Args {
			sym(a)
		}
	}
	sym(d.Prod.Sym)
	b.WriteByte(')')
}

// idToken is one token of a bracketed identifier.
type idToken struct {
	col  int
	text string // "(", ")" or a name
}

func lexID(text string) ([]idToken, error) {
	var toks []idToken
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, idToken{i + 1, text[i : i+1]})
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(text) && (text[j] == '_' || text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z' || text[j] >= '0' && text[j] <= '9') {
				j++
			}
			toks = append(toks, idToken{i + 1, text[i:j]})
			i = j
		default:
			return nil, &TermError{Col: i + 1, Msg: fmt.Sprintf("unexpected %q in an identifier; write `(NT Topology (NT prim) ...)`", text[i:i+1])}
		}
	}
	return toks, nil
}

// ParseID reads a bracketed identifier such as
// `(S Sequential (S conv) (S id) (S conv))` back into its derivation. The
// error says at which column the identifier leaves the search space.
func (g *Grammar) ParseID(text string) (*Derivation, error) {
	toks, err := lexID(text)
	if err != nil {
		return nil, err
	}
	p := &idParser{g: g, toks: toks, shared: map[*Rule]*Derivation{}, end: len(text) + 1}
	d := p.rule(g.Start(), 0)
	if d == nil {
		return nil, p.err
	}
	if p.i < len(p.toks) {
		return nil, &TermError{Col: p.toks[p.i].col, Msg: fmt.Sprintf("unexpected %q after the identifier", p.toks[p.i].text)}
	}
	if connectedDeriv(d) {
		return d, nil
	}
	if err := disconnected(d.Call(), nil); err != nil {
		return nil, err
	}
	return d, nil
}

type idParser struct {
	g      *Grammar
	toks   []idToken
	i      int
	shared map[*Rule]*Derivation
	err    *TermError
	errAt  int
	end    int
	steps  int
}

func (p *idParser) col() int {
	if p.i < len(p.toks) {
		return p.toks[p.i].col
	}
	return p.end
}

func (p *idParser) failf(depth int, format string, args ...any) {
	if p.err == nil || depth > p.errAt {
		p.err = &TermError{Col: p.col(), Msg: fmt.Sprintf(format, args...)}
		p.errAt = depth
	}
}

func (p *idParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i].text
	}
	return ""
}

// rule parses `(NAME ...)` as a derivation of r.
func (p *idParser) rule(r *Rule, depth int) *Derivation {
	if p.steps++; p.steps > 1_000_000 || depth > 2000 {
		p.failf(depth, "identifier too large to match")
		return nil
	}
	start := p.i
	if p.peek() != "(" {
		p.failf(depth, "expected `(%s`, found %s", r.Name, describeTok(p.peek()))
		return nil
	}
	p.i++
	if p.peek() != r.Name {
		p.failf(depth+1, "expected nonterminal %s here, found %s", r.Name, describeTok(p.peek()))
		p.i = start
		return nil
	}
	p.i++
	body := p.i
	var names []string
	for _, alt := range r.Alts {
		names = append(names, alt.Sym.Name)
		p.i = body
		var kids []*Derivation
		var saved map[*Rule]*Derivation
		if len(p.shared) > 0 {
			saved = maps.Clone(p.shared)
		}
		if !p.sym(alt.Sym, &kids, depth+1) || p.peek() != ")" {
			if saved != nil || len(p.shared) > 0 {
				p.shared = saved
				if p.shared == nil {
					p.shared = map[*Rule]*Derivation{}
				}
			}
		} else {
			p.i++
			d := &Derivation{Prod: alt, Kids: kids}
			d.seal()
			if r.Shared {
				if prev, ok := p.shared[r]; ok {
					if prev.ID() != d.ID() {
						p.i = start
						p.failf(depth+1, "shared %s is %s elsewhere; every occurrence of a shared nonterminal is the same", r.Name, prev.ID())
						return nil
					}
					return prev
				}
				p.shared[r] = d
			}
			return r.interned(d)
		}
	}
	p.i = body
	p.failf(depth, "%s is not an alternative of %s here (alternatives: %s)", describeTok(p.peek()), r.Name, strings.Join(names, ", "))
	p.i = start
	return nil
}

func describeTok(t string) string {
	if t == "" {
		return "the end of the identifier"
	}
	return fmt.Sprintf("%q", t)
}

func (p *idParser) sym(s *Sym, kids *[]*Derivation, depth int) bool {
	if s.Rule != nil {
		d := p.rule(s.Rule, depth)
		if d == nil {
			return false
		}
		*kids = append(*kids, d)
		return true
	}
	if p.peek() != s.Terminal.Name {
		return false
	}
	p.i++
	for _, a := range s.Args {
		if !p.sym(a, kids, depth) {
			return false
		}
	}
	return true
}
