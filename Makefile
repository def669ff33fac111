# pyrt: make (library + header), make demo, make check, make bench.
# A clone needs a Rust toolchain, a C compiler and make: `make check` builds
# the pinned cbindgen and cargo-fuzz into build/tools, installs valgrind,
# pkg-config and g++ with apt-get when run as root, and downloads the reference
# CPython 3.14 with tools/cpython314; whatever it cannot have, it skips and
# lists in the summary before its last line.

CARGO      ?= cargo
CBINDGEN_VERSION := 0.29.2
CARGO_FUZZ_VERSION := 0.13.2
CC         ?= cc
CXX        ?= c++
# The reference CPython 3.14 (tools/cpython314: cache in $PYRT_ORACLE_CACHE;
# PYRT_ORACLE=none acts as if it were unavailable).
ORACLE     ?= $(CURDIR)/tools/cpython314
export ORACLE
# The reason the reference is unavailable, from the last line of its stderr.
ORACLE_WHY := sed -e 's/^cpython314: //' -e 's/^unavailable: /reference CPython 3.14 unavailable: /'
# $(call with_oracle,PART,PREFIX): recipe text that loads the reference's
# variables (ORACLE_ROOT, ORACLE_CFLAGS, ...), or, when the reference is
# unavailable, notes PART as skipped (the reason after PREFIX) and ends the
# recipe with success.
with_oracle = oracle_env=$$($(ORACLE) env 2>$(BUILD)/oracle.err) || { rc=$$?; \
  [ $$rc = 3 ] || { cat $(BUILD)/oracle.err; exit $$rc; }; \
  tools/skip $(1) "$(2)$$(tail -n1 $(BUILD)/oracle.err | $(ORACLE_WHY))"; exit 0; }; \
  eval "$$oracle_env"
BUILD      := build
# Project-local tools (cargo install --root): kept by `make clean`, not by `make distclean`.
TOOLDIR    := $(abspath $(BUILD))/tools
CBINDGEN   := $(TOOLDIR)/bin/cbindgen
CARGO_FUZZ := $(TOOLDIR)/bin/cargo-fuzz
ENSURE_TOOLS := tools/ensure-tools $(TOOLDIR)
# Each part of the checks that cannot run notes why here (tools/skip); run.sh
# lists the notes before the final count. Emptied by every top-level make.
PYRT_SKIP_LOG ?= $(abspath $(BUILD))/skipped.txt
export PYRT_SKIP_LOG
ifeq ($(MAKELEVEL),0)
$(shell rm -f $(PYRT_SKIP_LOG))
endif
LIBDIR     := $(CURDIR)/target/release
LIB        := $(LIBDIR)/libpyrt.so
# A Python home with only what pyrt looks for when it starts (tools/stub-home):
# the programs the checks run without the reference start from it.
STUB_HOME  := $(abspath $(BUILD))/stub-home
INSPECT    := $(LIBDIR)/pyrt-inspect
CSTD       := -std=c11 -Wall -Wextra -Wpedantic -Werror -g
CFLAGS_PYRT := $(CSTD) -Iinclude
LDFLAGS_PYRT := -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lpyrt
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# C test programs: capi-tests/test_*.c, plus the ABI layout dump and the config probe.
TESTS      := $(basename $(notdir $(wildcard capi-tests/test_*.c)))
PYRT_ONLY  := $(basename $(notdir $(wildcard capi-tests/pyrt_*.c)))
C_PROGRAMS := $(TESTS) $(PYRT_ONLY) probe abi_layout
TEST_DEPS  := capi-tests/harness.h capi-tests/config_dump.h capi-tests/rss.h capi-tests/misuse_cases.h include/Python.h include/pyrt.h
src_of = capi-tests/$(1).c

RUST_SRC   := $(shell find src -name '*.rs') Cargo.toml Cargo.lock build.rs

.PHONY: all lib inspect stub-home check-inspect header check-header check check-getpath test test-rust lint capi capi-pyrt capi-asan capi-cpython \
        check-capi check-coverage check-cxx fuzz fuzz-run tsan tsan-run record install uninstall check-install \
        check-std-headers check-headers check-embed-macros check-misuse check-symbols check-compat check-prereqs check-skip-paths demo bench clean distclean \
        fault-inject

all: lib header inspect

lib: $(LIB)

inspect: $(INSPECT)

stub-home: $(STUB_HOME)/lib/python3.14/encodings/__init__.py

$(STUB_HOME)/lib/python3.14/encodings/__init__.py: tools/stub-home
	@tools/stub-home $(STUB_HOME)

# pyrt-inspect links the crate as a Rust library: built in its own target
# directory, so the build does not replace the shared library built above.
$(INSPECT): $(RUST_SRC)
	$(CARGO) build --release --locked --bin pyrt-inspect --target-dir target/inspect
	@cp target/inspect/release/pyrt-inspect $@

# The shared library is compiled on its own (no rlib/staticlib in the same
# rustc run) so its internal symbols are local: direct calls and data access
# instead of GOT indirections on the hot paths.
$(LIB): $(RUST_SRC)
	$(CARGO) rustc --release --locked --lib --crate-type staticlib
	$(CARGO) rustc --release --locked --lib --crate-type cdylib
	@ln -sf libpyrt.so $(LIBDIR)/libpyrt.so.0
	@mkdir -p $(LIBDIR)/compat
	@ln -sf ../libpyrt.so $(LIBDIR)/compat/libpython3.14.so.1.0
	@ln -sf ../libpyrt.so $(LIBDIR)/compat/libpython3.14.so

# --- the generated header -------------------------------------------------
# cbindgen $(CBINDGEN_VERSION), built into build/tools on first use.
cbindgen-version:
	@$(ENSURE_TOOLS) cbindgen@$(CBINDGEN_VERSION)

.PHONY: cbindgen-version
header: cbindgen-version
	$(CBINDGEN) --quiet --config cbindgen.toml --crate pyrt --output include/pyrt.h

check-header:
	@$(ENSURE_TOOLS) cbindgen@$(CBINDGEN_VERSION) || \
	  { tools/skip check-header "cbindgen $(CBINDGEN_VERSION) could not be installed (no network? see $(TOOLDIR)/cbindgen.log)"; exit 0; }; \
	tmp=$$(mktemp); \
	$(CBINDGEN) --quiet --config cbindgen.toml --crate pyrt --output $$tmp && \
	if diff -u include/pyrt.h $$tmp; then echo "include/pyrt.h is up to date"; rm -f $$tmp; \
	else echo "include/pyrt.h is stale: run 'make header' and commit it"; rm -f $$tmp; exit 1; fi

# --- Rust tests and lints -------------------------------------------------
test-rust:
	$(CARGO) test --locked --quiet

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) test --locked --quiet --test layers

# The fast tier for day-to-day work: Rust tests, lints and the C tests
# against pyrt only (no CPython comparison, valgrind or sanitizers).
test: lib lint test-rust capi-pyrt
	CHECKS=pyrt capi-tests/run.sh $(BUILD) $(C_PROGRAMS)

# --- the C test programs --------------------------------------------------
$(BUILD)/pyrt/%: $(LIB) $(TEST_DEPS) $(wildcard capi-tests/*.c)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_PYRT) -o $@ $(call src_of,$*) $(LDFLAGS_PYRT)

$(BUILD)/asan/%: $(LIB) $(TEST_DEPS) $(wildcard capi-tests/*.c)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_PYRT) $(ASAN_FLAGS) -o $@ $(call src_of,$*) $(LDFLAGS_PYRT)

# Built against real CPython 3.14; skipped (with a message) when unavailable.
$(BUILD)/cpython/%: $(TEST_DEPS) $(wildcard capi-tests/*.c)
	@mkdir -p $(@D)
	@$(ORACLE) cc $@ $(CSTD) -Icapi-tests $(call src_of,$*) 2>$@.log || \
	  { rc=$$?; if [ $$rc = 3 ]; then echo "CPython 3.14 unavailable: skipping $*"; rm -f $@; \
	    else cat $@.log; exit $$rc; fi; }

capi-pyrt: $(addprefix $(BUILD)/pyrt/,$(C_PROGRAMS))
capi-asan: $(addprefix $(BUILD)/asan/,$(C_PROGRAMS))
# Without the reference, the CPython builds of an earlier run are removed too,
# so that nothing is compared with a reference that is not there.
capi-cpython:
	@mkdir -p $(BUILD); \
	if $(ORACLE) env >/dev/null 2>$(BUILD)/oracle.err; then \
	  for p in $(filter-out $(PYRT_ONLY),$(C_PROGRAMS)); do $(MAKE) --no-print-directory $(BUILD)/cpython/$$p || exit 1; done; \
	else rc=$$?; [ $$rc = 3 ] || { cat $(BUILD)/oracle.err; exit $$rc; }; rm -rf $(BUILD)/cpython; \
	  tools/skip "C tests built against CPython 3.14" "$$(tail -n1 $(BUILD)/oracle.err | $(ORACLE_WHY))"; fi

capi: capi-pyrt capi-asan capi-cpython

check-capi: capi
	capi-tests/run.sh $(BUILD) $(C_PROGRAMS)

# The path configuration on real directory trees, pyrt against CPython 3.14.
check-getpath: capi-pyrt capi-cpython
	capi-tests/getpath_trees.sh $(BUILD)

# Re-record expected outputs from real CPython 3.14 (review the diff!).
record: capi
	RECORD=1 capi-tests/run.sh $(BUILD) $(C_PROGRAMS)

# --- fuzzing (libFuzzer through cargo-fuzz; RUSTC_BOOTSTRAP lets stable build it) ---
# cargo-fuzz $(CARGO_FUZZ_VERSION) is built into build/tools on first use and run from there.
FUZZ_SECONDS ?= 30
fuzz:
	@if ! command -v $(CXX) >/dev/null; then tools/skip fuzz "no C++ compiler ($(CXX)) to build libFuzzer"; \
	elif ! $(ENSURE_TOOLS) cargo-fuzz@$(CARGO_FUZZ_VERSION); then \
	  tools/skip fuzz "cargo-fuzz $(CARGO_FUZZ_VERSION) could not be installed (no network? see $(TOOLDIR)/cargo-fuzz.log)"; \
	else $(MAKE) --no-print-directory fuzz-run; fi

fuzz-run:
	@mkdir -p $(BUILD)/fuzz-corpus
	@cd fuzz && RUSTC_BOOTSTRAP=1 $(CARGO_FUZZ) fuzz run config_read --fuzz-dir . \
	  ../$(BUILD)/fuzz-corpus seeds -- -max_total_time=$(FUZZ_SECONDS) >../$(BUILD)/fuzz.log 2>&1 \
	  || { tail -60 ../$(BUILD)/fuzz.log; echo "fuzzing found a failure: see fuzz/artifacts/"; exit 1; }
	@grep -E '^Done [0-9]+ runs' $(BUILD)/fuzz.log

# --- ThreadSanitizer: pyrt instrumented with -Zsanitizer=thread (RUSTC_BOOTSTRAP
# lets the stable toolchain do it; the standard library stays uninstrumented,
# hence -Cunsafe-allow-abi-mismatch), the C tests linked with the toolchain's
# own TSan runtime (gcc's lacks the entry points rustc's instrumentation uses).
TSAN_TARGET := x86_64-unknown-linux-gnu
TSAN_LIBDIR := $(CURDIR)/target/tsan/$(TSAN_TARGET)/release
TSAN_RT     := $(shell rustc --print sysroot)/lib/rustlib/$(TSAN_TARGET)/lib/librustc-stable_rt.tsan.a
TSAN_CASES  := test_stress:own_gil_interpreters_and_gilstate test_threads:gilstate_foreign_thread \
               test_threads:gil_contention test_threads:new_interpreter_from_config \
               test_threads:interp_ids test_lifecycle:pending_calls \
               pyrt_soak:restore_on_ended_interpreter test_fork:fork_with_protocol \
               test_pythread:lock_contention test_pythread:tss_across_threads
# Needs the toolchain's TSan runtime (in rust-std for $(TSAN_TARGET); no
# rust-src: the standard library is not rebuilt) and libstdc++ (g++).
tsan: stub-home
	@if [ ! -f $(TSAN_RT) ]; then tools/skip tsan "the Rust toolchain has no ThreadSanitizer runtime ($(TSAN_RT))"; \
	elif ! command -v $(CXX) >/dev/null; then tools/skip tsan "no C++ compiler ($(CXX)), so no libstdc++ to link the TSan runtime with"; \
	else $(MAKE) --no-print-directory tsan-run; fi

tsan-run:
	RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=thread -Cunsafe-allow-abi-mismatch=sanitizer" \
	  $(CARGO) build --release --locked --quiet --target $(TSAN_TARGET) --target-dir target/tsan
	@ln -sf libpyrt.so $(TSAN_LIBDIR)/libpyrt.so.0
	@mkdir -p $(BUILD)/tsan
	@set -e; for p in $(sort $(foreach c,$(TSAN_CASES),$(firstword $(subst :, ,$(c))))); do \
	  $(CC) $(CFLAGS_PYRT) -o $(BUILD)/tsan/$$p capi-tests/$$p.c -L$(TSAN_LIBDIR) -Wl,-rpath,$(TSAN_LIBDIR) \
	    -lpyrt -Wl,--whole-archive $(TSAN_RT) -Wl,--no-whole-archive -lpthread -ldl -lm -lstdc++; done
	@set -e; for c in $(TSAN_CASES); do p=$${c%%:*}; n=$${c#*:}; \
	  env -i PATH=/usr/bin:/bin PYRT_TEST_HOME=$(STUB_HOME) TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(BUILD)/tsan/$$p $$n >$(BUILD)/tsan/out 2>&1 \
	    || { cat $(BUILD)/tsan/out; echo "tsan: $$c failed"; exit 1; }; \
	  if grep -q ThreadSanitizer $(BUILD)/tsan/out; then cat $(BUILD)/tsan/out; exit 1; fi; \
	  echo "tsan: $$c clean"; done

# --- fault injection --------------------------------------------------------
# Fails the C library's allocator at each call of an init -> sub-interpreter
# -> finalize run in turn: no signal, a successful retry and a reported
# failure at every point; a sample under valgrind (no leak).
# `make fault-inject FAULT_MODE=all` runs every point under valgrind.
FAULT_MODE ?= sample
fault-inject: lib stub-home
	PYRT_TEST_HOME=$(STUB_HOME) tools/fault-inject.sh $(BUILD) $(FAULT_MODE)

# --- install -------------------------------------------------------------
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
INSTALLED := include/pyrt/Python.h include/pyrt/pyrt.h lib/libpyrt.so.$(VERSION) lib/libpyrt.so.0 \
             lib/libpyrt.so lib/libpyrt.a lib/pkgconfig/pyrt.pc bin/pyrt-config bin/pyrt-inspect \
             lib/pyrt/compat/libpython3.14.so.1.0 lib/pyrt/compat/libpython3.14.so

install: lib inspect
	install -d $(DESTDIR)$(PREFIX)/include/pyrt $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pyrt/compat
	install -m 755 $(INSPECT) $(DESTDIR)$(PREFIX)/bin/pyrt-inspect
	install -m 644 include/Python.h include/pyrt.h $(DESTDIR)$(PREFIX)/include/pyrt/
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libpyrt.so.$(VERSION)
	ln -sf libpyrt.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libpyrt.so.0
	ln -sf libpyrt.so.0 $(DESTDIR)$(PREFIX)/lib/libpyrt.so
	install -m 644 $(LIBDIR)/libpyrt.a $(DESTDIR)$(PREFIX)/lib/libpyrt.a
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' packaging/pyrt.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/pyrt.pc
	sed -e 's|@PREFIX@|$(PREFIX)|' packaging/pyrt-config.in > $(DESTDIR)$(PREFIX)/bin/pyrt-config
	chmod 755 $(DESTDIR)$(PREFIX)/bin/pyrt-config
	ln -sf ../../libpyrt.so.0 $(DESTDIR)$(PREFIX)/lib/pyrt/compat/libpython3.14.so.1.0
	ln -sf ../../libpyrt.so.0 $(DESTDIR)$(PREFIX)/lib/pyrt/compat/libpython3.14.so

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED))
	-rmdir $(DESTDIR)$(PREFIX)/include/pyrt $(DESTDIR)$(PREFIX)/lib/pyrt/compat \
	  $(DESTDIR)$(PREFIX)/lib/pyrt 2>/dev/null

# Install into a temporary prefix, build the example embedder three ways
# (pkg-config, pyrt-config, plain flags), run each, then uninstall and check
# that nothing is left.
check-install: lib stub-home
	@command -v pkg-config >/dev/null || { tools/skip check-install "pkg-config not installed"; exit 0; }; \
	tmp=$$(mktemp -d); prefix=$$tmp/prefix; set -e; \
	$(MAKE) --no-print-directory -s install PREFIX=$$prefix >/dev/null; \
	PKG_CONFIG_PATH=$$prefix/lib/pkgconfig $(CC) $(CSTD) examples/embed.c -o $$tmp/e1 \
	  $$(PKG_CONFIG_PATH=$$prefix/lib/pkgconfig pkg-config --cflags --libs pyrt); \
	$(CC) $(CSTD) examples/embed.c -o $$tmp/e2 $$($$prefix/bin/pyrt-config --cflags) \
	  $$($$prefix/bin/pyrt-config --ldflags --embed); \
	$(CC) $(CSTD) -I$$prefix/include/pyrt examples/embed.c -o $$tmp/e3 -L$$prefix/lib -lpyrt; \
	for e in e1 e2 e3; do PYTHONHOME=$(STUB_HOME) LD_LIBRARY_PATH=$$prefix/lib $$tmp/$$e >$$tmp/$$e.out; done; \
	cmp -s $$tmp/e1.out $$tmp/e2.out && cmp -s $$tmp/e1.out $$tmp/e3.out; \
	grep -q '^Py_FinalizeEx *0$$' $$tmp/e1.out; \
	$(MAKE) --no-print-directory -s uninstall PREFIX=$$prefix; \
	left=$$(find $$prefix -type f -o -type l); \
	if [ -n "$$left" ]; then echo "uninstall left: $$left"; exit 1; fi; \
	rm -rf $$tmp; echo "install, pkg-config, pyrt-config, plain flags and uninstall: ok"

# Headers as C99, C11 and C2x with warnings as errors.
check-std-headers: lib
	@set -e; for std in c99 c11 c2x; do \
	  $(CC) -std=$$std -Wall -Wextra -Wpedantic -Werror -Iinclude capi-tests/header_std.c \
	    -o $(BUILD)/header_$$std $(LDFLAGS_PYRT); $(BUILD)/header_$$std >/dev/null; done; \
	echo "Python.h compiles as C99, C11 and C2x"

check-symbols: lib
	tools/check-symbols.sh $(LIB)

# A program built against real CPython 3.14's headers and libpython (no
# rpath) runs on pyrt through the compat directory and prints what the same
# source prints when built against pyrt's headers.
# Every object-free declaration of CPython 3.14's lifecycle, thread and
# memory headers is declared by include/ (tools/check-headers.py computes the
# list from the reference's headers; `CHECK_HEADERS_ARGS=--list` names them).
check-headers:
	@mkdir -p $(BUILD); $(call with_oracle,check-headers,); \
	$(ORACLE) python tools/check-headers.py $(CC) \
	  "$$ORACLE_ROOT/usr/include/python3.14:$$ORACLE_ROOT/usr/include" include $(CHECK_HEADERS_ARGS)

# An embedder using the macros of CPython's lifecycle, thread and memory
# headers (capi-tests/embed_macros.c) compiles unchanged as C99, C11, C2x and
# C++17 against include/ and against CPython 3.14's headers, and both print
# the same. (C++ keeps -Wmissing-field-initializers off: Py_tss_NEEDS_INIT
# sets one member, with CPython's headers as with pyrt's.)
check-embed-macros: lib
	@mkdir -p $(BUILD)/embed-macros; $(call with_oracle,check-embed-macros,); set -e; out=$(BUILD)/embed-macros; \
	for std in c99 c11 c2x c++17; do \
	  case $$std in c++*) cc="$(CXX) -x c++ -Wno-missing-field-initializers";; *) cc="$(CC)";; esac; \
	  flags="-std=$$std -Wall -Wextra -Wpedantic -Werror"; \
	  $$cc $$flags $$ORACLE_CFLAGS capi-tests/embed_macros.c -o $$out/cpython_$$std $$ORACLE_LDFLAGS; \
	  $$cc $$flags -Iinclude capi-tests/embed_macros.c -o $$out/pyrt_$$std $(LDFLAGS_PYRT); \
	  env -i PATH=/usr/bin:/bin PYRT_TEST_HOME=$$ORACLE_HOME $$out/cpython_$$std > $$out/cpython_$$std.out 2>&1; \
	  env -i PATH=/usr/bin:/bin PYRT_TEST_HOME=$$ORACLE_HOME $$out/pyrt_$$std > $$out/pyrt_$$std.out 2>&1; \
	  diff -u $$out/cpython_$$std.out $$out/pyrt_$$std.out || { echo "embed_macros ($$std): pyrt prints otherwise"; exit 1; }; \
	done; echo "embed_macros: the same output as CPython 3.14 as C99, C11, C2x and C++17"

# The thread-state misuses of issue #17 (capi-tests/misuse.c), each in a
# child with PYRT_CHECKS=1: pyrt must end each with its checks' fatal error;
# what CPython 3.14 does with the same program (hang, crash, silence) is
# printed beside it.
check-misuse: lib stub-home
	@mkdir -p $(BUILD)/misuse; out=$(BUILD)/misuse; \
	$(CC) $(CSTD) -Iinclude capi-tests/misuse.c -o $$out/misuse_pyrt $(LDFLAGS_PYRT) -lpthread; \
	env -i PATH=/usr/bin:/bin PYRT_TEST_HOME=$(STUB_HOME) $$out/misuse_pyrt 3 > $$out/pyrt.out; \
	if grep -v ': Fatal Python error: .*pyrt check: ' $$out/pyrt.out; then \
	  echo "check-misuse: pyrt's checks did not catch the misuse above"; exit 1; fi; \
	$(call with_oracle,check-misuse,CPython's column: ); \
	$(CC) $(CSTD) $$ORACLE_CFLAGS capi-tests/misuse.c -o $$out/misuse_cpython $$ORACLE_LDFLAGS -lpthread; \
	env -i PATH=/usr/bin:/bin PYRT_TEST_HOME=$$ORACLE_HOME $$out/misuse_cpython 3 > $$out/cpython.out; \
	echo "thread-state misuse: CPython 3.14 | pyrt with checks"; \
	paste -d'|' $$out/cpython.out $$out/pyrt.out | sed -E 's/\|[a-z_]+: /\| /; s/^/  /' | cut -c1-200

# pyrt-inspect against the real program (issue #16): tests/inspect/diff.py
# builds directory trees, runs the reference CPython 3.14 `python` program
# in each (tests/inspect/python_main.c) and pyrt-inspect with the same argv,
# environment and working directory, and compares every key and stderr.
check-inspect: inspect
	@mkdir -p $(BUILD)/inspect; $(call with_oracle,check-inspect,); set -e; \
	$(ORACLE) cc $(BUILD)/inspect/python3 tests/inspect/python_main.c; \
	$(CC) $(CSTD) -Iinclude tests/inspect/python_main.c -o $(BUILD)/inspect/python3-pyrt $(LDFLAGS_PYRT); \
	rm -rf $(BUILD)/inspect/trees; mkdir -p $(BUILD)/inspect/trees; \
	PYRT_PROGRAM=$(abspath $(BUILD))/inspect/python3-pyrt $(ORACLE) python tests/inspect/diff.py $(abspath $(BUILD))/inspect/python3 $(INSPECT) \
	  $$ORACLE_ROOT/usr/lib/python3.14 $(abspath $(BUILD))/inspect/trees > $(BUILD)/inspect/diff.out || \
	  { grep -v '^PASS' $(BUILD)/inspect/diff.out; exit 1; }; tail -n1 $(BUILD)/inspect/diff.out

check-compat: lib stub-home
	@mkdir -p $(BUILD); $(call with_oracle,check-compat,); set -e; \
	$(CC) $(CSTD) $$ORACLE_CFLAGS capi-tests/compat_prog.c -o $(BUILD)/compat_cpython \
	  -L$$ORACLE_ROOT/usr/lib/x86_64-linux-gnu -Wl,--allow-shlib-undefined -lpython3.14; \
	$(CC) $(CFLAGS_PYRT) capi-tests/compat_prog.c -o $(BUILD)/compat_pyrt $(LDFLAGS_PYRT); \
	env -i PATH=/usr/bin:/bin PYRT_TEST_HOME=$(STUB_HOME) LD_LIBRARY_PATH=$(LIBDIR)/compat $(BUILD)/compat_cpython > $(BUILD)/compat_cpython.out; \
	env -i PATH=/usr/bin:/bin PYRT_TEST_HOME=$(STUB_HOME) $(BUILD)/compat_pyrt > $(BUILD)/compat_pyrt.out; \
	diff -u $(BUILD)/compat_pyrt.out $(BUILD)/compat_cpython.out; \
	echo "a CPython-built binary runs on pyrt through $(LIBDIR)/compat"

# --- everything -----------------------------------------------------------
# Python.h as C++ with warnings as errors.
$(BUILD)/header_cxx: capi-tests/header_cxx.cpp $(LIB) include/Python.h include/pyrt.h
	@mkdir -p $(@D)
	$(CXX) -std=c++17 -Wall -Wextra -Wpedantic -Werror -Iinclude -o $@ $< $(LDFLAGS_PYRT)

check-cxx:
	@if command -v $(CXX) >/dev/null; then $(MAKE) --no-print-directory $(BUILD)/header_cxx && $(BUILD)/header_cxx; \
	else tools/skip check-cxx "no C++ compiler ($(CXX))"; fi

check-coverage: lib
	tools/check-coverage.sh $(LIB)

# What the checks need beside Rust and a C compiler (apt-get as root; else
# noted as skipped), and the reference CPython, downloaded once into its cache
# (when it cannot be had, the steps that compare with it skip and say why).
check-prereqs:
	@tools/ensure-system
	@$(ORACLE) fetch >/dev/null || true

# The skip paths: with the reference CPython unavailable, the comparison steps
# pass and name what they skipped; a tool that cannot be installed skips its step.
check-skip-paths: capi-pyrt capi-asan
	@tools/check-skip-paths.sh $(BUILD)

check: check-prereqs lib check-header lint test-rust fuzz tsan fault-inject check-symbols check-coverage check-cxx check-std-headers check-headers check-embed-macros check-misuse check-inspect check-install check-compat check-skip-paths check-getpath check-capi

# --- the example embedder -------------------------------------------------
$(BUILD)/embed: examples/embed.c $(LIB) include/Python.h include/pyrt.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_PYRT) -o $@ examples/embed.c $(LDFLAGS_PYRT)

# The example starts from PYTHONHOME when it is set, else from a stub home
# (pyrt looks for the standard library where CPython would, and a machine
# without Python 3.14 has none).
demo: $(BUILD)/embed stub-home
	PYTHONHOME=$${PYTHONHOME:-$(STUB_HOME)} $(BUILD)/embed

# --- benchmarks: the same C program against pyrt and CPython 3.14 ----------
BENCH_FLAGS := -O2 -std=c11 -Wall -Wextra -Werror
# The CPython column runs on the oracle's own C library (its loader and
# libc); the pyrt column is linked to run on the same one when the oracle
# is there, so the two columns differ by pyrt and CPython only (the
# C library's malloc/free alone differ by about 2x on this machine).
# bench_pyrt_hostlibc is the same program on the host's C library.
BENCH_ORACLE_LIBC = $$(r=$$($(ORACLE) env 2>/dev/null | sed -n 's/^ORACLE_ROOT=//p'); \
  [ -n "$$r" ] && l=$$r/usr/lib/x86_64-linux-gnu && \
  echo "-Wl,--disable-new-dtags -Wl,-rpath,$$l -Wl,--dynamic-linker=$$l/ld-linux-x86-64.so.2")
$(BUILD)/bench_pyrt: benches/bench.c capi-tests/rss.h $(LIB) include/Python.h include/pyrt.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_FLAGS) -Iinclude -o $@ $< $(LDFLAGS_PYRT) -lpthread $(BENCH_ORACLE_LIBC)

$(BUILD)/bench_pyrt_hostlibc: benches/bench.c capi-tests/rss.h $(LIB) include/Python.h include/pyrt.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_FLAGS) -Iinclude -o $@ $< $(LDFLAGS_PYRT) -lpthread

$(BUILD)/bench_cpython: benches/bench.c capi-tests/rss.h
	@mkdir -p $(@D)
	@$(ORACLE) cc $@ $(BENCH_FLAGS) $< || { echo "CPython 3.14 unavailable: pyrt column only"; rm -f $@; }

$(BUILD)/inspect_bench: benches/inspect_bench.c $(LIB) include/Python.h include/pyrt.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_FLAGS) -Iinclude -o $@ $< $(LDFLAGS_PYRT)

$(BUILD)/inspect/python3: tests/inspect/python_main.c
	@mkdir -p $(@D)
	@$(ORACLE) cc $@ $< || { echo "CPython 3.14 unavailable: no inspection rows"; rm -f $@; }

bench: $(BUILD)/bench_pyrt $(BUILD)/bench_cpython $(BUILD)/bench_pyrt_hostlibc $(BUILD)/inspect_bench $(BUILD)/inspect/python3 inspect stub-home
	home=$$($(ORACLE) env 2>/dev/null | sed -n 's/^ORACLE_HOME=//p'); \
	PYRT_BENCH_HOME=$${home:-$(STUB_HOME)} \
	PYRT_BENCH_INSPECT=$(abspath $(BUILD))/inspect_bench PYRT_BENCH_PYTHON=$(abspath $(BUILD))/inspect/python3 \
	PYRT_BENCH_PYRT_INSPECT=$(INSPECT) \
	  tools/bench.sh $(BUILD)/bench_pyrt $(BUILD)/bench_cpython $(BUILD)/bench_pyrt_hostlibc > docs/performance.md
	@cat docs/performance.md

# `clean` keeps the tools built into build/tools; `distclean` removes them too.
clean:
	$(CARGO) clean
	find $(BUILD) -mindepth 1 -maxdepth 1 ! -name tools -exec rm -rf {} + 2>/dev/null || true

distclean: clean
	rm -rf $(BUILD)
