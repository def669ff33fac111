#!/usr/bin/env bash
# run.sh: runs every case of every C test program, each in its own process,
# and compares what it prints with the output recorded from real CPython 3.14
# (capi-tests/expected/PROGRAM/CASE.out). Every case is checked as:
#   cpython   the program built against CPython 3.14 (skipped if tools/cpython314 is unavailable)
#   pyrt      built against include/ and libpyrt.so
#   valgrind  the pyrt build under valgrind: no error, no leak (skipped without valgrind)
#   asan      the pyrt build with AddressSanitizer + UBSan (skipped if not built)
# A program lists its cases when run without arguments. A program with a
# scenario file (capi-tests/scenarios/PROGRAM.txt) takes its cases from it, one
# per line: "NAME | ENV WORDS | ARG WORDS" (shell words, so quotes work),
# optionally followed by "|| SED-SCRIPT", a `sed -E` script applied to the
# output before comparing (for text pyrt words differently on purpose, such as
# the -h help). A program whose name starts with abi_ is one case, "main".
# A program whose name starts with pyrt_ checks pyrt's own guarantees (where
# CPython differs): it is not run against CPython and its expected output is
# recorded from pyrt.
#
# Usage: run.sh BUILD_DIR PROGRAM...      RECORD=1: write the expected outputs
#        from the CPython build first. JOBS=N: parallel cases (default: nproc).
#        CHECKS=pyrt,asan: only these checks (default: all four; `make test`
#        runs the pyrt check alone).
# The last line is "N passed, N failed, N skipped"; before it, "skipped:" lists
# what did not run: the kinds of checks skipped here, and the notes of
# $PYRT_SKIP_LOG (the other steps of `make check`, through tools/skip).
set -u
here=$(cd "$(dirname "$0")" && pwd)

# Each case runs as: env -i <clean env> ENV... [WRAPPER...] BINARY ARGS...
# PYRT_TEST_HOME is a Python home both builds configure (CPython needs its
# standard library to finish initializing): the oracle's, when available;
# else a path that does not exist and that no program prints otherwise (they
# use /nonexistent/bin/python3), so masking it as <home> changes nothing else.
clean_env=(env -i PATH=/usr/bin:/bin HOME=/nonexistent "PYRT_TEST_HOME=${PYRT_TEST_HOME:-/nonexistent/python-home}")
# SIGINT at its default, as from a terminal: a shell starting `make check` in
# the background (cmd &, nohup) hands it down ignored, which the signal cases see.
if env --default-signal=INT true 2>/dev/null; then clean_env=(env -i --default-signal=INT "${clean_env[@]:2}"); fi

# set_case PROGRAM CASE: fills SC_ENV, SC_ARGS and SC_FILTER.
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

# run_case BINARY [WRAPPER...]: stdout, a stderr section and the exit status,
# with addresses (thread ids, thread-state pointers in fatal-error
# reports), thread names (valgrind renames the thread) and the Python home
# masked, through the case's filter.
run_case() {
    local bin=$1; shift
    local out err rc
    out=$(mktemp); err=$(mktemp)
    # From a fixed directory, so paths made absolute (run_filename) do not
    # depend on where the tree is checked out.
    (cd / && "${clean_env[@]}" "${SC_ENV[@]}" "$@" "$bin" "${SC_ARGS[@]}") >"$out" 2>"$err"
    rc=$?
    {
        cat "$out"
        if [ -s "$err" ]; then echo "--- stderr"; cat "$err"; fi
        echo "--- exit $rc"
    } | sed -E -e "s|${PYRT_TEST_HOME:-/nonexistent/python-home}|<home>|g" -e 's/0x[0-9a-f]{6,}/0x<address>/g' \
            -e 's/^((Current thread|Thread) 0x<address>) \[[^]]*\]/\1 [<name>]/' |
        if [ -n "$SC_FILTER" ]; then sed -E "$SC_FILTER"; else cat; fi
    rm -f "$out" "$err"
}

# check LABEL EXPECTED-FILE ACTUAL-TEXT: prints PASS/FAIL lines.
check() {
    local label=$1 exp=$2 actual=$3
    if [ ! -f "$exp" ]; then
        echo "FAIL $label (no expected output; run 'make record')"; return
    fi
    if diff -u "$exp" - <<<"$actual" >"$tmpdir/diff"; then
        echo "PASS $label"
    else
        echo "FAIL $label"; sed 's/^/    /' "$tmpdir/diff" | head -40
    fi
}

# want CHECK: the check is selected (CHECKS, default all).
want() { case ",${CHECKS:-cpython,pyrt,valgrind,asan}," in *",$1,"*) return 0 ;; esac; return 1; }

# one BUILD PROGRAM CASE: every check of one case.
one() {
    local build=$1 t=$2 c=$3
    local exp=$here/expected/$t/$c.out
    tmpdir=$(mktemp -d)
    set_case "$t" "$c"
    case "$t" in
    pyrt_*)
        # pyrt's own guarantees: expected output recorded from pyrt itself.
        if [ "${RECORD:-0}" = 1 ]; then
            mkdir -p "$(dirname "$exp")"; run_case "$build/pyrt/$t" >"$exp"
        fi ;;
    esac
    if ! want cpython; then
        :
    elif [ -x "$build/cpython/$t" ] && [ "${t#pyrt_}" = "$t" ]; then
        local cpy_out; cpy_out=$(run_case "$build/cpython/$t")
        if [ "${RECORD:-0}" = 1 ]; then mkdir -p "$(dirname "$exp")"; printf '%s\n' "$cpy_out" >"$exp"; fi
        check "$t/$c [cpython]" "$exp" "$cpy_out"
    elif [ "${t#pyrt_}" = "$t" ]; then
        echo "SKIP $t/$c [cpython]"
    fi
    if want pyrt; then check "$t/$c [pyrt]" "$exp" "$(run_case "$build/pyrt/$t")"; fi
    if ! want valgrind; then
        :
    elif command -v valgrind >/dev/null 2>&1; then
        local vout
        # Freed blocks are reused at once; resident-memory checks (pyrt_soak)
        # are still skipped, valgrind's own bookkeeping grows with the run.
        # A case that ends in abort() (fatal errors), or that exits while a
        # thread is still blocked (it says so), may leave that thread's stack
        # "possibly lost"; definite and indirect leaks still count.
        local kinds=definite,indirect,possible
        if [ -f "$exp" ] && { tail -n1 "$exp" | grep -q '^--- exit 134$' ||
            grep -q 'still blocked at exit' "$exp"; }; then kinds=definite,indirect; fi
        vout=$(run_case "$build/pyrt/$t" env PYRT_TEST_SANITIZER=valgrind \
            valgrind -q --error-exitcode=99 --leak-check=full --child-silent-after-fork=yes \
            --freelist-vol=0 --freelist-big-blocks=0 \
            --show-leak-kinds=$kinds --errors-for-leak-kinds=$kinds --log-file="$tmpdir/vlog")
        if [ -s "$tmpdir/vlog" ]; then
            echo "FAIL $t/$c [valgrind]"; sed 's/^/    /' "$tmpdir/vlog" | head -40
        else
            check "$t/$c [valgrind]" "$exp" "$vout"
        fi
    else
        echo "SKIP $t/$c [valgrind]"
    fi
    if ! want asan; then
        :
    elif [ -x "$build/asan/$t" ]; then
        check "$t/$c [asan]" "$exp" "$(run_case "$build/asan/$t" env ASAN_OPTIONS=detect_leaks=1 PYRT_TEST_SANITIZER=asan)"
    else
        echo "SKIP $t/$c [asan]"
    fi
    rm -rf "$tmpdir"
}

if [ "${1:-}" = --one ]; then shift; one "$@"; exit 0; fi

build=$(cd "$1" && pwd); shift
if [ -z "${PYRT_TEST_HOME:-}" ]; then
    oracle_env=$("${ORACLE:-$here/../tools/cpython314}" env 2>/dev/null) &&
        PYRT_TEST_HOME=$(sed -n 's/^ORACLE_HOME=//p' <<<"$oracle_env")
    if [ -z "${PYRT_TEST_HOME:-}" ]; then
        # No reference: a stub home with what pyrt looks for (the landmark
        # and `encodings`), so that pyrt starts where CPython would.
        PYRT_TEST_HOME=$build/stub-home
        "$here/../tools/stub-home" "$PYRT_TEST_HOME"
    fi
    export PYRT_TEST_HOME
fi
pairs=()
for t in "$@"; do
    if [ ! -x "$build/pyrt/$t" ]; then echo "FAIL $t (not built)"; exit 1; fi
    if [ -f "$here/scenarios/$t.txt" ]; then
        cases=$(grep -v '^[[:space:]]*\(#\|$\)' "$here/scenarios/$t.txt" | cut -d'|' -f1 | tr -d ' ')
    else
        case "$t" in abi_*) cases=main ;; *) cases=$("$build/pyrt/$t") ;; esac
    fi
    for c in $cases; do pairs+=("$t" "$c"); done
done

log=$(mktemp)
printf '%s\n' "${pairs[@]}" | xargs -P "${JOBS:-$(nproc)}" -n 2 "$0" --one "$build" >"$log"
grep -v '^\(PASS\|SKIP\) ' "$log"
pass=$(grep -c '^PASS ' "$log"); fail=$(grep -c '^FAIL ' "$log"); skip=$(grep -c '^SKIP ' "$log")
if [ "$fail" -gt 0 ]; then echo "failed checks:"; grep '^FAIL ' "$log" | sed 's/^FAIL /  /'; fi
# What did not run: the cases skipped here by kind, and the parts of the whole
# run that noted a skip in $PYRT_SKIP_LOG (tools/skip), each once.
{
    for kind in cpython valgrind asan; do
        n=$(grep -c "^SKIP .* \[$kind\]$" "$log")
        [ "$n" -gt 0 ] || continue
        case $kind in
        cpython) why="no CPython 3.14 build: the reference was unavailable" ;;
        valgrind) why="valgrind not installed" ;;
        asan) why="no ASan build" ;;
        esac
        echo "capi-tests [$kind]: $n cases not run ($why)"
    done
    if [ -n "${PYRT_SKIP_LOG:-}" ] && [ -f "$PYRT_SKIP_LOG" ]; then awk '!seen[$0]++' "$PYRT_SKIP_LOG"; fi
} >"$log.skipped"
if [ -s "$log.skipped" ]; then echo "skipped:"; sed 's/^/  /' "$log.skipped"; else echo "skipped: nothing"; fi
rm -f "$log" "$log.skipped"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
