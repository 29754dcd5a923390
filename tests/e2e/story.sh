#!/bin/bash
# story.sh - storymovie story check|text|entities and eval grounding|language
# on our fixtures (tests/fixtures/story, written by make_fixtures.py).
set -u
fx="$SM_SOURCE_DIR/tests/fixtures/story"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
[ -x "$SM" ] || { echo "story e2e: no storymovie binary at $SM"; exit 1; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_rc() {  # expect_rc WANT CMD...
    local want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq "$want" ] || { fail "rc $rc (want $want): $*"; sed 's/^/  /' "$tmp/err" | head -5; }
}
has() {  # has FILE TEXT: a line of FILE contains TEXT (fixed string)
    grep -qF -- "$2" "$1" || fail "$1 lacks: $2"
}

# --- check -----------------------------------------------------------------
expect_rc 0 "$SM" story check "$fx/good.jsonl"
[ -s "$tmp/out" ] && fail "good.jsonl: problems printed"
has "$tmp/err" "3 records, 0 with problems, 0 problems"
expect_rc 0 "$SM" story check "$fx/model_output.txt"

expect_rc 1 "$SM" story check "$fx/broken.jsonl"
[ "$(wc -l <"$tmp/out")" -eq 55 ] || fail "broken.jsonl: $(wc -l <"$tmp/out") problem lines, want 55"
has "$tmp/err" "23 records, 22 with problems, 55 problems"
# One line per kind of rule, with exact positions (field-relative line:col).
has "$tmp/out" 'missing-fields:0:0: record: record has no "images"'
has "$tmp/out" 'frame-count:0:0: record: frame_count is 3 but "images" has 2 entries'
has "$tmp/out" "broken.jsonl#3:0:0: record: line 3 is not a JSON object"
has "$tmp/out" 's001:0:0: record: story_id "s001" is used again (first on line 4)'
has "$tmp/out" "setting-missing:18:1: chain_of_thought: image 2 has no Setting table"
has "$tmp/out" "header:3:1: chain_of_thought: Characters table header has 7 columns that differ from SPEC"
has "$tmp/out" "cells:5:1: chain_of_thought: Characters row has 6 cells; the table has 7 columns"
has "$tmp/out" 'ids:6:3: chain_of_thought: "Char 2" is not a character id (charN)'
has "$tmp/out" "ids:10:3: chain_of_thought: char7 belongs in the Characters table, not in Objects"
has "$tmp/out" 'boxes:5:92: chain_of_thought: bounding box "[227, 24, 425, 239]" is not written as x1,y1,x2,y2'
has "$tmp/out" 'boxes:6:74: chain_of_thought: bounding box "10,30,200" is not four numbers x1,y1,x2,y2'
has "$tmp/out" "boxes:10:71: chain_of_thought: bounding box needs x1 < x2 and y1 < y2 (got 318,135,294,185)"
has "$tmp/out" 'setting-element:16:3: chain_of_thought: "Mood" is not a setting element'
has "$tmp/out" 'phases:33:1: chain_of_thought: narrative phase "Conclusion" is missing'
has "$tmp/out" 'phases:37:3: chain_of_thought: "Climax" is not a narrative phase'
has "$tmp/out" "phases:39:47: chain_of_thought: narrative phase refers to image 9; the story has 2"
has "$tmp/out" "image-sections:18:1: chain_of_thought: image section 2 is numbered 3"
has "$tmp/out" "image-count:1:1: chain_of_thought: chain of thought describes 2 images; the story has 3"
has "$tmp/out" 'table-outside:1:1: chain_of_thought: Characters table is not inside an "## Image N" section'
has "$tmp/out" "heading:2:1: chain_of_thought: heading \"### Image 1\" should start with 2 '#'"
has "$tmp/out" 'narrative-missing:32:1: chain_of_thought: no "## Narrative Structure" section'
has "$tmp/out" 'tags:1:1: story: "<gdo char1>" is outside any <gdi> block'
has "$tmp/out" 'tags:3:1: story: <gdo> opened here is never closed ("<gdo char1>")'
has "$tmp/out" 'tags:3:46: story: unknown grounding tag "<gdf obj1>"'
has "$tmp/out" "tags:3:72: story: <gdl location: dark indoor space>: attribute is free text, not ids"
has "$tmp/out" "tags:3:119: story: <gdo bg7>: bg7 is a background; use <gdl>"
has "$tmp/out" "tags:3:147: story: <gdo char9>: char9 is not defined in the chain of thought"
has "$tmp/out" "tags:3:212: story: </gda> closes nothing"
has "$tmp/out" 'tags:5:1: story: <gdi> attribute "picture1" is not imageN'
has "$tmp/out" "tags:6:1: story: <gdi image1>: second block for image 1"
has "$tmp/out" "tags:6:41: story: tag \"<gdo char1 in the dark\" has no closing '>'"
has "$tmp/out" "gdi-count:1:1: story: story has 1 <gdi> blocks for 2 images"
has "$tmp/out" "gdi-order:4:1: story: <gdi image1> comes after image 2"
has "$tmp/out" "think-unclosed:17:71: chain_of_thought: model output has no </think>"
has "$tmp/out" "story-empty:1:1: story: story is empty"
has "$tmp/out" 'wrong-types:0:0: record: "images" is not an array'

expect_rc 1 "$SM" story check --json "$fx/broken.jsonl"
has "$tmp/out" '{"file":"'"$fx"'/broken.jsonl","record_line":9,"story_id":"ids","field":"chain_of_thought","line":6,"col":3,"offset":'
[ "$(wc -l <"$tmp/out")" -eq 55 ] || fail "--json: not one line per problem"

# 227,24,425,239 in 300x300: 73 of 198 px wide inside, full height: 63% outside.
expect_rc 1 "$SM" story check --image-size 300x300 "$fx/good.jsonl"
has "$tmp/out" "s001:5:92: chain_of_thought: bounding box is 63% outside the 300x300 image (at most 10%)"
expect_rc 2 "$SM" story check --image-size 12 "$fx/good.jsonl"
expect_rc 1 "$SM" story check "$tmp/missing.jsonl"
has "$tmp/err" "missing.jsonl"

# --- text / entities ---------------------------------------------------------
expect_rc 0 "$SM" story text --plain "$fx/model_output.txt"
[ "$(cat "$tmp/out")" = "John adjusts his tie while Sarah watches him beneath the clock tower. He leans against the brick wall and says, “We're done here.”" ] \
    || fail "story text --plain: $(cat "$tmp/out")"
expect_rc 0 "$SM" story text -o "$tmp/text.jsonl" "$fx/good.jsonl"
[ "$(wc -l <"$tmp/text.jsonl")" -eq 3 ] || fail "story text -o: not 3 lines"
has "$tmp/text.jsonl" '{"story_id":"s002","text":"Paul adjusts his tie'
# A record that is not JSON: refused with file:line, and no output file.
expect_rc 1 "$SM" story text -o "$tmp/none.jsonl" "$fx/broken.jsonl"
has "$tmp/err" "broken.jsonl:3: line 3 is not a JSON object"
[ -e "$tmp/none.jsonl" ] && fail "partial output written"

expect_rc 0 "$SM" story entities "$fx/good.jsonl"
has "$tmp/out" '{"id":"char1","kind":"character","defined":true,"names":["John"],"described":[1,2],"boxed":[1,2],"mentioned":[1,2],"grounded":[1,2],"mentions":[{"image":1,"tag":"gdo","text":"John","offset":13}'
has "$tmp/out" '{"id":"bg1","kind":"background","defined":true,"names":["Brick wall"],"described":[2]'

# --- eval ----------------------------------------------------------------------
expect_rc 0 "$SM" eval grounding --pred "$fx/ground_pred.jsonl" --ref "$fx/ground_ref.jsonl" --per-story
[ "$(wc -l <"$tmp/out")" -eq 6 ] || fail "grounding --per-story: not 5 stories + summary"
has "$tmp/out" '"story_id":"g1","tp":2,"fp":1,"fn":1,"precision":0.666667'
has "$tmp/out" '"ap":0.545455'
has "$tmp/out" '"type":"summary","mode":"per-image","stories":5,"precision":0.566667,"recall":0.566667,"f1":0.366667'
has "$tmp/out" '"map":0.30303,"unpaired_pred":["pred-only"],"unpaired_ref":["ref-only"]'
has "$tmp/err" "1 predicted stories without reference, 1 references without prediction"
expect_rc 0 "$SM" eval grounding --pred "$fx/ground_pred.jsonl" --ref "$fx/ground_ref.jsonl" --reference-quirks
has "$tmp/out" '"mode":"reference-quirks","stories":5,"precision":0.666667'
expect_rc 0 "$SM" eval grounding --pred "$fx/ground_pred.jsonl" --ref "$fx/ground_ref.jsonl" --reference-quirks --image-size 640x360
has "$tmp/out" '"mode":"reference-quirks","stories":5,"precision":0.666667'
expect_rc 2 "$SM" eval grounding --pred "$fx/ground_pred.jsonl" --ref "$fx/ground_ref.jsonl" --image-size 640

expect_rc 0 "$SM" eval language --pred "$fx/lang_pred.jsonl" --ref "$fx/lang_ref.jsonl" -o "$tmp/lang.jsonl"
has "$tmp/lang.jsonl" '"bleu1":0.795413,"bleu2":0.713025,"bleu3":0.56668,"bleu4":0,"rouge_l":0.834475'

expect_rc 2 "$SM" eval grounding --pred "$fx/ground_pred.jsonl"
expect_rc 2 "$SM" eval language --pred a --ref b --bogus
expect_rc 1 "$SM" eval language --pred "$fx/lang_pred.jsonl" --ref "$fx/ground_ref.jsonl"
has "$tmp/err" "no story of"
expect_rc 1 "$SM" eval grounding --pred "$fx/broken.jsonl" --ref "$fx/good.jsonl"
has "$tmp/err" "broken.jsonl:3:"

# --- help and usage ---------------------------------------------------------------
for cmd in "story --help" "eval grounding --help" "eval language --help"; do
    expect_rc 0 "$SM" $cmd
    has "$tmp/out" "usage: storymovie"
    has "$tmp/out" "Exit status"
done
expect_rc 2 "$SM" story
expect_rc 2 "$SM" story frobnicate x
expect_rc 2 "$SM" story text a b

[ "$fails" -eq 0 ] && echo "story e2e: all passed"
exit $((fails > 0))
