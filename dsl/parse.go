package dsl

// Parse: the only file of nasgc that sees ANTLR. It runs the generated lexer
// and parser of antlr/NASG.g4, words ANTLR's syntax errors as diagnostics
// and turns the parse tree into the AST of ast.go at once.

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antlr4-go/antlr/v4"

	nasg "github.com/nasgc/nasgc/antlr"
)

// Limits of Parse. Real spaces are far below them; they keep hostile or
// broken input from costing unbounded time, memory or stack.
const (
	maxSourceBytes = 4 << 20 // larger files are refused
	maxNesting     = 200     // deepest nesting of ( and { accepted
	maxSyntaxErrs  = 50      // parsing stops after this many syntax errors
)

// Parse reads a .nasg file and returns its syntax tree. filename is used
// only in diagnostics.
//
// Every syntax error is reported (up to 50, then parsing stops), each with
// its file, line and column. When there are errors the returned File holds
// what could be parsed: declarations may be incomplete (a missing name is
// empty, a malformed alternative, argument or setting is left out), but
// every pointer the AST documents as set is non-nil. Parse never panics and
// prints nothing; files over 4 MiB and nesting deeper than 200 parentheses
// or braces are refused with a diagnostic.
func Parse(filename string, src []byte) (file *File, diags Diagnostics) {
	p := &parseState{diagList: diagList{filename: filename}, DefaultErrorListener: antlr.NewDefaultErrorListener()}
	file = &File{Filename: filename}
	defer func() {
		if r := recover(); r != nil {
			p.errorf(Pos{Line: 1, Col: 1}, "please report this as a bug", "internal error in the parser: %v", r)
		}
		p.ds.Sort()
		diags = p.ds
	}()
	if len(src) > maxSourceBytes {
		p.errorf(Pos{Line: 1, Col: 1}, "", "file is too large: %d bytes; the limit is %d bytes (4 MiB)", len(src), maxSourceBytes)
		return file, p.ds
	}
	p.src = newSourceMap(src)

	lexer := nasg.NewNASGLexer(antlr.NewInputStream(string(src)))
	lexer.RemoveErrorListeners()
	lexer.AddErrorListener(p)
	stream := antlr.NewCommonTokenStream(lexer, antlr.TokenDefaultChannel)
	stream.Fill()
	p.tokens = stream.GetAllTokens()
	if !p.scanTokens() {
		return file, p.ds
	}

	parser := nasg.NewNASGParser(stream)
	parser.RemoveErrorListeners()
	parser.AddErrorListener(p)
	parser.SetErrorHandler(&errorStrategy{antlr.NewDefaultErrorStrategy()})
	// Every decision of the grammar is LL(1), so the cheaper SLL
	// prediction is exact.
	parser.GetInterpreter().SetPredictionMode(antlr.PredictionModeSLL)
	p.parser = parser

	// file is filled in even when a bailout stops the parser: what was
	// parsed so far is a valid (partial) tree.
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(bailout); !ok {
					panic(r)
				}
			}
		}()
		p.tree = parser.File()
	}()
	if p.tree == nil {
		// A bailout stopped the parser: climb from where it stopped to the
		// root of the partial tree.
		for ctx := parser.GetParserRuleContext(); ctx != nil; ctx = parentContext(ctx) {
			if root, ok := ctx.(nasg.IFileContext); ok {
				p.tree = root
			}
		}
	}
	if p.tree != nil {
		file.Decls = p.decls(p.tree)
	}
	return file, p.ds
}

// bailout stops the parser once there are too many errors.
type bailout struct{}

// parseState is one run of Parse: the source, the tokens, the diagnostics,
// and the listener that receives ANTLR's syntax errors.
type parseState struct {
	diagList
	*antlr.DefaultErrorListener // no-ops for ambiguity reports
	src                         *sourceMap
	tokens                      []antlr.Token
	parser                      *nasg.NASGParser
	tree                        nasg.IFileContext
	syntaxErrs                  int // syntax errors reported
	lastErrLine                 int // line of the last syntax error reported
}

// scanTokens checks what the lexer found before parsing: unterminated
// block comments, and nesting too deep to parse safely. It reports false
// when parsing must not go on.
func (p *parseState) scanTokens() bool {
	depth := 0
	for _, t := range p.tokens {
		switch t.GetTokenType() {
		case nasg.NASGLexerBLOCK_COMMENT:
			if text := t.GetText(); len(text) < 4 || !strings.HasSuffix(text, "*/") {
				p.errorf(p.pos(t), "close it with */", "comment not terminated: /* has no matching */")
			}
		case nasg.NASGLexerLPAREN, nasg.NASGLexerLBRACE:
			depth++
			if depth > maxNesting {
				p.errorf(p.pos(t), "", "nesting too deep: more than %d open parentheses or braces", maxNesting)
				return false
			}
		case nasg.NASGLexerRPAREN, nasg.NASGLexerRBRACE:
			if depth > 0 {
				depth--
			}
		}
	}
	return true
}

// sourceMap turns ANTLR's character indexes (runes, with each invalid UTF-8
// byte counted as one U+FFFD) into our positions (line and byte column,
// both from 1).
type sourceMap struct {
	src        []byte
	runeOff    []int32 // byte offset of each rune and of the end; nil for ASCII
	lineStarts []int   // byte offset of each line
}

func newSourceMap(src []byte) *sourceMap {
	m := &sourceMap{src: src, lineStarts: []int{0}}
	ascii := true
	for i, c := range src {
		if c == '\n' {
			m.lineStarts = append(m.lineStarts, i+1)
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii {
		m.runeOff = make([]int32, 0, len(src)+1)
		for off := range string(src) {
			m.runeOff = append(m.runeOff, int32(off))
		}
		m.runeOff = append(m.runeOff, int32(len(src)))
	}
	return m
}

// offset returns the byte offset of the rune at index i.
func (m *sourceMap) offset(i int) int {
	switch {
	case i < 0:
		return 0
	case m.runeOff == nil:
		return min(i, len(m.src))
	case i >= len(m.runeOff):
		return len(m.src)
	}
	return int(m.runeOff[i])
}

// at returns the position of a byte offset.
func (m *sourceMap) at(off int) Pos {
	line := sort.Search(len(m.lineStarts), func(i int) bool { return m.lineStarts[i] > off })
	return Pos{Line: line, Col: off - m.lineStarts[line-1] + 1}
}

// lineCol returns the position of ANTLR's line (from 1) and column (in
// runes, from 0).
func (m *sourceMap) lineCol(line, col int) Pos {
	if line < 1 || line > len(m.lineStarts) {
		return Pos{Line: 1, Col: 1}
	}
	off := m.lineStarts[line-1]
	for ; col > 0 && off < len(m.src) && m.src[off] != '\n'; col-- {
		_, n := utf8.DecodeRune(m.src[off:])
		off += n
	}
	return Pos{Line: line, Col: off - m.lineStarts[line-1] + 1}
}

// pos returns the position of a token's first character.
func (p *parseState) pos(t antlr.Token) Pos {
	if t == nil {
		return Pos{Line: 1, Col: 1}
	}
	if t.GetStart() < 0 { // a token the error recovery made up
		return p.src.lineCol(t.GetLine(), t.GetColumn())
	}
	return p.src.at(p.src.offset(t.GetStart()))
}

// errorStrategy is ANTLR's default error recovery with two changes.
//
// A keyword can only start a declaration. When one turns up where the
// parser expected something else, the declaration before it is unfinished:
// RecoverInline and Sync never delete the keyword as an extra token (as
// ANTLR does when the token after it happens to fit), so that recovery
// resumes at the keyword and the next declaration parses.
//
// ReportError leaves out the line that DefaultErrorStrategy.ReportError
// prints to stdout for an exception type it does not know.
type errorStrategy struct {
	*antlr.DefaultErrorStrategy
}

// RecoverInline recovers from a token mismatch, keeping keywords.
func (s *errorStrategy) RecoverInline(recognizer antlr.Parser) antlr.Token {
	if isKeyword(recognizer.GetTokenStream().LA(1)) {
		if s.SingleTokenInsertion(recognizer) {
			return s.GetMissingSymbol(recognizer)
		}
		recognizer.SetError(antlr.NewInputMisMatchException(recognizer))
		return nil
	}
	return s.DefaultErrorStrategy.RecoverInline(recognizer)
}

// Sync checks the next token at the start of a loop or optional part,
// keeping keywords.
func (s *errorStrategy) Sync(recognizer antlr.Parser) {
	if s.InErrorRecoveryMode(recognizer) {
		return
	}
	if tt := recognizer.GetTokenStream().LA(1); isKeyword(tt) && !recognizer.IsExpectedToken(tt) {
		recognizer.SetError(antlr.NewInputMisMatchException(recognizer))
		return
	}
	s.DefaultErrorStrategy.Sync(recognizer)
}

// ReportError reports a recognition error to the listeners, silently.
func (s *errorStrategy) ReportError(recognizer antlr.Parser, e antlr.RecognitionException) {
	switch e.(type) {
	case *antlr.NoViableAltException, *antlr.InputMisMatchException, *antlr.FailedPredicateException:
		s.DefaultErrorStrategy.ReportError(recognizer, e)
	default:
		if !s.InErrorRecoveryMode(recognizer) {
			recognizer.NotifyErrorListeners(e.GetMessage(), e.GetOffendingToken(), e)
		}
	}
}

// SyntaxError receives every syntax error of the lexer and the parser; it
// ignores ANTLR's wording and writes its own from the offending token,
// the tokens the parser expected and the construct it was in.
func (p *parseState) SyntaxError(recognizer antlr.Recognizer, offendingSymbol any, line, column int, _ string, _ antlr.RecognitionException) {
	tok, _ := offendingSymbol.(antlr.Token)
	var pos Pos
	if tok != nil {
		pos = p.pos(tok)
	} else {
		pos = p.src.lineCol(line, column)
	}
	if _, fromParser := recognizer.(antlr.Parser); !fromParser || tok == nil || p.parser == nil {
		// The lexer never fails (ERRCHAR takes any character), so this is
		// only a safety net.
		p.report(pos, "", "unexpected character")
		return
	}
	// One error per line, and none in a declaration that began on a line
	// with an error: those are echoes of the first error, made while the
	// parser resynchronised (`S = A | B` would otherwise also complain
	// that rules A and B lack their '->').
	at, msg, hint := p.explain(p.parser, tok)
	if at != nil {
		pos = p.pos(at)
	}
	if p.lastErrLine > 0 && (pos.Line == p.lastErrLine || p.declStartLine() == p.lastErrLine) {
		return
	}
	p.lastErrLine = pos.Line
	p.report(pos, hint, msg)
}

// report adds a syntax error, and stops the parser after too many.
func (p *parseState) report(pos Pos, hint, msg string) {
	if p.syntaxErrs == maxSyntaxErrs {
		p.errorf(pos, "", "too many syntax errors; stopping here")
		panic(bailout{})
	}
	p.syntaxErrs++
	p.errorf(pos, hint, "%s", msg)
}

// declStartLine returns the line on which the declaration being parsed
// began, or 0 between declarations.
func (p *parseState) declStartLine() int {
	for ctx := p.parser.GetParserRuleContext(); ctx != nil; ctx = parentContext(ctx) {
		if _, ok := parentContext(ctx).(*nasg.FileContext); ok {
			return p.pos(ctx.GetStart()).Line
		}
	}
	return 0
}

// explain words one syntax error: the message and a hint, and the token to
// put the error on when that is not the offending token.
func (p *parseState) explain(parser *nasg.NASGParser, tok antlr.Token) (at antlr.Token, msg, hint string) {
	switch tok.GetTokenType() {
	case nasg.NASGLexerERRCHAR:
		msg, hint = p.badChar(tok)
		return nil, msg, hint
	case nasg.NASGLexerBAD_STRING:
		return nil, "string not terminated", `close it with " on the same line`
	}
	ctx := parser.GetParserRuleContext()
	expected := tokenSetOf(parser.GetExpectedTokens())
	got := describeToken(tok)
	tt := tok.GetTokenType()
	prev := p.prevToken(tok)

	if tt == nasg.NASGParserARROW && prev != nil && isKeyword(prev.GetTokenType()) {
		// `search -> A`: a keyword used as a rule name.
		return nil, fmt.Sprintf("unexpected '->' after the keyword '%s'", prev.GetText()),
			fmt.Sprintf("'%s' is a keyword and cannot name a rule", prev.GetText())
	}
	if _, top := ctx.(*nasg.FileContext); top {
		return nil, "unexpected " + got + "; expected a declaration", declHint(tok)
	}
	if r, ok := ctx.(*nasg.RuleDeclContext); ok && len(expected) == 1 && expected.has(nasg.NASGParserARROW) {
		return p.missingArrow(r, tok, got)
	}
	msg = "unexpected " + got + "; expected " + expected.describe()
	if where := describeContext(ctx); where != "" {
		msg += " " + where
	}
	switch {
	case tt == nasg.NASGParserCOMMA && expected.has(nasg.NASGParserBAR):
		hint = "alternatives of a rule are separated by '|'"
	case tt == nasg.NASGParserNUMBER && isNodeContext(ctx):
		hint = "a topology body wires slots and nodes; numbers belong in primitives"
	case isKeyword(tt) && prev != nil && prev.GetLine() != tok.GetLine():
		hint = fmt.Sprintf("the declaration before '%s' is incomplete", tok.GetText())
	case isKeyword(tt) && expected.has(nasg.NASGParserIDENT):
		hint = fmt.Sprintf("'%s' is a keyword and cannot be used as a name", tok.GetText())
	}
	return nil, msg, hint
}

// declStarts are the tokens that can start a declaration.
var declStarts = []int{
	nasg.NASGParserSPACE, nasg.NASGParserINPUT, nasg.NASGParserOUTPUT, nasg.NASGParserSTEM,
	nasg.NASGParserHEAD, nasg.NASGParserPRIMITIVE, nasg.NASGParserTOPOLOGY, nasg.NASGParserSHARED,
	nasg.NASGParserCONSTRAINT, nasg.NASGParserTRAIN, nasg.NASGParserSEARCH, nasg.NASGParserIDENT,
}

func isKeyword(tt int) bool { return tt >= nasg.NASGParserSPACE && tt <= nasg.NASGParserSEARCH }

func declHint(tok antlr.Token) string {
	switch tok.GetTokenType() {
	case nasg.NASGParserSEMI:
		return "';' separates settings in train and search blocks and nodes in topologies; declarations need no separator"
	case nasg.NASGParserBAR:
		return "a rule's alternatives follow its '->'"
	case nasg.NASGParserCOMMA:
		return "alternatives of a rule are separated by '|'"
	}
	return "a declaration starts with space, input, output, stem, head, primitive, topology, shared, constraint, train or search, or is a rule NAME -> ALT | ALT"
}

// missingArrow words `NAME <tok>` where a rule's '->' should follow NAME.
// A name on the line where the previous declaration ends most likely
// continues that declaration, so then the error goes on the name and says
// what separates the parts of that declaration.
func (p *parseState) missingArrow(r *nasg.RuleDeclContext, tok antlr.Token, got string) (at antlr.Token, msg, hint string) {
	name := r.GetName()
	text := clip(tokenText(name))
	msg = fmt.Sprintf("unexpected %s; expected '->' after the rule name '%s'", got, text)
	if text == "" {
		return nil, msg, "a rule is written NAME -> ALT | ALT"
	}
	if prev := p.prevToken(name); prev != nil && prev.GetLine() == name.GetLine() {
		switch d := prevDecl(r).(type) {
		case *nasg.RuleDeclContext:
			return name, fmt.Sprintf("unexpected '%s' after an alternative of rule '%s'", text, clip(tokenText(d.GetName()))),
				"separate alternatives with '|'"
		case *nasg.PipelineDeclContext:
			return name, fmt.Sprintf("unexpected '%s' after the %s pipeline", text, tokenText(d.GetKind())),
				"separate operations with '>>'"
		case *nasg.PrimitiveDeclContext:
			return name, fmt.Sprintf("unexpected '%s' after primitive '%s'", text, clip(tokenText(d.GetName()))),
				"separate operations with '>>'"
		case *nasg.SharedDeclContext:
			return name, fmt.Sprintf("unexpected '%s' after a shared declaration", text),
				"separate names with ','"
		}
	}
	if kw := nearKeyword(name.GetText()); kw != "" {
		return nil, msg, fmt.Sprintf("did you mean the keyword '%s'?", kw)
	}
	if tok.GetTokenType() == nasg.NASGParserASSIGN {
		return nil, msg, "a rule is written NAME -> ALT | ALT; '=' defines stem, head and primitives"
	}
	return nil, msg, "a rule is written NAME -> ALT | ALT"
}

// prevDecl returns the declaration before d in the file, or nil.
func prevDecl(d antlr.ParserRuleContext) antlr.Tree {
	file, ok := parentContext(d).(*nasg.FileContext)
	if !ok {
		return nil
	}
	var prev antlr.Tree
	for _, c := range file.GetChildren() {
		if c == antlr.Tree(d) {
			return prev
		}
		if _, ok := c.(nasg.IDeclContext); ok {
			prev = c
		}
	}
	return nil
}

// nearKeyword returns the keyword that name is a likely misspelling of.
func nearKeyword(name string) string {
	best, bestD := "", 3
	for tt := nasg.NASGParserSPACE; tt <= nasg.NASGParserSEARCH; tt++ {
		kw := strings.Trim(nasg.NASGParserStaticData.LiteralNames[tt], "'")
		if d := editDistance(strings.ToLower(name), kw); d < bestD && d < len(kw)/2 {
			best, bestD = kw, d
		}
	}
	return best
}

// prevToken returns the default-channel token before t, or nil.
func (p *parseState) prevToken(t antlr.Token) antlr.Token {
	for i := t.GetTokenIndex() - 1; i >= 0 && i < len(p.tokens); i-- {
		if p.tokens[i].GetChannel() == antlr.TokenDefaultChannel {
			return p.tokens[i]
		}
	}
	return nil
}

// badChar words a character that no token starts with.
func (p *parseState) badChar(tok antlr.Token) (msg, hint string) {
	off := p.src.offset(tok.GetStart())
	r, n := utf8.DecodeRune(p.src.src[off:])
	switch {
	case r == utf8.RuneError && n <= 1:
		if off < len(p.src.src) {
			return fmt.Sprintf("invalid UTF-8 byte 0x%02X", p.src.src[off]), ".nasg files are UTF-8 text"
		}
		return "invalid UTF-8", ".nasg files are UTF-8 text"
	case r == '#':
		return "unexpected character '#'", "comments start with // or /*"
	case r == '-':
		if off+1 < len(p.src.src) && p.src.src[off+1] >= '0' && p.src.src[off+1] <= '9' {
			return "unexpected character '-'", "numbers cannot be negative"
		}
		return "unexpected character '-'", "a rule is written NAME -> ALT"
	case r == '.':
		return "unexpected character '.'", "a number needs digits on both sides of '.', as in 0.5"
	case r == '\'':
		return "unexpected character \"'\"", `strings are written in double quotes: "text"`
	case unicode.IsPrint(r) && r < utf8.RuneSelf:
		return fmt.Sprintf("unexpected character '%c'", r), ""
	case unicode.IsPrint(r):
		return fmt.Sprintf("unexpected character '%c' (U+%04X)", r, r), "names use only ASCII letters, digits and _"
	}
	return fmt.Sprintf("unexpected character U+%04X", r), ""
}

// describeToken names a token for "unexpected ..." messages.
func describeToken(t antlr.Token) string {
	tt := t.GetTokenType()
	switch {
	case tt == antlr.TokenEOF:
		return "end of file"
	case isKeyword(tt):
		return "keyword '" + t.GetText() + "'"
	case tt == nasg.NASGParserSTRING:
		return "string " + clip(t.GetText())
	}
	return "'" + clip(t.GetText()) + "'"
}

// clip keeps messages short and on one line: long token text is cut,
// and text with control characters or invalid UTF-8 is escaped.
func clip(s string) string {
	if len(s) > 32 {
		cut := 29
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsGraphic(r) {
			q := strconv.QuoteToGraphic(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

// tokenText returns the text of a token, and "" for a missing token or one
// that error recovery made up.
func tokenText(t antlr.Token) string {
	if t == nil || t.GetTokenIndex() < 0 {
		return ""
	}
	return t.GetText()
}

// tokenSet is a set of token types the parser expected.
type tokenSet []int

// tokenSetOf lists the token types in an ANTLR interval set, leaving out
// epsilon.
func tokenSetOf(s *antlr.IntervalSet) tokenSet {
	var ts tokenSet
	if s == nil {
		return ts
	}
	for _, iv := range s.GetIntervals() {
		for tt := iv.Start; tt < iv.Stop; tt++ {
			if tt == antlr.TokenEOF || tt > 0 {
				ts = append(ts, tt)
			}
		}
	}
	return ts
}

// has reports whether every one of types is in the set.
func (ts tokenSet) has(types ...int) bool {
	for _, want := range types {
		if !slices.Contains(ts, want) {
			return false
		}
	}
	return true
}

// describe lists the expected tokens in words: "',' or ')'",
// "a name, a number or a string".
func (ts tokenSet) describe() string {
	if !ts.has(declStarts...) {
		return joinOr(tokenWords(ts))
	}
	// After a complete declaration anything that starts the next one is
	// fine: say so once instead of listing eleven keywords.
	var rest tokenSet
	for _, tt := range ts {
		if tt != nasg.NASGParserEOF && !slices.Contains(declStarts, tt) {
			rest = append(rest, tt)
		}
	}
	return joinOr(append(tokenWords(rest), "a new declaration"))
}

func tokenWords(ts tokenSet) []string {
	sorted := append(tokenSet(nil), ts...)
	sort.Slice(sorted, func(i, j int) bool { return tokenRank(sorted[i]) < tokenRank(sorted[j]) })
	words := make([]string, 0, len(sorted))
	for _, tt := range sorted {
		words = append(words, tokenWord(tt))
	}
	return words
}

// tokenRank ranks token types for "expected ..." lists: separators, then
// openers, closers, names and literals, keywords, and end of file last.
func tokenRank(tt int) int {
	rank := []int{
		nasg.NASGParserARROW, nasg.NASGParserASSIGN, nasg.NASGParserCOLON, nasg.NASGParserCMP,
		nasg.NASGParserPIPE, nasg.NASGParserPLUS, nasg.NASGParserBAR, nasg.NASGParserAT,
		nasg.NASGParserCOMMA, nasg.NASGParserSEMI, nasg.NASGParserLPAREN, nasg.NASGParserLBRACE,
		nasg.NASGParserRPAREN, nasg.NASGParserRBRACE, nasg.NASGParserIDENT, nasg.NASGParserNUMBER,
		nasg.NASGParserSTRING,
	}
	for i, r := range rank {
		if r == tt {
			return i
		}
	}
	if tt == antlr.TokenEOF {
		return 1 << 20
	}
	return 1<<10 + tt
}

// tokenWord names a token type for "expected ..." messages; it never shows
// ANTLR's token names.
func tokenWord(tt int) string {
	switch tt {
	case antlr.TokenEOF:
		return "end of file"
	case nasg.NASGParserIDENT:
		return "a name"
	case nasg.NASGParserNUMBER:
		return "a number"
	case nasg.NASGParserSTRING:
		return "a string"
	case nasg.NASGParserCMP:
		return "a comparison (<=, >=, <, >, ==, !=)"
	}
	if lits := nasg.NASGParserStaticData.LiteralNames; tt > 0 && tt < len(lits) && lits[tt] != "" {
		return lits[tt]
	}
	return "something else"
}

func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return "nothing more"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// describeContext says where in the file the parser was: "in the rule
// for 'S'", "in the arguments of 'conv'".
func describeContext(ctx antlr.ParserRuleContext) string {
	for ; ctx != nil; ctx = parentContext(ctx) {
		switch c := ctx.(type) {
		case *nasg.SpaceDeclContext:
			return "after 'space'"
		case *nasg.IoDeclContext:
			return "in the " + tokenText(c.GetKind()) + " declaration"
		case *nasg.PipelineDeclContext:
			return "in the " + tokenText(c.GetKind()) + " pipeline"
		case *nasg.PrimitiveDeclContext:
			return whereNamed("in primitive", c.GetName(), "in a primitive declaration")
		case *nasg.TopologyDeclContext:
			return whereNamed("in topology", c.GetName(), "in a topology declaration")
		case *nasg.SharedDeclContext:
			return "in a shared declaration"
		case *nasg.ConstraintDeclContext:
			return "in a constraint"
		case *nasg.RuleDeclContext:
			return whereNamed("in the rule for", c.GetName(), "in a rule")
		case *nasg.BlockDeclContext:
			return "in the " + tokenText(c.GetKind()) + " block"
		case *nasg.ArgsContext:
			switch parent := parentContext(c).(type) {
			case *nasg.OpcallContext:
				return whereNamed("in the arguments of", parent.GetName(), "in an argument list")
			case *nasg.ArgContext:
				return whereNamed("in the arguments of", parent.GetName(), "in an argument list")
			}
			return "in an argument list"
		case *nasg.NodeStmtContext:
			where := whereNamed("in node", c.GetName(), "in a node")
			if t, ok := parentContext(c).(*nasg.TopologyDeclContext); ok && tokenText(t.GetName()) != "" {
				where += " of topology '" + clip(tokenText(t.GetName())) + "'"
			}
			return where
		case *nasg.SettingContext:
			where := whereNamed("in setting", c.GetName(), "in a setting")
			if b, ok := parentContext(c).(*nasg.BlockDeclContext); ok {
				where += " of the " + tokenText(b.GetKind()) + " block"
			}
			return where
		}
	}
	return ""
}

func whereNamed(prefix string, name antlr.Token, otherwise string) string {
	if s := tokenText(name); s != "" {
		return prefix + " '" + clip(s) + "'"
	}
	return otherwise
}

func parentContext(ctx antlr.ParserRuleContext) antlr.ParserRuleContext {
	parent, _ := ctx.GetParent().(antlr.ParserRuleContext)
	return parent
}

func isNodeContext(ctx antlr.ParserRuleContext) bool {
	switch ctx.(type) {
	case *nasg.NodeStmtContext, *nasg.NodeExprContext:
		return true
	}
	return false
}

// The parse tree to AST translation. Each method takes a context that may be
// incomplete after error recovery and returns nil for a node that lacks a
// required part.

func (p *parseState) decls(tree nasg.IFileContext) []Decl {
	var decls []Decl
	for _, dc := range tree.AllDecl() {
		if d := p.decl(dc); d != nil {
			decls = append(decls, d)
		}
	}
	return decls
}

func (p *parseState) decl(dc nasg.IDeclContext) Decl {
	pos := p.pos(dc.GetStart())
	switch c := dc.(type) {
	case *nasg.SpaceDeclContext:
		return &SpaceDecl{Pos: pos, Name: p.ident(c.GetName())}
	case *nasg.IoDeclContext:
		call := p.opcall(c.Opcall())
		if call == nil {
			return nil
		}
		return &IODecl{Pos: pos, Kind: tokenText(c.GetKind()), Call: call}
	case *nasg.PipelineDeclContext:
		return &PipelineDecl{Pos: pos, Kind: tokenText(c.GetKind()), Ops: p.pipeline(c.Pipeline())}
	case *nasg.PrimitiveDeclContext:
		return &PrimitiveDecl{Pos: pos, Name: p.ident(c.GetName()), Ops: p.pipeline(c.Pipeline())}
	case *nasg.TopologyDeclContext:
		d := &TopologyDecl{Pos: pos, Name: p.ident(c.GetName()), Params: p.idents(c.GetParams())}
		for _, nc := range c.AllNodeStmt() {
			if n := p.nodeStmt(nc); n != nil {
				d.Nodes = append(d.Nodes, n)
			}
		}
		return d
	case *nasg.SharedDeclContext:
		return &SharedDecl{Pos: pos, Names: p.idents(c.GetNames())}
	case *nasg.ConstraintDeclContext:
		lhs, rhs := p.cexpr(c.GetLhs()), p.cexpr(c.GetRhs())
		op := tokenText(c.GetOp())
		if lhs == nil || rhs == nil || op == "" {
			return nil
		}
		return &ConstraintDecl{Pos: pos, LHS: lhs, Op: op, RHS: rhs}
	case *nasg.RuleDeclContext:
		d := &RuleDecl{Pos: pos, Name: p.ident(c.GetName())}
		if d.Name.Name != "" {
			d.Pos = d.Name.Pos
		}
		for _, ac := range c.AllAlt() {
			if a := p.alt(ac); a != nil {
				d.Alts = append(d.Alts, a)
			}
		}
		return d
	case *nasg.BlockDeclContext:
		d := &BlockDecl{Pos: pos, Kind: tokenText(c.GetKind())}
		for _, sc := range c.AllSetting() {
			if s := p.setting(sc); s != nil {
				d.Settings = append(d.Settings, s)
			}
		}
		return d
	}
	return nil
}

// ident returns the name a token spells; a token that error recovery made
// up gives an empty name at the position of the error.
func (p *parseState) ident(t antlr.Token) Ident {
	if t == nil {
		return Ident{}
	}
	return Ident{Pos: p.pos(t), Name: tokenText(t)}
}

func (p *parseState) idents(ts []antlr.Token) []Ident {
	var ids []Ident
	for _, t := range ts {
		if tokenText(t) != "" {
			ids = append(ids, p.ident(t))
		}
	}
	return ids
}

func (p *parseState) pipeline(pc nasg.IPipelineContext) []*OpCall {
	if pc == nil {
		return nil
	}
	var ops []*OpCall
	for _, oc := range pc.AllOpcall() {
		if op := p.opcall(oc); op != nil {
			ops = append(ops, op)
		}
	}
	return ops
}

func (p *parseState) opcall(oc nasg.IOpcallContext) *OpCall {
	c, ok := oc.(*nasg.OpcallContext)
	if !ok || c == nil || tokenText(c.GetName()) == "" {
		return nil
	}
	name := p.ident(c.GetName())
	call := &OpCall{Pos: name.Pos, Name: name}
	if ac := c.Args(); ac != nil {
		call.HasParens = true
		call.Args = p.args(ac)
	}
	return call
}

func (p *parseState) args(ac nasg.IArgsContext) []*Arg {
	var args []*Arg
	for _, a := range ac.AllArg() {
		if arg := p.arg(a); arg != nil {
			args = append(args, arg)
		}
	}
	return args
}

func (p *parseState) arg(ac nasg.IArgContext) *Arg {
	c, ok := ac.(*nasg.ArgContext)
	if !ok || c == nil {
		return nil
	}
	switch {
	case c.IDENT() != nil:
		name := p.ident(c.GetName())
		if name.Name == "" {
			return nil
		}
		pos := name.Pos
		if c.COLON() != nil {
			v := p.value(c.Value())
			if v == nil {
				return nil
			}
			return &Arg{Pos: pos, Name: name, Value: v}
		}
		// A positional operation: `relu` or `sgd(lr: 0.1)`.
		if c.Args() == nil {
			return &Arg{Pos: pos, Value: &Value{Pos: pos, Kind: IdentValue, Text: name.Name}}
		}
		call := &OpCall{Pos: pos, Name: name, Args: p.args(c.Args()), HasParens: true}
		return &Arg{Pos: pos, Value: &Value{Pos: pos, Kind: CallValue, Text: name.Name, Call: call}}
	case c.NUMBER() != nil:
		v := p.number(c.NUMBER().GetSymbol())
		return &Arg{Pos: v.Pos, Value: v}
	case c.STRING() != nil:
		v := p.str(c.STRING().GetSymbol())
		return &Arg{Pos: v.Pos, Value: v}
	}
	return nil
}

func (p *parseState) value(vc nasg.IValueContext) *Value {
	c, ok := vc.(*nasg.ValueContext)
	if !ok || c == nil {
		return nil
	}
	switch {
	case c.Opcall() != nil:
		call := p.opcall(c.Opcall())
		if call == nil {
			return nil
		}
		if !call.HasParens {
			return &Value{Pos: call.Pos, Kind: IdentValue, Text: call.Name.Name}
		}
		return &Value{Pos: call.Pos, Kind: CallValue, Text: call.Name.Name, Call: call}
	case c.NUMBER() != nil:
		return p.number(c.NUMBER().GetSymbol())
	case c.STRING() != nil:
		return p.str(c.STRING().GetSymbol())
	}
	return nil
}

// number reads a NUMBER token: digits, an optional fraction and exponent,
// and an optional unit of letters (2M, 180s, 1e-3).
func (p *parseState) number(t antlr.Token) *Value {
	text := t.GetText()
	v := &Value{Pos: p.pos(t), Kind: NumberValue, Text: text}
	n := numericPrefix(text)
	v.Unit = text[n:]
	f, err := strconv.ParseFloat(text[:n], 64)
	if err != nil && !math.IsInf(f, 0) {
		p.errorf(v.Pos, "", "malformed number %q", text)
	} else if math.IsInf(f, 0) {
		p.errorf(v.Pos, "", "number %s is too large", text)
		f = math.MaxFloat64
	}
	v.Num = f
	return v
}

// numericPrefix returns the length of the numeric part of a NUMBER token,
// following the lexer rule: DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)?.
func numericPrefix(s string) int {
	digits := func(i int) int {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	isDigit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	i := digits(0)
	if i < len(s) && s[i] == '.' && isDigit(i+1) {
		i = digits(i + 1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if isDigit(j) {
			i = digits(j)
		}
	}
	return i
}

// str reads a STRING token; escapes are those of Go.
func (p *parseState) str(t antlr.Token) *Value {
	v := &Value{Pos: p.pos(t), Kind: StringValue}
	s, err := strconv.Unquote(t.GetText())
	if err != nil {
		p.errorf(v.Pos, `escapes are those of Go: \" \\ \n \t \xHH \uHHHH ...`, "invalid escape in string %s", clip(t.GetText()))
		s = strings.Trim(t.GetText(), `"`)
	}
	v.Text = s
	return v
}

func (p *parseState) nodeStmt(nc nasg.INodeStmtContext) *NodeStmt {
	c, ok := nc.(*nasg.NodeStmtContext)
	if !ok || c == nil {
		return nil
	}
	n := &NodeStmt{Pos: p.pos(c.GetStart()), Name: p.ident(c.GetName())}
	if n.Name.Name != "" {
		n.Pos = n.Name.Pos
	}
	for _, ec := range c.AllNodeExpr() {
		if e := p.nodeExpr(ec); e != nil {
			n.Terms = append(n.Terms, e)
		}
	}
	return n
}

func (p *parseState) nodeExpr(ec nasg.INodeExprContext) *NodeExpr {
	c, ok := ec.(*nasg.NodeExprContext)
	if !ok || c == nil || tokenText(c.GetName()) == "" {
		return nil
	}
	name := p.ident(c.GetName())
	e := &NodeExpr{Pos: name.Pos, Name: name}
	if c.LPAREN() != nil {
		e.Args = []*NodeExpr{}
		for _, ac := range c.AllNodeExpr() {
			if a := p.nodeExpr(ac); a != nil {
				e.Args = append(e.Args, a)
			}
		}
	}
	return e
}

func (p *parseState) alt(ac nasg.IAltContext) *Alt {
	c, ok := ac.(*nasg.AltContext)
	if !ok || c == nil {
		return nil
	}
	t := p.term(c.Term())
	if t == nil {
		return nil
	}
	a := &Alt{Pos: t.Pos, Term: t, Weight: 1}
	if w := c.GetWeight(); c.AT() != nil && tokenText(w) != "" {
		v := p.number(w)
		if v.Unit != "" {
			p.errorf(v.Pos, "write the weight as a plain number, e.g. @2", "sampling weight %s has a unit", v.Text)
		}
		a.Weight, a.HasWeight = v.Num, true
	}
	return a
}

func (p *parseState) term(tc nasg.ITermContext) *Term {
	c, ok := tc.(*nasg.TermContext)
	if !ok || c == nil || tokenText(c.GetName()) == "" {
		return nil
	}
	name := p.ident(c.GetName())
	t := &Term{Pos: name.Pos, Name: name, HasParens: c.LPAREN() != nil}
	for _, sc := range c.AllTerm() {
		if s := p.term(sc); s != nil {
			t.Args = append(t.Args, s)
		}
	}
	return t
}

func (p *parseState) setting(sc nasg.ISettingContext) *Setting {
	c, ok := sc.(*nasg.SettingContext)
	if !ok || c == nil || tokenText(c.GetName()) == "" {
		return nil
	}
	v := p.value(c.Value())
	if v == nil {
		return nil
	}
	name := p.ident(c.GetName())
	return &Setting{Pos: name.Pos, Name: name, Value: v}
}

func (p *parseState) cexpr(cc nasg.ICexprContext) *CExpr {
	c, ok := cc.(*nasg.CexprContext)
	if !ok || c == nil {
		return nil
	}
	e := &CExpr{}
	switch {
	case c.NUMBER() != nil:
		e.Value = p.number(c.NUMBER().GetSymbol())
		e.Pos = e.Value.Pos
	case tokenText(c.GetName()) != "":
		e.Name = p.ident(c.GetName())
		e.Pos = e.Name.Pos
		if t := c.GetTarget(); c.LPAREN() != nil && tokenText(t) != "" {
			id := p.ident(t)
			e.Arg = &id
		}
	default:
		return nil
	}
	return e
}
