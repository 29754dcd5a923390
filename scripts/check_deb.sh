#!/bin/sh
# check_deb.sh - the .deb of `make deb` on a fresh Debian 12, by hand (not
# part of `make test`: it downloads a Debian system).  As root:
#
#   sh scripts/check_deb.sh [DEB]        (default: build-deb/storymovie_*.deb)
#
# 1. A minimal Debian 12 (debootstrap --variant=minbase bookworm), made once
#    and cached as a tarball outside the repository ($SM_DEB_CACHE, default
#    /var/tmp/storymovie-deb-cache), is unpacked into a fresh directory.
# 2. The package is installed there with apt (its Depends resolved from the
#    Debian mirror); storymovie --version runs, the sample film is aligned
#    and compared with this tree's build/storymovie, the manual page renders,
#    pkg-config finds the library, the Python module imports and aligns.
# 3. apt-get purge + autoremove: every file under /usr, /etc and /var/lib
#    (less apt's and dpkg's own records and caches) is as before the install.
# Prints ok:/FAIL: lines; exits 1 on a failure.
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
DEB=${1:-$(ls "$SRC"/build-deb/storymovie_*.deb 2>/dev/null | tail -1)}
[ -n "$DEB" ] && [ -f "$DEB" ] || { echo "check_deb: no package (run make deb first)" >&2; exit 2; }
DEB=$(realpath "$DEB")
CACHE=${SM_DEB_CACHE:-/var/tmp/storymovie-deb-cache}
MIRROR=${SM_DEB_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "check_deb: run as root (chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y debootstrap >/dev/null

mkdir -p "$CACHE"
base=$CACHE/bookworm-minbase.tar
if [ ! -f "$base" ]; then
    echo "making a minimal Debian 12 in $CACHE (once; a few minutes)"
    rm -rf "$CACHE/base"
    debootstrap --variant=minbase bookworm "$CACHE/base" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 \
        || { tail "$CACHE/debootstrap.log"; exit 1; }
    tar -C "$CACHE/base" -cf "$base.new" . && mv "$base.new" "$base"
    rm -rf "$CACHE/base"
fi

root=$(mktemp -d /tmp/storymovie-deb-XXXXXX)
cleanup() {
    if mountpoint -q "$root/proc"; then umount "$root/proc"; fi
    # nothing is mounted any more: only then remove the tree
    mountpoint -q "$root/proc" || rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@"; }
# What a package leaves behind is looked for here; apt's and dpkg's own
# bookkeeping (lists, caches, logs, the status file's history) is not.
snapshot() {
    in_root find /usr /etc /var/lib /opt -xdev \
        -path /var/lib/apt -prune -o -path /var/lib/dpkg -prune -o \
        -path /etc/ld.so.cache -prune -o -path /var/cache -prune -o -print | sort
}

in_root apt-get update -q > "$root/tmp/update.log" 2>&1 || { cat "$root/tmp/update.log"; exit 1; }
snapshot > "$root/tmp/before.txt"
in_root dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' | awk '$2 == "ii" {print $1}' | sort > "$root/tmp/pkgs-before.txt"
cp "$DEB" "$root/tmp/"
cp -r "$SRC/sample" "$root/tmp/sample"
pkg=/tmp/$(basename "$DEB")
echo "package: $(basename "$DEB"); $(dpkg-deb -f "$DEB" Depends | sed 's/^/Depends: /')"

if in_root apt-get install -y -q "$pkg" > "$root/tmp/install.log" 2>&1; then
    ok "apt-get install $pkg ($(grep -c '^Setting up' "$root/tmp/install.log") packages set up)"
else
    cat "$root/tmp/install.log"; bad "apt-get install"; exit 1
fi
v=$(in_root storymovie --version) && ok "storymovie --version: $v" || bad "storymovie --version"
film=/tmp/sample/movienet
in_root storymovie align -q $film/script/tt9999901.script $film/subtitle/tt9999901.srt > "$root/tmp/align.jsonl" \
    && ok "storymovie align (sample): $(wc -l < "$root/tmp/align.jsonl") records" || bad "storymovie align"
if [ -x "$SRC/build/storymovie" ]; then
    "$SRC/build/storymovie" align -q "$SRC/sample/movienet/script/tt9999901.script" \
        "$SRC/sample/movienet/subtitle/tt9999901.srt" | cmp -s - "$root/tmp/align.jsonl" \
        && ok "the same records as build/storymovie" || bad "records differ from build/storymovie"
fi
in_root sh -c 'ldd /usr/bin/storymovie | grep libstorymovie' | sed 's/^[[:space:]]*/ok: the program links /'
in_root dpkg -L storymovie | grep -q /usr/share/man/man1/storymovie-align.1 && ok "storymovie-align.1 installed" \
    || bad "no manual page"
if in_root sh -c 'command -v man' >/dev/null 2>&1; then
    in_root man -l /usr/share/man/man1/storymovie-align.1 > /dev/null && ok "man -l storymovie-align" \
        || bad "man -l"
fi
if in_root sh -c 'command -v python3' >/dev/null 2>&1; then
    n=$(in_root python3 -c 'import pathlib, storymovie
f = pathlib.Path("/tmp/sample/movienet")
print(len(storymovie.align(f / "script/tt9999901.script", f / "subtitle/tt9999901.srt")), storymovie.__file__)') \
        && ok "python3: import storymovie; align: $n" || bad "python3 import storymovie"
fi

if in_root apt-get purge -y -q storymovie > "$root/tmp/remove.log" 2>&1 \
    && in_root apt-get autoremove --purge -y -q >> "$root/tmp/remove.log" 2>&1; then
    ok "apt-get purge storymovie; apt-get autoremove --purge"
else
    cat "$root/tmp/remove.log"; bad "apt-get purge"
fi
in_root dpkg -s storymovie > /dev/null 2>&1 && bad "dpkg still knows storymovie" || ok "dpkg -s storymovie: not installed"
snapshot > "$root/tmp/after.txt"
# storymovie's own files: none may be left.  The packages apt pulled in for
# it are purged by autoremove unless apt keeps them (another installed
# package recommends them); those are listed, as is what their own purge
# leaves (ca-certificates leaves /etc/ssl/certs): not storymovie's to mend.
diff "$root/tmp/before.txt" "$root/tmp/after.txt" | sed -n 's/^> //p' > "$root/tmp/left.txt" || true
mine=$(grep -i storymovie "$root/tmp/left.txt" || true)
[ -z "$mine" ] && ok "no file of storymovie's left ($(wc -l < "$root/tmp/after.txt") paths under /usr /etc /var/lib /opt)" \
    || bad "left after removal: $mine"
gone=$(diff "$root/tmp/before.txt" "$root/tmp/after.txt" | sed -n 's/^< //p')
[ -z "$gone" ] || bad "removed what was there before: $(echo "$gone" | head -5)"
kept=$(in_root dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' | awk '$2 == "ii" {print $1}' | sort \
       | comm -13 "$root/tmp/pkgs-before.txt" - | tr '\n' ' ')
cat "$root"/var/lib/dpkg/info/*.list | sort -u > "$root/tmp/owned.txt"
orphans=$(comm -23 "$root/tmp/left.txt" "$root/tmp/owned.txt" | while read -r f; do [ -d "$root$f" ] || echo "$f"; done)
if [ -z "$kept" ] && [ -z "$orphans" ]; then
    ok "and nothing else: the system is as before"
else
    echo "note: still installed, kept by apt: ${kept:-none}"
    echo "note: files of no package left by the dependencies' purge: $(echo "$orphans" | grep -c .)" \
        "($(echo "$orphans" | sed 's|/[^/]*$||' | sort | uniq -c | sort -rn | head -3 | awk '{printf "%s in %s; ", $1, $2}'))"
fi
exit $fail
