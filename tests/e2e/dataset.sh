#!/bin/bash
# dataset.sh - storymovie dataset and dataset negatives: the ImageFolder
# layout, the card, the split by film, reruns byte for byte, atomic
# replacement, and one clear line (and nothing written) for each bad input.
# Every dataset is also held to tests/check_export.py.
set -u
[ -x "$SM" ] || { echo "dataset e2e: no storymovie binary at $SM"; exit 1; }
# the interpreter itself, resolved once (a version-manager shim costs ~1 s a call)
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$PY" ] \
    || { echo "dataset e2e: python3 not found; skipped"; exit 77; }
src="$SM_SOURCE_DIR"
check="$PY $src/tests/check_export.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_rc() {  # expect_rc WANT CMD...
    local want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq "$want" ] || { fail "rc $rc (want $want): $*"; sed 's/^/  /' "$tmp/err" | head -5; }
}
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
one_line() { [ "$(wc -l <"$1")" -eq 1 ] || { fail "$1: want one line, got $(wc -l <"$1")"; sed 's/^/  /' "$1" | head -5; }; }

# --- the sample: one film, so split by story --------------------------------
expect_rc 0 "$SM" dataset --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/ds" --split-by story
has "$tmp/err" "dataset of 2 stories from 1 films"
for f in README.md LICENSE.md .storymovie train/metadata.jsonl test/metadata.jsonl \
         train/images/tt9999901_kitchen/007.jpg test/images/tt9999901_lamp_room/006.jpg; do
    [ -f "$tmp/ds/$f" ] || fail "dataset lacks $f"
done
has "$tmp/ds/README.md" "license: other"
has "$tmp/ds/README.md" "license_link: LICENSE.md"
has "$tmp/ds/README.md" "  - split: train"
has "$tmp/ds/README.md" "    path: test/**"
has "$tmp/ds/README.md" "  - name: images"
has "$tmp/ds/README.md" "    list: image"
has "$tmp/ds/README.md" "- n<1K"
has "$tmp/ds/README.md" "CC-BY-ND-4.0"
has "$tmp/ds/README.md" "MovieNet's own terms"
has "$tmp/ds/README.md" "2 of 2 records pass every rule"
# the frames are the sample's files, hard-linked
[ "$(stat -c %i "$tmp/ds/train/images/tt9999901_kitchen/001.jpg")" = \
  "$(stat -c %i "$src/sample/movienet/tt9999901/shot_0057_img_1.jpg")" ] || fail "frame 1 is not a hard link"
$check "$tmp/ds" >"$tmp/out" 2>&1 || { fail "checker: sample dataset"; cat "$tmp/out"; }
# --copy copies
expect_rc 0 "$SM" dataset -q --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/ds-copy" --split-by story --copy
[ "$(stat -c %h "$tmp/ds-copy/train/images/tt9999901_kitchen/001.jpg")" = 1 ] || fail "--copy linked"
diff -r "$tmp/ds" "$tmp/ds-copy" >/dev/null || fail "--copy: different content"

# --- a rerun gives the same bytes; over the old one it replaces it whole ------
expect_rc 0 "$SM" dataset -q --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/ds2" --split-by story
diff -r "$tmp/ds" "$tmp/ds2" >/dev/null || fail "rerun: different bytes"
touch "$tmp/ds2/train/stray-file"
mkdir "$tmp/ds2.tmp-999999999-abcdef"     # a killed run's leftovers (no such process)
expect_rc 0 "$SM" dataset -q --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/ds2" --split-by story
diff -r "$tmp/ds" "$tmp/ds2" >/dev/null || fail "rerun over the old dataset: not replaced whole"
[ -e "$tmp/ds2.tmp-999999999-abcdef" ] && fail "stale temporary directory not removed"
ls "$tmp" | grep -q '\.tmp-' && fail "temporary directories left: $(ls "$tmp" | grep '\.tmp-')"

# --- an existing directory storymovie did not write is never replaced -------
mkdir "$tmp/mine" && echo keep >"$tmp/mine/notes.txt"
expect_rc 1 "$SM" dataset -q --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/mine"
has "$tmp/err" "was not written by storymovie"
[ -f "$tmp/mine/notes.txt" ] || fail "a foreign directory was touched"

# --- several films: split by film, deterministic ----------------------------
"$PY" "$src/tests/fixtures/dataset/make_corpus.py" "$tmp/corpus" 8
expect_rc 0 "$SM" dataset --stories "$tmp/corpus/stories.jsonl" --movienet "$tmp/corpus/movienet" \
    --out "$tmp/films" --seed 7
has "$tmp/err" "dataset of 16 stories from 8 films"
$check "$tmp/films" --films-disjoint >"$tmp/out" 2>&1 || { fail "checker: films dataset"; cat "$tmp/out"; }
[ -s "$tmp/films/test/metadata.jsonl" ] || fail "no test split with 8 films"
expect_rc 0 "$SM" dataset -q --stories "$tmp/corpus/stories.jsonl" --movienet "$tmp/corpus/movienet" \
    --out "$tmp/films2" --seed 7
diff -r "$tmp/films" "$tmp/films2" >/dev/null || fail "same seed, different dataset"
# the checker sees a film in both splits
"$PY" - "$tmp/films2" <<'EOF'
import json, sys
d = sys.argv[1]
train = open(d + "/train/metadata.jsonl").read().splitlines()
test = open(d + "/test/metadata.jsonl").read().splitlines()
row = json.loads(train[0])
row["story_id"] = "moved"
test.append(json.dumps(row))
open(d + "/test/metadata.jsonl", "w").write("\n".join(test) + "\n")
EOF
$check "$tmp/films2" --films-disjoint >"$tmp/out" 2>&1 && fail "checker missed a film in both splits"
has "$tmp/out" "ds-films: film"

# --- StoryMovie fields pass through, one schema for both splits ---------------
"$PY" - "$tmp/corpus/stories.jsonl" "$tmp/sm.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
with open(sys.argv[2], "w") as f:
    for i, r in enumerate(rows):
        if i % 2 == 0:        # every other record is a StoryMovie record
            r.update({"movie": r["story_id"].split("_")[0], "source_story": r["story_id"],
                      "names": {"char1": "Martha Hale"},
                      "quotes": [{"text": "Who's down there?", "cue": 32, "segment": 1,
                                  "speaker": "MARTHA", "attributed_to": "char1"}],
                      "model": "hand-written", "prompt_version": "ground-1", "attempts": 1})
        f.write(json.dumps(r) + "\n")
EOF
expect_rc 0 "$SM" dataset --stories "$tmp/sm.jsonl" --movienet "$tmp/corpus/movienet" --out "$tmp/smds"
has "$tmp/err" "8 carry StoryMovie fields"
has "$tmp/smds/README.md" "| quotations | 8 |"
has "$tmp/smds/README.md" "| characters named (\`names\` entries) | 8 |"
$check "$tmp/smds" --films-disjoint >"$tmp/out" 2>&1 || { fail "checker: StoryMovie dataset"; cat "$tmp/out"; }

# --- bad input: one line each, nothing written --------------------------------
bad() {  # bad NAME PYTHON-EDIT EXPECTED-TEXT
    "$PY" - "$src/sample/stories.jsonl" "$tmp/$1.jsonl" "$2" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
exec(sys.argv[3])
with open(sys.argv[2], "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
EOF
    expect_rc 1 "$SM" dataset --stories "$tmp/$1.jsonl" --movienet "$src/sample/movienet" --out "$tmp/bad-$1"
    one_line "$tmp/err"
    has "$tmp/err" "$3"
    [ -e "$tmp/bad-$1" ] && fail "$1: output written"
    ls "$tmp" | grep -q "bad-$1.tmp-" && fail "$1: temporary left"
}
bad missing-image 'rows[1]["images"][2] = "tt9999901/shot_0099_img_1.jpg"' \
    'missing-image.jsonl:2: story tt9999901_kitchen: image 3 "tt9999901/shot_0099_img_1.jpg" not found'
bad twice 'rows[1]["story_id"] = rows[0]["story_id"]' \
    'twice.jsonl:2: story tt9999901_lamp_room: story_id "tt9999901_lamp_room" is used again (first on line 1)'
bad cot-images 'rows[0]["images"] = rows[0]["images"][:5]; rows[0]["frame_count"] = 5' \
    'cot-images.jsonl:1: story tt9999901_lamp_room: chain of thought describes 6 images; the story has 5'
printf '{"story_id": "x", "images": [\n' >"$tmp/broken.jsonl"
expect_rc 1 "$SM" dataset --stories "$tmp/broken.jsonl" --movienet "$src/sample/movienet" --out "$tmp/bad-broken"
one_line "$tmp/err"
has "$tmp/err" "broken.jsonl:1:"
# a failed run over an existing dataset leaves it as it was
expect_rc 1 "$SM" dataset --stories "$tmp/twice.jsonl" --movienet "$src/sample/movienet" --out "$tmp/ds"
diff -r "$tmp/ds" "$tmp/ds-copy" >/dev/null || fail "a failed rerun changed the dataset"

# --- negatives ---------------------------------------------------------------
expect_rc 0 "$SM" dataset negatives --stories "$tmp/corpus/stories.jsonl" --movienet "$tmp/corpus/movienet" \
    --out "$tmp/neg.jsonl" --seed 5
has "$tmp/err" "16 synthetic sequences"
"$PY" - "$tmp/corpus/stories.jsonl" "$tmp/neg.jsonl" <<'EOF' || fail "negatives: $(cat "$tmp/neg.err")"
import json, sys
stories = {json.loads(l)["story_id"]: json.loads(l) for l in open(sys.argv[1])}
negs = [json.loads(l) for l in open(sys.argv[2])]
assert len(negs) == len(stories), "one sequence per story"
for n in negs:
    s = stories[n["source_story"]]
    assert n["story_id"] == "neg:" + s["story_id"] and n["synthetic"] is True
    assert len(n["images"]) == len(s["images"]) == n["frame_count"], n["story_id"]
    films = [p.split("/")[0] for p in n["images"]]
    assert films == n["movies"], "movies list"
    assert len(set(films)) == len(films), "8 films, at most 7 frames: no film twice: %s" % films
EOF
expect_rc 0 "$SM" dataset negatives -q --stories "$tmp/corpus/stories.jsonl" --movienet "$tmp/corpus/movienet" \
    --out "$tmp/neg2.jsonl" --seed 5
cmp -s "$tmp/neg.jsonl" "$tmp/neg2.jsonl" || fail "negatives: same seed, different output"
expect_rc 0 "$SM" dataset negatives -q --stories "$tmp/corpus/stories.jsonl" --movienet "$tmp/corpus/movienet" \
    --out "$tmp/neg3.jsonl" --seed 6
cmp -s "$tmp/neg.jsonl" "$tmp/neg3.jsonl" && fail "negatives: another seed, same output"
# fewer films than frames: neighbours still differ
"$PY" "$src/tests/fixtures/dataset/make_corpus.py" "$tmp/three" 3
expect_rc 0 "$SM" dataset negatives --stories "$tmp/three/stories.jsonl" --movienet "$tmp/three/movienet" \
    --out "$tmp/neg4.jsonl"
has "$tmp/err" "reuse a film"
"$PY" - "$tmp/neg4.jsonl" <<'EOF' || fail "negatives: neighbours of one film"
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["movies"]
    assert all(a != b for a, b in zip(m, m[1:])), m
EOF
expect_rc 1 "$SM" dataset negatives --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/neg5.jsonl"
one_line "$tmp/err"
has "$tmp/err" "come from one film"
[ -e "$tmp/neg5.jsonl" ] && fail "negatives of one film: output written"

expect_rc 2 "$SM" dataset --stories x.jsonl
expect_rc 0 "$SM" dataset --help
has "$tmp/out" "usage: storymovie dataset"

[ "$fails" -eq 0 ] || { echo "dataset e2e: $fails failure(s)"; exit 1; }
echo "dataset e2e: all checks passed"
