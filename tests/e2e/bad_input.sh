#!/bin/sh
# bad_input.sh - every bad input of tests/e2e/bad_input.cases: the exit
# status, the number of lines on stderr and what they say (docs/errors.md).
# BAD_INPUT_TABLE=1 prints a Markdown row per case (ID, exit, the line of
# stderr that has the expected words, else its first line) instead of
# ok/FAIL, for comparing two binaries; it always exits 0.
set -u
: "${SM:?}" "${SM_SOURCE_DIR:?}"
S="$SM_SOURCE_DIR/sample"
[ -f "$S/stories.jsonl" ] || { echo "skip: no bundled sample"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_bad_XXXXXX)
trap 'rm -rf "$T"' EXIT
MN="$S/movienet" ST="$S/stories.jsonl" FX="$SM_SOURCE_DIR/tests/fixtures/view"
SCRIPT="$MN/script/tt9999901.script" SUB="$MN/subtitle/tt9999901.srt"
CTX="$SM_SOURCE_DIR/tests/golden/build_sample.context.jsonl"
# The host as the temporaries' names carry it; a process id that is gone.
HOST=$(hostname 2>/dev/null | cut -c1-63 | tr -c 'A-Za-z0-9\n-' '-')
[ -n "$HOST" ] || HOST=localhost
sh -c 'exit 0' & DEADPID=$!
wait "$DEADPID"
export SM S MN ST FX SCRIPT SUB CTX T HOST DEADPID

mkdir -p "$T/notmn" "$T/ad"
: > "$T/empty.txt"
cp -R "$MN" "$T/mn"
head -n 1 "$ST" > "$T/dup.jsonl" && head -n 1 "$ST" >> "$T/dup.jsonl"
"$SM" align -q --format tsv "$SCRIPT" "$SUB" > "$T/pred.tsv" 2>/dev/null

table=${BAD_INPUT_TABLE:-0}
failures=0 n=0
tab=$(printf '\t')
while IFS="$tab" read -r id want_rc want_lines want_text cmd; do
    case "$id" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    sh -c "$cmd" > "$T/out" 2> "$T/err"
    rc=$?
    # The line that says it (else the first), with the scratch and source
    # folders shortened.
    first=$( (grep -F -m 1 -- "$want_text" "$T/err" || head -n 1 "$T/err") | sed "s|$T|\$T|g; s|$SM_SOURCE_DIR|.|g")
    lines=$(wc -l < "$T/err")
    if [ "$table" = 1 ]; then
        printf '| %s | %s | %s |\n' "$id" "$rc" "$first"
        continue
    fi
    why=""
    [ "$rc" = "$want_rc" ] || why="exit $rc, want $want_rc"
    [ "$want_lines" = '*' ] || [ "$lines" = "$want_lines" ] || why="$why; $lines lines on stderr, want $want_lines"
    grep -qF -- "$want_text" "$T/err" || why="$why; stderr lacks '$want_text'"
    if [ -z "$why" ]; then
        echo "ok: $id: exit $rc: $first"
    else
        echo "FAIL: $id: $why; stderr: $(head -c 400 "$T/err")" >&2
        failures=$((failures + 1))
    fi
done < "$SM_SOURCE_DIR/tests/e2e/bad_input.cases"
[ "$table" = 1 ] && exit 0
echo "$n cases, $failures failed"
[ "$failures" -eq 0 ]
