#!/usr/bin/env python3
"""make_seeds.py - write the fuzz seeds that are derived from the bundled sample.

    python3 fuzz/make_seeds.py BUILD_DIR/storymovie

Maintainer tool (not used by the build), like sample/make_sample.py: every
file it writes is named fuzz/corpus/<target>/sample-*, made from the sample
film (sample/: written for storymovie, see sample/README.md), the test
fixtures and what the storymovie program prints for them (alignment
records, a dataset's rows).  Rerun it when the sample or a format changes;
the hand-written seeds beside them (features.*, ...) are not touched.
No third-party file is read: ../shared/data is added at run time only
(fuzz/targets.sh).
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def read(rel, mode="rb"):
    with open(os.path.join(ROOT, rel), mode) as f:
        return f.read()


def seed(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, "sample-" + name), "wb") as f:
        f.write(data)


def lines(data):
    return [l for l in data.split(b"\n") if l.strip()]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sm = os.path.abspath(sys.argv[1])
    for old in glob.glob(os.path.join(CORPUS, "*", "sample-*")):
        os.remove(old)

    script = read("sample/movienet/script/tt9999901.script")
    srt = read("sample/movienet/subtitle/tt9999901.srt")
    stories = read("sample/stories.jsonl")
    context = read("tests/golden/build_sample.context.jsonl")
    shots = read("sample/movienet/shot/tt9999901.txt")

    # screenplays, subtitles and the text layer
    seed("fuzz_script_parse", "tt9999901.script", script)
    seed("fuzz_subtitle_parse", "via-text.srt", b"\x01" + srt)
    seed("fuzz_subtitle_parse", "direct.srt", b"\x00" + srt)
    seed("fuzz_text_decode", "script.utf16le", b"\xff\xfe" + script.decode().encode("utf-16-le"))
    seed("fuzz_text_decode", "srt.utf16be", b"\xfe\xff" + srt.decode().encode("utf-16-be"))
    seed("fuzz_text_decode", "srt.cp1252",
         srt.decode().replace("'", "\u2019").encode("cp1252", errors="replace").replace(b"\n", b"\r\n"))
    seed("fuzz_text_decode", "script.latin1", script.decode().replace("Hale", "H\u00e4le").encode("latin-1"))

    # the aligner and its records, read back
    seed("fuzz_align", "tt9999901.bin", script + b"\0" + srt)
    first_scene = script[:script.find(b"\n", 2500) + 1]
    seed("fuzz_align", "scene1.bin", first_scene + b"\0" + srt[:1500])
    with tempfile.TemporaryDirectory() as tmp:
        align = subprocess.run([sm, "align", os.path.join(ROOT, "sample/movienet/script/tt9999901.script"),
                                os.path.join(ROOT, "sample/movienet/subtitle/tt9999901.srt")],
                               check=True, capture_output=True).stdout
        seed("fuzz_align_read", "tt9999901.align.jsonl", align)
        seed("fuzz_align_read", "head.align.jsonl", b"\n".join(align.split(b"\n")[:12]) + b"\n")
        for i, l in enumerate(lines(align)[:3] + lines(align)[-2:]):
            seed("fuzz_common_json_scan", "align-%d.jsonl" % i, l)
        gold = read("sample/gold.tsv")
        seed("fuzz_eval_speakers", "gold+align.bin", gold + b"\0" + align)
        pred_tsv = b"".join(b"\t".join(l.split(b"\t")[:2] + [l.split(b"\t")[5] if len(l.split(b"\t")) > 5 else b""])
                            + b"\n" for l in gold.split(b"\n")[1:] if l)
        seed("fuzz_eval_speakers", "gold+tsv.bin", gold + b"\0" + b"cue\tsegment\tspeaker\n" + pred_tsv)
        seed("fuzz_eval_speakers", "gold.tsv", gold)

        # a dataset of the sample, its rows read back by the exports
        ds = os.path.join(tmp, "ds")
        subprocess.run([sm, "dataset", "--stories", os.path.join(ROOT, "sample/stories.jsonl"),
                        "--movienet", os.path.join(ROOT, "sample/movienet"), "--out", ds,
                        "--split-by", "story", "--test-fraction", "0.5"],
                       check=True, capture_output=True)
        # the target rewrites train/metadata.jsonl of the same dataset (built alike)
        rows = open(os.path.join(ds, "train", "metadata.jsonl"), "rb").read()
        rows_both = rows + open(os.path.join(ds, "test", "metadata.jsonl"), "rb").read()
    told = read("tests/fixtures/dataset/told_sample.jsonl")
    seed("fuzz_dataset_export", "sft-trl.bin", b"\x00" + rows)
    seed("fuzz_dataset_export", "sft-llamafactory-max2.bin", b"\x0a" + rows)
    seed("fuzz_dataset_export", "sft-first3.bin", b"\x2c" + rows)
    seed("fuzz_dataset_export", "sft-missing-images.bin", b"\x00" + rows_both)
    seed("fuzz_dataset_export", "dpo-trl.bin", b"\x00" + rows + b"\0" + told)
    seed("fuzz_dataset_export", "dpo-llamafactory.bin", b"\x02" + rows + b"\0" + told)
    seed("fuzz_dataset_export", "build-stories.bin", b"\x01" + stories)
    seed("fuzz_dataset_export", "build-stories-lf.bin", b"\x0b" + stories)

    # stories: records, chains of thought, tagged texts
    seed("fuzz_story_jsonl", "stories.jsonl", stories)
    for i, l in enumerate(lines(stories)):
        rec = json.loads(l)
        seed("fuzz_common_json_scan", "story-%d.jsonl" % i, l)
        cot, story = rec.get("chain_of_thought", ""), rec.get("story", "")
        seed("fuzz_story_tables", "cot-%d.md" % i, cot)
        seed("fuzz_story_tags", "story-%d.txt" % i, story)
        seed("fuzz_view_story", "story-%d.txt" % i, b"\x10\x40" + story.encode())
        seed("fuzz_dataset_trim", "story-%d-even3.txt" % i, "\x02<think>" + cot + "</think>" + story)
        seed("fuzz_dataset_trim", "story-%d-first2.txt" % i, "\x81<think>" + cot + "</think>" + story)
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/story/*.jsonl"))):
        seed("fuzz_story_jsonl", os.path.basename(p), read(os.path.relpath(p, ROOT)))

    # context records
    seed("fuzz_link_context", "build_sample.context.jsonl", context)
    for i, l in enumerate(lines(context)):
        seed("fuzz_link_context", "record-%d.jsonl" % i, l + b"\n")
        seed("fuzz_common_json_scan", "context-%d.jsonl" % i, l)

    # model answers: the sample's hand-written Batch output files
    for rel in ("sample/ground/responses.jsonl", "sample/eval/judge.jsonl",
                "sample/eval/qa-run-script-grounded.jsonl", "sample/eval/qa-run-storyreasoning.jsonl",
                "sample/eval/qa-make.jsonl"):
        data = read(rel)
        name = rel.replace("sample/", "").replace("/", "-")
        if b'"custom_id"' in data:
            seed("fuzz_llm_responses", name, data)
            for i, l in enumerate(lines(data)[:3]):
                seed("fuzz_llm_answer", "%s-line%d.jsonl" % (name, i), l)
                body = json.loads(l).get("response", {}).get("body")
                if body is not None:
                    seed("fuzz_llm_answer", "%s-body%d.json" % (name, i), json.dumps(body))
                    content = body["choices"][0]["message"].get("content") or ""
                    target = "fuzz_ground_verify" if "ground" in name else "fuzz_eval_verdicts"
                    seed(target, "%s-answer%d.txt" % (name, i), content)
                    if "qa-make" in name:
                        seed("fuzz_eval_questions", "qa-make-answer%d.txt" % i, content)
    # frames: shots, keyframe names and JPEG headers
    seed("fuzz_movienet_shots", "tt9999901.txt", shots)
    for i, p in enumerate(sorted(glob.glob(os.path.join(ROOT, "sample/movienet/tt9999901/*.jpg")))[:3]):
        with open(p, "rb") as f:
            seed("fuzz_movienet_keyframe", "jpeg-%d.bin" % i, b"\x01" + f.read())
        seed("fuzz_movienet_keyframe", "name-%d.bin" % i,
             b"\x00" + os.path.relpath(p, os.path.join(ROOT, "sample/movienet")).encode())


if __name__ == "__main__":
    main()
