#!/usr/bin/env python3
"""make_movienet_corpus.py - a synthetic MovieNet-layout corpus for benchmarks.

    python3 bench/make_movienet_corpus.py OUT_DIR [--films 1000] [--stories-per-film 4]
                                          [--data /work/shared/data] [--seed 1] [--no-text]

Writes OUT_DIR/movienet/ (the corpus) and OUT_DIR/stories.jsonl.  Every film
reuses, by symbolic link, a real screenplay and subtitle pair of the shared
data (../shared/data: the two films and the 46 Friends episodes, in turn), so
the aligner works on real text; nothing of that data is copied.  The rest is
generated to fit it:

  shot/tt.txt          shots of 40-200 frames tiling the subtitles' duration
                       plus a minute, keyframes at start+n/6, start+n/2, end-n/6
  movie1K.video_info   fps 23.976, 24 or 25 by film
  meta/tt.json         cast: the script's most frequent speakers
  annotation/tt.json   person boxes (1280x720) with pids on every story image,
                       scenes of ~20 shots, a synopsis segment per quarter
  tt/shot_*.jpg        symbolic links to one 320x180 JPEG
  stories.jsonl        ~N x 4 StoryReasoning records: 5-22 keyframes from a
                       stretch of the film, Characters boxes = the annotation's
                       boxes scaled to 320x180 with a few pixels of jitter

With --no-text the films get no screenplay or subtitles (20-minute films,
cast "Person 1".."Person 4"): enough for `dataset` and `export`, which read
only the stories and their frames, and it needs no shared data.  Its
keyframes are files of their own (a copy of the small JPEG each), as in a
real corpus: hard links to one shared inode would hit the filesystem's limit
of links per file.

Deterministic for a given seed.  Needs only the Python standard library.
"""
import argparse
import json
import os
import random
import re
import struct
import sys

FPS_CHOICES = (23.976, 24.0, 25.0)
RES_W, RES_H = 1280, 720
KEY_W, KEY_H = 320, 180


def sources(data):
    pairs = []
    movies = os.path.join(data, "movies")
    friends = os.path.join(data, "friends")
    for base, script_name, subs_name in ((movies, "screenplay.txt", "subtitles.srt"),
                                         (friends, "transcript.txt", "subtitles.srt")):
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            s = os.path.join(base, name, script_name)
            t = os.path.join(base, name, subs_name)
            if os.path.isfile(s) and os.path.isfile(t):
                pairs.append((os.path.abspath(s), os.path.abspath(t)))
    return pairs


TIME = re.compile(rb"(\d+):(\d+):(\d+)[,.](\d+)\s*-->\s*(\d+):(\d+):(\d+)[,.](\d+)")


def duration(srt):
    last = 0.0
    with open(srt, "rb") as f:
        for m in TIME.finditer(f.read()):
            h, mi, s, ms = (int(x) for x in m.groups()[4:])
            last = max(last, h * 3600 + mi * 60 + s + ms / 1000.0)
    return last


def speakers(script):
    """The script's most frequent speaker names: 'Name:' lines (transcripts)
    or short upper-case lines (screenplay character cues)."""
    counts = {}
    with open(script, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"^([A-Z][A-Za-z .']{1,20}):", s)
        if m:
            name = m.group(1).strip()
        elif s.isupper() and 1 <= len(s.split()) <= 3 and len(s) < 25 and not re.match(
                r"^(INT|EXT|CUT|FADE|DISSOLVE|THE END|CONTINUED|\(|\d)", s):
            name = re.sub(r"\s*\(.*", "", s).strip()
        else:
            continue
        if name:
            counts[name] = counts.get(name, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
    return [name.title() for name, _ in top] or ["Someone"]


def jpeg_320x180():
    """A minimal baseline JPEG header (SOI, APP0, SOF0, EOI): enough for a
    size reader; not a decodable picture."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = struct.pack(">BHHB", 8, KEY_H, KEY_W, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 +
            b"\xff\xc0" + struct.pack(">H", len(sof0) + 2) + sof0 + b"\xff\xd9")


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--films", type=int, default=1000)
    ap.add_argument("--stories-per-film", type=int, default=4)
    ap.add_argument("--data", default=os.environ.get("SM_SHARED_DATA", "/work/shared/data"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-text", action="store_true", help="no screenplays or subtitles")
    args = ap.parse_args()

    pairs = [] if args.no_text else sources(args.data)
    if not pairs and not args.no_text:
        sys.exit("make_movienet_corpus: no screenplay/subtitle pairs under %s" % args.data)
    rng = random.Random(args.seed)
    root = os.path.join(args.out, "movienet")
    for d in ("shot", "meta", "annotation", "script", "subtitle"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    jpeg = os.path.join(root, "keyframe_320x180.jpg")
    with open(jpeg, "wb") as f:
        f.write(jpeg_320x180())

    src_info = []
    for script, subs in pairs:
        src_info.append((script, subs, duration(subs), speakers(script)))
    if args.no_text:
        src_info.append((None, None, 1200.0, ["Person %d" % k for k in range(1, 5)]))

    video_info = {}
    n_stories = 0
    with open(os.path.join(args.out, "stories.jsonl"), "w", encoding="utf-8") as stories:
        for film in range(args.films):
            mid = "tt%07d" % (8000000 + film)
            script, subs, dur, names = src_info[film % len(src_info)]
            fps = FPS_CHOICES[film % len(FPS_CHOICES)]
            video_info[mid] = {"fps": fps, "width": RES_W, "height": RES_H}
            for kind, path, ext in (("script", script, ".script"), ("subtitle", subs, ".srt")):
                if path is None:
                    continue
                link = os.path.join(root, kind, mid + ext)
                if os.path.lexists(link):
                    os.unlink(link)
                os.symlink(path, link)

            total = int((dur + 60.0) * fps)
            shots, start = [], 0
            while start < total:
                n = rng.randint(40, 200)
                end = min(start + n - 1, total - 1)
                n = end - start + 1
                shots.append((start, end, start + n // 6, start + n // 2, end - n // 6))
                start = end + 1
            with open(os.path.join(root, "shot", mid + ".txt"), "w") as f:
                f.write("".join("%d %d %d %d %d\n" % s for s in shots))

            cast = [{"id": "nm%07d" % (film * 10 + k), "name": "Actor %d-%d" % (film, k),
                     "character": name} for k, name in enumerate(names)]
            with open(os.path.join(root, "meta", mid + ".json"), "w") as f:
                json.dump({"imdb_id": mid, "title": "Synthetic %d (2026)" % film, "cast": cast}, f)

            kdir = os.path.join(root, mid)
            os.makedirs(kdir, exist_ok=True)
            persons, story_recs = [], []
            for s in range(args.stories_per_film):
                k = rng.randint(5, 22)
                step = rng.randint(1, 3)
                first = rng.randint(0, max(0, len(shots) - k * step - 1))
                chosen = [min(first + i * step, len(shots) - 1) for i in range(k)]
                images, cot = [], []
                for i, shot in enumerate(chosen):
                    img = rng.randint(0, 2)
                    name = "%s/shot_%04d_img_%d.jpg" % (mid, shot, img)
                    link = os.path.join(root, name)
                    if not os.path.lexists(link):
                        if args.no_text:
                            with open(link, "wb") as f:
                                f.write(jpeg_320x180())
                        else:
                            os.symlink(os.path.relpath(jpeg, kdir), link)
                    images.append(name)
                    rows = []
                    for c in range(rng.randint(1, 3)):
                        who = rng.randrange(len(cast))
                        x1 = rng.randint(0, RES_W - 300)
                        y1 = rng.randint(0, RES_H // 3)
                        box = [x1, y1, x1 + rng.randint(150, 300), min(RES_H, y1 + rng.randint(300, 600))]
                        persons.append({"id": "%s_%06d" % (mid, len(persons)), "frame_idx": None,
                                        "resolution": [RES_W, RES_H], "shot_idx": shot, "img_idx": img,
                                        "body": {"type": "detected", "bbox": box},
                                        "pid": cast[who]["id"] if rng.random() < 0.85 else "others"})
                        j = [rng.randint(-3, 3) for _ in range(4)]
                        kb = [max(0, box[0] // 4 + j[0]), max(0, box[1] // 4 + j[1]),
                              min(KEY_W, box[2] // 4 + j[2]), min(KEY_H, box[3] // 4 + j[3])]
                        rows.append(["char%d" % (who + 1), "Person", "Someone in the frame", "Calm",
                                     "Stands", "Character", "%d,%d,%d,%d" % tuple(kb)])
                    # one id per char in an image
                    seen, uniq = set(), []
                    for r in rows:
                        if r[0] not in seen:
                            seen.add(r[0])
                            uniq.append(r)
                    cot.append("## Image %d\n### Characters\n%s\n### Setting\n%s\n" % (
                        i + 1,
                        table(["Character ID", "Name", "Description", "Emotions", "Actions",
                               "Narrative Function", "Bounding Box"], uniq),
                        table(["Setting Element", "Description", "Mood", "Time", "Narrative Function"],
                              [["Location", "A room", "Neutral", "Day", "Sets the scene"]])))
                cot.append("## Narrative Structure\n" + table(
                    ["Narrative Phase", "Description", "Key Events", "Images"],
                    [[p, "-", "-", "1"] for p in ("Introduction", "Development", "Conflict",
                                                   "Turning Point", "Conclusion")]))
                story_text = "".join("<gdi image%d>Something happens.</gdi>" % (i + 1) for i in range(k))
                story_recs.append({"story_id": "%s_%d" % (mid, s), "images": images, "frame_count": k,
                                   "chain_of_thought": "\n".join(cot), "story": story_text})
            for rec in story_recs:
                stories.write(json.dumps(rec) + "\n")
                n_stories += 1

            scenes, q = [], 0
            while q < len(shots):
                e = min(q + 19, len(shots) - 1)
                scenes.append({"id": "%s_%04d" % (mid, len(scenes)), "shot": [q, e],
                               "frame": [shots[q][0], shots[e][1]], "place_tag": None, "action_tag": None})
                q = e + 1
            syn, quarter = [], max(1, len(shots) // 4)
            for p in range(4):
                a, b = p * quarter, min(len(shots) - 1, (p + 1) * quarter - 1)
                if a > b:
                    break
                syn.append({"id": "%s_%04d" % (mid, p), "shot": [a, b], "frame": [shots[a][0], shots[b][1]],
                            "duration": [shots[a][0] / fps, (shots[b][1] + 1) / fps],
                            "description": "Part %d of the synthetic film %s." % (p + 1, mid),
                            "subtitle": []})
            with open(os.path.join(root, "annotation", mid + ".json"), "w") as f:
                json.dump({"imdb_id": mid, "cast": persons, "scene": scenes, "story": syn,
                           "cinematic_style": None}, f)
    with open(os.path.join(root, "movie1K.video_info.v1.json"), "w") as f:
        json.dump(video_info, f)
    print("make_movienet_corpus: %d films, %d stories, from %d screenplay/subtitle pairs -> %s"
          % (args.films, n_stories, len(pairs), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
