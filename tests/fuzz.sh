#!/bin/sh
# fuzz.sh BUILD_DIR - run every libFuzzer target in turn, bounded in time.
#
# Seeds: the repository's fuzz/corpus/<target>/ (read only), plus extra
# seeds made at run time from ../shared/data when it is there (fuzz/targets.sh
# says which files; nothing of it is copied into the repository), with the
# target's dictionaries from fuzz/dict/.
#
# `make test` runs each target SM_FUZZ_SECONDS (default 8) seconds in a
# scratch corpus that is thrown away.  A longer run, FUZZ_SECONDS=N (or
# FUZZ_CORPUS=DIR), keeps the corpus it grows in FUZZ_CORPUS (default
# BUILD_DIR/fuzz-corpus/<target>, outside the repository) and merges it
# (-merge=1) at the end so it keeps only inputs that add coverage; the next
# run starts from it.  For all targets at once, see scripts/fuzz_campaign.sh.
#
# A crash, leak or sanitizer report fails the run; the input that caused it
# is kept in BUILD_DIR/fuzz-crashes/.  Works from any directory.
set -eu
build=${1:?usage: sh tests/fuzz.sh BUILD_DIR}
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/fuzz/targets.sh"
crashes=$build/fuzz-crashes
shared=${SM_SHARED_DATA:-$here/../shared/data}
seconds=${FUZZ_SECONDS:-${SM_FUZZ_SECONDS:-8}}
keep=""
if [ -n "${FUZZ_SECONDS:-}" ] || [ -n "${FUZZ_CORPUS:-}" ]; then
    keep=${FUZZ_CORPUS:-$build/fuzz-corpus}
    mkdir -p "$keep"
    keep=$(cd "$keep" && pwd)
    echo "fuzz: ${seconds}s per target, corpus kept in $keep/<target>"
fi
SM_SOURCE_DIR=$here
export SM_SOURCE_DIR
status=0
found=0
failed=0
for f in "$build"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    found=$((found + 1))
    name=$(basename "$f")
    scratch=$(mktemp -d)
    mkdir -p "$crashes"
    if [ -n "$keep" ]; then corpus=$keep/$name; else corpus=$scratch/corpus; fi
    mkdir -p "$corpus"
    n_extra=$(fuzz_extra_seeds "$name" "$shared" "$scratch/extra")
    set -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$crashes/$name-"
    # the short run stays short whatever the seeds (cut at 64 KiB); a long one
    # as a campaign (scripts/fuzz_campaign.sh)
    if [ -z "$keep" ]; then set -- "$@" -max_len=65536; else set -- "$@" -max_len="${FUZZ_MAX_LEN:-131072}"; fi
    fuzz_merge_dicts "$name" "$here" "$scratch/dict" && set -- "$@" -dict="$scratch/dict"
    seeds=$here/fuzz/corpus/$name
    [ -d "$seeds" ] || seeds=
    if "$f" "$@" "$corpus" ${seeds:+"$seeds"} "$scratch/extra" >"$scratch/log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/log" | tail -1)
        cov=$(sed -n 's/.*\(cov: [0-9]* ft: [0-9]*\).*/\1/p' "$scratch/log" | tail -1)
        echo "fuzz: $name: ok (${seconds}s, ${execs:-?} runs, $cov, $n_extra extra seeds)"
    else
        echo "fuzz: $name: FAILED (input kept in $crashes/)"; tail -40 "$scratch/log"; status=1; failed=$((failed + 1))
    fi
    if [ -n "$keep" ]; then
        mkdir -p "$scratch/merged"
        "$f" -merge=1 -timeout=10 -rss_limit_mb=2048 "$scratch/merged" "$corpus" >"$scratch/merge.log" 2>&1 &&
            rm -rf "$corpus" && mv "$scratch/merged" "$corpus"
    fi
    rm -rf "$scratch"
done
echo "fuzz: $found targets run"
if [ "$found" -eq 0 ]; then echo "fuzz: no fuzz targets in $build/fuzz"; exit 1; fi
echo "$((found - failed)) passed, $failed failed"
exit $status
