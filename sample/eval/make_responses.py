#!/usr/bin/env python3
"""make_responses.py - rebuild the sample's model answers for `eval judge`,
`eval qa make` and `eval qa run` (sample/eval/*.jsonl) from the hand-written
answers in sample/eval/answers.txt.

    python3 sample/eval/make_responses.py build/storymovie [--check]
                                          [--ground-stories FILE]

The commands name each request by a hash of its body (prompt, model, the
stories, the context), so the files are made with the commands themselves:
build the sample's context, rewrite the stories with `generate ground` from
sample/ground/responses.jsonl (or take --ground-stories), then run each
command with --requests-out and answer every request it writes with the
hand-written answer for that story, criterion and order, question or
answer (qa run: answers first, then the grades those answers ask for).
Every request must find its answer and every answer must be asked for.
With --check, compare with the committed files instead of writing them
(exit 1 when they are stale, e.g. after a prompt or a sample story changed).

The answers are written by hand for this project; the model name recorded
with them says so.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = "hand-written-sample"
MODELS = {"script-grounded": None, "storyreasoning": os.path.join(ROOT, "sample", "stories.jsonl")}


def read_answers(path):
    """{header tuple: text} from answers.txt."""
    answers, key, lines = {}, None, []

    def flush():
        if key:
            answers[key] = "".join(lines).strip("\n")

    for line in open(path, encoding="utf-8"):
        m = re.match(r"=== (.+?)\s*$", line)
        if m:
            flush()
            key, lines = tuple(m.group(1).split()), []
            if key in answers:
                sys.exit("answers.txt: '%s' twice" % line.strip())
        elif key and not (line.startswith("#") and not lines):
            lines.append(line)
    flush()
    return answers


def batch_line(n, custom_id, text):
    body = {"id": "chatcmpl-hand-written-%d" % n, "object": "chat.completion", "created": 0, "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}
    return json.dumps({"id": "hand-written-%d" % n, "custom_id": custom_id,
                       "response": {"status_code": 200, "request_id": "hand-written-%d" % n, "body": body},
                       "error": None}, ensure_ascii=False) + "\n"


class Answerer:
    def __init__(self, answers):
        self.answers = answers
        self.used = set()
        self.n = 0

    def answer(self, requests_file, key_of):
        """Batch output lines answering every request of a --requests-out file."""
        out = []
        for line in open(requests_file, encoding="utf-8"):
            cid = json.loads(line)["custom_id"]
            key = key_of(cid)
            if key not in self.answers:
                sys.exit("make_responses: no answer in answers.txt for %s (request %s)" % (" ".join(key), cid))
            self.used.add(key)
            self.n += 1
            out.append(batch_line(self.n, cid, self.answers[key]))
        return out


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode not in (0,):
        sys.exit("make_responses: %s: exit %d\n%s" % (" ".join(cmd), r.returncode, r.stderr))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    sm = os.path.abspath(args[0])
    check = "--check" in args
    ground = None
    if "--ground-stories" in args:
        ground = os.path.abspath(args[args.index("--ground-stories") + 1])
    answers = read_answers(os.path.join(HERE, "answers.txt"))
    a = Answerer(answers)
    tmp = tempfile.mkdtemp(prefix="sm_eval_sample_")
    files = {}
    try:
        ctx = os.path.join(tmp, "build", "context.jsonl")
        run([sm, "build", os.path.join(ROOT, "sample", "movienet"), "--stories", MODELS["storyreasoning"],
             "--out", os.path.join(tmp, "build"), "--force", "-q"])
        if not ground:
            run([sm, "generate", "ground", "--stories", MODELS["storyreasoning"], "--context", ctx,
                 "--out", os.path.join(tmp, "ground"), "--model", MODEL, "--cache", "none",
                 "--responses", os.path.join(ROOT, "sample", "ground", "responses.jsonl"), "-q"])
            ground = os.path.join(tmp, "ground", "stories.jsonl")
        MODELS["script-grounded"] = ground
        llm = ["--cache", "none", "-q"]

        # the judge: script-grounded (A) against storyreasoning (B)
        req = os.path.join(tmp, "judge-requests.jsonl")
        run([sm, "eval", "judge", "--a", ground, "--b", MODELS["storyreasoning"], "--context", ctx,
             "--judge-model", MODEL, "--out", os.path.join(tmp, "judge"), "--requests-out", req] + llm)
        files["judge.jsonl"] = a.answer(req, lambda cid: ("judge",) + tuple(cid.split(":")[1:4]))

        # the questions
        req = os.path.join(tmp, "make-requests.jsonl")
        questions = os.path.join(tmp, "questions.jsonl")
        run([sm, "eval", "qa", "make", "--context", ctx, "--out", questions, "--model", MODEL,
             "--requests-out", req] + llm)
        files["qa-make.jsonl"] = a.answer(req, lambda cid: ("questions", cid.split(":")[1]))
        with open(os.path.join(tmp, "qa-make.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(files["qa-make.jsonl"])
        run([sm, "eval", "qa", "make", "--context", ctx, "--out", questions, "--model", MODEL,
             "--responses", os.path.join(tmp, "qa-make.jsonl")] + llm)

        # answers and grades, per model: two rounds
        for name, stories in sorted(MODELS.items()):
            base = [sm, "eval", "qa", "run", "--questions", questions, "--stories", stories, "--model", MODEL,
                    "--out", os.path.join(tmp, "run-" + name)] + llm
            r1 = os.path.join(tmp, name + "-r1.jsonl")
            run(base + ["--requests-out", r1])
            lines = a.answer(r1, lambda cid: ("answer", name, ":".join(cid.split(":")[1:3])))
            got1 = os.path.join(tmp, name + "-a1.jsonl")
            with open(got1, "w", encoding="utf-8") as f:
                f.writelines(lines)
            r2 = os.path.join(tmp, name + "-r2.jsonl")
            run(base + ["--responses", got1, "--requests-out", r2])
            lines += a.answer(r2, lambda cid: ("grade", name, ":".join(cid.split(":")[1:3])))
            files["qa-run-%s.jsonl" % name] = lines
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    unused = sorted(set(answers) - a.used)
    if unused:
        sys.exit("make_responses: answers.txt has answers nobody asked for: %s"
                 % "; ".join(" ".join(k) for k in unused))
    stale = 0
    for name, lines in sorted(files.items()):
        path = os.path.join(HERE, name)
        text = "".join(lines)
        if check:
            old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
            if old != text:
                print("stale: %s (run: python3 sample/eval/make_responses.py BUILD/storymovie)" % path)
                stale = 1
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print("wrote %s (%d answers)" % (path, len(lines)))
    return stale


if __name__ == "__main__":
    sys.exit(main())
