#!/bin/sh
# bench_eval.sh - how fast the eval commands are.
#
#   sh bench/bench_eval.sh [BUILD_DIR]
#
# Makes (once; kept under /tmp for reruns) a synthetic corpus of 500 films
# and 2,000 stories (bench/make_movienet_corpus.py, screenplays and
# subtitles linked from the shared data), builds its context records, and
# writes story texts the size and shape of script-grounded ones
# (bench/make_eval_stories.py: tags, pronouns, quotations of the window's
# subtitles - right, misattributed, invented).  Then times, best of three
# whole runs of the command (start-up included):
#   1. eval structure over the 2,000 stories
#      (baseline: story check, which reads and checks the same file);
#   2. eval dialogue over the 2,000 stories and their context records
#      (baseline: eval dialogue on one story: reading the 2,000 context
#      records);
#   3. eval judge --requests-out for 263 stories x 3 criteria x 2 orders
#      (their 263 context records; up to 1,578 requests, fewer where a
#      window has no synopsis; baseline: llm run writing the same requests from
#      the Batch file the judge wrote);
#   4. eval qa make --requests-out for the 263 stories, and eval qa run
#      --requests-out for 8 questions each (2,104 answer requests).
# Targets (the issue's): 1 + 2 under 1 s; 3 under 1 s.  Needs python3 and
# the shared data (SM_SHARED_DATA, default ../shared/data).
set -eu
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SM="$BUILD/storymovie"
DATA=${SM_SHARED_DATA:-$HERE/../shared/data}
W=/tmp/storymovie_bench_eval

[ -x "$SM" ] || { echo "bench_eval: no $SM (build first: make build)" >&2; exit 1; }
[ -d "$DATA" ] || { echo "bench_eval: shared data not found at $DATA (set SM_SHARED_DATA); skipped" >&2; exit 0; }
command -v python3 >/dev/null || { echo "bench_eval: python3 not found; skipped" >&2; exit 0; }

if [ ! -f "$W/ready" ]; then
    echo "bench_eval: making 2,000 stories under $W ..." >&2
    rm -rf "$W"
    mkdir -p "$W"
    python3 "$HERE/bench/make_movienet_corpus.py" "$W/corpus" --films 500 --data "$DATA" >/dev/null
    "$SM" build "$W/corpus/movienet" --stories "$W/corpus/stories.jsonl" --out "$W/out" -q
    python3 "$HERE/bench/make_eval_stories.py" "$W/corpus/stories.jsonl" "$W/out/context.jsonl" "$W/stories.jsonl"
    python3 "$HERE/bench/make_eval_stories.py" "$W/corpus/stories.jsonl" "$W/out/context.jsonl" "$W/other.jsonl" --seed 2
    head -263 "$W/stories.jsonl" > "$W/a263.jsonl"
    head -263 "$W/other.jsonl" > "$W/b263.jsonl"
    python3 - "$W/a263.jsonl" "$W/questions.jsonl" <<'EOF'
import json, sys
cats = ["relationships", "actions", "emotions", "dialogue"]
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        sid = json.loads(line)["story_id"]
        for k in range(8):
            out.write(json.dumps({"id": "%s:q%d" % (sid, k + 1), "story_id": sid, "category": cats[k % 4],
                                  "question": "Question %d about what happens to the keeper?" % k,
                                  "answer": "the answer %d" % k, "evidence": [{"block": 1}]}) + "\n")
EOF
    python3 - "$W/out/context.jsonl" "$W/a263.jsonl" "$W/a263ctx.jsonl" <<'EOF'
import json, sys
want = {json.loads(l)["story_id"] for l in open(sys.argv[2])}
with open(sys.argv[3], "w") as out:
    for l in open(sys.argv[1]):
        if json.loads(l)["story_id"] in want:
            out.write(l)
EOF
    touch "$W/ready"
fi
C="$W/out/context.jsonl"

# best of three wall times of a command, in seconds
best() {
    b=
    for _ in 1 2 3; do
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "bench_eval: failed: $*" >&2; exit 1; }
        t1=$(date +%s.%N)
        b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{d = $2 - $1; print (d < $3 ? d : $3)}')
    done
    echo "$b"
}
line() {   # label, seconds, baseline label, baseline seconds
    printf '%-52s %6.3f s' "$1" "$2"
    [ -z "${3:-}" ] || printf '   (%s %.3f s: x%.2f)' "$3" "$4" "$(echo "$2 $4" | awk '{print $1 / $2}')"
    printf '\n'
}

n=$(wc -l < "$W/stories.jsonl")
echo "bench_eval: $n stories ($(du -h "$W/stories.jsonl" | cut -f1)), context $(du -h "$C" | cut -f1), $(nproc) cores"
base=$(best "$SM" story check "$W/stories.jsonl")
t=$(best "$SM" eval structure --stories "$W/stories.jsonl" -o /dev/null -q)
line "eval structure, $n stories" "$t" "story check" "$base"
head -1 "$W/stories.jsonl" > "$W/one.jsonl"
tc=$(best "$SM" eval dialogue --stories "$W/one.jsonl" --context "$C" -o /dev/null -q)
td=$(best "$SM" eval dialogue --stories "$W/stories.jsonl" --context "$C" -o /dev/null -q)
line "eval dialogue, $n stories" "$td" "reading the contexts" "$tc"
line "eval dialogue + eval structure" "$(echo "$t $td" | awk '{print $1 + $2}')"

rm -f "$W/judge.jsonl"
tj=$(best "$SM" eval judge --a "$W/a263.jsonl" --b "$W/b263.jsonl" --context "$W/a263ctx.jsonl" --out "$W/judge" \
    --judge-model bench --cache none --requests-out "$W/judge.jsonl" -q)
req=$(wc -l < "$W/judge.jsonl")
tl=$(best "$SM" llm run --requests "$W/judge.jsonl" --out "$W/llmrun" --cache none --requests-out "$W/again.jsonl" -q)
line "eval judge --requests-out, $req requests" "$tj" "llm run, same requests" "$tl"
tm=$(best "$SM" eval qa make --context "$W/a263ctx.jsonl" --out "$W/qa/q.jsonl" --model bench --cache none \
    --requests-out "$W/make.jsonl" -q)
line "eval qa make --requests-out, $(wc -l < "$W/make.jsonl") requests" "$tm"
tr=$(best "$SM" eval qa run --questions "$W/questions.jsonl" --stories "$W/a263.jsonl" --out "$W/qarun" \
    --model bench --cache none --requests-out "$W/answer.jsonl" -q)
line "eval qa run --requests-out, $(wc -l < "$W/answer.jsonl") requests" "$tr"
line "judge + qa make + qa run request building" "$(echo "$tj $tm $tr" | awk '{print $1 + $2 + $3}')"
