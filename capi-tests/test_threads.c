/* test_threads: interpreter and thread states, the GIL, PyGILState and
 * sub-interpreters. */
#include "harness.h"

#include <pthread.h>

/* PyEval_InitThreads is deprecated in CPython's headers; calling it is the point. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static long long id_of(PyInterpreterState *i) { return i ? (long long)PyInterpreterState_GetID(i) : -99; }

static void list_interps(const char *when) {
    printf("%s:", when);
    for (PyInterpreterState *i = PyInterpreterState_Head(); i; i = PyInterpreterState_Next(i))
        printf(" %lld", id_of(i));
    putchar('\n');
}

static int interp_ids(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *s1 = Py_NewInterpreter();
    printf("sub1 id %lld, current is sub1 %d, tstate id %llu\n",
           id_of(PyThreadState_GetInterpreter(s1)), PyThreadState_Get() == s1,
           (unsigned long long)PyThreadState_GetID(s1));
    PyThreadState *s2 = Py_NewInterpreter();
    printf("sub2 id %lld\n", id_of(PyThreadState_GetInterpreter(s2)));
    list_interps("list");
    printf("main is %lld\n", id_of(PyInterpreterState_Main()));
    Py_EndInterpreter(s2);
    printf("after end: current %s\n", PyThreadState_GetUnchecked() ? "set" : "NULL");
    PyThreadState_Swap(s1);
    Py_EndInterpreter(s1);
    PyThreadState_Swap(main_t);
    PyThreadState *s3 = Py_NewInterpreter();
    printf("next sub id %lld\n", id_of(PyThreadState_GetInterpreter(s3)));
    Py_EndInterpreter(s3);
    PyThreadState_Swap(main_t);
    /* A refused configuration uses up an id too (CPython makes the
     * interpreter before it checks the settings). */
    PyInterpreterConfig bad_gil = {.check_multi_interp_extensions = 1, .gil = 7};
    PyInterpreterConfig own_alloc_single_phase = {.use_main_obmalloc = 0, .gil = 2};
    PyThreadState *none = NULL;
    PyStatus st = Py_NewInterpreterFromConfig(&none, &bad_gil);
    print_status("invalid gil", st);
    st = Py_NewInterpreterFromConfig(&none, &own_alloc_single_phase);
    print_status("own allocator, single-phase extensions", st);
    PyThreadState_Swap(main_t);
    PyThreadState *s4 = Py_NewInterpreter();
    printf("sub id after two refused: %lld\n", id_of(PyThreadState_GetInterpreter(s4)));
    Py_EndInterpreter(s4);
    PyThreadState_Swap(main_t);
    list_interps("left");
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int thread_states(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyInterpreterState *interp = PyInterpreterState_Get();
    PyThreadState *t = PyThreadState_New(interp);
    printf("new id %llu, current unchanged %d, interp ok %d\n", (unsigned long long)PyThreadState_GetID(t),
           PyThreadState_Get() == main_t, PyThreadState_GetInterpreter(t) == interp);
    printf("head is new %d, next is main %d, next of main %s\n",
           PyInterpreterState_ThreadHead(interp) == t, PyThreadState_Next(t) == main_t,
           PyThreadState_Next(main_t) ? "set" : "NULL");
    PyThreadState *old = PyThreadState_Swap(t);
    printf("swap: old is main %d, current is t %d\n", old == main_t, PyThreadState_Get() == t);
    PyThreadState_Swap(main_t);
    PyThreadState_Clear(t);
    PyThreadState_Delete(t);
    printf("after delete: head is main %d\n", PyInterpreterState_ThreadHead(interp) == main_t);
    PyThreadState *t2 = PyThreadState_New(interp);
    printf("ids are not reused: %llu\n", (unsigned long long)PyThreadState_GetID(t2));
    PyThreadState_Swap(t2);
    PyThreadState_Clear(t2);
    PyThreadState_DeleteCurrent();
    printf("after DeleteCurrent: current %s\n", PyThreadState_GetUnchecked() ? "set" : "NULL");
    PyEval_RestoreThread(main_t);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int gilstate_main_thread(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    printf("check %d, this thread is main %d\n", PyGILState_Check(),
           PyGILState_GetThisThreadState() == main_t);
    PyGILState_STATE a = PyGILState_Ensure();
    printf("ensure with GIL: %s\n", a == PyGILState_LOCKED ? "LOCKED" : "UNLOCKED");
    PyGILState_Release(a);
    PyThreadState *saved = PyEval_SaveThread();
    printf("after save: current %s, check %d\n", PyThreadState_GetUnchecked() ? "set" : "NULL",
           PyGILState_Check());
    PyGILState_STATE b = PyGILState_Ensure();
    PyGILState_STATE c = PyGILState_Ensure();
    printf("ensure: %s, nested: %s, current is main %d\n", b == PyGILState_LOCKED ? "LOCKED" : "UNLOCKED",
           c == PyGILState_LOCKED ? "LOCKED" : "UNLOCKED", PyThreadState_GetUnchecked() == main_t);
    PyGILState_Release(c);
    PyGILState_Release(b);
    printf("after releases: current %s\n", PyThreadState_GetUnchecked() ? "set" : "NULL");
    PyEval_RestoreThread(saved);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int worker_ok;
static void *gilstate_worker(void *arg) {
    (void)arg;
    printf("worker: this thread state %s\n", PyGILState_GetThisThreadState() ? "set" : "NULL");
    PyGILState_STATE s = PyGILState_Ensure();
    PyThreadState *t = PyThreadState_Get();
    printf("worker: %s, check %d, interp %lld, tstate id %llu, bound %d\n",
           s == PyGILState_LOCKED ? "LOCKED" : "UNLOCKED", PyGILState_Check(),
           id_of(PyThreadState_GetInterpreter(t)), (unsigned long long)PyThreadState_GetID(t),
           PyGILState_GetThisThreadState() == t);
    PyGILState_STATE n = PyGILState_Ensure();
    printf("worker nested: %s\n", n == PyGILState_LOCKED ? "LOCKED" : "UNLOCKED");
    PyGILState_Release(n);
    PyGILState_Release(s);
    printf("worker after release: this thread state %s, current %s\n",
           PyGILState_GetThisThreadState() ? "set" : "NULL",
           PyThreadState_GetUnchecked() ? "set" : "NULL");
    fflush(stdout);
    worker_ok = 1;
    return NULL;
}

static int gilstate_foreign_thread(void) {
    init_isolated();
    PyThreadState *saved = PyEval_SaveThread();
    pthread_t th;
    CHECK(pthread_create(&th, NULL, gilstate_worker, NULL) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    PyEval_RestoreThread(saved);
    PyInterpreterState *interp = PyInterpreterState_Get();
    int n = 0;
    for (PyThreadState *t = PyInterpreterState_ThreadHead(interp); t; t = PyThreadState_Next(t)) n++;
    printf("thread states left: %d, worker ok %d\n", n, worker_ok);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static void *contender(void *arg) {
    long *counter = arg;
    for (int i = 0; i < 2000; i++) {
        PyGILState_STATE s = PyGILState_Ensure();
        (*counter)++; /* protected by the GIL */
        PyGILState_Release(s);
    }
    return NULL;
}

static int gil_contention(void) {
    init_isolated();
    PyThreadState *saved = PyEval_SaveThread();
    long counter = 0;
    pthread_t th[8];
    for (int i = 0; i < 8; i++) CHECK(pthread_create(&th[i], NULL, contender, &counter) == 0);
    for (int i = 0; i < 8; i++) CHECK(pthread_join(th[i], NULL) == 0);
    PyEval_RestoreThread(saved);
    printf("counter %ld\n", counter);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static void show_new(const char *label, PyInterpreterConfig cfg) {
    PyThreadState *before = PyThreadState_GetUnchecked();
    PyThreadState *t = (PyThreadState *)(void *)0x1;
    PyStatus st = Py_NewInterpreterFromConfig(&t, &cfg);
    print_status(label, st);
    if (PyStatus_Exception(st)) {
        printf("  tstate %s, previous re-attached %d\n", t ? "set" : "NULL",
               PyThreadState_GetUnchecked() == before);
    } else {
        printf("  id %lld, current is new %d\n", id_of(PyThreadState_GetInterpreter(t)),
               PyThreadState_GetUnchecked() == t);
        Py_EndInterpreter(t);
        PyThreadState_Swap(before);
    }
}

static int new_interpreter_from_config(void) {
    init_isolated();
    show_new("isolated own GIL", own_gil_config());
    PyInterpreterConfig legacy = {1, 1, 1, 1, 1, 0, PyInterpreterConfig_SHARED_GIL};
    show_new("legacy shared GIL", legacy);
    PyInterpreterConfig main_own = {1, 1, 1, 1, 1, 0, PyInterpreterConfig_OWN_GIL};
    show_new("main obmalloc own GIL", main_own);
    PyInterpreterConfig dflt = {1, 0, 0, 1, 0, 1, PyInterpreterConfig_DEFAULT_GIL};
    show_new("default GIL", dflt);
    PyInterpreterConfig bad1 = {0, 0, 0, 1, 0, 0, PyInterpreterConfig_OWN_GIL};
    show_new("obmalloc without ext check", bad1);
    PyInterpreterConfig bad2 = {1, 0, 0, 1, 0, 1, 7};
    show_new("bad gil", bad2);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static void sub_exit(void *data) {
    PyThreadState *t = PyThreadState_GetUnchecked();
    printf("%s: initialized %d, tstate interp %lld\n", (const char *)data, Py_IsInitialized(),
           t ? id_of(PyThreadState_GetInterpreter(t)) : -1);
}

static int sub_atexit_at_end(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *s = Py_NewInterpreter();
    PyUnstable_AtExit(PyThreadState_GetInterpreter(s), sub_exit, "sub A");
    PyUnstable_AtExit(PyThreadState_GetInterpreter(s), sub_exit, "sub B");
    Py_EndInterpreter(s);
    printf("ended; this thread state is main %d\n", PyGILState_GetThisThreadState() == main_t);
    PyThreadState_Swap(main_t);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int finalize_with_subinterpreters(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *s1 = Py_NewInterpreter();
    PyUnstable_AtExit(PyThreadState_GetInterpreter(s1), sub_exit, "sub1 exit");
    PyThreadState *s2 = Py_NewInterpreter();
    PyUnstable_AtExit(PyThreadState_GetInterpreter(s2), sub_exit, "sub2 exit");
    PyUnstable_AtExit(PyInterpreterState_Main(), sub_exit, "main exit");
    (void)s2;
    PyThreadState_Swap(main_t);
    fflush(stdout);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int new_interpreter_before_init(void) {
    Py_NewInterpreter();
    puts("not reached");
    return 0;
}

static int end_interpreter_not_current(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *s = Py_NewInterpreter();
    PyThreadState_Swap(main_t);
    Py_EndInterpreter(s);
    return 0;
}

static int delete_current(void) {
    init_isolated();
    PyThreadState_Delete(PyThreadState_Get());
    return 0;
}

static int delete_current_without_tstate(void) {
    init_isolated();
    PyEval_SaveThread();
    PyThreadState_DeleteCurrent();
    return 0;
}

static int delete_null(void) {
    init_isolated();
    PyThreadState_Delete(NULL);
    return 0;
}

static int restore_with_current(void) {
    init_isolated();
    PyEval_RestoreThread(PyThreadState_Get());
    return 0;
}

static int acquire_release(void) {
    init_isolated();
    PyThreadState *t = PyThreadState_Get();
    PyEval_ReleaseThread(t);
    printf("released: current %s\n", PyThreadState_GetUnchecked() ? "set" : "NULL");
    PyEval_AcquireThread(t);
    printf("acquired: current is t %d\n", PyThreadState_GetUnchecked() == t);
    PyEval_InitThreads();
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int gilstate_release_without_tstate(void) {
    init_isolated();
    PyThreadState *t = PyEval_SaveThread();
    (void)t;
    PyGILState_Release(PyGILState_UNLOCKED);
    return 0;
}

static void *release_on_fresh_thread(void *arg) {
    (void)arg;
    fflush(stdout);
    PyGILState_Release(PyGILState_LOCKED);
    return NULL;
}

static int gilstate_release_no_thread_state(void) {
    init_isolated();
    PyEval_SaveThread();
    pthread_t th;
    pthread_create(&th, NULL, release_on_fresh_thread, NULL);
    pthread_join(th, NULL);
    return 0;
}

static int interpreter_get_without_tstate(void) {
    PyInterpreterState_Get();
    return 0;
}

static int atexit_without_tstate(void) {
    init_isolated();
    PyInterpreterState *interp = PyInterpreterState_Get();
    PyEval_SaveThread();
    PyUnstable_AtExit(interp, NULL, NULL);
    return 0;
}

static int restore_null(void) {
    init_isolated();
    PyEval_SaveThread();
    PyEval_RestoreThread(NULL);
    return 0;
}

static const struct test_case cases[] = {
    {"interp_ids", interp_ids},
    {"thread_states", thread_states},
    {"gilstate_main_thread", gilstate_main_thread},
    {"gilstate_foreign_thread", gilstate_foreign_thread},
    {"gil_contention", gil_contention},
    {"new_interpreter_from_config", new_interpreter_from_config},
    {"sub_atexit_at_end", sub_atexit_at_end},
    {"finalize_with_subinterpreters", finalize_with_subinterpreters},
    {"new_interpreter_before_init", new_interpreter_before_init},
    {"end_interpreter_not_current", end_interpreter_not_current},
    {"delete_current", delete_current},
    {"delete_current_without_tstate", delete_current_without_tstate},
    {"delete_null", delete_null},
    {"restore_with_current", restore_with_current},
    {"acquire_release", acquire_release},
    {"gilstate_release_without_tstate", gilstate_release_without_tstate},
    {"gilstate_release_no_thread_state", gilstate_release_no_thread_state},
    {"interpreter_get_without_tstate", interpreter_get_without_tstate},
    {"atexit_without_tstate", atexit_without_tstate},
    {"restore_null", restore_null},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
