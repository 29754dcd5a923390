#!/bin/sh
# bench_build.sh - time `storymovie build` on a synthetic 1,000-film corpus.
#
#   sh bench/bench_build.sh [BUILD_DIR] [FILMS] [JOBS]
#
# Generates (once; kept under /tmp for reruns) a MovieNet-layout corpus of
# FILMS films (default 1000, ~4 stories each) whose screenplays and
# subtitles are symbolic links to the real ones in the shared data
# (bench/make_movienet_corpus.py), then runs, under /usr/bin/time -v:
#   1. a full build (every film aligned, every story linked), --jobs JOBS
#      (default: the number of cores);
#   2. the same build again (resume: every alignment reused, only linking);
# and prints wall time, CPU time and peak memory of each.  Target: the full
# build under 60 s on a 2-core machine.  Needs python3 and the shared data
# (SM_SHARED_DATA, default /work/shared/data).
set -eu
BUILD=${1:-build}
FILMS=${2:-1000}
JOBS=${3:-$(nproc 2>/dev/null || echo 2)}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SM="$BUILD/storymovie"
DATA=${SM_SHARED_DATA:-$HERE/../shared/data}
CORPUS=/tmp/storymovie_bench_corpus_$FILMS
OUT=/tmp/storymovie_bench_out_$FILMS

[ -x "$SM" ] || { echo "bench_build: no $SM (build first: make build)" >&2; exit 1; }
[ -d "$DATA" ] || { echo "bench_build: shared data not found at $DATA (set SM_SHARED_DATA); skipped" >&2; exit 0; }
[ -x /usr/bin/time ] || { echo "bench_build: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

if [ ! -f "$CORPUS/stories.jsonl" ]; then
    echo "bench_build: generating $FILMS films under $CORPUS ..." >&2
    rm -rf "$CORPUS"
    python3 "$HERE/bench/make_movienet_corpus.py" "$CORPUS" --films "$FILMS" --data "$DATA"
fi
stories=$(wc -l < "$CORPUS/stories.jsonl")

run() {   # label, extra args
    label=$1; shift
    /usr/bin/time -v "$SM" build "$CORPUS/movienet" --stories "$CORPUS/stories.jsonl" \
        --out "$OUT" -j "$JOBS" -q "$@" 2> "$OUT.time" || { cat "$OUT.time" >&2; exit 1; }
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT.time")
    user=$(sed -n 's/.*User time (seconds): //p' "$OUT.time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$OUT.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT.time")
    printf '%-28s wall %8s   user %7ss   sys %6ss   peak RSS %6.1f MB\n' \
        "$label" "$wall" "$user" "$sys" "$(echo "$rss" | awk '{print $1/1024}')"
}

echo "bench_build: $FILMS films, $stories stories, --jobs $JOBS, $(nproc) cores, $SM"
rm -rf "$OUT"
run "build (align + link)"
head -5 "$OUT/summary.txt" | sed 's/^/  /'
run "rebuild (resume: link only)"
echo "  context: $(wc -l < "$OUT/context.jsonl") records, $(du -h "$OUT/context.jsonl" | cut -f1); alignments: $(du -sh "$OUT/align" | cut -f1)"
