#!/bin/sh
# align_films_gold.sh [STORYMOVIE] [DATA] - speaker attribution on the two
# feature films (early-draft screenplays) against the hand-labelled gold in
# tests/fixtures/align/films/ (method: docs/gold-films.md).
#
#   sh bench/align_films_gold.sh                     (build/storymovie, ../shared/data)
#   sh bench/align_films_gold.sh build/storymovie /path/to/shared/data
#
# Runs `storymovie align` on each film and prints, per film and in total,
# over the decidable gold segments (label script or context): coverage
# (answered / decidable), precision (correct / answered) and accuracy
# (correct / decidable), names compared by letters only, case-insensitive
# (as the SPEC's metric); the answers given on segments a reader could not
# decide or that are not speech; then answered/correct by the aligner's
# evidence, by confidence band and by gold label, and the list of wrong
# answers (positions and names only, no subtitle text).  The films are read
# in place from DATA/movies (default $SM_SHARED_DATA, else ../shared/data
# beside the repository); without them it says so and exits 0.
# Measure on this gold; do not tune on it alone.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
sm=${1:-$here/build/storymovie}
data=${2:-${SM_SHARED_DATA:-$here/../shared/data}}
gold=$here/tests/fixtures/align/films
films="birthday_girl the_assignment"

if [ ! -d "$data/movies" ]; then
    echo "align_films_gold: $data/movies not found: skipped" >&2
    exit 0
fi
py=$(command -v python3 2>/dev/null) || py=
if [ -z "$py" ]; then
    echo "align_films_gold: python3 not found: skipped" >&2
    exit 0
fi
if [ ! -x "$sm" ]; then
    echo "align_films_gold: $sm is not an executable (build first: make build)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

args=
for f in $films; do
    for x in screenplay.txt subtitles.srt; do
        if [ ! -f "$data/movies/$f/$x" ]; then
            echo "align_films_gold: $data/movies/$f/$x not found" >&2
            exit 1
        fi
    done
    "$sm" align -q "$data/movies/$f/screenplay.txt" "$data/movies/$f/subtitles.srt" \
        -o "$work/$f.jsonl"
    args="$args $f $gold/$f.gold.tsv $work/$f.jsonl"
done

echo "speaker attribution on the feature-film gold ($sm)"
# shellcheck disable=SC2086
"$py" - $args <<'EOF'
import json, re, signal, sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # quiet under | head

LABELS = ("script", "context", "not_decidable", "not_speech")
DECIDABLE = ("script", "context")


def norm(name):
    return re.sub(r"[^a-z]", "", (name or "").lower())


def fail(msg):
    sys.stderr.write("align_films_gold: %s\n" % msg)
    sys.exit(1)


def read_gold(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or lines[0] != "cue\tsegment\tspeaker\tlabel":
        fail("%s:1: header must be cue<TAB>segment<TAB>speaker<TAB>label" % path)
    for n, line in enumerate(lines[1:], 2):
        if not line:
            continue
        f = line.split("\t")
        if len(f) != 4 or not f[0].isdigit() or not f[1].isdigit():
            fail("%s:%d: expected cue, segment, speaker, label" % (path, n))
        if f[3] not in LABELS:
            fail("%s:%d: unknown label '%s'" % (path, n, f[3]))
        if (f[2] == "") != (f[3] not in DECIDABLE):
            fail("%s:%d: speaker must be given exactly for script/context" % (path, n))
        rows.append((int(f[0]), int(f[1]), f[2], f[3]))
    if not rows:
        fail("%s: no gold segments" % path)
    return rows


def read_pred(path):
    pred = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "segment":
                pred[(r["cue"], r["segment"])] = r
    return pred


def band(conf):
    if conf is None:
        return "none"
    if conf >= 0.9:
        return ">=0.9"
    if conf >= 0.8:
        return "0.8-0.9"
    return "<0.8"


class Tally:
    def __init__(self):
        self.decidable = self.answered = self.correct = 0
        self.labels = {l: 0 for l in LABELS}
        self.undecided_answers = {"not_decidable": 0, "not_speech": 0}
        self.by = {"evidence": {}, "confidence": {}, "label": {}}
        self.wrong = []
        self.undecided = []

    def count(self, kind, key, answered, correct, decidable=0):
        t = self.by[kind].setdefault(key, [0, 0, 0])
        t[0] += decidable
        t[1] += answered
        t[2] += correct

    def add(self, other):
        for a in ("decidable", "answered", "correct"):
            setattr(self, a, getattr(self, a) + getattr(other, a))
        for l in LABELS:
            self.labels[l] += other.labels[l]
        for l in self.undecided_answers:
            self.undecided_answers[l] += other.undecided_answers[l]
        for kind, table in other.by.items():
            for key, (d, a, c) in table.items():
                self.count(kind, key, a, c, d)


def pct(a, b):
    return "%5.1f%%" % (100.0 * a / b) if b else "    - "


def report(name, t, detail):
    print()
    print("== %s: %d gold segments (script %d, context %d, not_decidable %d, not_speech %d)"
          % (name, sum(t.labels.values()), t.labels["script"], t.labels["context"],
             t.labels["not_decidable"], t.labels["not_speech"]))
    print("   decidable %d: answered %d, correct %d -> coverage %s  precision %s  accuracy %s"
          % (t.decidable, t.answered, t.correct, pct(t.answered, t.decidable),
             pct(t.correct, t.answered), pct(t.correct, t.decidable)))
    print("   answers on segments without a gold speaker: not_decidable %d, not_speech %d"
          % (t.undecided_answers["not_decidable"], t.undecided_answers["not_speech"]))
    print("   %-22s %9s %8s %8s %9s" % ("by gold label", "decidable", "answered", "correct", "precision"))
    for key in DECIDABLE:
        d, a, c = t.by["label"].get(key, [0, 0, 0])
        print("     %-20s %9d %8d %8d %9s" % (key, d, a, c, pct(c, a)))
    print("   %-22s %9s %8s %8s %9s" % ("by evidence", "", "answered", "correct", "precision"))
    for key in sorted(t.by["evidence"], key=lambda k: (-t.by["evidence"][k][1], k)):
        d, a, c = t.by["evidence"][key]
        print("     %-20s %9s %8d %8d %9s" % (key, "", a, c, pct(c, a)))
    print("   %-22s %9s %8s %8s %9s" % ("by confidence", "", "answered", "correct", "precision"))
    for key in (">=0.9", "0.8-0.9", "<0.8"):
        d, a, c = t.by["confidence"].get(key, [0, 0, 0])
        print("     %-20s %9s %8d %8d %9s" % (key, "", a, c, pct(c, a)))
    if not detail:
        return
    if t.wrong:
        print("   wrong answers (cue.segment  predicted  gold  evidence  confidence  label):")
        for w in t.wrong:
            print("     %s.%s\t%s\t%s\t%s\t%s\t%s" % w)
    if t.undecided:
        print("   answers without a gold speaker (cue.segment  predicted  evidence  confidence  label):")
        for w in t.undecided:
            print("     %s.%s\t%s\t%s\t%s\t%s" % w)


argv = sys.argv[1:]
total = Tally()
for i in range(0, len(argv), 3):
    name, gold_path, pred_path = argv[i:i + 3]
    gold = read_gold(gold_path)
    pred = read_pred(pred_path)
    t = Tally()
    for cue, seg, speaker, label in gold:
        r = pred.get((cue, seg))
        if r is None:
            fail("%s: cue %d segment %d is not a segment of the film's subtitles "
                 "(the subtitle file or its numbering changed?)" % (gold_path, cue, seg))
        t.labels[label] += 1
        said = r.get("speaker")
        conf = r.get("confidence")
        ev = r.get("evidence") or "none"
        if label not in DECIDABLE:
            if said:
                t.undecided_answers[label] += 1
                t.undecided.append((cue, seg, said, ev, conf, label))
            continue
        t.decidable += 1
        answered = 1 if said else 0
        correct = 1 if said and norm(said) == norm(speaker) else 0
        t.answered += answered
        t.correct += correct
        t.count("label", label, answered, correct, 1)
        if answered:
            t.count("evidence", ev, 1, correct)
            t.count("confidence", band(conf), 1, correct)
            if not correct:
                t.wrong.append((cue, seg, said, speaker, ev, conf, label))
    report(name, t, True)
    total.add(t)
report("total", total, False)
EOF
