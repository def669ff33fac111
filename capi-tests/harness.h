/* harness.h: the C test harness, in the style of CPython's _testembed.
 *
 * Each test binary covers one area and ends with a table of named cases:
 *
 *     static const struct test_case cases[] = { {"name", fn}, ..., {NULL, NULL} };
 *     HARNESS_MAIN(cases)
 *
 * `./test_x` lists the case names, one per line; `./test_x NAME` runs one case
 * (the runner starts a new process for each). A case prints what it observes
 * to stdout and returns 0; any failed CHECK prints the location to stderr and
 * exits with status 1. The same sources build against pyrt and against real
 * CPython 3.14, and the runner requires both to print the same output. */
#ifndef PYRT_TEST_HARNESS_H
#define PYRT_TEST_HARNESS_H

#include <Python.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#ifdef NDEBUG
#  undef NDEBUG /* asserts stay on */
#endif
#include <assert.h>

struct test_case {
    const char *name;
    int (*fn)(void);
};

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            fflush(stdout);                                                      \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                        \
    do {                                                                         \
        long long a_ = (long long)(a), b_ = (long long)(b);                      \
        if (a_ != b_) {                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n",    \
                    __FILE__, __LINE__, #a, #b, a_, b_);                         \
            fflush(stdout);                                                      \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

/* Aborts the case with the status's message when it is an error or exit. */
#define CHECK_OK(status)                                                          \
    do {                                                                         \
        PyStatus st_ = (status);                                                 \
        if (PyStatus_Exception(st_)) {                                           \
            fprintf(stderr, "%s:%d: status not ok: %s: %s (exit %d)\n", __FILE__, \
                    __LINE__, st_.func ? st_.func : "(no func)",                \
                    st_.err_msg ? st_.err_msg : "(no message)", st_.exitcode);  \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

/* Prints a status as "label: ok", "label: exit N" or "label: error FUNC: MSG". */
static inline void print_status(const char *label, PyStatus st) {
    if (PyStatus_IsExit(st)) {
        printf("%s: exit %d\n", label, st.exitcode);
    } else if (PyStatus_IsError(st)) {
        printf("%s: error %s: %s\n", label, st.func ? st.func : "(null)",
               st.err_msg ? st.err_msg : "(null)");
    } else {
        printf("%s: ok\n", label);
    }
}

/* Prints a wide string as UTF-8 with escapes, or NULL. */
static inline void print_wstr(const wchar_t *w) {
    if (!w) {
        fputs("NULL", stdout);
        return;
    }
    putchar('"');
    for (; *w; w++) {
        unsigned long c = (unsigned long)*w;
        if (c == '"' || c == '\\') printf("\\%c", (int)c);
        else if (c >= 0x20 && c < 0x7f) putchar((int)c);
        else printf("\\u{%lx}", c);
    }
    putchar('"');
}

static inline void print_list(const PyWideStringList *l) {
    putchar('[');
    for (Py_ssize_t i = 0; i < l->length; i++) {
        if (i) fputs(", ", stdout);
        print_wstr(l->items[i]);
    }
    putchar(']');
}

/* Initializes Python with the isolated configuration and config.home from
 * PYRT_TEST_HOME (both need a standard library there: CPython imports it,
 * pyrt looks for it; without the reference, run.sh makes a stub home);
 * returns the first failed status, or success. */
static inline PyStatus init_isolated_status(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    PyStatus st = PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent");
    if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    return st;
}

/* init_isolated_status(), which must succeed. */
static inline void init_isolated(void) {
    CHECK_OK(init_isolated_status());
}

/* The configuration of an isolated sub-interpreter with its own GIL and
 * allocator (PEP 684), as CPython's docs and tests make one. */
static inline PyInterpreterConfig own_gil_config(void) {
    PyInterpreterConfig cfg = {
        .use_main_obmalloc = 0, .allow_fork = 0, .allow_exec = 0, .allow_threads = 1,
        .allow_daemon_threads = 0, .check_multi_interp_extensions = 1,
        .gil = PyInterpreterConfig_OWN_GIL,
    };
    return cfg;
}

static inline int harness_main(const struct test_case *cases, int argc, char **argv) {
    if (argc < 2) {
        for (const struct test_case *c = cases; c->name; c++) puts(c->name);
        return 0;
    }
    for (const struct test_case *c = cases; c->name; c++) {
        if (strcmp(c->name, argv[1]) == 0) {
            int rc = c->fn();
            fflush(stdout);
            return rc;
        }
    }
    fprintf(stderr, "unknown test case: %s\n", argv[1]);
    return 2;
}

#define HARNESS_MAIN(cases) \
    int main(int argc, char **argv) { return harness_main(cases, argc, argv); }

#endif /* PYRT_TEST_HARNESS_H */
