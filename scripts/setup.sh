#!/bin/sh
# setup.sh - install the Debian packages storymovie needs, when missing.
# Idempotent and quiet when everything is there; called by `make`, `make demo`
# and `make test`, so a fresh Debian machine needs nothing else.
set -eu

PACKAGES="gcc clang make cmake pkg-config libutf8proc-dev libuchardet-dev libjansson-dev libcmocka-dev python3 time
          libcurl4-openssl-dev libsqlite3-dev libssl-dev"

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
[ -z "$missing" ] && exit 0

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
echo "setup: done" >&2
