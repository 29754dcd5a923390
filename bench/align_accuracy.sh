#!/bin/sh
# align_accuracy.sh STORYMOVIE [DATA] - speaker attribution on the Friends
# development episodes: verbatim fan transcripts, then draft-like scripts made
# by draftify.py with seeds 1, 2, 3.  Prints accuracy, coverage, precision and
# calibration per run.  Reads the data in place (../shared/data).
set -eu
sm=$1
data=${2:-$(dirname "$0")/../../shared/data}
# Absolute: the manifests written below name files by this path, and align
# reads a manifest's relative paths against the manifest's own directory.
[ -d "$data" ] && data=$(cd "$data" && pwd)
tools=$data/../tools
friends=$data/friends
if [ ! -d "$friends" ]; then
    echo "align_accuracy: $friends not found: skipped" >&2
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

run() {   # run NAME MANIFEST
    "$sm" align -q --manifest "$2" --out "$work/$1" --force
    echo "== $1"
    "$sm" eval speakers --errors ${ERRORS:-5} "$friends" "$work/$1"
}

for d in "$friends"/*/; do
    id=$(basename "$d")
    printf '%s\t%s\t%s\n' "$id" "$d/transcript.txt" "$d/subtitles.srt"
done > "$work/verbatim.tsv"
run verbatim "$work/verbatim.tsv"

# The interpreter's own path, resolved once: a version-manager shim (pyenv)
# costs a second or more per call, and draftify runs once per episode.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || py=
if [ -n "$py" ] && [ -f "$tools/draftify.py" ]; then
    for seed in ${SEEDS:-1 2 3}; do
        mkdir -p "$work/draft$seed-scripts"
        : > "$work/draft$seed.tsv"
        for d in "$friends"/*/; do
            id=$(basename "$d")
            "$py" "$tools/draftify.py" "$d/transcript.txt" "$seed" > "$work/draft$seed-scripts/$id.txt"
            printf '%s\t%s\t%s\n' "$id" "$work/draft$seed-scripts/$id.txt" "$d/subtitles.srt" >> "$work/draft$seed.tsv"
        done
        run "draft$seed" "$work/draft$seed.tsv"
    done
fi
