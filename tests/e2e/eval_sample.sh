#!/bin/sh
# eval_sample.sh - the demo's evaluation on the bundled sample, from the
# hand-written answers in sample/eval (no server, no model):
#  - the answers still fit the requests the commands make: make_responses.py
#    --check rebuilds them and compares (a changed prompt, sample story or
#    context makes them stale, and this fails with the file named);
#  - scripts/demo_eval.sh runs through and its report has the numbers
#    worked out by hand from sample/eval/answers.txt.
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$PY" ] \
    || { echo "skip: python3 not found"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_eval_sample_XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
"$SM" generate --help >/dev/null 2>&1 || { echo "skip: no 'generate ground' in this build (the script-grounded stories come from it)"; exit 77; }

"$PY" "$SM_SOURCE_DIR/sample/eval/make_responses.py" "$SM" --check > "$T/check.out" 2>&1 \
    || { cat "$T/check.out" >&2; fail "sample/eval answers are stale: python3 sample/eval/make_responses.py BUILD/storymovie"; }

"$SM" build "$SM_SOURCE_DIR/sample/movienet" --stories "$SM_SOURCE_DIR/sample/stories.jsonl" --out "$T/out" -q \
    || fail "build"
"$SM" generate ground --stories "$SM_SOURCE_DIR/sample/stories.jsonl" --context "$T/out/context.jsonl" \
    --out "$T/out/ground" --model hand-written-sample --cache none \
    --responses "$SM_SOURCE_DIR/sample/ground/responses.jsonl" -q || fail "generate ground"
sh "$SM_SOURCE_DIR/scripts/demo_eval.sh" "$SM" "$T/out" > "$T/demo.out" 2> "$T/demo.err" \
    || { cat "$T/demo.err" >&2; fail "demo_eval.sh"; }
grep -q '^| script-grounded | storyreasoning | 100.0 \[100.0, 100.0\] | 75.0 \[50.0, 100.0\] | 50.0 \[50.0, 50.0\] |' \
    "$T/demo.out" || { cat "$T/demo.out" >&2; fail "judge row"; }
"$PY" - "$T/out/eval" <<'EOF' || fail "report numbers"
import json, sys
r = json.load(open(sys.argv[1] + "/report/report.json"))
m = {x["name"]: x for x in r["models"]}
# by hand, from answers.txt: 11 questions kept (2 dropped); storyreasoning
# answers 4 right (the folder, out of breath, the ledger, closes it),
# script-grounded 10 (all but Daniel softening)
assert (m["storyreasoning"]["qa"]["overall"]["correct"], m["storyreasoning"]["qa"]["overall"]["n"]) == (4, 11)
assert (m["script-grounded"]["qa"]["overall"]["correct"], m["script-grounded"]["qa"]["overall"]["n"]) == (10, 11)
assert m["script-grounded"]["qa"]["categories"]["dialogue"]["correct"] == 4
assert m["storyreasoning"]["qa"]["categories"]["dialogue"]["correct"] == 0
j = m["script-grounded"]["judge"][0]["criteria"]
assert (j["subtitle"]["wins"], j["synopsis"]["inconsistent"], j["description"]["invalid"]) == (2, 1, 1), j
assert m["storyreasoning"]["judge"] == []
assert m["script-grounded"]["structure"]["well_structured"] == 1
# dialogue: the script-grounded stories quote 13 lines, all said in the
# window, 12 given to a character, each to its aligned speaker; the original
# stories quote nothing
d = m["script-grounded"]["dialogue"]
assert (d["quotes"], d["found"], d["attributed"], d["checkable"], d["correct"]) == (13, 13, 12, 12, 12), d
assert m["storyreasoning"]["dialogue"]["quotes"] == 0 and m["storyreasoning"]["dialogue"]["fidelity"] is None
EOF
[ -s "$T/out/eval/report/report.svg" ] || fail "no report.svg"

# eval dialogue: stories of another film are refused, with one line
rc=0
"$SM" eval dialogue --stories "$SM_SOURCE_DIR/sample/stories.jsonl" --context "$T/none.jsonl" 2>"$T/d.err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l < "$T/d.err")" = 1 ] || { cat "$T/d.err" >&2; fail "dialogue without a context file: exit $rc"; }
sed 's/"story_id":"tt9999901_/"story_id":"other_/' "$T/out/context.jsonl" > "$T/other.jsonl"
rc=0
"$SM" eval dialogue --stories "$SM_SOURCE_DIR/sample/stories.jsonl" --context "$T/other.jsonl" 2>"$T/d.err" || rc=$?
[ "$rc" = 1 ] && grep -q "no story of it has a context record in" "$T/d.err" \
    || { cat "$T/d.err" >&2; fail "dialogue without matching records: exit $rc"; }
echo "ok"
