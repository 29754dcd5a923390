#!/bin/sh
# demo_eval.sh - the last step of `make demo`: score two "models" on the
# sample's stories and print the report table.
#
#   sh scripts/demo_eval.sh BUILD/storymovie OUTDIR
#
# The models are the original StoryReasoning stories (sample/stories.jsonl)
# and the script-grounded ones `generate ground` wrote into
# OUTDIR/ground/stories.jsonl (run scripts/demo.sh first: it builds
# OUTDIR/context.jsonl and OUTDIR/ground).  The judge's, question writer's,
# answering model's and grader's answers are replayed from sample/eval/*.jsonl:
# WRITTEN BY HAND FOR THIS PROJECT (sample/eval/answers.txt), no model was
# run.  Everything goes under OUTDIR/eval; the report under
# OUTDIR/eval/report (report.md, report.json, report.svg).
set -eu

SM=${1:?usage: sh scripts/demo_eval.sh PATH/TO/storymovie OUTDIR}
OUT=${2:?usage: sh scripts/demo_eval.sh PATH/TO/storymovie OUTDIR}
HERE=$(cd "$(dirname "$0")/.." && pwd)
C="$OUT/context.jsonl"
GROUND="$OUT/ground/stories.jsonl"
ORIGINAL="$HERE/sample/stories.jsonl"
E="$OUT/eval"
ANS="$HERE/sample/eval"
HAND="--cache none -q"

for f in "$C" "$GROUND"; do
    [ -f "$f" ] || { echo "demo_eval: $f missing: run scripts/demo.sh first" >&2; exit 1; }
done
rm -rf "$E"
mkdir -p "$E/storyreasoning" "$E/script-grounded"

stories_of() { [ "$1" = storyreasoning ] && echo "$ORIGINAL" || echo "$GROUND"; }

echo "== storymovie eval structure / dialogue (no model): the original and the script-grounded stories" >&2
for m in storyreasoning script-grounded; do
    "$SM" eval structure --stories "$(stories_of $m)" -o "$E/$m/structure.jsonl" -q
    if "$SM" eval dialogue --help >/dev/null 2>&1; then
        "$SM" eval dialogue --stories "$(stories_of $m)" --context "$C" -o "$E/$m/dialogue.jsonl" -q
    fi
done

echo "== storymovie eval judge --a script-grounded --b storyreasoning, eval qa make, eval qa run (each model)" >&2
echo "   Judge, question writer, answering model and grader are replayed from sample/eval/*.jsonl" >&2
echo "   (written by hand for this project, no model was run; sample/eval/answers.txt)." >&2
"$SM" eval judge --a "$GROUND" --b "$ORIGINAL" --context "$C" --judge-model hand-written-sample \
    --a-name script-grounded --b-name storyreasoning --out "$E/script-grounded/judge" \
    --responses "$ANS/judge.jsonl" $HAND
"$SM" eval qa make --context "$C" --out "$E/questions.jsonl" --model hand-written-sample \
    --responses "$ANS/qa-make.jsonl" $HAND
for m in storyreasoning script-grounded; do
    "$SM" eval qa run --questions "$E/questions.jsonl" --stories "$(stories_of $m)" --out "$E/$m/qa" \
        --model hand-written-sample --name "$m" --responses "$ANS/qa-run-$m.jsonl" $HAND
done
echo >&2

echo "== storymovie eval report --out $E/report $E/storyreasoning $E/script-grounded" >&2
"$SM" eval report --out "$E/report" "$E/storyreasoning" "$E/script-grounded"
echo
echo "Report: $E/report/report.md, report.json, report.svg (win rates and QA accuracy with their intervals);"
echo "per model: $E/*/ (docs/eval.md has every format)."
