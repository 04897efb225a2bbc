#!/usr/bin/env bash
# Regenerates the Go parser in antlr/ from antlr/NASG.g4.
#
#   antlr/generate.sh          write the parser into antlr/ (make generate)
#   antlr/generate.sh OUTDIR   write it into OUTDIR instead (the drift test)
#
# The ANTLR tool is the complete jar shipped by the npm package
# antlr4ng-cli@2.0.0 (its tool reports version 4.13.1, matching the Go
# runtime github.com/antlr4-go/antlr/v4 v4.13.1). The jar comes from
# $NASGC_ANTLR_JAR when set; otherwise the npm package is installed once
# into ${XDG_CACHE_HOME:-$HOME/.cache}/nasgc/antlr4ng-cli and reused.
#
# Exit status 3 means the tool could not be had (no java, no jar, no npm
# or no registry); the drift test skips on it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here}
pkg=antlr4ng-cli@2.0.0
cache=${XDG_CACHE_HOME:-$HOME/.cache}/nasgc/antlr4ng-cli

unavailable() {
	echo "generate.sh: $*" >&2
	exit 3
}

command -v java >/dev/null 2>&1 || unavailable "java is not installed (ANTLR needs Java 11 or later)"

find_jar() {
	find "$cache/node_modules/antlr4ng-cli" -maxdepth 1 -name 'antlr4-*-complete.jar' 2>/dev/null | sort | tail -n 1
}

jar=${NASGC_ANTLR_JAR:-}
if [[ -n $jar ]]; then
	[[ -f $jar ]] || unavailable "NASGC_ANTLR_JAR=$jar: no such file"
else
	jar=$(find_jar)
	if [[ -z $jar ]]; then
		command -v npm >/dev/null 2>&1 || unavailable "npm is not installed; set NASGC_ANTLR_JAR to an ANTLR 4.13 complete jar"
		echo "generate.sh: installing $pkg into $cache" >&2
		mkdir -p "$cache"
		npm install --prefix "$cache" --no-audit --no-fund --silent "$pkg" >&2 ||
			unavailable "npm install $pkg failed; set NASGC_ANTLR_JAR to an ANTLR 4.13 complete jar"
		jar=$(find_jar)
		[[ -n $jar ]] || unavailable "no antlr4-*-complete.jar in $cache/node_modules/antlr4ng-cli"
	fi
fi

# "ANTLR Parser Generator  Version 4.13.1": the version in the generated headers.
version=$(java -jar "$jar" 2>&1 | sed -n 's/.*Version *//p' | head -n 1)
echo "generate.sh: ANTLR $version ($jar)" >&2
if [[ $version != 4.13.1 ]]; then
	echo "generate.sh: warning: the Go runtime is v4.13.1 but the tool is $version" >&2
fi

# Work on a copy of the grammar in a scratch directory and name it by a
# relative path, so that no absolute path ends up in the generated headers.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/NASG.g4" "$tmp/"
(cd "$tmp" && java -jar "$jar" -Dlanguage=Go -package nasg -no-listener -no-visitor -Xexact-output-dir -o gen NASG.g4)

# ANTLR ends every rule function with an unreachable
#	goto errorExit // Trick to prevent compiler error if the label is not used
# after its return, which go vet reports. Move the goto before the return,
# guarded by `if false`, so that the label stays used and vet stays quiet.
perl -0pi -e 's/\treturn localctx\n\tgoto errorExit \/\/ (Trick[^\n]*)\n/\tif false {\n\t\tgoto errorExit \/\/ $1\n\t}\n\treturn localctx\n/g' "$tmp"/gen/nasg_parser.go
if grep -q '^\tgoto errorExit' "$tmp"/gen/nasg_parser.go; then
	echo "generate.sh: the unreachable-goto rewrite no longer matches ANTLR's output; update generate.sh" >&2
	exit 1
fi

mkdir -p "$out"
rm -f "$out"/nasg_*.go
cp "$tmp"/gen/*.go "$out/"
