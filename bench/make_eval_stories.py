#!/usr/bin/env python3
"""make_eval_stories.py - stories the size and shape of script-grounded ones,
for timing the eval commands.

    python3 bench/make_eval_stories.py STORIES CONTEXT OUT [--seed N]

Keeps each story's record and chain of thought (STORIES, e.g. the synthetic
corpus of make_movienet_corpus.py) and writes a new story text: per image a
<gdi> block of four to six sentences, with <gdo>/<gda> tags for the chain of
thought's characters and objects, pronouns (some the whole text of a tag,
some loose), and quotations taken from the story's context record (CONTEXT,
`storymovie build`'s context.jsonl): said by their aligned speaker, given to
another character, or invented - about 120 words and one or two quotations
an image, as in StoryMovie stories.  Deterministic for a seed."""
import argparse
import json
import random
import re

WORDS = ("the harbour light was low and the wind came off the water in long grey sheets while "
         "somewhere below a door banged twice and then was still the room smelled of oil and salt "
         "and old paper and the lamp threw its slow beam across the rocks").split()
PRONOUNS = ["he", "she", "they", "it", "his", "her", "them", "its"]


def ids(cot, prefix):
    return sorted(set(re.findall(r"\|\s*(%s\d+)\s*\|" % prefix, cot)), key=lambda s: int(s[len(prefix):]))


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stories")
    ap.add_argument("context")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    ctx = {}
    for line in open(args.context, encoding="utf-8"):
        r = json.loads(line)
        ctx[r["story_id"]] = r
    with open(args.out, "w", encoding="utf-8") as out:
        for line in open(args.stories, encoding="utf-8"):
            rec = json.loads(line)
            c = ctx.get(rec["story_id"])
            chars = ids(rec["chain_of_thought"], "char") or ["char1"]
            objs = ids(rec["chain_of_thought"], "obj")
            names = {ch["id"]: ch["name"] for ch in (c or {}).get("characters", []) if ch.get("name")}
            lines = [d for d in (c or {}).get("dialogue", []) if d.get("text")]
            blocks = []
            for image in range(1, rec["frame_count"] + 1):
                parts = []
                for k in range(rng.randint(4, 6)):
                    who = rng.choice(chars)
                    name = names.get(who, "the stranger")
                    roll = rng.random()
                    if roll < 0.25 and lines:
                        d = rng.choice(lines)
                        kind = rng.random()
                        if kind < 0.6 and d.get("speaker"):
                            speaker = next((i for i, n in names.items()
                                            if d["speaker"].lower() in n.lower()), who)
                            name = names.get(speaker, d["speaker"].title())
                            who = speaker
                        elif kind < 0.8:
                            pass                                  # given to someone else
                        else:
                            d = {"text": sentence(rng, 6).capitalize() + "."}   # invented
                        parts.append('<gdo %s>%s</gdo> <gda %s>says</gda>, "%s"' % (who, name, who, d["text"]))
                    elif roll < 0.55:
                        p = rng.choice(PRONOUNS)
                        parts.append("<gdo %s>%s</gdo> %s." % (who, p.capitalize(), sentence(rng, rng.randint(8, 16))))
                    elif roll < 0.75 and objs:
                        parts.append("%s <gdo %s>%s</gdo> <gda %s>reaches</gda> for <gdo %s>the %s</gdo>, and %s %s."
                                     % (sentence(rng, 4).capitalize(), who, name, who, rng.choice(objs),
                                        rng.choice(WORDS), rng.choice(PRONOUNS), sentence(rng, 8)))
                    else:
                        parts.append("%s, %s %s." % (sentence(rng, 10).capitalize(), rng.choice(PRONOUNS),
                                                     sentence(rng, 8)))
                blocks.append("<gdi image%d>%s</gdi>" % (image, " ".join(parts)))
            rec["story"] = "\n".join(blocks)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
