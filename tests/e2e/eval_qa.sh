#!/bin/sh
# eval_qa.sh - storymovie eval qa make and qa run against the local test
# server (tests/llm_server.py):
#
#  make: the sample's lamp-room context under six ids, each with a fault
#    marker in a screenplay line (none, 429 once, a dropped connection once,
#    503 always, a truncated answer, a malformed body); questions kept and
#    dropped with their reasons; a rerun from the cache sends nothing; a
#    batch round trip writes the same questions;
#  run: nineteen hand-written questions about stories that carry fault
#    markers (answer stage) or whose answers carry them (grade stage);
#    grades by the grader, "not stated" by rule, invalid grades, truncated
#    answers, failures; accuracy per category (by hand) with Wilson
#    intervals (computed again here); a fully cached rerun sends nothing;
#    a two-round batch run (answers, then grades) gives the same summary.
set -eu
. "$SM_SOURCE_DIR/tests/llm_test_lib.sh"
T=$(mktemp -d /tmp/sm_e2e_eval_qa_XXXXXX)
trap 'stop_server; rm -rf "$T"' EXIT

"$PY" - "$SM_SOURCE_DIR/tests/golden/build_sample.context.jsonl" "$T" <<'EOF'
import json, sys
golden, out = sys.argv[1], sys.argv[2]
lamp = next(json.loads(l) for l in open(golden) if '"tt9999901_lamp_room"' in l)
markers = ["", "[[429x1]]", "[[dropx1]]", "[[503]]", "[[length]]", "[[malformed]]"]
with open(out + "/context.jsonl", "w") as f:
    for i, m in enumerate(markers):
        rec = json.loads(json.dumps(lamp))
        rec["story_id"] = "q%02d" % i
        rec["script"][0]["text"] += " " + m
        f.write(json.dumps(rec) + "\n")
with open(out + "/context_clean.jsonl", "w") as f:
    for line in open(out + "/context.jsonl"):
        if '"q03"' not in line and '"q05"' not in line:
            f.write(line)

def q(category, question, answer, evidence):
    return {"category": category, "question": question, "answer": answer, "evidence": evidence}
full = [q("dialogue", 'Who says "Nobody reads it."?', "Daniel Hale", ["cue 27.1"]),
        q("relationships", "What is Martha to Daniel?", "his aunt", ["block 20"]),
        q("actions", "What does Martha polish?", "the lens", ["block 99"]),           # not in the context
        q("dialogue", 'Who says "I read it."?', "Daniel", ["cue 27.2"])]             # MARTHA says it
one = [q("emotions", "How is Daniel when he arrives?", "out of breath", ["block 19"])]
make_rules = [{"match": m, "answer": json.dumps(one)} for m in markers[1:]]
make_rules.append({"match": "Write questions", "answer": "Here you are:\n" + json.dumps(full)})

# qa run: (id, category, question, key, story text, answer, grade answer)
R = [("r00", "relationships", "What is Ann to Bo?", "sister", "", "his sister", "[[CORRECT]]"),
     ("r01", "relationships", "What is Cy to Di?", "father", "", "her uncle", "Another relation. [[WRONG]]"),
     ("r02", "actions", "What does Ann carry?", "a lamp", "", "a lamp", "[[CORRECT]]"),
     ("r03", "actions", "What does Bo do at night?", "runs", "", "Not stated.", None),
     ("r04", "emotions", "How does Ann feel?", "afraid", "", "scared", "[[CORRECT]]"),
     ("r05", "emotions", "How does Bo feel?", "angry", "", "calm", "[[CORRECT]] or [[WRONG]]?"),
     ("r06", "dialogue", "Who says hello?", "Ann", "", "Ann", "[[CORRECT]]"),
     ("r07", "dialogue", "Who says goodbye?", "Bo", "[[429x1]]", "Bo", "[[CORRECT]]"),
     ("r08", "actions", "What does Cy do?", "sails", "[[dropx1]]", "sails", "[[CORRECT]]"),
     ("r09", "actions", "What does Di do?", "sings", "[[503]]", "sings", "[[CORRECT]]"),
     ("r10", "emotions", "How does Cy feel?", "glad", "[[length]]", "glad", "[[CORRECT]]"),
     ("r11", "relationships", "What is Eve to Bo?", "wife", "", "his wife [[500x1]]", "[[CORRECT]]"),
     ("r12", "dialogue", "Who says thanks?", "Cy", "", "Cy [[olderror]]", "[[CORRECT]]"),
     ("r13", "dialogue", "Who says nothing?", "Di", "", "Di", "[[CORRECT]]"),
     ("r14", "dialogue", "Who says yes?", "Di", "[[blank]]", "Di", "[[CORRECT]]"),
     ("r15", "dialogue", "Who says no?", "Eve", "[[html502x1]]", "Eve", "[[CORRECT]]"),
     ("r16", "actions", "What does Eve do?", "rows", "[[malformed]]", "rows", "[[CORRECT]]"),
     ("r17", "dialogue", "Who says maybe?", "Fay", "", "Fay [[retrymsx1=300]]", "[[CORRECT]]"),
     ("r18", "emotions", "How does Fay feel?", "tired", "[[400]]", "tired", "[[CORRECT]]")]
grade_rules, answer_rules = [], []
with open(out + "/questions.jsonl", "w") as fq, open(out + "/questions_clean.jsonl", "w") as fc, \
        open(out + "/stories.jsonl", "w") as fs:
    for sid, cat, question, key, mark, answer, grade in R:
        story = sid if sid != "r13" else "r99"                # r13's story is not in the stories file
        line = json.dumps({"id": sid + ":q1", "story_id": story, "category": cat, "question": question,
                           "answer": key, "evidence": [{"block": 1}]}) + "\n"
        fq.write(line)
        if sid not in ("r09", "r12", "r16", "r18"):           # the ones that always fail
            fc.write(line)
        fs.write(json.dumps({"story_id": sid, "images": ["x.jpg"], "frame_count": 1, "chain_of_thought": "",
                             "story": "<gdi image1>Story %s. <gdo char1>Ann</gdo> waits. %s</gdi>" % (sid, mark)}) + "\n")
        if grade:
            grade_rules.append({"match": "Question: %s\nAnswer key: %s\n" % (question, key), "answer": grade})
        answer_rules.append({"match": "Question: " + question, "answer": answer})
json.dump(make_rules + grade_rules + answer_rules, open(out + "/answers.json", "w"))
EOF
start_server "$T" --answers "$T/answers.json"

# ======== make ========
rc=0
"$SM" eval qa make --context "$T/context.jsonl" --out "$T/m1/questions.jsonl" --model writer --api-base "$BASE" \
    --retries 1 -q 2>"$T/m1.stderr" || rc=$?
[ "$rc" = 1 ] || { cat "$T/m1.stderr" >&2; fail "make: exit $rc, want 1 (two stories failed)"; }
# 6 requests; retries: 429 once, drop once, 503 once more (--retries 1)
[ "$(server_stat "s['requests']")" = 9 ] || fail "make: server saw $(server_stat "s['requests']") attempts, want 9"
grep -q "qa-make:q03:.*HTTP 503" "$T/m1.stderr" || fail "make: no 503 line"
grep -q "qa-make:q05:.*not a JSON object" "$T/m1.stderr" || { cat "$T/m1.stderr" >&2; fail "make: no malformed line"; }
"$PY" - "$T/m1" <<'EOF' || fail "make: outputs"
import json, sys
d = sys.argv[1]
qs = [json.loads(l) for l in open(d + "/questions.jsonl")]
assert [q["id"] for q in qs] == ["q00:q1", "q00:q2", "q01:q1", "q02:q1"], [q["id"] for q in qs]
assert qs[0] == {"id": "q00:q1", "story_id": "q00", "movie": "tt9999901", "category": "dialogue",
                 "question": 'Who says "Nobody reads it."?', "answer": "Daniel Hale",
                 "evidence": [{"cue": 27, "segment": 1}], "model": "writer", "prompt_version": "qa-make-v1",
                 "custom_id": qs[0]["custom_id"]}, qs[0]
assert qs[0]["custom_id"].startswith("qa-make:q00:")
dropped = [json.loads(l) for l in open(d + "/questions.dropped.jsonl")]
assert [(x["story_id"], x["index"], x["drop"]) for x in dropped] == [
    ("q00", 3, "evidence-missing"), ("q00", 4, "dialogue-speaker"), ("q04", None, "truncated")], dropped
s = json.load(open(d + "/questions.summary.json"))
assert (s["stories"], s["questions"], s["dropped"], s["unreadable"], s["failed"], s["pending"]) == (6, 4, 2, 1, 2, 0), s
assert s["by_category"] == {"relationships": 1, "actions": 0, "emotions": 2, "dialogue": 1}, s
assert s["complete"] is False and s["llm"]["retries"] == 3, s
EOF
# the questions file reads back; none is about a story of this file: exit 1
"$SM" eval qa run --questions "$T/m1/questions.jsonl" --stories "$T/stories.jsonl" --out "$T/none" \
    --model m --requests-out "$T/none.jsonl" --cache none -q 2>/dev/null && fail "questions about no story: exit 0"

# all cached: nothing sent
before=$(server_stat "s['requests']")
"$SM" eval qa make --context "$T/context_clean.jsonl" --out "$T/m2/questions.jsonl" --model writer \
    --cache "$T/m1/llm-cache.sqlite" --api-base "$BASE" -q || fail "make from the cache failed"
[ "$(server_stat "s['requests']")" = "$before" ] || fail "make from the cache sent requests"
cmp "$T/m1/questions.jsonl" "$T/m2/questions.jsonl" || fail "make from the cache: other questions"

# batch round trip
"$SM" eval qa make --context "$T/context_clean.jsonl" --out "$T/m3/questions.jsonl" --model writer --cache none \
    --requests-out "$T/make-batch.jsonl" -q || fail "make --requests-out failed"
[ "$(wc -l < "$T/make-batch.jsonl")" = 4 ] || fail "make --requests-out: want 4 requests"
[ ! -s "$T/m3/questions.jsonl" ] || fail "make --requests-out wrote questions without answers"
"$SM" llm run --requests "$T/make-batch.jsonl" --out "$T/make-run" --api-base "$BASE" --cache none -q 2>/dev/null || true
"$SM" eval qa make --context "$T/context_clean.jsonl" --out "$T/m4/questions.jsonl" --model writer --cache none \
    --responses "$T/make-run/results.jsonl" -q || fail "make --responses failed"
cmp "$T/m1/questions.jsonl" "$T/m4/questions.jsonl" || fail "make --responses: other questions"

# ======== run ========
before=$(server_stat "s['requests']")
rc=0
"$SM" eval qa run --questions "$T/questions.jsonl" --stories "$T/stories.jsonl" --out "$T/r1" --model reader \
    --grader-model grader --name tuned --api-base "$BASE" --retries 2 -q 2>"$T/r1.stderr" || rc=$?
[ "$rc" = 1 ] || { cat "$T/r1.stderr" >&2; fail "run: exit $rc, want 1"; }
# answers: 18 + retries (429, drop, 502 page once each, 503 twice); grades: 13 + (500, retry-after-ms once each)
[ $(( $(server_stat "s['requests']") - before )) = 38 ] || fail "run: $(( $(server_stat "s['requests']") - before )) attempts, want 38"
"$PY" - "$T/r1" <<'EOF' || fail "run: outputs"
import json, math, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
assert (s["model"], s["grader_model"], s["prompt_version"], s["name"]) == ("reader", "grader", "qa-run-v1", "tuned"), s
assert (s["questions"], s["no_story"], s["complete"]) == (18, 1, False), s
# by hand (see the table above)
want = {"relationships": (2, 1, 0, 0), "actions": (2, 1, 0, 2), "emotions": (1, 0, 2, 1), "dialogue": (5, 0, 0, 1)}
z = 1.959963984540054
def wilson(k, n):
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, c - h), min(1.0, c + h)
for cat, (correct, wrong, invalid, failed) in list(want.items()) + [("overall", (10, 2, 2, 4))]:
    t = s["categories"][cat] if cat != "overall" else s["overall"]
    assert (t["correct"], t["wrong"], t["invalid"], t["failed"], t["pending"]) == (correct, wrong, invalid, failed, 0), (cat, t)
    n = correct + wrong
    assert t["n"] == n and abs(t["accuracy"] - correct / n) < 1e-6, (cat, t)
    lo, hi = wilson(correct, n)
    assert abs(t["ci"][0] - lo) < 5e-6 and abs(t["ci"][1] - hi) < 5e-6, (cat, t, lo, hi)
rows = {r["id"]: r for r in map(json.loads, open(d + "/answers.jsonl"))}
assert len(rows) == 18 and "r13:q1" not in rows
assert (rows["r03:q1"]["grade"], rows["r03:q1"]["graded_by"], rows["r03:q1"]["grade_custom_id"]) == ("wrong", "rule", None)
assert (rows["r05:q1"]["grade"], rows["r05:q1"]["grader_raw"]) == ("invalid", "[[CORRECT]] or [[WRONG]]?")
assert (rows["r10:q1"]["grade"], rows["r10:q1"]["answer_status"]) == ("invalid", "truncated")
assert (rows["r09:q1"]["grade"], rows["r09:q1"]["answer"]) == ("failed", None)
assert rows["r12:q1"]["grade"] == "failed" and rows["r12:q1"]["answer"] == "Cy [[olderror]]"
r = rows["r01:q1"]
assert (r["key"], r["answer"], r["grade"], r["graded_by"], r["model"], r["grader_model"]) == \
    ("father", "her uncle", "wrong", "grader", "reader", "grader"), r
assert r["answer_custom_id"].startswith("qa-answer:r01:q1:") and r["grade_custom_id"].startswith("qa-grade:r01:q1:"), r
EOF

# all cached: nothing sent
before=$(server_stat "s['requests']")
QC="$SM eval qa run --questions $T/questions_clean.jsonl --stories $T/stories.jsonl --model reader --grader-model grader --name tuned"
$QC --out "$T/r2" --cache "$T/r1/llm-cache.sqlite" --api-base "$BASE" -q 2>/dev/null || fail "run from the cache failed"
[ "$(server_stat "s['requests']")" = "$before" ] || fail "run from the cache sent requests"
"$PY" -c "
import json, sys
s = json.load(open(sys.argv[1]))
assert s['complete'] and (s['llm']['requests'], s['llm']['cached'], s['llm']['sent']) == (26, 26, 0), s['llm']" \
    "$T/r2/summary.json" || fail "run from the cache: counts"

# batch: answers in round 1, grades in round 2
$QC --out "$T/r3" --cache none --requests-out "$T/round1.jsonl" -q 2>/dev/null || fail "round 1 failed"
[ "$(wc -l < "$T/round1.jsonl")" = 14 ] || fail "round 1: want 14 answer requests"
"$SM" llm run --requests "$T/round1.jsonl" --out "$T/run1" --api-base "$BASE" --cache none -q 2>/dev/null || true
$QC --out "$T/r3" --cache none --responses "$T/run1/results.jsonl" --requests-out "$T/round2.jsonl" -q 2>/dev/null \
    || fail "round 2 failed"
[ "$(wc -l < "$T/round2.jsonl")" = 12 ] || fail "round 2: want 12 grade requests"
grep -q '"custom_id":"qa-grade:r00:q1:' "$T/round2.jsonl" || fail "round 2: not grade requests"
"$SM" llm run --requests "$T/round2.jsonl" --out "$T/run2" --api-base "$BASE" --cache none -q 2>/dev/null || true
cat "$T/run1/results.jsonl" "$T/run2/results.jsonl" > "$T/results.jsonl"
before=$(server_stat "s['requests']")
$QC --out "$T/r4" --cache none --responses "$T/results.jsonl" -q 2>/dev/null || fail "round 3 failed"
[ "$(server_stat "s['requests']")" = "$before" ] || fail "round 3 used the network"
"$PY" -c "
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert (a['categories'], a['overall']) == (b['categories'], b['overall']), (a, b)
assert b['complete'] and b['llm']['from_responses'] == 26" "$T/r2/summary.json" "$T/r4/summary.json" \
    || fail "batch rounds: another result than the live run"

# bad input: a story file given as questions
rc=0
"$SM" eval qa run --questions "$T/stories.jsonl" --stories "$T/stories.jsonl" --out "$T/bad" --model m -q \
    2>"$T/bad.stderr" || rc=$?
[ "$rc" = 1 ] && grep -q "stories.jsonl:1: not questions (the output of .eval qa make.): this looks like story records" "$T/bad.stderr" \
    || { cat "$T/bad.stderr" >&2; fail "a story file as questions: exit $rc"; }
[ ! -e "$T/bad/summary.json" ] || fail "bad input: output written"
echo "ok"
