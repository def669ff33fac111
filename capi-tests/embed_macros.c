/* embed_macros.c: an embedder written against CPython 3.14's headers, using
 * the macros of its lifecycle, thread and memory headers. `make
 * check-embed-macros` builds it unchanged as C99, C11, C2x and C++17
 * against pyrt's include/ and against CPython's headers, runs both, and
 * requires the same output. */
#include <Python.h>

#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
#  define NULLPTR nullptr
#else
#  define NULLPTR NULL
#endif

PyDoc_STRVAR(module_doc, "what the embedder documents");

struct record {
    int id;
    double weight;
};

static Py_tss_t key = Py_tss_NEEDS_INIT;

static int count_args(int argc, char **Py_UNUSED(argv)) {
    return argc;
}

static void use_gil_elsewhere(void *arg) {
    PyGILState_STATE g = PyGILState_Ensure();
    *(int *)arg += 1;
    PyGILState_Release(g);
}

int main(int argc, char **argv) {
    printf("version %s, hex %#x, minor %s\n", PY_VERSION, (unsigned)PY_VERSION_HEX,
           Py_STRINGIFY(PY_MINOR_VERSION));
    printf("doc: %s\n", module_doc);
    printf("args: %d\n", count_args(argc, argv));
    int values[] = {4, -9, 16};
    printf("Py_ARRAY_LENGTH %d, Py_MIN %d, Py_MAX %d, Py_ABS %d\n", (int)Py_ARRAY_LENGTH(values),
           Py_MIN(values[0], values[1]), Py_MAX(values[0], values[2]), Py_ABS(values[1]));
    printf("Py_CHARMASK %d, Py_MEMBER_SIZE %d\n", Py_CHARMASK(-2),
           (int)Py_MEMBER_SIZE(struct record, weight));
    Py_BUILD_ASSERT(sizeof(Py_ssize_t) == sizeof(size_t));
    printf("PyTrace_LINE %d, PyTrace_C_RETURN %d\n", PyTrace_LINE, PyTrace_C_RETURN);

    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    const char *home = getenv("PYRT_TEST_HOME");
    PyStatus status = PyConfig_SetBytesString(&config, &config.home, home ? home : "/nonexistent");
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        printf("init failed: %s\n", status.err_msg);
        return 1;
    }
    PyThreadState *main_t = PyThreadState_GET();
    printf("recursion limit %d\n", Py_GetRecursionLimit());

    /* Blocking C work with the GIL released, while another thread uses it. */
    int ran = 0;
    unsigned long other = 0;
    Py_BEGIN_ALLOW_THREADS
    other = PyThread_start_new_thread(use_gil_elsewhere, &ran);
    while (other != PYTHREAD_INVALID_THREAD_ID) {
        PyThread_type_lock l = PyThread_allocate_lock();
        PyThread_acquire_lock_timed(l, 10000, 0);
        PyThread_acquire_lock_timed(l, 10000, 0);
        PyThread_free_lock(l);
        PyGILState_STATE g = PyGILState_Ensure();
        int done = ran;
        PyGILState_Release(g);
        if (done) break;
    }
    Py_END_ALLOW_THREADS
    printf("other thread ran with the GIL: %d, same thread state: %d\n", ran,
           PyThreadState_GET() == main_t);

    if (PyThread_tss_create(&key) == 0) {
        PyThread_tss_set(&key, &ran);
        printf("TSS holds our value: %d\n", PyThread_tss_get(&key) == (void *)&ran);
        PyThread_tss_delete(&key);
    }

    struct record *rows = PyMem_New(struct record, 3);
    if (rows != NULLPTR) {
        rows[2].id = 7;
        PyMem_Resize(rows, struct record, 6);
    }
    printf("PyMem_Resize kept %d\n", rows ? rows[2].id : -1);
    PyMem_Del(rows);

#ifndef __cplusplus
    /* C99 designated initializers: C only, as with CPython's headers. */
    PyInterpreterConfig isolated = _PyInterpreterConfig_INIT;
    PyThreadState *sub = NULLPTR;
    status = Py_NewInterpreterFromConfig(&sub, &isolated);
    printf("isolated sub-interpreter: %s\n", PyStatus_Exception(status) ? "error" : "ok");
    if (!PyStatus_Exception(status)) {
        Py_BEGIN_ALLOW_THREADS
        Py_END_ALLOW_THREADS
        Py_EndInterpreter(sub);
    }
    PyThreadState_Swap(main_t);
#else
    printf("isolated sub-interpreter: ok\n");
#endif
    printf("finalize %d\n", Py_FinalizeEx());
    return 0;
}
