#!/bin/sh
# demo.sh - `make demo`: run the main job on the bundled sample and show
# what it produced for one story, in words.
#
#   sh scripts/demo.sh BUILD/storymovie OUTDIR [STORY_ID]
#
# The pipeline, in order, on the bundled sample:
#   1. build: sample/movienet + sample/stories.jsonl into OUTDIR (align,
#      then link), and a digest of one story's context record: its frames
#      with their times in the film, the dialogue spoken over them with the
#      speakers the aligner found, the names found for its char# ids, and
#      the synopsis paragraph it falls in;
#   2. generate ground: the stories rewritten with the real names and
#      dialogue, from model answers replayed from sample/ground (written by
#      hand for this project); one story before and after, with the verdict
#      on each attempt;
#   3. the training data from the grounded stories: a Hugging Face dataset,
#      SFT exports for TRL and LLaMA-Factory (cut to 4 frames), a DPO export
#      from hand-written told samples, each held to the trainers' rules by
#      tests/check_export.py, and a short summary;
#   4. scripts/demo_eval.sh: the original and the script-grounded stories
#      scored (judge and QA answers replayed from sample/eval, written by
#      hand), and the report table;
#   5. view: OUTDIR/view.html, the pages to look at: the grounded stories
#      with their failures, the judge's verdicts and the QA answers, and the
#      film's alignment.
set -eu

SM=${1:?usage: sh scripts/demo.sh PATH/TO/storymovie OUTDIR [STORY_ID]}
OUT=${2:?usage: sh scripts/demo.sh PATH/TO/storymovie OUTDIR [STORY_ID]}
STORY=${3:-tt9999901_kitchen}
HERE=$(cd "$(dirname "$0")/.." && pwd)

echo "== storymovie build $HERE/sample/movienet --stories sample/stories.jsonl --out $OUT" >&2
"$SM" build "$HERE/sample/movienet" --stories "$HERE/sample/stories.jsonl" --out "$OUT" --force
echo >&2

# The digests are printed with python3; without it the commands still run.
PY=python3
command -v python3 >/dev/null 2>&1 || { PY=:; echo "demo: python3 not found: no digests, the commands still run" >&2; }

$PY - "$OUT/context.jsonl" "$STORY" <<'EOF'
import json, sys

path, wanted = sys.argv[1], sys.argv[2]
records = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
rec = next((r for r in records if r["story_id"] == wanted), records[0])

def clock(t):
    m, s = divmod(t, 60.0)
    return "%d:%06.3f" % (m, s)

w = rec["window"]
print("Story %s  -  %s (%s, %s fps)" % (rec["story_id"], rec["title"], rec["movie"], rec["fps"]))
print("%d frames, window %s - %s (%s)"
      % (len(rec["frames"]), clock(w["start"]), clock(w["end"]),
         "padded to the frames' shots" if w["padding"] == "shots" else "keyframe times"))
print()

print("Names found for the chain of thought's characters")
for c in rec["characters"]:
    ev = c["evidence"]
    if c["name"]:
        said = ("speaks as %s (%d lines in the window)" % (ev["speaker"], ev["speaker_lines"])
                if ev.get("speaks_in_window") else "does not speak in the window")
        print("  %-6s %-18s -> %s (played by %s)" % (c["id"], '"%s"' % (c["cot_name"] or ""), c["name"], c["actor"]))
        print("         box matched on images %s, mean IoU %.2f; %s"
              % (",".join(str(i) for i in ev["matched_frames"]), ev["iou_mean"], said))
        if ev.get("speaks_in_window"):
            print("         %d of those lines are said while its images are on screen"
                  % ev["lines_on_its_frames"])
    else:
        print("  %-6s %-18s -> no name (%s)" % (c["id"], '"%s"' % (c["cot_name"] or ""), c.get("unnamed")))
print()

print("Frames and what is said over them (speaker from the screenplay alignment)")
# Each line goes under the first image it falls on, or after the image it follows.
by_image = {f["image"]: [] for f in rec["frames"]}
before_all = []
for d in rec["dialogue"]:
    if d["frames"]:
        by_image[d["frames"][0]].append(d)
    elif d.get("between") and d["between"][0]:
        by_image[d["between"][0]].append(d)
    else:
        before_all.append(d)

def say(d):
    who = d["speaker"] or "(speaker unknown)"
    mark = "" if d["frames"] else "   (between images %s and %s)" % tuple(
        "-" if x is None else x for x in d["between"])
    print("      %s  %-10s %s%s" % (clock(d["start"]), who, d["text"], mark))

for d in before_all:
    say(d)
for f in sorted(rec["frames"], key=lambda f: f["shot_start"]):
    print("  image %d  %s  shot %d, frame %d, at %s"
          % (f["image"], f["keyframe"], f["shot"], f["frame"], clock(f["time"])))
    for d in by_image[f["image"]]:
        say(d)
print()

for s in rec.get("movienet_scenes", []):
    print("MovieNet scene %s: shots %d-%d, %s - %s" % (s["id"], s["shots"][0], s["shots"][1],
                                                     clock(s["start"]), clock(s["end"])))
scenes = ", ".join("%d %s" % (s["scene"], s["heading"]) for s in rec["scenes"])
print("Script scenes timed into the window: %s" % (scenes or "none"))
actions = [b for b in rec["script"] if b["kind"] == "action"]
if actions:
    print("Action lines in the window:")
    for b in actions[:4]:
        text = " ".join(b["text"].split())
        print("  %s  %s" % (clock(b["start"]), text[:100] + ("..." if len(text) > 100 else "")))
for s in rec["synopsis"]:
    text = s["description"]
    print("Synopsis paragraph %s (%s - %s):" % (s["id"], clock(s["start"]), clock(s["end"])))
    print("  " + (text[:300] + ("..." if len(text) > 300 else "")))
if rec["problems"]:
    print("Problems: " + "; ".join(rec["problems"]))
print()
print("All records: %s (one JSON line per story; see 'storymovie link --help')" % path)
EOF

echo >&2
echo "== storymovie generate ground --stories sample/stories.jsonl --context $OUT/context.jsonl --out $OUT/ground --model hand-written-sample --responses sample/ground/responses.jsonl" >&2
echo "   The model's answers are replayed from sample/ground/responses.jsonl (written by hand" >&2
echo "   for this project, no model was run).  To ask a live model instead, replace the last" >&2
echo "   two options with --api-base http://localhost:8000/v1 --model NAME (key in STORYMOVIE_API_KEY)." >&2
rm -rf "$OUT/ground"
"$SM" generate ground --stories "$HERE/sample/stories.jsonl" --context "$OUT/context.jsonl" \
    --out "$OUT/ground" --model hand-written-sample --responses "$HERE/sample/ground/responses.jsonl"
echo >&2

$PY - "$HERE/sample/stories.jsonl" "$OUT/ground" "$STORY" <<'EOF'
import json, re, sys

stories_path, out, wanted = sys.argv[1:4]
source = {r["story_id"]: r for r in map(json.loads, open(stories_path, encoding="utf-8"))}
rewritten = {r["story_id"]: r for r in map(json.loads, open(out + "/stories.jsonl", encoding="utf-8"))}
attempts = [v for v in map(json.loads, open(out + "/attempts.jsonl", encoding="utf-8"))
            if v["story_id"] == wanted]

def blocks(story):
    """Tag-free text of each <gdi imageN> block."""
    for n, body in re.findall(r"<gdi image(\d+)>(.*?)</gdi>", story, re.S):
        yield int(n), " ".join(re.sub(r"<[^>]+>", "", body).split())

print("Story %s before (the original story; tags left out here):" % wanted)
for n, text in blocks(source[wanted]["story"]):
    print("  %d. %s" % (n, text))
print()
for v in attempts:
    print("Attempt %d: %s" % (v["attempt"], "passed verification" if v["passed"]
                              else "failed verification; asked again with these problems:"))
    for p in v["problems"]:
        print("  [%s] %s" % (p["code"], p["message"]))
print()
rec = rewritten.get(wanted)
if rec:
    print("After (attempt %d; the file keeps every tag):" % rec["attempts"])
    for n, text in blocks(rec["story"]):
        print("  %d. %s" % (n, text))
    print("Names: " + ", ".join("%s = %s" % kv for kv in rec["names"].items()))
    print("Its quotations, each found in the window's subtitles:")
    for q in rec["quotes"]:
        said = q["speaker"] or "(speaker unknown)"
        print("  cue %-3s said by %-7s given to %-12s %s" % (q["cue"], said, q["attributed_to"] or "nobody", q["text"]))
print()
print("All: %s/stories.jsonl (StoryMovie records), failures.jsonl, attempts.jsonl, summary.json"
      " (docs/generate.md)" % out)
EOF

# ---- training data -----------------------------------------------------------
DS="$OUT/dataset"
echo >&2
echo "== storymovie dataset --stories $OUT/ground/stories.jsonl --out $DS --split-by story" >&2
"$SM" dataset --stories "$OUT/ground/stories.jsonl" --movienet "$HERE/sample/movienet" \
    --out "$DS" --split-by story
for fmt in trl llamafactory; do
    echo "== storymovie export sft --format $fmt --max-images 4 --out $OUT/sft-$fmt" >&2
    "$SM" export sft --dataset "$DS" --format $fmt --max-images 4 --out "$OUT/sft-$fmt"
done
echo "== storymovie export dpo --samples tests/fixtures/dataset/told_sample.jsonl --out $OUT/dpo-llamafactory" >&2
"$SM" export dpo --dataset "$DS" --samples "$HERE/tests/fixtures/dataset/told_sample.jsonl" \
    --format llamafactory --out "$OUT/dpo-llamafactory"

$PY - "$OUT" "$HERE" <<'EOF2'
import json, os, subprocess, sys

out, here = sys.argv[1], sys.argv[2]
print()
print("Training data (docs/dataset.md, docs/export.md; recipes/ trains on it)")
ds = os.path.join(out, "dataset")
n = {s: sum(1 for _ in open(os.path.join(ds, s, "metadata.jsonl"))) for s in ("train", "test")}
print("  dataset   %s: %d train and %d test stories (split by story: the sample is one film)"
      % (ds, n["train"], n["test"]))
row = json.loads(open(os.path.join(out, "sft-llamafactory", "storymovie_sft_train.jsonl")).readline())
user, answer = row["messages"][1]["content"], row["messages"][2]["content"]
print("  SFT row   %s: system, user (%d <image> + \"%s\"), assistant (%d characters, %d <gdi> blocks)"
      % (row["story_id"], user.count("<image>"), user.replace("<image>", ""), len(answer),
         answer.count("<gdi ")))
print("            cut to 4 of 7 frames: the chain of thought keeps images 1, 3, 5, 7 as 1-4")
print("  DPO       hand-written told samples (tests/fixtures/dataset/told_sample.jsonl), reward =")
print("            structure + grounding + re-identification:")
print("              story               sample  reward  structure  grounding  re-id  role")
for line in open(os.path.join(out, "dpo-llamafactory", "rewards.jsonl")):
    r = json.loads(line)
    role = r["role"] or ("(%s)" % r["excluded"] if r["excluded"] else "-")
    print("              %-19s %6d  %6.2f  %9.0f  %9.2f  %5.2f  %s"
          % (r["story_id"], r["sample"], r["reward"], r["structure"], r["grounding"] or 0, r["reid"], role))
print("  checks    tests/check_export.py, the rules each trainer enforces:")
for d in ("dataset", "sft-trl", "sft-llamafactory", "dpo-llamafactory"):
    res = subprocess.run([sys.executable, os.path.join(here, "tests", "check_export.py"),
                          os.path.join(out, d)], capture_output=True, text=True)
    print("            " + (res.stdout.strip().splitlines() or ["?"])[-1].replace("check_export: ", ""))
EOF2

echo >&2
sh "$HERE/scripts/demo_eval.sh" "$SM" "$OUT"

# ---- the pages ---------------------------------------------------------------
E="$OUT/eval/script-grounded"
# Failures, when a story failed (an empty file is not a failures file).
FAILURES=
[ -s "$OUT/ground/failures.jsonl" ] && FAILURES="--failures $OUT/ground/failures.jsonl"
echo >&2
echo "== storymovie view --context $OUT/context.jsonl --stories $OUT/ground/stories.jsonl ${FAILURES:+$FAILURES }--verdicts $E/judge/verdicts.jsonl --qa $E/qa/answers.jsonl --alignment $OUT/align/tt9999901.jsonl -o $OUT/view.html" >&2
"$SM" view --context "$OUT/context.jsonl" --stories "$OUT/ground/stories.jsonl" \
    $FAILURES --verdicts "$E/judge/verdicts.jsonl" --qa "$E/qa/answers.jsonl" \
    --movienet "$HERE/sample/movienet" --alignment "$OUT/align/tt9999901.jsonl" -o "$OUT/view.html"
PAGE="file://$(cd "$OUT" && pwd)/view.html"
echo
echo "make demo: done.  Where to look, all under $OUT/:"
echo "  summary.txt, context.jsonl, align/   the main job (docs/build.md, docs/context.md)"
echo "  view.html                            the pages: grounded stories with their"
echo "                                       failures, verdicts and QA answers; the alignment"
echo "  ground/, dataset/, sft-*/, dpo-*/     script-grounded stories and training data"
echo "  eval/report/report.md                the models' scores side by side"
echo
echo "Open in a browser: $PAGE"
