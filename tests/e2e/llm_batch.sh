#!/bin/sh
# llm_batch.sh - batch runs (--requests-out, then --responses), bad input,
# a server that is down, the API key, and the progress line.
#
#  - --requests-out writes the requests that have no answer as Batch input
#    lines, bodies byte for byte; their results (here made by `llm run`
#    itself, as vLLM's run_batch would) read back with --responses answer
#    every request without the network, and land in the cache;
#  - a responses file with a line that is not JSON, or with a custom_id no
#    request asked for: one line naming file and line, exit 1, no results
#    file, and what was answered stays in the cache;
#  - a server that is down: one line, exit 1, no results, no summary;
#  - the key: sent as "Authorization: Bearer" (the server checks), and in no
#    file the runs wrote and no message, even when the server echoes it;
#  - progress is drawn on a terminal only.
set -eu
. "$SM_SOURCE_DIR/tests/llm_test_lib.sh"
T=$(mktemp -d /tmp/sm_e2e_llm_batch_XXXXXX)
trap 'stop_server; rm -rf "$T"' EXIT
KEY="sk-e2e-$$-QWERTYzxcvbn0123456789"
export STORYMOVIE_API_KEY="$KEY"
LLM_SERVER_EXPECT_KEY="$KEY" start_server "$T" --log "$T/server.log"
R="$T/requests.jsonl"
make_requests "$R" one two three four five "six [[echo-auth]]"

# ---- --requests-out, a batch run, --responses ----
"$SM" llm run --requests "$R" --out "$T/o1" --requests-out "$T/batch.jsonl" -q 2>"$T/o1.stderr" \
    || fail "--requests-out run failed"
cmp "$R" "$T/batch.jsonl" || fail "--requests-out did not write the requests byte for byte"
[ ! -s "$T/o1/results.jsonl" ] || fail "answers without a source?"
"$PY" -c "import json,sys; s=json.load(open(sys.argv[1])); assert (s['written'], s['sent']) == (6, 0), s" \
    "$T/o1/summary.json" || fail "summary of the --requests-out run"

# the batch run (what run_batch would do on a GPU cluster)
"$SM" llm run --requests "$T/batch.jsonl" --out "$T/batchrun" --api-base "$BASE" --cache none -q \
    2>"$T/batchrun.stderr" || { cat "$T/batchrun.stderr" >&2; fail "batch run failed"; }
sent=$(server_stat "s['requests']")
[ "$sent" = 6 ] || fail "batch run: $sent requests, want 6"
"$PY" -c "
import json, sys
for line in open(sys.argv[1]):
    if json.loads(line)['auth_ok'] is not True: sys.exit(1)
" "$T/server.log" || fail "the key was not sent as 'Authorization: Bearer'"

"$SM" llm run --requests "$R" --out "$T/o2" --responses "$T/batchrun/results.jsonl" -q \
    || fail "--responses run failed"
[ "$(server_stat "s['requests']")" = 6 ] || fail "--responses run used the network"
cmp "$T/batchrun/results.jsonl" "$T/o2/results.jsonl" || fail "results differ from the batch run's"
[ "$(cache_rows "$T/o2/llm-cache.sqlite")" = 6 ] || fail "answers from --responses not cached"
# ... and then the cache alone answers them
"$SM" llm run --requests "$R" --out "$T/o2" -q || fail "rerun from the cache failed"
"$PY" -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['cached'] == 6, s" "$T/o2/summary.json" \
    || fail "rerun not from the cache"

# ---- bad input: one clear line each, no partial output ----
one_line() {   # NAME STDERR PATTERN
    [ "$(wc -l < "$2")" = 1 ] || { cat "$2" >&2; fail "$1: want one line on stderr"; }
    grep -q "$3" "$2" || { cat "$2" >&2; fail "$1: stderr does not say '$3'"; }
}
{ head -2 "$T/batchrun/results.jsonl"; echo '{"custom_id": broken'; } > "$T/notjson.jsonl"
rc=0
"$SM" llm run --requests "$R" --out "$T/o3" --responses "$T/notjson.jsonl" -q 2>"$T/o3.stderr" || rc=$?
[ "$rc" = 1 ] || fail "non-JSON responses line: exit $rc"
one_line "non-JSON line" "$T/o3.stderr" "notjson.jsonl:3: not JSON"
[ ! -e "$T/o3/results.jsonl" ] || fail "non-JSON responses line: results written"

{ head -3 "$T/batchrun/results.jsonl"
  echo '{"id":"x","custom_id":"test:elsewhere:000000000000","response":{"status_code":200,"request_id":"","body":{}},"error":null}'
} > "$T/unknown.jsonl"
rc=0
"$SM" llm run --requests "$R" --out "$T/o4" --responses "$T/unknown.jsonl" --requests-out "$T/o4-again.jsonl" \
    -q 2>"$T/o4.stderr" || rc=$?
[ "$rc" = 1 ] || fail "unknown id: exit $rc"
one_line "unknown id" "$T/o4.stderr" "unknown.jsonl:4: custom_id 'test:elsewhere:000000000000' answers no request of this run"
[ ! -e "$T/o4/results.jsonl" ] && [ ! -e "$T/o4-again.jsonl" ] || fail "unknown id: output written"
[ "$(cache_rows "$T/o4/llm-cache.sqlite")" = 3 ] || fail "unknown id: the 3 answers read are not kept in the cache"

printf '%s\n' '{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"m"}}' > "$T/badreq.jsonl"
rc=0
"$SM" llm run --requests "$T/badreq.jsonl" --out "$T/o5" --api-base "$BASE" -q 2>"$T/o5.stderr" || rc=$?
[ "$rc" = 1 ] || fail "bad request file: exit $rc"
one_line "bad request file" "$T/o5.stderr" "badreq.jsonl:1: url must be /v1/chat/completions"

# ---- a server that is down ----
DEAD=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rc=0
"$SM" llm run --requests "$R" --out "$T/o6" --api-base "http://127.0.0.1:$DEAD/v1" --retries 1 -q \
    2>"$T/o6.stderr" || rc=$?
[ "$rc" = 1 ] || fail "dead server: exit $rc"
one_line "dead server" "$T/o6.stderr" "cannot reach the model server at http://127.0.0.1:$DEAD/v1/chat/completions"
[ ! -e "$T/o6/results.jsonl" ] && [ ! -e "$T/o6/summary.json" ] || fail "dead server: output written"

# ---- the key ----
grep -q '"done": "ok"' "$T/server.log" || fail "server log empty?"
grep -q "Bearer \[redacted\]" "$T/batchrun/results.jsonl" || fail "the echoed key was not redacted"
if grep -r -l -F "$KEY" "$T"/o* "$T"/batch* "$T"/*.stderr; then
    fail "the API key is in a file a run wrote (above)"
fi

# ---- progress: on a terminal only ----
if grep -q "$(printf '\r')" "$T"/*.stderr; then fail "progress drawn without a terminal"; fi
if command -v script >/dev/null 2>&1; then
    script -qec "'$SM' llm run --requests '$R' --out '$T/o7' --cache '$T/o2/llm-cache.sqlite'" /dev/null > "$T/tty.out" 2>&1 || true
    grep -q "llm run: 6/6 done" "$T/tty.out" || { cat "$T/tty.out" >&2; fail "no progress line on a terminal"; }
fi
echo "ok"
