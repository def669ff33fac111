/* pyrt_soak: pyrt's own guarantees, not CPython's (CPython 3.14 leaks memory
 * across init/finalize cycles), so the runner checks this program against
 * outputs recorded from pyrt instead of from CPython.
 *
 * cycles: 1,000 init -> work -> finalize cycles in one process; resident
 * memory must stay flat after the first 300 cycles (allocator warm-up). The
 * native run measures it; under valgrind or AddressSanitizer
 * (PYRT_TEST_SANITIZER is set) the tool's own memory makes resident memory
 * meaningless, so those runs check memory errors and leaks only. */
#include "harness.h"
#include "rss.h"

static int exit_calls, pending_calls;
static void on_exit_cb(void) { exit_calls++; }
static void on_interp_exit(void *data) { (void)data; exit_calls++; }
static int on_pending(void *arg) { (void)arg; pending_calls++; return 0; }

static void one_cycle(void) {
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    char *argv[] = {"prog", "-X", "dev", "-W", "error", "-c", "pass", "arg"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 8, argv));
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, "/opt/python"));
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

static const struct test_case cases[] = {
    {"cycles", cycles},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
