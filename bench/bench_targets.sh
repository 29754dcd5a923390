#!/bin/sh
# bench_targets.sh - the stage-two speed targets, as median of 5 runs of
# wall and CPU time (user + system), with the load average.
#
#   sh bench/bench_targets.sh [BUILD_DIR]
#
# Uses the corpora that bench/bench_generate.sh (500 films) and
# bench/bench_eval.sh leave under /tmp: run each once first.  Targets
# (issues #10 and #12), all for ~2,000 stories:
#   1. generate ground, rerun from the cache            < 1 s
#   2. generate ground --images file --requests-out     < 1 s
#   3. eval dialogue + eval structure                   < 1 s
set -eu
BUILD=${1:-build}
SM="$BUILD/storymovie"
G=/tmp/storymovie_bench_generate_500
CORPUS=/tmp/storymovie_bench_corpus_500
E=/tmp/storymovie_bench_eval
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

[ -x "$SM" ] || { echo "bench_targets: no $SM (build first: make build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_targets: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
[ -d "$G/g" ] && [ -f "$E/ready" ] || {
    echo "bench_targets: run bench/bench_generate.sh $BUILD 500 and bench/bench_eval.sh $BUILD first" >&2; exit 1; }
# The rerun writes its outputs: a copy of the first run's, cache included.
cp -r "$G/g" "$W/g"

# median of 5: wall and CPU seconds of a command
median5() {
    : > "$W/runs"
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f '%e %U %S' -o "$W/t" "$@" >/dev/null 2>&1 || { echo "bench_targets: failed: $*" >&2; exit 1; }
        awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$W/t" >> "$W/runs"
    done
    w=$(cut -d' ' -f1 "$W/runs" | sort -n | sed -n 3p)
    c=$(cut -d' ' -f2 "$W/runs" | sort -n | sed -n 3p)
    echo "$w $c"
}
line() {   # label, "wall cpu"
    set -- "$1" $2
    printf '%-48s wall %6.3f s   cpu %6.3f s\n' "$1" "$2" "$3"
}

echo "bench_targets: $SM, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
S="$CORPUS/stories.jsonl"
C="$G/b/context.jsonl"
line "generate ground, rerun from the cache ($(wc -l < "$C"))" \
    "$(median5 "$SM" generate ground --stories "$S" --context "$C" --out "$W/g" --model bench --max-attempts 1 -q)"
line "generate ground --images file --requests-out" \
    "$(median5 "$SM" generate ground --stories "$S" --context "$C" --out "$W/r1" --model bench --images file \
        --movienet "$CORPUS/movienet" --cache none --requests-out "$W/r1.jsonl" -q)"
st=$(median5 "$SM" eval structure --stories "$E/stories.jsonl" -o /dev/null -q)
dl=$(median5 "$SM" eval dialogue --stories "$E/stories.jsonl" --context "$E/out/context.jsonl" -o /dev/null -q)
line "eval structure ($(wc -l < "$E/stories.jsonl") stories)" "$st"
line "eval dialogue" "$dl"
line "eval dialogue + eval structure" "$(echo "$st $dl" | awk '{print $1 + $3, $2 + $4}')"
echo "bench_targets: load average after $(cut -d' ' -f1-3 /proc/loadavg)"
