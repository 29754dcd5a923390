#!/bin/bash
# align_friends.sh - speaker attribution on the Friends development
# episodes (../shared/data/friends, read in place), as a regression guard:
#   verbatim fan transcripts:      accuracy  >= 99.0%
#   draft-like scripts (seed 1):   precision >= 98.0%, accuracy >= 79.0%,
#                                  precision at confidence >= 0.9 >= 97%
# Skips (exit 77) when the data or python3 is missing.
set -u
SM=${SM:?path to storymovie}
SRC=${SM_SOURCE_DIR:?}
DATA=${SM_SHARED_DATA:-$SRC/../shared/data}
F=$DATA/friends
TOOLS=$DATA/../tools
if [ ! -d "$F" ]; then echo "skip: $F not found"; exit 77; fi
# The interpreter's own path, resolved once: a version-manager shim (pyenv)
# costs a second or more per call, and the draft check calls it per episode.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$PY" ] \
    || { echo "skip: python3 not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for d in "$F"/*/; do
    id=$(basename "$d")
    printf '%s\t%s\t%s\n' "$id" "$d/transcript.txt" "$d/subtitles.srt"
done > "$work/verbatim.tsv"
"$SM" align -q --manifest "$work/verbatim.tsv" --out "$work/verbatim" || exit 1
"$SM" eval speakers --json "$F" "$work/verbatim" > "$work/verbatim.json" || exit 1
fail=0
"$PY" - "$work/verbatim.json" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
print("verbatim: accuracy %.2f%% precision %.2f%% coverage %.2f%%" % (100*r["accuracy"], 100*r["precision"], 100*r["coverage"]))
sys.exit(0 if r["accuracy"] >= 0.990 else 1)
PY
if [ -f "$TOOLS/draftify.py" ]; then
    mkdir -p "$work/drafts"
    : > "$work/draft.tsv"
    for d in "$F"/*/; do
        id=$(basename "$d")
        "$PY" "$TOOLS/draftify.py" "$d/transcript.txt" 1 > "$work/drafts/$id.txt" || exit 1
        printf '%s\t%s\t%s\n' "$id" "$work/drafts/$id.txt" "$d/subtitles.srt" >> "$work/draft.tsv"
    done
    "$SM" align -q --manifest "$work/draft.tsv" --out "$work/draft" || exit 1
    "$SM" eval speakers --json "$F" "$work/draft" > "$work/draft.json" || exit 1
    "$PY" - "$work/draft.json" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
print("draft seed 1: accuracy %.2f%% precision %.2f%% at>=0.9 %.2f%%" % (100*r["accuracy"], 100*r["precision"], 100*r["precision_at_0_9"]))
sys.exit(0 if r["precision"] >= 0.98 and r["accuracy"] >= 0.79 and r["precision_at_0_9"] >= 0.97 else 1)
PY
else
    echo "skip: $TOOLS/draftify.py not found: draft check not run"
fi
[ $fail -eq 0 ] && echo "align_friends: passed" || echo "align_friends: FAILED"
exit $fail
