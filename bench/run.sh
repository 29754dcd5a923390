#!/bin/sh
# run.sh BUILD_DIR - `make bench`: every benchmark, one after another.
#
#   sh bench/run.sh [BUILD_DIR]          (default: build)
#
# Runs each benchmark executable BUILD_DIR/bench_* (they print figures and
# assert nothing), then the speaker-attribution accuracy run
# (bench/align_accuracy.sh), the 2,000-story dataset and exports
# (bench/bench_dataset.sh), the eval commands (bench/bench_eval.sh), the
# 1,000-film build timing (bench/bench_build.sh) and the view page of a
# 1,600-segment film drawn in headless Chromium (bench/view_render.py), each
# under a heading.  The shared data is read in
# place from $SM_SHARED_DATA, by default ../shared/data beside the
# repository; a benchmark that finds no data says so and measures nothing.
# Exit status: non-zero when a benchmark fails (the others still run).
set -u

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
# Absolute, so that the benchmarks may run from any directory.
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
DATA=${SM_SHARED_DATA:-$HERE/../shared/data}
[ -d "$DATA" ] && DATA=$(cd "$DATA" && pwd)
export SM_SHARED_DATA="$DATA"

if [ ! -x "$BUILD/storymovie" ]; then
    echo "bench: no $BUILD/storymovie (build first: make build)" >&2
    exit 1
fi
if [ ! -d "$DATA" ]; then
    echo "bench: shared data not found at $DATA (set SM_SHARED_DATA): the figures below measure what they can without it" >&2
fi

status=0
heading() {
    echo
    echo "==== $* ===="
}
note_failure() {   # name, exit status
    echo "bench: $1 failed (exit $2)" >&2
    status=1
}

found=0
for b in "$BUILD"/bench_*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    found=$((found + 1))
    name=$(basename "$b")
    heading "$name"
    # bench_story takes an output directory and bench_text file names, not
    # a data directory: they run bare (bench_text reads $SM_SHARED_DATA);
    # bench_llm starts its own local server and needs no data.
    # The others take the data directory as their argument.
    case $name in
        bench_story|bench_text|bench_llm) "$b" ;;
        *) if [ -d "$DATA" ]; then "$b" "$DATA"; else "$b"; fi ;;
    esac
    rc=$?
    [ "$rc" -eq 0 ] || note_failure "$name" "$rc"
done
[ "$found" -gt 0 ] || { echo "bench: no bench_* executables in $BUILD" >&2; status=1; }

heading "speaker attribution accuracy (bench/align_accuracy.sh)"
sh "$HERE/bench/align_accuracy.sh" "$BUILD/storymovie" "$DATA" || note_failure align_accuracy.sh $?

heading "2,000-story dataset and exports (bench/bench_dataset.sh)"
sh "$HERE/bench/bench_dataset.sh" "$BUILD" || note_failure bench_dataset.sh $?

heading "eval commands on 2,000 stories (bench/bench_eval.sh)"
sh "$HERE/bench/bench_eval.sh" "$BUILD" || note_failure bench_eval.sh $?

heading "1,000-film build (bench/bench_build.sh)"
sh "$HERE/bench/bench_build.sh" "$BUILD" || note_failure bench_build.sh $?

heading "generate ground and tell on 2,000 stories (bench/bench_generate.sh)"
sh "$HERE/bench/bench_generate.sh" "$BUILD" || note_failure bench_generate.sh $?

heading "view: a 1,600-segment film's page in headless Chromium (bench/view_render.py)"
python3 "$HERE/bench/view_render.py" "$BUILD/storymovie" || note_failure view_render.py $?

echo
if [ "$status" -eq 0 ]; then echo "bench: all benchmarks run"; else echo "bench: some benchmarks failed (see above)"; fi
exit $status
