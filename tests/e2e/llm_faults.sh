#!/bin/sh
# llm_faults.sh - the live client against every scripted fault of the local
# server (tests/llm_server.py): what was retried and how often (the server
# counts), that Retry-After / retry-after-ms were waited for, what is never
# retried, and one stderr line per failed request.  Counts, not timings: the
# only time compared is a lower bound (a wait the client must not cut short).
set -eu
. "$SM_SOURCE_DIR/tests/llm_test_lib.sh"
T=$(mktemp -d /tmp/sm_e2e_llm_faults_XXXXXX)
trap 'stop_server; rm -rf "$T"' EXIT
start_server "$T" --log "$T/server.log"

R="$T/requests.jsonl"
make_requests "$R" \
    "plain" \
    "rate limited once [[429x1]]" \
    "rate limited in ms [[retrymsx1=400]]" \
    "server error once [[500x1]]" \
    "always unavailable [[503]]" \
    "dropped mid-body once [[dropx1]]" \
    "proxy page once [[html502x1]]" \
    "keep-alive lines first [[blank]]" \
    "cut JSON [[malformed]]" \
    "old error shape [[olderror]]" \
    "bad request [[400]]" \
    "cut at max_tokens [[length]]"

rc=0
"$SM" llm run --requests "$R" --out "$T/out" --api-base "$BASE" -j 4 --retries 2 \
    2> "$T/stderr" || rc=$?
[ "$rc" -eq 1 ] || { cat "$T/stderr" >&2; fail "exit $rc, want 1 (some requests failed)"; }

want() {   # TEXT ATTEMPTS
    got=$(attempts "$1" "$R")
    [ "$got" = "$2" ] || fail "'$1': server saw $got attempts, want $2"
}
want "plain" 1
want "rate limited once [[429x1]]" 2
want "rate limited in ms [[retrymsx1=400]]" 2
want "server error once [[500x1]]" 2
want "always unavailable [[503]]" 3          # --retries 2: three attempts, then a failure
want "dropped mid-body once [[dropx1]]" 2
want "proxy page once [[html502x1]]" 2
want "keep-alive lines first [[blank]]" 1
want "cut JSON [[malformed]]" 1             # not in the retry list
want "old error shape [[olderror]]" 1       # 400: never retried
want "bad request [[400]]" 1
want "cut at max_tokens [[length]]" 1
[ "$(server_stat "s['requests']")" = 19 ] || fail "server saw $(server_stat "s['requests']") requests, want 19"

# The waits the server asked for were kept (lower bounds: robust on a slow machine).
g=$(gap "rate limited once [[429x1]]" "$R")
"$PY" -c "import sys; sys.exit(0 if $g >= 0.95 else 1)" || fail "Retry-After: 1 not waited for (gap $g s)"
g=$(gap "rate limited in ms [[retrymsx1=400]]" "$R")
"$PY" -c "import sys; sys.exit(0 if $g >= 0.38 else 1)" || fail "retry-after-ms: 400 not waited for (gap $g s)"

# One line per failed request, each naming the request and the problem.
grep -q 'test:s004:.*HTTP 503.*(3 attempts)' "$T/stderr" || fail "no 503 line"
grep -q 'test:s008:.*HTTP 200 but the body is not a JSON object' "$T/stderr" || fail "no malformed line"
grep -q 'test:s009:.*HTTP 400: old-shape error: bad request' "$T/stderr" || fail "old error shape not read"
grep -q "test:s010:.*HTTP 400: This model's maximum context length" "$T/stderr" || fail "no 400 line"
grep -q 'test:s011:.*truncated: finish_reason "length"' "$T/stderr" || fail "truncation not reported"
[ "$(grep -c '^storymovie: llm run: test:' "$T/stderr")" = 5 ] || { cat "$T/stderr" >&2; fail "want 5 failure lines"; }

# results.jsonl: every request once, in input order, answers where they came.
"$PY" - "$T/out/results.jsonl" "$T/out/summary.json" <<'EOF' || fail "results/summary"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["custom_id"].split(":")[1] for r in rows] == ["s%03d" % i for i in range(12)], rows
ok = [r for r in rows if r["response"] and r["response"]["status_code"] == 200 and r["response"]["body"]]
assert len(ok) == 8, len(ok)          # 7 whole answers and the truncated one
assert rows[8]["response"] is None and rows[8]["error"]["code"] == "malformed"
assert rows[10]["response"]["status_code"] == 400
assert rows[11]["response"]["body"]["choices"][0]["finish_reason"] == "length"
s = json.load(open(sys.argv[2]))
assert (s["requests"], s["sent"], s["retries"], s["cached"]) == (12, 12, 7, 0), s
assert (s["answered"], s["truncated"], s["failed_transport"], s["passed"]) == (8, 1, 4, 7), s
assert s["failures"] == {"http": 3, "connection": 0, "malformed": 1, "missing": 0}, s
assert s["prompt_tokens"] > 0 and s["completion_tokens"] > 0
EOF

# An answer slower than --timeout: the attempt is given up and retried, then
# the request fails with one line.  (A run of its own: a short --timeout for
# everything would be fragile on a loaded machine.)
S="$T/slow.jsonl"
make_requests "$S" "too slow [[slow=6]]"
rc=0
"$SM" llm run --requests "$S" --out "$T/slow" --api-base "$BASE" --timeout 1 --retries 1 \
    2> "$T/slow.stderr" || rc=$?
[ "$rc" -eq 1 ] || fail "slow: exit $rc, want 1"
[ "$(attempts "too slow [[slow=6]]" "$S")" = 2 ] || fail "slow: want 2 attempts"
grep -q 'test:s000:.*no answer within --timeout 1 s (2 attempts)' "$T/slow.stderr" \
    || { cat "$T/slow.stderr" >&2; fail "slow: no time-out line"; }
echo "ok"
