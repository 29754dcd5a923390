#!/usr/bin/env python3
"""make_view_film.py - a synthetic film alignment for the view benchmark.

    python3 bench/make_view_film.py SEGMENTS BLOCKS [SEED] > tt0000001.jsonl

Writes `storymovie align` output (JSON Lines: one segment record per
subtitle segment, then one block record per script block) for an invented
two-hour film shaped like a real one: a few dozen speakers with a long
tail, about 60% dialogue blocks said by one to five segments each, action
with line breaks, scene headings, some dialogue cut from the film
(untimed), some interpolated times, 6% abstentions and 5% low confidence.
Deterministic for a seed.  The words are random: no film's text.
"""
import json
import random
import sys

WORDS = ("the a to of and you it that in is was he for on are as with his they I at be this have from "
         "or one had by word but not what all were we when your can said there use an each which she do how "
         "their if will up other about out many then them these so some her would make like him into time has "
         "look two more write go see number no way could people my than first water been call who oil its now "
         "find long down day did get come made may part ledger lamp boat night ship harbour light keeper").split()


def sentence(rng, lo, hi):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return (" ".join(words)).capitalize() + rng.choice([".", ".", "?", "!"])


def main():
    n_seg, n_blk = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    speakers = ["SPEAKER %s" % chr(65 + i) if i < 26 else "SPEAKER %d" % i for i in range(30)]
    weights = [1.0 / (i + 1) for i in range(len(speakers))]
    n_head = max(1, n_blk // 10)
    n_action = int(n_blk * 0.3)
    n_dialogue = n_blk - n_head - n_action
    # Script order: scenes of headings, action and dialogue.
    kinds = ["dialogue"] * n_dialogue + ["action"] * n_action
    rng.shuffle(kinds)
    per_scene = len(kinds) / n_head
    blocks, scene = [], 0
    for i, kind in enumerate(kinds):
        if i >= scene * per_scene:
            scene += 1
            blocks.append({"kind": "scene_heading", "scene": scene,
                           "text": "%s. PLACE %d - %s" % (rng.choice(["INT", "EXT"]), scene, rng.choice(["DAY", "NIGHT"]))})
        b = {"kind": kind, "scene": scene}
        if kind == "dialogue":
            b["speaker"] = rng.choices(speakers, weights)[0]
            b["text"] = " ".join(sentence(rng, 4, 12) for _ in range(rng.randint(1, 3)))
        else:
            b["text"] = "\n".join(sentence(rng, 6, 14) for _ in range(rng.randint(1, 3)))
        blocks.append(b)
    blocks = blocks[:n_blk]
    dialogue = [i for i, b in enumerate(blocks) if b["kind"] == "dialogue"]
    cut = set(rng.sample(dialogue, len(dialogue) // 10))          # lines never shot
    said = [i for i in dialogue if i not in cut]
    # Segments: each said block gets one or more, in order, the rest extra.
    counts = {i: 1 for i in said}
    for _ in range(max(0, n_seg - len(said))):
        counts[rng.choice(said)] += 1
    duration = 7200.0
    t, step = 30.0, (duration - 60) / max(1, n_seg)
    segs, cue = [], 0
    times = {}
    for i, b in enumerate(blocks):
        if i not in counts:
            continue
        start = t
        for k in range(counts[i]):
            if len(segs) >= n_seg:
                break
            cue += 1
            length = rng.uniform(1.2, min(4.5, step * 0.95 + 1.2))
            s = {"type": "segment", "cue": cue, "segment": 1, "start": round(t, 3), "end": round(t + length, 3),
                 "text": sentence(rng, 3, 10), "speaker": b["speaker"], "confidence": 0.99, "block": i + 1,
                 "evidence": "match"}
            r = rng.random()
            if r < 0.06:
                s.update(speaker=None, confidence=0, block=None)
                s.pop("evidence")
            elif r < 0.11:
                s.update(confidence=round(rng.uniform(0.2, 0.49), 2), evidence="turn")
            segs.append(s)
            t += step
        times[i] = (start, t)
    last = 0.0
    out = []
    for i, b in enumerate(blocks):
        rec = {"type": "block", "block": i + 1, "kind": b["kind"], "scene": b["scene"]}
        if "speaker" in b:
            rec["speaker"] = b["speaker"]
        rec["text"] = b["text"]
        if i in times:
            rec.update(start=round(times[i][0], 3), end=round(times[i][1], 3), timing="aligned")
            last = times[i][1]
        elif i in cut:
            rec.update(start=None, end=None, timing=None)
        else:
            rec.update(start=round(last, 3), end=round(last + 1, 3), timing="interpolated")
        out.append(rec)
    w = sys.stdout
    for s in segs:
        w.write(json.dumps(s, ensure_ascii=False) + "\n")
    for r in out:
        w.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
