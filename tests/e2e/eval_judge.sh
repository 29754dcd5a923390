#!/bin/sh
# eval_judge.sh - storymovie eval judge against the local test server
# (tests/llm_server.py), with outcomes designed story by story:
#
#  - every fault kind of the LLM layer on its own story: the recoverable
#    ones (429 with Retry-After, retry-after-ms, 500, a dropped connection,
#    a proxy's 502 page, keep-alive blank lines) are retried and judged; the
#    others (503 every time, a malformed body, 400 in both error shapes)
#    leave their story out as failed, and the run exits 1; a truncated
#    answer makes its story invalid;
#  - the counts, win rates (by hand) and bootstrap intervals (checked by an
#    independent Python implementation, bootstrap_check.py);
#  - a rerun asks only what failed; a run whose answers are all cached sends
#    nothing (the server counts);
#  - a batch round trip: --requests-out, `llm run` as the batch runner,
#    --responses gives the same summary;
#  - --show-prompt, and bad input.
set -eu
. "$SM_SOURCE_DIR/tests/llm_test_lib.sh"
T=$(mktemp -d /tmp/sm_e2e_eval_judge_XXXXXX)
trap 'stop_server; rm -rf "$T"' EXIT

# Stories s00..s41 (A: "ALPHA sNN. ...", B: "BETA sNN. ..."), a context
# record for each (the sample's lamp-room record under another id; s41's
# without synopsis), the server's answers per story and order.
"$PY" - "$SM_SOURCE_DIR/tests/golden/build_sample.context.jsonl" "$T" <<'EOF'
import json, sys
golden, out = sys.argv[1], sys.argv[2]
lamp = next(json.loads(l) for l in open(golden) if '"tt9999901_lamp_room"' in l)
faults = {30: "[[429x1]]", 31: "[[retrymsx1=300]]", 32: "[[500x1]]", 33: "[[dropx1]]",
          34: "[[html502x1]]", 35: "[[blank]]", 36: "[[503]]", 37: "[[malformed]]",
          38: "[[olderror]]", 39: "[[400]]", 40: "[[length]]"}
# (AB answer, BA answer): AB shows A first, BA shows B first
win, loss = ("A is closer.\n[[A]]", "B is closer.\n[[B]]"), ("[[B]]", "[[A]]")
plan = {}
for i in range(42):
    plan[i] = win
for i in (20, 21, 22):
    plan[i] = ("Equally good. [[C]]", "[[C]]")
for i in (23, 24):
    plan[i] = ("[[A]]", "[[A]]")                  # the first shown, both times: inconsistent
for i in (25, 26, 27, 28):
    plan[i] = loss
plan[29] = ("Story A is better.", "[[B]]")        # no mark in AB: invalid
ctx, a, b, rules = [], [], [], []
def story(sid, text):
    return {"story_id": sid, "images": ["x.jpg"], "frame_count": 1, "chain_of_thought": "", "story": text}
for i in range(42):
    sid = "s%02d" % i
    rec = dict(lamp, story_id=sid)
    if i == 41:
        rec["synopsis"] = []
    ctx.append(rec)
    a.append(story(sid, "<gdi image1>ALPHA %s. The keeper climbs the stairs. %s</gdi>" % (sid, faults.get(i, ""))))
    b.append(story(sid, "<gdi image1>BETA %s. A man waits by the door.</gdi>" % sid))
    rules.append({"match": "Story A:\nALPHA %s." % sid, "answer": plan[i][0]})
    rules.append({"match": "Story A:\nBETA %s." % sid, "answer": plan[i][1]})
a.append(story("s98", "ALPHA s98. No context record."))
b.append(story("s98", "BETA s98."))
b.append(story("s99", "BETA s99. Not in A."))
def dump(name, rows):
    with open(out + "/" + name, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
dump("context.jsonl", ctx)
dump("a.jsonl", a)
dump("b.jsonl", b)
dump("a_clean.jsonl", [s for s in a if s["story_id"] not in ("s36", "s37", "s38", "s39")])
json.dump(rules, open(out + "/answers.json", "w"))
EOF
start_server "$T" --answers "$T/answers.json"
J="$SM eval judge --a $T/a.jsonl --b $T/b.jsonl --context $T/context.jsonl --judge-model judge-model --a-name alpha --b-name beta"

# ---- 1. live, every fault ----
rc=0
$J --out "$T/j1" --api-base "$BASE" --retries 2 -q 2>"$T/j1.stderr" || rc=$?
[ "$rc" = 1 ] || { cat "$T/j1.stderr" >&2; fail "run 1: exit $rc, want 1 (requests failed)"; }
[ "$(server_stat "s['requests']")" = 292 ] || fail "run 1: server saw $(server_stat "s['requests']") attempts, want 292 (250 requests, 30 retries of the recovering faults (blank needs none), 12 of the 503s)"
for s in s36 s37 s38 s39; do
    [ "$(grep -c "judge:$s:" "$T/j1.stderr")" = 6 ] || { cat "$T/j1.stderr" >&2; fail "run 1: want 6 failure lines for $s"; }
done
grep -q "judge:s36:subtitle:AB:.*HTTP 503" "$T/j1.stderr" || fail "run 1: no 503 line"
grep -q "24 requests got no answer" "$T/j1.stderr" || fail "run 1: no closing line"

"$PY" - "$T/j1" <<'EOF' || fail "run 1: summary, outcomes or verdicts"
import json, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
assert list(s)[:3] == ["judge_model", "prompt_version", "criteria"], list(s)
assert s["judge_model"] == "judge-model" and s["prompt_version"] == "judge-v1", s
assert s["complete"] is False and s["stories"] == 42, s
assert (s["unpaired_a"], s["unpaired_b"], s["no_context"]) == (0, 1, 1), s
assert s["a"]["name"] == "alpha" and s["b"]["name"] == "beta", s
# by hand: 27 wins (s00-s19, s30-s35, s41), 5 ties (s20-s24, of which s23,
# s24 inconsistent), 4 losses (s25-s28), 2 invalid (s29: no mark; s40:
# truncated), 4 failed (s36-s39); synopsis: s41 has no reference
for crit in ("subtitle", "description"):
    t = s["criteria"][crit]
    want = dict(n=36, wins=27, ties=5, losses=4, inconsistent=2, invalid=2, failed=4, pending=0, no_reference=0)
    assert {k: t[k] for k in want} == want, (crit, t)
    assert abs(t["win_rate"] - 29.5 / 36) < 1e-6, t
t = s["criteria"]["synopsis"]
assert (t["n"], t["wins"], t["no_reference"]) == (35, 26, 1), t
assert abs(t["win_rate"] - 28.5 / 35) < 1e-6, t
for t in s["criteria"].values():
    assert t["ci"][0] < t["win_rate"] < t["ci"][1], t
llm = s["llm"]
assert (llm["requests"], llm["sent"], llm["retries"], llm["failed_transport"]) == (250, 250, 42, 24), llm
assert llm["truncated"] == 6, llm
outcomes = [json.loads(l) for l in open(d + "/outcomes.jsonl")]
assert len(outcomes) == 42 * 3, len(outcomes)
by = {(o["story_id"], o["criterion"]): o for o in outcomes}
assert by[("s23", "subtitle")]["outcome"] == "tie" and by[("s23", "subtitle")]["inconsistent"], by[("s23", "subtitle")]
assert by[("s25", "synopsis")]["outcome"] == "loss"
assert by[("s36", "subtitle")]["outcome"] == "failed" and by[("s36", "subtitle")]["ab"] is None
assert by[("s40", "subtitle")]["outcome"] == "invalid"
assert by[("s41", "synopsis")]["outcome"] == "no_reference"
assert all(o["judge_model"] == "judge-model" and o["prompt_version"] == "judge-v1" for o in outcomes)
verdicts = [json.loads(l) for l in open(d + "/verdicts.jsonl")]
assert len(verdicts) == 250 - 24, len(verdicts)
v = next(v for v in verdicts if v["story_id"] == "s07" and v["criterion"] == "synopsis" and v["order"] == "BA")
assert (v["verdict"], v["favours"], v["raw"]) == ("B", "a", "B is closer.\n[[B]]"), v
assert v["custom_id"].startswith("judge:s07:synopsis:BA:") and len(v["custom_id"].split(":")[-1]) == 12, v
assert v["judge_model"] == "judge-model" and v["prompt_version"] == "judge-v1"
v = next(v for v in verdicts if v["story_id"] == "s40")
assert v["verdict"] == "invalid" and v["truncated"] is True, v
v = next(v for v in verdicts if v["story_id"] == "s29" and v["order"] == "AB")
assert v["verdict"] == "invalid" and v["raw"] == "Story A is better.", v
EOF

# ---- 2. rerun: only the failed requests are asked again ----
before=$(server_stat "s['requests']")
rc=0
$J --out "$T/j1" --api-base "$BASE" --retries 2 -q 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "run 2: exit $rc, want 1"
after=$(server_stat "s['requests']")
[ $((after - before)) = 36 ] || fail "run 2: $((after - before)) attempts, want 36 (24 failed requests again, 12 retries)"
"$PY" -c "
import json, sys
l = json.load(open(sys.argv[1]))['llm']
assert (l['cached'], l['sent']) == (226, 24), l" "$T/j1/summary.json" || fail "run 2: counts"

# ---- 3. everything cached: nothing is sent ----
before=$(server_stat "s['requests']")
$SM eval judge --a "$T/a_clean.jsonl" --b "$T/b.jsonl" --context "$T/context.jsonl" --judge-model judge-model \
    --a-name alpha --b-name beta --out "$T/j3" --cache "$T/j1/llm-cache.sqlite" --api-base "$BASE" -q \
    || fail "run 3 failed"
[ "$(server_stat "s['requests']")" = "$before" ] || fail "run 3: the cached run sent requests"
"$PY" -c "
import json, sys
s = json.load(open(sys.argv[1]))
assert s['complete'] is True and (s['llm']['cached'], s['llm']['sent'], s['llm']['requests']) == (226, 0, 226), s" \
    "$T/j3/summary.json" || fail "run 3: counts"
cmp "$T/j1/verdicts.jsonl" "$T/j3/verdicts.jsonl" || fail "run 3: verdicts differ from run 1's"

# the bootstrap intervals, computed again independently
"$PY" "$SM_SOURCE_DIR/tests/e2e/bootstrap_check.py" "$T/j3" > "$T/boot.out" \
    || { cat "$T/boot.out" >&2; fail "bootstrap intervals differ from the independent computation"; }
[ -z "${SM_VERBOSE:-}" ] || cat "$T/boot.out"

# ---- 4. batch round trip ----
JC="$SM eval judge --a $T/a_clean.jsonl --b $T/b.jsonl --context $T/context.jsonl --judge-model judge-model --a-name alpha --b-name beta --cache none"
$JC --out "$T/j4" --requests-out "$T/batch.jsonl" -q || fail "--requests-out run failed"
[ "$(wc -l < "$T/batch.jsonl")" = 226 ] || fail "--requests-out: $(wc -l < "$T/batch.jsonl") lines, want 226"
"$PY" -c "
import json, sys
s = json.load(open(sys.argv[1]))
assert s['complete'] is False and s['criteria']['subtitle']['pending'] == 38 and s['criteria']['subtitle']['n'] == 0, s" \
    "$T/j4/summary.json" || fail "--requests-out: summary"
grep -q '"custom_id":"judge:s00:subtitle:AB:[0-9a-f]\{12\}","method":"POST","url":"/v1/chat/completions"' "$T/batch.jsonl" \
    || fail "--requests-out: not Batch lines with judge custom_ids"
rc=0
"$SM" llm run --requests "$T/batch.jsonl" --out "$T/batchrun" --api-base "$BASE" --cache none -q 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "the batch run: exit $rc, want 1 (the truncated answers)"
before=$(server_stat "s['requests']")
$JC --out "$T/j5" --responses "$T/batchrun/results.jsonl" -q || fail "--responses run failed"
[ "$(server_stat "s['requests']")" = "$before" ] || fail "--responses run used the network"
"$PY" -c "
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a['criteria'] == b['criteria'], (a['criteria'], b['criteria'])
assert b['llm']['from_responses'] == 226, b['llm']" "$T/j3/summary.json" "$T/j5/summary.json" \
    || fail "--responses: another result than the live run"

# ---- --show-prompt ----
$J --show-prompt s07 --criteria subtitle > "$T/prompt.txt" || fail "--show-prompt failed"
grep -q '^==== judge:s07:subtitle:AB:[0-9a-f]\{12\} (alpha shown first as Story A)$' "$T/prompt.txt" || fail "--show-prompt: AB"
grep -q '^==== judge:s07:subtitle:BA:[0-9a-f]\{12\} (beta shown first as Story A)$' "$T/prompt.txt" || fail "--show-prompt: BA"
[ "$(grep -c '^ALPHA s07\.' "$T/prompt.txt")" = 2 ] || fail "--show-prompt: story text"
"$PY" - "$T/prompt.txt" <<'EOF' || fail "--show-prompt: order of the stories"
import sys
t = open(sys.argv[1]).read()
ab, ba = t.split("==== judge:s07:subtitle:BA:")
assert ab.index("Story A:\nALPHA s07.") < ab.index("Story B:\nBETA s07."), ab
assert ba.index("Story A:\nBETA s07.") < ba.index("Story B:\nALPHA s07."), ba
EOF

# ---- bad input: one line, exit 1, nothing written ----
{ head -1 "$T/a.jsonl"; cat "$T/a.jsonl"; } > "$T/dup.jsonl"
rc=0
$SM eval judge --a "$T/dup.jsonl" --b "$T/b.jsonl" --context "$T/context.jsonl" --judge-model m --out "$T/bad1" \
    --cache none --responses "$T/batchrun/results.jsonl" 2>"$T/bad1.stderr" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l < "$T/bad1.stderr")" = 1 ] || { cat "$T/bad1.stderr" >&2; fail "duplicate story: exit $rc"; }
grep -q "dup.jsonl:2: story_id 's00' again (first on line 1)" "$T/bad1.stderr" || fail "duplicate story: message"
[ ! -e "$T/bad1/summary.json" ] || fail "duplicate story: output written"

# responses made for other inputs (here: judged by another model)
rc=0
$SM eval judge --a "$T/a_clean.jsonl" --b "$T/b.jsonl" --context "$T/context.jsonl" --judge-model other-model \
    --out "$T/bad2" --cache none --responses "$T/batchrun/results.jsonl" 2>"$T/bad2.stderr" || rc=$?
[ "$rc" = 1 ] || fail "foreign responses: exit $rc"
grep -q "results.jsonl:1: custom_id 'judge:.*' answers no request of this run" "$T/bad2.stderr" \
    || { cat "$T/bad2.stderr" >&2; fail "foreign responses: message"; }
[ ! -e "$T/bad2/summary.json" ] && [ ! -e "$T/bad2/verdicts.jsonl" ] || fail "foreign responses: output written"

rc=0
$J --out "$T/bad3" --criteria subtitle,plot 2>"$T/bad3.stderr" || rc=$?
[ "$rc" = 2 ] && grep -q "'plot' is not a criterion" "$T/bad3.stderr" || fail "--criteria plot: exit $rc"
echo "ok"
