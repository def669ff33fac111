/* test_mem: the PyMem_Raw* contracts (usable before initialization, from any
 * thread) and the PyMem_* family with the malloc allocator. */
#include "harness.h"

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

static const struct test_case cases[] = {
    {"raw_zero_size", raw_zero_size},
    {"raw_limits", raw_limits},
    {"raw_contents", raw_contents},
    {"mem_with_malloc_allocator", mem_with_malloc_allocator},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
