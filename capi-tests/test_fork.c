/* test_fork: fork() while other threads are inside the C API. No lock may
 * be held by another thread at the moment of the fork, or the child (where
 * that thread does not exist) waits for it for good. Four threads decode
 * strings with Py_DecodeLocale in a loop while the main thread forks again
 * and again; each child must finish within a few seconds.
 *
 * fork_with_protocol: PyOS_BeforeFork / fork / PyOS_AfterFork_Child|Parent
 * around each fork of an initialized runtime.
 * fork_without_protocol: a process that never initialized forks with no
 * protocol at all; each child then initializes and finalizes Python.
 *
 * Under AddressSanitizer the decoders pause around each fork without the
 * protocol: ASan's own allocator lock is not taken across fork(), so a
 * child could block in its malloc, whatever pyrt does. */
#define _GNU_SOURCE
#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUSY_THREADS 4
#define CHILD_SECONDS 10

static atomic_int stop, started;
/* Writer-preferring, so the forking thread is not starved by the readers. */
static pthread_rwlock_t pause_lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;

static int under(const char *sanitizer) {
    const char *s = getenv("PYRT_TEST_SANITIZER");
    return s && strcmp(s, sanitizer) == 0;
}

static void *decoder(void *arg) {
    (void)arg;
    atomic_fetch_add(&started, 1);
    while (!atomic_load(&stop)) {
        pthread_rwlock_rdlock(&pause_lock);
        size_t n = 0;
        wchar_t *w = Py_DecodeLocale("caf\xc3\xa9 and more text", &n);
        if (w) PyMem_RawFree(w);
        pthread_rwlock_unlock(&pause_lock);
    }
    return NULL;
}

/* 200 forks, fewer under valgrind (each fork copies its whole state). */
static int forks_to_run(void) {
    return under("valgrind") ? 20 : 200;
}

/* How the children ended. */
struct outcome {
    int hangs, failures;
};

/* Waits for `pid` up to CHILD_SECONDS and counts it in `o` when it hung
 * (then it is killed) or failed. */
static void wait_child(pid_t pid, struct outcome *o) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int st = 0;
        pid_t r = waitpid(pid, &st, WNOHANG);
        /* Under valgrind a child's exit status is 99 for the blocks the
         * other threads had in hand at the fork: the child has no such
         * threads, so the blocks look lost (the parent is what is checked). */
        int ok = WIFEXITED(st) && (WEXITSTATUS(st) == 0 || (under("valgrind") && WEXITSTATUS(st) == 99));
        if (r == pid) {
            o->failures += !ok;
            return;
        }
        CHECK(r == 0);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= CHILD_SECONDS) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            o->hangs++;
            return;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
}

/* Returns once every decoder runs its loop: a thread still starting up can
 * hold the C library's (or a sanitizer's) locks at a fork. */
static void start_decoders(pthread_t *th) {
    atomic_store(&stop, 0);
    atomic_store(&started, 0);
    for (int i = 0; i < BUSY_THREADS; i++) CHECK(pthread_create(&th[i], NULL, decoder, NULL) == 0);
    while (atomic_load(&started) < BUSY_THREADS) sched_yield();
}

static void stop_decoders(pthread_t *th) {
    atomic_store(&stop, 1);
    for (int i = 0; i < BUSY_THREADS; i++) CHECK(pthread_join(th[i], NULL) == 0);
}

static void report(struct outcome o) {
    printf("children that hung: %d\n", o.hangs);
    printf("children that failed: %d\n", o.failures);
}

static int fork_with_protocol(void) {
    init_isolated();
    pthread_t th[BUSY_THREADS];
    start_decoders(th);
    int n = forks_to_run();
    struct outcome o = {0, 0};
    for (int i = 0; i < n; i++) {
        PyOS_BeforeFork();
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            PyOS_AfterFork_Child();
            wchar_t *w = Py_DecodeLocale("child", NULL);
            _exit(w && Py_IsInitialized() ? 0 : 3);
        }
        PyOS_AfterFork_Parent();
        wait_child(pid, &o);
    }
    stop_decoders(th);
    report(o);
    printf("Py_FinalizeEx: %d\n", Py_FinalizeEx());
    return 0;
}

static int fork_without_protocol(void) {
    pthread_t th[BUSY_THREADS];
    start_decoders(th);
    int n = forks_to_run();
    struct outcome o = {0, 0};
    int quiesce = under("asan");
    for (int i = 0; i < n; i++) {
        if (quiesce) pthread_rwlock_wrlock(&pause_lock);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (quiesce && pid != 0) pthread_rwlock_unlock(&pause_lock);
        if (pid == 0) {
            PyStatus st = init_isolated_status();
            _exit(!PyStatus_Exception(st) && Py_FinalizeEx() == 0 ? 0 : 3);
        }
        wait_child(pid, &o);
    }
    stop_decoders(th);
    report(o);
    printf("initialized: %d\n", Py_IsInitialized());
    return 0;
}

static const struct test_case cases[] = {
    {"fork_with_protocol", fork_with_protocol},
    {"fork_without_protocol", fork_without_protocol},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
