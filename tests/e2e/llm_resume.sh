#!/bin/sh
# llm_resume.sh - N requests in flight, and a run killed with kill -9.
#
# 1. -j 8 against answers that take a second: the server counts 8 requests
#    in flight at its peak, never more.
# 2. A run is killed (SIGKILL) while answers arrive; the rerun moves the
#    killed run's log into the cache, sends only what the cache lacks and
#    writes the same results as a run that was never interrupted: every
#    request once, none lost, none asked twice except the few that were in
#    flight at the kill.
# 3. Two runs share one cache at once, half their requests the same: both
#    end well, the cache holds every answer once and no log, and a rerun of
#    either sends nothing.
set -eu
. "$SM_SOURCE_DIR/tests/llm_test_lib.sh"
T=$(mktemp -d /tmp/sm_e2e_llm_resume_XXXXXX)
RUN_PID=
trap '[ -n "$RUN_PID" ] && kill -9 "$RUN_PID" 2>/dev/null; stop_server; rm -rf "$T"' EXIT

# ---- 1. in flight ----
start_server "$T" --delay 1
texts=""
i=0
while [ $i -lt 24 ]; do texts="$texts story-$i"; i=$((i + 1)); done
# shellcheck disable=SC2086
make_requests "$T/r24.jsonl" $texts
"$SM" llm run --requests "$T/r24.jsonl" --out "$T/j8" --api-base "$BASE" -j 8 -q \
    || fail "-j 8 run failed"
peak=$(server_stat "s['peak_in_flight']")
[ "$peak" = 8 ] || fail "server saw $peak requests in flight at most, want 8"
[ "$(server_stat "s['requests']")" = 24 ] || fail "want 24 requests"
stop_server

# ---- 2. kill -9 and rerun ----
start_server "$T" --delay 0.3
texts=""
i=0
while [ $i -lt 60 ]; do texts="$texts request-$i"; i=$((i + 1)); done
# shellcheck disable=SC2086
make_requests "$T/r60.jsonl" $texts
"$SM" llm run --requests "$T/r60.jsonl" --out "$T/killed" --api-base "$BASE" -j 4 -q 2>"$T/killed.stderr" &
RUN_PID=$!
i=0
while [ "$(cache_rows "$T/killed/llm-cache.sqlite")" -lt 12 ]; do
    i=$((i + 1))
    [ $i -le 600 ] || fail "no answers cached within 60 s"
    kill -0 "$RUN_PID" 2>/dev/null || fail "the run ended before it could be killed"
    sleep 0.1
done
kill -9 "$RUN_PID"
wait "$RUN_PID" 2>/dev/null || true
RUN_PID=
[ ! -e "$T/killed/results.jsonl" ] || fail "a killed run left results.jsonl"
# its answers are in its log, beside the cache (docs/llm.md, "The cache")
ls "$T/killed/llm-cache.sqlite".log.* >/dev/null 2>&1 || fail "the killed run left no log"
cached=$(cache_rows "$T/killed/llm-cache.sqlite")
before=$(server_stat "s['requests']")
"$SM" llm run --requests "$T/r60.jsonl" --out "$T/killed" --api-base "$BASE" -j 4 -q || fail "rerun failed"
after=$(server_stat "s['requests']")
! ls "$T/killed/llm-cache.sqlite".log.* >/dev/null 2>&1 || fail "the rerun left the killed run's log"
"$PY" - "$T/killed/summary.json" "$cached" "$before" "$after" <<'EOF' || fail "rerun counts"
import json, sys
s = json.load(open(sys.argv[1]))
cached, before, after = map(int, sys.argv[2:])
assert s["requests"] == 60 and s["cached"] >= cached, (s, cached)
assert s["cached"] + s["sent"] == 60, s           # only what the cache lacked was sent
assert after - before == s["sent"], (s, before, after)
assert before <= 60 + 4, before                   # at the kill: at most -j 4 answers lost in flight
EOF
# Over both runs, no request asked more than twice, and at most 4 twice.
twice=$(server_stat "sum(1 for n in s['attempts'].values() if n > 1)")
most=$(server_stat "max(s['attempts'].values())")
[ "$twice" -le 4 ] && [ "$most" -le 2 ] || fail "$twice requests asked again (most $most times)"
[ "$(server_stat "len(s['attempts'])")" = 60 ] || fail "not every request reached the server"

# The same results as a run that was never interrupted.
"$SM" llm run --requests "$T/r60.jsonl" --out "$T/clean" --api-base "$BASE" -j 4 -q || fail "clean run"
cmp "$T/killed/results.jsonl" "$T/clean/results.jsonl" || fail "results differ after kill -9 and rerun"
[ "$(wc -l < "$T/clean/results.jsonl")" = 60 ] || fail "want 60 result lines"

# ---- 3. two runs, one cache ----
texts=""
i=0
while [ $i -lt 40 ]; do texts="$texts shared-$i"; i=$((i + 1)); done
# shellcheck disable=SC2086
make_requests "$T/s40.jsonl" $texts
head -n 20 "$T/s40.jsonl" > "$T/s20.jsonl"   # the same 20 first requests, the same ids
C="$T/shared.sqlite"
"$SM" llm run --requests "$T/s20.jsonl" --out "$T/sa" --cache "$C" --api-base "$BASE" -j 4 -q &
RUN_PID=$!
"$SM" llm run --requests "$T/s40.jsonl" --out "$T/sb" --cache "$C" --api-base "$BASE" -j 4 -q \
    || fail "the second of two runs on one cache failed"
wait "$RUN_PID" || fail "the first of two runs on one cache failed"
RUN_PID=
[ "$(cache_rows "$C")" = 40 ] || fail "two runs on one cache: $(cache_rows "$C") answers, want 40"
! ls "$C".log.* "$C".new-log.* >/dev/null 2>&1 || fail "two runs on one cache left a log"
head -n 20 "$T/sb/results.jsonl" | cmp -s - "$T/sa/results.jsonl" || fail "the shared requests' results differ"
before=$(server_stat "s['requests']")
"$SM" llm run --requests "$T/s40.jsonl" --out "$T/sc" --cache "$C" --api-base "$BASE" -j 4 -q || fail "rerun"
[ "$(server_stat "s['requests']")" = "$before" ] || fail "a rerun on the shared cache sent requests"
cmp -s "$T/sb/results.jsonl" "$T/sc/results.jsonl" || fail "the rerun's results differ"
echo "ok"
