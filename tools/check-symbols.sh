#!/usr/bin/env bash
# check-symbols.sh LIB: the library exports exactly abi/exports.txt, only
# Py*, _Py* and PyRT_* names (and CPython's PY_TIMEOUT_MAX) leave it, and every entry point of
# abi/required-symbols.txt is among them.
set -u
lib=$1
actual=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort)
fail=0
if ! diff -u abi/exports.txt - <<<"$actual"; then
    echo "exported symbols differ from abi/exports.txt (update it when the API grows on purpose)"
    fail=1
fi
# PY_TIMEOUT_MAX is CPython's one public data symbol in capitals (pythread.h).
stray=$(grep -v -E '^(Py|_Py|PyRT_|PY_TIMEOUT_MAX$)' <<<"$actual")
if [ -n "$stray" ]; then echo "non-API symbols exported:"; echo "$stray"; fail=1; fi
required=abi/required-symbols.txt
[ -f "$required" ] || { echo "$required missing"; exit 1; }
missing=$(comm -23 <(grep -v '^#' "$required" | awk 'NF {print $1}' | sort -u) - <<<"$actual")
if [ -n "$missing" ]; then echo "required entry points not exported:"; echo "$missing"; fail=1; fi
[ $fail = 0 ] && echo "exported symbols: $(wc -l <<<"$actual") names, all public API, as abi/exports.txt says"
exit $fail
