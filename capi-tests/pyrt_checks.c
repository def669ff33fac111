/* pyrt_checks: pyrt's checks (PYRT_CHECKS=1, PyRT_SetChecks; issue #17)
 * on the misuses of capi-tests/misuse_cases.h, which CPython 3.14's release
 * build turns into hangs, crashes or silence (`make check-misuse` shows
 * which): each case, named after its misuse, ends with pyrt's fatal error
 * naming the function, the rule and the states involved. Expected output
 * recorded from pyrt; the main thread is named "main", the other "misuser". */
#define _GNU_SOURCE
#include "harness.h"

#include "misuse_cases.h"

extern int PyRT_SetChecks(int enable);

/* Checks off: correct use is untouched, and stays so with checks on. */
static int correct_use_passes(void) {
    pthread_setname_np(pthread_self(), "main");
    printf("checks were on: %d\n", PyRT_SetChecks(1));
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    PyThreadState *extra = PyThreadState_New(PyThreadState_GetInterpreter(sub));
    PyThreadState_Clear(extra);
    PyThreadState_Delete(extra);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    PyThreadState *saved = PyEval_SaveThread();
    PyEval_RestoreThread(saved);
    CHECK(Py_FinalizeEx() == 0);
    printf("checks were on: %d\n", PyRT_SetChecks(0));
    puts("done");
    return 0;
}

/* PYRT_CHECKS_WAIT: a thread that waits for a GIL longer than that is
 * reported (who holds it, on which thread), and goes on waiting. */
static volatile int waiter_started;

static void *ensure_waits(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "waiter");
    waiter_started = 1;
    PyGILState_STATE g = PyGILState_Ensure();
    PyGILState_Release(g);
    return NULL;
}

static int long_wait_reported(void) {
    pthread_setname_np(pthread_self(), "main");
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    CHECK(setenv("PYRT_CHECKS_WAIT", "0.3", 1) == 0);
    init_isolated();
    pthread_t t;
    CHECK(pthread_create(&t, NULL, ensure_waits, NULL) == 0);
    while (!waiter_started) usleep(1000);
    /* Holds the GIL well past the limit. */
    sleep(2);
    PyThreadState *main_t = PyEval_SaveThread();
    CHECK(pthread_join(t, NULL) == 0);
    PyEval_RestoreThread(main_t);
    CHECK(Py_FinalizeEx() == 0);
    puts("the waiter got the GIL after the report");
    return 0;
}

static const struct test_case cases[] = {
    {"correct_use_passes", correct_use_passes},
    {"long_wait_reported", long_wait_reported},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    size_t n = sizeof misuse_cases / sizeof misuse_cases[0];
    if (argc < 2) {
        for (size_t i = 0; i < n; i++) puts(misuse_cases[i].name);
        return harness_main(cases, argc, argv);
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(argv[1], misuse_cases[i].name) == 0) {
            /* Its own name: valgrind renames the main thread otherwise. */
            pthread_setname_np(pthread_self(), "main");
            CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
            fflush(stdout);
            misuse_cases[i].fn();
            puts("the misuse went through (checks missed it)");
            return 1;
        }
    }
    return harness_main(cases, argc, argv);
}
