#!/usr/bin/env bash
# Fault injection (issue #19, work in progress): makes the C library's
# allocator fail at each call of an init -> own-GIL sub-interpreter ->
# finalize run in turn (capi-tests/fault_driver.c under the
# capi-tests/fault_malloc.c shim), then retries the run without failure.
# Counts the points where the process ends on a signal or the retry fails.
#
# usage: tools/fault-inject.sh BUILD_DIR   (`make fault-inject`)
# Exit status 0 when every point ends normally and every retry succeeds.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
lib=$here/target/release
mkdir -p "$build/fault"
cc -std=gnu11 -O1 -g -Wall -Wextra -Werror -fPIC -shared -o "$build/fault/fault_malloc.so" \
    "$here/capi-tests/fault_malloc.c" -ldl || exit 1
cc -std=gnu11 -g -Wall -Wextra -Werror -I"$here/include" -I"$here/capi-tests" \
    -o "$build/fault/fault_driver" "$here/capi-tests/fault_driver.c" \
    -L"$lib" -Wl,-rpath,"$lib" -lpyrt -ldl || exit 1
run() {
    env -i PATH=/usr/bin:/bin LD_PRELOAD="$build/fault/fault_malloc.so" "$@" \
        "$build/fault/fault_driver" >"$build/fault/out" 2>&1
}
run PYRT_FAULT_COUNT="$build/fault/count" || { cat "$build/fault/out"; exit 1; }
points=$(cat "$build/fault/count")
signals=0 retries=0 first=""
for ((i = 1; i <= points; i++)); do
    run PYRT_FAULT_AT=$i
    rc=$?
    if [ $rc -ge 128 ]; then
        signals=$((signals + 1))
        [ -n "$first" ] || first="$i: $(grep -m1 -E 'memory allocation|Fatal|panicked' "$build/fault/out")"
    elif [ $rc -ne 0 ]; then
        retries=$((retries + 1))
    fi
done
echo "fault injection: $points allocation points, $signals ended on a signal, $retries retries failed"
[ -z "$first" ] || echo "first signal at point $first"
[ $signals -eq 0 ] && [ $retries -eq 0 ]
