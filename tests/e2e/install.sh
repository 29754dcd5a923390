#!/bin/bash
# install.sh - a staged install (what `make install DESTDIR=... PREFIX=...`
# does) holds every file it should; a C program compiled with pkg-config
# against it, on the shared library and on the static one, aligns the
# sample film as `storymovie align` does; the installed program runs from
# the stage; `man -l` renders every installed page; the installed Python
# module imports and aligns; uninstall leaves nothing behind.
# Env: SM, SM_SOURCE_DIR, SM_BUILD_DIR.
set -u
SM=${SM:?path to storymovie}
SRC=${SM_SOURCE_DIR:?}
BUILD=${SM_BUILD_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$BUILD/CMakeCache.txt")
pydir=$(sed -n 's/^SM_PYTHON_DIR:STRING=//p' "$BUILD/CMakeCache.txt")
case $pydir in /*) ;; *) pydir=$prefix/$pydir ;; esac
stage=$work/stage
root=$stage$prefix
if ! DESTDIR=$stage cmake --install "$BUILD" > "$work/install.log" 2>&1; then
    cat "$work/install.log"; bad "cmake --install"; exit 1
fi
# cmake --install writes the manifest of this install into the build.
manifest=$BUILD/install_manifest.txt

# ---- every file -------------------------------------------------------------
major=$("$SM" --version | sed 's/.* \([0-9]*\)\..*/\1/')
want="bin/storymovie $libdir/libstorymovie.so $libdir/libstorymovie.so.$major $libdir/libstorymovie.a
      $libdir/pkgconfig/storymovie.pc include/storymovie/align.h include/storymovie/records.h
      include/storymovie/version.h share/man/man1/storymovie.1 share/man/man1/storymovie-align.1
      share/man/man1/storymovie-story-check.1 share/bash-completion/completions/storymovie"
for f in $want; do
    [ -e "$root/$f" ] && ok "$f" || bad "$f not installed"
done
[ -e "$stage$pydir/storymovie/__init__.py" ] && ok "${pydir#$prefix/}/storymovie/__init__.py" \
    || bad "the Python module is not in $pydir"
n_h=$(ls "$root/include/storymovie" | wc -l)
n_src=$(ls "$SRC/include/storymovie"/*.h | wc -l)
[ "$n_h" -eq $((n_src + 1)) ] && ok "$n_h public headers (version.h generated)" || bad "$n_h headers for $n_src"
n_man=$(ls "$root/share/man/man1" | wc -l)
n_built=$(ls "$BUILD/man/man1" | wc -l)
[ "$n_man" -eq "$n_built" ] && ok "$n_man manual pages" || bad "$n_man pages installed of $n_built"
soname=$(readelf -d "$root/$libdir/libstorymovie.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libstorymovie.so.$major" ] && ok "soname $soname" || bad "soname '$soname'"

# ---- the program, from the stage --------------------------------------------
# Installed into a system library directory (PREFIX=/usr) the program has no
# run path: the staged library is found through LD_LIBRARY_PATH.
if ! readelf -d "$root/bin/storymovie" | grep -q RUNPATH; then
    export LD_LIBRARY_PATH=$root/$libdir
fi
v=$("$root/bin/storymovie" --version) && [ "$v" = "$("$SM" --version)" ] \
    && ok "staged storymovie --version: $v" || bad "staged storymovie --version: '$v'"
used=$(ldd "$root/bin/storymovie" | awk '/libstorymovie/ {print $3}')
if [ "$(realpath "$used")" = "$(realpath "$root/$libdir/libstorymovie.so.$major")" ]; then
    ok "the staged program finds the staged library (run path \$ORIGIN/../$libdir)"
else
    bad "the staged program uses '$used'"
fi

# ---- a C program compiled with pkg-config -----------------------------------
script=$SRC/sample/movienet/script/tt9999901.script
subs=$SRC/sample/movienet/subtitle/tt9999901.srt
# the records, without the provenance record a file gets (docs/provenance.md):
# records in memory have no file to describe
"$SM" align -q "$script" "$subs" | grep -v '^{"type":"provenance"' > "$work/cli.jsonl"
export PKG_CONFIG_PATH=$root/$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage
flags=$(pkg-config --cflags --libs storymovie) && ok "pkg-config --cflags --libs storymovie: $flags" \
    || bad "pkg-config"
cc=${CC:-cc}
extra=""
if nm -D --undefined-only "$root/$libdir/libstorymovie.so" | grep -q ' __asan_'; then
    cc=clang; extra="-fsanitize=address,undefined"     # a sanitizer build's library
fi
if $cc -std=c11 -Wall -Wextra -Werror $extra "$SRC/examples/align_sample.c" $flags -o "$work/align_sample" 2> "$work/cc.err"; then
    LD_LIBRARY_PATH=$root/$libdir "$work/align_sample" "$script" "$subs" > "$work/c.jsonl" 2> "$work/c.err" \
        && cmp -s "$work/c.jsonl" "$work/cli.jsonl" \
        && ok "examples/align_sample.c (shared): the records of storymovie align ($(wc -l < "$work/c.jsonl") lines; $(cat "$work/c.err"))" \
        || bad "align_sample (shared) differs from storymovie align: $(cat "$work/c.err")"
else
    bad "compiling align_sample.c: $(cat "$work/cc.err")"
fi
static_flags=$(pkg-config --cflags --libs --static storymovie | sed "s|-lstorymovie|$root/$libdir/libstorymovie.a|")
if $cc -std=c11 $extra "$SRC/examples/align_sample.c" $static_flags -o "$work/align_static" 2> "$work/cc.err"; then
    if ldd "$work/align_static" | grep -q libstorymovie; then
        bad "the static program still needs libstorymovie.so"
    else
        "$work/align_static" "$script" "$subs" 2>/dev/null | cmp -s - "$work/cli.jsonl" \
            && ok "examples/align_sample.c (static libstorymovie.a): the same records" \
            || bad "align_sample (static) differs"
    fi
else
    bad "linking align_sample.c with libstorymovie.a: $(cat "$work/cc.err")"
fi

# ---- the installed manual ---------------------------------------------------
if command -v man >/dev/null; then
    bad_pages=0
    for p in "$root"/share/man/man1/*.1; do
        out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
        { [ $? -eq 0 ] && [ -z "$out" ]; } || { bad "man -l $(basename "$p"): $out"; bad_pages=1; }
    done
    [ $bad_pages -eq 0 ] && ok "man -l renders all $n_man installed pages without a warning"
    LC_ALL=C.UTF-8 MANWIDTH=100 MANPATH=$root/share/man man storymovie-align 2>/dev/null | grep -q "min-confidence" \
        && ok "MANPATH=PREFIX/share/man man storymovie-align" || bad "man storymovie-align"
else
    echo "skip: man not found"
fi

# ---- the installed Python module --------------------------------------------
if command -v python3 >/dev/null && ! nm -D --undefined-only "$root/$libdir/libstorymovie.so" | grep -q ' __asan_'; then
    (cd "$work" && env -u STORYMOVIE_LIBRARY PYTHONPATH="$stage$pydir" python3 -c '
import pathlib, sys, storymovie
r = storymovie.align(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))
print(len(r), storymovie.__file__)' "$script" "$subs") > "$work/py.out" 2>&1 \
        && grep -q "^$(wc -l < "$work/cli.jsonl") $stage$pydir/storymovie/__init__.py" "$work/py.out" \
        && ok "the installed module finds the installed library and aligns: $(cat "$work/py.out")" \
        || bad "installed Python module: $(cat "$work/py.out")"
fi

# ---- uninstall ----------------------------------------------------------------
if DESTDIR=$stage cmake -DMANIFEST="$manifest" -P "$SRC/cmake/uninstall.cmake" > "$work/uninstall.log" 2>&1; then
    left=$(find "$stage" -type f -o -type l | head)
    [ -z "$left" ] && ok "uninstall removes every installed file" || bad "left after uninstall: $left"
    left=$(find "$stage" -type d -name storymovie)
    [ -z "$left" ] && ok "and storymovie's own directories" || bad "directories left: $left"
else
    cat "$work/uninstall.log"; bad "uninstall"
fi
exit $fail
