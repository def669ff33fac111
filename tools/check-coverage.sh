#!/usr/bin/env bash
# check-coverage.sh LIB: the README's API coverage table must list every
# required symbol once, and its done/partial/missing marks must agree with
# what LIB exports.
set -u
lib=$1
required=abi/required-symbols.txt
[ -f "$required" ] || { echo "$required missing"; exit 1; }
fail=0
table=$(sed -n '/<!-- coverage:begin -->/,/<!-- coverage:end -->/p' README.md | grep '^| `')
exports=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u)
while read -r sym; do
    [ -z "$sym" ] && continue
    n=$(grep -c "^| \`$sym\` |" <<<"$table")
    [ "$n" = 1 ] || { echo "README coverage: $sym listed $n times"; fail=1; }
done <"$required"
while IFS='|' read -r _ sym status _; do
    sym=$(tr -d ' `' <<<"$sym"); status=$(tr -d ' ' <<<"$status")
    exported=0; grep -qx "$sym" <<<"$exports" && exported=1
    case "$status" in
        done|partial) [ $exported = 1 ] || { echo "README coverage: $sym is '$status' but not exported"; fail=1; } ;;
        missing) [ $exported = 0 ] || { echo "README coverage: $sym is exported but marked missing"; fail=1; } ;;
        *) echo "README coverage: $sym has unknown status '$status'"; fail=1 ;;
    esac
done <<<"$table"
[ $fail = 0 ] && echo "README coverage table agrees with $(basename "$lib")"
exit $fail
