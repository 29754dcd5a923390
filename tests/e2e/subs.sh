#!/bin/bash
# subs.sh - end-to-end checks of `storymovie subs`:
#  1. every subtitle file in the shared data parses, with one cue per timed
#     block ("-->" line) and exactly the segments of the SPEC reference rule
#     (cue_segments in shared/tools/check_align_contract.py);
#  2. bad input (empty, binary, truncated, a 50 MB line, invalid UTF-8, a
#     directory, a missing file) gives one error line naming the file, a
#     non-zero status, no output and no crash;
#  3. -o is atomic, --stats and --help work.
# Env: SM (the binary), SM_SHARED_DATA (optional third-party data).
set -u
SM=${SM:?SM must point to the storymovie binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# ---- 1. the shared data --------------------------------------------------
data=${SM_SHARED_DATA:-}
if [ -n "$data" ] && [ -d "$data" ]; then
    files=$(find "$data" -name '*.srt' -o -name '*.vtt' -o -name '*.ass' -o -name '*.ssa' | sort)
    nfiles=0; total_cues=0; total_segs=0; pairs=""
    for f in $files; do
        nfiles=$((nfiles + 1))
        out="$work/out$nfiles.jsonl"
        if ! "$SM" subs -q -o "$out" "$f" 2>"$work/err"; then
            fail "$f: $(cat "$work/err")"; continue
        fi
        pairs="$pairs $f=$out"
        # cue count = timed blocks
        want_cues=$(grep -a -c -- '-->' "$f")
        got_cues=$(awk -F'"cue":' '{split($2, a, ","); print a[1]}' "$out" | uniq | wc -l)
        [ "$want_cues" = "$got_cues" ] || fail "$f: $got_cues cues, $want_cues timed blocks"
        total_cues=$((total_cues + got_cues))
        total_segs=$((total_segs + $(wc -l < "$out")))
    done
    # segments per cue against the SPEC reference implementation
    ref="${SM_SOURCE_DIR:-.}/../shared/tools/check_align_contract.py"
    [ -f "$ref" ] || ref="$data/../tools/check_align_contract.py"
    if command -v python3 >/dev/null && [ -f "$ref" ]; then
        python3 - "$ref" $pairs <<'EOF' || failures=$((failures + 1))
import json, sys
ref = sys.argv[1]
outputs = dict(arg.rsplit('=', 1) for arg in sys.argv[2:])   # subtitle file -> our JSON Lines
files = sorted(outputs)
ns = {}
exec(open(ref).read().split('problems = []')[0], ns)   # only the definitions
bad = 0
for f in files:
    if not f.endswith('.srt'):
        continue
    want = [(c, s) for c, n in enumerate(ns['cue_segments'](f), 1) for s in range(1, n + 1)]
    with open(outputs[f]) as fh:
        got = [(r['cue'], r['segment']) for r in map(json.loads, fh)]
    if got != want:
        bad += 1
        print('FAIL: %s: %d segments, the SPEC rule gives %d' % (f, len(got), len(want)))
print('subs: segments match the SPEC reference rule in %d of %d SRT files'
      % (sum(1 for f in files if f.endswith('.srt')) - bad, sum(1 for f in files if f.endswith('.srt'))))
sys.exit(1 if bad else 0)
EOF
    else
        echo "subs: python3 or the reference checker missing: segment rule cross-check skipped"
    fi
    echo "subs: $nfiles shared subtitle files, $total_cues cues, $total_segs segments"
else
    echo "subs: shared data not found (SM_SHARED_DATA): real-file checks skipped"
fi

# ---- 2. bad input ----------------------------------------------------------
bad=$work/bad
mkdir -p "$bad/dir.srt"
: > "$bad/empty.srt"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' > "$bad/image.srt"
printf '1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:0' > "$bad/truncated.srt"
printf '1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n' > "$bad/truncated2.srt"
head -c 52428800 /dev/zero | tr '\0' 'x' > "$bad/longline.srt"
{
    for i in $(seq 1 30); do
        printf '%d\n00:00:%02d,000 --> 00:00:%02d,500\nCaf\303\251 d\303\251j\303\240 vu \342\200\223 \342\200\234quotes\342\200\235 \342\231\252\n\n' "$i" "$i" "$i"
    done
    printf '31\n00:00:40,000 --> 00:00:41,000\nbad \377\376 bytes\n'
} > "$bad/invalid_utf8.srt"
printf '1\n00:00:01,000 --> 00:61:02,000\nImpossible\n' > "$bad/impossible.srt"
for name in empty image truncated truncated2 longline invalid_utf8 dir impossible missing; do
    f="$bad/$name.srt"
    "$SM" subs "$f" > "$work/out" 2> "$work/err"
    rc=$?
    if [ "$rc" -eq 0 ]; then fail "$name: exit status 0"; continue; fi
    if [ "$rc" -ge 128 ]; then fail "$name: crashed (status $rc)"; continue; fi
    [ -s "$work/out" ] && fail "$name: wrote output on failure"
    [ "$(wc -l < "$work/err")" -eq 1 ] || fail "$name: expected one error line, got: $(cat "$work/err")"
    grep -q -- "$f" "$work/err" || fail "$name: error does not name the file: $(cat "$work/err")"
    echo "subs: $name -> $(cat "$work/err")"
done
# file AND line where a line is to blame
grep -q "truncated.srt:6:" <("$SM" subs "$bad/truncated.srt" 2>&1) || fail "truncated: no line number"
grep -q "invalid_utf8.srt:123:" <("$SM" subs "$bad/invalid_utf8.srt" 2>&1) || fail "invalid UTF-8: no line number"
grep -q "impossible.srt:2:" <("$SM" subs "$bad/impossible.srt" 2>&1) || fail "impossible: no line number"

# ---- 3. options ------------------------------------------------------------
good=$work/good.srt
printf '1\r\n00:00:02,877 --> 00:00:04,294\r\n- ROSS: Hi.\r\n- [DOOR SLAMS]\r\n\r\n3\r\n00:00:05,000 --> 00:00:06,000\r\nBye\r\n' > "$good"
"$SM" subs "$good" > "$work/stdout" 2> "$work/err" || fail "good file refused: $(cat "$work/err")"
expected='{"cue":1,"segment":1,"start":2.877,"end":4.294,"text":"Hi.","display":"ROSS: Hi.","annotations":[],"speaker_hint":"ROSS","line":3}
{"cue":1,"segment":2,"start":2.877,"end":4.294,"text":"","display":"[DOOR SLAMS]","annotations":["[DOOR SLAMS]"],"speaker_hint":null,"line":4}
{"cue":2,"segment":1,"start":5.000,"end":6.000,"text":"Bye","display":"Bye","annotations":[],"speaker_hint":null,"line":8}'
# times are printed with 3 decimals or as the shortest exact number: accept both
norm() { sed -E 's/("(start|end)":[0-9]+)\.?0*([,}])/\1\3/g; s/("(start|end)":[0-9]+\.[0-9]*[1-9])0+([,}])/\1\3/g'; }
[ "$(norm < "$work/stdout")" = "$(echo "$expected" | norm)" ] || fail "records differ:
$(cat "$work/stdout")"
grep -q "warning: .*good.srt:6: SRT index 3 skips ahead" "$work/err" || fail "index warning missing: $(cat "$work/err")"
"$SM" subs --stats -q -o "$work/o.jsonl" "$good" 2> "$work/err" || fail "-o failed"
[ "$(wc -l < "$work/o.jsonl")" -eq 3 ] || fail "-o: wrong record count"
grep -q "format srt, .*2 cues, 3 segments, 1 with a speaker hint, 1 annotations, 1 warnings" "$work/err" \
    || fail "--stats: $(cat "$work/err")"
rm -f "$work/o2.jsonl"
"$SM" subs -o "$work/o2.jsonl" "$bad/truncated.srt" 2>/dev/null && fail "-o with bad input succeeded"
[ -e "$work/o2.jsonl" ] && fail "-o left a file behind on failure"
ls "$work" | grep -q '^o2.jsonl' && fail "-o left a temporary file behind"
# WebVTT and ASS through the command, CRLF and BOM included
printf '\357\273\277WEBVTT\r\n\r\nNOTE hi\r\n\r\n1\r\n00:01.000 --> 00:02.500 line:0\r\n<v Joey>- Hi.\r\n- <v Ross>Hey &amp; bye.\r\n' > "$work/a.vtt"
"$SM" subs --stats "$work/a.vtt" > "$work/vtt.jsonl" 2> "$work/err" || fail "vtt refused: $(cat "$work/err")"
grep -q '"cue":1,"segment":2,.*"text":"Hey & bye.".*"speaker_hint":"Ross"' "$work/vtt.jsonl" || fail "vtt records: $(cat "$work/vtt.jsonl")"
grep -q "format webvtt, .*1 cues, 2 segments, 2 with a speaker hint" "$work/err" || fail "vtt stats: $(cat "$work/err")"
printf '[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:02.50,Default,Joey,0,0,0,,{\\i1}How you doin\x27?{\\i0}\nComment: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,hidden\nDialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,- Hi, there.\\N- [SIGHS] Bye.\n' > "$work/a.ass"
"$SM" subs --stats "$work/a.ass" > "$work/ass.jsonl" 2> "$work/err" || fail "ass refused: $(cat "$work/err")"
[ "$(wc -l < "$work/ass.jsonl")" -eq 3 ] || fail "ass: expected 3 segments: $(cat "$work/ass.jsonl")"
grep -q '"text":"How you doin'"'"'?".*"speaker_hint":"Joey"' "$work/ass.jsonl" || fail "ass Name hint: $(cat "$work/ass.jsonl")"
grep -q '"text":"Bye.","display":"\[SIGHS\] Bye.","annotations":\["\[SIGHS\]"\]' "$work/ass.jsonl" || fail "ass annotation: $(cat "$work/ass.jsonl")"
grep -q "format ass, .*2 cues, 3 segments" "$work/err" || fail "ass stats: $(cat "$work/err")"

"$SM" subs --help | grep -q "^usage: storymovie subs" || fail "--help"
"$SM" subs > /dev/null 2>&1; [ $? -eq 2 ] || fail "no argument: status should be 2"
"$SM" subs --bogus "$good" > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: status should be 2"

if [ "$failures" -ne 0 ]; then
    echo "subs: $failures failures"
    exit 1
fi
echo "subs: all checks passed"
