/* pyrt_checks: pyrt's checks (PYRT_CHECKS=1, PyRT_SetChecks; issue #17)
 * on the five misuses the issue names, which CPython 3.14's release build
 * turns into hangs, crashes or silence: each case ends with pyrt's fatal
 * error naming the function, the rule and the states involved. Expected
 * output recorded from pyrt; the other thread is named "misuser". */
#define _GNU_SOURCE
#include "harness.h"

#include <pthread.h>
#include <unistd.h>

extern int PyRT_SetChecks(int enable);

static PyThreadState *target;

/* The main thread gets a name of its own (valgrind renames it otherwise). */
static void name_main_thread(void) {
    pthread_setname_np(pthread_self(), "main");
}

static void *restore_elsewhere(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "misuser");
    PyEval_RestoreThread(target);
    puts("restored (not reached)");
    return NULL;
}

static void *finalize_elsewhere(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "misuser");
    Py_FinalizeEx();
    puts("finalized (not reached)");
    return NULL;
}

static void *clear_elsewhere(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "misuser");
    PyThreadState_Clear(target);
    puts("cleared (not reached)");
    return NULL;
}

static void on_other_thread(void *(*fn)(void *)) {
    fflush(stdout);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, fn, NULL) == 0);
    pthread_join(t, NULL);
}

/* CPython: both threads wait for good. */
static int restore_attached_elsewhere(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    target = PyThreadState_Get();
    on_other_thread(restore_elsewhere);
    return 0;
}

/* CPython: segmentation fault. */
static int finalize_without_thread_state(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    on_other_thread(finalize_elsewhere);
    return 0;
}

/* CPython: segmentation fault (pyrt without checks: a double free). */
static int delete_after_end_interpreter(void) {
    name_main_thread();
    init_isolated();
    printf("checks were on: %d\n", PyRT_SetChecks(1));
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    CHECK(sub != NULL);
    PyThreadState *extra = PyThreadState_New(PyThreadState_GetInterpreter(sub));
    CHECK(extra != NULL);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    fflush(stdout);
    PyThreadState_Delete(extra);
    puts("deleted (not reached)");
    return 0;
}

/* CPython: silence (the state is cleared under the other thread). */
static int clear_attached_elsewhere(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    target = PyThreadState_Get();
    on_other_thread(clear_elsewhere);
    return 0;
}

/* CPython: silence, and memory that is no longer what it was. */
static int restore_from_before_finalize(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    PyThreadState *old = PyThreadState_Get();
    CHECK(Py_FinalizeEx() == 0);
    init_isolated();
    PyEval_SaveThread();
    fflush(stdout);
    PyEval_RestoreThread(old);
    puts("restored (not reached)");
    return 0;
}

/* CPython: segmentation fault. */
static int save_without_thread_state(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    PyEval_SaveThread();
    PyEval_SaveThread();
    puts("saved twice (not reached)");
    return 0;
}

/* CPython: silence. */
static int release_not_current(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    PyThreadState *other = PyThreadState_New(PyThreadState_GetInterpreter(PyThreadState_Get()));
    PyEval_ReleaseThread(other);
    puts("released (not reached)");
    return 0;
}


/* CPython: segmentation fault. */
static int new_tstate_on_ended_interpreter(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    PyInterpreterState *ended = PyThreadState_GetInterpreter(sub);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    fflush(stdout);
    PyThreadState_New(ended);
    puts("made (not reached)");
    return 0;
}

static volatile int sub_ready;

static void *run_subinterpreter(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "misuser");
    PyGILState_STATE g = PyGILState_Ensure();
    (void)g;
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    CHECK_OK(Py_NewInterpreterFromConfig(&sub, &cfg));
    sub_ready = 1;
    for (;;) pause();
    return NULL;
}

/* CPython: both threads wait for good. */
static int finalize_while_subinterpreter_runs(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    PyThreadState *main_t = PyEval_SaveThread();
    pthread_t t;
    CHECK(pthread_create(&t, NULL, run_subinterpreter, NULL) == 0);
    while (!sub_ready) usleep(1000);
    PyEval_RestoreThread(main_t);
    fflush(stdout);
    Py_FinalizeEx();
    puts("finalized (not reached)");
    return 0;
}

static PyThreadState *waiter_tstate;
static volatile int waiter_calling;

static void *restore_waiter(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "misuser");
    waiter_calling = 1;
    PyEval_RestoreThread(waiter_tstate); /* waits: the main thread holds the GIL */
    puts("restored (not reached)");
    return NULL;
}

/* CPython: segmentation fault; pyrt without checks: the waiter blocks for good. */
static int wait_on_ended_interpreter(void) {
    name_main_thread();
    CHECK(setenv("PYRT_CHECKS", "1", 1) == 0);
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    CHECK_OK(Py_NewInterpreterFromConfig(&sub, &cfg));
    waiter_tstate = PyThreadState_New(PyThreadState_GetInterpreter(sub));
    CHECK(waiter_tstate != NULL);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, restore_waiter, NULL) == 0);
    while (!waiter_calling) usleep(1000);
    usleep(200 * 1000);
    fflush(stdout);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    pthread_join(th, NULL);
    puts("joined (not reached)");
    return 0;
}

/* Checks off: correct use is untouched, and stays so with checks on. */
static int correct_use_passes(void) {
    name_main_thread();
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

static const struct test_case cases[] = {
    {"restore_attached_elsewhere", restore_attached_elsewhere},
    {"finalize_without_thread_state", finalize_without_thread_state},
    {"delete_after_end_interpreter", delete_after_end_interpreter},
    {"clear_attached_elsewhere", clear_attached_elsewhere},
    {"restore_from_before_finalize", restore_from_before_finalize},
    {"save_without_thread_state", save_without_thread_state},
    {"release_not_current", release_not_current},
    {"new_tstate_on_ended_interpreter", new_tstate_on_ended_interpreter},
    {"finalize_while_subinterpreter_runs", finalize_while_subinterpreter_runs},
    {"wait_on_ended_interpreter", wait_on_ended_interpreter},
    {"correct_use_passes", correct_use_passes},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
