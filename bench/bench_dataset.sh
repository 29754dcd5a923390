#!/bin/sh
# bench_dataset.sh - time `storymovie dataset` and `export sft` (both formats)
# on a synthetic corpus of 2,000 stories.
#
#   sh bench/bench_dataset.sh [BUILD_DIR] [FILMS] [STORIES_PER_FILM]
#
# Generates (once; kept under /tmp for reruns) a MovieNet-layout corpus of
# FILMS films (default 500) with STORIES_PER_FILM stories each (default 4,
# so 2,000 stories of 5-22 frames) without screenplays or subtitles
# (bench/make_movienet_corpus.py --no-text: needs no shared data), then
# times: the dataset, the TRL and the LLaMA-Factory SFT exports, and as a
# baseline `cp -al` of the dataset's split directories (hard-linking the same
# files with nothing else to do).  Then it checks what the issue asks:
# no film in both splits, a rerun byte-identical, every output passes
# tests/check_export.py.  Prints figures; asserts nothing about time.
set -eu
BUILD=${1:-build}
FILMS=${2:-500}
PER=${3:-4}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SM="$BUILD/storymovie"
CORPUS=/tmp/storymovie_bench_dataset_${FILMS}x$PER
OUT=/tmp/storymovie_bench_dataset_out
[ -x "$SM" ] || { echo "bench_dataset: no $SM (build first: make build)" >&2; exit 1; }

if [ ! -f "$CORPUS/stories.jsonl" ]; then
    echo "bench_dataset: generating $FILMS films x $PER stories under $CORPUS ..." >&2
    rm -rf "$CORPUS"
    python3 "$HERE/bench/make_movienet_corpus.py" "$CORPUS" --films "$FILMS" \
        --stories-per-film "$PER" --no-text
fi
rm -rf "$OUT"
mkdir -p "$OUT"

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

t0=$(now)
"$SM" dataset -q --stories "$CORPUS/stories.jsonl" --movienet "$CORPUS/movienet" --out "$OUT/ds"
t1=$(now)
"$SM" export sft -q --dataset "$OUT/ds" --format trl --out "$OUT/trl"
t2=$(now)
"$SM" export sft -q --dataset "$OUT/ds" --format llamafactory --out "$OUT/lf"
t3=$(now)
mkdir "$OUT/baseline"
cp -al "$OUT/ds/train" "$OUT/ds/test" "$OUT/baseline/"
t4=$(now)

stories=$(wc -l < "$CORPUS/stories.jsonl")
frames=$(find "$OUT/ds" -name '*.jpg' | wc -l)
total=$(( $(ms "$t0" "$t3") ))
base=$(ms "$t3" "$t4")
echo "bench_dataset: $stories stories, $frames frames, $FILMS films, $(nproc) cores, $SM"
printf '  %-34s %6d ms\n' "dataset" "$(ms "$t0" "$t1")"
printf '  %-34s %6d ms\n' "export sft --format trl" "$(ms "$t1" "$t2")"
printf '  %-34s %6d ms\n' "export sft --format llamafactory" "$(ms "$t2" "$t3")"
printf '  %-34s %6d ms   (target: under 5000 ms)\n' "dataset + both exports" "$total"
printf '  %-34s %6d ms   (cp -al of the dataset splits: the linking alone)\n' "baseline" "$base"
if [ "$base" -gt 0 ]; then
    echo "  dataset + both exports / baseline: $(awk -v a="$total" -v b="$base" 'BEGIN{printf "%.1f", a/b}')x"
fi

# The promises: no film in both splits, the same bytes on a rerun, the
# trainers' rules.
"$SM" dataset -q --stories "$CORPUS/stories.jsonl" --movienet "$CORPUS/movienet" --out "$OUT/ds2"
if diff -r "$OUT/ds" "$OUT/ds2" >/dev/null; then same=identical; else same=DIFFERENT; fi
"$SM" dataset -q --stories "$CORPUS/stories.jsonl" --movienet "$CORPUS/movienet" --out "$OUT/ds"
if diff -r "$OUT/ds" "$OUT/ds2" >/dev/null; then again=identical; else again=DIFFERENT; fi
echo "  rerun into a new directory: $same; rerun over the existing one: $again"
python3 "$HERE/tests/check_export.py" "$OUT/ds" --films-disjoint | sed 's/^/  /'
python3 "$HERE/tests/check_export.py" "$OUT/trl" | sed 's/^/  /'
python3 "$HERE/tests/check_export.py" "$OUT/lf" | sed 's/^/  /'
