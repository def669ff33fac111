/* bench: the lifecycle API's costs, built from this one source against pyrt
 * and against CPython 3.14 (same flags) and run side by side by `make bench`.
 * Each line: "metric median p99 unit" (times per operation in nanoseconds,
 * or the unit named). PYRT_BENCH_HOME is the Python home CPython needs. */
#define _GNU_SOURCE 1
#include <Python.h>

#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

#include "../capi-tests/rss.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Runs body() `samples` times; each sample times `batch` operations. */
#define SAMPLE(name, samples, batch, setup, body, teardown)                     \
    do {                                                                        \
        static double v_[samples];                                              \
        for (int s_ = 0; s_ < (samples); s_++) {                                \
            setup;                                                              \
            double t0_ = now_ns();                                              \
            for (int b_ = 0; b_ < (batch); b_++) { body; }                      \
            v_[s_] = (now_ns() - t0_) / (batch);                                \
            teardown;                                                           \
        }                                                                       \
        qsort(v_, (samples), sizeof(double), cmp_double);                       \
        printf("%s %.1f %.1f ns\n", name, v_[(samples) / 2], v_[(samples) * 99 / 100]); \
        fflush(stdout);                                                         \
    } while (0)

static const char *home(void) {
    const char *h = getenv("PYRT_BENCH_HOME");
    return h ? h : "/nonexistent";
}

static void init(int site) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    PyConfig_SetBytesString(&c, &c.home, home());
    c.site_import = site;
    PyStatus st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    if (PyStatus_Exception(st)) Py_ExitStatusException(st);
}

static void bench_lifecycle(void) {
    SAMPLE("init_finalize_nosite", 21, 1, , { init(0); Py_FinalizeEx(); }, );
    SAMPLE("init_finalize_site", 21, 1, , { init(1); Py_FinalizeEx(); }, );
    char *argv[] = {"python3", "-X", "dev", "-W", "error::DeprecationWarning", "-b", "-O",
                    "-X", "importtime", "-m", "http.server", "8000", "--bind", "127.0.0.1"};
    SAMPLE("config_resolution", 101, 20, , {
        PyConfig c;
        PyConfig_InitPythonConfig(&c);
        PyConfig_SetBytesArgv(&c, 14, argv);
        PyConfig_Read(&c);
        PyConfig_Clear(&c);
    }, );
}

static void noop_exit(void) {}

static void bench_atexit(void) {
    SAMPLE("py_atexit_32", 51, 32, , { Py_AtExit(noop_exit); }, { init(0); Py_FinalizeEx(); });
}

/* Growth per cycle once the heap has settled: a warm-up of at least 50
 * cycles and one second, then at least 200 cycles and one second measured
 * (both capped at 3000 cycles). The same rule for both builds; a faster
 * build runs more cycles, so a one-time step of a page or two (the C
 * library's heap settling) weighs less than a real leak would. */
static void bench_rss(void) {
    double t0 = now_ns();
    for (int i = 0; i < 3000 && (i < 50 || now_ns() - t0 < 1e9); i++) { init(0); Py_FinalizeEx(); }
    long before = rss_anon_kib();
    int n = 0;
    for (t0 = now_ns(); n < 3000 && (n < 200 || now_ns() - t0 < 1e9); n++) { init(0); Py_FinalizeEx(); }
    double per_cycle = (double)(rss_anon_kib() - before) / n;
    printf("rss_growth_per_cycle %.2f %.2f KiB\n", per_cycle, per_cycle);
}

/* A thread that only waits until the benchmark unlocks `idle_lock`. */
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static void *idle_thread(void *arg) {
    pthread_mutex_lock(&idle_lock);
    pthread_mutex_unlock(&idle_lock);
    return arg;
}

static void bench_states(void) {
    init(0);
    PyThreadState *main_t = PyThreadState_Get();
    SAMPLE("subinterp_shared_new_end", 51, 1, , {
        PyThreadState *t = Py_NewInterpreter();
        Py_EndInterpreter(t);
        PyThreadState_Swap(main_t);
    }, );
    PyInterpreterConfig own = {0, 0, 0, 1, 0, 1, PyInterpreterConfig_OWN_GIL};
    SAMPLE("subinterp_own_new_end", 51, 1, , {
        PyThreadState *t = NULL;
        Py_NewInterpreterFromConfig(&t, &own);
        Py_EndInterpreter(t);
        PyThreadState_Swap(main_t);
    }, );
    PyInterpreterState *interp = PyInterpreterState_Get();
    SAMPLE("tstate_new_clear_delete", 101, 100, , {
        PyThreadState *t = PyThreadState_New(interp);
        PyThreadState_Clear(t);
        PyThreadState_Delete(t);
    }, );
    SAMPLE("gilstate_nested", 101, 1000, , {
        PyGILState_STATE s = PyGILState_Ensure();
        PyGILState_Release(s);
    }, );
    PyThreadState *saved = PyEval_SaveThread();
    SAMPLE("gilstate_kept", 101, 1000, , {
        PyGILState_STATE s = PyGILState_Ensure();
        PyGILState_Release(s);
    }, );
    /* The same with a second thread alive (idle): the C library's and the
     * GIL's locks can no longer skip atomic instructions. */
    pthread_t idle;
    pthread_mutex_lock(&idle_lock);
    pthread_create(&idle, NULL, idle_thread, NULL);
    SAMPLE("gilstate_kept_threaded", 101, 1000, , {
        PyGILState_STATE s = PyGILState_Ensure();
        PyGILState_Release(s);
    }, );
    pthread_mutex_unlock(&idle_lock);
    pthread_join(idle, NULL);
    PyEval_RestoreThread(saved);
    Py_FinalizeEx();
}

/* First PyGILState_Ensure on a new thread (thread creation not timed). */
static double first_ns;
static void *first_ensure(void *arg) {
    (void)arg;
    double t0 = now_ns();
    PyGILState_STATE s = PyGILState_Ensure();
    PyGILState_Release(s);
    first_ns = now_ns() - t0;
    return NULL;
}

static void bench_gilstate_first(void) {
    init(0);
    PyThreadState *saved = PyEval_SaveThread();
    static double v[101];
    for (int i = 0; i < 101; i++) {
        pthread_t th;
        pthread_create(&th, NULL, first_ensure, NULL);
        pthread_join(th, NULL);
        v[i] = first_ns;
    }
    qsort(v, 101, sizeof(double), cmp_double);
    printf("gilstate_first %.1f %.1f ns\n", v[50], v[99]);
    PyEval_RestoreThread(saved);
    Py_FinalizeEx();
}

/* GIL hand-off: two threads pass a turn back and forth, each taking the GIL
 * (PyEval_RestoreThread) and releasing it (PyEval_SaveThread). */
#define HANDOFFS 20000
static atomic_int turn;
static PyInterpreterState *handoff_interp;
static void *handoff(void *arg) {
    int me = (int)(intptr_t)arg;
    PyThreadState *t = PyThreadState_New(handoff_interp);
    PyEval_RestoreThread(t);
    for (int i = 0; i < HANDOFFS; i++) {
        while (atomic_load(&turn) != me) {
            PyEval_SaveThread();
            PyEval_RestoreThread(t);
        }
        atomic_store(&turn, 1 - me);
    }
    PyThreadState_Clear(t);
    PyThreadState_DeleteCurrent();
    return NULL;
}

static void bench_handoff(void) {
    init(0);
    handoff_interp = PyInterpreterState_Get();
    PyThreadState *saved = PyEval_SaveThread();
    static double v[11];
    for (int s = 0; s < 11; s++) {
        atomic_store(&turn, 0);
        pthread_t a, b;
        double t0 = now_ns();
        pthread_create(&a, NULL, handoff, (void *)0);
        pthread_create(&b, NULL, handoff, (void *)1);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        v[s] = (now_ns() - t0) / HANDOFFS;
    }
    qsort(v, 11, sizeof(double), cmp_double);
    printf("gil_handoff_round_trip %.1f %.1f ns\n", v[5], v[10]);
    PyEval_RestoreThread(saved);
    Py_FinalizeEx();
}

/* Contention: N threads loop on PyGILState_Ensure/Release for a fixed time.
 * They start together (a barrier after all are created), so the fairness
 * (fewest / most operations of one thread) compares threads over the same
 * window rather than the order in which they were created. */
static atomic_int stop_flag;
static long counts[16];
static pthread_barrier_t start_line;
static void *contend(void *arg) {
    long *count = arg;
    pthread_barrier_wait(&start_line);
    while (!atomic_load(&stop_flag)) {
        PyGILState_STATE s = PyGILState_Ensure();
        (*count)++;
        PyGILState_Release(s);
    }
    return NULL;
}

static void bench_contention(int n) {
    init(0);
    PyThreadState *saved = PyEval_SaveThread();
    pthread_t th[16];
    atomic_store(&stop_flag, 0);
    pthread_barrier_init(&start_line, NULL, (unsigned)n + 1);
    for (int i = 0; i < n; i++) { counts[i] = 0; pthread_create(&th[i], NULL, contend, &counts[i]); }
    pthread_barrier_wait(&start_line);
    struct timespec d = {0, 200 * 1000 * 1000};
    nanosleep(&d, NULL);
    atomic_store(&stop_flag, 1);
    long total = 0, mn = -1, mx = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        total += counts[i];
        if (mn < 0 || counts[i] < mn) mn = counts[i];
        if (counts[i] > mx) mx = counts[i];
    }
    pthread_barrier_destroy(&start_line);
    printf("contention_%d_threads %.0f %.2f ops/s,fairness\n", n, total / 0.2, mx ? (double)mn / mx : 0.0);
    PyEval_RestoreThread(saved);
    Py_FinalizeEx();
}

/* The PyThread API: a lock taken and released by one thread, a lock pair
 * passing control between two threads, and a TSS key's set and get. */
static PyThread_type_lock ping_lock, pong_lock;
static void *lock_pong(void *arg) {
    (void)arg;
    for (int i = 0; i < HANDOFFS; i++) {
        PyThread_acquire_lock(ping_lock, WAIT_LOCK);
        PyThread_release_lock(pong_lock);
    }
    return NULL;
}

static void bench_pythread(void) {
    PyThread_type_lock l = PyThread_allocate_lock();
    SAMPLE("pythread_lock_acquire_release", 101, 1000, , {
        PyThread_acquire_lock(l, WAIT_LOCK);
        PyThread_release_lock(l);
    }, );
    PyThread_free_lock(l);
    ping_lock = PyThread_allocate_lock();
    pong_lock = PyThread_allocate_lock();
    static double v[11];
    for (int s = 0; s < 11; s++) {
        PyThread_acquire_lock(ping_lock, WAIT_LOCK);
        PyThread_acquire_lock(pong_lock, WAIT_LOCK);
        pthread_t th;
        double t0 = now_ns();
        pthread_create(&th, NULL, lock_pong, NULL);
        for (int i = 0; i < HANDOFFS; i++) {
            PyThread_release_lock(ping_lock);
            PyThread_acquire_lock(pong_lock, WAIT_LOCK);
        }
        pthread_join(th, NULL);
        v[s] = (now_ns() - t0) / HANDOFFS;
        /* The helper ended holding ping, this thread holds pong. */
        PyThread_release_lock(ping_lock);
        PyThread_release_lock(pong_lock);
    }
    qsort(v, 11, sizeof(double), cmp_double);
    printf("pythread_lock_handoff_round_trip %.1f %.1f ns\n", v[5], v[10]);
    PyThread_free_lock(ping_lock);
    PyThread_free_lock(pong_lock);
    static Py_tss_t key = Py_tss_NEEDS_INIT;
    PyThread_tss_create(&key);
    static int value;
    SAMPLE("tss_set_get", 101, 1000, , {
        PyThread_tss_set(&key, &value);
        if (PyThread_tss_get(&key) != &value) abort();
    }, );
    PyThread_tss_delete(&key);
}

static void bench_memory(void) {
    init(0);
    static const size_t sizes[] = {16, 64, 256, 512, 4096};
    char name[64];
    for (int i = 0; i < 5; i++) {
        size_t n = sizes[i];
        snprintf(name, sizeof name, "raw_malloc_free_%zu", n);
        SAMPLE(name, 101, 1000, , { void *p = PyMem_RawMalloc(n); *(volatile char *)p = 1; PyMem_RawFree(p); }, );
        snprintf(name, sizeof name, "mem_malloc_free_%zu", n);
        SAMPLE(name, 101, 1000, , { void *p = PyMem_Malloc(n); *(volatile char *)p = 1; PyMem_Free(p); }, );
        snprintf(name, sizeof name, "object_malloc_free_%zu", n);
        SAMPLE(name, 101, 1000, , { void *p = PyObject_Malloc(n); *(volatile char *)p = 1; PyObject_Free(p); }, );
    }
    enum { LIVE = 1000000 };
    static void *blocks[LIVE];
    SAMPLE("object_million_live_blocks", 5, 1, , {
        for (int j = 0; j < LIVE; j++) blocks[j] = PyObject_Malloc(32 + (j & 7) * 8);
        for (int j = 0; j < LIVE; j += 2) PyObject_Free(blocks[j]);
        for (int j = 0; j < LIVE; j += 2) blocks[j] = PyObject_Malloc(48);
        for (int j = 0; j < LIVE; j++) PyObject_Free(blocks[j]);
    }, );
    Py_FinalizeEx();
}

/* Floors of the machine. */
static atomic_int ftx;
static void *futex_pong(void *arg) {
    (void)arg;
    for (int i = 0; i < HANDOFFS; i++) {
        while (atomic_load(&ftx) != 1) syscall(SYS_futex, &ftx, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        atomic_store(&ftx, 0);
        syscall(SYS_futex, &ftx, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    return NULL;
}

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cturn;
static void *cond_pong(void *arg) {
    (void)arg;
    for (int i = 0; i < HANDOFFS; i++) {
        pthread_mutex_lock(&cm);
        while (cturn != 1) pthread_cond_wait(&cv, &cm);
        cturn = 0;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&cm);
    }
    return NULL;
}

static void bench_floors(void) {
    SAMPLE("floor_malloc_free_64", 101, 1000, , { void *p = malloc(64); *(volatile char *)p = 1; free(p); }, );
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    SAMPLE("floor_mutex_uncontended", 101, 1000, , { pthread_mutex_lock(&m); pthread_mutex_unlock(&m); }, );
    static double v[11];
    for (int s = 0; s < 11; s++) {
        pthread_t th;
        atomic_store(&ftx, 0);
        double t0 = now_ns();
        pthread_create(&th, NULL, futex_pong, NULL);
        for (int i = 0; i < HANDOFFS; i++) {
            atomic_store(&ftx, 1);
            syscall(SYS_futex, &ftx, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
            while (atomic_load(&ftx) != 0) syscall(SYS_futex, &ftx, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
        }
        pthread_join(th, NULL);
        v[s] = (now_ns() - t0) / HANDOFFS;
    }
    qsort(v, 11, sizeof(double), cmp_double);
    printf("floor_futex_ping_pong %.1f %.1f ns\n", v[5], v[10]);
    for (int s = 0; s < 11; s++) {
        pthread_t th;
        cturn = 0;
        double t0 = now_ns();
        pthread_create(&th, NULL, cond_pong, NULL);
        for (int i = 0; i < HANDOFFS; i++) {
            pthread_mutex_lock(&cm);
            cturn = 1;
            pthread_cond_signal(&cv);
            while (cturn != 0) pthread_cond_wait(&cv, &cm);
            pthread_mutex_unlock(&cm);
        }
        pthread_join(th, NULL);
        v[s] = (now_ns() - t0) / HANDOFFS;
    }
    qsort(v, 11, sizeof(double), cmp_double);
    printf("floor_condvar_ping_pong %.1f %.1f ns\n", v[5], v[10]);
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : NULL;
#define RUN(group, fn) if (!only || !strcmp(only, group)) fn
    RUN("lifecycle", bench_lifecycle());
    RUN("atexit", bench_atexit());
    RUN("rss", bench_rss());
    RUN("states", bench_states());
    RUN("gilstate_first", bench_gilstate_first());
    RUN("handoff", bench_handoff());
    RUN("contention", (bench_contention(1), bench_contention(4), bench_contention(16)));
    RUN("memory", bench_memory());
    RUN("pythread", bench_pythread());
    RUN("floors", bench_floors());
    return 0;
}
