#!/bin/sh
# fuzz_campaign.sh - a long fuzzing campaign: every libFuzzer target at once.
#
#   sh scripts/fuzz_campaign.sh BINDIR SECONDS OUTDIR
#   sh scripts/fuzz_campaign.sh --pack BINDIR PACKDIR
#
# BINDIR holds the fuzz_* programs (build-fuzz/fuzz after `make test-fuzz`,
# or the bin/ of a pack).  Each target runs as one process for SECONDS
# (-max_total_time; -timeout=10 per input, -rss_limit_mb=2048), seeded with
#   OUTDIR/<target>/corpus   the corpus earlier campaigns grew (kept, grown)
#   fuzz/corpus/<target>     the repository's seeds (read only)
#   OUTDIR/<target>/extra    made at run time from ../shared/data when it is
#                            there (links and cuts, never copied into the repository)
# with the dictionaries of fuzz/dict/ that fuzz/targets.sh names for it.
# Afterwards the grown corpus is merged (-merge=1) so that it keeps only
# inputs that add coverage.  Each target's log is OUTDIR/<target>/log, a
# crash, leak, timeout or out-of-memory input is OUTDIR/<target>/crash-...
# (leak-, timeout-, oom-).  One summary line per target, then the verdict;
# the exit status is 1 when anything was found.
#
# Nothing is built here: the programs may be copied to a machine without
# clang.  --pack copies BINDIR's fuzz_* into PACKDIR/bin and the shared
# libraries they load (but the C library's own) into PACKDIR/lib; this
# script puts BINDIR/../lib on LD_LIBRARY_PATH when it exists.  Run it from
# a checkout of the same commit (the seeds, dictionaries and the sample
# files some targets read come from the checkout).
#
# Environment: SM_SHARED_DATA (default: ../shared/data beside the checkout),
# FUZZ_JOBS (at most this many targets at a time; default all),
# FUZZ_TARGETS (names to run, space-separated; default every fuzz_* in BINDIR),
# FUZZ_MAX_LEN (the longest input, default 131072 bytes).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/fuzz/targets.sh"

if [ "${1:-}" = --pack ]; then
    bindir=${2:?usage: fuzz_campaign.sh --pack BINDIR PACKDIR}
    pack=${3:?usage: fuzz_campaign.sh --pack BINDIR PACKDIR}
    mkdir -p "$pack/bin" "$pack/lib"
    for f in "$bindir"/fuzz_*; do
        [ -x "$f" ] && [ -f "$f" ] || continue
        cp "$f" "$pack/bin/"
        # "libfoo.so.1 => /usr/lib/.../libfoo.so.1 (0x...)": all but the C library's parts
        ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
            grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux[^/]*)\.so' |
            while read -r lib; do cp -L "$lib" "$pack/lib/"; done
    done
    echo "fuzz_campaign: packed $(ls "$pack/bin" | wc -l) targets and $(ls "$pack/lib" | wc -l) libraries in $pack"
    exit 0
fi

bindir=${1:?usage: fuzz_campaign.sh BINDIR SECONDS OUTDIR}
seconds=${2:?usage: fuzz_campaign.sh BINDIR SECONDS OUTDIR}
out=${3:?usage: fuzz_campaign.sh BINDIR SECONDS OUTDIR}
[ -d "$bindir/fuzz" ] && ! ls "$bindir"/fuzz_* >/dev/null 2>&1 && bindir=$bindir/fuzz
bindir=$(cd "$bindir" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
shared=${SM_SHARED_DATA:-$here/../shared/data}
[ -d "$bindir/../lib" ] && LD_LIBRARY_PATH=$(cd "$bindir/../lib" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} &&
    export LD_LIBRARY_PATH
# Targets that read a file of the sample find the checkout here.
SM_SOURCE_DIR=$here
export SM_SOURCE_DIR
# A sanitizer report is a failure whatever the exit code the program sets.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

targets=${FUZZ_TARGETS:-}
if [ -z "$targets" ]; then
    for f in "$bindir"/fuzz_*; do
        [ -x "$f" ] && [ -f "$f" ] && targets="$targets $(basename "$f")"
    done
fi
[ -n "$targets" ] || { echo "fuzz_campaign: no fuzz_* programs in $bindir" >&2; exit 1; }
jobs=${FUZZ_JOBS:-0}
# Whole screenplays are 200-500 KiB: mutating them whole is slow and finds
# nothing their first 128 KiB would not (longer seeds are cut there).
max_len=${FUZZ_MAX_LEN:-131072}
if [ -d "$shared" ]; then extras="extra seeds from $shared"; else extras="no $shared: repository seeds only"; fi
echo "fuzz_campaign: $(echo $targets | wc -w) targets, ${seconds}s each, $extras, output in $out"

run_one() {   # run_one NAME: fuzz, then merge the corpus; the log says the rest
    name=$1 dir=$out/$1
    mkdir -p "$dir/corpus"
    rm -rf "$dir/extra" "$dir/merged"
    # what an earlier campaign found is kept, apart: the summary counts this run's
    for f in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
        [ -f "$f" ] && mkdir -p "$dir/earlier" && mv "$f" "$dir/earlier/"
    done
    fuzz_extra_seeds "$name" "$shared" "$dir/extra" >"$dir/extra.count"
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="$dir/"
    fuzz_merge_dicts "$name" "$here" "$dir/dict" && set -- "$@" -dict="$dir/dict"
    seeds=$here/fuzz/corpus/$name
    [ -d "$seeds" ] || seeds=
    start=$(date +%s)
    rc=0
    "$bindir/$name" "$@" "$dir/corpus" ${seeds:+"$seeds"} "$dir/extra" >"$dir/log" 2>&1 || rc=$?
    echo "$rc $(($(date +%s) - start))" >"$dir/status"
    mkdir -p "$dir/merged"
    if "$bindir/$name" -merge=1 -timeout=10 -rss_limit_mb=2048 "$dir/merged" "$dir/corpus" \
            >"$dir/merge.log" 2>&1; then
        rm -rf "$dir/corpus" && mv "$dir/merged" "$dir/corpus"
    else
        rm -rf "$dir/merged"   # keep the unmerged corpus; merge.log says why
    fi
}

running=0
for name in $targets; do
    if [ ! -x "$bindir/$name" ]; then echo "fuzz_campaign: no $bindir/$name" >&2; exit 1; fi
    run_one "$name" &
    running=$((running + 1))
    if [ "$jobs" -gt 0 ] && [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

# target  seconds  executions  cov  ft  corpus  found
found_total=0
bad=""
printf '%-24s %7s %12s %7s %8s %7s %s\n' target seconds executions cov ft corpus found
for name in $targets; do
    dir=$out/$name
    read -r rc secs <"$dir/status"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/log" | tail -1)
    covft=$(sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p' "$dir/log" | tail -1)
    [ -n "$covft" ] || covft="? ?"
    units=$(find "$dir/corpus" -type f | wc -l)
    found=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | wc -l)
    # a sanitizer or libFuzzer error without an artifact (e.g. at start-up) counts too
    [ "$found" -eq 0 ] && [ "$rc" -ne 0 ] && found=1
    printf '%-24s %7s %12s %7s %8s %7s %s\n' "$name" "$secs" "${execs:-?}" "${covft% *}" "${covft#* }" \
        "$units" "$found"
    if [ "$found" -ne 0 ]; then
        found_total=$((found_total + found))
        bad="$bad $name"
    fi
done
n=$(echo $targets | wc -w)
if [ "$found_total" -eq 0 ]; then
    echo "fuzz_campaign: CLEAN: $n targets, ${seconds}s each, nothing found"
else
    echo "fuzz_campaign: FOUND $found_total problem input(s) in:$bad (see $out/<target>/log and its crash-/leak-/timeout-/oom- files)"
    exit 1
fi
