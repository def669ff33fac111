#!/usr/bin/env bash
# run.sh: runs every case of every C test binary, each in its own process,
# and compares what it prints with the output recorded from real CPython 3.14
# (capi-tests/expected/BINARY/CASE.out). Every case is checked:
#   pyrt      built against include/ and libpyrt.so
#   cpython   the same source built against CPython 3.14 (skipped if the oracle is unavailable)
#   valgrind  the pyrt build under valgrind: no error, no leak (skipped if valgrind is missing)
#   asan      the pyrt build with AddressSanitizer + UBSan (skipped if not built)
# A program whose name starts with abi_ has no cases: it is run once, as "main".
# Usage: run.sh BUILD_DIR TEST_NAME...   (BUILD_DIR holds pyrt/, cpython/, asan/)
# The last line is "N passed, N failed" (and ", N skipped").
set -u
build=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
expected_dir=$here/expected
record=${RECORD:-0}   # RECORD=1: write expected outputs from the CPython build
pass=0; fail=0; skip=0
failures=()

# A fixed, minimal environment: the C locale and no PYTHON* variables.
clean_env=(env -i PATH=/usr/bin:/bin HOME=/nonexistent)

# run BIN CASE [WRAPPER...]: prints stdout, a stderr section and the exit status.
run_case() {
    local bin=$1 case=$2; shift 2
    local out err rc
    out=$(mktemp); err=$(mktemp)
    if [ "$case" = main ]; then
        "${clean_env[@]}" "$@" "$bin" >"$out" 2>"$err"
    else
        "${clean_env[@]}" "$@" "$bin" "$case" >"$out" 2>"$err"
    fi
    rc=$?
    cat "$out"
    if [ -s "$err" ]; then echo "--- stderr"; cat "$err"; fi
    echo "--- exit $rc"
    rm -f "$out" "$err"
}

check() { # check LABEL EXPECTED-FILE ACTUAL-TEXT
    local label=$1 exp=$2 actual=$3
    if [ ! -f "$exp" ]; then
        echo "FAIL $label (no expected output $exp; run 'make record')"; fail=$((fail+1)); failures+=("$label"); return
    fi
    if diff -u "$exp" - <<<"$actual" >/tmp/pyrt-diff.$$; then
        pass=$((pass+1))
    else
        echo "FAIL $label"; sed 's/^/    /' /tmp/pyrt-diff.$$ | head -40
        fail=$((fail+1)); failures+=("$label")
    fi
    rm -f /tmp/pyrt-diff.$$
}

have_valgrind=0; command -v valgrind >/dev/null 2>&1 && have_valgrind=1

for t in "$@"; do
    pyrt_bin=$build/pyrt/$t
    cpy_bin=$build/cpython/$t
    asan_bin=$build/asan/$t
    if [ ! -x "$pyrt_bin" ]; then echo "FAIL $t (not built)"; fail=$((fail+1)); continue; fi
    mkdir -p "$expected_dir/$t"
    # A program without named cases (abi_layout) is one case called "main".
    case "$t" in abi_*) cases=main ;; *) cases=$("$pyrt_bin") ;; esac
    for c in $cases; do
        exp=$expected_dir/$t/$c.out
        if [ -x "$cpy_bin" ]; then
            cpy_out=$(run_case "$cpy_bin" "$c")
            if [ "$record" = 1 ]; then printf '%s\n' "$cpy_out" >"$exp"; fi
            check "$t/$c [cpython]" "$exp" "$cpy_out"
        else
            skip=$((skip+1))
        fi
        check "$t/$c [pyrt]" "$exp" "$(run_case "$pyrt_bin" "$c")"
        if [ "$have_valgrind" = 1 ]; then
            vlog=$(mktemp)
            vout=$(run_case "$pyrt_bin" "$c" valgrind -q --error-exitcode=99 --leak-check=full \
                --show-leak-kinds=definite,indirect,possible \
                --errors-for-leak-kinds=definite,indirect,possible --log-file="$vlog")
            if [ -s "$vlog" ]; then
                echo "FAIL $t/$c [valgrind]"; sed 's/^/    /' "$vlog" | head -40
                fail=$((fail+1)); failures+=("$t/$c [valgrind]")
            else
                check "$t/$c [valgrind]" "$exp" "$vout"
            fi
            rm -f "$vlog"
        else
            skip=$((skip+1))
        fi
        if [ -x "$asan_bin" ]; then
            check "$t/$c [asan]" "$exp" "$(run_case "$asan_bin" "$c" env ASAN_OPTIONS=detect_leaks=1)"
        else
            skip=$((skip+1))
        fi
    done
done

if [ ${#failures[@]} -gt 0 ]; then
    echo "failed checks:"; printf '  %s\n' "${failures[@]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
