#!/bin/sh
# generate_tell.sh - storymovie generate tell against the local test server:
# frames as data: URLs (default) or file:// URLs, K samples per story that
# differ (and are cached apart), answers split into chain of thought and
# story, an answer without </think> kept raw, a rerun from the cache.
set -eu
. "$SM_SOURCE_DIR/tests/llm_test_lib.sh"
T=$(mktemp -d /tmp/sm_e2e_tell_XXXXXX)
trap 'stop_server; rm -rf "$T"' EXIT
S="$SM_SOURCE_DIR/sample/stories.jsonl"
M="$SM_SOURCE_DIR/sample/movienet"
field() { "$PY" -c 'import json,sys; [print(eval(sys.argv[2], {}, {"r": json.loads(l)})) for l in open(sys.argv[1]) if l.strip()]' "$1" "$2"; }

# The sample's own first story, as a model would tell it.
"$PY" - "$S" "$T/answers.json" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").readline())
told = "<think>\n%s\n</think>\n%s" % (r["chain_of_thought"], r["story"])
json.dump([{"match": "Tell the story of these frames", "answer": told}], open(sys.argv[2], "w"))
PY
start_server "$T" --answers "$T/answers.json"

# ---- K samples, data: URLs ----
"$SM" generate tell --stories "$S" --movienet "$M" --out "$T/t1" --api-base "$BASE" --model m \
    --samples 3 -q || fail "tell exited $?"
[ "$(server_stat "s['requests']")" = 6 ] || fail "want 2 stories x 3 samples"
[ "$(server_stat "len(s['attempts'])")" = 6 ] || fail "the 3 samples of a story must be 3 distinct requests"
[ "$(field "$T/t1/stories.jsonl" "r['story_id'], r['sample'], r['parse']" | sed -n 1,3p | tr '\n' ' ')" = \
  "('tt9999901_lamp_room', 1, 'ok') ('tt9999901_lamp_room', 2, 'ok') ('tt9999901_lamp_room', 3, 'ok') " ] \
    || fail "records in story and sample order, parsed ok"
field "$T/t1/stories.jsonl" "r['chain_of_thought'][:10], r['story'][:12], r['frame_count'], 'raw' in r" | sort -u \
    | grep -qx "('## Image 1', '<gdi image1>', 6, False)" || fail "split into chain of thought and story"
grep -q '"prompt_version":"storyteller-1"' "$T/t1/stories.jsonl" || fail "prompt_version: the exports'' prompt"
# A rerun answers everything from the cache.
"$SM" generate tell --stories "$S" --movienet "$M" --out "$T/t1" --api-base "$BASE" --model m \
    --samples 3 -q || fail "rerun"
[ "$(server_stat "s['requests']")" = 6 ] || fail "the rerun sent requests"

# ---- the frames in the request ----
"$SM" generate tell --stories "$S" --movienet "$M" --out "$T/t2" --model m --requests-out "$T/req.jsonl" -q \
    || fail "requests-out"
[ "$(grep -c . "$T/req.jsonl")" = 2 ] || fail "2 requests written"
[ ! -s "$T/t2/stories.jsonl" ] || fail "no records before the answers"
grep -q '"url":"data:image/jpeg;base64,/9j/' "$T/req.jsonl" || fail "data: URLs by default"
[ "$(grep -o '"type":"image_url"' "$T/req.jsonl" | wc -l)" = 13 ] || fail "6 + 7 frames"
"$SM" generate tell --stories "$S" --movienet "$M" --out "$T/t3" --model m --images file \
    --requests-out "$T/req2.jsonl" -q || fail "requests-out, --images file"
grep -q "\"url\":\"file://$M/tt9999901/shot_0028_img_1.jpg\"" "$T/req2.jsonl" || fail "file:// URLs"

# ---- an answer without </think> ----
stop_server
start_server "$T"                     # answers "Answer to <key>."
"$SM" generate tell --stories "$S" --movienet "$M" --out "$T/t4" --api-base "$BASE" --model m2 -q \
    || fail "no_think run"
[ "$(field "$T/t4/stories.jsonl" "r['parse'], r['raw'][:10], r['chain_of_thought'], r['story'][:10]" | sort -u)" = \
  "('no_think', 'Answer to ', '', 'Answer to ')" ] || fail "no_think: the answer is the story, kept raw"

# ---- a missing frame: one line, no output ----
sed 's/shot_0028_img_1/shot_9999_img_1/' "$S" > "$T/missing.jsonl"
rc=0; "$SM" generate tell --stories "$T/missing.jsonl" --movienet "$M" --out "$T/t5" --api-base "$BASE" \
    --model m 2>"$T/err" || rc=$?
[ "$rc" = 1 ] && [ "$(grep -c . "$T/err")" = 1 ] || { cat "$T/err" >&2; fail "missing frame: want one line, exit 1"; }
grep -q "shot_9999_img_1" "$T/err" || fail "missing frame: names it"
[ ! -e "$T/t5/stories.jsonl" ] || fail "missing frame: wrote stories.jsonl"
echo "ok"
