/* pyrt_mem: pyrt's own memory guarantees (CPython has no equivalent):
 * PyRT_Mem_GetStats, empty arenas going back, per-interpreter allocator
 * states with blocks freed across interpreters (CPython would corrupt its
 * allocator), the PYTHONMALLOCSTATS report and the mimalloc names. */
#include "harness.h"

static PyRT_MemStats stats(PyMemAllocatorDomain d) {
    PyRT_MemStats s;
    CHECK(PyRT_Mem_GetStats(d, &s) == 0);
    return s;
}

static int stats_balance(void) {
    init_isolated();
    PyRT_MemStats r0 = stats(PYMEM_DOMAIN_RAW), m0 = stats(PYMEM_DOMAIN_MEM),
                  o0 = stats(PYMEM_DOMAIN_OBJ);
    void *r[10], *m[10], *o[10];
    for (int i = 0; i < 10; i++) {
        r[i] = PyMem_RawMalloc(100);
        m[i] = PyMem_Malloc(24);      /* class of 32 bytes */
        o[i] = PyObject_Malloc(1000); /* a malloc block */
    }
    o[0] = PyObject_Realloc(o[0], 16); /* stays a malloc block */
    PyRT_MemStats r1 = stats(PYMEM_DOMAIN_RAW), m1 = stats(PYMEM_DOMAIN_MEM),
                  o1 = stats(PYMEM_DOMAIN_OBJ);
    printf("raw: +%zd blocks, >= 1000 bytes more: %d\n", r1.blocks - r0.blocks,
           r1.bytes - r0.bytes >= 1000);
    printf("mem: +%zd blocks, +%zd bytes\n", m1.blocks - m0.blocks, m1.bytes - m0.bytes);
    printf("obj: +%zd blocks, >= 9016 bytes more: %d\n", o1.blocks - o0.blocks,
           o1.bytes - o0.bytes >= 9016);
    for (int i = 0; i < 10; i++) {
        PyMem_RawFree(r[i]);
        PyMem_Free(m[i]);
        PyObject_Free(o[i]);
    }
    PyRT_MemStats r2 = stats(PYMEM_DOMAIN_RAW), m2 = stats(PYMEM_DOMAIN_MEM),
                  o2 = stats(PYMEM_DOMAIN_OBJ);
    printf("balanced after free: raw %d mem %d obj %d\n",
           r2.blocks == r0.blocks && r2.bytes == r0.bytes,
           m2.blocks == m0.blocks && m2.bytes == m0.bytes,
           o2.blocks == o0.blocks && o2.bytes == o0.bytes);
    PyRT_MemStats bad;
    printf("unknown domain: %d, NULL: %d\n", PyRT_Mem_GetStats((PyMemAllocatorDomain)7, &bad),
           PyRT_Mem_GetStats(PYMEM_DOMAIN_RAW, NULL));
    Py_FinalizeEx();
    return 0;
}

static int stats_debug_hooks(void) {
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_DEBUG;
    CHECK_OK(Py_PreInitialize(&pre));
    init_isolated();
    PyRT_MemStats o0 = stats(PYMEM_DOMAIN_OBJ);
    void *p = PyObject_Malloc(13);
    PyRT_MemStats o1 = stats(PYMEM_DOMAIN_OBJ);
    p = PyObject_Realloc(p, 40);
    PyRT_MemStats o2 = stats(PYMEM_DOMAIN_OBJ);
    PyObject_Free(p);
    PyRT_MemStats o3 = stats(PYMEM_DOMAIN_OBJ);
    printf("debug obj: +%zd blocks +%zd bytes, realloc +%zd bytes, freed: %d\n",
           o1.blocks - o0.blocks, o1.bytes - o0.bytes, o2.bytes - o1.bytes,
           o3.blocks == o0.blocks && o3.bytes == o0.bytes);
    Py_FinalizeEx();
    return 0;
}

static int arenas_returned(void) {
    init_isolated();
    enum { N = 400000 };
    void **b = malloc(N * sizeof *b);
    CHECK(b != NULL);
    Py_ssize_t a0 = stats(PYMEM_DOMAIN_OBJ).arenas;
    for (int i = 0; i < N; i++) CHECK((b[i] = PyObject_Malloc(16 + (i % 4) * 16)) != NULL);
    Py_ssize_t a1 = stats(PYMEM_DOMAIN_OBJ).arenas;
    for (int i = 0; i < N; i++) PyObject_Free(b[i]);
    Py_ssize_t a2 = stats(PYMEM_DOMAIN_OBJ).arenas;
    printf("arenas: %s while %d blocks live, %s after they are freed\n",
           a1 - a0 >= 10 ? ">= 10 more" : "too few", N, a2 <= a0 + 1 ? "back to <= 1 more" : "kept");
    free(b);
    Py_FinalizeEx();
    return 0;
}

/* A sub-interpreter with its own allocator state: blocks move between the
 * main interpreter and it in both directions, and one outlives it. */
static int subinterpreter_state(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyRT_MemStats o0 = stats(PYMEM_DOMAIN_OBJ);
    enum { N = 5000 };
    static unsigned char *from_main[N], *from_sub[N];
    for (int i = 0; i < N; i++) {
        from_main[i] = PyObject_Malloc(48);
        memset(from_main[i], 0x11, 48);
    }
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    CHECK_OK(Py_NewInterpreterFromConfig(&sub, &cfg));
    for (int i = 0; i < N; i++) {
        from_sub[i] = PyObject_Malloc(48);
        memset(from_sub[i], 0x22, 48);
    }
    for (int i = 0; i < N; i += 2) PyObject_Free(from_main[i]); /* main's blocks, freed in sub */
    unsigned char *survivor = PyMem_Malloc(100);
    memset(survivor, 0x33, 100);
    PyThreadState_Swap(main_t);
    for (int i = 0; i < N; i++) CHECK(from_sub[i][0] == 0x22 && from_sub[i][47] == 0x22);
    for (int i = 0; i < N; i += 2) PyObject_Free(from_sub[i]); /* sub's blocks, freed in main */
    for (int i = 0; i < N; i++) {
        void *p = PyObject_Malloc(48); /* main keeps working */
        memset(p, 0x44, 48);
        PyObject_Free(p);
    }
    PyThreadState_Swap(sub);
    Py_EndInterpreter(sub); /* ends with blocks still allocated */
    PyThreadState_Swap(main_t);
    for (int i = 1; i < N; i += 2) {
        CHECK(from_main[i][0] == 0x11 && from_sub[i][47] == 0x22);
        PyObject_Free(from_main[i]);
        PyObject_Free(from_sub[i]); /* into the ended interpreter's state */
    }
    for (int i = 0; i < 100; i++) CHECK(survivor[i] == 0x33);
    PyMem_Free(survivor);
    PyRT_MemStats o1 = stats(PYMEM_DOMAIN_OBJ);
    printf("object domain balanced: %d\n", o1.blocks == o0.blocks && o1.bytes == o0.bytes);
    puts("blocks freed across interpreters: contents intact");
    Py_FinalizeEx();
    return 0;
}

static int malloc_stats_report(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    c.malloc_stats = 1;
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    void *p[3] = {PyObject_Malloc(16), PyObject_Malloc(16), PyMem_Malloc(300)};
    fflush(stdout);
    Py_FinalizeEx();
    for (int i = 0; i < 3; i++) PyObject_Free(p[i]);
    return 0;
}

static int mimalloc_names(void) {
    PyMemAllocatorEx before, after;
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &before);
    setenv("PYTHONMALLOC", "mimalloc", 1);
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    CHECK_OK(Py_PreInitialize(&pre));
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &after);
    printf("PYTHONMALLOC=mimalloc: pyrt's small-object allocator: %d\n",
           after.malloc == before.malloc && after.ctx == NULL);
    return 0;
}

static int mimalloc_debug_name(void) {
    setenv("PYTHONMALLOC", "mimalloc_debug", 1);
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    CHECK_OK(Py_PreInitialize(&pre));
    PyMemAllocatorEx a;
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &a);
    printf("PYTHONMALLOC=mimalloc_debug: debug hooks: %d\n", a.ctx != NULL);
    return 0;
}

static int object_before_init(void) {
    /* CPython crashes here; pyrt serves the main state. */
    void *p = PyObject_Malloc(32), *q = PyMem_Calloc(4, 4);
    CHECK(p && q);
    PyObject_Free(p);
    PyMem_Free(q);
    puts("PyObject_Malloc before initialization: ok");
    return 0;
}

/* The runtime's own copies (configs, argv) do not depend on the raw domain's
 * allocator: hooks installed after initialization do not break finalization
 * (CPython releases them through the hooks: a bad-ID fatal error). */
static int debug_hooks_then_finalize(void) {
    init_isolated();
    PyMem_SetupDebugHooks();
    void *p = PyMem_RawMalloc(10);
    PyMem_RawFree(p);
    printf("Py_FinalizeEx %d\n", Py_FinalizeEx());
    init_isolated();
    printf("again: Py_FinalizeEx %d\n", Py_FinalizeEx());
    return 0;
}

static const struct test_case cases[] = {
    {"debug_hooks_then_finalize", debug_hooks_then_finalize},
    {"stats_balance", stats_balance},
    {"stats_debug_hooks", stats_debug_hooks},
    {"arenas_returned", arenas_returned},
    {"subinterpreter_state", subinterpreter_state},
    {"malloc_stats_report", malloc_stats_report},
    {"mimalloc_names", mimalloc_names},
    {"mimalloc_debug_name", mimalloc_debug_name},
    {"object_before_init", object_before_init},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
