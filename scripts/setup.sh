#!/bin/sh
# setup.sh - install the Debian packages storymovie needs, when missing.
# Idempotent and quiet when everything is there; called by `make`, `make demo`
# and `make test`, so a fresh Debian machine needs nothing else.
#
#   sh scripts/setup.sh        what the build needs
#   sh scripts/setup.sh test   also what only the tests need (headless Chromium
#                              for the pages of `storymovie view`; large, so
#                              not installed for make/make demo)
#   sh scripts/setup.sh deb    also what `make deb` needs (dpkg-shlibdeps)
set -eu

PACKAGES="gcc clang make cmake pkg-config libutf8proc-dev libuchardet-dev libjansson-dev libcmocka-dev python3 time
          libcurl4-openssl-dev libsqlite3-dev libssl-dev"
# man renders the manual pages in the tests; dpkg-dev computes a package's Depends.
[ "${1:-}" = test ] && PACKAGES="$PACKAGES man-db"
[ "${1:-}" = deb ] && PACKAGES="$PACKAGES dpkg-dev"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# libFuzzer and the sanitizer runtimes come with clang's runtime package.
if command -v clang >/dev/null 2>&1; then
    v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
    if [ -n "$v" ] && ! dpkg-query -W -f='${Status}' "libclang-rt-$v-dev" 2>/dev/null | grep -q "install ok installed"; then
        if apt-cache show "libclang-rt-$v-dev" >/dev/null 2>&1; then
            missing="$missing libclang-rt-$v-dev"
        fi
    fi
fi
# The test extras: a failure to get them is not fatal, the browser tests
# then skip and say why.
install_test_extras() {
    [ "${1:-}" = test ] || return 0
    extra=""
    for p in chromium chromium-driver; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || extra="$extra $p"
    done
    [ -z "$extra" ] && return 0
    echo "setup: installing (tests only):$extra" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $extra >/dev/null 2>&1 ||
           { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
             $sudo apt-get install -y -qq --no-install-recommends $extra >/dev/null 2>&1; }; }; then
        echo "setup: could not install$extra: the browser tests will be skipped" >&2
    fi
}
if [ -z "$missing" ]; then
    install_test_extras "${1:-}"
    exit 0
fi

echo "setup: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "setup: need root (or sudo) to install:$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# clang's runtime is named after clang's version, known only once clang is in.
if command -v clang >/dev/null 2>&1; then
    v=$(clang -dumpversion | cut -d. -f1)
    if ! dpkg-query -W -f='${Status}' "libclang-rt-$v-dev" 2>/dev/null | grep -q "install ok installed"; then
        $SUDO apt-get install -y -qq --no-install-recommends "libclang-rt-$v-dev" >/dev/null || true
    fi
fi
install_test_extras "${1:-}"
echo "setup: done" >&2
