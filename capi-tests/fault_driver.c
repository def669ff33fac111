/* fault_driver: the run the fault injection sweeps (tools/fault-inject.sh),
 * with the C library's allocator failing at one call
 * (capi-tests/fault_malloc.c), then the same run again with no failure,
 * which must succeed:
 *   - the locale codecs (Py_DecodeLocale, Py_EncodeLocale);
 *   - a PEP 741 configuration (create, set, get, free);
 *   - a Python configuration read from a command line (PyConfig_SetBytesArgv,
 *     PyConfig_Read), then initialization from it;
 *   - an own-GIL sub-interpreter, made and ended; a second thread state;
 *   - finalization;
 *   - against pyrt, sys.path through a PyRT_SysPathCache, computed then
 *     kept.
 * Prints what each step returned. Against pyrt it also checks that a failed
 * allocation of pyrt's own heap (PyRT_Mem_HeapFailures) is reported by the
 * step that made it: a step that succeeded although its count went up
 * prints "UNREPORTED", which the sweep counts. */
#define _GNU_SOURCE
#include "harness.h"

#include <dlfcn.h>

static void *sym(const char *name) {
    return dlsym(RTLD_DEFAULT, name);
}

static void call(const char *name) {
    void *f = sym(name);
    if (f) {
        void (*fn)(void);
        memcpy(&fn, &f, sizeof fn);
        fn();
    }
}

/* pyrt's heap-failure count (0 against CPython, which has none). */
static uint64_t heap_failures(void) {
    void *f = sym("PyRT_Mem_HeapFailures");
    if (!f) return 0;
    uint64_t (*fn)(void);
    memcpy(&fn, &f, sizeof fn);
    return fn();
}

static uint64_t mark;

/* Ends a step that succeeded (ok = 1) or failed (ok = 0). */
static void step(const char *what, int ok) {
    uint64_t now = heap_failures();
    if (ok && now != mark) printf("  UNREPORTED heap failure in %s\n", what);
    mark = now;
}

static void status_step(const char *what, PyStatus st) {
    print_status(what, st);
    step(what, !PyStatus_Exception(st));
}

static void codecs(void) {
    size_t n = 0;
    wchar_t *w = Py_DecodeLocale("caf\xc3\xa9 \xff/bin", &n);
    printf("  decode: %s\n", w ? "ok" : (n == (size_t)-1 ? "no memory" : "error"));
    step("Py_DecodeLocale", w != NULL);
    if (!w) return;
    size_t pos = 0;
    char *b = Py_EncodeLocale(w, &pos);
    printf("  encode: %s\n", b ? "ok" : "error");
    step("Py_EncodeLocale", b != NULL);
    PyMem_Free(b);
    PyMem_RawFree(w);
}

static void init_config(void) {
    PyInitConfig *c = PyInitConfig_Create();
    step("PyInitConfig_Create", c != NULL);
    if (!c) {
        puts("  init config: no memory");
        return;
    }
    char *argv[] = {"prog", "-c", "pass"};
    int rc = PyInitConfig_SetStr(c, "program_name", "prog");
    step("PyInitConfig_SetStr", rc == 0);
    if (rc == 0) {
        rc = PyInitConfig_SetStrList(c, "argv", 3, argv);
        step("PyInitConfig_SetStrList", rc == 0);
    }
    if (rc == 0) {
        char *s = NULL;
        rc = PyInitConfig_GetStr(c, "program_name", &s);
        step("PyInitConfig_GetStr", rc == 0);
        free(s);
    }
    const char *err = NULL;
    if (rc != 0) PyInitConfig_GetError(c, &err);
    printf("  init config: %s\n", rc == 0 ? "ok" : err ? err : "error");
    PyInitConfig_Free(c);
}

static PyStatus read_python_config(PyConfig *c) {
    PyConfig_InitPythonConfig(c);
    c->parse_argv = 1;
    char *argv[] = {"prog", "-X", "faulthandler", "-W", "error", "-X", "utf8", "-c", "pass"};
    PyStatus st = PyConfig_SetBytesArgv(c, 9, argv);
    status_step("  set argv", st);
    if (PyStatus_Exception(st)) return st;
    const char *home = getenv("PYRT_TEST_HOME");
    st = PyConfig_SetBytesString(c, &c->home, home ? home : "/nonexistent");
    status_step("  set home", st);
    if (PyStatus_Exception(st)) return st;
    st = PyWideStringList_Append(&c->warnoptions, L"ignore::DeprecationWarning");
    status_step("  append", st);
    if (PyStatus_Exception(st)) return st;
    st = PyConfig_Read(c);
    status_step("  read", st);
    return st;
}

/* pyrt's sys.path cache (looked up: CPython has none): a new cache, the
 * answer computed, then given again. */
static void sys_path_cache(void) {
    void *n = sym("PyRT_SysPathCache_New"), *c = sym("PyRT_SysPathCache_Compute"),
         *f = sym("PyRT_SysPathCache_Free");
    if (!n || !c || !f) return;
    void *(*new_cache)(void);
    PyStatus (*compute)(void *, PyConfig *, int, int, PyWideStringList *);
    void (*free_cache)(void *);
    memcpy(&new_cache, &n, sizeof n);
    memcpy(&compute, &c, sizeof c);
    memcpy(&free_cache, &f, sizeof f);
    void *cache = new_cache();
    step("PyRT_SysPathCache_New", cache != NULL);
    if (!cache) {
        puts("  sys.path cache: no memory");
        return;
    }
    const char *home = getenv("PYRT_TEST_HOME");
    for (int i = 0; i < 2; i++) {
        PyConfig cfg;
        PyConfig_InitIsolatedConfig(&cfg);
        PyStatus st = PyConfig_SetBytesString(&cfg, &cfg.home, home ? home : "/nonexistent");
        status_step("  set home", st);
        if (!PyStatus_Exception(st)) {
            PyWideStringList path = {0, NULL};
            st = compute(cache, &cfg, 0, 0, &path);
            status_step(i ? "  sys.path again" : "  sys.path", st);
            for (Py_ssize_t k = 0; k < path.length; k++) PyMem_RawFree(path.items[k]);
            PyMem_RawFree(path.items);
        }
        PyConfig_Clear(&cfg);
    }
    free_cache(cache);
}

static int run(const char *label) {
    printf("%s\n", label);
    mark = heap_failures();
    codecs();
    init_config();
    PyConfig c;
    PyStatus st = read_python_config(&c);
    if (!PyStatus_Exception(st)) {
        st = Py_InitializeFromConfig(&c);
        status_step("  initialize", st);
    }
    PyConfig_Clear(&c);
    if (PyStatus_Exception(st)) return 1;
    PyThreadState *main_t = PyThreadState_Get();
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    st = Py_NewInterpreterFromConfig(&sub, &cfg);
    status_step("  sub-interpreter", st);
    if (!PyStatus_Exception(st)) {
        Py_EndInterpreter(sub);
        PyThreadState_Swap(main_t);
        mark = heap_failures(); /* teardown has no error to report */
    }
    PyThreadState *second = PyThreadState_New(PyThreadState_GetInterpreter(main_t));
    printf("  thread state: %s\n", second ? "ok" : "NULL");
    step("PyThreadState_New", second != NULL);
    if (second) {
        PyThreadState_Clear(second);
        PyThreadState_Delete(second);
    }
    printf("  finalize: %d\n", Py_FinalizeEx());
    mark = heap_failures();
    sys_path_cache();
    return 0;
}

int main(void) {
    /* A home, for the sys.path cache to keep its answer (it computes on
     * each call without one). */
    setenv("HOME", "/", 1);
    call("pyrt_fault_arm");
    run("with a failing allocation:");
    call("pyrt_fault_disarm");
    return run("retry:") == 0 ? 0 : 3;
}
