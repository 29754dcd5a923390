#!/bin/sh
# build_broken.sh - films with missing or corrupt pieces do not stop the
# corpus; each is listed in the summary with its reason (golden file).
#
# The corpus is the bundled sample plus copies of its film under other ids,
# each with one piece removed or broken:
#   tt0000002  no subtitle file        -> stories linked without script context
#   tt0000003  broken meta JSON        -> stories linked, characters unnamed
#   tt0000004  empty shot file         -> stories not linked
#   tt0000005  not in video_info (fps) -> stories not linked
#   tt0000006  no file at all           -> "not in the corpus"
# plus stories with a keyframe beyond the shot file and a non-keyframe image.
# Regenerate after an intended change:
#   SM_UPDATE_GOLDEN=1 ctest --test-dir BUILD -R e2e_build_broken
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
SAMPLE="$SM_SOURCE_DIR/sample"
GOLDEN="$SM_SOURCE_DIR/tests/golden/build_broken.summary.txt"
[ -f "$SAMPLE/stories.jsonl" ] || { echo "skip: no bundled sample"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_broken_XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

C="$T/corpus"
cp -r "$SAMPLE/movienet" "$C"
SRC=tt9999901
for id in tt0000002 tt0000003 tt0000004 tt0000005; do
    for piece in shot/.txt meta/.json annotation/.json script/.script subtitle/.srt; do
        dir=${piece%%/*}; ext=${piece#*/}
        cp "$C/$dir/$SRC$ext" "$C/$dir/$id$ext"
    done
    cp -r "$C/$SRC" "$C/$id"
done
rm "$C/subtitle/tt0000002.srt"
printf '{"imdb_id": "tt0000003", "title": "Broken",\n "cast": [\n' > "$C/meta/tt0000003.json"
: > "$C/shot/tt0000004.txt"
cat > "$C/movie1K.video_info.v1.json" <<'JSON'
{"tt9999901": {"fps": 23.976}, "tt0000002": {"fps": 23.976},
 "tt0000003": {"fps": 23.976}, "tt0000004": {"fps": 23.976}}
JSON

S="$T/stories.jsonl"
cp "$SAMPLE/stories.jsonl" "$S"
for id in tt0000002 tt0000003 tt0000004 tt0000005; do
    sed "s/$SRC/$id/g" "$SAMPLE/stories.jsonl" >> "$S"
done
head -1 "$SAMPLE/stories.jsonl" | sed "s/$SRC/tt0000006/g" >> "$S"
# A keyframe beyond the shot file (the sample has 93 shots) and an image that
# is not a keyframe name.
head -1 "$SAMPLE/stories.jsonl" | sed 's/tt9999901_lamp_room/beyond_shots/; s/shot_0045_img_1/shot_0500_img_1/' >> "$S"
head -1 "$SAMPLE/stories.jsonl" | sed 's/tt9999901_lamp_room/not_keyframes/; s#tt9999901/shot_0028_img_1.jpg#frames/0028.png#' >> "$S"
echo '{"story_id": "broken", "images": [' >> "$S"

"$SM" build "$C" --stories "$S" --out "$T/out" -j 2 2> "$T/stderr" || fail "build exited $? (should survive)"
sed "s#$C#CORPUS#g; s#$S#STORIES#g; s#$T/out#OUT#g" "$T/out/summary.txt" > "$T/summary.txt"
if [ "${SM_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$T/summary.txt" "$GOLDEN"
    echo "updated $GOLDEN"
fi
diff "$GOLDEN" "$T/summary.txt" >&2 || fail "summary differs from $GOLDEN"

# The records: the complete film's 2 stories, and 2 each from the films
# without subtitles and with broken meta.
[ "$(wc -l < "$T/out/context.jsonl")" -eq 6 ] || fail "expected 6 records, got $(wc -l < "$T/out/context.jsonl")"
grep '"story_id":"tt0000002_kitchen"' "$T/out/context.jsonl" | grep -q '"alignment":null' \
    || fail "tt0000002 should have no alignment"
grep '"story_id":"tt0000003_kitchen"' "$T/out/context.jsonl" | grep -q '"name":null' \
    || fail "tt0000003 should have no names"
grep -q "outside the shot file" "$T/out/failures.tsv" || fail "keyframe beyond shots not reported"
grep -q "^film	tt0000004	" "$T/out/failures.tsv" || fail "tt0000004 not in failures.tsv"
# The summary went to stderr as well.
grep -q "films with problems" "$T/stderr" || fail "no summary on stderr"

# --strict turns listed failures into exit status 1.
set +e
"$SM" build "$C" --stories "$S" --out "$T/out" -q --strict
[ $? = 1 ] || fail "--strict should exit 1"
echo "ok"
