"""Tests of the Python module (python/storymovie) over the library just
built: the records equal the command line's, on files, strings and bytes;
bad input raises storymovie.Error with the command's one-line message and
never brings the interpreter down; large inputs; several threads.

Env: SM (the storymovie binary), SM_SOURCE_DIR, STORYMOVIE_LIBRARY (the
libstorymovie.so.N to test), PYTHONPATH with python/.
"""
import doctest
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import unittest

import storymovie

SM = os.environ["SM"]
SRC = pathlib.Path(os.environ["SM_SOURCE_DIR"])
SAMPLE = SRC / "sample"
MOVIENET = SAMPLE / "movienet"
SCRIPT = MOVIENET / "script" / "tt9999901.script"
SUBS = MOVIENET / "subtitle" / "tt9999901.srt"
STORIES = SAMPLE / "stories.jsonl"
# The command runs without what the interpreter needed preloaded (a
# sanitizer build's runtime: the program has its own).
ENV = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


def cli(*args):
    """The records the command writes, and its exit status and stderr."""
    p = subprocess.run([SM, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    recs = [json.loads(line) for line in p.stdout.decode().split("\n") if line]
    # a file's provenance record (docs/provenance.md) has no counterpart in memory
    recs = [r for r in recs if r.get("type") != "provenance"]
    return recs, p.returncode, p.stderr.decode()


def cli_error(*args):
    """The one-line message the command prints for bad input, without the
    'storymovie: ' in front."""
    recs, rc, err = cli(*args)
    assert rc == 1, (args, rc, err)
    lines = err.strip().split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("storymovie: ")
    return lines[0][len("storymovie: "):]


class SameRecordsAsTheCommandLine(unittest.TestCase):
    def test_align_sample(self):
        want, rc, _ = cli("align", "-q", SCRIPT, SUBS)
        self.assertEqual(rc, 0)
        got = storymovie.align(SCRIPT, SUBS)
        self.assertEqual(got, want)
        self.assertEqual(sum(r["type"] == "segment" for r in got), 65)
        # the same from the contents, as str and as bytes
        self.assertEqual(storymovie.align(SCRIPT.read_text(), SUBS.read_text()), want)
        self.assertEqual(storymovie.align(SCRIPT.read_bytes(), SUBS.read_bytes()), want)

    def test_align_options(self):
        want, _, _ = cli("align", "-q", "--min-confidence", "0.95", "--no-hints", SCRIPT, SUBS)
        self.assertEqual(storymovie.align(SCRIPT, SUBS, min_confidence=0.95, hints=False), want)

    def test_readers(self):
        self.assertEqual(storymovie.read_subtitles(SUBS), cli("subs", "-q", SUBS)[0])
        self.assertEqual(storymovie.read_script(SCRIPT), cli("script", SCRIPT)[0])
        fountain = SRC / "tests" / "fixtures"
        for f in sorted(fountain.rglob("*.fountain"))[:3]:
            self.assertEqual(storymovie.read_script(f), cli("script", f)[0], f)
        self.assertEqual(storymovie.read_script(SCRIPT, format="plain"),
                         cli("script", "--format", "plain", SCRIPT)[0])

    def test_link(self):
        want, rc, _ = cli("link", "-q", MOVIENET, "--stories", STORIES)
        self.assertEqual(rc, 0)
        self.assertEqual(storymovie.link(MOVIENET, STORIES), want)
        self.assertEqual(storymovie.link(str(MOVIENET), STORIES.read_text()), want)
        self.assertEqual(len(want), 2)

    def test_metrics(self):
        with tempfile.TemporaryDirectory() as d:
            tsv = pathlib.Path(d) / "pred.tsv"
            subprocess.run([SM, "align", "-q", "--format", "tsv", "-o", tsv, SCRIPT, SUBS], check=True, env=ENV)
            gold = SAMPLE / "gold.tsv"
            want = cli("eval", "speakers", "--json", gold, tsv)[0][0]
            self.assertEqual(storymovie.eval_speakers(gold, tsv), want)
            # align's records as the prediction (with their confidences), in memory
            jsonl = pathlib.Path(d) / "pred.jsonl"
            subprocess.run([SM, "align", "-q", "-o", jsonl, SCRIPT, SUBS], check=True, env=ENV)
            want = cli("eval", "speakers", "--json", gold, jsonl)[0][0]
            self.assertEqual(storymovie.eval_speakers(gold, storymovie.align(SCRIPT, SUBS)), want)
            self.assertEqual(storymovie.eval_speakers(gold.read_text(), jsonl.read_bytes()), want)
        want = cli("eval", "grounding", "--per-story", "--pred", STORIES, "--ref", STORIES)[0]
        self.assertEqual(storymovie.eval_grounding(STORIES, STORIES, per_story=True), want)
        self.assertEqual(storymovie.eval_grounding(STORIES.read_text(), STORIES), want[-1])
        want = cli("eval", "language", "--per-story", "--pred", STORIES, "--ref", STORIES)[0]
        self.assertEqual(storymovie.eval_language(STORIES, STORIES, per_story=True), want)
        self.assertEqual(storymovie.eval_language(STORIES.read_bytes(), STORIES.read_text()), want[-1])
        quirks = cli("eval", "grounding", "--reference-quirks", "--image-size", "320x180",
                     "--pred", STORIES, "--ref", STORIES)[0][-1]
        self.assertEqual(storymovie.eval_grounding(STORIES, STORIES, reference_quirks=True,
                                                   image_size=(320, 180)), quirks)


class StrBytesAndEncodings(unittest.TestCase):
    SRT = "1\n00:00:01,000 --> 00:00:02,500\nCAF\u00c9: Un caf\u00e9, s'il vous pla\u00eet.\n"

    def test_str_bytes_path(self):
        want = storymovie.read_subtitles(self.SRT)
        self.assertEqual(want[0]["text"], "Un caf\u00e9, s'il vous pla\u00eet.")
        self.assertEqual(storymovie.read_subtitles(self.SRT.encode("utf-8")), want)
        self.assertEqual(storymovie.read_subtitles(bytearray(self.SRT.encode("utf-8"))), want)
        self.assertEqual(storymovie.read_subtitles(memoryview(self.SRT.encode("utf-8"))), want)
        # bytes in other encodings are decoded as a file's are
        self.assertEqual(storymovie.read_subtitles(self.SRT.encode("utf-16")), want)
        self.assertEqual(storymovie.read_subtitles(self.SRT.encode("cp1252") * 1), want)
        with tempfile.TemporaryDirectory() as d:
            p = pathlib.Path(d) / "caf\u00e9.srt"
            p.write_bytes(self.SRT.encode("cp1252"))
            self.assertEqual(storymovie.read_subtitles(p), want)
            self.assertEqual(storymovie.read_subtitles(p), cli("subs", "-q", p)[0])

    def test_a_file_name_as_str_is_refused(self):
        with self.assertRaises(TypeError) as cm:
            storymovie.read_subtitles(str(SUBS))
        self.assertIn("pathlib.Path", str(cm.exception))


class BadInput(unittest.TestCase):
    def test_same_message_as_the_command_line(self):
        with tempfile.TemporaryDirectory() as d:
            empty = pathlib.Path(d) / "empty.srt"
            empty.write_text("  \n\n")
            binary = pathlib.Path(d) / "binary.srt"
            binary.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\n\x00\x01\x02\xff\n")
            missing = pathlib.Path(d) / "missing.srt"
            for bad in (empty, binary, missing, pathlib.Path(d)):
                want = cli_error("align", "-q", SCRIPT, bad)
                with self.assertRaises(storymovie.Error) as cm:
                    storymovie.align(SCRIPT, bad)
                self.assertEqual(str(cm.exception), want)
                self.assertNotIn("\n", str(cm.exception))
            stories = pathlib.Path(d) / "stories.jsonl"
            stories.write_text('{"story_id": "a", "story": "x"}\nnot json\n')
            want = cli_error("eval", "language", "--pred", stories, "--ref", STORIES)
            with self.assertRaises(storymovie.Error) as cm:
                storymovie.eval_language(stories, STORIES)
            self.assertEqual(str(cm.exception), want)
            gold = pathlib.Path(d) / "gold.tsv"
            gold.write_text("no header\n")
            want = cli_error("eval", "speakers", "--json", gold, SAMPLE / "gold.tsv")
            with self.assertRaises(storymovie.Error) as cm:
                storymovie.eval_speakers(gold, SAMPLE / "gold.tsv")
            self.assertEqual(str(cm.exception), want)

    def test_in_memory_names(self):
        with self.assertRaises(storymovie.Error) as cm:
            storymovie.read_subtitles("")
        self.assertEqual(str(cm.exception), "<subtitles>: empty file")
        self.assertEqual((cm.exception.file, cm.exception.line, cm.exception.problem),
                         ("<subtitles>", 0, "empty file"))
        with self.assertRaises(storymovie.Error) as cm:
            storymovie.read_subtitles("1\n00:00:01,000 --> 00:00:99,000\nHi\n")
        self.assertTrue(str(cm.exception).startswith("<subtitles>:2: "), str(cm.exception))

    def test_garbage_never_crashes(self):
        import random
        rng = random.Random(18)
        good = SUBS.read_bytes()
        for i in range(200):
            data = bytearray(good[: rng.randrange(len(good))])
            for _ in range(rng.randrange(20)):
                if data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
            for fn in (storymovie.read_subtitles, storymovie.read_script,
                       lambda x: storymovie.align(x, x), lambda x: storymovie.eval_language(x, x)):
                try:
                    fn(bytes(data))
                except storymovie.Error as e:
                    self.assertNotIn("\n", str(e))
        for fn in (storymovie.read_subtitles, storymovie.read_script):
            for junk in (b"\x00" * 1000, bytes(range(256)) * 100, "\ud800", "x" * (2 << 20)):
                with self.assertRaises(storymovie.Error):
                    fn(junk)
        with self.assertRaises(storymovie.Error):
            storymovie.read_subtitles(b"{" * 100000)

    def test_wrong_types(self):
        for bad in (None, 3, 2.5, object(), [1, 2], {"a": 1}):
            with self.assertRaises(TypeError):
                storymovie.read_subtitles(bad)
        with self.assertRaises(TypeError):
            storymovie.link(12, STORIES)
        with self.assertRaises(storymovie.Error):
            storymovie.read_script(SCRIPT, format="screenplay")
        with self.assertRaises(storymovie.Error):
            storymovie.align(SCRIPT, SUBS, min_confidence=3)
        with self.assertRaises(storymovie.Error):
            storymovie.link(MOVIENET, STORIES, iou=7)
        with self.assertRaises(storymovie.Error):
            storymovie.link(SAMPLE / "nowhere", STORIES)

    def test_link_failures(self):
        bad = STORIES.read_text() + json.dumps({"story_id": "lost", "images": ["tt9999901/shot_9999_img_1.jpg"],
                                                "chain_of_thought": "", "story": ""}) + "\n"
        with self.assertRaises(storymovie.Error) as cm:
            storymovie.link(MOVIENET, bad)
        self.assertIn("1 stories could not be linked", str(cm.exception))
        self.assertEqual(len(cm.exception.records), 2)
        import warnings
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            self.assertEqual(len(storymovie.link(MOVIENET, bad, strict=False)), 2)
        self.assertEqual(len(w), 1)


class Large(unittest.TestCase):
    def test_large_input(self):
        """A film ten times as long as any: 40,000 cues and their script."""
        n = 40000
        srt, script = [], []
        for i in range(n):
            t = i * 3
            srt.append("%d\n%02d:%02d:%02d,000 --> %02d:%02d:%02d,500\nLine %d says word%d and word%d.\n"
                       % (i + 1, t // 3600, t // 60 % 60, t % 60, t // 3600, t // 60 % 60, t % 60,
                          i, i, i * 7))
            script.append("%s: Line %d says word%d and word%d.\n" % ("ANNA" if i % 2 else "BEN", i, i, i * 7))
        srt_text, script_text = "\n".join(srt), "\n".join(script)
        self.assertGreater(len(srt_text), 2_000_000)
        got = storymovie.align(script_text, srt_text)
        segs = [r for r in got if r["type"] == "segment"]
        self.assertEqual(len(segs), n)
        self.assertGreater(sum(r["speaker"] is not None for r in segs), 0.99 * n)
        with tempfile.TemporaryDirectory() as d:
            a, b = pathlib.Path(d) / "s.txt", pathlib.Path(d) / "s.srt"
            a.write_text(script_text)
            b.write_text(srt_text)
            self.assertEqual(got, cli("align", "-q", a, b)[0])

    def test_threads(self):
        want = storymovie.align(SCRIPT, SUBS)
        results = []

        def run():
            for _ in range(5):
                results.append(storymovie.align(SCRIPT.read_bytes(), SUBS))

        ts = [threading.Thread(target=run) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(len(results), 20)
        self.assertTrue(all(r == want for r in results))


class Documentation(unittest.TestCase):
    def test_docstrings(self):
        for name in storymovie.__all__:
            obj = getattr(storymovie, name)
            if callable(obj):
                self.assertTrue(obj.__doc__ and len(obj.__doc__) > 40, name)

    def test_module_example(self):
        cwd = os.getcwd()
        os.chdir(SRC)
        try:
            failures, tried = doctest.testmod(storymovie)
        finally:
            os.chdir(cwd)
        self.assertGreater(tried, 0)
        self.assertEqual(failures, 0)

    def test_version(self):
        out = subprocess.run([SM, "--version"], stdout=subprocess.PIPE, check=True, env=ENV).stdout.decode()
        self.assertTrue(out.startswith("storymovie %s " % storymovie.version()), out)
        self.assertEqual(storymovie.__version__, storymovie.version())


if __name__ == "__main__":
    unittest.main(verbosity=2)
