/* fault_driver: the run the fault injection sweeps (tools/fault-inject.sh):
 * initialize, create and end an own-GIL sub-interpreter, finalize, with the
 * C library's allocator failing at one call (capi-tests/fault_malloc.c);
 * then the same run again with no failure, which must succeed. Prints what
 * each step returned; the sweep counts the runs that end on a signal. */
#define _GNU_SOURCE
#include "harness.h"

#include <dlfcn.h>

static void call(const char *name) {
    void *f = dlsym(RTLD_DEFAULT, name);
    if (f) {
        void (*fn)(void);
        memcpy(&fn, &f, sizeof fn);
        fn();
    }
}

static int run(const char *label) {
    PyStatus st = init_isolated_status();
    print_status(label, st);
    if (PyStatus_Exception(st)) return 1;
    PyThreadState *main_t = PyThreadState_Get();
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    st = Py_NewInterpreterFromConfig(&sub, &cfg);
    print_status("  sub-interpreter", st);
    if (!PyStatus_Exception(st)) {
        Py_EndInterpreter(sub);
        PyThreadState_Swap(main_t);
    }
    printf("  finalize: %d\n", Py_FinalizeEx());
    return 0;
}

int main(void) {
    call("pyrt_fault_arm");
    run("with a failing allocation");
    call("pyrt_fault_disarm");
    return run("retry") == 0 ? 0 : 3;
}
