#!/usr/bin/env bash
# Fault injection (part of `make check`): makes the C library's allocator
# fail at each call of the run in capi-tests/fault_driver.c in turn (locale
# codecs, a PEP 741 config, a Python config read from a command line,
# initialization, an own-GIL sub-interpreter, a thread state,
# finalization, then sys.path through a PyRT_SysPathCache), through the shim capi-tests/fault_malloc.c linked into the
# driver, which then retries the whole run without failure.
#
# Every point must end normally (no signal), the retry must succeed, and a
# failed allocation of pyrt's own heap must be reported by the step that
# made it (the driver prints UNREPORTED otherwise). A sample of the points
# (about 40, spread over the run) runs again under valgrind, which must
# find no leak and no invalid access (capi-tests/fault.supp names the
# C library's own losses).
#
# usage: tools/fault-inject.sh BUILD_DIR [all]   (`make fault-inject`)
#        `all` runs every point under valgrind (about 4 minutes).
set -u
build=${1:-build}
mode=${2:-sample}
here=$(cd "$(dirname "$0")/.." && pwd)
lib=$here/target/release
out=$build/fault
mkdir -p "$out"
# The shim is linked into the program (and exported with -rdynamic), so its
# malloc comes before the C library's for libpyrt and the C library too,
# and valgrind (told to replace only the C library's) still sees every block.
cc -std=gnu11 -g -Wall -Wextra -Werror -rdynamic -I"$here/include" -I"$here/capi-tests" \
    -o "$out/fault_driver" "$here/capi-tests/fault_driver.c" "$here/capi-tests/fault_malloc.c" \
    -L"$lib" -Wl,-rpath,"$lib" -lpyrt -ldl || exit 1
run() {
    env -i PATH=/usr/bin:/bin PYRT_TEST_HOME="${PYRT_TEST_HOME:-/nonexistent}" "$@" >"$out/out" 2>&1
}
run PYRT_FAULT_COUNT="$out/count" "$out/fault_driver" || { cat "$out/out"; exit 1; }
points=$(cat "$out/count")
signals=0 retries=0 unreported=0 reported=0 first=""
for ((i = 1; i <= points; i++)); do
    run PYRT_FAULT_AT=$i "$out/fault_driver"
    rc=$?
    if [ $rc -ge 128 ]; then
        signals=$((signals + 1))
        [ -n "$first" ] || first="$i: signal $((rc - 128)): $(grep -m1 -E 'memory allocation|Fatal|panicked' "$out/out")"
    elif [ $rc -ne 0 ]; then
        retries=$((retries + 1))
        [ -n "$first" ] || first="$i: the retry failed"
    fi
    if grep -q UNREPORTED "$out/out"; then
        unreported=$((unreported + 1))
        [ -n "$first" ] || first="$i: $(grep -m1 UNREPORTED "$out/out")"
    fi
    grep -q "memory allocation failed\|no memory" "$out/out" && reported=$((reported + 1))
done
echo "fault injection: $points allocation points, $signals ended on a signal, $retries retries failed," \
     "$unreported failures unreported ($reported points answered 'memory allocation failed')"
if [ -n "$first" ]; then
    echo "first problem at point $first"
    run PYRT_FAULT_AT="${first%%:*}" "$out/fault_driver"
    cat "$out/out"
    exit 1
fi

command -v valgrind >/dev/null || { echo "fault injection: valgrind is missing"; exit 1; }
step=$(( points > 40 ? points / 40 : 1 ))
[ "$mode" = all ] && step=1
checked=0 bad=0
for ((i = 1; i <= points; i += step)); do
    run PYRT_FAULT_AT=$i valgrind -q --soname-synonyms=somalloc=nouserintercepts \
        --suppressions="$here/capi-tests/fault.supp" --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 "$out/fault_driver"
    rc=$?
    checked=$((checked + 1))
    if [ $rc -ne 0 ]; then
        bad=$((bad + 1))
        echo "valgrind at point $i (exit $rc):"
        grep '==' "$out/out" | head -40
    fi
done
echo "fault injection under valgrind: $checked points (every $step), $bad with a leak or an invalid access"
[ $bad -eq 0 ]
