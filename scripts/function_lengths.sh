#!/bin/sh
# Lists C functions by length (lines from signature to closing brace),
# longest first.  Usage: sh scripts/function_lengths.sh [N] [DIR...]
# (default: the 20 longest under src/).  Needs Universal Ctags.
n=${1:-20}
[ $# -gt 0 ] && shift
[ $# -eq 0 ] && set -- src
find "$@" -name '*.c' | sort | xargs ctags -x --kinds-c=f --fields=+ne \
    --_xformat='%{end} %{line} %{input}:%{name}' |
awk '{ printf "%5d %s\n", $1 - $2 + 1, $3 }' | sort -rn | head -n "$n"
