#!/bin/sh
# empty_input.sh - an empty or blank screenplay or subtitle file is answered
# the same way by every command: one line "storymovie: FILE: empty file" and
# exit 1 for a single file; in a corpus (build, link, align --manifest) that
# film fails with that reason and the others go on.
set -u
: "${SM:?}" "${SM_SOURCE_DIR:?}"
SAMPLE="$SM_SOURCE_DIR/sample"
[ -f "$SAMPLE/stories.jsonl" ] || { echo "skip: no bundled sample"; exit 77; }
T=$(mktemp -d /tmp/sm_e2e_empty_XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
script="$SAMPLE/movienet/script/tt9999901.script"
subs="$SAMPLE/movienet/subtitle/tt9999901.srt"
: > "$T/empty.srt"
printf '\357\273\277  \n\n\t\n' > "$T/blank.txt"    # a BOM and white space

# refuse NAME EXPECTED_FILE COMMAND...: exit 1, exactly one line naming the file.
refuse() {
    name=$1 file=$2
    shift 2
    "$@" > "$T/out" 2> "$T/err"
    rc=$?
    want="storymovie: $file: empty file"
    if [ "$rc" -eq 1 ] && [ "$(cat "$T/err")" = "$want" ] && [ ! -s "$T/out" ]; then
        echo "ok: $name: $(cat "$T/err")"
    else
        fail "$name: exit $rc, stderr '$(cat "$T/err")', expected '$want'"
    fi
}
refuse "script, empty" "$T/empty.srt" "$SM" script "$T/empty.srt"
refuse "script, blank" "$T/blank.txt" "$SM" script "$T/blank.txt"
refuse "subs, empty" "$T/empty.srt" "$SM" subs "$T/empty.srt"
refuse "subs, blank" "$T/blank.txt" "$SM" subs "$T/blank.txt"
refuse "align, empty subtitles" "$T/empty.srt" "$SM" align -q "$script" "$T/empty.srt"
refuse "align, blank script" "$T/blank.txt" "$SM" align -q "$T/blank.txt" "$subs"
refuse "align --format tsv, blank subtitles" "$T/blank.txt" "$SM" align -q --format tsv "$script" "$T/blank.txt"

# align --manifest: the empty film fails with the reason, the other is aligned.
printf 'e\t%s\t%s\nf\t%s\t%s\n' "$script" "$T/empty.srt" "$script" "$subs" > "$T/films.tsv"
"$SM" align -q --manifest "$T/films.tsv" --out "$T/aligned" 2> "$T/err"
rc=$?
if [ "$rc" -eq 1 ] && [ -s "$T/aligned/f.jsonl" ] && [ ! -e "$T/aligned/e.jsonl" ] &&
    grep -qxF "storymovie: align: e failed: $T/empty.srt: empty file" "$T/err"; then
    echo "ok: align --manifest: the empty film failed, the other aligned"
else
    fail "align --manifest: exit $rc: $(cat "$T/err")"
fi

# build and link: a corpus of the sample plus a film whose screenplay is
# blank (but not 0 bytes) and one whose subtitles are empty (0 bytes).
C="$T/corpus"
cp -r "$SAMPLE/movienet" "$C"
for id in tt0000007 tt0000008; do
    for piece in shot/.txt meta/.json annotation/.json script/.script subtitle/.srt; do
        dir=${piece%%/*}; ext=${piece#*/}
        cp "$C/$dir/tt9999901$ext" "$C/$dir/$id$ext"
    done
    cp -r "$C/tt9999901" "$C/$id"
    sed "s/tt9999901/$id/g" "$SAMPLE/stories.jsonl" >> "$T/stories.jsonl"
done
cat "$SAMPLE/stories.jsonl" >> "$T/stories.jsonl"
cp "$T/blank.txt" "$C/script/tt0000007.script"
: > "$C/subtitle/tt0000008.srt"
cat > "$C/movie1K.video_info.v1.json" <<'JSON'
{"tt9999901": {"fps": 23.976}, "tt0000007": {"fps": 23.976}, "tt0000008": {"fps": 23.976}}
JSON
"$SM" build "$C" --stories "$T/stories.jsonl" --out "$T/build" -q 2> "$T/err" || fail "build exited $?"
for reason in "tt0000007	cannot align: $C/script/tt0000007.script: empty file" \
              "tt0000008	cannot align: $C/subtitle/tt0000008.srt: empty file"; do
    grep -qxF "film	$reason" "$T/build/failures.tsv" && echo "ok: build: film $reason" \
        || fail "build: no 'film	$reason' in failures.tsv: $(cat "$T/build/failures.tsv")"
done
grep -q "^build: 3 films: 1 aligned, 0 reused (unchanged since an earlier run), 2 with failures$" "$T/build/summary.txt" \
    && echo "ok: build: the other film aligned" || fail "build summary: $(head -1 "$T/build/summary.txt")"
"$SM" link "$C" --stories "$T/stories.jsonl" > "$T/ctx.jsonl" 2> "$T/err"
grep -qF "tt0000007: cannot align: $C/script/tt0000007.script: empty file" "$T/err" \
    && echo "ok: link: the same reason" || fail "link: $(cat "$T/err")"

[ "$failures" -eq 0 ] && echo "empty input: all passed" || echo "empty input: $failures FAILED"
exit "$failures"
