#!/bin/sh
# align_accuracy.sh STORYMOVIE [DATA] - speaker attribution on the Friends
# development episodes: verbatim fan transcripts, then draft-like scripts made
# by draftify.py with seeds 1, 2, 3.  Prints accuracy, coverage, precision,
# calibration and answered/correct per evidence kind per run.  Reads the
# data in place (../shared/data).
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
    by_evidence "$work/$1"
}

# Answered and correct per evidence kind (names compared by letters only,
# case-insensitive, as eval speakers does); needs python3, else skipped.
by_evidence() {
    command -v python3 >/dev/null 2>&1 || return 0
    python3 - "$friends" "$1" <<'PY'
import collections, glob, json, os, re, sys
gold_dir, pred_dir = sys.argv[1], sys.argv[2]
key = lambda s: re.sub(r'[^a-z]', '', s.lower())
by = collections.defaultdict(lambda: [0, 0])
for gpath in sorted(glob.glob(os.path.join(gold_dir, '*', 'gold.tsv'))):
    ep = os.path.basename(os.path.dirname(gpath))
    gold = {}
    with open(gpath, encoding='utf-8') as f:
        for line in f.read().splitlines()[1:]:
            c = line.split('\t')
            gold[(int(c[0]), int(c[1]))] = c[5]
    ppath = os.path.join(pred_dir, ep + '.jsonl')
    if not os.path.exists(ppath):
        continue
    with open(ppath, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            k = (r.get('cue'), r.get('segment'))
            if r.get('type') != 'segment' or not r.get('speaker') or k not in gold:
                continue
            e = by[r.get('evidence')]
            e[0] += 1
            e[1] += key(gold[k]) == key(r['speaker'])
print('by evidence: answered, correct, precision')
for ev, (a, c) in sorted(by.items(), key=lambda x: -x[1][0]):
    print('  %-12s %5d %5d %7.2f%%' % (ev, a, c, 100.0 * c / a))
PY
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
