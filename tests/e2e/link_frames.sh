#!/bin/sh
# link_frames.sh - frame -> time worked examples through the CLI, with a
# frames manifest (no chain of thought) on the bundled sample:
#   shot 28 img 1 -> frame 2565 (k1 of line 29 of shot/tt9999901.txt)
#                 -> 2565 / 23.976 = 106.982 s; shot 28 = frames 2509..2620,
#                    on screen 104.646 .. 109.318 s (end inclusive: 2621/fps)
#   shot 0 img 0  -> frame 18 -> 0.751 s
# and a keyframe beyond the shot file -> a clear error, exit 1, the other
# stories still written.
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}"
SAMPLE="$SM_SOURCE_DIR/sample/movienet"
[ -f "$SAMPLE/shot/tt9999901.txt" ] || { echo "skip: no bundled sample"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_link_XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(sed -n 29p "$SAMPLE/shot/tt9999901.txt")" = "2509 2620 2527 2565 2602" ] \
    || { echo "skip: the sample's shot file changed; update this test"; exit 77; }

printf '# story\tmovie\tshot/img ...\n' > "$T/frames.tsv"
printf 'one\ttt9999901\t28/1\t0/0\n' >> "$T/frames.tsv"
printf 'two\ttt9999901\ttt9999901/shot_0029_img_1.jpg\n' >> "$T/frames.tsv"
printf 'bad\ttt9999901\t93/0\n' >> "$T/frames.tsv"

set +e
"$SM" link "$SAMPLE" --frames "$T/frames.tsv" -q -o "$T/out.jsonl" 2> "$T/err"
rc=$?
set -e
[ $rc = 1 ] || fail "a story beyond the shot file should exit 1 (got $rc)"
grep -q "frames.tsv:4: story bad: image 1 (tt9999901/shot_0093_img_0.jpg): .*shot/tt9999901.txt: keyframe shot_0093_img_0 is outside the shot file (93 shots: 0..92)" "$T/err" \
    || fail "error message: $(cat "$T/err")"
[ "$(wc -l < "$T/out.jsonl")" -eq 2 ] || fail "the two good stories should still be written"

one=$(head -1 "$T/out.jsonl")
for want in '"image":1,"keyframe":"tt9999901/shot_0028_img_1.jpg","shot":28,"img":1,"frame":2565,"time":106.982,"shot_start":104.646,"shot_end":109.318' \
            '"image":2,"keyframe":"tt9999901/shot_0000_img_0.jpg","shot":0,"img":0,"frame":18,"time":0.751' \
            '"window":{"start":0,"end":109.318,"first_frame":0.751,"last_frame":106.982,"padding":"shots","images_in_film_order":false}' \
            '"characters":[]'; do
    case $one in *"$want"*) ;; *) fail "record lacks $want: $one";; esac
done

# Without padding the window is the keyframe times.
"$SM" link "$SAMPLE" --frames "$T/frames.tsv" -q --no-padding 2>/dev/null | head -1 \
    | grep -q '"window":{"start":0.751,"end":106.982,' || fail "--no-padding window"

# A manifest row with a bad frame field names its line.
printf 'x\ttt9999901\t28-1\n' > "$T/bad.tsv"
set +e
"$SM" link "$SAMPLE" --frames "$T/bad.tsv" 2> "$T/err2"
[ $? = 1 ] || fail "bad manifest should exit 1"
grep -q "bad.tsv:1: field 3 '28-1' is neither SHOT/IMG" "$T/err2" || fail "bad manifest message: $(cat "$T/err2")"
echo "ok"
