/* inspect_bench PROGRAM PYRT_INSPECT DUMP_SCRIPT: the two inspection rows
 * of `make bench` (issue #16). PROGRAM is a real CPython 3.14 `python`
 * program in a venv; DUMP_SCRIPT prints the JSON pyrt-inspect reports.
 * Prints, for tools/bench.sh, "pyrt METRIC MEDIAN P99 ns" and
 * "cpython METRIC MEDIAN P99 ns" lines:
 *   inspect_json   pyrt-inspect --json PROGRAM -c DUMP against PROGRAM -c DUMP
 *                  (wall time of each process, spawn to exit);
 *   inspect_c_api  PyRT_ComputeSysPath in this process for the same command
 *                  line against the same PROGRAM spawn (computed each call);
 *   inspect_c_api_kept  PyRT_SysPathCache_Compute for the same command line,
 *                  the answer kept (each call checks nothing changed);
 *   inspect_c_api_fill  its first call on a new cache (computes, watches,
 *                  asks again). */
#define _GNU_SOURCE
#include <Python.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median and worst of `n` timed runs of argv, its output to /dev/null. */
#define RUNS 21
static void spawn_times(char **argv, double *median, double *worst) {
    double v[RUNS];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    for (int i = 0; i < RUNS; i++) {
        double t0 = now_ns();
        pid_t pid;
        if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
            perror("posix_spawn");
            exit(1);
        }
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "%s failed\n", argv[0]);
            exit(1);
        }
        v[i] = now_ns() - t0;
    }
    posix_spawn_file_actions_destroy(&fa);
    qsort(v, RUNS, sizeof v[0], cmp_double);
    *median = v[RUNS / 2];
    *worst = v[RUNS - 1];
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Time of one computation of sys.path for argv `py` (with `cache`, or
 * PyRT_ComputeSysPath without). */
static double one_call(char **py, PyRT_SysPathCache *cache) {
    double t0 = now_ns();
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    PyStatus st = PyConfig_SetBytesArgv(&c, 3, py);
    PyWideStringList path = {0, NULL};
    if (!PyStatus_Exception(st))
        st = cache ? PyRT_SysPathCache_Compute(cache, &c, PYRT_SITE_LAYOUT_BUILD, 1, &path)
                   : PyRT_ComputeSysPath(&c, PYRT_SITE_LAYOUT_BUILD, 1, &path);
    if (PyStatus_Exception(st)) {
        fprintf(stderr, "computing sys.path failed\n");
        exit(1);
    }
    for (Py_ssize_t k = 0; k < path.length; k++) PyMem_RawFree(path.items[k]);
    PyMem_RawFree(path.items);
    PyConfig_Clear(&c);
    return now_ns() - t0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: inspect_bench PROGRAM PYRT_INSPECT DUMP_SCRIPT\n");
        return 2;
    }
    char *program = argv[1], *inspect = argv[2], *dump = read_file(argv[3]);
    char *py[] = {program, "-c", dump, NULL};
    char *in[] = {inspect, "--json", "--", program, "-c", dump, NULL};
    double cm, cw, pm, pw;
    spawn_times(py, &cm, &cw);
    spawn_times(in, &pm, &pw);
    printf("cpython inspect_json %.0f %.0f ns\n", cm, cw);
    printf("pyrt inspect_json %.0f %.0f ns\n", pm, pw);
    printf("cpython inspect_c_api %.0f %.0f ns\n", cm, cw);

    /* In process: read + paths + site + sys.path[0], as pyrt-inspect does;
     * without a cache, with a kept answer, and a new cache's first call. */
    enum { N = 201 };
    static double v[N], kept[N], fill[N];
    PyRT_SysPathCache *cache = PyRT_SysPathCache_New();
    if (!cache) return 1;
    for (int i = 0; i < N; i++) {
        v[i] = one_call(py, NULL);
        kept[i] = one_call(py, cache);
    }
    PyRT_SysPathCache_Free(cache);
    for (int i = 0; i < N; i++) {
        cache = PyRT_SysPathCache_New();
        if (!cache) return 1;
        fill[i] = one_call(py, cache);
        PyRT_SysPathCache_Free(cache);
    }
    qsort(v, N, sizeof v[0], cmp_double);
    qsort(kept, N, sizeof kept[0], cmp_double);
    qsort(fill, N, sizeof fill[0], cmp_double);
    printf("pyrt inspect_c_api %.0f %.0f ns\n", v[N / 2], v[N - 1]);
    printf("cpython inspect_c_api_kept %.0f %.0f ns\n", cm, cw);
    printf("pyrt inspect_c_api_kept %.0f %.0f ns\n", kept[N / 2], kept[N - 1]);
    printf("cpython inspect_c_api_fill %.0f %.0f ns\n", cm, cw);
    printf("pyrt inspect_c_api_fill %.0f %.0f ns\n", fill[N / 2], fill[N - 1]);
    return 0;
}
