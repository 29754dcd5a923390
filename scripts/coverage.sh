#!/bin/sh
# coverage.sh [BUILD_DIR] - line and branch coverage of the library by the
# whole test suite (unit tests and the CLI as the end-to-end tests drive it).
#
# Builds the project with clang's source-based coverage
# (-fprofile-instr-generate -fcoverage-mapping) in its own build directory
# (default build-cov), runs every CTest test with LLVM_PROFILE_FILE pointing
# into BUILD_DIR/profraw (one file per process and binary: %p-%m), merges the
# profiles with llvm-profdata and prints two llvm-cov reports:
#   library  src/ without src/cli  (what `make coverage` quotes)
#   cli      src/cli               (the command-line layer, apart)
# then one line each with the line and branch totals.  The per-file report
# and an HTML view are left in BUILD_DIR/coverage/.
#
# Environment: LLVM_PROFDATA / LLVM_COV (the tools; default: the versions
# that match clang), SM_SHARED_DATA (the third-party data the end-to-end
# tests read; default ../shared/data), JOBS (ctest -j).
# Not part of `make test`: the instrumented suite is slower than the others.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-cov}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# The llvm tools that read clang's profiles: same major version as clang.
find_tool() {
    v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
    for t in "$1-$v" "$1"; do
        command -v "$t" >/dev/null 2>&1 && { echo "$t"; return 0; }
    done
    echo "coverage: no $1 (install llvm-$v, which comes with clang)" >&2
    return 1
}
profdata=${LLVM_PROFDATA:-$(find_tool llvm-profdata)}
cov=${LLVM_COV:-$(find_tool llvm-cov)}

flags="-fprofile-instr-generate -fcoverage-mapping"
set -- -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
    "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate"
[ -n "${SM_SHARED_DATA:-}" ] && set -- "$@" "-DSM_SHARED_DATA=$SM_SHARED_DATA"
cmake "$@" >/dev/null
cmake --build "$build" -j "$jobs"

prof=$build/profraw
rm -rf "$prof" "$build/coverage"
mkdir -p "$prof" "$build/coverage"
# Failing tests still count for coverage; the run says how many failed.
(cd "$build" && LLVM_PROFILE_FILE="$prof/%p-%m.profraw" ctest -j "$jobs" >"$build/coverage/ctest.log" 2>&1) ||
    echo "coverage: some tests failed (see $build/coverage/ctest.log); coverage counts what ran" >&2
tail -3 "$build/coverage/ctest.log" | sed 's/^/coverage: ctest: /' >&2
set -- "$prof"/*.profraw
[ -e "$1" ] || { echo "coverage: no profiles written under $prof" >&2; exit 1; }
"$profdata" merge -sparse -o "$build/coverage/all.profdata" "$prof"

# Every instrumented program the suite ran: the CLI, the unit tests, and
# the shared library the CLI (and the Python module) run the library from:
# without it, what only the end-to-end tests reach would not be counted.
objects=""
for b in "$build/storymovie" "$build"/libstorymovie.so.*.*.* "$build"/tests/test_*; do
    [ -x "$b" ] && [ -f "$b" ] && objects="$objects -object $b"
done
objects=${objects# -object }

report() {   # report NAME SOURCE_DIR [IGNORE_REGEX]
    # shellcheck disable=SC2086  # $objects is a list of -object arguments
    "$cov" report -instr-profile="$build/coverage/all.profdata" $objects \
        ${3:+-ignore-filename-regex="$3"} "$2" >"$build/coverage/$1.txt"
    # TOTAL regions missed cover functions missed executed lines missed cover branches missed cover
    awk -v name="$1" '$1 == "TOTAL" {
        printf "coverage: %-7s lines %s (%d of %d)  branches %s (%d of %d)\n",
               name, $10, $8 - $9, $8, $13, $11 - $12, $11 }' "$build/coverage/$1.txt"
}
report library "$here/src" "/src/cli/" >"$build/coverage/library.total"
report cli "$here/src/cli" >"$build/coverage/cli.total"
# shellcheck disable=SC2086
"$cov" show -format=html -output-dir="$build/coverage/html" -instr-profile="$build/coverage/all.profdata" \
    $objects "$here/src" >/dev/null 2>&1 || true
cat "$build/coverage/library.txt"
echo "coverage: per-file tables in $build/coverage/{library,cli}.txt, HTML in $build/coverage/html/"
echo "coverage: library = src/ without src/cli; cli = src/cli (both over the unit tests and the CLI)"
cat "$build/coverage/library.total" "$build/coverage/cli.total"
