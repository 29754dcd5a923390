#!/bin/sh
# subs_loose.sh - `storymovie subs` on subtitle files written loosely, as
# real releases are: every cue a reader would read is read, with the time
# that reader would read, each kind of repair is one warning line on
# standard error, and the exit status is 0; a cue that cannot be read is
# one warning naming its line, and the rest of the file is read.  A UTF-8
# file with a few Windows-1252 bytes is read (one warning); a byte that is
# neither is one error line naming the file and line, exit 1.
set -u
: "${SM:?}"
T=$(mktemp -d /tmp/sm_e2e_loose_XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME FILE: `subs` with its records in $T/out, warnings in $T/err, status in $rc.
run() {
    "$SM" subs "$2" > "$T/out" 2> "$T/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then fail "$1: exit $rc: $(cat "$T/err")"; return 1; fi
    echo "ok: $1: $(wc -l < "$T/out") segments, $(wc -l < "$T/err") warning lines"
}
# has NAME WHAT PATTERN FILE: FILE has a line matching PATTERN (grep -E).
has() { grep -Eq -- "$3" "$4" || fail "$1: no $2 (/$3/) in: $(cat "$4")"; }
# cue_times NAME CUE START END: the first segment of that cue has those times.
cue_times() {
    line=$(grep "\"cue\":$2,\"segment\":1," "$T/out")
    echo "$line" | grep -q "\"start\":$3,\"end\":$4," || fail "$1: cue $2 is not $3 --> $4: $line"
}

# 1. SRT: no index lines, no blank line between cues, "->" for "-->", '.' for
#    ',', one-digit hours, two fraction digits, leading white space.
printf '00:00:00.000 ->00:01:00.000\nA first line.\n     0:01:00,00 --> 0:02:00,00\n     The second,\non two lines.\n' > "$T/loose.srt"
if run "loose SRT" "$T/loose.srt"; then
    cue_times "loose SRT" 1 0.000 60.000
    cue_times "loose SRT" 2 60.000 120.000
    has "loose SRT" "second cue's text" '"text":"The second, on two lines."' "$T/out"
    has "loose SRT" "arrow warning" "loose.srt:1: timing line without a proper '-->' arrow" "$T/err"
    has "loose SRT" "blank line warning" 'loose.srt:3: missing blank line before cue 2' "$T/err"
    [ "$(wc -l < "$T/err")" -eq 5 ] || fail "loose SRT: expected 5 warning lines, one per kind"
fi

# 2. Fractions of one or two digits are decimal fractions: ",5" is half a second.
printf '392\n00:29:27,46 --> 00:29:29,83\nLine one.\n\n393\n00:00:03,5 --> 00:00:04,5\nLine two.\n' > "$T/frac.srt"
if run "short fractions" "$T/frac.srt"; then
    cue_times "short fractions" 1 1767.460 1769.830
    cue_times "short fractions" 2 3.500 4.500
    has "short fractions" "one warning for both timing lines" 'frac.srt:2: .*decimal fraction.*\(2 lines like it' "$T/err"
fi

# 3. A cue that cannot be read is one warning with its line; the rest is read.
printf '1\n00:00:01,000 --> 00:00:02,000\nBefore.\n\n2\n00:00:75,000 --> 00:00:76,000\nLost.\n\n3\n00:00:05,000 --> 00:00:06,000\nAfter.\n' > "$T/badline.srt"
if run "a bad timing line" "$T/badline.srt"; then
    [ "$(wc -l < "$T/out")" -eq 2 ] || fail "a bad timing line: expected the 2 other cues"
    has "a bad timing line" "last cue" '"cue":2,.*"text":"After."' "$T/out"
    has "a bad timing line" "warning with its line" 'badline.srt:6: bad timing line \(impossible start time\): skipped' "$T/err"
fi

# 4. ASS: an event before 0 (read as 0), a time without fraction.
printf '[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,-1:59:54.93,0:01:00.00,Default,,0,0,0,,Early.\nDialogue: 0,0:00:23,0:01:23,Default,,0,0,0,,Whole seconds.\n' > "$T/loose.ass"
if run "loose ASS" "$T/loose.ass"; then
    cue_times "loose ASS" 1 0.000 60.000
    cue_times "loose ASS" 2 23.000 83.000
    has "loose ASS" "negative time warning" 'loose.ass:3: time before 0: read as 0' "$T/err"
fi

# 5. Only tags are markup.
printf '1\n00:00:01,000 --> 00:00:02,000\n<i>5 < 6 > 2</i>, I <3 you\n' > "$T/lt.srt"
if run "angle brackets" "$T/lt.srt"; then
    has "angle brackets" "the words kept" '"text":"5 < 6 > 2, I <3 you"' "$T/out"
fi

# 6. UTF-8 with a few Windows-1252 bytes: read, one warning, the encoding says it.
{
    for i in 1 2 3 4 5; do
        printf '%d\n00:00:0%d,000 --> 00:00:0%d,500\nCaf\303\251 d\303\251j\303\240 vu \342\200\223 ok\n\n' "$i" "$i" "$i"
    done
    printf '6\n00:00:10,000 --> 00:00:11,000\nIt\222s the caf\351, \223really\224.\n'
} > "$T/cp1252.srt"
if run "Windows-1252 bytes in UTF-8" "$T/cp1252.srt"; then
    has "Windows-1252 bytes in UTF-8" "decoded text" "\"text\":\"It’s the café, “really”.\"" "$T/out"
    [ "$(cat "$T/err")" = "storymovie: warning: $T/cp1252.srt:23: 4 bytes on 1 line not UTF-8: read as Windows-1252 (the first, 0x92, here as '’')" ] \
        || fail "Windows-1252 bytes in UTF-8: warning: $(cat "$T/err")"
    "$SM" subs --stats -q -o /dev/null "$T/cp1252.srt" 2> "$T/stats"
    has "Windows-1252 bytes in UTF-8" "encoding" "encoding UTF-8\+WINDOWS-1252" "$T/stats"
fi

# 7. A byte that is neither UTF-8 nor Windows-1252 (0x81 is undefined there):
#    one error line naming the file and line, exit 1, no records.
{
    printf '1\n00:00:01,000 --> 00:00:02,000\nCaf\303\251.\n\n'
    printf '2\n00:00:03,000 --> 00:00:04,000\nA stray \201 byte.\n'
} > "$T/undefined.srt"
"$SM" subs "$T/undefined.srt" > "$T/out" 2> "$T/err"
rc=$?
want="storymovie: $T/undefined.srt:7: invalid UTF-8 (byte 0x81), and not Windows-1252 text either"
if [ "$rc" -eq 1 ] && [ "$(cat "$T/err")" = "$want" ] && [ ! -s "$T/out" ]; then
    echo "ok: undefined byte: $(cat "$T/err")"
else
    fail "undefined byte: exit $rc, stderr '$(cat "$T/err")', expected '$want'"
fi

if [ "$failures" -ne 0 ]; then
    echo "subs_loose: $failures failures"
    exit 1
fi
echo "subs_loose: all checks passed"
