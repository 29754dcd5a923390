#!/bin/bash
# align.sh - storymovie align and eval speakers from the command line:
# the output contract, batch mode (jobs, resume, shards), bad input, and the
# scorer against the reference scorer.  Uses the bundled sample; the checks
# that need ../shared (the contract checker, the reference scorer) skip
# without it.
set -u
SM=${SM:?path to storymovie}
SRC=${SM_SOURCE_DIR:?}
DATA=${SM_SHARED_DATA:-$SRC/../shared/data}
TOOLS=$DATA/../tools
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

script=$SRC/sample/movienet/script/tt9999901.script
subs=$SRC/sample/movienet/subtitle/tt9999901.srt

# 1. one film: JSON Lines, segments then blocks
"$SM" align -q "$script" "$subs" > "$work/a.jsonl" || bad "align exits 0 on the sample"
n_seg=$(grep -c '"type":"segment"' "$work/a.jsonl")
n_blk=$(grep -c '"type":"block"' "$work/a.jsonl")
[ "$n_seg" -eq 65 ] && ok "65 segment records" || bad "segment records: $n_seg"
[ "$n_blk" -gt 50 ] && ok "$n_blk block records" || bad "block records: $n_blk"
if command -v python3 >/dev/null && [ -f "$TOOLS/check_align_contract.py" ]; then
    python3 "$TOOLS/check_align_contract.py" "$subs" < "$work/a.jsonl" > "$work/contract.txt" \
        && ok "contract checker: $(tail -1 "$work/contract.txt")" || { bad "contract"; cat "$work/contract.txt"; }
    ep=$DATA/friends/friends-s01e02
    if [ -d "$ep" ]; then
        "$SM" align -q "$ep/transcript.txt" "$ep/subtitles.srt" | python3 "$TOOLS/check_align_contract.py" "$ep/subtitles.srt" > "$work/c2.txt" \
            && ok "contract on a Friends episode" || { bad "contract on Friends"; cat "$work/c2.txt"; }
        # eval speakers agrees with the reference scorer
        "$SM" align -q --format tsv "$ep/transcript.txt" "$ep/subtitles.srt" > "$work/p.tsv"
        ref=$(python3 "$TOOLS/score_speakers.py" "$ep/gold.tsv" "$work/p.tsv")
        ours=$("$SM" eval speakers "$ep/gold.tsv" "$work/p.tsv" 2>&1 >/dev/null | awk '/^segments/{print $6, $4, $2}')
        [ "$ref" = "$ours" ] && ok "eval speakers = reference scorer ($ref)" || bad "eval speakers '$ours' vs reference '$ref'"
    fi
else
    echo "skip: ../shared/tools not found: contract checker and reference scorer not run"
fi
# the sample's own gold (written with the sample)
"$SM" align -q --format tsv "$script" "$subs" > "$work/s.tsv"
"$SM" eval speakers --json "$SRC/sample/gold.tsv" "$work/s.tsv" > "$work/s.json" || bad "eval speakers on the sample"
python3 - "$work/s.json" <<'PY' && ok "sample: precision >= 0.95, accuracy >= 0.9" || bad "sample accuracy: $(cat "$work/s.json")"
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["precision"] >= 0.95 and r["accuracy"] >= 0.9 else 1)
PY

# 2. -o writes atomically and the same bytes
"$SM" align -q -o "$work/o.jsonl" "$script" "$subs" && cmp -s "$work/o.jsonl" "$work/a.jsonl" \
    && ok "-o FILE = stdout" || bad "-o FILE differs"
ls "$work"/o.jsonl.tmp.* >/dev/null 2>&1 && bad "temporary file left behind" || ok "no temporary left"

# 3. batch: manifest, jobs, resume, shards
mkdir -p "$work/m"
for i in 1 2 3 4 5; do printf 'film%d\t%s\t%s\n' "$i" "$script" "$subs"; done > "$work/m/films.tsv"
printf '# comment\n\n' >> "$work/m/films.tsv"
"$SM" align -q --manifest "$work/m/films.tsv" --out "$work/out1" -j 1 || bad "manifest -j 1"
"$SM" align -q --manifest "$work/m/films.tsv" --out "$work/out2" -j 4 || bad "manifest -j 4"
diff -r "$work/out1" "$work/out2" >/dev/null && ok "-j 1 = -j 4" || bad "jobs change the output"
cmp -s "$work/out1/film3.jsonl" "$work/a.jsonl" && ok "batch output = single-film output" || bad "batch differs from single"
touch -d '2000-01-01' "$work/out1/film2.jsonl"
"$SM" align --manifest "$work/m/films.tsv" --out "$work/out1" 2> "$work/resume.txt"
grep -q "0 aligned, 5 already done" "$work/resume.txt" && ok "rerun skips finished films" || { bad "resume"; cat "$work/resume.txt"; }
"$SM" align -q --manifest "$work/m/films.tsv" --out "$work/sh" --shard 0/2
"$SM" align -q --manifest "$work/m/films.tsv" --out "$work/sh" --shard 1/2
[ "$(ls "$work/sh" | wc -l)" -eq 5 ] && diff -r "$work/sh" "$work/out2" >/dev/null \
    && ok "two shards = whole" || bad "shards"
printf 'x\t%s\t%s\n' "$work/none.txt" "$subs" > "$work/m/broken.tsv"
printf 'y\t%s\t%s\n' "$script" "$subs" >> "$work/m/broken.tsv"
"$SM" align --manifest "$work/m/broken.tsv" --out "$work/ob" 2> "$work/ob.txt"
[ $? -eq 1 ] && [ -f "$work/ob/y.jsonl" ] && grep -q "x failed" "$work/ob.txt" \
    && ok "a failed film is reported, the others done, exit 1" || { bad "failed film"; cat "$work/ob.txt"; }
"$SM" align --manifest "$work/m/films.tsv" --out "$work/o3" --shard 2/2 2>/dev/null
[ $? -eq 2 ] && ok "--shard 2/2 is a usage error" || bad "bad shard accepted"

# 4. bad input: clear message, no crash.  An empty (or blank) file is an
# error, as in every command: an alignment of nothing would pass for a film
# where nobody speaks.
: > "$work/empty.srt"
"$SM" align "$script" "$work/empty.srt" > "$work/e.jsonl" 2> "$work/e.txt"
[ $? -eq 1 ] && [ "$(cat "$work/e.txt")" = "storymovie: $work/empty.srt: empty file" ] && [ ! -s "$work/e.jsonl" ] \
    && ok "empty subtitles: one line, exit 1, no records" || bad "empty subtitles: $(cat "$work/e.txt")"
printf '  \n\n\t\n' > "$work/blank.txt"
"$SM" align "$work/blank.txt" "$subs" > "$work/e.jsonl" 2> "$work/e.txt"
[ $? -eq 1 ] && [ "$(cat "$work/e.txt")" = "storymovie: $work/blank.txt: empty file" ] && [ ! -s "$work/e.jsonl" ] \
    && ok "blank script: one line, exit 1, no records" || bad "blank script: $(cat "$work/e.txt")"
printf '[Scene: Nowhere.]\n\n(An empty room.)\n' > "$work/nodialogue.txt"
"$SM" align "$work/nodialogue.txt" "$subs" > "$work/nd.jsonl" 2> "$work/nd.txt"
[ $? -eq 0 ] && grep -q "no dialogue" "$work/nd.txt" \
    && [ "$(grep '"type":"segment"' "$work/nd.jsonl" | grep -v '"evidence":"hint"' | grep -c '"speaker":"')" -eq 0 ] \
    && ok "script without dialogue: message, all abstained (but for subtitle labels)" || bad "no-dialogue script"
if [ -d "$DATA/friends/friends-s01e02" ]; then
    "$SM" align "$DATA/friends/friends-s01e02/transcript.txt" "$subs" > "$work/mm.jsonl" 2> "$work/mm.txt"
    answered=$(grep '"type":"segment"' "$work/mm.jsonl" | grep -v '"evidence":"hint"' | grep -c '"speaker":"')
    [ "$answered" -le 2 ] && ok "script of another film: $answered of 65 answered" || bad "mismatched film answered $answered"
fi
"$SM" align "$script" "$work/missing.srt" > /dev/null 2> "$work/miss.txt"
[ $? -eq 1 ] && [ "$(wc -l < "$work/miss.txt")" -eq 1 ] && grep -q "missing.srt" "$work/miss.txt" \
    && ok "missing file: one line, exit 1" || bad "missing file"
"$SM" align "$script" "$work" > /dev/null 2> "$work/dir.txt"
[ $? -eq 1 ] && grep -q "directory" "$work/dir.txt" && ok "directory refused" || bad "directory"
head -c 3000 /bin/ls > "$work/binary.srt"
"$SM" align "$script" "$work/binary.srt" > /dev/null 2> "$work/bin.txt"
[ $? -eq 1 ] && ok "binary refused: $(cat "$work/bin.txt")" || bad "binary"
"$SM" align "$script" 2>/dev/null; [ $? -eq 2 ] && ok "one file is a usage error" || bad "usage"
: > "$work/empty_gold.tsv"
"$SM" eval speakers "$work/empty_gold.tsv" "$work/s.tsv" > /dev/null 2> "$work/eg.txt"
[ $? -eq 1 ] && grep -q "no gold segments" "$work/eg.txt" && ok "empty gold: error" || bad "empty gold accepted"
printf '{"type":"segment","cue":1,' > "$work/trunc.jsonl"
"$SM" eval speakers "$SRC/sample/gold.tsv" "$work/trunc.jsonl" > /dev/null 2> "$work/tj.txt"
[ $? -eq 1 ] && grep -q "trunc.jsonl:1: not a JSON object" "$work/tj.txt" && ok "truncated prediction: error with line" || bad "truncated prediction"
"$SM" align --help | grep -q "Exit status" && ok "--help" || bad "--help"

[ $fail -eq 0 ] && echo "align e2e: all passed" || echo "align e2e: FAILED"
exit $fail
