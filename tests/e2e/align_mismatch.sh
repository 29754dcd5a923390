#!/bin/sh
# align_mismatch.sh - a screenplay of another film is detected, said, and
# answered with no speakers: by align (one film and a manifest) and by build
# (summary, failures, context records), also when build reuses the
# alignment.  The other film's screenplay is written here.
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
SAMPLE="$SM_SOURCE_DIR/sample"
[ -f "$SAMPLE/stories.jsonl" ] || { echo "skip: no bundled sample"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_mismatch_XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $1"; }

# A short screenplay of some other story (written for this test).
other="$T/other.script"
{
    printf '                                 "THE ORCHARD"\n\n'
    printf '          EXT. APPLE ORCHARD - DAY\n\n'
    printf '          Rows of trees heavy with fruit. GRETA (40s) climbs a ladder.\n\n'
    i=0
    for line in "The frost took half the blossom this spring." \
                "Then we sell the cider instead of the apples." \
                "Cider needs barrels, and the barrels need a cooper." \
                "My cousin in the valley still makes them by hand." \
                "He charges twice what the factory asks for them." \
                "And they last ten times as long, so pay him." \
                "Who will pick the north rows if you are in the valley?" \
                "The twins from the mill, they owe me a favour." \
                "Last autumn they ate more than they picked." \
                "Then feed them before they start, not after."; do
        if [ $((i % 2)) -eq 0 ]; then who=GRETA; else who=TOMAS; fi
        printf '                         %s\n              %s\n\n' "$who" "$line"
        i=$((i + 1))
    done
} > "$other"

subs="$SAMPLE/movienet/subtitle/tt9999901.srt"
"$SM" align "$other" "$subs" > "$T/a.jsonl" 2> "$T/a.err" || fail "align exits $? on a mismatched film"
grep -q "share too little to be one film" "$T/a.err" || fail "align says nothing: $(cat "$T/a.err")"
tail -1 "$T/a.jsonl" | grep -q '"type":"summary".*"status":"mismatch"' || fail "no mismatch in the summary record"
n=$(grep '"type":"segment"' "$T/a.jsonl" | grep -v '"evidence":"hint"' | grep -c '"speaker":"' || true)
[ "$n" -eq 0 ] || fail "$n segments given a speaker from the other film's script"
grep '"type":"block"' "$T/a.jsonl" | grep -q '"timing":"' && fail "blocks timed from another film"
ok "align: flagged, said on stderr, no speakers, no times"

"$SM" align "$SAMPLE/movienet/script/tt9999901.script" "$subs" > "$T/own.jsonl" 2> "$T/own.err"
tail -1 "$T/own.jsonl" | grep -q '"status":"ok"' || fail "the sample with its own script is flagged"
ok "align: the sample's own script is not flagged"

printf 'right\t%s\t%s\nwrong\t%s\t%s\n' "$SAMPLE/movienet/script/tt9999901.script" "$subs" "$other" "$subs" > "$T/films.tsv"
"$SM" align -q --manifest "$T/films.tsv" --out "$T/m" 2> "$T/m.err" || fail "manifest exits $?"
grep -q "^storymovie: wrong: the script and subtitles share too little" "$T/m.err" || fail "manifest: $(cat "$T/m.err")"
grep -q "right" "$T/m.err" && fail "manifest flags the right film"
ok "align --manifest -q: the mismatched film is named"

C="$T/corpus"
cp -r "$SAMPLE/movienet" "$C"
cp "$other" "$C/script/tt9999901.script"
for run in 1 2; do
    "$SM" build "$C" --stories "$SAMPLE/stories.jsonl" --out "$T/out" 2> "$T/b$run.err" || fail "build exits $?"
    grep -q "films with problems (1)" "$T/out/summary.txt" || fail "build $run: $(cat "$T/out/summary.txt")"
    grep -q "share too little to be one film" "$T/out/summary.txt" || fail "build $run: summary"
    grep -q "^film_piece	tt9999901	the script and subtitles share too little" "$T/out/failures.tsv" \
        || fail "build $run: failures.tsv: $(cat "$T/out/failures.tsv")"
    grep -q '"alignment":"mismatch"' "$T/out/context.jsonl" || fail "build $run: context alignment"
    grep -q '"speaker":"[A-Z]' "$T/out/context.jsonl" && fail "build $run: a speaker from another film"
done
grep -q "1 reused" "$T/out/summary.txt" || fail "the second build did not reuse the alignment"
ok "build: flagged in summary, failures and context records, also when reused"
echo "align_mismatch e2e: all passed"
