#!/bin/sh
# build_sample.sh - `storymovie build` on the bundled sample, compared with
# golden files; resume, parallel jobs and `link --align-dir` give the same
# records.
#
# The records depend on the aligner.  When it changes on purpose, regenerate
# the goldens and review the diff:
#   SM_UPDATE_GOLDEN=1 ctest --test-dir BUILD -R e2e_build_sample
#   git diff tests/golden/
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
SAMPLE="$SM_SOURCE_DIR/sample"
GOLDEN="$SM_SOURCE_DIR/tests/golden"
[ -f "$SAMPLE/stories.jsonl" ] || { echo "skip: no bundled sample"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_build_XXXXXX)
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --out "$T/out" -q \
    || fail "build exited $?"
[ -s "$T/out/align/tt9999901.jsonl" ] || fail "no alignment written"

if [ "${SM_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$T/out/context.jsonl" "$GOLDEN/build_sample.context.jsonl"
    cp "$T/out/summary.txt" "$GOLDEN/build_sample.summary.txt"
    echo "updated $GOLDEN/build_sample.*"
fi
cmp "$T/out/context.jsonl" "$GOLDEN/build_sample.context.jsonl" || {
    diff "$GOLDEN/build_sample.context.jsonl" "$T/out/context.jsonl" | head -20 >&2
    fail "context.jsonl differs from the golden (SM_UPDATE_GOLDEN=1 to regenerate)"; }
cmp "$T/out/summary.txt" "$GOLDEN/build_sample.summary.txt" || {
    diff "$GOLDEN/build_sample.summary.txt" "$T/out/summary.txt" >&2
    fail "summary differs from the golden"; }
[ "$(cat "$T/out/failures.tsv")" = "$(printf 'kind\tid\treason')" ] || fail "unexpected failures"

# Resume: the film is not aligned again, the records are the same.
stamp=$(stat -c %Y.%s "$T/out/align/tt9999901.jsonl")
sleep 1
"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --out "$T/out" -q
[ "$(stat -c %Y.%s "$T/out/align/tt9999901.jsonl")" = "$stamp" ] || fail "rerun re-aligned the film"
grep -q "0 aligned, 1 reused" "$T/out/summary.txt" || fail "rerun summary: $(head -1 "$T/out/summary.txt")"
cmp "$T/out/context.jsonl" "$GOLDEN/build_sample.context.jsonl" || fail "rerun records differ"

# A corrupt alignment left by someone else is replaced, not trusted.
echo '{"type":"segment",' > "$T/out/align/tt9999901.jsonl"
"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --out "$T/out" -q
grep -q "1 aligned, 0 reused" "$T/out/summary.txt" || fail "corrupt alignment was not redone"
cmp "$T/out/context.jsonl" "$GOLDEN/build_sample.context.jsonl" || fail "records after realigning differ"

# --force realigns; --jobs does not change the records.
"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --out "$T/out" -q --force -j 4
grep -q "1 aligned, 0 reused" "$T/out/summary.txt" || fail "--force did not realign"
cmp "$T/out/context.jsonl" "$GOLDEN/build_sample.context.jsonl" || fail "-j 4 records differ"

# link reading the alignment back == link aligning in-process == build.
"$SM" link "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --align-dir "$T/out/align" -q \
    -o "$T/link_read.jsonl"
cmp "$T/link_read.jsonl" "$GOLDEN/build_sample.context.jsonl" || fail "link --align-dir differs"
"$SM" link "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" -q > "$T/link_inproc.jsonl"
cmp "$T/link_inproc.jsonl" "$GOLDEN/build_sample.context.jsonl" || fail "link in-process differs"

# Shards: 0/2 takes the only film, 1/2 none; the shard outputs are named apart.
"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --out "$T/sh" -q --shard 1/2
[ -f "$T/sh/context.1-of-2.jsonl" ] && [ ! -s "$T/sh/context.1-of-2.jsonl" ] || fail "shard 1/2 not empty"
"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --out "$T/sh" -q --shard 0/2
cmp "$T/sh/context.0-of-2.jsonl" "$GOLDEN/build_sample.context.jsonl" || fail "shard 0/2 differs"

# Usage errors.
set +e
"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" 2>/dev/null; [ $? = 2 ] || fail "no --out: want 2"
"$SM" build "$SAMPLE/movienet" --stories "$SAMPLE/stories.jsonl" --out "$T/x" --shard 2/2 2>/dev/null
[ $? = 2 ] || fail "bad shard: want 2"
"$SM" build /nonexistent --stories "$SAMPLE/stories.jsonl" --out "$T/x" 2>/dev/null; [ $? = 1 ] || fail "no corpus: want 1"
"$SM" build --help | grep -q "^usage: storymovie build" || fail "--help"
"$SM" link --help | grep -q "^usage: storymovie link" || fail "link --help"
echo "ok"
