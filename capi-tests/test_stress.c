/* test_stress: 16 threads, each with its own-GIL sub-interpreter, detaching
 * and re-attaching thousands of times (the interpreters are created and
 * ended concurrently), while 4 foreign threads take the main
 * interpreter's GIL through PyGILState. Must finish (no deadlock), leave
 * nothing behind (valgrind) and agree with CPython on what it counts. */
#include "harness.h"

#include <pthread.h>

#define SUBS 16
#define FOREIGN 4
#define ROUNDS 2000

static int rounds_done[SUBS];
static long foreign_total;

static void *sub_worker(void *arg) {
    int idx = (int)(intptr_t)arg;
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *t = NULL;
    /* Created and ended concurrently by threads without a thread state. */
    PyStatus st = Py_NewInterpreterFromConfig(&t, &cfg);
    CHECK(!PyStatus_Exception(st) && t != NULL);
    for (int i = 0; i < ROUNDS; i++) {
        PyThreadState *saved = PyEval_SaveThread();
        PyEval_RestoreThread(saved);
        rounds_done[idx]++;
    }
    Py_EndInterpreter(t);
    return NULL;
}

static void *foreign_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        PyGILState_STATE s = PyGILState_Ensure();
        foreign_total++; /* protected by the main GIL */
        PyGILState_Release(s);
    }
    return NULL;
}

static int own_gil_interpreters_and_gilstate(void) {
    init_isolated();
    PyThreadState *main_t = PyEval_SaveThread();
    pthread_t subs[SUBS], foreign[FOREIGN];
    for (int i = 0; i < SUBS; i++)
        CHECK(pthread_create(&subs[i], NULL, sub_worker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < FOREIGN; i++) CHECK(pthread_create(&foreign[i], NULL, foreign_worker, NULL) == 0);
    for (int i = 0; i < SUBS; i++) CHECK(pthread_join(subs[i], NULL) == 0);
    for (int i = 0; i < FOREIGN; i++) CHECK(pthread_join(foreign[i], NULL) == 0);
    PyEval_RestoreThread(main_t);
    long total = 0;
    for (int i = 0; i < SUBS; i++) total += rounds_done[i];
    int interps = 0;
    for (PyInterpreterState *i = PyInterpreterState_Head(); i; i = PyInterpreterState_Next(i)) interps++;
    printf("sub-interpreter rounds %ld, foreign rounds %ld, interpreters left %d\n", total,
           foreign_total, interps);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static const struct test_case cases[] = {
    {"own_gil_interpreters_and_gilstate", own_gil_interpreters_and_gilstate},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
