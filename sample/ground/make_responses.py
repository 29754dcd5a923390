#!/usr/bin/env python3
"""make_responses.py - rebuild sample/ground/responses.jsonl from the
hand-written answers in sample/ground/answers.txt.

    python3 sample/ground/make_responses.py build/storymovie [--check]

`generate ground` names each request by a hash of its body (prompt, model,
earlier answers), so the responses file must be made with the command
itself: build the sample's context, then run `generate ground
--requests-out` round after round, answering each request it writes with the
hand-written answer for that story and attempt, until it asks nothing more.
With --check, compare with the committed file instead of writing it (exit 1
when it is stale, e.g. after the prompt changed).

The answers are written by hand for this project; the model name recorded
with them says so.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = "hand-written-sample"
OUT = os.path.join(HERE, "responses.jsonl")


def read_answers(path):
    """{(story_id, attempt): text} from answers.txt."""
    answers, key, lines = {}, None, []

    def flush():
        if key:
            answers[key] = "".join(lines).strip("\n")

    for line in open(path, encoding="utf-8"):
        m = re.match(r"=== (\S+) (\d+)\s*$", line)
        if m:
            flush()
            key, lines = (m.group(1), int(m.group(2))), []
        elif key and not (line.startswith("#") and not lines):
            lines.append(line)
    flush()
    return answers


def batch_line(n, custom_id, text):
    body = {
        "id": "chatcmpl-hand-written-%d" % n,
        "object": "chat.completion",
        "created": 0,
        "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": "stop"}],
    }
    return json.dumps({"id": "hand-written-%d" % n, "custom_id": custom_id,
                       "response": {"status_code": 200, "request_id": "hand-written-%d" % n,
                                    "body": body},
                       "error": None}, ensure_ascii=False)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sm = os.path.abspath(sys.argv[1])
    check = "--check" in sys.argv[2:]
    answers = read_answers(os.path.join(HERE, "answers.txt"))
    stories = os.path.join(ROOT, "sample", "stories.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sm, "build", os.path.join(ROOT, "sample", "movienet"), "--stories", stories,
                        "--out", os.path.join(tmp, "b")], check=True, stderr=subprocess.DEVNULL)
        responses = []
        for _ in range(10):                     # a story has at most a few attempts
            resp = os.path.join(tmp, "responses.jsonl")
            req = os.path.join(tmp, "requests.jsonl")
            with open(resp, "w", encoding="utf-8") as f:
                f.writelines(line + "\n" for line in responses)
            cmd = [sm, "generate", "ground", "--stories", stories, "--context",
                   os.path.join(tmp, "b", "context.jsonl"), "--out", os.path.join(tmp, "g"),
                   "--model", MODEL, "--cache", "none", "--requests-out", req, "-q"]
            if responses:
                cmd += ["--responses", resp]
            subprocess.run(cmd, check=True)
            asked = [json.loads(l) for l in open(req, encoding="utf-8") if l.strip()]
            if not asked:
                break
            for r in asked:
                m = re.match(r"ground:(.+?)(?::a(\d+))?:[0-9a-f]{12}$", r["custom_id"])
                key = (m.group(1), int(m.group(2) or 1))
                if key not in answers:
                    sys.exit("make_responses: no hand-written answer for %s attempt %d" % key)
                responses.append(batch_line(len(responses) + 1, r["custom_id"], answers[key]))
    text = "".join(line + "\n" for line in responses)
    if check:
        old = open(OUT, encoding="utf-8").read() if os.path.exists(OUT) else ""
        if old != text:
            sys.exit("make_responses: %s is stale; run python3 sample/ground/make_responses.py "
                     "BUILD/storymovie" % os.path.relpath(OUT, ROOT))
        return
    with open(OUT + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(OUT + ".tmp", OUT)
    print("wrote %s: %d answers" % (os.path.relpath(OUT, ROOT), len(responses)))


if __name__ == "__main__":
    main()
