// The grammar of .nasg files: a neural architecture search space written as
// a context-free grammar, plus the data, training and search settings.
//
// dsl/parse.go is the only user of the parser generated from this file: it
// turns the parse tree into the AST of package dsl at once. Run
// antlr/generate.sh (make generate) after changing this file.
//
// Whitespace and newlines are insignificant. Every decision of the parser
// is LL(1), so a syntax error always names the token that was unexpected
// and the tokens that would have been right.
grammar NASG;

file
    : decl* EOF
    ;

decl
    : SPACE name=IDENT                                                # spaceDecl
    | kind=(INPUT | OUTPUT) opcall                                    # ioDecl
    | kind=(STEM | HEAD) ASSIGN pipeline                              # pipelineDecl
    | PRIMITIVE name=IDENT ASSIGN pipeline                            # primitiveDecl
    | TOPOLOGY name=IDENT LPAREN params+=IDENT (COMMA params+=IDENT)* RPAREN
      LBRACE nodeStmt* RBRACE                                         # topologyDecl
    | SHARED names+=IDENT (COMMA names+=IDENT)*                       # sharedDecl
    | CONSTRAINT lhs=cexpr op=CMP rhs=cexpr                           # constraintDecl
    | name=IDENT ARROW alts+=alt (BAR alts+=alt)*                     # ruleDecl
    | kind=(TRAIN | SEARCH) LBRACE (setting SEMI?)* RBRACE            # blockDecl
    ;

// conv(3) >> batchnorm >> relu
pipeline
    : ops+=opcall (PIPE ops+=opcall)*
    ;

// conv(3, out: 16), batchnorm
opcall
    : name=IDENT args?
    ;

args
    : LPAREN (arg (COMMA arg)*)? RPAREN
    ;

// A positional or named argument. Left-factored so that the parser needs
// one token of lookahead: `IDENT ':' value` is named, a bare `IDENT` or
// `IDENT(...)` is a positional operation value.
arg
    : name=IDENT (COLON value | args)?
    | NUMBER
    | STRING
    ;

// 3, 2M, mnist, "file.csv", sgd(lr: 0.05)
value
    : opcall
    | NUMBER
    | STRING
    ;

// n2 = b(in) + c(n1)
nodeStmt
    : name=IDENT ASSIGN terms+=nodeExpr (PLUS terms+=nodeExpr)* SEMI?
    ;

// in, n1, a(in), op(u1(in), u2(in))
nodeExpr
    : name=IDENT (LPAREN inputs+=nodeExpr (COMMA inputs+=nodeExpr)* RPAREN)?
    ;

// Linear1(CONVBLOCK) @2
alt
    : term (AT weight=NUMBER)?
    ;

// Sequential(S, S, S), conv
term
    : name=IDENT (LPAREN subterms+=term (COMMA subterms+=term)* RPAREN)?
    ;

// epochs 1, optimizer sgd(lr: 0.05)
setting
    : name=IDENT value
    ;

// params, 2M, count(conv3x3o)
cexpr
    : NUMBER
    | name=IDENT (LPAREN target=IDENT RPAREN)?
    ;

// Keywords. `in` and `out` are ordinary names.
SPACE      : 'space';
INPUT      : 'input';
OUTPUT     : 'output';
STEM       : 'stem';
HEAD       : 'head';
PRIMITIVE  : 'primitive';
TOPOLOGY   : 'topology';
SHARED     : 'shared';
CONSTRAINT : 'constraint';
TRAIN      : 'train';
SEARCH     : 'search';

ARROW  : '->';
PIPE   : '>>';
CMP    : '<=' | '>=' | '<' | '>' | '==' | '!=';
ASSIGN : '=';
LPAREN : '(';
RPAREN : ')';
LBRACE : '{';
RBRACE : '}';
COMMA  : ',';
COLON  : ':';
SEMI   : ';';
BAR    : '|';
PLUS   : '+';
AT     : '@';

// A number with an optional unit of letters: 3, 0.05, 1e-3, 2M, 180s.
NUMBER : DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)? [A-Za-z]*;
IDENT  : [A-Za-z_] [A-Za-z0-9_]*;
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';

// A string without its closing quote on the same line. The parser never
// expects it, so it surfaces as a syntax error that dsl/parse.go words.
BAD_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])*;

LINE_COMMENT : '//' ~[\r\n]* -> skip;
// Kept on the hidden channel so that dsl/parse.go can report a comment
// that runs to the end of the file without its closing */.
BLOCK_COMMENT : '/*' .*? ('*/' | EOF) -> channel(HIDDEN);
WS : [ \t\r\n\f\uFEFF]+ -> skip;

// Any other character. The lexer never fails; the parser reports it.
ERRCHAR : .;

fragment DIGITS : [0-9]+;
