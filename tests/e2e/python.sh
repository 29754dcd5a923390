#!/bin/bash
# python.sh - the Python module (python/storymovie) over the shared library
# of this build: tests/python/test_storymovie.py.  Skips (77) without
# python3.  In a sanitizer build the library needs the sanitizer runtime
# loaded first: the test runs under clang's shared ASan runtime, without
# leak checks (the interpreter's own allocations are not ours).
set -u
SM=${SM:?path to storymovie}
SRC=${SM_SOURCE_DIR:?}
BUILD=${SM_BUILD_DIR:?}
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
lib=$BUILD/libstorymovie.so.0
[ -e "$lib" ] || { echo "FAIL: $lib not built"; exit 1; }
preload=""
if nm -D --undefined-only "$lib" 2>/dev/null | grep -q ' __asan_'; then
    preload=$(clang -print-file-name=libclang_rt.asan-x86_64.so 2>/dev/null)
    if [ ! -e "$preload" ]; then
        echo "skip: sanitizer build and no shared ASan runtime to load it into python3"
        exit 77
    fi
    export ASAN_OPTIONS=detect_leaks=0:exitcode=86
fi
cd "$SRC" || exit 1
LD_PRELOAD=$preload STORYMOVIE_LIBRARY=$lib PYTHONPATH=$SRC/python \
    python3 -m unittest -v tests/python/test_storymovie.py 2>&1
