#!/bin/sh
# demo_sample.sh - `make demo` (scripts/demo.sh) runs on the bundled sample
# and its digest shows frames with times, dialogue with speakers and the
# names found for the chain of thought's characters.
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
[ -f "$SM_SOURCE_DIR/sample/stories.jsonl" ] || { echo "skip: no bundled sample"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skip: the digest needs python3"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_demo_XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$T/digest" >&2; exit 1; }

sh "$SM_SOURCE_DIR/scripts/demo.sh" "$SM" "$T/out" > "$T/digest" 2> "$T/stderr" || fail "demo.sh exited $?"
grep -q "^Story tt9999901_kitchen" "$T/digest" || fail "no story heading"
grep -q "image 1  tt9999901/shot_0057_img_1.jpg  shot 57, frame 4913, at 3:24.913" "$T/digest" || fail "frame line"
grep -q 'char2  "Man in raincoat"  -> Owen Price (played by Gareth Lloyd-Penn)' "$T/digest" || fail "name line"
grep -Eq "^ +[0-9]:[0-9.]+  [A-Z]+ +[A-Za-z]" "$T/digest" || fail "no dialogue line with a speaker"
grep -q "build: 2 stories: 2 linked, 0 failed" "$T/stderr" || fail "no build summary on stderr"
grep -q "^Training data" "$T/digest" || fail "no training-data summary"
grep -Eq "tt9999901_kitchen +1 +3.00 .* chosen$" "$T/digest" || fail "no DPO reward table"
[ "$(grep -c "^            OK: " "$T/digest")" -eq 4 ] || fail "an export failed its checker"
grep -q "^Open in a browser: file:///.*/view.html" "$T/digest" || fail "no page to open"
grep -q "view: 2 stories (2 with a story record), 1 film; 13 frames (13 keyframes found" "$T/stderr" || fail "no view summary"
[ -s "$T/out/view.html" ] || fail "no view.html"
# the real pipeline, in order: build, generate ground, the dataset from the
# grounded stories, eval, then the pages of the grounded stories with the
# judge's verdicts and the QA answers
order=$(grep -n -e '^== storymovie build' -e '^== storymovie generate ground' -e '^== storymovie dataset' \
    -e '^== storymovie eval report' -e '^== storymovie view' "$T/stderr" | cut -d' ' -f2-3 | tr '\n' ,)
[ "$order" = "storymovie build,storymovie generate,storymovie dataset,storymovie eval,storymovie view," ] ||
    fail "pipeline order: $order"
grep -q "^== storymovie dataset --stories $T/out/ground/stories.jsonl" "$T/stderr" || fail "dataset not from the grounded stories"
grep -q "^== storymovie view .*--stories $T/out/ground/stories.jsonl .*--verdicts .*--qa " "$T/stderr" ||
    fail "view without the grounded stories, verdicts and QA"
[ "$(tail -1 "$T/digest" | cut -c1-18)" = "Open in a browser:" ] || fail "the page is not the last thing said"
# generate ground, replayed from the hand-written sample answers
grep -q "replayed from sample/ground/responses.jsonl (written by hand" "$T/stderr" || fail "no replay notice"
grep -q -- "--api-base http://localhost:8000/v1 --model NAME" "$T/stderr" || fail "no live-server hint"
grep -q "generate ground: 2 stories: 2 passed" "$T/stderr" || fail "no generate summary"
grep -q "^Attempt 1: failed verification" "$T/digest" || fail "no failed attempt"
grep -q "^  \[quote-invented\] " "$T/digest" || fail "no problem listed"
grep -q "^After (attempt 3" "$T/digest" || fail "no story after"
grep -q "^  cue 50  said by MARTHA  given to Martha Hale" "$T/digest" || fail "no quotation line"
echo "ok"
