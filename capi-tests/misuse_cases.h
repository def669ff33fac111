/* misuse_cases.h: the thread-state misuses of issue #17, one function
 * each, shared by capi-tests/misuse.c (run against CPython 3.14 and pyrt,
 * `make check-misuse`) and capi-tests/pyrt_checks.c (pyrt's exact reports).
 * Each one misuses the API and returns only if nothing stopped it. */
#ifndef PYRT_MISUSE_CASES_H
#define PYRT_MISUSE_CASES_H

#include "harness.h"

#include <pthread.h>
#include <unistd.h>

struct misuse_case {
    const char *name;
    void (*fn)(void);
};

static PyThreadState *target;

static void init(void) {
    if (PyStatus_Exception(init_isolated_status())) exit(90);
}

/* Threads the misuses start are named, so reports can show it. */
static void name_misuser(void) {
    pthread_setname_np(pthread_self(), "misuser");
}

static void *restore_target(void *arg) {
    (void)arg;
    name_misuser();
    PyEval_RestoreThread(target);
    return NULL;
}

static void *finalize_here(void *arg) {
    (void)arg;
    name_misuser();
    Py_FinalizeEx();
    return NULL;
}

static void *clear_target(void *arg) {
    (void)arg;
    name_misuser();
    PyThreadState_Clear(target);
    return NULL;
}

static void elsewhere(void *(*fn)(void *)) {
    pthread_t t;
    pthread_create(&t, NULL, fn, NULL);
    pthread_join(t, NULL);
}

static void restore_attached_elsewhere(void) {
    init();
    target = PyThreadState_Get();
    elsewhere(restore_target);
}

static void finalize_without_thread_state(void) {
    init();
    elsewhere(finalize_here);
}

static void delete_after_end_interpreter(void) {
    init();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    PyThreadState *extra = PyThreadState_New(PyThreadState_GetInterpreter(sub));
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    PyThreadState_Delete(extra);
}

static void clear_attached_elsewhere(void) {
    init();
    target = PyThreadState_Get();
    elsewhere(clear_target);
}

static void restore_from_before_finalize(void) {
    init();
    PyThreadState *old = PyThreadState_Get();
    Py_FinalizeEx();
    init();
    PyEval_SaveThread();
    PyEval_RestoreThread(old);
}

static void save_without_thread_state(void) {
    init();
    PyEval_SaveThread();
    PyEval_SaveThread();
}

static void release_not_current(void) {
    init();
    PyThreadState *other = PyThreadState_New(PyThreadState_GetInterpreter(PyThreadState_Get()));
    PyEval_ReleaseThread(other);
}


static void new_tstate_on_ended_interpreter(void) {
    init();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    PyInterpreterState *ended = PyThreadState_GetInterpreter(sub);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    PyThreadState_New(ended);
}

static volatile int sub_ready;

static void *run_subinterpreter(void *arg) {
    (void)arg;
    name_misuser();
    PyGILState_STATE g = PyGILState_Ensure();
    (void)g;
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    Py_NewInterpreterFromConfig(&sub, &cfg);
    sub_ready = 1;
    for (;;) pause();
    return NULL;
}

static void finalize_while_subinterpreter_runs(void) {
    init();
    PyThreadState *main_t = PyEval_SaveThread();
    pthread_t t;
    pthread_create(&t, NULL, run_subinterpreter, NULL);
    while (!sub_ready) usleep(1000);
    PyEval_RestoreThread(main_t);
    Py_FinalizeEx();
}

static PyThreadState *waiter_tstate;
static volatile int waiter_calling;

static void *restore_waiter(void *arg) {
    (void)arg;
    name_misuser();
    waiter_calling = 1;
    PyEval_RestoreThread(waiter_tstate);
    return NULL;
}

static void wait_on_ended_interpreter(void) {
    init();
    PyThreadState *main_t = PyThreadState_Get();
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    Py_NewInterpreterFromConfig(&sub, &cfg);
    waiter_tstate = PyThreadState_New(PyThreadState_GetInterpreter(sub));
    pthread_t th;
    pthread_create(&th, NULL, restore_waiter, NULL);
    while (!waiter_calling) usleep(1000);
    usleep(200 * 1000);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    pthread_join(th, NULL);
}

static void restore_while_attached(void) {
    init();
    PyThreadState *other = PyThreadState_New(PyThreadState_GetInterpreter(PyThreadState_Get()));
    PyEval_RestoreThread(other);
}

static void *delete_target(void *arg) {
    (void)arg;
    name_misuser();
    PyThreadState_Delete(target);
    return NULL;
}

static void delete_attached_elsewhere(void) {
    init();
    target = PyThreadState_New(PyThreadState_GetInterpreter(PyThreadState_Get()));
    PyThreadState *main_t = PyThreadState_Swap(target);
    elsewhere(delete_target);
    PyThreadState_Swap(main_t);
}

static void gilstate_in_subinterpreter(void) {
    init();
    Py_NewInterpreter();
    PyGILState_STATE g = PyGILState_Ensure();
    PyGILState_Release(g);
}

static void finalize_from_subinterpreter(void) {
    init();
    Py_NewInterpreter();
    Py_FinalizeEx();
}

static void end_main_interpreter(void) {
    init();
    Py_EndInterpreter(PyThreadState_Get());
}

static void gilstate_release_unmatched(void) {
    init();
    PyGILState_Release(PyGILState_UNLOCKED);
}

static void gilstate_after_finalize(void) {
    init();
    Py_FinalizeEx();
    PyGILState_STATE g = PyGILState_Ensure();
    PyGILState_Release(g);
}

static const struct misuse_case misuse_cases[] = {
    {"wait_on_ended_interpreter", wait_on_ended_interpreter},
    {"new_tstate_on_ended_interpreter", new_tstate_on_ended_interpreter},
    {"finalize_while_subinterpreter_runs", finalize_while_subinterpreter_runs},
    {"save_without_thread_state", save_without_thread_state},
    {"release_not_current", release_not_current},
    {"restore_attached_elsewhere", restore_attached_elsewhere},
    {"finalize_without_thread_state", finalize_without_thread_state},
    {"delete_after_end_interpreter", delete_after_end_interpreter},
    {"clear_attached_elsewhere", clear_attached_elsewhere},
    {"restore_from_before_finalize", restore_from_before_finalize},
    {"restore_while_attached", restore_while_attached},
    {"delete_attached_elsewhere", delete_attached_elsewhere},
    {"gilstate_in_subinterpreter", gilstate_in_subinterpreter},
    {"finalize_from_subinterpreter", finalize_from_subinterpreter},
    {"end_main_interpreter", end_main_interpreter},
    {"gilstate_release_unmatched", gilstate_release_unmatched},
    {"gilstate_after_finalize", gilstate_after_finalize},
};

#endif /* PYRT_MISUSE_CASES_H */
