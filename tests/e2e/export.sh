#!/bin/bash
# export.sh - storymovie export sft|dpo for TRL and LLaMA-Factory: every
# export passes tests/check_export.py (with the recipes that read it), and
# the checker fails, naming the rule, on a hand-broken copy for each rule.
# --max-images cuts stories that still pass 'story check'; the stage-2
# reward picks the pairs the hand-written samples are built to give.
set -u
[ -x "$SM" ] || { echo "export e2e: no storymovie binary at $SM"; exit 1; }
# the interpreter itself, resolved once (a version-manager shim costs ~1 s a call)
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$PY" ] \
    || { echo "export e2e: python3 not found; skipped"; exit 77; }
src="$SM_SOURCE_DIR"
fx="$src/tests/fixtures/dataset"
check="$PY $src/tests/check_export.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_rc() {
    local want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq "$want" ] || { fail "rc $rc (want $want): $*"; sed 's/^/  /' "$tmp/err" | head -5; }
}
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
passes() {  # passes DIR [checker options]: the checker accepts it
    $check "$@" >"$tmp/check" 2>&1 || { fail "checker refused $1"; sed 's/^/  /' "$tmp/check" | head -8; }
}

# The sample (split by story: one film) and a corpus of 6 films.
"$SM" dataset -q --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/ds" --split-by story || fail "dataset of the sample"
"$PY" "$fx/make_corpus.py" "$tmp/corpus" 6
"$SM" dataset -q --stories "$tmp/corpus/stories.jsonl" --movienet "$tmp/corpus/movienet" \
    --out "$tmp/films" || fail "dataset of the corpus"

# --- sft, both formats, with and without --max-images ------------------------
for ds in ds films; do
    for fmt in trl llamafactory; do
        for max in 0 4; do
            out="$tmp/sft-$ds-$fmt-$max"
            args=""
            [ "$max" -gt 0 ] && args="--max-images $max"
            expect_rc 0 "$SM" export sft --dataset "$tmp/$ds" --format $fmt --out "$out" $args
            if [ $fmt = llamafactory ]; then
                passes "$out" --recipe "$src/recipes/llamafactory/stage1_sft_cot.yaml" \
                    --recipe "$src/recipes/llamafactory/stage3_sft_storymovie_zero3.yaml"
            else
                passes "$out" --recipe "$src/recipes/trl/stage1_sft_cot.yaml"
            fi
        done
    done
done
has "$tmp/err" "cut to 4 frames"
[ -f "$tmp/sft-ds-trl-0/train/metadata.jsonl" ] && [ -f "$tmp/sft-ds-llamafactory-0/dataset_info.json" ] ||
    fail "export layout"
# byte-identical rerun
"$SM" export sft -q --dataset "$tmp/films" --format llamafactory --out "$tmp/again" --max-images 4
diff -r "$tmp/again" "$tmp/sft-films-llamafactory-4" >/dev/null || fail "sft rerun: different bytes"

# The cut stories still pass every 'story check' rule, with 4 frames.
"$PY" - "$tmp/sft-films-llamafactory-4/storymovie_sft_train.jsonl" "$tmp/cut.jsonl" <<'EOF'
import json, sys
with open(sys.argv[2], "w") as f:
    for line in open(sys.argv[1]):
        row = json.loads(line)
        answer = row["messages"][-1]["content"]
        assert answer.startswith("<think>\n")
        cot, story = answer[len("<think>\n"):].split("\n</think>\n", 1)
        f.write(json.dumps({"story_id": row["story_id"], "images": row["images"],
                            "frame_count": len(row["images"]), "chain_of_thought": cot,
                            "story": story}) + "\n")
EOF
expect_rc 0 "$SM" story check "$tmp/cut.jsonl"
has "$tmp/err" "0 problems"
# kitchen, 7 frames -> 4 evenly spaced: 1, 3, 5, 7; its "## Image 3" is the old image 5
"$PY" - "$tmp/cut.jsonl" "$src/sample/stories.jsonl" <<'EOF' || fail "--max-images: wrong frames or text"
import json, sys
cut = [json.loads(l) for l in open(sys.argv[1]) if "_kitchen" in l][0]
orig = [json.loads(l) for l in open(sys.argv[2]) if "_kitchen" in l][0]
assert [p.split("/")[-1] for p in cut["images"]] == ["001.jpg", "002.jpg", "003.jpg", "004.jpg"]
sec = orig["chain_of_thought"].split("## Image ")
want = sec[5].split("\n", 1)[1].split("## Narrative")[0]
got = cut["chain_of_thought"].split("## Image ")[3].split("\n", 1)[1].split("## Narrative")[0]
assert got == want, "image 3 of the cut story is image 5 of the original"
assert cut["story"].count("<gdi image") == 4 and "<gdi image4>" in cut["story"]
EOF

# --- dpo: the hand-written samples of tests/fixtures/dataset/told_sample.jsonl
for fmt in trl llamafactory; do
    expect_rc 0 "$SM" export dpo --dataset "$tmp/ds" --samples "$fx/told_sample.jsonl" --format $fmt \
        --out "$tmp/dpo-$fmt"
    has "$tmp/err" "DPO pairs: 1 from 2 prompts"
    if [ $fmt = llamafactory ]; then
        passes "$tmp/dpo-$fmt" --recipe "$src/recipes/llamafactory/stage2_dpo.yaml" \
            --recipe "$src/recipes/llamafactory/stage2_dpo_zero3.yaml"
    else
        passes "$tmp/dpo-$fmt" --recipe "$src/recipes/trl/stage2_dpo.yaml"
    fi
done
"$PY" - "$tmp/dpo-llamafactory/rewards.jsonl" <<'EOF' || fail "dpo: rewards not as built"
import json, sys
r = {(x["story_id"], x["sample"]): x for x in map(json.loads, open(sys.argv[1]))}
k = lambda n: r[("tt9999901_kitchen", n)]
assert k(1)["reward"] == 3 and k(1)["role"] == "chosen"            # the reference itself
assert 2 < k(2)["reward"] < 3 and k(2)["role"] is None               # moved boxes, broken identity
assert k(2)["grounding"] < 1 and k(2)["reid"] < 1
assert k(3)["structure"] == 0 and k(3)["role"] == "rejected"         # no chain of thought
assert k(4)["excluded"] == "truncated answer"
lamp = r[("tt9999901_lamp_room", 1)]
assert lamp["split"] == "test" and lamp["excluded"] == "test split"
EOF

# real 'generate tell --samples 2' output (samples numbered 1..K) read by
# export dpo: answers given through --responses, written by hand here
# (labelled "hand-written"): sample 1 is the reference story itself, sample
# 2 the same story without its chain of thought.
"$SM" generate tell -q --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/tell" --model m --samples 2 --images file --cache none --requests-out "$tmp/tell.req" \
    || fail "generate tell --requests-out"
"$PY" - "$src/sample/stories.jsonl" "$tmp/tell.req" "$tmp/tell.resp" <<'EOF' || fail "tell answers"
import json, sys
ref = {r["story_id"]: r for r in map(json.loads, open(sys.argv[1]))}
with open(sys.argv[3], "w") as out:
    for n, line in enumerate(open(sys.argv[2])):
        cid = json.loads(line)["custom_id"]
        _, sid, k, _ = cid.split(":")
        r = ref[sid]
        text = "<think>%s</think>%s" % (r["chain_of_thought"], r["story"]) if k == "s1" else r["story"]
        body = {"id": "h%d" % n, "object": "chat.completion", "model": "hand-written",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}
        out.write(json.dumps({"id": "h%d" % n, "custom_id": cid, "error": None,
                              "response": {"status_code": 200, "request_id": "h%d" % n, "body": body}}) + "\n")
EOF
"$SM" generate tell -q --stories "$src/sample/stories.jsonl" --movienet "$src/sample/movienet" \
    --out "$tmp/tell" --model m --samples 2 --images file --responses "$tmp/tell.resp" || fail "generate tell --responses"
expect_rc 0 "$SM" export dpo --dataset "$tmp/ds" --samples "$tmp/tell/stories.jsonl" --format trl --out "$tmp/dpo-tell"
passes "$tmp/dpo-tell" --recipe "$src/recipes/trl/stage2_dpo.yaml"
has "$tmp/err" "TRL DPO pairs: 1 from 2 prompts"
"$PY" - "$tmp/dpo-tell/rewards.jsonl" <<'EOF' || fail "dpo of generate tell output: rewards"
import json, sys
r = {(x["story_id"], x["sample"]): x for x in map(json.loads, open(sys.argv[1]))}
assert sorted(r) == sorted((s, k) for s in ("tt9999901_kitchen", "tt9999901_lamp_room") for k in (1, 2))
assert r[("tt9999901_kitchen", 1)]["reward"] == 3 and r[("tt9999901_kitchen", 1)]["role"] == "chosen"
assert r[("tt9999901_kitchen", 2)]["structure_problem"] == "not-whole"
assert r[("tt9999901_kitchen", 2)]["role"] == "rejected"
EOF

# synthetic sequences: negatives of the 6-film corpus, answers written by
# hand here from two templates (labelled "hand-written"): one gives every
# frame's person the same id char1 (recurs across films: punished), the
# other a new id per frame (no cross-film identity).
"$SM" dataset negatives -q --stories "$tmp/corpus/stories.jsonl" --movienet "$tmp/corpus/movienet" \
    --out "$tmp/neg.jsonl" --seed 2 || fail "negatives"
"$PY" - "$tmp/neg.jsonl" "$tmp/told-neg.jsonl" <<'EOF'
import json, sys
def answer(n, same):
    cot, story = [], []
    for i in range(1, n + 1):
        cid = "char1" if same else "char%d" % i
        cot.append("## Image %d\n### Characters\n| Character ID | Name | Description | Emotions | Actions | "
                   "Narrative Function | Bounding Box |\n|---|---|---|---|---|---|---|\n| %s | Person | "
                   "Someone | Calm | Stands | Figure | 10,10,100,170 |\n### Setting\n| Setting Element | "
                   "Description | Mood | Time | Narrative Function |\n|---|---|---|---|---|\n| Location | A "
                   "room | Quiet | Day | Place |\n" % (i, cid))
        story.append("<gdi image%d>The <gdo %s>person</gdo> <gda %s>stands</gda>.</gdi>" % (i, cid, cid))
    cot.append("## Narrative Structure\n| Narrative Phase | Description | Key Events | Images |\n"
               "|---|---|---|---|\n" + "".join("| %s | - | - | 1 |\n" % p for p in
               ("Introduction", "Development", "Conflict", "Turning Point", "Conclusion")))
    return "\n".join(cot), "\n".join(story)
with open(sys.argv[2], "w") as f:
    for line in open(sys.argv[1]):
        n = json.loads(line)
        for k, same in enumerate((True, False), 1):   # numbered from 1, as generate tell does
            cot, story = answer(len(n["images"]), same)
            f.write(json.dumps({"story_id": n["story_id"], "images": n["images"],
                                "frame_count": len(n["images"]), "chain_of_thought": cot,
                                "story": story, "model": "hand-written", "prompt_version": "storyteller-1",
                                "sample": k, "parse": "ok"}) + "\n")
EOF
for fmt in trl llamafactory; do
    expect_rc 0 "$SM" export dpo --dataset "$tmp/films" --samples "$tmp/told-neg.jsonl" \
        --negatives "$tmp/neg.jsonl" --movienet "$tmp/corpus/movienet" --format $fmt --out "$tmp/neg-$fmt"
    passes "$tmp/neg-$fmt"
done
has "$tmp/err" "0 real, 12 synthetic"
"$PY" - "$tmp/neg-trl/rewards.jsonl" "$tmp/neg-trl/train/metadata.jsonl" <<'EOF' || fail "dpo synthetic: rewards"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
for r in rs:
    assert r["synthetic"] and r["grounding"] is None
    if r["sample"] == 1:
        assert r["reid"] == -1 and r["reward"] == 0 and r["ids"] == 1 and r["cross_film_ids"] == 1
        assert r["role"] in ("rejected", None)
    else:
        assert r["reid"] == 0 and r["reward"] == 1 and r["role"] in ("chosen", None)
train = [json.loads(l) for l in open(sys.argv[2])]
assert train and all("char2" in row["chosen"][0]["content"][0]["text"] for row in train)
EOF

# --- bad input -----------------------------------------------------------------
expect_rc 1 "$SM" export sft --dataset "$src/sample" --format trl --out "$tmp/x1"
has "$tmp/err" "is not a dataset written by 'storymovie dataset'"
printf '{"story_id":"nope","images":[],"parse":"ok","chain_of_thought":"","story":""}\n' >"$tmp/bad-told.jsonl"
expect_rc 1 "$SM" export dpo --dataset "$tmp/ds" --samples "$tmp/bad-told.jsonl" --format trl --out "$tmp/x2"
has "$tmp/err" "bad-told.jsonl:1: story nope is neither in the dataset nor a synthetic sequence"
sed 's/"parse": "ok"/"parse": "fine"/' "$fx/told_sample.jsonl" >"$tmp/bad-parse.jsonl"
expect_rc 1 "$SM" export dpo --dataset "$tmp/ds" --samples "$tmp/bad-parse.jsonl" --format trl --out "$tmp/x3"
has "$tmp/err" 'parse is "fine"'
[ -e "$tmp/x1" ] || [ -e "$tmp/x2" ] || [ -e "$tmp/x3" ] && fail "a refused export wrote its output"
expect_rc 2 "$SM" export sft --dataset "$tmp/ds" --out "$tmp/x4"
expect_rc 2 "$SM" export
expect_rc 0 "$SM" export --help

# --- the checker fails, naming the rule, on a broken copy for each rule --------
broken() {  # broken RULE SOURCE-DIR PYTHON-EDIT [checker options]
    local rule=$1 from=$2 edit=$3; shift 3
    rm -rf "$tmp/broken" && cp -r "$from" "$tmp/broken"
    (cd "$tmp/broken" && "$PY" -c "
import json, os, glob
def rows(path): return [json.loads(l) for l in open(path)]
def save(path, rs): open(path, 'w').write(''.join(json.dumps(r) + '\n' for r in rs))
$edit
") || { fail "$rule: the edit failed"; return; }
    if $check "$tmp/broken" "$@" >"$tmp/check" 2>&1; then
        fail "checker accepted a copy broken for rule $rule"
    elif ! grep -q ": $rule: " "$tmp/check"; then
        fail "checker did not name rule $rule:"; sed 's/^/  /' "$tmp/check" | head -3
    fi
}
LF="$tmp/sft-films-llamafactory-4"
T="$tmp/sft-films-trl-4"
LFD="$tmp/dpo-llamafactory"
TD="$tmp/dpo-trl"
F=storymovie_sft_train.jsonl
broken lf-info "$LF" "i = json.load(open('dataset_info.json')); del i['storymovie_sft_train']['file_name']; json.dump(i, open('dataset_info.json', 'w'))"
broken lf-system "$LF" "i = json.load(open('dataset_info.json')); del i['storymovie_sft_train']['tags']['system_tag']; json.dump(i, open('dataset_info.json', 'w'))"
broken lf-columns "$LF" "r = rows('$F'); del r[0]['images']; save('$F', r)"
broken lf-content "$LF" "r = rows('$F'); r[0]['messages'][1]['content'] = [r[0]['messages'][1]['content']]; save('$F', r)"
broken lf-roles "$LF" "r = rows('$F'); r[0]['messages'][1]['role'] = 'assistant'; save('$F', r)"
broken lf-roles "$LFD" "f = 'storymovie_dpo_train.jsonl'; r = rows(f); r[0]['chosen']['role'] = 'user'; save(f, r)"
broken lf-images "$LF" "r = rows('$F'); r[0]['messages'][1]['content'] = '<image>' + r[0]['messages'][1]['content']; save('$F', r)"
broken lf-images "$LF" "r = rows('$F'); r[0]['messages'][2]['content'] += ' <video>'; save('$F', r)"
broken lf-paths "$LF" "r = rows('$F'); os.remove(r[0]['images'][0])"
broken recipe "$LF" "pass" --recipe "$src/recipes/llamafactory/stage2_dpo.yaml"
broken trl-layout "$T" "f = 'train/metadata.jsonl'; r = rows(f); r[0]['file_names'] = 'images/x.jpg'; save(f, r)"
broken trl-paths "$T" "f = 'train/metadata.jsonl'; r = rows(f); os.remove(os.path.join('train', r[0]['file_names'][0]))"
broken trl-content "$T" "f = 'train/metadata.jsonl'; r = rows(f); r[0]['messages'][0]['content'] = 'You are...'; save(f, r)"
broken trl-images "$T" "f = 'train/metadata.jsonl'; r = rows(f); del r[0]['messages'][1]['content'][0]; save(f, r)"
broken trl-images "$TD" "f = 'train/metadata.jsonl'; r = rows(f); r[0]['chosen'][0]['content'].insert(0, {'type': 'image'}); save(f, r)"
broken trl-roles "$T" "f = 'train/metadata.jsonl'; r = rows(f); r[0]['messages'].pop(); save(f, r)"
broken trl-roles "$TD" "f = 'train/metadata.jsonl'; r = rows(f); r[0]['prompt'].append(r[0]['chosen'][0]); save(f, r)"
broken schema "$T" "f = 'test/metadata.jsonl'; r = rows(f); r[0]['extra'] = 1; save(f, r)"
broken recipe "$T" "pass" --recipe "$src/recipes/trl/stage2_dpo.yaml"
broken ds-frames "$tmp/films" "f = 'train/metadata.jsonl'; r = rows(f); r[0]['frame_count'] += 1; save(f, r)"
broken ds-ids "$tmp/films" "f = 'train/metadata.jsonl'; r = rows(f); r[1]['story_id'] = r[0]['story_id']; save(f, r)"
broken ds-paths "$tmp/films" "f = 'train/metadata.jsonl'; r = rows(f); os.remove(os.path.join('train', r[0]['file_names'][0]))"
broken ds-card "$tmp/films" "os.remove('README.md')"

[ "$fails" -eq 0 ] || { echo "export e2e: $fails failure(s)"; exit 1; }
echo "export e2e: all checks passed"
