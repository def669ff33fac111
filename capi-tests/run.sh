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

# Each case runs as: env -i <clean env> ${SC_ENV[@]} [WRAPPER...] BIN ${SC_ARGS[@]}
SC_ENV=(); SC_ARGS=(); SC_FILTER=""

# set_case T CASE: fills SC_ENV and SC_ARGS for a case of program T.
# Programs with a scenario file (capi-tests/scenarios/T.txt) take each case's
# environment and arguments from its line: "NAME | ENV WORDS | ARG WORDS"
# (shell words, so quotes work), optionally followed by "|| SED-SCRIPT": a
# `sed -E` script applied to the output before comparing (for text pyrt words
# differently on purpose, such as the -h help); other programs get the case
# name as argument.
set_case() {
    local t=$1 c=$2 line envw argw
    SC_ENV=(); SC_ARGS=(); SC_FILTER=""
    if [ -f "$here/scenarios/$t.txt" ]; then
        line=$(grep -m1 "^$c |" "$here/scenarios/$t.txt")
        case "$line" in *" || "*) SC_FILTER=${line#* || }; line=${line%% || *} ;; esac
        envw=$(cut -d'|' -f2 <<<"$line"); argw=$(cut -d'|' -f3- <<<"$line")
        eval "SC_ENV=($envw)"; eval "SC_ARGS=($argw)"
    elif [ "$c" != main ]; then
        SC_ARGS=("$c")
    fi
}

# scenario_names T: the case names of a scenario file, in order.
scenario_names() {
    grep -v '^\s*\(#\|$\)' "$here/scenarios/$1.txt" | cut -d'|' -f1 | tr -d ' '
}

# run_case BIN [WRAPPER...]: prints stdout, a stderr section and the exit status.
run_case() {
    local bin=$1; shift
    local out err rc
    out=$(mktemp); err=$(mktemp)
    "${clean_env[@]}" "${SC_ENV[@]}" "$@" "$bin" "${SC_ARGS[@]}" >"$out" 2>"$err"
    rc=$?
    cat "$out"
    if [ -s "$err" ]; then echo "--- stderr"; cat "$err"; fi
    echo "--- exit $rc"
    rm -f "$out" "$err"
}

# run_filtered BIN [WRAPPER...]: run_case through the case's sed filter.
run_filtered() {
    if [ -n "$SC_FILTER" ]; then run_case "$@" | sed -E "$SC_FILTER"; else run_case "$@"; fi
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
    if [ -f "$here/scenarios/$t.txt" ]; then cases=$(scenario_names "$t")
    else case "$t" in abi_*) cases=main ;; *) cases=$("$pyrt_bin") ;; esac
    fi
    for c in $cases; do
        set_case "$t" "$c"
        exp=$expected_dir/$t/$c.out
        if [ -x "$cpy_bin" ]; then
            cpy_out=$(run_filtered "$cpy_bin")
            if [ "$record" = 1 ]; then printf '%s\n' "$cpy_out" >"$exp"; fi
            check "$t/$c [cpython]" "$exp" "$cpy_out"
        else
            skip=$((skip+1))
        fi
        check "$t/$c [pyrt]" "$exp" "$(run_filtered "$pyrt_bin")"
        if [ "$have_valgrind" = 1 ]; then
            vlog=$(mktemp)
            vout=$(run_filtered "$pyrt_bin" valgrind -q --error-exitcode=99 --leak-check=full \
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
            check "$t/$c [asan]" "$exp" "$(run_filtered "$asan_bin" env ASAN_OPTIONS=detect_leaks=1)"
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
