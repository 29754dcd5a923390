#!/bin/sh
# fuzz.sh BUILD_DIR - run every libFuzzer target briefly (bounded in time and
# runs), starting from the seeds in fuzz/corpus/<target>/ when present.
# A target's libFuzzer dictionary, fuzz/dict/<target>.dict, is used when present.
# A crash, leak or sanitizer report fails the run; the input that caused it
# is kept in BUILD_DIR/fuzz-crashes/.  Works from any directory.
set -eu
build=${1:?usage: sh tests/fuzz.sh BUILD_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
crashes=$build/fuzz-crashes
seconds=${SM_FUZZ_SECONDS:-10}
status=0
found=0
failed=0
for f in "$build"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    found=$((found + 1))
    name=$(basename "$f")
    seeds="$here/fuzz/corpus/$name"
    work=$(mktemp -d)
    mkdir -p "$crashes"
    [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
    dict=
    [ -f "$here/fuzz/dict/$name.dict" ] && dict="-dict=$here/fuzz/dict/$name.dict"
    if "$f" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 $dict \
            -timeout=10 -print_final_stats=0 -artifact_prefix="$crashes/$name-" "$work" >"$work.log" 2>&1; then
        echo "fuzz: $name: ok (${seconds}s)"
    else
        echo "fuzz: $name: FAILED (input kept in $crashes/)"; tail -40 "$work.log"; status=1; failed=$((failed + 1))
    fi
    rm -rf "$work" "$work.log"
done
echo "fuzz: $found targets run"
if [ "$found" -eq 0 ]; then echo "fuzz: no fuzz targets in $build/fuzz"; exit 1; fi
echo "$((found - failed)) passed, $failed failed"
exit $status
