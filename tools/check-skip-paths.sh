#!/usr/bin/env bash
# tools/check-skip-paths.sh BUILD: `make check` stays green when what it compares
# against or builds with cannot be had, and says what it skipped. Cheap: it runs
# only the steps that skip, on one small C program, with
#   1. the reference forced away (PYRT_ORACLE=none) or its cache folder unusable:
#      tools/cpython314 exits 3; capi-cpython, check-compat and getpath_trees.sh
#      pass and note their skip; run.sh on abi_layout (no CPython build) passes
#      and lists the skipped comparisons before its final count, and so does
#      run.sh on test_pathconfig, whose cases print paths near the Python home;
#   2. tools that cannot be installed (cargo offline, a version no registry has):
#      check-header and fuzz pass and note their skip.
# Needs BUILD/pyrt/abi_layout and BUILD/pyrt/test_pathconfig (make capi-pyrt).
set -u
build=$(cd "${1:-build}" && pwd)
tmp=$(mktemp -d /tmp/pyrt-skips.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "skip paths: $1: ok"; }
bad() {
    echo "skip paths: $1: FAILED"
    shift
    for f; do echo "--- $f"; sed 's/^/    /' "$f"; done
    fail=1
}
make=${MAKE:-make}

# 1. The reference unavailable.
PYRT_ORACLE=none tools/cpython314 env >"$tmp/out" 2>"$tmp/err"
if [ $? = 3 ] && [ ! -s "$tmp/out" ] && grep -q 'PYRT_ORACLE=none' "$tmp/err"; then
    ok "PYRT_ORACLE=none: tools/cpython314 exits 3 and says why"
else bad "PYRT_ORACLE=none: tools/cpython314 exits 3 and says why" "$tmp/out" "$tmp/err"; fi
PYRT_ORACLE= PYRT_ORACLE_CACHE=/dev/null/cache tools/cpython314 fetch >"$tmp/out" 2>"$tmp/err"
if [ $? = 3 ] && grep -q 'PYRT_ORACLE_CACHE' "$tmp/err"; then
    ok "an unusable PYRT_ORACLE_CACHE: tools/cpython314 exits 3 and says why"
else bad "an unusable PYRT_ORACLE_CACHE: tools/cpython314 exits 3 and says why" "$tmp/out" "$tmp/err"; fi

export PYRT_SKIP_LOG=$tmp/skipped.txt
mkdir -p "$tmp/build/pyrt" "$tmp/build/cpython" "$tmp/build/asan"
for p in abi_layout test_pathconfig; do
    ln -s "$build/pyrt/$p" "$tmp/build/pyrt/$p"
    [ -x "$build/asan/$p" ] && ln -s "$build/asan/$p" "$tmp/build/asan/$p"
done
: >"$tmp/build/cpython/abi_layout"      # a stale CPython build: must not be used
chmod +x "$tmp/build/cpython/abi_layout"
PYRT_ORACLE=none $make --no-print-directory -s BUILD="$tmp/build" capi-cpython check-compat >"$tmp/make.out" 2>&1 &&
    PYRT_ORACLE=none capi-tests/getpath_trees.sh "$tmp/build" >>"$tmp/make.out" 2>&1
if [ $? = 0 ] && [ ! -e "$tmp/build/cpython/abi_layout" ] &&
    grep -q '^C tests built against CPython 3.14: .*PYRT_ORACLE=none' "$PYRT_SKIP_LOG" &&
    grep -q '^check-compat: .*PYRT_ORACLE=none' "$PYRT_SKIP_LOG" &&
    grep -q '^check-getpath: .*PYRT_ORACLE=none' "$PYRT_SKIP_LOG"; then
    ok "no reference: capi-cpython, check-compat and check-getpath pass and note their skip"
else bad "no reference: capi-cpython, check-compat and check-getpath pass and note their skip" \
    "$tmp/make.out" "$PYRT_SKIP_LOG"; fi
# Comparisons that cannot run: abi_layout's one, and each case of
# test_pathconfig (which lists its cases when run without arguments).
ncases=$(( 1 + $("$build/pyrt/test_pathconfig" | wc -l) ))
PYRT_ORACLE=none capi-tests/run.sh "$tmp/build" abi_layout test_pathconfig >"$tmp/run.out" 2>&1
if [ $? = 0 ] && tail -n1 "$tmp/run.out" | grep -Eq '^[1-9][0-9]* passed, 0 failed, [1-9][0-9]* skipped$' &&
    grep -q '^skipped:$' "$tmp/run.out" &&
    grep -q "^  capi-tests \\[cpython\\]: $ncases cases not run" "$tmp/run.out" &&
    grep -q '^  check-compat: ' "$tmp/run.out" && grep -q '^  check-getpath: ' "$tmp/run.out"; then
    ok "no reference: run.sh passes and its summary lists the skipped comparisons"
else bad "no reference: run.sh passes and its summary lists the skipped comparisons" "$tmp/run.out"; fi

# 2. Tools that cannot be installed: the pinned versions asked for do not exist,
# and cargo may not use the network.
: >"$PYRT_SKIP_LOG"
CARGO_NET_OFFLINE=true $make --no-print-directory -s TOOLDIR="$tmp/tools" \
    CBINDGEN_VERSION=0.0.0-none CARGO_FUZZ_VERSION=0.0.0-none check-header fuzz >"$tmp/make.out" 2>&1
if [ $? = 0 ] && grep -q '^check-header: cbindgen 0.0.0-none could not be installed' "$PYRT_SKIP_LOG" &&
    grep -q '^fuzz: ' "$PYRT_SKIP_LOG"; then
    ok "no cbindgen, no cargo-fuzz: check-header and fuzz pass and note their skip"
else bad "no cbindgen, no cargo-fuzz: check-header and fuzz pass and note their skip" \
    "$tmp/make.out" "$PYRT_SKIP_LOG"; fi

exit $fail
