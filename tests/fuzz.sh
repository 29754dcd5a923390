#!/bin/sh
# fuzz.sh BUILD_DIR - run every libFuzzer target briefly (bounded in time and
# runs), starting from the seeds in fuzz/corpus/<target>/ when present.
# A crash, leak or sanitizer report fails the run.
set -eu
build=$1
seconds=${SM_FUZZ_SECONDS:-10}
status=0
found=0
for f in "$build"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    found=$((found + 1))
    name=$(basename "$f")
    seeds="fuzz/corpus/$name"
    work=$(mktemp -d)
    [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
    if "$f" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
            -timeout=10 -print_final_stats=0 "$work" >"$work.log" 2>&1; then
        echo "fuzz: $name: ok (${seconds}s)"
    else
        echo "fuzz: $name: FAILED"; tail -40 "$work.log"; status=1
    fi
    rm -rf "$work" "$work.log"
done
echo "fuzz: $found targets run"
if [ "$status" -eq 0 ]; then echo "$found passed, 0 failed"; fi
exit $status
