#!/bin/sh
# generate_ground.sh - storymovie generate ground against the local test
# server (tests/llm_server.py, 127.0.0.1), on the bundled sample's two
# stories and its context, with answers from the hand-labelled set
# (tests/fixtures/ground/answers.txt).
#
#  1. both stories pass on the first attempt: 2 requests;
#  2. one fails (a line given to the wrong speaker), is asked again with the
#     problem listed (the server answers well only when the re-ask quotes
#     it), and passes on attempt 2; the other fails all 3 attempts and ends
#     in failures.jsonl with its reasons;
#  3. a run killed with kill -9 while answers arrive, then rerun: the rerun
#     sends only what the cache lacks, and stories.jsonl is the same as an
#     uninterrupted run's (20 stories, 40 requests);
#  4. the API key is in no file the run wrote;
#  5. a server that is down, and bad inputs: one line on stderr each, exit 1,
#     no output file, what was answered stays in the cache.
set -eu
. "$SM_SOURCE_DIR/tests/llm_test_lib.sh"
T=$(mktemp -d /tmp/sm_e2e_ground_XXXXXX)
RUN_PID=
trap '[ -n "$RUN_PID" ] && kill -9 "$RUN_PID" 2>/dev/null; stop_server; rm -rf "$T"' EXIT
S="$SM_SOURCE_DIR/sample/stories.jsonl"
"$SM" build "$SM_SOURCE_DIR/sample/movienet" --stories "$S" --out "$T/b" 2>/dev/null || fail "build"
C="$T/b/context.jsonl"

# answers FILE MATCH=ID ...: a server answers file; MATCH is text of the
# request, ID an answer of the hand-labelled set.  The first match wins.
answers() {
    out=$1; shift
    "$PY" - "$SM_SOURCE_DIR/tests/fixtures/ground/answers.txt" "$out" "$@" <<'EOF'
import json, re, sys
fixture, out, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
texts, key = {}, None
for line in open(fixture, encoding="utf-8"):
    m = re.match(r"=== (\S+) ", line)
    if m:
        key = m.group(1); texts[key] = []
    elif key and not (line.startswith("#") and not texts[key]):
        texts[key].append(line)
table = []
for p in pairs:
    match, ident = p.rsplit("=", 1)
    table.append({"match": match, "answer": "".join(texts[ident]).strip("\n")})
json.dump(table, open(out, "w", encoding="utf-8"))
EOF
}
LAMP_COT="Glass lamp room"          # text of each story's chain of thought
KITCHEN_COT="Man in raincoat"
lines() { if [ -f "$1" ]; then grep -c . "$1" || true; else echo 0; fi; }
field() { "$PY" -c 'import json,sys; [print(eval(sys.argv[2], {}, {"r": json.loads(l)})) for l in open(sys.argv[1]) if l.strip()]' "$1" "$2"; }

# ---- 1. pass first time ----
answers "$T/a1.json" "$LAMP_COT=L01" "$KITCHEN_COT=K01"
start_server "$T" --answers "$T/a1.json"
"$SM" generate ground --stories "$S" --context "$C" --out "$T/g1" --api-base "$BASE" --model m -q \
    || fail "run 1 exited $?"
[ "$(server_stat "s['requests']")" = 2 ] || fail "run 1: want 2 requests"
[ "$(lines "$T/g1/stories.jsonl")" = 2 ] || fail "run 1: want 2 stories"
[ "$(lines "$T/g1/failures.jsonl")" = 0 ] || fail "run 1: want no failure"
[ "$(field "$T/g1/stories.jsonl" "r['attempts']" | sort -u)" = 1 ] || fail "run 1: attempts"
field "$T/g1/stories.jsonl" "r['names']" | grep -q "'char2': 'Owen Price'" || fail "run 1: names"
grep -q '"prompt_version":"ground-v1"' "$T/g1/stories.jsonl" || fail "run 1: prompt_version"
stop_server

# ---- 2. fail then pass; fail three times ----
# The re-ask of the lamp room lists its problem; only then does the server
# answer with the good story.  The kitchen always invents a quotation.
answers "$T/a2.json" "but the story gives it to Daniel Hale=L01" "$LAMP_COT=L10" "$KITCHEN_COT=K08"
start_server "$T" --answers "$T/a2.json"
"$SM" generate ground --stories "$S" --context "$C" --out "$T/g2" --api-base "$BASE" --model m \
    2>"$T/g2.err" || fail "run 2 exited $?"
[ "$(server_stat "s['requests']")" = 5 ] || fail "run 2: want 2 + 3 requests"
[ "$(field "$T/g2/stories.jsonl" "r['story_id'], r['attempts']")" = "('tt9999901_lamp_room', 2)" ] \
    || fail "run 2: the lamp room passes on attempt 2"
[ "$(field "$T/g2/failures.jsonl" "r['story_id'], r['reason'], r['attempts'], len(r['tries'])")" = \
  "('tt9999901_kitchen', 'verification', 3, 3)" ] || fail "run 2: kitchen fails 3 attempts"
field "$T/g2/failures.jsonl" "[p['code'] for p in r['problems']]" | grep -q "quote-invented" \
    || fail "run 2: the failure's reason"
[ "$(grep -c "generate ground: tt9999901_kitchen: failed verification after 3 attempts" "$T/g2.err")" = 1 ] \
    || fail "run 2: one stderr line for the failed story"
[ "$(lines "$T/g2/attempts.jsonl")" = 5 ] || fail "run 2: 5 attempts verified"
# A rerun asks nothing: every answer is in the cache.
"$SM" generate ground --stories "$S" --context "$C" --out "$T/g2" --api-base "$BASE" --model m -q \
    2>/dev/null || fail "rerun 2"
[ "$(server_stat "s['requests']")" = 5 ] || fail "rerun 2 sent requests"
stop_server

# ---- 3. kill -9 and rerun ----
# 20 stories (copies of the two under new ids), each failing once then passing.
"$PY" - "$S" "$T/s20.jsonl" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i in range(10):
        for r in recs:
            f.write(json.dumps(dict(r, story_id="%s_copy%02d" % (r["story_id"], i))) + "\n")
EOF
"$SM" build "$SM_SOURCE_DIR/sample/movienet" --stories "$T/s20.jsonl" --out "$T/b20" 2>/dev/null || fail "build 20"
answers "$T/a3.json" "but the story gives it to Daniel Hale (char2)=L01" "but the story gives it to Daniel Hale (char1)=K01" \
    "$LAMP_COT=L10" "$KITCHEN_COT=K11"
start_server "$T" --answers "$T/a3.json" --delay 0.2 2>/dev/null   # (the kill breaks its pipes)
"$SM" generate ground --stories "$T/s20.jsonl" --context "$T/b20/context.jsonl" --out "$T/whole" \
    --api-base "$BASE" --model m -j 4 -q || fail "uninterrupted run"
[ "$(lines "$T/whole/stories.jsonl")" = 20 ] || fail "uninterrupted: 20 stories"
whole=$(server_stat "s['requests']")
[ "$whole" = 40 ] || fail "uninterrupted: want 40 requests, got $whole"
"$SM" generate ground --stories "$T/s20.jsonl" --context "$T/b20/context.jsonl" --out "$T/killed" \
    --api-base "$BASE" --model m -j 2 -q 2>/dev/null &
RUN_PID=$!
i=0
while [ "$(cache_rows "$T/killed/llm-cache.sqlite")" -lt 10 ]; do
    i=$((i + 1)); [ $i -le 300 ] || fail "the run cached nothing"
    sleep 0.1
done
kill -9 "$RUN_PID"; wait "$RUN_PID" 2>/dev/null || true; RUN_PID=
[ ! -e "$T/killed/stories.jsonl" ] || fail "a killed run left stories.jsonl"
cached=$(cache_rows "$T/killed/llm-cache.sqlite")
before=$(server_stat "s['requests']")
"$SM" generate ground --stories "$T/s20.jsonl" --context "$T/b20/context.jsonl" --out "$T/killed" \
    --api-base "$BASE" --model m -j 4 -q || fail "rerun after kill"
sent=$(( $(server_stat "s['requests']") - before ))
[ "$sent" = $((40 - cached)) ] || fail "rerun sent $sent requests; $cached of 40 were cached"
cmp -s "$T/whole/stories.jsonl" "$T/killed/stories.jsonl" || fail "rerun after kill: stories.jsonl differs"
[ "$(field "$T/killed/stories.jsonl" "r['story_id']" | sort | uniq -d)" = "" ] || fail "a story twice"
stop_server

# ---- 4. the key is written nowhere ----
KEY="sk-storymovie-test-$$-0123456789abcdef"
answers "$T/a4.json" "$LAMP_COT=L10" "$KITCHEN_COT=K01"
LLM_SERVER_EXPECT_KEY=$KEY start_server "$T" --answers "$T/a4.json" --log "$T/server.log"
STORYMOVIE_API_KEY=$KEY "$SM" generate ground --stories "$S" --context "$C" --out "$T/g4" \
    --api-base "$BASE" --model m -q 2>"$T/g4.err" || fail "run 4 exited $?"
[ "$(server_stat "s['requests']")" = 4 ] || fail "run 4: the key was refused"
if grep -rl "$KEY" "$T/g4" "$T/g4.err"; then fail "the API key is in a file the run wrote"; fi
stop_server

# ---- 5. a dead server, bad inputs ----
one_line() {        # one_line NAME OUTDIR: exit 1, one line on stderr, no output file
    [ "$rc" = 1 ] || fail "$1: exit $rc, want 1"
    [ "$(grep -c . "$T/err")" = 1 ] || { cat "$T/err" >&2; fail "$1: want one line on stderr"; }
    for f in stories.jsonl failures.jsonl summary.json; do
        [ ! -e "$2/$f" ] || fail "$1: wrote $f"
    done
}
dead_port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rc=0; "$SM" generate ground --stories "$S" --context "$C" --out "$T/dead" --api-base "http://127.0.0.1:$dead_port/v1" \
    --model m --retries 1 2>"$T/err" || rc=$?
one_line "dead server" "$T/dead"
grep -q "127.0.0.1:$dead_port" "$T/err" || fail "dead server: the line names the server"

"$PY" - "$C" "$T/other.jsonl" <<'EOF'
import json, sys
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for l in open(sys.argv[1], encoding="utf-8"):
        r = json.loads(l); r["story_id"] = "other_" + r["story_id"]; f.write(json.dumps(r) + "\n")
EOF
rc=0; "$SM" generate ground --stories "$S" --context "$T/other.jsonl" --out "$T/bad1" --model m 2>"$T/err" || rc=$?
one_line "context of another corpus" "$T/bad1"
grep -q "has no context record for any story" "$T/err" || fail "another corpus: message"

rc=0; "$SM" generate ground --stories "$S" --context "$C" --out "$T/bad2" --model m --story nope 2>"$T/err" || rc=$?
one_line "unknown story id" "$T/bad2"
grep -q "no story nope" "$T/err" || fail "unknown story id: message"

rc=0; "$SM" generate ground --stories "$C" --context "$C" --out "$T/bad3" --model m 2>"$T/err" || rc=$?
one_line "a context file as stories" "$T/bad3"

# A responses file with an unknown custom_id: the answers it gave are cached.
cp "$SM_SOURCE_DIR/sample/ground/responses.jsonl" "$T/resp.jsonl"
sed -n 1p "$T/resp.jsonl" | sed 's/"custom_id": "ground:[^"]*"/"custom_id": "ground:elsewhere:0123456789ab"/' >> "$T/resp.jsonl"
rc=0; "$SM" generate ground --stories "$S" --context "$C" --out "$T/bad4" --model hand-written-sample \
    --responses "$T/resp.jsonl" 2>"$T/err" || rc=$?
one_line "responses with an unknown id" "$T/bad4"
grep -q "ground:elsewhere" "$T/err" || fail "unknown id: the line names it"
[ "$(cache_rows "$T/bad4/llm-cache.sqlite")" = 4 ] || fail "unknown id: the answers read were not cached"

printf '{"id":1}\nnot json\n' > "$T/resp2.jsonl"
rc=0; "$SM" generate ground --stories "$S" --context "$C" --out "$T/bad5" --model m --responses "$T/resp2.jsonl" \
    2>"$T/err" || rc=$?
one_line "responses not JSON" "$T/bad5"
grep -q "resp2.jsonl:" "$T/err" || fail "responses not JSON: names the file"
echo "ok"
