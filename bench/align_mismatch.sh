#!/bin/sh
# align_mismatch.sh [STORYMOVIE] [DATA] [PAIRS] - a screenplay of one film
# with the subtitles of another must be detected, not answered.
#
#   sh bench/align_mismatch.sh                       (build/storymovie, ../shared/data, 240 pairs)
#
# Films: the Friends episodes of seasons 1-3 and the two feature films in
# DATA/movies.  Mismatched: a deterministic sample of PAIRS ordered pairs of
# different films (script of the first, subtitles of the second).  Matched:
# every film with its own script, the Friends episodes also as draft-like
# scripts (draftify.py, seeds 1-3).  Prints, for the mismatched pairs, how
# many films the aligner flags ("status":"mismatch" in the alignment's
# summary record) and the share of segments given a speaker at confidence
# >= 0.9 (all, and without the subtitles' own labels, which do not depend on
# the script); for the matched films, how many are wrongly flagged and the
# Friends verbatim accuracy; and the statistic the flag rests on (ordered
# trigrams over the chance chain, and over the subtitles' words) at its
# extremes on both sides, to show the margin.  Reads the data in place.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
sm=${1:-$here/build/storymovie}
data=${2:-${SM_SHARED_DATA:-$here/../shared/data}}
pairs=${3:-240}

if [ ! -d "$data/friends" ] || [ ! -d "$data/movies" ]; then
    echo "align_mismatch: $data/friends or $data/movies not found: skipped" >&2
    exit 0
fi
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || py=
if [ -z "$py" ]; then
    echo "align_mismatch: python3 not found: skipped" >&2
    exit 0
fi
data=$(cd "$data" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# id<TAB>script<TAB>subtitles of every film with its own script.
for d in "$data"/friends/*/; do
    id=$(basename "$d")
    printf '%s\t%s\t%s\n' "$id" "$d/transcript.txt" "$d/subtitles.srt"
done > "$work/films.tsv"
for d in "$data"/movies/*/; do
    id=$(basename "$d")
    printf '%s\t%s\t%s\n' "$id" "$d/screenplay.txt" "$d/subtitles.srt"
done >> "$work/films.tsv"

# The mismatched sample: ordered pairs (a, b), a != b, drawn without
# replacement with a fixed seed; id a__b.
"$py" - "$work/films.tsv" "$pairs" > "$work/mismatched.tsv" <<'EOF'
import random, sys
films = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
pairs = [(a, b) for a in range(len(films)) for b in range(len(films)) if a != b]
for a, b in sorted(random.Random(9).sample(pairs, min(int(sys.argv[2]), len(pairs)))):
    print("%s__%s\t%s\t%s" % (films[a][0], films[b][0], films[a][1], films[b][2]))
EOF

# Every flagged film says so on stderr, even with -q: kept aside.
"$sm" align -q --manifest "$work/mismatched.tsv" --out "$work/mismatched" --force 2> "$work/mismatched.log"
"$sm" align -q --manifest "$work/films.tsv" --out "$work/matched" --force
drafts=
if [ -f "$data/../tools/draftify.py" ]; then
    for seed in 1 2 3; do
        mkdir -p "$work/draft$seed-scripts"
        : > "$work/draft$seed.tsv"
        for d in "$data"/friends/*/; do
            id=$(basename "$d")
            "$py" "$data/../tools/draftify.py" "$d/transcript.txt" "$seed" > "$work/draft$seed-scripts/$id.txt"
            printf '%s\t%s\t%s\n' "$id" "$work/draft$seed-scripts/$id.txt" "$d/subtitles.srt" >> "$work/draft$seed.tsv"
        done
        "$sm" align -q --manifest "$work/draft$seed.tsv" --out "$work/draft$seed" --force
        drafts="$drafts $work/draft$seed"
    done
fi

echo "mismatched films: script of one film, subtitles of another ($sm)"
# shellcheck disable=SC2086
"$py" - "$work/mismatched" "$work/matched" $drafts <<'EOF'
import json, math, os, sys

def read(path):
    segs, summary = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "segment":
                segs.append(r)
            elif r.get("type") == "summary":
                summary = r
    if summary is None:
        sys.exit("align_mismatch: %s: no summary record" % path)
    return segs, summary

def margin(s):
    chance = 2.0 * math.sqrt(s["shared_trigrams"])
    return (s["ordered_trigrams"] / chance if chance else 0.0,
            s["ordered_trigrams"] / s["speech_words"] if s["speech_words"] else 0.0)

def tally(directory):
    films = flagged = segs_n = hi = hi_script = 0
    ratios = []
    for name in sorted(os.listdir(directory)):
        segs, s = read(os.path.join(directory, name))
        films += 1
        flagged += s["status"] == "mismatch"
        segs_n += len(segs)
        for r in segs:
            if r.get("speaker") and r.get("confidence", 0) >= 0.9:
                hi += 1
                hi_script += r.get("evidence") != "hint"
        ratios.append(margin(s) + (name[:-6],))
    return films, flagged, segs_n, hi, hi_script, ratios

films, flagged, n, hi, hi_script, ratios = tally(sys.argv[1])
print("mismatched pairs: %d, flagged %d (%.1f%%)" % (films, flagged, 100.0 * flagged / films))
print("  segments %d; given a speaker at confidence >= 0.9: %d (%.2f%%), of them from the script %d (%.2f%%)"
      % (n, hi, 100.0 * hi / n, hi_script, 100.0 * hi_script / n))
top = max(ratios)
print("  highest ordered/chance %.2f (%s); highest ordered/words %.4f"
      % (top[0], top[2], max(r[1] for r in ratios)))
for d in sys.argv[2:]:
    films, flagged, n, hi, hi_script, ratios = tally(d)
    low = min(ratios)
    print("matched %-8s films %d, wrongly flagged %d; lowest ordered/chance %.2f (%s); lowest ordered/words %.4f"
          % (os.path.basename(d), films, flagged, low[0], low[2], min(r[1] for r in ratios)))
print("flag rule: ordered <= 4 x chance and ordered < 0.04 x words (src/align/align.c)")
EOF
friends=$work/matched-friends
mkdir -p "$friends"
for f in "$work"/matched/friends-*.jsonl; do ln -s "$f" "$friends/"; done
echo "matched Friends episodes, verbatim transcripts:"
"$sm" eval speakers --errors 0 "$data/friends" "$friends" | sed -n '1,6p'
