#!/bin/sh
# script_bad_input.sh - storymovie script refuses what is not a screenplay
# with ONE line on stderr naming the file (and the line when there is one),
# a non-zero exit status, no records on stdout and no output file; and it
# never crashes.  A screenplay cut off mid-speech is still a screenplay: it
# is read up to the cut.
set -u
: "${SM:?}"
T=$(mktemp -d /tmp/sm_e2e_script_bad_XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# refuse NAME FILE PATTERN: exit 1, one stderr line naming FILE and matching
# PATTERN (grep -E), nothing on stdout, no -o file left behind.
refuse() {
    name=$1 file=$2 pattern=$3
    "$SM" script -o "$T/out.jsonl" "$file" >"$T/stdout" 2>"$T/stderr"
    rc=$?
    [ "$rc" -eq 1 ] || fail "$name: exit status $rc, expected 1"
    lines=$(wc -l <"$T/stderr")
    [ "$lines" -eq 1 ] || { fail "$name: $lines lines on stderr, expected 1"; cat "$T/stderr" >&2; }
    grep -q -F "$file" "$T/stderr" || fail "$name: message does not name the file: $(cat "$T/stderr")"
    grep -q -E "$pattern" "$T/stderr" || fail "$name: message does not match /$pattern/: $(cat "$T/stderr")"
    [ ! -s "$T/stdout" ] || fail "$name: records on stdout"
    [ ! -e "$T/out.jsonl" ] || fail "$name: output file left behind"
    ls "$T" | grep -q '^\.\?out\.jsonl\.' && fail "$name: temporary output left behind"
    echo "ok: $name: $(cat "$T/stderr")"
}

: >"$T/empty.txt"
refuse "empty file" "$T/empty.txt" ": empty file$"

printf '   \n\n\t\n  \n' >"$T/blank.txt"
refuse "only blank lines" "$T/blank.txt" ": empty file$"

printf '/* all of it\nin the boneyard */\n' >"$T/bones.fountain"
refuse "Fountain with only a boneyard" "$T/bones.fountain" "no screenplay content"

# binary: a PNG signature and header (NUL bytes)
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\020\000\000\000\020\010\006\000\000\000' >"$T/image.png"
head -c 4096 /dev/urandom >>"$T/image.png"
refuse "binary (PNG)" "$T/image.png" "binary|not text|invalid"

# invalid UTF-8 in an otherwise UTF-8 screenplay: the line is named
{
    printf 'INT. CAF\303\211 - DAY\n\nAnn sits. Caf\303\251 au lait.\n\n'
    printf 'ANN\nBonjour \303\251t\303\251.\n\nBOB\nBad \377\376 bytes here.\n'
} >"$T/invalid.txt"
refuse "invalid UTF-8" "$T/invalid.txt" ":[0-9]+: .*(invalid|UTF-8)"

# a 50 MB line
head -c 52428800 /dev/zero | tr '\000' 'a' >"$T/longline.txt"
refuse "50 MB line" "$T/longline.txt" ":1: .*(long|MiB)"

refuse "directory" "$T" "directory"
refuse "missing file" "$T/no-such-file.txt" "No such file|cannot open|not found"

# truncated mid-speech (and mid-line): read up to the cut, exit 0
printf 'INT. HOUSE - DAY\n\nAnn enters.\n\nANN\nI was just about to sa' >"$T/truncated.fountain"
if "$SM" script "$T/truncated.fountain" >"$T/stdout" 2>"$T/stderr"; then
    grep -q '"kind":"dialogue".*"text":"I was just about to sa"' "$T/stdout" ||
        fail "truncated: last speech not read up to the cut"
    echo "ok: truncated mid-speech: read up to the cut"
else
    fail "truncated: exit status $? ($(cat "$T/stderr"))"
fi

# truncated inside a UTF-8 character: a one-line error or a clean read, no crash
printf 'INT. CAF\303\211 - DAY\n\nANN\nCaf\303' >"$T/cut_char.fountain"
"$SM" script "$T/cut_char.fountain" >"$T/stdout" 2>"$T/stderr"
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "ok: truncated inside a character: read"
elif [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/stderr")" -eq 1 ] && [ ! -s "$T/stdout" ]; then
    echo "ok: truncated inside a character: $(cat "$T/stderr")"
else
    fail "truncated inside a character: exit $rc"
fi

# usage errors: exit 2
"$SM" script --format pdf "$T/truncated.fountain" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown --format should exit 2"
"$SM" script --bogus "$T/truncated.fountain" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option should exit 2"
"$SM" script >/dev/null 2>&1
[ $? -eq 2 ] || fail "missing FILE should exit 2"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "script_bad_input: all passed"
