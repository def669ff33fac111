/* pyrt_soak: pyrt's own guarantees, not CPython's (CPython 3.14 leaks memory
 * across init/finalize cycles), so the runner checks this program against
 * outputs recorded from pyrt instead of from CPython.
 *
 * cycles: 1,000 init -> work -> finalize cycles in one process; resident
 * memory must stay flat after the first 300 cycles (allocator warm-up). The
 * native run measures it; under valgrind or AddressSanitizer
 * (PYRT_TEST_SANITIZER is set) the tool's own memory makes resident memory
 * meaningless, so those runs check memory errors and leaks only.
 *
 * ensure_after_finalize: a thread without a thread state that calls
 * PyGILState_Ensure once the runtime is finalized blocks for good (pyrt
 * treats it as CPython treats threads that take the GIL during
 * finalization), and the process still exits normally. CPython 3.14
 * crashes there.
 *
 * restore_on_ended_interpreter: a thread blocked in PyEval_RestoreThread on
 * an own-GIL sub-interpreter's thread state while the holder ends that
 * interpreter never runs with the ended interpreter's state: it blocks for
 * good, and nothing reads freed memory. CPython 3.14 crashes there. */
#include "harness.h"
#include "rss.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

static int exit_calls, pending_calls;
static void on_exit_cb(void) { exit_calls++; }
static void on_interp_exit(void *data) { (void)data; exit_calls++; }
static int on_pending(void *arg) { (void)arg; pending_calls++; return 0; }

static void one_cycle(void) {
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    char *argv[] = {"prog", "-X", "dev", "-W", "error", "-c", "pass", "arg"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 8, argv));
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/opt/python"));
    CHECK_OK(PyWideStringList_Append(&c.warnoptions, L"ignore::DeprecationWarning"));
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    CHECK(Py_AtExit(on_exit_cb) == 0);
    CHECK(PyUnstable_AtExit(PyInterpreterState_Get(), on_interp_exit, NULL) == 0);
    CHECK(Py_AddPendingCall(on_pending, NULL) == 0);
    CHECK(Py_MakePendingCalls() == 0);
    PyThreadState *t = PyEval_SaveThread();
    PyEval_RestoreThread(t);
    size_t len;
    wchar_t *w = Py_DecodeLocale("caf\xc3\xa9", &len);
    PyMem_RawFree(w);
    CHECK(Py_FinalizeEx() == 0);
}

static int cycles(void) {
    long at300 = 0;
    for (int i = 0; i < 1000; i++) {
        one_cycle();
        if (i == 299) at300 = rss_anon_kib();
    }
    long growth = getenv("PYRT_TEST_SANITIZER") ? 0 : rss_anon_kib() - at300;
    printf("1000 cycles: %d exit callbacks, %d pending calls\n", exit_calls, pending_calls);
    if (growth <= 64) puts("resident memory flat after 300 cycles");
    else printf("resident memory grew by %ld KiB between cycle 300 and 1000\n", growth);
    return 0;
}

/* Per late thread: set up (kept ones), calling PyGILState_Ensure, returned. */
static atomic_int late_ready[2], late_calling[2], late_returned[2], finalized;
static PyInterpreterState *late_interp;

/* Thread 0 has no thread state; thread 1 keeps one (made and attached once,
 * then detached), which finalization deletes. */
static void *late_ensure(void *arg) {
    int kept = arg != NULL;
    if (kept) {
        PyThreadState *t = PyThreadState_New(late_interp);
        PyEval_RestoreThread(t);
        PyEval_SaveThread();
    }
    atomic_store(&late_ready[kept], 1);
    while (!atomic_load(&finalized)) sched_yield();
    atomic_store(&late_calling[kept], 1);
    PyGILState_STATE s = PyGILState_Ensure();
    atomic_store(&late_returned[kept], 1);
    PyGILState_Release(s);
    return NULL;
}

static int ensure_after_finalize(void) {
    init_isolated();
    late_interp = PyInterpreterState_Get();
    PyThreadState *main_t = PyEval_SaveThread();
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_create(&th[i], NULL, late_ensure, i ? &th[i] : NULL) == 0);
        while (!atomic_load(&late_ready[i])) sched_yield();
    }
    PyEval_RestoreThread(main_t);
    CHECK(Py_FinalizeEx() == 0);
    atomic_store(&finalized, 1);
    while (!atomic_load(&late_calling[0]) || !atomic_load(&late_calling[1])) sched_yield();
    struct timespec d = {0, 200 * 1000 * 1000};
    nanosleep(&d, NULL);
    printf("PyGILState_Ensure returned: without a thread state %d, with a kept one %d\n",
           atomic_load(&late_returned[0]), atomic_load(&late_returned[1]));
    /* The process exits around the blocked threads (the runner then
     * ignores their stacks, "possibly lost" to valgrind). */
    for (int i = 0; i < 2; i++) CHECK(pthread_detach(th[i]) == 0);
    puts("both threads are still blocked at exit");
    return 0;
}

static PyThreadState *waiter_tstate;
static atomic_int waiter_calling, waiter_returned;

static void *restore_waiter(void *arg) {
    (void)arg;
    atomic_store(&waiter_calling, 1);
    PyEval_RestoreThread(waiter_tstate); /* blocks: the holder has the GIL */
    atomic_store(&waiter_returned, 1);
    return NULL;
}

static int restore_on_ended_interpreter(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub_t = NULL;
    CHECK_OK(Py_NewInterpreterFromConfig(&sub_t, &cfg));
    waiter_tstate = PyThreadState_New(PyThreadState_GetInterpreter(sub_t));
    CHECK(waiter_tstate != NULL);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, restore_waiter, NULL) == 0);
    while (!atomic_load(&waiter_calling)) sched_yield();
    struct timespec d = {0, 200 * 1000 * 1000};
    nanosleep(&d, NULL);
    Py_EndInterpreter(sub_t); /* also deletes the waiter's thread state */
    nanosleep(&d, NULL);
    printf("PyEval_RestoreThread returned: %d\n", atomic_load(&waiter_returned));
    PyThreadState_Swap(main_t);
    printf("Py_FinalizeEx: %d\n", Py_FinalizeEx());
    CHECK(pthread_detach(th) == 0);
    puts("the waiting thread is still blocked at exit");
    return 0;
}

static const struct test_case cases[] = {
    {"cycles", cycles},
    {"ensure_after_finalize", ensure_after_finalize},
    {"restore_on_ended_interpreter", restore_on_ended_interpreter},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
