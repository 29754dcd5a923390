# storymovie - top-level entry points.  CMake does the building; this file
# only names the jobs a user runs.  Every target installs what is missing
# first (scripts/setup.sh), so each works on its own on a fresh Debian machine.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DEB_BUILD  ?= build-deb
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_OUT   ?= $(BUILD)/demo

# CMake's generated makefiles recurse; without this every step of a build
# is framed by "Entering/Leaving directory" lines that bury the output.
MAKEFLAGS += --no-print-directory

.PHONY: all setup setup-test build test test-unit test-asan test-fuzz fuzz-build fuzz-long coverage demo bench \
        clean install uninstall deb

all: build

setup:
	@sh scripts/setup.sh

# Only the tests need a headless browser (for the pages of `storymovie view`).
setup-test:
	@sh scripts/setup.sh test

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The whole suite: unit + end-to-end tests, again under ASan+UBSan, then a
# short bounded run of every libFuzzer target.  Under the sanitizers a report
# exits 86, not 1, so that an end-to-end check expecting "exit 1: bad input"
# cannot mistake a sanitizer abort for a clean refusal.
# Every step runs even when an earlier one failed; the last line is the
# verdict ("make test: PASSED: unit 56/56, asan 56/56, fuzz 17/17").
test:
	@sh scripts/test_all.sh "$(MAKE)"

test-unit: build setup-test
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: setup-test
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSM_SANITIZE=ON \
	    -DCMAKE_C_COMPILER=clang >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:exitcode=86 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86 \
	    ctest --output-on-failure -j $(JOBS)

# FUZZ_SECONDS=N make test-fuzz: each target N seconds in turn, the corpus
# kept in $(FUZZ_BUILD)/fuzz-corpus (docs/fuzzing.md).
test-fuzz: fuzz-build
	@sh tests/fuzz.sh $(FUZZ_BUILD)

fuzz-build: setup
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSM_FUZZ=ON \
	    -DCMAKE_C_COMPILER=clang >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

# A campaign: every target at once for FUZZ_SECONDS (default 15 minutes),
# the corpus grown and merged in FUZZ_OUT, outside the repository.
FUZZ_SECONDS ?= 900
FUZZ_OUT     ?= $(FUZZ_BUILD)/campaign
fuzz-long: fuzz-build
	@sh scripts/fuzz_campaign.sh $(FUZZ_BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_OUT)

# Line and branch coverage of the library by the whole suite (clang
# source-based coverage, its own build directory); not part of `make test`.
coverage: setup-test
	@sh scripts/coverage.sh build-cov

# The build's lines are kept in $(BUILD)/build.log and shown only when it
# fails: the demo's own output is what there is to read.
demo: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@echo "make demo: building (log: $(BUILD)/build.log)"
	@cmake --build $(BUILD) -j $(JOBS) >$(BUILD)/build.log 2>&1 || \
	    { cat $(BUILD)/build.log; echo "make demo: FAILED: the build failed (above)"; exit 1; }
	@sh scripts/demo.sh $(BUILD)/storymovie $(DEMO_OUT)

bench: build
	@sh bench/run.sh $(BUILD)

# Install under PREFIX (default /usr/local), staged under DESTDIR when set:
# the program, libstorymovie (shared and static), its headers and
# storymovie.pc, the manual pages, the bash completion and the Python module.
# `make uninstall` removes what the last install wrote.
install: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD)

uninstall:
	@DESTDIR="$(DESTDIR)" cmake --build $(BUILD) --target uninstall

# The Debian package, from a build of its own for /usr (only what it holds:
# not the tests or benchmarks).
deb:
	@sh scripts/setup.sh deb
	@cmake -S . -B $(DEB_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	    -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
	@cmake --build $(DEB_BUILD) -j $(JOBS) --target storymovie storymovie_shared storymovie_static sm_manual
	@cd $(DEB_BUILD) && cpack -G DEB
	@ls $(DEB_BUILD)/*.deb

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(DEB_BUILD) build-cov
