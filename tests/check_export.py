#!/usr/bin/env python3
"""check_export.py - hold an export (or a dataset) to the rules its reader enforces.

    python3 tests/check_export.py DIR [--recipe RECIPE.yaml]... [--films-disjoint]

DIR is one of
  - a LLaMA-Factory export (DIR/dataset_info.json),
  - a TRL export (DIR/train/metadata.jsonl with messages or prompt/chosen/rejected),
  - a dataset of 'storymovie dataset' (DIR/.storymovie says so).
The kind is detected.  Every broken rule is one line
    check_export: FILE:LINE: RULE: what is wrong
and the exit status is 1; a clean export prints one OK line and exits 0.

The rules, and the code of the consuming project each comes from (the
projects' sources, described in our words; docs/export.md has the list):

LLaMA-Factory (sharegpt)
  lf-info      dataset_info.json is an object of stanzas, each with file_name
               (a file beside it), formatting "sharegpt", columns.messages and
               columns.images, and tags naming role/content/user/assistant
               (src/llamafactory/data/parser.py: DatasetAttr.join reads them; a
               tags object leaves every tag it does not name empty)
  lf-system    rows that start with a system message need tags.system_tag =
               "system" (parser.py: with tags given, an unnamed system_tag is
               None, and converter.py then treats the system message as a turn)
  lf-columns   every column a stanza names is in every row; ranking stanzas name
               chosen and rejected, others do not (converter.py reads them)
  lf-content   every message is {role, content} with content a string
  lf-roles     after the system message, roles alternate user, assistant,...;
               SFT rows end with the assistant (an even count), ranking rows
               end with the user (odd) and carry chosen/rejected assistant
               messages (src/llamafactory/data/converter.py,
               SharegptDatasetConverter: otherwise "Invalid role tag" or
               "Invalid message count" and the row is skipped)
  lf-images    the number of "<image>" in the messages (with chosen, and with
               rejected) equals the number of images, and there is no
               "<video>" or "<audio>" (src/llamafactory/data/mm_plugin.py,
               _validate_messages raises otherwise)
  lf-paths     every image path exists relative to the directory of
               dataset_info.json (converter.py, _find_medias joins media_dir,
               which defaults to dataset_dir)
  recipe       every dataset a recipe names (dataset:, eval_dataset:) has a
               stanza, with ranking for `stage: dpo` and without for sft
TRL (vision)
  trl-layout   train/metadata.jsonl (test/ optional) with a file_names list in
               every row: the ImageFolder layout `datasets` loads as `images`
               (datasets folder_based_builder.py: file_names -> images)
  trl-paths    every file_names entry exists relative to its metadata.jsonl
               (folder_based_builder.py joins it with the metadata directory)
  trl-content  every message has a role (system, user, assistant) and content
               a list of parts {"type": "text", "text": str} or {"type":
               "image"} (trl/data_utils.py, prepare_multimodal_messages)
  trl-images   the {"type": "image"} parts of messages (SFT) or prompt (DPO)
               number exactly the images; chosen/rejected have none
               (prepare_multimodal_messages raises "Number of images provided
               ... does not match number of image placeholders")
  trl-roles    SFT: optional system, then user/assistant alternating from the
               user, ending with the assistant (trl/trainer/sft_trainer.py,
               DataCollatorForVisionLanguageModeling applies the chat template
               to the whole conversation); DPO: prompt ends with the user,
               chosen and rejected are one assistant message each
               (trl/trainer/dpo_trainer.py, DataCollatorForVisionPreference
               appends them to the prompt)
  schema       every row of every split has the same keys with the same JSON
               types (folder_based_builder.py refuses metadata files whose
               features differ)
Dataset (ImageFolder of 'storymovie dataset')
  ds-layout, ds-paths, schema as above; ds-frames: frame_count equals the
  number of file_names; ds-ids: no story_id twice; ds-films (--films-disjoint):
  no film in both splits; ds-card: README.md has the YAML header with configs.
"""
import json
import os
import re
import sys

MAX_REPORTS = 30


class Report:
    def __init__(self):
        self.problems = []

    def add(self, where, rule, message):
        self.problems.append("%s: %s: %s" % (where, rule, message))


def read_jsonl(path, report, rule):
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rows.append((n, json.loads(line)))
                except ValueError as e:
                    report.add("%s:%d" % (path, n), rule, "not JSON: %s" % e)
    except OSError as e:
        report.add(path, rule, "cannot read: %s" % e.strerror)
    return rows


def json_type(v):
    """A type signature as a reader inferring a schema sees it."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "null"
    if isinstance(v, list):
        inner = sorted({json_type(x) for x in v})
        return "list<%s>" % "|".join(inner) if inner else "list<?>"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def check_schema(files_rows, report):
    """schema: one set of keys, one type per key, across every row of every file."""
    want_keys, want_types = None, {}
    for path, rows in files_rows:
        for n, row in rows:
            where = "%s:%d" % (path, n)
            if not isinstance(row, dict):
                report.add(where, "schema", "row is not an object")
                continue
            keys = sorted(row)
            if want_keys is None:
                want_keys = keys
            elif keys != want_keys:
                report.add(where, "schema", "keys %s differ from the first row's %s" % (keys, want_keys))
                continue
            for k, v in row.items():
                t = json_type(v)
                if t == "null":
                    report.add(where, "schema", "%s is null (a column must have one type)" % k)
                    continue
                if t == "list<?>":
                    continue          # empty lists fit any list type
                if k not in want_types:
                    want_types[k] = t
                elif want_types[k] != t:
                    report.add(where, "schema", "%s is %s; earlier rows have %s" % (k, t, want_types[k]))


# ---- LLaMA-Factory -----------------------------------------------------------

def check_llamafactory(root, report, recipes):
    info_path = os.path.join(root, "dataset_info.json")
    try:
        with open(info_path, encoding="utf-8") as f:
            info = json.load(f)
    except (OSError, ValueError) as e:
        report.add(info_path, "lf-info", "cannot read: %s" % e)
        return 0
    if not isinstance(info, dict) or not info:
        report.add(info_path, "lf-info", "not an object of dataset stanzas")
        return 0
    total = 0
    for name, st in info.items():
        where = "%s: %s" % (info_path, name)
        if not isinstance(st, dict) or "file_name" not in st:
            report.add(where, "lf-info", "stanza has no file_name")
            continue
        if st.get("formatting") != "sharegpt":
            report.add(where, "lf-info", "formatting is %r, not \"sharegpt\"" % st.get("formatting"))
        cols = st.get("columns") or {}
        tags = st.get("tags") or {}
        for c in ("messages", "images"):
            if c not in cols:
                report.add(where, "lf-info", "columns has no %s" % c)
        for t in ("role_tag", "content_tag", "user_tag", "assistant_tag"):
            if t not in tags:
                report.add(where, "lf-info", "tags has no %s" % t)
        ranking = bool(st.get("ranking"))
        if ranking != ("chosen" in cols and "rejected" in cols):
            report.add(where, "lf-columns", "ranking is %s but columns %s chosen/rejected"
                       % (ranking, "name" if "chosen" in cols else "do not name"))
        path = os.path.join(root, st["file_name"])
        if not os.path.isfile(path):
            report.add(where, "lf-info", "file_name %s does not exist" % st["file_name"])
            continue
        rows = read_jsonl(path, report, "lf-info")
        total += len(rows)
        role, content = tags.get("role_tag", "from"), tags.get("content_tag", "value")
        user, assistant = tags.get("user_tag", "human"), tags.get("assistant_tag", "gpt")
        system_tag = tags.get("system_tag")
        for n, row in rows:
            w = "%s:%d" % (path, n)
            missing = [c for c in cols.values() if c not in row]
            if missing:
                report.add(w, "lf-columns", "row lacks column(s) %s named in dataset_info.json" % missing)
                continue
            msgs = row[cols["messages"]]
            if not isinstance(msgs, list) or not all(isinstance(m, dict) for m in msgs):
                report.add(w, "lf-content", "messages is not a list of objects")
                continue
            bad = [m for m in msgs if not isinstance(m.get(content), str) or role not in m]
            if bad:
                report.add(w, "lf-content", "a message lacks %s or its %s is not a string" % (role, content))
                continue
            if msgs and msgs[0][role] == "system":
                if system_tag != "system":
                    report.add(w, "lf-system", "the first message is a system message but the stanza's "
                               "tags do not set system_tag to \"system\"")
                    continue
                turns = msgs[1:]
            else:
                turns = msgs
            for i, m in enumerate(turns):
                want = user if i % 2 == 0 else assistant
                if m[role] != want:
                    report.add(w, "lf-roles", "turn %d has role %r, expected %r (roles must alternate "
                               "user, assistant)" % (i + 1, m[role], want))
                    break
            if not ranking and len(turns) % 2 != 0:
                report.add(w, "lf-roles", "an SFT conversation must end with the assistant (%d turns)"
                           % len(turns))
            extra = []
            if ranking:
                if len(turns) % 2 != 1:
                    report.add(w, "lf-roles", "a ranking conversation must end with the user (%d turns)"
                               % len(turns))
                for c in ("chosen", "rejected"):
                    a = row.get(cols[c])
                    if not isinstance(a, dict) or a.get(role) != assistant or not isinstance(a.get(content), str):
                        report.add(w, "lf-roles", "%s is not an assistant message object" % c)
                    else:
                        extra.append(a[content])
            images = row[cols["images"]]
            if not isinstance(images, list) or not all(isinstance(p, str) for p in images):
                report.add(w, "lf-images", "images is not a list of paths")
                continue
            text = "".join(m[content] for m in turns)
            for tail in (extra or [""]):
                count = (text + tail).count("<image>")
                if count != len(images):
                    report.add(w, "lf-images", "%d <image> tokens for %d images" % (count, len(images)))
                    break
            for mark in ("<video>", "<audio>"):
                if mark in text or any(mark in t for t in extra):
                    report.add(w, "lf-images", "%s in the text, with no %ss" % (mark, mark[1:-1]))
            for p in images:
                if not os.path.isfile(os.path.join(root, p)):
                    report.add(w, "lf-paths", "image %s does not exist relative to %s" % (p, root))
                    break
    for recipe in recipes:
        check_recipe(recipe, info, info_path, report)
    return total


def recipe_keys(path):
    keys = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z_]+):\s*(.*?)\s*(#.*)?$", line)
            if m:
                keys[m.group(1)] = m.group(2)
    return keys


def check_recipe(recipe, info, info_path, report):
    try:
        keys = recipe_keys(recipe)
    except OSError as e:
        report.add(recipe, "recipe", "cannot read: %s" % e.strerror)
        return
    stage = keys.get("stage")
    names = []
    for k in ("dataset", "eval_dataset"):
        if keys.get(k):
            names += [n.strip() for n in keys[k].split(",") if n.strip()]
    if not names:
        report.add(recipe, "recipe", "names no dataset")
    for n in names:
        if n not in info:
            report.add(recipe, "recipe", "dataset %s is not in %s" % (n, info_path))
            continue
        ranking = bool(info[n].get("ranking"))
        if stage == "dpo" and not ranking:
            report.add(recipe, "recipe", "stage dpo needs a ranking dataset; %s is not one" % n)
        if stage == "sft" and ranking:
            report.add(recipe, "recipe", "stage sft cannot train on the ranking dataset %s" % n)


# ---- TRL -------------------------------------------------------------------------

def check_parts(msg, w, report):
    if not isinstance(msg, dict) or msg.get("role") not in ("system", "user", "assistant"):
        report.add(w, "trl-content", "a message lacks a role of system, user or assistant")
        return None
    parts = msg.get("content")
    if not isinstance(parts, list):
        report.add(w, "trl-content", "content of a %s message is not a list of parts" % msg["role"])
        return None
    images = 0
    for p in parts:
        if not isinstance(p, dict) or p.get("type") not in ("text", "image"):
            report.add(w, "trl-content", "a part is not {\"type\": \"text\"|\"image\"}")
            return None
        if p["type"] == "text" and not isinstance(p.get("text"), str):
            report.add(w, "trl-content", "a text part has no text string")
            return None
        images += p["type"] == "image"
    return images


def check_trl(root, report, recipes):
    splits = [s for s in ("train", "test") if os.path.isdir(os.path.join(root, s))]
    if "train" not in splits:
        report.add(root, "trl-layout", "no train/ directory")
        return 0
    files_rows, total = [], 0
    for s in splits:
        path = os.path.join(root, s, "metadata.jsonl")
        if not os.path.isfile(path):
            report.add(os.path.join(root, s), "trl-layout", "no metadata.jsonl")
            continue
        rows = read_jsonl(path, report, "trl-layout")
        files_rows.append((path, rows))
        total += len(rows)
        for n, row in rows:
            w = "%s:%d" % (path, n)
            files = row.get("file_names") if isinstance(row, dict) else None
            if not isinstance(files, list) or not all(isinstance(p, str) for p in files):
                report.add(w, "trl-layout", "file_names is not a list of paths")
                continue
            for p in files:
                if not os.path.isfile(os.path.join(os.path.dirname(path), p)):
                    report.add(w, "trl-paths", "image %s does not exist relative to %s" % (p, os.path.dirname(path)))
                    break
            if "messages" in row:
                msgs = row["messages"]
                counts = [check_parts(m, w, report) for m in msgs] if isinstance(msgs, list) else [None]
                if None in counts:
                    continue
                if sum(counts) != len(files):
                    report.add(w, "trl-images", "%d image parts for %d images" % (sum(counts), len(files)))
                roles = [m["role"] for m in msgs]
                turns = roles[1:] if roles and roles[0] == "system" else roles
                expect = ["user", "assistant"] * (len(turns) // 2 + 1)
                if not turns or turns != expect[:len(turns)] or turns[-1] != "assistant":
                    report.add(w, "trl-roles", "roles %s: expected [system,] user, assistant, ... ending "
                               "with assistant" % roles)
            elif all(k in row for k in ("prompt", "chosen", "rejected")):
                prompt = row["prompt"]
                counts = [check_parts(m, w, report) for m in prompt] if isinstance(prompt, list) else [None]
                if None in counts:
                    continue
                if sum(counts) != len(files):
                    report.add(w, "trl-images", "%d image parts in the prompt for %d images"
                               % (sum(counts), len(files)))
                if not prompt or prompt[-1].get("role") != "user":
                    report.add(w, "trl-roles", "the prompt must end with the user turn")
                for c in ("chosen", "rejected"):
                    ans = row[c]
                    if not isinstance(ans, list) or len(ans) != 1:
                        report.add(w, "trl-roles", "%s is not a list of one assistant message" % c)
                        continue
                    k = check_parts(ans[0], w, report)
                    if k is None:
                        continue
                    if ans[0]["role"] != "assistant":
                        report.add(w, "trl-roles", "%s is not an assistant message" % c)
                    if k:
                        report.add(w, "trl-images", "%s has image parts" % c)
            else:
                report.add(w, "trl-layout", "row has neither messages nor prompt/chosen/rejected")
    check_schema(files_rows, report)
    for recipe in recipes:
        keys = recipe_keys(recipe)
        kind = "dpo" if "beta" in keys or "dpo" in os.path.basename(recipe) else "sft"
        first = files_rows[0][1][0][1] if files_rows and files_rows[0][1] else {}
        have = "dpo" if "chosen" in first else "sft"
        if kind != have:
            report.add(recipe, "recipe", "a %s recipe given a %s export" % (kind, have))
    return total


# ---- dataset -------------------------------------------------------------------

def check_dataset(root, report, films_disjoint):
    files_rows, total = [], 0
    seen_ids, films = {}, {}
    for s in ("train", "test"):
        path = os.path.join(root, s, "metadata.jsonl")
        if not os.path.isfile(path):
            report.add(os.path.join(root, s), "ds-layout", "no metadata.jsonl")
            continue
        rows = read_jsonl(path, report, "ds-layout")
        files_rows.append((path, rows))
        total += len(rows)
        for n, row in rows:
            w = "%s:%d" % (path, n)
            files = row.get("file_names")
            if not isinstance(files, list) or not all(isinstance(p, str) for p in files):
                report.add(w, "ds-layout", "file_names is not a list of paths")
                continue
            for p in files:
                if not os.path.isfile(os.path.join(root, s, p)):
                    report.add(w, "ds-paths", "image %s does not exist" % p)
                    break
            if row.get("frame_count") != len(files):
                report.add(w, "ds-frames", "frame_count %s for %d files" % (row.get("frame_count"), len(files)))
            sid = row.get("story_id")
            if sid in seen_ids:
                report.add(w, "ds-ids", "story_id %s also at %s" % (sid, seen_ids[sid]))
            seen_ids[sid] = w
            films.setdefault(row.get("movie"), set()).add(s)
    check_schema(files_rows, report)
    if films_disjoint:
        for film, splits in sorted(films.items(), key=lambda kv: str(kv[0])):
            if len(splits) > 1:
                report.add(root, "ds-films", "film %s is in both splits" % film)
    card = os.path.join(root, "README.md")
    try:
        with open(card, encoding="utf-8") as f:
            text = f.read()
        if not text.startswith("---\n") or "\nconfigs:\n" not in text.split("\n---\n")[0]:
            report.add(card, "ds-card", "no YAML header with configs")
    except OSError:
        report.add(card, "ds-card", "missing")
    return total


def main(argv):
    args, recipes, films_disjoint = [], [], False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--recipe" and i + 1 < len(argv):
            recipes.append(argv[i + 1])
            i += 2
            continue
        if a == "--films-disjoint":
            films_disjoint = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(a)
        i += 1
    if len(args) != 1:
        print("usage: check_export.py DIR [--recipe FILE]... [--films-disjoint]", file=sys.stderr)
        return 2
    root = args[0]
    report = Report()
    marker = os.path.join(root, ".storymovie")
    kind_line = ""
    if os.path.isfile(marker):
        with open(marker, encoding="utf-8") as f:
            kind_line = f.readline().strip()
    if os.path.isfile(os.path.join(root, "dataset_info.json")):
        kind, rows = "LLaMA-Factory export", check_llamafactory(root, report, recipes)
    elif kind_line.startswith("storymovie dataset"):
        kind, rows = "dataset", check_dataset(root, report, films_disjoint)
    else:
        kind, rows = "TRL export", check_trl(root, report, recipes)
    for p in report.problems[:MAX_REPORTS]:
        print("check_export: " + p)
    if len(report.problems) > MAX_REPORTS:
        print("check_export: ... and %d more" % (len(report.problems) - MAX_REPORTS))
    if report.problems:
        return 1
    print("check_export: OK: %s, %s, %d rows%s" % (root, kind, rows,
          (", %d recipe(s)" % len(recipes)) if recipes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
