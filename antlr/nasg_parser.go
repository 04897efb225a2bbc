// Code generated from NASG.g4 by ANTLR 4.13.1. DO NOT EDIT.

package nasg // NASG
import (
	"fmt"
	"strconv"
	"sync"

	"github.com/antlr4-go/antlr/v4"
)

// Suppress unused import errors
var _ = fmt.Printf
var _ = strconv.Itoa
var _ = sync.Once{}

type NASGParser struct {
	*antlr.BaseParser
}

var NASGParserStaticData struct {
	once                   sync.Once
	serializedATN          []int32
	LiteralNames           []string
	SymbolicNames          []string
	RuleNames              []string
	PredictionContextCache *antlr.PredictionContextCache
	atn                    *antlr.ATN
	decisionToDFA          []*antlr.DFA
}

func nasgParserInit() {
	staticData := &NASGParserStaticData
	staticData.LiteralNames = []string{
		"", "'space'", "'input'", "'output'", "'stem'", "'head'", "'primitive'",
		"'topology'", "'shared'", "'constraint'", "'train'", "'search'", "'->'",
		"'>>'", "", "'='", "'('", "')'", "'{'", "'}'", "','", "':'", "';'",
		"'|'", "'+'", "'@'",
	}
	staticData.SymbolicNames = []string{
		"", "SPACE", "INPUT", "OUTPUT", "STEM", "HEAD", "PRIMITIVE", "TOPOLOGY",
		"SHARED", "CONSTRAINT", "TRAIN", "SEARCH", "ARROW", "PIPE", "CMP", "ASSIGN",
		"LPAREN", "RPAREN", "LBRACE", "RBRACE", "COMMA", "COLON", "SEMI", "BAR",
		"PLUS", "AT", "NUMBER", "IDENT", "STRING", "BAD_STRING", "LINE_COMMENT",
		"BLOCK_COMMENT", "WS", "ERRCHAR",
	}
	staticData.RuleNames = []string{
		"file", "decl", "pipeline", "opcall", "args", "arg", "value", "nodeStmt",
		"nodeExpr", "alt", "term", "setting", "cexpr",
	}
	staticData.PredictionContextCache = antlr.NewPredictionContextCache()
	staticData.serializedATN = []int32{
		4, 1, 33, 202, 2, 0, 7, 0, 2, 1, 7, 1, 2, 2, 7, 2, 2, 3, 7, 3, 2, 4, 7,
		4, 2, 5, 7, 5, 2, 6, 7, 6, 2, 7, 7, 7, 2, 8, 7, 8, 2, 9, 7, 9, 2, 10, 7,
		10, 2, 11, 7, 11, 2, 12, 7, 12, 1, 0, 5, 0, 28, 8, 0, 10, 0, 12, 0, 31,
		9, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 1, 52, 8, 1, 10, 1,
		12, 1, 55, 9, 1, 1, 1, 1, 1, 1, 1, 5, 1, 60, 8, 1, 10, 1, 12, 1, 63, 9,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 1, 70, 8, 1, 10, 1, 12, 1, 73, 9, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 1, 85, 8,
		1, 10, 1, 12, 1, 88, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 94, 8, 1, 5, 1,
		96, 8, 1, 10, 1, 12, 1, 99, 9, 1, 1, 1, 3, 1, 102, 8, 1, 1, 2, 1, 2, 1,
		2, 5, 2, 107, 8, 2, 10, 2, 12, 2, 110, 9, 2, 1, 3, 1, 3, 3, 3, 114, 8,
		3, 1, 4, 1, 4, 1, 4, 1, 4, 5, 4, 120, 8, 4, 10, 4, 12, 4, 123, 9, 4, 3,
		4, 125, 8, 4, 1, 4, 1, 4, 1, 5, 1, 5, 1, 5, 1, 5, 3, 5, 133, 8, 5, 1, 5,
		1, 5, 3, 5, 137, 8, 5, 1, 6, 1, 6, 1, 6, 3, 6, 142, 8, 6, 1, 7, 1, 7, 1,
		7, 1, 7, 1, 7, 5, 7, 149, 8, 7, 10, 7, 12, 7, 152, 9, 7, 1, 7, 3, 7, 155,
		8, 7, 1, 8, 1, 8, 1, 8, 1, 8, 1, 8, 5, 8, 162, 8, 8, 10, 8, 12, 8, 165,
		9, 8, 1, 8, 1, 8, 3, 8, 169, 8, 8, 1, 9, 1, 9, 1, 9, 3, 9, 174, 8, 9, 1,
		10, 1, 10, 1, 10, 1, 10, 1, 10, 5, 10, 181, 8, 10, 10, 10, 12, 10, 184,
		9, 10, 1, 10, 1, 10, 3, 10, 188, 8, 10, 1, 11, 1, 11, 1, 11, 1, 12, 1,
		12, 1, 12, 1, 12, 1, 12, 3, 12, 198, 8, 12, 3, 12, 200, 8, 12, 1, 12, 0,
		0, 13, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 0, 3, 1, 0, 2, 3,
		1, 0, 4, 5, 1, 0, 10, 11, 222, 0, 29, 1, 0, 0, 0, 2, 101, 1, 0, 0, 0, 4,
		103, 1, 0, 0, 0, 6, 111, 1, 0, 0, 0, 8, 115, 1, 0, 0, 0, 10, 136, 1, 0,
		0, 0, 12, 141, 1, 0, 0, 0, 14, 143, 1, 0, 0, 0, 16, 156, 1, 0, 0, 0, 18,
		170, 1, 0, 0, 0, 20, 175, 1, 0, 0, 0, 22, 189, 1, 0, 0, 0, 24, 199, 1,
		0, 0, 0, 26, 28, 3, 2, 1, 0, 27, 26, 1, 0, 0, 0, 28, 31, 1, 0, 0, 0, 29,
		27, 1, 0, 0, 0, 29, 30, 1, 0, 0, 0, 30, 32, 1, 0, 0, 0, 31, 29, 1, 0, 0,
		0, 32, 33, 5, 0, 0, 1, 33, 1, 1, 0, 0, 0, 34, 35, 5, 1, 0, 0, 35, 102,
		5, 27, 0, 0, 36, 37, 7, 0, 0, 0, 37, 102, 3, 6, 3, 0, 38, 39, 7, 1, 0,
		0, 39, 40, 5, 15, 0, 0, 40, 102, 3, 4, 2, 0, 41, 42, 5, 6, 0, 0, 42, 43,
		5, 27, 0, 0, 43, 44, 5, 15, 0, 0, 44, 102, 3, 4, 2, 0, 45, 46, 5, 7, 0,
		0, 46, 47, 5, 27, 0, 0, 47, 48, 5, 16, 0, 0, 48, 53, 5, 27, 0, 0, 49, 50,
		5, 20, 0, 0, 50, 52, 5, 27, 0, 0, 51, 49, 1, 0, 0, 0, 52, 55, 1, 0, 0,
		0, 53, 51, 1, 0, 0, 0, 53, 54, 1, 0, 0, 0, 54, 56, 1, 0, 0, 0, 55, 53,
		1, 0, 0, 0, 56, 57, 5, 17, 0, 0, 57, 61, 5, 18, 0, 0, 58, 60, 3, 14, 7,
		0, 59, 58, 1, 0, 0, 0, 60, 63, 1, 0, 0, 0, 61, 59, 1, 0, 0, 0, 61, 62,
		1, 0, 0, 0, 62, 64, 1, 0, 0, 0, 63, 61, 1, 0, 0, 0, 64, 102, 5, 19, 0,
		0, 65, 66, 5, 8, 0, 0, 66, 71, 5, 27, 0, 0, 67, 68, 5, 20, 0, 0, 68, 70,
		5, 27, 0, 0, 69, 67, 1, 0, 0, 0, 70, 73, 1, 0, 0, 0, 71, 69, 1, 0, 0, 0,
		71, 72, 1, 0, 0, 0, 72, 102, 1, 0, 0, 0, 73, 71, 1, 0, 0, 0, 74, 75, 5,
		9, 0, 0, 75, 76, 3, 24, 12, 0, 76, 77, 5, 14, 0, 0, 77, 78, 3, 24, 12,
		0, 78, 102, 1, 0, 0, 0, 79, 80, 5, 27, 0, 0, 80, 81, 5, 12, 0, 0, 81, 86,
		3, 18, 9, 0, 82, 83, 5, 23, 0, 0, 83, 85, 3, 18, 9, 0, 84, 82, 1, 0, 0,
		0, 85, 88, 1, 0, 0, 0, 86, 84, 1, 0, 0, 0, 86, 87, 1, 0, 0, 0, 87, 102,
		1, 0, 0, 0, 88, 86, 1, 0, 0, 0, 89, 90, 7, 2, 0, 0, 90, 97, 5, 18, 0, 0,
		91, 93, 3, 22, 11, 0, 92, 94, 5, 22, 0, 0, 93, 92, 1, 0, 0, 0, 93, 94,
		1, 0, 0, 0, 94, 96, 1, 0, 0, 0, 95, 91, 1, 0, 0, 0, 96, 99, 1, 0, 0, 0,
		97, 95, 1, 0, 0, 0, 97, 98, 1, 0, 0, 0, 98, 100, 1, 0, 0, 0, 99, 97, 1,
		0, 0, 0, 100, 102, 5, 19, 0, 0, 101, 34, 1, 0, 0, 0, 101, 36, 1, 0, 0,
		0, 101, 38, 1, 0, 0, 0, 101, 41, 1, 0, 0, 0, 101, 45, 1, 0, 0, 0, 101,
		65, 1, 0, 0, 0, 101, 74, 1, 0, 0, 0, 101, 79, 1, 0, 0, 0, 101, 89, 1, 0,
		0, 0, 102, 3, 1, 0, 0, 0, 103, 108, 3, 6, 3, 0, 104, 105, 5, 13, 0, 0,
		105, 107, 3, 6, 3, 0, 106, 104, 1, 0, 0, 0, 107, 110, 1, 0, 0, 0, 108,
		106, 1, 0, 0, 0, 108, 109, 1, 0, 0, 0, 109, 5, 1, 0, 0, 0, 110, 108, 1,
		0, 0, 0, 111, 113, 5, 27, 0, 0, 112, 114, 3, 8, 4, 0, 113, 112, 1, 0, 0,
		0, 113, 114, 1, 0, 0, 0, 114, 7, 1, 0, 0, 0, 115, 124, 5, 16, 0, 0, 116,
		121, 3, 10, 5, 0, 117, 118, 5, 20, 0, 0, 118, 120, 3, 10, 5, 0, 119, 117,
		1, 0, 0, 0, 120, 123, 1, 0, 0, 0, 121, 119, 1, 0, 0, 0, 121, 122, 1, 0,
		0, 0, 122, 125, 1, 0, 0, 0, 123, 121, 1, 0, 0, 0, 124, 116, 1, 0, 0, 0,
		124, 125, 1, 0, 0, 0, 125, 126, 1, 0, 0, 0, 126, 127, 5, 17, 0, 0, 127,
		9, 1, 0, 0, 0, 128, 132, 5, 27, 0, 0, 129, 130, 5, 21, 0, 0, 130, 133,
		3, 12, 6, 0, 131, 133, 3, 8, 4, 0, 132, 129, 1, 0, 0, 0, 132, 131, 1, 0,
		0, 0, 132, 133, 1, 0, 0, 0, 133, 137, 1, 0, 0, 0, 134, 137, 5, 26, 0, 0,
		135, 137, 5, 28, 0, 0, 136, 128, 1, 0, 0, 0, 136, 134, 1, 0, 0, 0, 136,
		135, 1, 0, 0, 0, 137, 11, 1, 0, 0, 0, 138, 142, 3, 6, 3, 0, 139, 142, 5,
		26, 0, 0, 140, 142, 5, 28, 0, 0, 141, 138, 1, 0, 0, 0, 141, 139, 1, 0,
		0, 0, 141, 140, 1, 0, 0, 0, 142, 13, 1, 0, 0, 0, 143, 144, 5, 27, 0, 0,
		144, 145, 5, 15, 0, 0, 145, 150, 3, 16, 8, 0, 146, 147, 5, 24, 0, 0, 147,
		149, 3, 16, 8, 0, 148, 146, 1, 0, 0, 0, 149, 152, 1, 0, 0, 0, 150, 148,
		1, 0, 0, 0, 150, 151, 1, 0, 0, 0, 151, 154, 1, 0, 0, 0, 152, 150, 1, 0,
		0, 0, 153, 155, 5, 22, 0, 0, 154, 153, 1, 0, 0, 0, 154, 155, 1, 0, 0, 0,
		155, 15, 1, 0, 0, 0, 156, 168, 5, 27, 0, 0, 157, 158, 5, 16, 0, 0, 158,
		163, 3, 16, 8, 0, 159, 160, 5, 20, 0, 0, 160, 162, 3, 16, 8, 0, 161, 159,
		1, 0, 0, 0, 162, 165, 1, 0, 0, 0, 163, 161, 1, 0, 0, 0, 163, 164, 1, 0,
		0, 0, 164, 166, 1, 0, 0, 0, 165, 163, 1, 0, 0, 0, 166, 167, 5, 17, 0, 0,
		167, 169, 1, 0, 0, 0, 168, 157, 1, 0, 0, 0, 168, 169, 1, 0, 0, 0, 169,
		17, 1, 0, 0, 0, 170, 173, 3, 20, 10, 0, 171, 172, 5, 25, 0, 0, 172, 174,
		5, 26, 0, 0, 173, 171, 1, 0, 0, 0, 173, 174, 1, 0, 0, 0, 174, 19, 1, 0,
		0, 0, 175, 187, 5, 27, 0, 0, 176, 177, 5, 16, 0, 0, 177, 182, 3, 20, 10,
		0, 178, 179, 5, 20, 0, 0, 179, 181, 3, 20, 10, 0, 180, 178, 1, 0, 0, 0,
		181, 184, 1, 0, 0, 0, 182, 180, 1, 0, 0, 0, 182, 183, 1, 0, 0, 0, 183,
		185, 1, 0, 0, 0, 184, 182, 1, 0, 0, 0, 185, 186, 5, 17, 0, 0, 186, 188,
		1, 0, 0, 0, 187, 176, 1, 0, 0, 0, 187, 188, 1, 0, 0, 0, 188, 21, 1, 0,
		0, 0, 189, 190, 5, 27, 0, 0, 190, 191, 3, 12, 6, 0, 191, 23, 1, 0, 0, 0,
		192, 200, 5, 26, 0, 0, 193, 197, 5, 27, 0, 0, 194, 195, 5, 16, 0, 0, 195,
		196, 5, 27, 0, 0, 196, 198, 5, 17, 0, 0, 197, 194, 1, 0, 0, 0, 197, 198,
		1, 0, 0, 0, 198, 200, 1, 0, 0, 0, 199, 192, 1, 0, 0, 0, 199, 193, 1, 0,
		0, 0, 200, 25, 1, 0, 0, 0, 24, 29, 53, 61, 71, 86, 93, 97, 101, 108, 113,
		121, 124, 132, 136, 141, 150, 154, 163, 168, 173, 182, 187, 197, 199,
	}
	deserializer := antlr.NewATNDeserializer(nil)
	staticData.atn = deserializer.Deserialize(staticData.serializedATN)
	atn := staticData.atn
	staticData.decisionToDFA = make([]*antlr.DFA, len(atn.DecisionToState))
	decisionToDFA := staticData.decisionToDFA
	for index, state := range atn.DecisionToState {
		decisionToDFA[index] = antlr.NewDFA(state, index)
	}
}

// NASGParserInit initializes any static state used to implement NASGParser. By default the
// static state used to implement the parser is lazily initialized during the first call to
// NewNASGParser(). You can call this function if you wish to initialize the static state ahead
// of time.
func NASGParserInit() {
	staticData := &NASGParserStaticData
	staticData.once.Do(nasgParserInit)
}

// NewNASGParser produces a new parser instance for the optional input antlr.TokenStream.
func NewNASGParser(input antlr.TokenStream) *NASGParser {
	NASGParserInit()
	this := new(NASGParser)
	this.BaseParser = antlr.NewBaseParser(input)
	staticData := &NASGParserStaticData
	this.Interpreter = antlr.NewParserATNSimulator(this, staticData.atn, staticData.decisionToDFA, staticData.PredictionContextCache)
	this.RuleNames = staticData.RuleNames
	this.LiteralNames = staticData.LiteralNames
	this.SymbolicNames = staticData.SymbolicNames
	this.GrammarFileName = "NASG.g4"

	return this
}

// NASGParser tokens.
const (
	NASGParserEOF           = antlr.TokenEOF
	NASGParserSPACE         = 1
	NASGParserINPUT         = 2
	NASGParserOUTPUT        = 3
	NASGParserSTEM          = 4
	NASGParserHEAD          = 5
	NASGParserPRIMITIVE     = 6
	NASGParserTOPOLOGY      = 7
	NASGParserSHARED        = 8
	NASGParserCONSTRAINT    = 9
	NASGParserTRAIN         = 10
	NASGParserSEARCH        = 11
	NASGParserARROW         = 12
	NASGParserPIPE          = 13
	NASGParserCMP           = 14
	NASGParserASSIGN        = 15
	NASGParserLPAREN        = 16
	NASGParserRPAREN        = 17
	NASGParserLBRACE        = 18
	NASGParserRBRACE        = 19
	NASGParserCOMMA         = 20
	NASGParserCOLON         = 21
	NASGParserSEMI          = 22
	NASGParserBAR           = 23
	NASGParserPLUS          = 24
	NASGParserAT            = 25
	NASGParserNUMBER        = 26
	NASGParserIDENT         = 27
	NASGParserSTRING        = 28
	NASGParserBAD_STRING    = 29
	NASGParserLINE_COMMENT  = 30
	NASGParserBLOCK_COMMENT = 31
	NASGParserWS            = 32
	NASGParserERRCHAR       = 33
)

// NASGParser rules.
const (
	NASGParserRULE_file     = 0
	NASGParserRULE_decl     = 1
	NASGParserRULE_pipeline = 2
	NASGParserRULE_opcall   = 3
	NASGParserRULE_args     = 4
	NASGParserRULE_arg      = 5
	NASGParserRULE_value    = 6
	NASGParserRULE_nodeStmt = 7
	NASGParserRULE_nodeExpr = 8
	NASGParserRULE_alt      = 9
	NASGParserRULE_term     = 10
	NASGParserRULE_setting  = 11
	NASGParserRULE_cexpr    = 12
)

// IFileContext is an interface to support dynamic dispatch.
type IFileContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// Getter signatures
	EOF() antlr.TerminalNode
	AllDecl() []IDeclContext
	Decl(i int) IDeclContext

	// IsFileContext differentiates from other interfaces.
	IsFileContext()
}

type FileContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
}

func NewEmptyFileContext() *FileContext {
	var p = new(FileContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_file
	return p
}

func InitEmptyFileContext(p *FileContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_file
}

func (*FileContext) IsFileContext() {}

func NewFileContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *FileContext {
	var p = new(FileContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_file

	return p
}

func (s *FileContext) GetParser() antlr.Parser { return s.parser }

func (s *FileContext) EOF() antlr.TerminalNode {
	return s.GetToken(NASGParserEOF, 0)
}

func (s *FileContext) AllDecl() []IDeclContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IDeclContext); ok {
			len++
		}
	}

	tst := make([]IDeclContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IDeclContext); ok {
			tst[i] = t.(IDeclContext)
			i++
		}
	}

	return tst
}

func (s *FileContext) Decl(i int) IDeclContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IDeclContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IDeclContext)
}

func (s *FileContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *FileContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) File() (localctx IFileContext) {
	localctx = NewFileContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 0, NASGParserRULE_file)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	p.SetState(29)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	for (int64(_la) & ^0x3f) == 0 && ((int64(1)<<_la)&134221822) != 0 {
		{
			p.SetState(26)
			p.Decl()
		}

		p.SetState(31)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)
	}
	{
		p.SetState(32)
		p.Match(NASGParserEOF)
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// IDeclContext is an interface to support dynamic dispatch.
type IDeclContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser
	// IsDeclContext differentiates from other interfaces.
	IsDeclContext()
}

type DeclContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
}

func NewEmptyDeclContext() *DeclContext {
	var p = new(DeclContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_decl
	return p
}

func InitEmptyDeclContext(p *DeclContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_decl
}

func (*DeclContext) IsDeclContext() {}

func NewDeclContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *DeclContext {
	var p = new(DeclContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_decl

	return p
}

func (s *DeclContext) GetParser() antlr.Parser { return s.parser }

func (s *DeclContext) CopyAll(ctx *DeclContext) {
	s.CopyFrom(&ctx.BaseParserRuleContext)
}

func (s *DeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *DeclContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

type SharedDeclContext struct {
	DeclContext
	_IDENT antlr.Token
	names  []antlr.Token
}

func NewSharedDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *SharedDeclContext {
	var p = new(SharedDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *SharedDeclContext) Get_IDENT() antlr.Token { return s._IDENT }

func (s *SharedDeclContext) Set_IDENT(v antlr.Token) { s._IDENT = v }

func (s *SharedDeclContext) GetNames() []antlr.Token { return s.names }

func (s *SharedDeclContext) SetNames(v []antlr.Token) { s.names = v }

func (s *SharedDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *SharedDeclContext) SHARED() antlr.TerminalNode {
	return s.GetToken(NASGParserSHARED, 0)
}

func (s *SharedDeclContext) AllIDENT() []antlr.TerminalNode {
	return s.GetTokens(NASGParserIDENT)
}

func (s *SharedDeclContext) IDENT(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, i)
}

func (s *SharedDeclContext) AllCOMMA() []antlr.TerminalNode {
	return s.GetTokens(NASGParserCOMMA)
}

func (s *SharedDeclContext) COMMA(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserCOMMA, i)
}

type PipelineDeclContext struct {
	DeclContext
	kind antlr.Token
}

func NewPipelineDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *PipelineDeclContext {
	var p = new(PipelineDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *PipelineDeclContext) GetKind() antlr.Token { return s.kind }

func (s *PipelineDeclContext) SetKind(v antlr.Token) { s.kind = v }

func (s *PipelineDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *PipelineDeclContext) ASSIGN() antlr.TerminalNode {
	return s.GetToken(NASGParserASSIGN, 0)
}

func (s *PipelineDeclContext) Pipeline() IPipelineContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IPipelineContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IPipelineContext)
}

func (s *PipelineDeclContext) STEM() antlr.TerminalNode {
	return s.GetToken(NASGParserSTEM, 0)
}

func (s *PipelineDeclContext) HEAD() antlr.TerminalNode {
	return s.GetToken(NASGParserHEAD, 0)
}

type PrimitiveDeclContext struct {
	DeclContext
	name antlr.Token
}

func NewPrimitiveDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *PrimitiveDeclContext {
	var p = new(PrimitiveDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *PrimitiveDeclContext) GetName() antlr.Token { return s.name }

func (s *PrimitiveDeclContext) SetName(v antlr.Token) { s.name = v }

func (s *PrimitiveDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *PrimitiveDeclContext) PRIMITIVE() antlr.TerminalNode {
	return s.GetToken(NASGParserPRIMITIVE, 0)
}

func (s *PrimitiveDeclContext) ASSIGN() antlr.TerminalNode {
	return s.GetToken(NASGParserASSIGN, 0)
}

func (s *PrimitiveDeclContext) Pipeline() IPipelineContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IPipelineContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IPipelineContext)
}

func (s *PrimitiveDeclContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

type ConstraintDeclContext struct {
	DeclContext
	lhs ICexprContext
	op  antlr.Token
	rhs ICexprContext
}

func NewConstraintDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *ConstraintDeclContext {
	var p = new(ConstraintDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *ConstraintDeclContext) GetOp() antlr.Token { return s.op }

func (s *ConstraintDeclContext) SetOp(v antlr.Token) { s.op = v }

func (s *ConstraintDeclContext) GetLhs() ICexprContext { return s.lhs }

func (s *ConstraintDeclContext) GetRhs() ICexprContext { return s.rhs }

func (s *ConstraintDeclContext) SetLhs(v ICexprContext) { s.lhs = v }

func (s *ConstraintDeclContext) SetRhs(v ICexprContext) { s.rhs = v }

func (s *ConstraintDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *ConstraintDeclContext) CONSTRAINT() antlr.TerminalNode {
	return s.GetToken(NASGParserCONSTRAINT, 0)
}

func (s *ConstraintDeclContext) AllCexpr() []ICexprContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(ICexprContext); ok {
			len++
		}
	}

	tst := make([]ICexprContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(ICexprContext); ok {
			tst[i] = t.(ICexprContext)
			i++
		}
	}

	return tst
}

func (s *ConstraintDeclContext) Cexpr(i int) ICexprContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(ICexprContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(ICexprContext)
}

func (s *ConstraintDeclContext) CMP() antlr.TerminalNode {
	return s.GetToken(NASGParserCMP, 0)
}

type IoDeclContext struct {
	DeclContext
	kind antlr.Token
}

func NewIoDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *IoDeclContext {
	var p = new(IoDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *IoDeclContext) GetKind() antlr.Token { return s.kind }

func (s *IoDeclContext) SetKind(v antlr.Token) { s.kind = v }

func (s *IoDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *IoDeclContext) Opcall() IOpcallContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IOpcallContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IOpcallContext)
}

func (s *IoDeclContext) INPUT() antlr.TerminalNode {
	return s.GetToken(NASGParserINPUT, 0)
}

func (s *IoDeclContext) OUTPUT() antlr.TerminalNode {
	return s.GetToken(NASGParserOUTPUT, 0)
}

type TopologyDeclContext struct {
	DeclContext
	name   antlr.Token
	_IDENT antlr.Token
	params []antlr.Token
}

func NewTopologyDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *TopologyDeclContext {
	var p = new(TopologyDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *TopologyDeclContext) GetName() antlr.Token { return s.name }

func (s *TopologyDeclContext) Get_IDENT() antlr.Token { return s._IDENT }

func (s *TopologyDeclContext) SetName(v antlr.Token) { s.name = v }

func (s *TopologyDeclContext) Set_IDENT(v antlr.Token) { s._IDENT = v }

func (s *TopologyDeclContext) GetParams() []antlr.Token { return s.params }

func (s *TopologyDeclContext) SetParams(v []antlr.Token) { s.params = v }

func (s *TopologyDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *TopologyDeclContext) TOPOLOGY() antlr.TerminalNode {
	return s.GetToken(NASGParserTOPOLOGY, 0)
}

func (s *TopologyDeclContext) LPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserLPAREN, 0)
}

func (s *TopologyDeclContext) RPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserRPAREN, 0)
}

func (s *TopologyDeclContext) LBRACE() antlr.TerminalNode {
	return s.GetToken(NASGParserLBRACE, 0)
}

func (s *TopologyDeclContext) RBRACE() antlr.TerminalNode {
	return s.GetToken(NASGParserRBRACE, 0)
}

func (s *TopologyDeclContext) AllIDENT() []antlr.TerminalNode {
	return s.GetTokens(NASGParserIDENT)
}

func (s *TopologyDeclContext) IDENT(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, i)
}

func (s *TopologyDeclContext) AllCOMMA() []antlr.TerminalNode {
	return s.GetTokens(NASGParserCOMMA)
}

func (s *TopologyDeclContext) COMMA(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserCOMMA, i)
}

func (s *TopologyDeclContext) AllNodeStmt() []INodeStmtContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(INodeStmtContext); ok {
			len++
		}
	}

	tst := make([]INodeStmtContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(INodeStmtContext); ok {
			tst[i] = t.(INodeStmtContext)
			i++
		}
	}

	return tst
}

func (s *TopologyDeclContext) NodeStmt(i int) INodeStmtContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(INodeStmtContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(INodeStmtContext)
}

type RuleDeclContext struct {
	DeclContext
	name antlr.Token
	_alt IAltContext
	alts []IAltContext
}

func NewRuleDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *RuleDeclContext {
	var p = new(RuleDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *RuleDeclContext) GetName() antlr.Token { return s.name }

func (s *RuleDeclContext) SetName(v antlr.Token) { s.name = v }

func (s *RuleDeclContext) Get_alt() IAltContext { return s._alt }

func (s *RuleDeclContext) Set_alt(v IAltContext) { s._alt = v }

func (s *RuleDeclContext) GetAlts() []IAltContext { return s.alts }

func (s *RuleDeclContext) SetAlts(v []IAltContext) { s.alts = v }

func (s *RuleDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *RuleDeclContext) ARROW() antlr.TerminalNode {
	return s.GetToken(NASGParserARROW, 0)
}

func (s *RuleDeclContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

func (s *RuleDeclContext) AllAlt() []IAltContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IAltContext); ok {
			len++
		}
	}

	tst := make([]IAltContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IAltContext); ok {
			tst[i] = t.(IAltContext)
			i++
		}
	}

	return tst
}

func (s *RuleDeclContext) Alt(i int) IAltContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IAltContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IAltContext)
}

func (s *RuleDeclContext) AllBAR() []antlr.TerminalNode {
	return s.GetTokens(NASGParserBAR)
}

func (s *RuleDeclContext) BAR(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserBAR, i)
}

type SpaceDeclContext struct {
	DeclContext
	name antlr.Token
}

func NewSpaceDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *SpaceDeclContext {
	var p = new(SpaceDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *SpaceDeclContext) GetName() antlr.Token { return s.name }

func (s *SpaceDeclContext) SetName(v antlr.Token) { s.name = v }

func (s *SpaceDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *SpaceDeclContext) SPACE() antlr.TerminalNode {
	return s.GetToken(NASGParserSPACE, 0)
}

func (s *SpaceDeclContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

type BlockDeclContext struct {
	DeclContext
	kind antlr.Token
}

func NewBlockDeclContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *BlockDeclContext {
	var p = new(BlockDeclContext)

	InitEmptyDeclContext(&p.DeclContext)
	p.parser = parser
	p.CopyAll(ctx.(*DeclContext))

	return p
}

func (s *BlockDeclContext) GetKind() antlr.Token { return s.kind }

func (s *BlockDeclContext) SetKind(v antlr.Token) { s.kind = v }

func (s *BlockDeclContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *BlockDeclContext) LBRACE() antlr.TerminalNode {
	return s.GetToken(NASGParserLBRACE, 0)
}

func (s *BlockDeclContext) RBRACE() antlr.TerminalNode {
	return s.GetToken(NASGParserRBRACE, 0)
}

func (s *BlockDeclContext) TRAIN() antlr.TerminalNode {
	return s.GetToken(NASGParserTRAIN, 0)
}

func (s *BlockDeclContext) SEARCH() antlr.TerminalNode {
	return s.GetToken(NASGParserSEARCH, 0)
}

func (s *BlockDeclContext) AllSetting() []ISettingContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(ISettingContext); ok {
			len++
		}
	}

	tst := make([]ISettingContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(ISettingContext); ok {
			tst[i] = t.(ISettingContext)
			i++
		}
	}

	return tst
}

func (s *BlockDeclContext) Setting(i int) ISettingContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(ISettingContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(ISettingContext)
}

func (s *BlockDeclContext) AllSEMI() []antlr.TerminalNode {
	return s.GetTokens(NASGParserSEMI)
}

func (s *BlockDeclContext) SEMI(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserSEMI, i)
}

func (p *NASGParser) Decl() (localctx IDeclContext) {
	localctx = NewDeclContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 2, NASGParserRULE_decl)
	var _la int

	p.SetState(101)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}

	switch p.GetTokenStream().LA(1) {
	case NASGParserSPACE:
		localctx = NewSpaceDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 1)
		{
			p.SetState(34)
			p.Match(NASGParserSPACE)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(35)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*SpaceDeclContext).name = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	case NASGParserINPUT, NASGParserOUTPUT:
		localctx = NewIoDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 2)
		{
			p.SetState(36)

			var _lt = p.GetTokenStream().LT(1)

			localctx.(*IoDeclContext).kind = _lt

			_la = p.GetTokenStream().LA(1)

			if !(_la == NASGParserINPUT || _la == NASGParserOUTPUT) {
				var _ri = p.GetErrorHandler().RecoverInline(p)

				localctx.(*IoDeclContext).kind = _ri
			} else {
				p.GetErrorHandler().ReportMatch(p)
				p.Consume()
			}
		}
		{
			p.SetState(37)
			p.Opcall()
		}

	case NASGParserSTEM, NASGParserHEAD:
		localctx = NewPipelineDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 3)
		{
			p.SetState(38)

			var _lt = p.GetTokenStream().LT(1)

			localctx.(*PipelineDeclContext).kind = _lt

			_la = p.GetTokenStream().LA(1)

			if !(_la == NASGParserSTEM || _la == NASGParserHEAD) {
				var _ri = p.GetErrorHandler().RecoverInline(p)

				localctx.(*PipelineDeclContext).kind = _ri
			} else {
				p.GetErrorHandler().ReportMatch(p)
				p.Consume()
			}
		}
		{
			p.SetState(39)
			p.Match(NASGParserASSIGN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(40)
			p.Pipeline()
		}

	case NASGParserPRIMITIVE:
		localctx = NewPrimitiveDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 4)
		{
			p.SetState(41)
			p.Match(NASGParserPRIMITIVE)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(42)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*PrimitiveDeclContext).name = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(43)
			p.Match(NASGParserASSIGN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(44)
			p.Pipeline()
		}

	case NASGParserTOPOLOGY:
		localctx = NewTopologyDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 5)
		{
			p.SetState(45)
			p.Match(NASGParserTOPOLOGY)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(46)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*TopologyDeclContext).name = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(47)
			p.Match(NASGParserLPAREN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(48)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*TopologyDeclContext)._IDENT = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		localctx.(*TopologyDeclContext).params = append(localctx.(*TopologyDeclContext).params, localctx.(*TopologyDeclContext)._IDENT)
		p.SetState(53)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserCOMMA {
			{
				p.SetState(49)
				p.Match(NASGParserCOMMA)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(50)

				var _m = p.Match(NASGParserIDENT)

				localctx.(*TopologyDeclContext)._IDENT = _m
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			localctx.(*TopologyDeclContext).params = append(localctx.(*TopologyDeclContext).params, localctx.(*TopologyDeclContext)._IDENT)

			p.SetState(55)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(56)
			p.Match(NASGParserRPAREN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(57)
			p.Match(NASGParserLBRACE)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		p.SetState(61)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserIDENT {
			{
				p.SetState(58)
				p.NodeStmt()
			}

			p.SetState(63)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(64)
			p.Match(NASGParserRBRACE)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	case NASGParserSHARED:
		localctx = NewSharedDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 6)
		{
			p.SetState(65)
			p.Match(NASGParserSHARED)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(66)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*SharedDeclContext)._IDENT = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		localctx.(*SharedDeclContext).names = append(localctx.(*SharedDeclContext).names, localctx.(*SharedDeclContext)._IDENT)
		p.SetState(71)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserCOMMA {
			{
				p.SetState(67)
				p.Match(NASGParserCOMMA)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(68)

				var _m = p.Match(NASGParserIDENT)

				localctx.(*SharedDeclContext)._IDENT = _m
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			localctx.(*SharedDeclContext).names = append(localctx.(*SharedDeclContext).names, localctx.(*SharedDeclContext)._IDENT)

			p.SetState(73)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}

	case NASGParserCONSTRAINT:
		localctx = NewConstraintDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 7)
		{
			p.SetState(74)
			p.Match(NASGParserCONSTRAINT)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(75)

			var _x = p.Cexpr()

			localctx.(*ConstraintDeclContext).lhs = _x
		}
		{
			p.SetState(76)

			var _m = p.Match(NASGParserCMP)

			localctx.(*ConstraintDeclContext).op = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(77)

			var _x = p.Cexpr()

			localctx.(*ConstraintDeclContext).rhs = _x
		}

	case NASGParserIDENT:
		localctx = NewRuleDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 8)
		{
			p.SetState(79)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*RuleDeclContext).name = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(80)
			p.Match(NASGParserARROW)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(81)

			var _x = p.Alt()

			localctx.(*RuleDeclContext)._alt = _x
		}
		localctx.(*RuleDeclContext).alts = append(localctx.(*RuleDeclContext).alts, localctx.(*RuleDeclContext)._alt)
		p.SetState(86)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserBAR {
			{
				p.SetState(82)
				p.Match(NASGParserBAR)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(83)

				var _x = p.Alt()

				localctx.(*RuleDeclContext)._alt = _x
			}
			localctx.(*RuleDeclContext).alts = append(localctx.(*RuleDeclContext).alts, localctx.(*RuleDeclContext)._alt)

			p.SetState(88)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}

	case NASGParserTRAIN, NASGParserSEARCH:
		localctx = NewBlockDeclContext(p, localctx)
		p.EnterOuterAlt(localctx, 9)
		{
			p.SetState(89)

			var _lt = p.GetTokenStream().LT(1)

			localctx.(*BlockDeclContext).kind = _lt

			_la = p.GetTokenStream().LA(1)

			if !(_la == NASGParserTRAIN || _la == NASGParserSEARCH) {
				var _ri = p.GetErrorHandler().RecoverInline(p)

				localctx.(*BlockDeclContext).kind = _ri
			} else {
				p.GetErrorHandler().ReportMatch(p)
				p.Consume()
			}
		}
		{
			p.SetState(90)
			p.Match(NASGParserLBRACE)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		p.SetState(97)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserIDENT {
			{
				p.SetState(91)
				p.Setting()
			}
			p.SetState(93)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)

			if _la == NASGParserSEMI {
				{
					p.SetState(92)
					p.Match(NASGParserSEMI)
					if p.HasError() {
						// Recognition error - abort rule
						goto errorExit
					}
				}

			}

			p.SetState(99)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(100)
			p.Match(NASGParserRBRACE)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	default:
		p.SetError(antlr.NewNoViableAltException(p, nil, nil, nil, nil, nil))
		goto errorExit
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// IPipelineContext is an interface to support dynamic dispatch.
type IPipelineContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// Get_opcall returns the _opcall rule contexts.
	Get_opcall() IOpcallContext

	// Set_opcall sets the _opcall rule contexts.
	Set_opcall(IOpcallContext)

	// GetOps returns the ops rule context list.
	GetOps() []IOpcallContext

	// SetOps sets the ops rule context list.
	SetOps([]IOpcallContext)

	// Getter signatures
	AllOpcall() []IOpcallContext
	Opcall(i int) IOpcallContext
	AllPIPE() []antlr.TerminalNode
	PIPE(i int) antlr.TerminalNode

	// IsPipelineContext differentiates from other interfaces.
	IsPipelineContext()
}

type PipelineContext struct {
	antlr.BaseParserRuleContext
	parser  antlr.Parser
	_opcall IOpcallContext
	ops     []IOpcallContext
}

func NewEmptyPipelineContext() *PipelineContext {
	var p = new(PipelineContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_pipeline
	return p
}

func InitEmptyPipelineContext(p *PipelineContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_pipeline
}

func (*PipelineContext) IsPipelineContext() {}

func NewPipelineContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *PipelineContext {
	var p = new(PipelineContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_pipeline

	return p
}

func (s *PipelineContext) GetParser() antlr.Parser { return s.parser }

func (s *PipelineContext) Get_opcall() IOpcallContext { return s._opcall }

func (s *PipelineContext) Set_opcall(v IOpcallContext) { s._opcall = v }

func (s *PipelineContext) GetOps() []IOpcallContext { return s.ops }

func (s *PipelineContext) SetOps(v []IOpcallContext) { s.ops = v }

func (s *PipelineContext) AllOpcall() []IOpcallContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IOpcallContext); ok {
			len++
		}
	}

	tst := make([]IOpcallContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IOpcallContext); ok {
			tst[i] = t.(IOpcallContext)
			i++
		}
	}

	return tst
}

func (s *PipelineContext) Opcall(i int) IOpcallContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IOpcallContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IOpcallContext)
}

func (s *PipelineContext) AllPIPE() []antlr.TerminalNode {
	return s.GetTokens(NASGParserPIPE)
}

func (s *PipelineContext) PIPE(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserPIPE, i)
}

func (s *PipelineContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *PipelineContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Pipeline() (localctx IPipelineContext) {
	localctx = NewPipelineContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 4, NASGParserRULE_pipeline)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(103)

		var _x = p.Opcall()

		localctx.(*PipelineContext)._opcall = _x
	}
	localctx.(*PipelineContext).ops = append(localctx.(*PipelineContext).ops, localctx.(*PipelineContext)._opcall)
	p.SetState(108)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	for _la == NASGParserPIPE {
		{
			p.SetState(104)
			p.Match(NASGParserPIPE)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(105)

			var _x = p.Opcall()

			localctx.(*PipelineContext)._opcall = _x
		}
		localctx.(*PipelineContext).ops = append(localctx.(*PipelineContext).ops, localctx.(*PipelineContext)._opcall)

		p.SetState(110)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// IOpcallContext is an interface to support dynamic dispatch.
type IOpcallContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetName returns the name token.
	GetName() antlr.Token

	// SetName sets the name token.
	SetName(antlr.Token)

	// Getter signatures
	IDENT() antlr.TerminalNode
	Args() IArgsContext

	// IsOpcallContext differentiates from other interfaces.
	IsOpcallContext()
}

type OpcallContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
	name   antlr.Token
}

func NewEmptyOpcallContext() *OpcallContext {
	var p = new(OpcallContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_opcall
	return p
}

func InitEmptyOpcallContext(p *OpcallContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_opcall
}

func (*OpcallContext) IsOpcallContext() {}

func NewOpcallContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *OpcallContext {
	var p = new(OpcallContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_opcall

	return p
}

func (s *OpcallContext) GetParser() antlr.Parser { return s.parser }

func (s *OpcallContext) GetName() antlr.Token { return s.name }

func (s *OpcallContext) SetName(v antlr.Token) { s.name = v }

func (s *OpcallContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

func (s *OpcallContext) Args() IArgsContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IArgsContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IArgsContext)
}

func (s *OpcallContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *OpcallContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Opcall() (localctx IOpcallContext) {
	localctx = NewOpcallContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 6, NASGParserRULE_opcall)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(111)

		var _m = p.Match(NASGParserIDENT)

		localctx.(*OpcallContext).name = _m
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}
	p.SetState(113)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	if _la == NASGParserLPAREN {
		{
			p.SetState(112)
			p.Args()
		}

	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// IArgsContext is an interface to support dynamic dispatch.
type IArgsContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// Getter signatures
	LPAREN() antlr.TerminalNode
	RPAREN() antlr.TerminalNode
	AllArg() []IArgContext
	Arg(i int) IArgContext
	AllCOMMA() []antlr.TerminalNode
	COMMA(i int) antlr.TerminalNode

	// IsArgsContext differentiates from other interfaces.
	IsArgsContext()
}

type ArgsContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
}

func NewEmptyArgsContext() *ArgsContext {
	var p = new(ArgsContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_args
	return p
}

func InitEmptyArgsContext(p *ArgsContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_args
}

func (*ArgsContext) IsArgsContext() {}

func NewArgsContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *ArgsContext {
	var p = new(ArgsContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_args

	return p
}

func (s *ArgsContext) GetParser() antlr.Parser { return s.parser }

func (s *ArgsContext) LPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserLPAREN, 0)
}

func (s *ArgsContext) RPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserRPAREN, 0)
}

func (s *ArgsContext) AllArg() []IArgContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IArgContext); ok {
			len++
		}
	}

	tst := make([]IArgContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IArgContext); ok {
			tst[i] = t.(IArgContext)
			i++
		}
	}

	return tst
}

func (s *ArgsContext) Arg(i int) IArgContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IArgContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IArgContext)
}

func (s *ArgsContext) AllCOMMA() []antlr.TerminalNode {
	return s.GetTokens(NASGParserCOMMA)
}

func (s *ArgsContext) COMMA(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserCOMMA, i)
}

func (s *ArgsContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *ArgsContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Args() (localctx IArgsContext) {
	localctx = NewArgsContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 8, NASGParserRULE_args)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(115)
		p.Match(NASGParserLPAREN)
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}
	p.SetState(124)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	if (int64(_la) & ^0x3f) == 0 && ((int64(1)<<_la)&469762048) != 0 {
		{
			p.SetState(116)
			p.Arg()
		}
		p.SetState(121)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserCOMMA {
			{
				p.SetState(117)
				p.Match(NASGParserCOMMA)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(118)
				p.Arg()
			}

			p.SetState(123)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}

	}
	{
		p.SetState(126)
		p.Match(NASGParserRPAREN)
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// IArgContext is an interface to support dynamic dispatch.
type IArgContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetName returns the name token.
	GetName() antlr.Token

	// SetName sets the name token.
	SetName(antlr.Token)

	// Getter signatures
	IDENT() antlr.TerminalNode
	COLON() antlr.TerminalNode
	Value() IValueContext
	Args() IArgsContext
	NUMBER() antlr.TerminalNode
	STRING() antlr.TerminalNode

	// IsArgContext differentiates from other interfaces.
	IsArgContext()
}

type ArgContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
	name   antlr.Token
}

func NewEmptyArgContext() *ArgContext {
	var p = new(ArgContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_arg
	return p
}

func InitEmptyArgContext(p *ArgContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_arg
}

func (*ArgContext) IsArgContext() {}

func NewArgContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *ArgContext {
	var p = new(ArgContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_arg

	return p
}

func (s *ArgContext) GetParser() antlr.Parser { return s.parser }

func (s *ArgContext) GetName() antlr.Token { return s.name }

func (s *ArgContext) SetName(v antlr.Token) { s.name = v }

func (s *ArgContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

func (s *ArgContext) COLON() antlr.TerminalNode {
	return s.GetToken(NASGParserCOLON, 0)
}

func (s *ArgContext) Value() IValueContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IValueContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IValueContext)
}

func (s *ArgContext) Args() IArgsContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IArgsContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IArgsContext)
}

func (s *ArgContext) NUMBER() antlr.TerminalNode {
	return s.GetToken(NASGParserNUMBER, 0)
}

func (s *ArgContext) STRING() antlr.TerminalNode {
	return s.GetToken(NASGParserSTRING, 0)
}

func (s *ArgContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *ArgContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Arg() (localctx IArgContext) {
	localctx = NewArgContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 10, NASGParserRULE_arg)
	p.SetState(136)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}

	switch p.GetTokenStream().LA(1) {
	case NASGParserIDENT:
		p.EnterOuterAlt(localctx, 1)
		{
			p.SetState(128)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*ArgContext).name = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		p.SetState(132)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		switch p.GetTokenStream().LA(1) {
		case NASGParserCOLON:
			{
				p.SetState(129)
				p.Match(NASGParserCOLON)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(130)
				p.Value()
			}

		case NASGParserLPAREN:
			{
				p.SetState(131)
				p.Args()
			}

		case NASGParserRPAREN, NASGParserCOMMA:

		default:
		}

	case NASGParserNUMBER:
		p.EnterOuterAlt(localctx, 2)
		{
			p.SetState(134)
			p.Match(NASGParserNUMBER)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	case NASGParserSTRING:
		p.EnterOuterAlt(localctx, 3)
		{
			p.SetState(135)
			p.Match(NASGParserSTRING)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	default:
		p.SetError(antlr.NewNoViableAltException(p, nil, nil, nil, nil, nil))
		goto errorExit
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// IValueContext is an interface to support dynamic dispatch.
type IValueContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// Getter signatures
	Opcall() IOpcallContext
	NUMBER() antlr.TerminalNode
	STRING() antlr.TerminalNode

	// IsValueContext differentiates from other interfaces.
	IsValueContext()
}

type ValueContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
}

func NewEmptyValueContext() *ValueContext {
	var p = new(ValueContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_value
	return p
}

func InitEmptyValueContext(p *ValueContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_value
}

func (*ValueContext) IsValueContext() {}

func NewValueContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *ValueContext {
	var p = new(ValueContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_value

	return p
}

func (s *ValueContext) GetParser() antlr.Parser { return s.parser }

func (s *ValueContext) Opcall() IOpcallContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IOpcallContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IOpcallContext)
}

func (s *ValueContext) NUMBER() antlr.TerminalNode {
	return s.GetToken(NASGParserNUMBER, 0)
}

func (s *ValueContext) STRING() antlr.TerminalNode {
	return s.GetToken(NASGParserSTRING, 0)
}

func (s *ValueContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *ValueContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Value() (localctx IValueContext) {
	localctx = NewValueContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 12, NASGParserRULE_value)
	p.SetState(141)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}

	switch p.GetTokenStream().LA(1) {
	case NASGParserIDENT:
		p.EnterOuterAlt(localctx, 1)
		{
			p.SetState(138)
			p.Opcall()
		}

	case NASGParserNUMBER:
		p.EnterOuterAlt(localctx, 2)
		{
			p.SetState(139)
			p.Match(NASGParserNUMBER)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	case NASGParserSTRING:
		p.EnterOuterAlt(localctx, 3)
		{
			p.SetState(140)
			p.Match(NASGParserSTRING)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	default:
		p.SetError(antlr.NewNoViableAltException(p, nil, nil, nil, nil, nil))
		goto errorExit
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// INodeStmtContext is an interface to support dynamic dispatch.
type INodeStmtContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetName returns the name token.
	GetName() antlr.Token

	// SetName sets the name token.
	SetName(antlr.Token)

	// Get_nodeExpr returns the _nodeExpr rule contexts.
	Get_nodeExpr() INodeExprContext

	// Set_nodeExpr sets the _nodeExpr rule contexts.
	Set_nodeExpr(INodeExprContext)

	// GetTerms returns the terms rule context list.
	GetTerms() []INodeExprContext

	// SetTerms sets the terms rule context list.
	SetTerms([]INodeExprContext)

	// Getter signatures
	ASSIGN() antlr.TerminalNode
	IDENT() antlr.TerminalNode
	AllNodeExpr() []INodeExprContext
	NodeExpr(i int) INodeExprContext
	AllPLUS() []antlr.TerminalNode
	PLUS(i int) antlr.TerminalNode
	SEMI() antlr.TerminalNode

	// IsNodeStmtContext differentiates from other interfaces.
	IsNodeStmtContext()
}

type NodeStmtContext struct {
	antlr.BaseParserRuleContext
	parser    antlr.Parser
	name      antlr.Token
	_nodeExpr INodeExprContext
	terms     []INodeExprContext
}

func NewEmptyNodeStmtContext() *NodeStmtContext {
	var p = new(NodeStmtContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_nodeStmt
	return p
}

func InitEmptyNodeStmtContext(p *NodeStmtContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_nodeStmt
}

func (*NodeStmtContext) IsNodeStmtContext() {}

func NewNodeStmtContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *NodeStmtContext {
	var p = new(NodeStmtContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_nodeStmt

	return p
}

func (s *NodeStmtContext) GetParser() antlr.Parser { return s.parser }

func (s *NodeStmtContext) GetName() antlr.Token { return s.name }

func (s *NodeStmtContext) SetName(v antlr.Token) { s.name = v }

func (s *NodeStmtContext) Get_nodeExpr() INodeExprContext { return s._nodeExpr }

func (s *NodeStmtContext) Set_nodeExpr(v INodeExprContext) { s._nodeExpr = v }

func (s *NodeStmtContext) GetTerms() []INodeExprContext { return s.terms }

func (s *NodeStmtContext) SetTerms(v []INodeExprContext) { s.terms = v }

func (s *NodeStmtContext) ASSIGN() antlr.TerminalNode {
	return s.GetToken(NASGParserASSIGN, 0)
}

func (s *NodeStmtContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

func (s *NodeStmtContext) AllNodeExpr() []INodeExprContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(INodeExprContext); ok {
			len++
		}
	}

	tst := make([]INodeExprContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(INodeExprContext); ok {
			tst[i] = t.(INodeExprContext)
			i++
		}
	}

	return tst
}

func (s *NodeStmtContext) NodeExpr(i int) INodeExprContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(INodeExprContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(INodeExprContext)
}

func (s *NodeStmtContext) AllPLUS() []antlr.TerminalNode {
	return s.GetTokens(NASGParserPLUS)
}

func (s *NodeStmtContext) PLUS(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserPLUS, i)
}

func (s *NodeStmtContext) SEMI() antlr.TerminalNode {
	return s.GetToken(NASGParserSEMI, 0)
}

func (s *NodeStmtContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *NodeStmtContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) NodeStmt() (localctx INodeStmtContext) {
	localctx = NewNodeStmtContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 14, NASGParserRULE_nodeStmt)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(143)

		var _m = p.Match(NASGParserIDENT)

		localctx.(*NodeStmtContext).name = _m
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}
	{
		p.SetState(144)
		p.Match(NASGParserASSIGN)
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}
	{
		p.SetState(145)

		var _x = p.NodeExpr()

		localctx.(*NodeStmtContext)._nodeExpr = _x
	}
	localctx.(*NodeStmtContext).terms = append(localctx.(*NodeStmtContext).terms, localctx.(*NodeStmtContext)._nodeExpr)
	p.SetState(150)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	for _la == NASGParserPLUS {
		{
			p.SetState(146)
			p.Match(NASGParserPLUS)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(147)

			var _x = p.NodeExpr()

			localctx.(*NodeStmtContext)._nodeExpr = _x
		}
		localctx.(*NodeStmtContext).terms = append(localctx.(*NodeStmtContext).terms, localctx.(*NodeStmtContext)._nodeExpr)

		p.SetState(152)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)
	}
	p.SetState(154)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	if _la == NASGParserSEMI {
		{
			p.SetState(153)
			p.Match(NASGParserSEMI)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// INodeExprContext is an interface to support dynamic dispatch.
type INodeExprContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetName returns the name token.
	GetName() antlr.Token

	// SetName sets the name token.
	SetName(antlr.Token)

	// Get_nodeExpr returns the _nodeExpr rule contexts.
	Get_nodeExpr() INodeExprContext

	// Set_nodeExpr sets the _nodeExpr rule contexts.
	Set_nodeExpr(INodeExprContext)

	// GetInputs returns the inputs rule context list.
	GetInputs() []INodeExprContext

	// SetInputs sets the inputs rule context list.
	SetInputs([]INodeExprContext)

	// Getter signatures
	IDENT() antlr.TerminalNode
	LPAREN() antlr.TerminalNode
	RPAREN() antlr.TerminalNode
	AllNodeExpr() []INodeExprContext
	NodeExpr(i int) INodeExprContext
	AllCOMMA() []antlr.TerminalNode
	COMMA(i int) antlr.TerminalNode

	// IsNodeExprContext differentiates from other interfaces.
	IsNodeExprContext()
}

type NodeExprContext struct {
	antlr.BaseParserRuleContext
	parser    antlr.Parser
	name      antlr.Token
	_nodeExpr INodeExprContext
	inputs    []INodeExprContext
}

func NewEmptyNodeExprContext() *NodeExprContext {
	var p = new(NodeExprContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_nodeExpr
	return p
}

func InitEmptyNodeExprContext(p *NodeExprContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_nodeExpr
}

func (*NodeExprContext) IsNodeExprContext() {}

func NewNodeExprContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *NodeExprContext {
	var p = new(NodeExprContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_nodeExpr

	return p
}

func (s *NodeExprContext) GetParser() antlr.Parser { return s.parser }

func (s *NodeExprContext) GetName() antlr.Token { return s.name }

func (s *NodeExprContext) SetName(v antlr.Token) { s.name = v }

func (s *NodeExprContext) Get_nodeExpr() INodeExprContext { return s._nodeExpr }

func (s *NodeExprContext) Set_nodeExpr(v INodeExprContext) { s._nodeExpr = v }

func (s *NodeExprContext) GetInputs() []INodeExprContext { return s.inputs }

func (s *NodeExprContext) SetInputs(v []INodeExprContext) { s.inputs = v }

func (s *NodeExprContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

func (s *NodeExprContext) LPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserLPAREN, 0)
}

func (s *NodeExprContext) RPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserRPAREN, 0)
}

func (s *NodeExprContext) AllNodeExpr() []INodeExprContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(INodeExprContext); ok {
			len++
		}
	}

	tst := make([]INodeExprContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(INodeExprContext); ok {
			tst[i] = t.(INodeExprContext)
			i++
		}
	}

	return tst
}

func (s *NodeExprContext) NodeExpr(i int) INodeExprContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(INodeExprContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(INodeExprContext)
}

func (s *NodeExprContext) AllCOMMA() []antlr.TerminalNode {
	return s.GetTokens(NASGParserCOMMA)
}

func (s *NodeExprContext) COMMA(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserCOMMA, i)
}

func (s *NodeExprContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *NodeExprContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) NodeExpr() (localctx INodeExprContext) {
	localctx = NewNodeExprContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 16, NASGParserRULE_nodeExpr)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(156)

		var _m = p.Match(NASGParserIDENT)

		localctx.(*NodeExprContext).name = _m
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}
	p.SetState(168)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	if _la == NASGParserLPAREN {
		{
			p.SetState(157)
			p.Match(NASGParserLPAREN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(158)

			var _x = p.NodeExpr()

			localctx.(*NodeExprContext)._nodeExpr = _x
		}
		localctx.(*NodeExprContext).inputs = append(localctx.(*NodeExprContext).inputs, localctx.(*NodeExprContext)._nodeExpr)
		p.SetState(163)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserCOMMA {
			{
				p.SetState(159)
				p.Match(NASGParserCOMMA)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(160)

				var _x = p.NodeExpr()

				localctx.(*NodeExprContext)._nodeExpr = _x
			}
			localctx.(*NodeExprContext).inputs = append(localctx.(*NodeExprContext).inputs, localctx.(*NodeExprContext)._nodeExpr)

			p.SetState(165)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(166)
			p.Match(NASGParserRPAREN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// IAltContext is an interface to support dynamic dispatch.
type IAltContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetWeight returns the weight token.
	GetWeight() antlr.Token

	// SetWeight sets the weight token.
	SetWeight(antlr.Token)

	// Getter signatures
	Term() ITermContext
	AT() antlr.TerminalNode
	NUMBER() antlr.TerminalNode

	// IsAltContext differentiates from other interfaces.
	IsAltContext()
}

type AltContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
	weight antlr.Token
}

func NewEmptyAltContext() *AltContext {
	var p = new(AltContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_alt
	return p
}

func InitEmptyAltContext(p *AltContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_alt
}

func (*AltContext) IsAltContext() {}

func NewAltContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *AltContext {
	var p = new(AltContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_alt

	return p
}

func (s *AltContext) GetParser() antlr.Parser { return s.parser }

func (s *AltContext) GetWeight() antlr.Token { return s.weight }

func (s *AltContext) SetWeight(v antlr.Token) { s.weight = v }

func (s *AltContext) Term() ITermContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(ITermContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(ITermContext)
}

func (s *AltContext) AT() antlr.TerminalNode {
	return s.GetToken(NASGParserAT, 0)
}

func (s *AltContext) NUMBER() antlr.TerminalNode {
	return s.GetToken(NASGParserNUMBER, 0)
}

func (s *AltContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *AltContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Alt() (localctx IAltContext) {
	localctx = NewAltContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 18, NASGParserRULE_alt)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(170)
		p.Term()
	}
	p.SetState(173)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	if _la == NASGParserAT {
		{
			p.SetState(171)
			p.Match(NASGParserAT)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(172)

			var _m = p.Match(NASGParserNUMBER)

			localctx.(*AltContext).weight = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// ITermContext is an interface to support dynamic dispatch.
type ITermContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetName returns the name token.
	GetName() antlr.Token

	// SetName sets the name token.
	SetName(antlr.Token)

	// Get_term returns the _term rule contexts.
	Get_term() ITermContext

	// Set_term sets the _term rule contexts.
	Set_term(ITermContext)

	// GetSubterms returns the subterms rule context list.
	GetSubterms() []ITermContext

	// SetSubterms sets the subterms rule context list.
	SetSubterms([]ITermContext)

	// Getter signatures
	IDENT() antlr.TerminalNode
	LPAREN() antlr.TerminalNode
	RPAREN() antlr.TerminalNode
	AllTerm() []ITermContext
	Term(i int) ITermContext
	AllCOMMA() []antlr.TerminalNode
	COMMA(i int) antlr.TerminalNode

	// IsTermContext differentiates from other interfaces.
	IsTermContext()
}

type TermContext struct {
	antlr.BaseParserRuleContext
	parser   antlr.Parser
	name     antlr.Token
	_term    ITermContext
	subterms []ITermContext
}

func NewEmptyTermContext() *TermContext {
	var p = new(TermContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_term
	return p
}

func InitEmptyTermContext(p *TermContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_term
}

func (*TermContext) IsTermContext() {}

func NewTermContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *TermContext {
	var p = new(TermContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_term

	return p
}

func (s *TermContext) GetParser() antlr.Parser { return s.parser }

func (s *TermContext) GetName() antlr.Token { return s.name }

func (s *TermContext) SetName(v antlr.Token) { s.name = v }

func (s *TermContext) Get_term() ITermContext { return s._term }

func (s *TermContext) Set_term(v ITermContext) { s._term = v }

func (s *TermContext) GetSubterms() []ITermContext { return s.subterms }

func (s *TermContext) SetSubterms(v []ITermContext) { s.subterms = v }

func (s *TermContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

func (s *TermContext) LPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserLPAREN, 0)
}

func (s *TermContext) RPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserRPAREN, 0)
}

func (s *TermContext) AllTerm() []ITermContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(ITermContext); ok {
			len++
		}
	}

	tst := make([]ITermContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(ITermContext); ok {
			tst[i] = t.(ITermContext)
			i++
		}
	}

	return tst
}

func (s *TermContext) Term(i int) ITermContext {
	var t antlr.RuleContext
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(ITermContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext)
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(ITermContext)
}

func (s *TermContext) AllCOMMA() []antlr.TerminalNode {
	return s.GetTokens(NASGParserCOMMA)
}

func (s *TermContext) COMMA(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserCOMMA, i)
}

func (s *TermContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *TermContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Term() (localctx ITermContext) {
	localctx = NewTermContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 20, NASGParserRULE_term)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(175)

		var _m = p.Match(NASGParserIDENT)

		localctx.(*TermContext).name = _m
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}
	p.SetState(187)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)

	if _la == NASGParserLPAREN {
		{
			p.SetState(176)
			p.Match(NASGParserLPAREN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		{
			p.SetState(177)

			var _x = p.Term()

			localctx.(*TermContext)._term = _x
		}
		localctx.(*TermContext).subterms = append(localctx.(*TermContext).subterms, localctx.(*TermContext)._term)
		p.SetState(182)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		for _la == NASGParserCOMMA {
			{
				p.SetState(178)
				p.Match(NASGParserCOMMA)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(179)

				var _x = p.Term()

				localctx.(*TermContext)._term = _x
			}
			localctx.(*TermContext).subterms = append(localctx.(*TermContext).subterms, localctx.(*TermContext)._term)

			p.SetState(184)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
				goto errorExit
			}
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(185)
			p.Match(NASGParserRPAREN)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// ISettingContext is an interface to support dynamic dispatch.
type ISettingContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetName returns the name token.
	GetName() antlr.Token

	// SetName sets the name token.
	SetName(antlr.Token)

	// Getter signatures
	Value() IValueContext
	IDENT() antlr.TerminalNode

	// IsSettingContext differentiates from other interfaces.
	IsSettingContext()
}

type SettingContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
	name   antlr.Token
}

func NewEmptySettingContext() *SettingContext {
	var p = new(SettingContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_setting
	return p
}

func InitEmptySettingContext(p *SettingContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_setting
}

func (*SettingContext) IsSettingContext() {}

func NewSettingContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *SettingContext {
	var p = new(SettingContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_setting

	return p
}

func (s *SettingContext) GetParser() antlr.Parser { return s.parser }

func (s *SettingContext) GetName() antlr.Token { return s.name }

func (s *SettingContext) SetName(v antlr.Token) { s.name = v }

func (s *SettingContext) Value() IValueContext {
	var t antlr.RuleContext
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IValueContext); ok {
			t = ctx.(antlr.RuleContext)
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IValueContext)
}

func (s *SettingContext) IDENT() antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, 0)
}

func (s *SettingContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *SettingContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Setting() (localctx ISettingContext) {
	localctx = NewSettingContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 22, NASGParserRULE_setting)
	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(189)

		var _m = p.Match(NASGParserIDENT)

		localctx.(*SettingContext).name = _m
		if p.HasError() {
			// Recognition error - abort rule
			goto errorExit
		}
	}
	{
		p.SetState(190)
		p.Value()
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}

// ICexprContext is an interface to support dynamic dispatch.
type ICexprContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// GetName returns the name token.
	GetName() antlr.Token

	// GetTarget returns the target token.
	GetTarget() antlr.Token

	// SetName sets the name token.
	SetName(antlr.Token)

	// SetTarget sets the target token.
	SetTarget(antlr.Token)

	// Getter signatures
	NUMBER() antlr.TerminalNode
	AllIDENT() []antlr.TerminalNode
	IDENT(i int) antlr.TerminalNode
	LPAREN() antlr.TerminalNode
	RPAREN() antlr.TerminalNode

	// IsCexprContext differentiates from other interfaces.
	IsCexprContext()
}

type CexprContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
	name   antlr.Token
	target antlr.Token
}

func NewEmptyCexprContext() *CexprContext {
	var p = new(CexprContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_cexpr
	return p
}

func InitEmptyCexprContext(p *CexprContext) {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = NASGParserRULE_cexpr
}

func (*CexprContext) IsCexprContext() {}

func NewCexprContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *CexprContext {
	var p = new(CexprContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = NASGParserRULE_cexpr

	return p
}

func (s *CexprContext) GetParser() antlr.Parser { return s.parser }

func (s *CexprContext) GetName() antlr.Token { return s.name }

func (s *CexprContext) GetTarget() antlr.Token { return s.target }

func (s *CexprContext) SetName(v antlr.Token) { s.name = v }

func (s *CexprContext) SetTarget(v antlr.Token) { s.target = v }

func (s *CexprContext) NUMBER() antlr.TerminalNode {
	return s.GetToken(NASGParserNUMBER, 0)
}

func (s *CexprContext) AllIDENT() []antlr.TerminalNode {
	return s.GetTokens(NASGParserIDENT)
}

func (s *CexprContext) IDENT(i int) antlr.TerminalNode {
	return s.GetToken(NASGParserIDENT, i)
}

func (s *CexprContext) LPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserLPAREN, 0)
}

func (s *CexprContext) RPAREN() antlr.TerminalNode {
	return s.GetToken(NASGParserRPAREN, 0)
}

func (s *CexprContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *CexprContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}

func (p *NASGParser) Cexpr() (localctx ICexprContext) {
	localctx = NewCexprContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 24, NASGParserRULE_cexpr)
	var _la int

	p.SetState(199)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}

	switch p.GetTokenStream().LA(1) {
	case NASGParserNUMBER:
		p.EnterOuterAlt(localctx, 1)
		{
			p.SetState(192)
			p.Match(NASGParserNUMBER)
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}

	case NASGParserIDENT:
		p.EnterOuterAlt(localctx, 2)
		{
			p.SetState(193)

			var _m = p.Match(NASGParserIDENT)

			localctx.(*CexprContext).name = _m
			if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
			}
		}
		p.SetState(197)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)

		if _la == NASGParserLPAREN {
			{
				p.SetState(194)
				p.Match(NASGParserLPAREN)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(195)

				var _m = p.Match(NASGParserIDENT)

				localctx.(*CexprContext).target = _m
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}
			{
				p.SetState(196)
				p.Match(NASGParserRPAREN)
				if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
				}
			}

		}

	default:
		p.SetError(antlr.NewNoViableAltException(p, nil, nil, nil, nil, nil))
		goto errorExit
	}

errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	if false {
		goto errorExit // Trick to prevent compiler error if the label is not used
	}
	return localctx
}
