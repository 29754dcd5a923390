#!/bin/sh
# bench_generate.sh - generate ground and generate tell on ~2,000 stories,
# without a model: the figures are storymovie's own work around the calls.
#
#   sh bench/bench_generate.sh [BUILD_DIR] [FILMS]
#
# On the synthetic corpus of bench/make_movienet_corpus.py (FILMS films,
# default 500, ~4 stories each; screenplays and subtitles are the shared
# data's, by symbolic link), built once with `storymovie build`:
#
#   1. answers for every story are made up from its context record - per
#      image its first named char, by name, saying a line of the window's
#      dialogue (realistic work for verification: names, quotations matched
#      against the window's subtitles) - and given to `generate ground`
#      through --responses (and committed to its cache);
#   2. the rerun: every story answered from the cache and verified again,
#      the outputs rewritten (target: < 1 s for 2,000 stories), beside the
#      cost of reading its two input files alone;
#   3. --requests-out for every story with frames as file:// URLs
#      (--images file): `generate ground` and `generate tell`
#      (target: < 1 s for 2,000 stories).
#
# Each timed run is measured with /usr/bin/time; the figures are wall time,
# CPU time and peak memory.  Needs python3 and the shared data.
set -eu
BUILD=${1:-build}
FILMS=${2:-500}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SM="$BUILD/storymovie"
DATA=${SM_SHARED_DATA:-$HERE/../shared/data}
CORPUS=/tmp/storymovie_bench_corpus_$FILMS
OUT=/tmp/storymovie_bench_generate_$FILMS

[ -x "$SM" ] || { echo "bench_generate: no $SM (build first: make build)" >&2; exit 1; }
[ -d "$DATA" ] || { echo "bench_generate: shared data not found at $DATA (set SM_SHARED_DATA); skipped" >&2; exit 0; }
[ -x /usr/bin/time ] || { echo "bench_generate: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

if [ ! -f "$CORPUS/stories.jsonl" ]; then
    echo "bench_generate: generating $FILMS films under $CORPUS ..." >&2
    rm -rf "$CORPUS"
    python3 "$HERE/bench/make_movienet_corpus.py" "$CORPUS" --films "$FILMS" --data "$DATA"
fi
rm -rf "$OUT"
mkdir -p "$OUT"
"$SM" build "$CORPUS/movienet" --stories "$CORPUS/stories.jsonl" --out "$OUT/b" -q
S="$CORPUS/stories.jsonl"
C="$OUT/b/context.jsonl"
stories=$(wc -l < "$C")

timed() {   # label, command...
    label=$1; shift
    /usr/bin/time -v "$@" 2> "$OUT/time" >/dev/null || { cat "$OUT/time" >&2; exit 1; }
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time")
    user=$(sed -n 's/.*User time (seconds): //p' "$OUT/time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$OUT/time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time")
    printf '%-52s wall %8s   user %6ss   sys %5ss   peak RSS %6.1f MB\n' \
        "$label" "$wall" "$user" "$sys" "$(echo "$rss" | awk '{print $1/1024}')"
}

# 1. Requests, made-up answers, answered through --responses into the cache.
"$SM" generate ground --stories "$S" --context "$C" --out "$OUT/g" --model bench \
    --requests-out "$OUT/requests.jsonl" -q
python3 - "$C" "$OUT/requests.jsonl" "$OUT/responses.jsonl" <<'EOF'
import json, re, sys
ctx = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    ctx[r["story_id"]] = r
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for n, line in enumerate(open(sys.argv[2], encoding="utf-8")):
        cid = json.loads(line)["custom_id"]
        sid = re.match(r"ground:(.+?)(?::a\d+)?:[0-9a-f]{12}$", cid).group(1)
        r = ctx[sid]
        named = [c for c in r["characters"] if c["name"]]
        # Lines said by a named char of the story, given to that char.
        said = [(d, c) for d in r["dialogue"] if d["text"] for c in named
                if c["evidence"].get("speaker") and c["evidence"]["speaker"] == d["speaker"]]
        blocks = []
        for f in r["frames"]:
            i = f["image"]
            text = "Something happens."
            if named:
                c = named[i % len(named)]
                text = "<gdo %s>%s</gdo> <gda %s>looks</gda> around." % (c["id"], c["name"].split()[0], c["id"])
            if said:
                d, c = said[i % len(said)]
                text += " \"%s\" <gdo %s>%s</gdo> says." % (d["text"].replace('"', "'"), c["id"], c["name"].split()[0])
            blocks.append("<gdi image%d>%s</gdi>" % (i, text))
        body = {"id": "b%d" % n, "object": "chat.completion", "model": "bench",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "\n".join(blocks)},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3000, "completion_tokens": 200}}
        out.write(json.dumps({"id": "b%d" % n, "custom_id": cid,
                              "response": {"status_code": 200, "request_id": "b%d" % n, "body": body},
                              "error": None}) + "\n")
EOF
rm -rf "$OUT/g"
"$SM" generate ground --stories "$S" --context "$C" --out "$OUT/g" --model bench --max-attempts 1 \
    --responses "$OUT/responses.jsonl" -q 2>/dev/null
echo "bench_generate: $stories stories with a context record ($FILMS films), $(nproc) cores, $SM"
python3 - "$OUT/g/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
print("  made-up answers: %d passed, %d failed verification (%d requests, %d from --responses)"
      % (s["stories_passed"], s["stories_failed_verification"], s["requests"], s["from_responses"]))
EOF

# 2. The rerun from the cache, and what reading the two input files alone
#    costs (--show-prompt reads them whole, then prints one prompt).
first=$(head -1 "$C" | sed 's/^{"story_id":"\([^"]*\)".*/\1/')
timed "reading the stories and context alone (--show-prompt)" \
    "$SM" generate ground --stories "$S" --context "$C" --show-prompt "$first"
timed "generate ground, rerun: $stories stories from the cache" \
    "$SM" generate ground --stories "$S" --context "$C" --out "$OUT/g" --model bench --max-attempts 1 -q
grep -o '"cached":[0-9]*' "$OUT/g/summary.json" | sed 's/^/  /'

# 3. --requests-out with frames as file:// URLs.
timed "generate ground --images file --requests-out" \
    "$SM" generate ground --stories "$S" --context "$C" --out "$OUT/r1" --model bench --images file \
    --movienet "$CORPUS/movienet" --cache none --requests-out "$OUT/r1.jsonl" -q
echo "  $(wc -l < "$OUT/r1.jsonl") requests, $(du -h "$OUT/r1.jsonl" | cut -f1)"
timed "generate tell --images file --requests-out" \
    "$SM" generate tell --stories "$S" --out "$OUT/r2" --model bench --images file \
    --movienet "$CORPUS/movienet" --cache none --requests-out "$OUT/r2.jsonl" -q
echo "  $(wc -l < "$OUT/r2.jsonl") requests, $(du -h "$OUT/r2.jsonl" | cut -f1)"
