#!/bin/sh
# test_all.sh MAKE - `make test`: the unit and end-to-end tests, again under
# ASan+UBSan, then the short fuzz runs; every step runs even when an
# earlier one failed, and the last line is one verdict:
#   make test: PASSED: unit 56/56, asan 56/56, fuzz 17/17
#   make test: FAILED: unit 55/56 (failed: e2e_view), asan 56/56, fuzz 17/17
set -u
MAKE=${1:-make}
logs=$(mktemp -d /tmp/sm_make_test_XXXXXX)
trap 'rm -rf "$logs"' EXIT
verdict="" failed=0

# step NAME TARGET: run it, keep its output, add "NAME passed/total" to the verdict.
step() {
    name=$1 target=$2 log="$logs/$1.log"
    $MAKE --no-print-directory "$target" 2>&1 | tee "$log"
    if [ "$name" = fuzz ]; then
        counts=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$log" | tail -n 1)
        names=$(sed -n 's/^fuzz: \(fuzz_[A-Za-z0-9_]*\): FAILED.*/\1/p' "$log" | tr '\n' ' ')
    else
        # ctest: "97% tests passed, 2 tests failed out of 56"
        counts=$(sed -n 's/.*tests passed, \([0-9][0-9]*\) tests\{0,1\} failed out of \([0-9][0-9]*\).*/\1 \2/p' "$log" | tail -n 1)
        [ -n "$counts" ] && counts="$((${counts#* } - ${counts% *})) ${counts% *}"
        names=$(sed -n 's/^[[:space:]]*[0-9][0-9]* - \([A-Za-z0-9_]*\) (.*/\1/p' "$log" | tr '\n' ' ')
    fi
    if [ -z "$counts" ]; then
        part="$name did not run (see above)"
        failed=1
    else
        pass=${counts% *} bad=${counts#* }
        part="$name $pass/$((pass + bad))"
        if [ "$bad" -ne 0 ]; then
            part="$part (failed: ${names% })"
            failed=1
        fi
    fi
    verdict="${verdict:+$verdict, }$part"
}

step unit test-unit
step asan test-asan
step fuzz test-fuzz
echo
if [ "$failed" -eq 0 ]; then
    echo "make test: PASSED: $verdict"
else
    echo "make test: FAILED: $verdict"
    exit 1
fi
