/* fault_malloc: the C library's allocator, failing at one chosen call, for
 * the fault-injection run (tools/fault-inject.sh). Linked into the program
 * under test (exported with -rdynamic), its malloc, calloc and realloc come
 * before the C library's for every caller, libpyrt and the C library
 * included; they pass each call on to the C library's.
 *
 *   PYRT_FAULT_AT=N   the Nth malloc/calloc/realloc call after arming fails
 *                     (returns NULL with ENOMEM); 0 or unset: none fails
 *   PYRT_FAULT_COUNT=FILE  at disarming, the number of calls made while
 *                     armed is written to FILE (the dry run sizes the sweep)
 *
 * The program arms and disarms it (pyrt_fault_arm(), pyrt_fault_disarm(),
 * looked up with dlsym, so the program also runs without the shim). Calls
 * made before arming are not counted. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static long armed, calls, fail_at;
static int resolving;

/* dlsym itself may call calloc: served from a small static buffer. */
static char bootstrap[4096];
static size_t bootstrap_used;

static void resolve(void) {
    if (real_malloc || resolving) return;
    resolving = 1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    resolving = 0;
}

static int should_fail(void) {
    if (!armed) return 0;
    calls++;
    return fail_at > 0 && calls == fail_at;
}

void pyrt_fault_arm(void) {
    const char *s = getenv("PYRT_FAULT_AT");
    fail_at = s ? atol(s) : 0;
    calls = 0;
    armed = 1;
}

void pyrt_fault_disarm(void) {
    armed = 0;
    const char *f = getenv("PYRT_FAULT_COUNT");
    if (f) {
        FILE *fp = fopen(f, "w");
        if (fp) {
            fprintf(fp, "%ld\n", calls);
            fclose(fp);
        }
    }
}

void *malloc(size_t n) {
    resolve();
    if (!real_malloc) {
        void *p = bootstrap + bootstrap_used;
        bootstrap_used += (n + 15) & ~(size_t)15;
        return bootstrap_used <= sizeof bootstrap ? p : NULL;
    }
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return real_malloc(n);
}

void *calloc(size_t a, size_t b) {
    resolve();
    if (!real_calloc) {
        void *p = malloc(a * b);
        if (p) memset(p, 0, a * b);
        return p;
    }
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return real_calloc(a, b);
}

void *realloc(void *p, size_t n) {
    resolve();
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return real_realloc(p, n);
}

void free(void *p) {
    static void (*real_free)(void *);
    if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap) return;
    if (!real_free) real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_free(p);
}
