#!/bin/sh
# eval_report.sh - eval structure and eval report, end to end:
#  - structure on the sample stories (and refusals of bad input);
#  - a report over two model directories holding the outputs of eval
#    grounding, language, structure, a judge comparison and QA: Markdown
#    rows, report.json, an SVG that parses as XML;
#  - the report refuses models scored on different stories, an incomplete
#    judge run, and a file that is not the summary its name says.
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$PY" ] \
    || { echo "skip: python3 not found"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_eval_report_XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
S="$SM_SOURCE_DIR/sample/stories.jsonl"

# ---- structure ----
"$SM" eval structure --stories "$S" > "$T/structure.jsonl" 2> "$T/structure.err" || fail "eval structure"
[ "$(wc -l < "$T/structure.jsonl")" = 3 ] || fail "structure: want 2 story lines and the summary"
grep -q '^2 stories: 2 well structured (100.0%); pronouns grounded 1 of 8' "$T/structure.err" \
    || { cat "$T/structure.err" >&2; fail "structure: summary line"; }
tail -1 "$T/structure.jsonl" | grep -q '"type":"summary","stories":2,"story_set":"[0-9a-f]\{12\}","well_structured":1,' \
    || fail "structure: summary record"
printf '%s\n' '{"story_id":"x","story":"<gdi image1>a</gdi>"' > "$T/broken.jsonl"
rc=0
"$SM" eval structure --stories "$T/broken.jsonl" -o "$T/never.jsonl" 2> "$T/broken.err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l < "$T/broken.err")" = 1 ] && grep -q "broken.jsonl:1:" "$T/broken.err" \
    || { cat "$T/broken.err" >&2; fail "structure on a broken line: exit $rc"; }
[ ! -e "$T/never.jsonl" ] || fail "structure on bad input wrote output"

# ---- two model directories ----
for m in base tuned; do
    mkdir -p "$T/$m/qa" "$T/$m/judge"
    "$SM" eval structure --stories "$S" -o "$T/$m/structure.jsonl" -q
    "$SM" eval grounding --pred "$S" --ref "$S" -o "$T/$m/grounding.jsonl" 2>/dev/null
    "$SM" eval language --pred "$S" --ref "$S" -o "$T/$m/language.jsonl" 2>/dev/null
done
rm -r "$T/base/judge"
"$PY" - "$T" <<'EOF'
import json, sys
t = sys.argv[1]
def tally(n, w, ties, inc, l, rate, lo, hi):
    return {"n": n, "wins": w, "ties": ties, "losses": l, "inconsistent": inc, "invalid": 0,
            "win_rate": rate, "ci": [lo, hi], "failed": 0, "pending": 0, "no_reference": 0}
judge = {"judge_model": "judge-m", "prompt_version": "judge-v1",
         "criteria": {"subtitle": tally(263, 230, 12, 5, 21, 0.897338, 0.859316, 0.931559),
                      "synopsis": tally(263, 221, 19, 9, 23, 0.876426, 0.836502, 0.912548),
                      "description": tally(263, 150, 34, 20, 79, 0.634981, 0.583650, 0.686312)},
         "complete": True, "a": {"name": "tuned", "file": "t.jsonl"}, "b": {"name": "base", "file": "b.jsonl"},
         "stories": 263, "story_set": "0123456789ab"}
json.dump(judge, open(t + "/tuned/judge/summary.json", "w"))
def qa(correct, n):
    cats = {}
    for c, (k, m) in zip(["relationships", "actions", "emotions", "dialogue"], zip(correct, n)):
        cats[c] = {"n": m, "correct": k, "wrong": m - k, "invalid": 0, "failed": 0, "pending": 0,
                   "accuracy": k / m, "ci": [k / m - 0.05, min(1, k / m + 0.05)]}
    tot = sum(correct), sum(n)
    return {"model": "reader", "grader_model": "grader", "prompt_version": "qa-run-v1", "categories": cats,
            "overall": {"n": tot[1], "correct": tot[0], "wrong": tot[1] - tot[0], "invalid": 0, "failed": 0,
                        "pending": 0, "accuracy": tot[0] / tot[1], "ci": [0.5, 0.7]},
            "complete": True, "questions": 300, "question_set": "aaaaaaaaaaaa", "stories": 263,
            "story_set": "0123456789ab"}
json.dump(qa([36, 74, 68, 12], [76, 76, 76, 72]), open(t + "/base/qa/summary.json", "w"))
json.dump(qa([72, 74, 68, 66], [76, 76, 76, 72]), open(t + "/tuned/qa/summary.json", "w"))
EOF
"$SM" eval report --out "$T/report" "$T/base" "$T/tuned" > "$T/report.md" 2> "$T/report.err" \
    || { cat "$T/report.err" >&2; fail "report"; }
cmp "$T/report.md" "$T/report/report.md" || fail "report.md differs from standard output"
grep -q '^| tuned | base | 89.7 \[85.9, 93.2\] | 87.6 \[83.7, 91.3\] | 63.5 \[58.4, 68.6\] | judge-m, judge-v1 |$' "$T/report.md" \
    || { cat "$T/report.md" >&2; fail "report: judge row"; }
grep -q '^| tuned | 94.7 \[89.7, 99.7\] | 97.4 \[92.4, 100.0\] | 89.5 \[84.5, 94.5\] | 91.7 \[86.7, 96.7\] | 93.3 \[50.0, 70.0\] | reader, grader |$' \
    "$T/report.md" || { cat "$T/report.md" >&2; fail "report: QA row"; }
grep -q '^| base | 100.0 | 100.0 | 100.0 | 100.0 | 100.0 | 100.0 |$' "$T/report.md" || fail "report: grounding row"
grep -q '^## Language (2 stories)$' "$T/report.md" || fail "report: language section"
"$PY" - "$T/report" <<'EOF' || fail "report.json or report.svg"
import json, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
assert [m["name"] for m in r["models"]] == ["base", "tuned"]
assert r["models"][1]["judge"][0]["criteria"]["subtitle"]["wins"] == 230
assert r["models"][0]["judge"] == [] and r["models"][0]["dialogue"] is None
svg = ET.parse(d + "/report.svg").getroot()
assert svg.tag.endswith("svg")
texts = [e.text for e in svg.iter() if e.tag.endswith("text") and e.text]
assert "tuned vs base" in texts and "dialogue" in texts and "89.7" in texts, texts
EOF

# ---- refusals ----
refuse() {   # NAME PATTERN DIR...
    name=$1 pattern=$2; shift 2
    rc=0
    "$SM" eval report "$@" > /dev/null 2> "$T/refuse.err" || rc=$?
    [ "$rc" = 1 ] && [ "$(wc -l < "$T/refuse.err")" = 1 ] && grep -q "$pattern" "$T/refuse.err" \
        || { cat "$T/refuse.err" >&2; fail "$name: exit $rc"; }
}
mkdir -p "$T/other"
head -1 "$S" > "$T/one.jsonl"
"$SM" eval structure --stories "$T/one.jsonl" -o "$T/other/structure.jsonl" -q
refuse "other stories" "other/structure.jsonl: scored 1 stories, .*base/structure.jsonl 2: not the same stories" \
    "$T/base" "$T/other"
mkdir -p "$T/late/judge"
sed 's/"complete": true/"complete": false/' "$T/tuned/judge/summary.json" > "$T/late/judge/summary.json"
refuse "incomplete judge" "late/judge/summary.json: the run is not complete" "$T/late"
mkdir -p "$T/mixed"
cp "$T/base/grounding.jsonl" "$T/mixed/structure.jsonl"
refuse "wrong file" "mixed/structure.jsonl: not the summary of 'eval structure'" "$T/mixed"
mkdir -p "$T/empty"
refuse "nothing" "nothing to report" "$T/empty"
refuse "not a directory" "not a directory of eval outputs" "$T/nowhere"
echo "ok"
