/* test_mem: the three allocator domains' contracts, PyMem_Get/SetAllocator,
 * the arena allocator, the named allocators (PyPreConfig.allocator,
 * PYTHONMALLOC) and the debug hooks' detections, whose reports and fatal
 * errors (each case in its own process) must match CPython's.
 *
 * CPython 3.14 crashes in PyMem_Malloc/PyObject_Malloc before initialization
 * with its default allocator, so the mem and object domains are exercised
 * after Py_Initialize or with PYMEM_ALLOCATOR_MALLOC. */
#include "harness.h"

#include <stdint.h>

static int raw_zero_size(void) {
    void *a = PyMem_RawMalloc(0), *b = PyMem_RawMalloc(0);
    CHECK(a != NULL && b != NULL && a != b);
    void *c = PyMem_RawCalloc(0, 0), *d = PyMem_RawCalloc(0, 16), *e = PyMem_RawCalloc(16, 0);
    CHECK(c != NULL && d != NULL && e != NULL);
    void *f = PyMem_RawRealloc(NULL, 0);
    CHECK(f != NULL);
    PyMem_RawFree(a); PyMem_RawFree(b); PyMem_RawFree(c);
    PyMem_RawFree(d); PyMem_RawFree(e); PyMem_RawFree(f);
    puts("zero-size requests: unique non-NULL blocks");
    return 0;
}

static int raw_limits(void) {
    size_t too_big = (size_t)PY_SSIZE_T_MAX + 1;
    CHECK(PyMem_RawMalloc(too_big) == NULL);
    CHECK(PyMem_RawMalloc((size_t)-1) == NULL);
    CHECK(PyMem_RawCalloc((size_t)-1, 2) == NULL); /* nelem * elsize overflows */
    CHECK(PyMem_RawCalloc(2, (size_t)-1) == NULL);
    CHECK(PyMem_RawCalloc(too_big, 1) == NULL);
    void *p = PyMem_RawMalloc(8);
    CHECK(p != NULL);
    CHECK(PyMem_RawRealloc(p, too_big) == NULL); /* p stays valid */
    memset(p, 1, 8);
    PyMem_RawFree(p);
    PyMem_RawFree(NULL);
    puts("oversized requests: NULL; free(NULL): no-op");
    return 0;
}

static int raw_contents(void) {
    unsigned char *p = PyMem_RawCalloc(64, 4);
    CHECK(p != NULL);
    for (int i = 0; i < 256; i++) CHECK(p[i] == 0);
    for (int i = 0; i < 256; i++) p[i] = (unsigned char)i;
    p = PyMem_RawRealloc(p, 100000);
    CHECK(p != NULL);
    for (int i = 0; i < 256; i++) CHECK(p[i] == (unsigned char)i);
    p = PyMem_RawRealloc(p, 16);
    CHECK(p != NULL);
    for (int i = 0; i < 16; i++) CHECK(p[i] == (unsigned char)i);
    p = PyMem_RawRealloc(p, 0);
    CHECK(p != NULL);
    PyMem_RawFree(p);
    puts("realloc keeps contents; calloc zeroes");
    return 0;
}

static int mem_with_malloc_allocator(void) {
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_MALLOC;
    CHECK_OK(Py_PreInitialize(&pre));
    char *p = PyMem_Malloc(0);
    CHECK(p != NULL);
    p = PyMem_Realloc(p, 32);
    CHECK(p != NULL);
    memcpy(p, "0123456789abcdef0123456789abcde", 32);
    int *z = PyMem_Calloc(8, sizeof(int));
    CHECK(z != NULL && z[7] == 0);
    CHECK(PyMem_Calloc((size_t)-1, 8) == NULL);
    CHECK(PyMem_Malloc((size_t)PY_SSIZE_T_MAX + 1) == NULL);
    PyMem_Free(z);
    PyMem_Free(p);
    PyMem_Free(NULL);
    puts("PyMem_* with PYMEM_ALLOCATOR_MALLOC: same contracts");
    return 0;
}

static void preinit_allocator(int allocator) {
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.allocator = allocator;
    CHECK_OK(Py_PreInitialize(&pre));
}

/* What PyMem_GetAllocator reports: NULL contexts or not, and which domains
 * share their functions. */
static void print_allocators(const char *label) {
    PyMemAllocatorEx a[3];
    for (int d = 0; d < 3; d++) {
        PyMem_GetAllocator((PyMemAllocatorDomain)d, &a[d]);
        CHECK(a[d].malloc && a[d].calloc && a[d].realloc && a[d].free);
    }
    printf("%s: ctx raw=%s mem=%s obj=%s; mem==obj %d raw==mem %d\n", label,
           a[0].ctx ? "set" : "NULL", a[1].ctx ? "set" : "NULL", a[2].ctx ? "set" : "NULL",
           a[1].malloc == a[2].malloc && a[1].free == a[2].free,
           a[0].malloc == a[1].malloc && a[0].free == a[1].free);
    PyObjectArenaAllocator ar;
    PyObject_GetArenaAllocator(&ar);
    printf("%s: arena ctx=%s alloc=%s free=%s\n", label, ar.ctx ? "set" : "NULL",
           ar.alloc ? "set" : "NULL", ar.free ? "set" : "NULL");
}

static int allocators_default(void) {
    print_allocators("before pre-initialization");
    return 0;
}

static int allocators_named(void) {
    static const struct { const char *name; int value; } names[] = {
        {"malloc", PYMEM_ALLOCATOR_MALLOC}, {"debug", PYMEM_ALLOCATOR_DEBUG},
        {"malloc_debug", PYMEM_ALLOCATOR_MALLOC_DEBUG},
        {"pymalloc", PYMEM_ALLOCATOR_PYMALLOC},
        {"pymalloc_debug", PYMEM_ALLOCATOR_PYMALLOC_DEBUG},
    };
    const char *which = getenv("PYRT_TEST_ALLOCATOR");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (which && strcmp(which, names[i].name) == 0) {
            preinit_allocator(names[i].value);
            print_allocators(names[i].name);
        }
    }
    return 0;
}

/* Each named allocator in its own process (they cannot be undone). */
#define NAMED_CASE(fn, name)                   \
    static int fn(void) {                      \
        setenv("PYRT_TEST_ALLOCATOR", name, 1); \
        return allocators_named();             \
    }
NAMED_CASE(allocator_malloc, "malloc")
NAMED_CASE(allocator_debug, "debug")
NAMED_CASE(allocator_malloc_debug, "malloc_debug")
NAMED_CASE(allocator_pymalloc, "pymalloc")
NAMED_CASE(allocator_pymalloc_debug, "pymalloc_debug")

static int pythonmalloc_env(void) {
    setenv("PYTHONMALLOC", "malloc_debug", 1);
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    CHECK_OK(Py_PreInitialize(&pre));
    printf("allocator %d\n", pre.allocator);
    print_allocators("PYTHONMALLOC=malloc_debug");
    return 0;
}

static int pythonmalloc_unknown(void) {
    setenv("PYTHONMALLOC", "tcmalloc", 1);
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    print_status("PYTHONMALLOC=tcmalloc", Py_PreInitialize(&pre));
    return 0;
}

/* The contracts of one domain after initialization, across the small-block
 * threshold: unique zero-size blocks, contents kept by realloc, calloc zeroes,
 * overflow and oversized requests fail, NULL frees nothing. */
typedef struct {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
} family;

static void check_family(const char *label, family f) {
    void *z[8];
    for (int i = 0; i < 8; i++) {
        z[i] = i % 2 ? f.calloc(0, 0) : f.malloc(0);
        CHECK(z[i] != NULL);
        for (int j = 0; j < i; j++) CHECK(z[i] != z[j]);
    }
    for (int i = 0; i < 8; i++) f.free(z[i]);
    CHECK(f.malloc((size_t)PY_SSIZE_T_MAX + 1) == NULL);
    CHECK(f.calloc((size_t)-1, 2) == NULL);
    CHECK(f.calloc(2, (size_t)-1) == NULL);
    CHECK(f.calloc((size_t)PY_SSIZE_T_MAX / 2 + 1, 2) == NULL);
    f.free(NULL);
    static const size_t sizes[] = {1, 7, 8, 15, 16, 17, 31, 32, 33, 100, 255, 256, 257,
                                   500, 511, 512, 513, 1000, 4096, 70000};
    enum { N = sizeof sizes / sizeof sizes[0] };
    unsigned char *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = f.malloc(sizes[i]);
        CHECK(blocks[i] != NULL);
        CHECK(((uintptr_t)blocks[i] & 15) == 0 || sizes[i] < 16);
        memset(blocks[i], (int)(i + 1), sizes[i]);
    }
    for (int i = 0; i < N; i++) {
        size_t n = sizes[i], m = sizes[(i * 7 + 3) % N];
        unsigned char *p = f.realloc(blocks[i], m);
        CHECK(p != NULL);
        for (size_t k = 0; k < (n < m ? n : m); k++) CHECK(p[k] == (unsigned char)(i + 1));
        blocks[i] = p;
        CHECK(f.realloc(p, (size_t)PY_SSIZE_T_MAX + 1) == NULL); /* p stays valid */
        memset(p, 0x5a, m);
    }
    for (int i = 0; i < N; i++) f.free(blocks[i]);
    unsigned char *c = f.calloc(100, 5);
    CHECK(c != NULL);
    for (int i = 0; i < 500; i++) CHECK(c[i] == 0);
    f.free(c);
    c = f.calloc(3, 7);
    CHECK(c != NULL);
    for (int i = 0; i < 21; i++) CHECK(c[i] == 0);
    f.free(c);
    unsigned char *r = f.realloc(NULL, 24);
    CHECK(r != NULL);
    r = f.realloc(r, 0);
    CHECK(r != NULL);
    f.free(r);
    printf("%s: contracts hold\n", label);
}

static int mem_contracts(void) {
    init_isolated();
    check_family("PyMem", (family){PyMem_Malloc, PyMem_Calloc, PyMem_Realloc, PyMem_Free});
    Py_FinalizeEx();
    return 0;
}

static int object_contracts(void) {
    init_isolated();
    check_family("PyObject",
                 (family){PyObject_Malloc, PyObject_Calloc, PyObject_Realloc, PyObject_Free});
    Py_FinalizeEx();
    return 0;
}

static int raw_contracts_after_init(void) {
    init_isolated();
    check_family("PyMem_Raw",
                 (family){PyMem_RawMalloc, PyMem_RawCalloc, PyMem_RawRealloc, PyMem_RawFree});
    Py_FinalizeEx();
    return 0;
}

/* Many live small blocks of mixed sizes, freed in a scattered order, with
 * every block's contents checked before it is freed. */
static int object_many_blocks(void) {
    init_isolated();
    enum { N = 200000 };
    unsigned char **b = malloc(N * sizeof *b);
    CHECK(b != NULL);
    for (int i = 0; i < N; i++) {
        size_t n = 1 + (size_t)(i * 37) % 512;
        b[i] = PyObject_Malloc(n);
        CHECK(b[i] != NULL);
        memset(b[i], i & 0xff, n);
    }
    for (int pass = 0; pass < 3; pass++) {
        for (int i = pass; i < N; i += 3) {
            size_t n = 1 + (size_t)(i * 37) % 512;
            CHECK(b[i][0] == (unsigned char)(i & 0xff) && b[i][n - 1] == (unsigned char)(i & 0xff));
            PyObject_Free(b[i]);
        }
    }
    free(b);
    puts("200000 blocks of 1..512 bytes: contents intact");
    Py_FinalizeEx();
    return 0;
}

/* An embedder's allocator wrapping the current one, installed after
 * initialization: its functions receive the domain's calls. */
typedef struct {
    PyMemAllocatorEx old;
    long mallocs, callocs, reallocs, frees;
} hook;

static void *hook_malloc(void *ctx, size_t n) {
    hook *h = ctx;
    h->mallocs++;
    return h->old.malloc(h->old.ctx, n);
}
static void *hook_calloc(void *ctx, size_t n, size_t e) {
    hook *h = ctx;
    h->callocs++;
    return h->old.calloc(h->old.ctx, n, e);
}
static void *hook_realloc(void *ctx, void *p, size_t n) {
    hook *h = ctx;
    h->reallocs++;
    return h->old.realloc(h->old.ctx, p, n);
}
static void hook_free(void *ctx, void *p) {
    hook *h = ctx;
    h->frees++;
    h->old.free(h->old.ctx, p);
}

static void run_hooked(PyMemAllocatorDomain d, void *(*m)(size_t), void *(*c)(size_t, size_t),
                       void *(*r)(void *, size_t), void (*f)(void *)) {
    static hook h;
    memset(&h, 0, sizeof h);
    PyMem_GetAllocator(d, &h.old);
    PyMemAllocatorEx mine = {&h, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMem_SetAllocator(d, &mine);
    PyMemAllocatorEx now;
    PyMem_GetAllocator(d, &now);
    CHECK(now.ctx == &h && now.malloc == hook_malloc && now.free == hook_free);
    void *p = m(10), *q = c(3, 4);
    p = r(p, 2000);
    f(p);
    f(q);
    f(NULL);
    CHECK(m((size_t)PY_SSIZE_T_MAX + 1) == NULL); /* refused before the allocator */
    PyMem_SetAllocator(d, &h.old);
    PyMem_GetAllocator(d, &now);
    CHECK(now.ctx == h.old.ctx && now.malloc == h.old.malloc);
    printf("domain %d: malloc %ld calloc %ld realloc %ld free %ld\n", (int)d, h.mallocs,
           h.callocs, h.reallocs, h.frees);
}

static int set_allocator_after_init(void) {
    init_isolated();
    run_hooked(PYMEM_DOMAIN_RAW, PyMem_RawMalloc, PyMem_RawCalloc, PyMem_RawRealloc, PyMem_RawFree);
    run_hooked(PYMEM_DOMAIN_MEM, PyMem_Malloc, PyMem_Calloc, PyMem_Realloc, PyMem_Free);
    run_hooked(PYMEM_DOMAIN_OBJ, PyObject_Malloc, PyObject_Calloc, PyObject_Realloc, PyObject_Free);
    Py_FinalizeEx();
    return 0;
}

/* An allocator set before pre-initialization stays when no allocator is
 * named, and serves the runtime's own allocations too. */
static hook early;
static int set_allocator_before_init(void) {
    PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &early.old);
    PyMemAllocatorEx mine = {&early, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMem_SetAllocator(PYMEM_DOMAIN_RAW, &mine);
    init_isolated();
    PyMemAllocatorEx now;
    PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &now);
    printf("still installed after init: %d\n", now.ctx == &early && now.malloc == hook_malloc);
    printf("used by the runtime: %d\n", early.mallocs + early.callocs + early.reallocs > 0);
    void *p = PyMem_RawMalloc(5);
    PyMem_RawFree(p);
    Py_FinalizeEx();
    return 0;
}

/* A named allocator replaces one set before. */
static int set_allocator_replaced_by_name(void) {
    PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &early.old);
    PyMemAllocatorEx mine = {&early, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMem_SetAllocator(PYMEM_DOMAIN_RAW, &mine);
    preinit_allocator(PYMEM_ALLOCATOR_MALLOC);
    PyMemAllocatorEx now;
    PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &now);
    printf("replaced by PYMEM_ALLOCATOR_MALLOC: %d\n", now.malloc != hook_malloc && now.ctx == NULL);
    return 0;
}

/* A counting arena allocator: arenas come from it while small blocks are
 * allocated, and empty arenas go back to it. */
typedef struct {
    PyObjectArenaAllocator old;
    void *mine[4096];
    int n;
    long allocs, frees_of_mine;
} arenas;

static void *arena_alloc(void *ctx, size_t size) {
    arenas *a = ctx;
    void *p = a->old.alloc(a->old.ctx, size);
    a->allocs++;
    if (p && a->n < 4096) a->mine[a->n++] = p;
    return p;
}

static void arena_free(void *ctx, void *p, size_t size) {
    arenas *a = ctx;
    for (int i = 0; i < a->n; i++)
        if (a->mine[i] == p) { a->frees_of_mine++; a->mine[i] = NULL; }
    a->old.free(a->old.ctx, p, size);
}

static int arena_allocator(void) {
    init_isolated();
    static arenas a;
    PyObject_GetArenaAllocator(&a.old);
    PyObjectArenaAllocator mine = {&a, arena_alloc, arena_free};
    PyObject_SetArenaAllocator(&mine);
    PyObjectArenaAllocator now;
    PyObject_GetArenaAllocator(&now);
    CHECK(now.ctx == &a && now.alloc == arena_alloc && now.free == arena_free);
    enum { N = 300000 };
    void **b = malloc(N * sizeof *b);
    CHECK(b != NULL);
    for (int i = 0; i < N; i++) CHECK((b[i] = PyObject_Malloc(64)) != NULL);
    printf("arenas obtained from the arena allocator: %s\n", a.allocs >= 10 ? ">= 10" : "< 10");
    for (int i = 0; i < N; i++) PyObject_Free(b[i]);
    free(b);
    printf("empty arenas returned: %s\n", a.frees_of_mine >= 5 ? ">= 5" : "< 5");
    Py_FinalizeEx();
    return 0;
}

/* --- the debug hooks ------------------------------------------------------ */

static int debug_fresh_and_calloc(void) {
    preinit_allocator(PYMEM_ALLOCATOR_DEBUG);
    init_isolated();
    unsigned char *p = PyMem_Malloc(8), *o = PyObject_Malloc(3), *r = PyMem_RawMalloc(5);
    printf("fresh: %02x %02x %02x %02x\n", p[0], p[7], o[2], r[4]);
    unsigned char *z = PyObject_Calloc(2, 4);
    printf("calloc: %02x %02x\n", z[0], z[7]);
    memset(p, 1, 8);
    p = PyMem_Realloc(p, 16);
    printf("realloc grown: %02x %02x %02x\n", p[7], p[8], p[15]);
    p = PyMem_Realloc(p, 4);
    printf("realloc shrunk: %02x\n", p[3]);
    PyMem_Free(p);
    PyObject_Free(o);
    PyObject_Free(z);
    PyMem_RawFree(r);
    Py_FinalizeEx();
    return 0;
}

static int debug_hooks_after_init(void) {
    init_isolated();
    PyMem_SetupDebugHooks();
    print_allocators("after PyMem_SetupDebugHooks");
    PyMem_SetupDebugHooks(); /* idempotent */
    unsigned char *p = PyObject_Malloc(4);
    printf("fresh: %02x\n", p[0]);
    PyObject_Free(p);
    /* No Py_FinalizeEx: it would release blocks allocated before the hooks
     * through them (a bad-ID fatal error in CPython). */
    return 0;
}

static void debug_init(void) {
    preinit_allocator(PYMEM_ALLOCATOR_DEBUG);
    init_isolated();
}

static int debug_overflow_mem(void) {
    debug_init();
    unsigned char *p = PyMem_Malloc(16);
    p[16] = 'x';
    PyMem_Free(p);
    return 0;
}

static int debug_overflow_object(void) {
    debug_init();
    unsigned char *p = PyObject_Malloc(5);
    memset(p, 'a', 5);
    p[6] = 'x';
    PyObject_Free(p);
    return 0;
}

static int debug_overflow_large(void) {
    debug_init();
    unsigned char *p = PyMem_Malloc(100);
    memset(p, 0x41, 100);
    p[100] = 0;
    PyMem_Free(p);
    return 0;
}

static int debug_overflow_zero_size(void) {
    debug_init();
    unsigned char *p = PyMem_Malloc(0);
    p[0] = 1;
    PyMem_Free(p);
    return 0;
}

static int debug_overflow_17(void) {
    debug_init();
    unsigned char *p = PyObject_Malloc(17);
    for (int i = 0; i < 17; i++) p[i] = (unsigned char)i;
    p[20] = 0;
    PyObject_Free(p);
    return 0;
}

static int debug_underflow_mem(void) {
    debug_init();
    unsigned char *p = PyMem_Malloc(16);
    p[-1] = 'x';
    PyMem_Free(p);
    return 0;
}

static int debug_underflow_raw(void) {
    debug_init();
    unsigned char *p = PyMem_RawMalloc(40);
    memset(p, 'z', 40);
    p[-3] = 'x';
    PyMem_RawFree(p);
    return 0;
}

static int debug_overflow_on_realloc(void) {
    debug_init();
    unsigned char *p = PyMem_RawMalloc(24);
    memset(p, 'q', 24);
    p[25] = 'x';
    p = PyMem_RawRealloc(p, 48);
    return 0;
}

static int debug_mismatch_object_mem(void) {
    debug_init();
    PyMem_Free(PyObject_Malloc(16));
    return 0;
}

static int debug_mismatch_mem_raw(void) {
    debug_init();
    PyMem_RawFree(PyMem_Malloc(16));
    return 0;
}

static int debug_mismatch_raw_object(void) {
    debug_init();
    PyObject_Free(PyMem_RawMalloc(3));
    return 0;
}

static int debug_mismatch_realloc(void) {
    debug_init();
    void *p = PyMem_Malloc(16);
    p = PyObject_Realloc(p, 32);
    return 0;
}

static int debug_mem_without_gil(void) {
    debug_init();
    PyThreadState *t = PyEval_SaveThread();
    void *p = PyMem_Malloc(16);
    (void)p;
    PyEval_RestoreThread(t);
    return 0;
}

static int debug_object_without_gil(void) {
    debug_init();
    PyThreadState *t = PyEval_SaveThread();
    void *p = PyObject_Calloc(1, 16);
    (void)p;
    PyEval_RestoreThread(t);
    return 0;
}

static int debug_free_without_gil(void) {
    debug_init();
    void *p = PyObject_Malloc(16);
    PyThreadState *t = PyEval_SaveThread();
    PyObject_Free(p);
    PyEval_RestoreThread(t);
    return 0;
}

static int debug_realloc_without_gil(void) {
    debug_init();
    void *p = PyMem_Malloc(16);
    PyThreadState *t = PyEval_SaveThread();
    p = PyMem_Realloc(p, 20);
    PyEval_RestoreThread(t);
    return 0;
}

static int debug_before_init(void) {
    preinit_allocator(PYMEM_ALLOCATOR_MALLOC_DEBUG);
    void *r = PyMem_RawMalloc(4); /* the raw domain needs no GIL */
    PyMem_RawFree(r);
    puts("raw domain: ok");
    fflush(stdout);
    void *p = PyMem_Malloc(4);
    (void)p;
    return 0;
}

static int debug_raw_from_thread_without_gil(void) {
    debug_init();
    PyThreadState *t = PyEval_SaveThread();
    void *p = PyMem_RawCalloc(4, 4);
    p = PyMem_RawRealloc(p, 100);
    PyMem_RawFree(p);
    PyEval_RestoreThread(t);
    puts("raw domain without the GIL: ok");
    Py_FinalizeEx();
    return 0;
}

static const struct test_case cases[] = {
    {"raw_zero_size", raw_zero_size},
    {"raw_limits", raw_limits},
    {"raw_contents", raw_contents},
    {"mem_with_malloc_allocator", mem_with_malloc_allocator},
    {"allocators_default", allocators_default},
    {"allocator_malloc", allocator_malloc},
    {"allocator_debug", allocator_debug},
    {"allocator_malloc_debug", allocator_malloc_debug},
    {"allocator_pymalloc", allocator_pymalloc},
    {"allocator_pymalloc_debug", allocator_pymalloc_debug},
    {"pythonmalloc_env", pythonmalloc_env},
    {"pythonmalloc_unknown", pythonmalloc_unknown},
    {"mem_contracts", mem_contracts},
    {"object_contracts", object_contracts},
    {"raw_contracts_after_init", raw_contracts_after_init},
    {"object_many_blocks", object_many_blocks},
    {"set_allocator_after_init", set_allocator_after_init},
    {"set_allocator_before_init", set_allocator_before_init},
    {"set_allocator_replaced_by_name", set_allocator_replaced_by_name},
    {"arena_allocator", arena_allocator},
    {"debug_fresh_and_calloc", debug_fresh_and_calloc},
    {"debug_hooks_after_init", debug_hooks_after_init},
    {"debug_overflow_mem", debug_overflow_mem},
    {"debug_overflow_object", debug_overflow_object},
    {"debug_overflow_large", debug_overflow_large},
    {"debug_overflow_zero_size", debug_overflow_zero_size},
    {"debug_overflow_17", debug_overflow_17},
    {"debug_underflow_mem", debug_underflow_mem},
    {"debug_underflow_raw", debug_underflow_raw},
    {"debug_overflow_on_realloc", debug_overflow_on_realloc},
    {"debug_mismatch_object_mem", debug_mismatch_object_mem},
    {"debug_mismatch_mem_raw", debug_mismatch_mem_raw},
    {"debug_mismatch_raw_object", debug_mismatch_raw_object},
    {"debug_mismatch_realloc", debug_mismatch_realloc},
    {"debug_mem_without_gil", debug_mem_without_gil},
    {"debug_object_without_gil", debug_object_without_gil},
    {"debug_free_without_gil", debug_free_without_gil},
    {"debug_realloc_without_gil", debug_realloc_without_gil},
    {"debug_before_init", debug_before_init},
    {"debug_raw_from_thread_without_gil", debug_raw_from_thread_without_gil},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
