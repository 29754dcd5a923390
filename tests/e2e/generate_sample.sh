#!/bin/sh
# generate_sample.sh - the hand-written sample answers (sample/ground) still
# answer exactly the requests `generate ground` makes for the sample: every
# request has its answer and none is left over.  When the prompt, the
# verification or the sample changes, the custom_ids change and this fails:
# remake the file with  python3 sample/ground/make_responses.py build/storymovie
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
T=$(mktemp -d /tmp/sm_e2e_gsample_XXXXXX)
trap 'rm -rf "$T"' EXIT
stale() { echo "FAIL: $*; sample/ground/responses.jsonl is stale: run python3 sample/ground/make_responses.py build/storymovie" >&2; cat "$T/err" >&2; exit 1; }
S="$SM_SOURCE_DIR/sample/stories.jsonl"
"$SM" build "$SM_SOURCE_DIR/sample/movienet" --stories "$S" --out "$T/b" 2>/dev/null
"$SM" generate ground --stories "$S" --context "$T/b/context.jsonl" --out "$T/g" --model hand-written-sample \
    --responses "$SM_SOURCE_DIR/sample/ground/responses.jsonl" --requests-out "$T/asked.jsonl" 2>"$T/err" \
    || stale "generate ground exited $?"
[ ! -s "$T/asked.jsonl" ] || stale "requests without a sample answer"
grep -q '"story_id":"tt9999901_lamp_room".*"attempts":1}$' "$T/g/stories.jsonl" || stale "the lamp room passes first"
grep -q '"story_id":"tt9999901_kitchen".*"attempts":3}$' "$T/g/stories.jsonl" || stale "the kitchen passes on attempt 3"
for code in quote-invented quote-speaker tag-dropped; do
    grep -q "\"code\":\"$code\"" "$T/g/attempts.jsonl" || stale "the sample shows no $code"
done
grep -q '"model":"hand-written-sample"' "$T/g/stories.jsonl" || stale "model name"
echo "ok"
