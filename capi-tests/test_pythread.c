/* test_pythread: the PyThread API (pythread.h) and the GIL-release idiom
 * of ceval.h, against pyrt and CPython 3.14: thread identity, starting
 * threads, locks (timeouts, release by another thread, 16 contending
 * threads, the interrupt flag), stack sizes, thread-specific storage across
 * threads and re-initialization, the old key API, PyThread_exit_thread,
 * and Py_BEGIN_ALLOW_THREADS with a sub-interpreter. */
#define _GNU_SOURCE
#include "harness.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0) {
    }
}

#include <dirent.h>
#include <dlfcn.h>

/* The threads of the process (sanitizers may run one of their own). */
static int task_count(void) {
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* Threads started with PyThread_start_new_thread are detached: a case waits
 * (up to 10 s) until they are gone, back to the `base` it counted first, so
 * that valgrind does not see a thread still tearing down. */
static void wait_for_other_threads(int base) {
    /* ThreadSanitizer starts a thread of its own with the first new thread. */
    if (dlsym(RTLD_DEFAULT, "__tsan_init") != NULL) base++;
    for (int tries = 0; tries < 1000; tries++) {
        if (task_count() <= base) return;
        sleep_ms(10);
    }
    CHECK(!"threads still running after 10 s");
}

/* --- identity and threads ------------------------------------------------ */

struct started {
    PyThread_type_lock done;
    unsigned long ident;
    unsigned long native;
    int reached_end;
};

static void record_ident(void *arg) {
    struct started *s = arg;
    s->ident = PyThread_get_thread_ident();
    s->native = PyThread_get_thread_native_id();
    PyThread_release_lock(s->done);
}

static int identity(void) {
    int base = task_count();
    unsigned long me = PyThread_get_thread_ident();
    printf("ident is pthread_self: %d\n", me == (unsigned long)pthread_self());
    printf("native id is gettid: %d\n",
           PyThread_get_thread_native_id() == (unsigned long)syscall(SYS_gettid));
    struct started s = {PyThread_allocate_lock(), 0, 0, 0};
    CHECK(s.done != NULL);
    CHECK_EQ_INT(PyThread_acquire_lock(s.done, WAIT_LOCK), 1);
    unsigned long id = PyThread_start_new_thread(record_ident, &s);
    CHECK(id != PYTHREAD_INVALID_THREAD_ID);
    CHECK_EQ_INT(PyThread_acquire_lock(s.done, WAIT_LOCK), 1);
    printf("start returns the thread's ident: %d\n", id == s.ident);
    printf("another thread, another ident: %d\n", s.ident != me && s.ident != 0);
    printf("another native id: %d\n", s.native != PyThread_get_thread_native_id());
    PyThread_release_lock(s.done);
    PyThread_free_lock(s.done);
    PyThread_init_thread();
    wait_for_other_threads(base);
    return 0;
}

static void exit_midway(void *arg) {
    struct started *s = arg;
    PyThread_release_lock(s->done);
    PyThread_exit_thread();
    s->reached_end = 1;
}

/* PyThread_exit_thread ends only the calling thread. */
static int exit_thread(void) {
    int base = task_count();
    struct started s = {PyThread_allocate_lock(), 0, 0, 0};
    CHECK_EQ_INT(PyThread_acquire_lock(s.done, WAIT_LOCK), 1);
    CHECK(PyThread_start_new_thread(exit_midway, &s) != PYTHREAD_INVALID_THREAD_ID);
    CHECK_EQ_INT(PyThread_acquire_lock(s.done, WAIT_LOCK), 1);
    sleep_ms(50);
    printf("the thread stopped at PyThread_exit_thread: %d\n", s.reached_end == 0);
    PyThread_free_lock(s.done);
    wait_for_other_threads(base);
    return 0;
}

/* Before anything set the thread machinery up, PyThread_exit_thread ends
 * the process with status 0 instead of the thread. */
static int exit_thread_before_init(void) {
    puts("before");
    fflush(stdout);
    PyThread_exit_thread();
    puts("after (not reached)");
    return 3;
}

/* --- locks --------------------------------------------------------------- */

static void release_later(void *arg) {
    sleep_ms(30);
    PyThread_release_lock(arg);
}

static int lock_timeouts(void) {
    int base = task_count();
    PyThread_type_lock l = PyThread_allocate_lock();
    CHECK(l != NULL);
    printf("no wait, free: %d\n", PyThread_acquire_lock(l, NOWAIT_LOCK));
    printf("no wait, taken: %d\n", PyThread_acquire_lock(l, NOWAIT_LOCK));
    printf("timed 0: %d\n", PyThread_acquire_lock_timed(l, 0, 0));
    double t0 = now_ms();
    int r = PyThread_acquire_lock_timed(l, 20000, 0);
    double waited = now_ms() - t0;
    printf("timed 20 ms: %d, waited at least 20 ms: %d\n", r, waited >= 19.5);
    r = PyThread_acquire_lock_timed(l, 20000, 1);
    printf("timed 20 ms, interruptible, no signal: %d\n", r);
    /* Released by another thread while this one waits. */
    CHECK(PyThread_start_new_thread(release_later, l) != PYTHREAD_INVALID_THREAD_ID);
    printf("wait for good, released elsewhere: %d\n", PyThread_acquire_lock_timed(l, -1, 0));
    CHECK(PyThread_start_new_thread(release_later, l) != PYTHREAD_INVALID_THREAD_ID);
    printf("waitflag 7 waits: %d\n", PyThread_acquire_lock(l, 7));
    CHECK(PyThread_start_new_thread(release_later, l) != PYTHREAD_INVALID_THREAD_ID);
    printf("timed 5 s, released after 30 ms: %d\n", PyThread_acquire_lock_timed(l, 5000000, 0));
    PyThread_release_lock(l);
    /* Releasing a free lock does nothing. */
    PyThread_release_lock(l);
    printf("still usable: %d\n", PyThread_acquire_lock(l, NOWAIT_LOCK));
    PyThread_release_lock(l);
    PyThread_free_lock(l);
    PyThread_free_lock(NULL);
    printf("PY_TIMEOUT_MAX: %lld\n", (long long)PY_TIMEOUT_MAX);
    wait_for_other_threads(base);
    return 0;
}

#define CONTENDERS 16
#define ROUNDS 20000

struct contention {
    PyThread_type_lock lock, done;
    long counter;
    int finished;
};

static void contend(void *arg) {
    struct contention *c = arg;
    for (int i = 0; i < ROUNDS; i++) {
        CHECK_EQ_INT(PyThread_acquire_lock(c->lock, WAIT_LOCK), 1);
        c->counter++;
        PyThread_release_lock(c->lock);
    }
    CHECK_EQ_INT(PyThread_acquire_lock(c->lock, WAIT_LOCK), 1);
    int last = ++c->finished == CONTENDERS;
    PyThread_release_lock(c->lock);
    if (last) PyThread_release_lock(c->done);
}

static int lock_contention(void) {
    int base = task_count();
    struct contention c = {PyThread_allocate_lock(), PyThread_allocate_lock(), 0, 0};
    CHECK_EQ_INT(PyThread_acquire_lock(c.done, WAIT_LOCK), 1);
    for (int i = 0; i < CONTENDERS; i++)
        CHECK(PyThread_start_new_thread(contend, &c) != PYTHREAD_INVALID_THREAD_ID);
    CHECK_EQ_INT(PyThread_acquire_lock_timed(c.done, 60 * 1000000LL, 0), PY_LOCK_ACQUIRED);
    printf("16 threads x %d increments under the lock: %ld\n", ROUNDS, c.counter);
    PyThread_free_lock(c.lock);
    PyThread_free_lock(c.done);
    wait_for_other_threads(base);
    return 0;
}

struct interrupter {
    pthread_t target;
    PyThread_type_lock lock;
    int release_after;
};

static void *send_sigint(void *arg) {
    struct interrupter *i = arg;
    sleep_ms(50);
    pthread_kill(i->target, SIGINT);
    if (i->release_after) {
        sleep_ms(50);
        PyThread_release_lock(i->lock);
    }
    return NULL;
}

/* With signal handlers installed, a SIGINT during an interruptible wait on
 * the main thread ends it with PY_LOCK_INTR; without the flag the wait goes
 * on until the lock is released. */
static int lock_interrupt(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    c.install_signal_handlers = 1;
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    PyThread_type_lock l = PyThread_allocate_lock();
    CHECK_EQ_INT(PyThread_acquire_lock(l, WAIT_LOCK), 1);
    struct interrupter i = {pthread_self(), l, 0};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, send_sigint, &i) == 0);
    double t0 = now_ms();
    int r = PyThread_acquire_lock_timed(l, 5000000, 1);
    printf("interruptible wait, SIGINT: %d (PY_LOCK_INTR %d), before the timeout: %d\n", r,
           PY_LOCK_INTR, now_ms() - t0 < 4000);
    pthread_join(t, NULL);
    i.release_after = 1;
    CHECK(pthread_create(&t, NULL, send_sigint, &i) == 0);
    r = PyThread_acquire_lock_timed(l, 5000000, 0);
    printf("plain wait, SIGINT, then released: %d\n", r);
    pthread_join(t, NULL);
    PyThread_release_lock(l);
    PyThread_free_lock(l);
    fflush(stdout);
    /* CPython leaves a KeyboardInterrupt set; its report is not compared. */
    CHECK(freopen("/dev/null", "w", stderr) != NULL);
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

/* --- stack sizes ----------------------------------------------------------- */

struct stack_probe {
    PyThread_type_lock done;
    size_t size;
};

static void measure_stack(void *arg) {
    struct stack_probe *p = arg;
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        pthread_attr_getstacksize(&a, &p->size);
        pthread_attr_destroy(&a);
    }
    PyThread_release_lock(p->done);
}

static int stacksize(void) {
    int base = task_count();
    init_isolated();
    printf("default: %zu\n", PyThread_get_stacksize());
    size_t sizes[] = {1000, 16384, 32767, 32768, 32769, 1 << 20, 0};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int r = PyThread_set_stacksize(sizes[k]);
        printf("set %zu: %d, now %zu\n", sizes[k], r, PyThread_get_stacksize());
    }
    CHECK_EQ_INT(PyThread_set_stacksize(256 * 1024), 0);
    struct stack_probe p = {PyThread_allocate_lock(), 0};
    CHECK_EQ_INT(PyThread_acquire_lock(p.done, WAIT_LOCK), 1);
    CHECK(PyThread_start_new_thread(measure_stack, &p) != PYTHREAD_INVALID_THREAD_ID);
    CHECK_EQ_INT(PyThread_acquire_lock(p.done, WAIT_LOCK), 1);
    printf("a new thread's stack: %zu\n", p.size);
    PyThread_free_lock(p.done);
    CHECK(Py_FinalizeEx() == 0);
    wait_for_other_threads(base);
    return 0;
}

/* --- thread-specific storage ---------------------------------------------- */

static Py_tss_t shared_key = Py_tss_NEEDS_INIT;

struct tss_probe {
    PyThread_type_lock done;
    void *seen_first, *seen_after;
};

static void tss_other_thread(void *arg) {
    struct tss_probe *p = arg;
    p->seen_first = PyThread_tss_get(&shared_key);
    CHECK_EQ_INT(PyThread_tss_set(&shared_key, (void *)2), 0);
    p->seen_after = PyThread_tss_get(&shared_key);
    PyThread_release_lock(p->done);
}

static int tss_across_threads(void) {
    int base = task_count();
    printf("static key created: %d\n", PyThread_tss_is_created(&shared_key));
    CHECK_EQ_INT(PyThread_tss_create(&shared_key), 0);
    printf("created: %d\n", PyThread_tss_is_created(&shared_key));
    printf("create again: %d\n", PyThread_tss_create(&shared_key));
    printf("unset value is NULL: %d\n", PyThread_tss_get(&shared_key) == NULL);
    CHECK_EQ_INT(PyThread_tss_set(&shared_key, (void *)1), 0);
    struct tss_probe p = {PyThread_allocate_lock(), NULL, NULL};
    CHECK_EQ_INT(PyThread_acquire_lock(p.done, WAIT_LOCK), 1);
    CHECK(PyThread_start_new_thread(tss_other_thread, &p) != PYTHREAD_INVALID_THREAD_ID);
    CHECK_EQ_INT(PyThread_acquire_lock(p.done, WAIT_LOCK), 1);
    printf("other thread starts with NULL: %d, then sees its own: %ld\n", p.seen_first == NULL,
           (long)p.seen_after);
    printf("this thread still sees: %ld\n", (long)PyThread_tss_get(&shared_key));
    PyThread_tss_delete(&shared_key);
    printf("deleted, created: %d\n", PyThread_tss_is_created(&shared_key));
    PyThread_tss_delete(&shared_key);
    Py_tss_t *k = PyThread_tss_alloc();
    CHECK(k != NULL);
    printf("allocated key created: %d\n", PyThread_tss_is_created(k));
    CHECK_EQ_INT(PyThread_tss_create(k), 0);
    CHECK_EQ_INT(PyThread_tss_set(k, (void *)7), 0);
    printf("allocated key value: %ld\n", (long)PyThread_tss_get(k));
    PyThread_tss_free(k);
    PyThread_tss_free(NULL);
    PyThread_free_lock(p.done);
    printf("sizeof(Py_tss_t): %zu\n", sizeof(Py_tss_t));
    wait_for_other_threads(base);
    return 0;
}

/* A key made before initialization keeps its values across
 * initialization, finalization and a second initialization. */
static int tss_reinit(void) {
    Py_tss_t k = Py_tss_NEEDS_INIT;
    CHECK_EQ_INT(PyThread_tss_create(&k), 0);
    CHECK_EQ_INT(PyThread_tss_set(&k, (void *)11), 0);
    for (int round = 1; round <= 2; round++) {
        init_isolated();
        printf("round %d, initialized: %ld\n", round, (long)PyThread_tss_get(&k));
        CHECK(Py_FinalizeEx() == 0);
        printf("round %d, finalized: %ld\n", round, (long)PyThread_tss_get(&k));
    }
    PyThread_tss_delete(&k);
    return 0;
}

static int old_key_api(void) {
    int key = PyThread_create_key();
    printf("key made: %d\n", key >= 0);
    printf("set: %d\n", PyThread_set_key_value(key, (void *)7));
    printf("get: %ld\n", (long)PyThread_get_key_value(key));
    printf("set again: %d\n", PyThread_set_key_value(key, (void *)8));
    printf("get: %ld\n", (long)PyThread_get_key_value(key));
    PyThread_delete_key_value(key);
    printf("after delete_key_value: %ld\n", (long)PyThread_get_key_value(key));
    PyThread_delete_key(key);
    PyThread_ReInitTLS();
    return 0;
}

/* --- Py_BEGIN_ALLOW_THREADS ------------------------------------------------ */

struct gilstate_user {
    PyThread_type_lock done;
    int ran;
};

static void use_gilstate(void *arg) {
    struct gilstate_user *u = arg;
    PyGILState_STATE g = PyGILState_Ensure();
    u->ran = 1;
    PyGILState_Release(g);
    PyThread_release_lock(u->done);
}

/* While one thread has released the GIL in the block, another takes it. */
static void blocking_section(const char *who) {
    PyThreadState *before = PyThreadState_GET();
    struct gilstate_user u = {PyThread_allocate_lock(), 0};
    CHECK_EQ_INT(PyThread_acquire_lock(u.done, WAIT_LOCK), 1);
    Py_BEGIN_ALLOW_THREADS
    CHECK(PyThread_start_new_thread(use_gilstate, &u) != PYTHREAD_INVALID_THREAD_ID);
    CHECK_EQ_INT(PyThread_acquire_lock(u.done, WAIT_LOCK), 1);
    Py_BLOCK_THREADS
    printf("%s: blocked again, same thread state: %d\n", who, PyThreadState_GET() == before);
    Py_UNBLOCK_THREADS
    Py_END_ALLOW_THREADS
    printf("%s: other thread ran: %d, same thread state after: %d\n", who, u.ran,
           PyThreadState_GET() == before);
    PyThread_free_lock(u.done);
}

static int allow_threads_idiom(void) {
    int base = task_count();
    init_isolated();
    PyThreadState *main_t = PyThreadState_GET();
    blocking_section("main interpreter");
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    CHECK_OK(Py_NewInterpreterFromConfig(&sub, &cfg));
    blocking_section("own-GIL sub-interpreter");
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    wait_for_other_threads(base);
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

static const struct test_case cases[] = {
    {"identity", identity},
    {"exit_thread", exit_thread},
    {"exit_thread_before_init", exit_thread_before_init},
    {"lock_timeouts", lock_timeouts},
    {"lock_contention", lock_contention},
    {"lock_interrupt", lock_interrupt},
    {"stacksize", stacksize},
    {"tss_across_threads", tss_across_threads},
    {"tss_reinit", tss_reinit},
    {"old_key_api", old_key_api},
    {"allow_threads_idiom", allow_threads_idiom},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
