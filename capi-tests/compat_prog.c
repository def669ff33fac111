/* compat_prog: a lifecycle-only embedder. Built against real CPython 3.14's
 * headers and libpython3.14, it must run on pyrt through the compat links
 * (make check-compat) and print what the pyrt-built copy prints. */
#include <Python.h>

static void bye(void) { puts("Py_AtExit callback"); }

int main(void) {
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0;
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, "compat_prog");
    if (PyStatus_Exception(status)) Py_ExitStatusException(status);
    /* The standard library's home (both pyrt and CPython look for it). */
    if (getenv("PYRT_TEST_HOME")) {
        status = PyConfig_SetBytesString(&config, &config.home, getenv("PYRT_TEST_HOME"));
        if (PyStatus_Exception(status)) Py_ExitStatusException(status);
    }
    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) Py_ExitStatusException(status);
    Py_AtExit(bye);
    printf("initialized %d, interpreter %lld, thread state %llu\n", Py_IsInitialized(),
           (long long)PyInterpreterState_GetID(PyInterpreterState_Get()),
           (unsigned long long)PyThreadState_GetID(PyThreadState_Get()));
    PyThreadState *save = PyEval_SaveThread();
    PyGILState_STATE g = PyGILState_Ensure();
    printf("PyGILState_Ensure: %s\n", g == PyGILState_UNLOCKED ? "UNLOCKED" : "LOCKED");
    PyGILState_Release(g);
    PyEval_RestoreThread(save);
    printf("Py_FinalizeEx: %d\n", Py_FinalizeEx());
    return 0;
}
