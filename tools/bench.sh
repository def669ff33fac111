#!/usr/bin/env bash
# bench.sh PYRT_BIN CPYTHON_BIN [PYRT_HOSTLIBC_BIN]: runs the benchmark
# groups alternately with both builds (same machine, same run) and prints
# docs/performance.md: the table with both columns and the ratio, the
# machine, and the targets. PYRT_HOSTLIBC_BIN (the pyrt build on the host's
# C library, when PYRT_BIN runs on the oracle's) adds the informational row
# config_resolution_host_libc.
set -u
pyrt=$1; cpy=$2; hostlibc=${3:-}
groups="lifecycle atexit rss states gilstate_first handoff contention memory pythread floors"
# The short groups whose rows are per-operation times (lifecycle, memory)
# run this many times per build, alternately; each of their rows keeps the
# run with the lowest median (the same rule for every build): this machine
# switches between two speeds now and then, and one run of each build can
# otherwise land in different ones.
best_of_runs=5
tmp=$(mktemp -d)
# best_of FILE: per metric, the line with the lowest median, in first-seen order.
best_of() {
    awk '!($1 in line) { order[++n] = $1 }
         !($1 in line) || $2 < best[$1] { best[$1] = $2; line[$1] = $0 }
         END { for (i = 1; i <= n; i++) print line[order[i]] }' "$1"
}
for g in $groups; do
    runs=1
    case $g in lifecycle | memory | pythread) runs=$best_of_runs ;; esac
    : >"$tmp/g_pyrt"; : >"$tmp/g_cpy"; : >"$tmp/g_host"
    for _ in $(seq "$runs"); do
        "$pyrt" "$g" >>"$tmp/g_pyrt" 2>/dev/null || echo "pyrt: group $g failed" >&2
        if [ -x "$cpy" ]; then
            env PYRT_BENCH_HOME="${PYRT_BENCH_HOME:-}" "$cpy" "$g" >>"$tmp/g_cpy" 2>/dev/null ||
                echo "cpython: group $g failed" >&2
        fi
        # The config-resolution loop of pyrt on the host's C library (listed
        # right after the main row, compared with the same CPython figure).
        if [ "$g" = lifecycle ] && [ -n "$hostlibc" ] && [ -x "$hostlibc" ] && [ -x "$cpy" ]; then
            "$hostlibc" "$g" 2>/dev/null |
                sed -n 's/^config_resolution /config_resolution_host_libc /p' >>"$tmp/g_host"
        fi
    done
    best_of "$tmp/g_pyrt" >"$tmp/g_best"
    if [ -s "$tmp/g_host" ]; then
        best_of "$tmp/g_host" >"$tmp/g_hbest"
        awk -v row="$(cat "$tmp/g_hbest")" '{ print } $1 == "config_resolution" { print row }' \
            "$tmp/g_best" >>"$tmp/pyrt"
    else
        cat "$tmp/g_best" >>"$tmp/pyrt"
    fi
    best_of "$tmp/g_cpy" >>"$tmp/cpy"
done
# The inspection rows (issue #16): with PYRT_BENCH_INSPECT (the
# benches/inspect_bench.c program), PYRT_BENCH_PYTHON (the reference's
# `python` program) and PYRT_BENCH_PYRT_INSPECT, over a venv with a .pth
# file made from the reference's standard library.
if [ -x "${PYRT_BENCH_INSPECT:-}" ] && [ -x "${PYRT_BENCH_PYTHON:-}" ] && [ -n "${PYRT_BENCH_HOME:-}" ]; then
    t=$tmp/tree
    mkdir -p "$t/base/bin" "$t/base/lib" "$t/venv/bin" "$t/venv/lib/python3.14/site-packages" "$t/src"
    cp "$PYRT_BENCH_PYTHON" "$t/base/bin/python3"
    ln -s "$PYRT_BENCH_HOME/lib/python3.14" "$t/base/lib/python3.14"
    ln -s ../../base/bin/python3 "$t/venv/bin/python3"
    printf 'home = %s\ninclude-system-site-packages = false\n' "$t/base/bin" >"$t/venv/pyvenv.cfg"
    echo "$t/src" >"$t/venv/lib/python3.14/site-packages/dev.pth"
    dump=$(cd "$(dirname "$0")/.." && pwd)/tests/inspect/dump.py
    if (cd "$t" && env -i PATH=/usr/bin:/bin HOME="$t" "$PYRT_BENCH_INSPECT" "$t/venv/bin/python3" \
        "$PYRT_BENCH_PYRT_INSPECT" "$dump") >"$tmp/inspect"; then
        sed -n 's/^pyrt //p' "$tmp/inspect" >>"$tmp/pyrt"
        sed -n 's/^cpython //p' "$tmp/inspect" >>"$tmp/cpy"
    else
        echo "inspect: group failed" >&2
    fi
fi
touch "$tmp/cpy"
# The host-libc row is compared with CPython's config-resolution figure.
if grep -q '^config_resolution_host_libc ' "$tmp/pyrt"; then
    host_cpy=$(sed -n 's/^config_resolution /config_resolution_host_libc /p' "$tmp/cpy")
    [ -n "$host_cpy" ] && echo "$host_cpy" >>"$tmp/cpy"
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
pyver=$(${ORACLE:-tools/cpython314} python -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo unavailable)
cat <<HEAD
# Performance: pyrt against CPython 3.14

Measured by \`make bench\` on $(date -u +%Y-%m-%d): one C program
(\`benches/bench.c\`) built from the same source with the same flags against
pyrt and against CPython $pyver, run alternately in one session, both on the
same C library (the oracle's; see "How to read some rows"); the lifecycle
and memory rows are the best of $best_of_runs alternating runs of each build. Machine:
$cpu, $(nproc) cores. Times are nanoseconds per operation (median and p99 of
the samples); lower is better except for ops/s. Ratio = pyrt / CPython.

| metric | pyrt median (p99) | CPython median (p99) | ratio | unit |
|---|---|---|---|---|
HEAD
awk 'NR==FNR { cm[$1]=$2; cp[$1]=$3; next }
     { r = ($1 in cm && cm[$1] != 0) ? sprintf("%.3f", $2 / cm[$1]) : "-";
       c = ($1 in cm) ? cm[$1] " (" cp[$1] ")" : "-";
       printf "| %s | %s (%s) | %s | %s | %s |\n", $1, $2, $3, c, r, $4 }' "$tmp/cpy" "$tmp/pyrt"
echo
echo "## Targets"
echo
echo "| target | measured | met |"
echo "|---|---|---|"
awk 'NR==FNR { c[$1]=$2; cq[$1]=$3; next } { p[$1]=$2; pq[$1]=$3 }
     function row(name, measured, ok) { printf "| %s | %s | %s |\n", name, measured, ok ? "yes" : "no" }
     function ratio(m) { return (m in c && c[m] > 0) ? p[m] / c[m] : 99 }
     END {
       row("init + finalize <= 20 us", p["init_finalize_nosite"] " ns", p["init_finalize_nosite"] <= 20000);
       row("config resolution <= 1/3 of CPython", sprintf("%.3f", ratio("config_resolution")), ratio("config_resolution") <= 1/3);
       row("sub-interpreter new + end <= 20 us (shared)", p["subinterp_shared_new_end"] " ns", p["subinterp_shared_new_end"] <= 20000);
       row("sub-interpreter new + end <= 20 us (own GIL)", p["subinterp_own_new_end"] " ns", p["subinterp_own_new_end"] <= 20000);
       row("thread state new/clear/delete <= 1/3", sprintf("%.3f", ratio("tstate_new_clear_delete")), ratio("tstate_new_clear_delete") <= 1/3);
       row("GILState with a kept thread state <= 1/3", sprintf("%.3f", ratio("gilstate_kept")), ratio("gilstate_kept") <= 1/3);
       row("GILState nested <= 1/2", sprintf("%.3f", ratio("gilstate_nested")), ratio("gilstate_nested") <= 1/2);
       f = p["floor_futex_ping_pong"];
       row("GIL hand-off within 1.3x the futex floor", sprintf("%.2fx", f > 0 ? p["gil_handoff_round_trip"] / f : 99), f > 0 && p["gil_handoff_round_trip"] <= 1.3 * f);
       row("GIL hand-off below CPython", sprintf("%.3f", ratio("gil_handoff_round_trip")), ratio("gil_handoff_round_trip") < 1);
       m = "contention_16_threads";
       row("16-thread contention >= 2x CPython ops/s", sprintf("%.2fx", (m in c && c[m] > 0) ? p[m] / c[m] : 0), (m in c) && p[m] >= 2 * c[m]);
       row("16-thread fairness >= 0.5", pq[m], pq[m] >= 0.5);
       ok = 1; worst = 0;
       split("16 64 256 512 4096", sz, " ");
       for (i in sz) { r = ratio("object_malloc_free_" sz[i]); if (r > worst) worst = r; if (r > 1) ok = 0 }
       row("PyObject_Malloc pairs <= CPython (worst ratio)", sprintf("%.3f", worst), ok);
       row("million live blocks <= CPython", sprintf("%.3f", ratio("object_million_live_blocks")), ratio("object_million_live_blocks") <= 1);
       row("zero resident growth per cycle", p["rss_growth_per_cycle"] " KiB", p["rss_growth_per_cycle"] <= 0);
       row("PyThread lock acquire + release <= CPython", sprintf("%.3f", ratio("pythread_lock_acquire_release")), ratio("pythread_lock_acquire_release") <= 1);
       row("PyThread lock hand-off between 2 threads <= CPython", sprintf("%.3f", ratio("pythread_lock_handoff_round_trip")), ratio("pythread_lock_handoff_round_trip") <= 1);
       row("TSS set + get <= CPython", sprintf("%.3f", ratio("tss_set_get")), ratio("tss_set_get") <= 1);
       row("pyrt-inspect --json <= 1/10 of the program printing the same with -c", sprintf("%.4f", ratio("inspect_json")), ratio("inspect_json") <= 0.1);
       row("the C API in process, answer kept (PyRT_SysPathCache_Compute) <= 1/500 of that spawn", sprintf("%.5f", ratio("inspect_c_api_kept")), ratio("inspect_c_api_kept") <= 1/500);
     }' "$tmp/cpy" "$tmp/pyrt"
rm -rf "$tmp"
cat <<'NOTES'

## Notes on the closest target

- **Config resolution** (InitPythonConfig + SetBytesArgv of a 14-argument
  command line with `-X dev` + Read + Clear): per iteration pyrt runs about
  21k instructions against CPython's 71k on the same C library, and 24k on
  the host's (callgrind, 2026-11-29; 28k before that day's work). Half of
  pyrt's are the C library's `malloc`/`free` and the debug hooks (`-X dev`)
  for the 38 blocks C can see, which `PyConfig_Clear` frees one by one; the
  rest is the C-struct <-> model round trip. Five runs of `make bench` that
  day gave 0.28-0.31 of CPython's time on the same C library, and 0.32-0.34
  for pyrt on the host's (`config_resolution_host_libc`, not a target row).
  This machine switches between two speeds now and then (pyrt 2.0 or 3.4
  us, CPython 6 or 10 us), hence the best of five runs per build.
  On 2026-12-05 the row missed its target in the afternoon's runs
  (0.349-0.363; 0.332 in the morning's run of the same day). The
  instructions had not changed: 23.2k per iteration for pyrt on the host's
  C library (24k on 2026-11-29) against CPython's 67k on its own (71k).
  The build from before that day's changes, timed alternately with the new
  one, gave 1618-1666 ns against 1652-1682 ns. What moved was CPython's
  time on the machine (4600-4790 ns, 4973 ns in the morning). The row sits
  on the noise margin of this machine, as before. Later that day the
  trace's attribution of configuration values grew the read by 4.8% in
  instructions (callgrind: 24.1k against 23.0k per iteration) though it
  runs only when tracing: its code had been inlined into the read. Out of
  line (`#[cold]`), the read is back to 23.0k, and the old and new builds
  time the same (1640-1680 ns).

## Inspection (issue #16)

The rows use one venv (a `.pth` file in its site-packages) made from the
reference's standard library. `inspect_json` is the wall time of a
process, spawn to exit: `pyrt-inspect --json PROGRAM -c DUMP` against the
real `PROGRAM -c DUMP`, which imports `site` and `json` and prints the same
keys (`tests/inspect/dump.py`). The in-process rows compute `sys.path` for
the same command line (read, paths, `site`, `sys.path[0]`) and are
compared with that spawn:
- `inspect_c_api`: `PyRT_ComputeSysPath`, computed on each call;
- `inspect_c_api_kept`: `PyRT_SysPathCache_Compute` with the answer kept,
  the call a tool makes again and again (the target row): each call reads
  the configuration, compares it, the environment and the ids with the
  kept ones, and reads the inotify instance once (7 system calls);
- `inspect_c_api_fill`: the first call on a new cache: it computes,
  watches each directory it went through (about 30 on this tree) and asks
  every question again before keeping the answer.

Computed on each call, the answer takes about 75 us (1/280 of the spawn
on 2026-12-05): two thirds are the kernel's, the 52 system calls of
CPython's own search (getpath's landmark `stat`s, the `._pth` and
`pybuilddir.txt` probes, `pyvenv.cfg`, the look for `encodings`, the site
directories, the `.pth` file), each 0.5-1.8 us on this virtual machine
(a path through the reference's symbolic link is the slowest). pyrt asks
each question once per call (getpath and `site` ask some twice;
`MemoFs`), reads files without asking their size first, and asks for the
working directory only when a relative path needs it. The kept answer
takes about 5 us (1/3900 of the spawn); the first call about 350 us.

Directories are watched for names only (created, deleted, moved): a
watch that also asks for attribute changes or writes in the directory
makes the kernel mark every entry it has cached for that directory when
the watch is added, which took 40 ms for this machine's `/tmp` (a test
suite leaves hundreds of thousands of cached lookups there).

## Checks and trace

With pyrt's checks on (`PYRT_CHECKS=1`, 2026-12-05), the checked
thread-state functions take the runtime lock once to find the state in
its lists:
- `tstate_new_clear_delete` goes from 22 to 132 ns (CPython: 221 ns);
- the GILState rows go through the checked path: `gilstate_nested` from
  5.7 to 8.9 ns, `gilstate_kept` from 7.8 to 13.3 ns (the calling thread's
  state must be the main interpreter's, and Python initialized);
- the sub-interpreter rows are unchanged within noise;
- with checks off, each attach and detach stores the attaching OS thread
  in the thread state (one relaxed store).

With the trace off, every trace point is one relaxed load.

## How to read some rows

- **GILState with a kept thread state** (`gilstate_kept`, the target) is
  measured in a process with one thread. There glibc's mutexes (CPython's
  GIL) and pyrt's GIL (through glibc's `__libc_single_threaded`) both skip
  atomic instructions. `gilstate_kept_threaded` is the same pair with a
  second (idle) thread alive, where neither can.
- **GIL hand-off against the futex floor**: `floor_futex_ping_pong` passes
  a turn between two threads that each sleep on a futex until woken (about
  30 us a round trip on this virtual machine, where a wake-up is slow).
  In `gil_handoff_round_trip` the thread waiting for its turn keeps
  releasing and retaking the GIL, and on two cores pyrt's GIL hands over
  without either thread sleeping, hence a ratio far below 1 (0.04x). The
  row guards against a hand-off that became slower than a sleep and a
  wake-up; it does not measure how close the GIL comes to the floor.
- **Contention**: the threads start together (a barrier), so the fairness
  (fewest / most operations of one thread) compares them over the same
  window. pyrt's GIL serves waiting threads in arrival order, in turns of
  512 releases or 5 ms (docs/differences.md, "Who gets the GIL next").
- **One C library for both columns.** The oracle's CPython runs on its own
  (newer) C library, through its own loader; since 2026-11-29 the pyrt
  column is linked to run on that same library, so the rows compare pyrt
  with CPython rather than two versions of `malloc` (on the host's, a
  `malloc`/`free` pair takes about twice as long: 11.6 against 6.1 ns in
  the last run before the change). `config_resolution_host_libc` is
  pyrt's config-resolution loop on the host's C library, for reference.
- **Raw domain pairs** (not a target): `PyMem_RawMalloc`/`PyMem_RawFree` call
  the C library's allocator as CPython's do, plus an update of the
  live-block statistics (`PyRT_Mem_GetStats`; atomic when the process has
  more than one thread).
- **Resident growth** is measured once the heap has settled (at least one
  second or 50 cycles of warm-up, then at least one second or 200 cycles,
  both capped at 3000): pyrt's heap settles after a one-time step of 8 KiB
  within the first ~1000 cycles and stays flat to 8000; valgrind reports the
  same bytes in use at exit after 1 or 300 cycles.
- Timings on this 2-core virtual machine vary by +-30% between runs; compare
  the two columns of one run rather than runs with each other.
NOTES
