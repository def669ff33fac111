/* test_runtime_info: the object-free rest of CPython 3.14's lifecycle
 * headers, against pyrt and CPython: version and build strings, the
 * recursion limit and C-stack checks, tracing, stack protection,
 * Py_FdIsInteractive, Py_fclose, PyOS_AfterFork, Py_FrozenMain, and the
 * macros of pymacro.h, pyport.h, pymem.h and cpython/pylifecycle.h. */
#define _GNU_SOURCE
#include "harness.h"

#include <sys/wait.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* Still exported by CPython 3.14 (deprecated), no longer always declared. */
extern void PyOS_AfterFork(void);

static int versions(void) {
    printf("Py_Version is PY_VERSION_HEX: %d\n", Py_Version == PY_VERSION_HEX);
    printf("version starts with \"%s (\": %d\n", PY_VERSION,
           strncmp(Py_GetVersion(), PY_VERSION " (", strlen(PY_VERSION) + 2) == 0);
    printf("platform: %s\n", Py_GetPlatform());
    const char *compiler = Py_GetCompiler();
    printf("compiler in brackets: %d\n",
           compiler[0] == '[' && compiler[strlen(compiler) - 1] == ']');
    printf("build info given: %d\n", strlen(Py_GetBuildInfo()) > 0);
    printf("copyright says Copyright: %d\n", strstr(Py_GetCopyright(), "Copyright") != NULL);
    /* Py_GetVersion() is "VERSION (BUILD_INFO) COMPILER". */
    char expected[512];
    snprintf(expected, sizeof expected, "%s (%s) %s", PY_VERSION, Py_GetBuildInfo(), Py_GetCompiler());
    printf("version is built from the parts: %d\n", strcmp(Py_GetVersion(), expected) == 0);
    return 0;
}

static int recursion_limit(void) {
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    printf("default: %d\n", Py_GetRecursionLimit());
    Py_SetRecursionLimit(50);
    printf("set 50: %d\n", Py_GetRecursionLimit());
    Py_SetRecursionLimit(-5);
    printf("set -5: %d\n", Py_GetRecursionLimit());
    Py_SetRecursionLimit(77);
    PyThreadState *sub = NULL;
    PyInterpreterConfig cfg = own_gil_config();
    CHECK_OK(Py_NewInterpreterFromConfig(&sub, &cfg));
    printf("a new sub-interpreter: %d\n", Py_GetRecursionLimit());
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    printf("main interpreter still: %d\n", Py_GetRecursionLimit());
    CHECK(Py_FinalizeEx() == 0);
    init_isolated();
    printf("after re-initialization: %d\n", Py_GetRecursionLimit());
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

static int recurse(int n) {
    volatile char pad[512];
    pad[0] = (char)n;
    if (Py_EnterRecursiveCall(" in recurse")) return n;
    int r = recurse(n + 1) + pad[0] * 0;
    Py_LeaveRecursiveCall();
    return r;
}

/* C recursion fails cleanly before the 8 MiB stack runs out. */
static int recursive_call(void) {
    init_isolated();
    printf("one level: %d\n", Py_EnterRecursiveCall(""));
    Py_LeaveRecursiveCall();
    int depth = recurse(0);
    printf("deep recursion stopped, deeper than 1000 calls: %d\n", depth > 1000);
    printf("room again afterwards: %d\n", Py_EnterRecursiveCall("") == 0);
    Py_LeaveRecursiveCall();
    fflush(stdout);
    /* CPython leaves the RecursionError set; its report is not compared. */
    CHECK(freopen("/dev/null", "w", stderr) != NULL);
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

static int stack_protection(void) {
    init_isolated();
    PyThreadState *t = PyThreadState_Get();
    char here;
    size_t sizes[] = {0, 16384, 49151, 49152, 1 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int r = PyUnstable_ThreadState_SetStackProtection(t, &here - sizes[i] + 64, sizes[i]);
        printf("stack of %zu bytes: %d\n", sizes[i], r);
    }
    PyUnstable_ThreadState_ResetStackProtection(t);
    printf("after reset, room: %d\n", Py_EnterRecursiveCall("") == 0);
    Py_LeaveRecursiveCall();
    PyThreadState_EnterTracing(t);
    PyThreadState_EnterTracing(t);
    PyThreadState_LeaveTracing(t);
    PyThreadState_LeaveTracing(t);
    printf("tracing entered and left twice\n");
    fflush(stdout);
    CHECK(freopen("/dev/null", "w", stderr) != NULL);
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

static int fd_is_interactive(void) {
    FILE *f = tmpfile();
    CHECK(f != NULL);
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    CHECK_OK(Py_InitializeFromConfig(&c));
    printf("a file, not interactive: %d\n", Py_FdIsInteractive(f, "<stdin>"));
    CHECK(Py_FinalizeEx() == 0);
    c.interactive = 1;
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    printf("interactive, <stdin>: %d\n", Py_FdIsInteractive(f, "<stdin>"));
    printf("interactive, ???: %d\n", Py_FdIsInteractive(f, "???"));
    printf("interactive, NULL: %d\n", Py_FdIsInteractive(f, NULL));
    printf("interactive, script.py: %d\n", Py_FdIsInteractive(f, "script.py"));
    CHECK(Py_FinalizeEx() == 0);
    printf("fclose: %d\n", Py_fclose(f));
    return 0;
}

static int after_fork(void) {
    init_isolated();
    fflush(stdout);
    PyOS_BeforeFork();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid > 0) PyOS_AfterFork_Parent();
    if (pid == 0) {
        PyOS_AfterFork();
        printf("child: still initialized: %d\n", Py_IsInitialized());
        fflush(stdout);
        _exit(Py_FinalizeEx() == 0 ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("child exit: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

/* No frozen __main__: CPython's fatal error. */
static int frozen_main(void) {
    char prog[] = "prog", *argv[] = {prog, NULL};
    setenv("PYTHONHOME", getenv("PYRT_TEST_HOME") ? getenv("PYRT_TEST_HOME") : "/nonexistent", 1);
    fflush(stdout);
    return Py_FrozenMain(1, argv);
}

/* The perf map: /tmp/perf-PID.map, appended to. */
static int perf_map(void) {
    char path[64], parent[64];
    snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
    snprintf(parent, sizeof parent, "/tmp/pyrt-parent-%d.map", (int)getpid());
    unlink(path);
    printf("write before init: %d\n", PyUnstable_WritePerfMapEntry((void *)0x1234, 16, "first"));
    printf("init: %d, again: %d\n", PyUnstable_PerfMapState_Init(), PyUnstable_PerfMapState_Init());
    printf("write: %d\n", PyUnstable_WritePerfMapEntry((void *)0xabcdef, 0x20, "py::f:x.py"));
    FILE *p = fopen(parent, "w");
    CHECK(p != NULL);
    fputs("1000 10 parent_a\n2000 20 parent_b\n", p);
    fclose(p);
    printf("copy: %d\n", PyUnstable_CopyPerfMapFile(parent));
    printf("copy of a missing file: %d\n", PyUnstable_CopyPerfMapFile("/nonexistent/perf.map"));
    PyUnstable_PerfMapState_Fini();
    PyUnstable_PerfMapState_Fini();
    int on = PyUnstable_PerfTrampoline_SetPersistAfterFork(1);
    int off = PyUnstable_PerfTrampoline_SetPersistAfterFork(0);
    printf("persist after fork: %d %d\n", on, off);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[256];
    while (fgets(line, sizeof line, f)) printf("map: %s", line);
    fclose(f);
    unlink(path);
    unlink(parent);
    init_isolated();
    int n = 0, last = -1;
    for (;;) {
        Py_ssize_t i = PyUnstable_Eval_RequestCodeExtraIndex(NULL);
        if (i < 0) break;
        last = (int)i;
        n++;
    }
    printf("code-extra indices: %d, the last %d\n", n, last);
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

struct point { int x; double y; };

static int macros(void) {
    printf("Py_MIN %d Py_MAX %d Py_ABS %d\n", Py_MIN(3, -2), Py_MAX(3, -2), Py_ABS(-7));
    printf("Py_STRINGIFY %s\n", Py_STRINGIFY(PY_MINOR_VERSION));
    printf("Py_CHARMASK %d\n", Py_CHARMASK(-1));
    printf("Py_MEMBER_SIZE %zu\n", Py_MEMBER_SIZE(struct point, y));
    Py_BUILD_ASSERT(sizeof(int) >= 2);
    printf("Py_BUILD_ASSERT_EXPR %d\n", (int)Py_BUILD_ASSERT_EXPR(1));
    printf("Py_PACK_VERSION(3, 14) %#lx\n", (unsigned long)Py_PACK_VERSION(3, 14));
    printf("Py_PACK_FULL_VERSION %#lx\n", (unsigned long)Py_PACK_FULL_VERSION(3, 14, 10, 0xF, 0));
    printf("PY_LITTLE_ENDIAN %d PY_BIG_ENDIAN %d PYLONG_BITS_IN_DIGIT %d\n", PY_LITTLE_ENDIAN,
           PY_BIG_ENDIAN, PYLONG_BITS_IN_DIGIT);
    printf("SIZEOF_PY_HASH_T %d, sizeof Py_hash_t %zu, Py_uhash_t %zu\n", SIZEOF_PY_HASH_T,
           sizeof(Py_hash_t), sizeof(Py_uhash_t));
    printf("Py_LL %lld Py_ULL %llu\n", Py_LL(1) << 40, Py_ULL(1) << 63);
    printf("Py_SAFE_DOWNCAST %d\n", Py_SAFE_DOWNCAST(300L, long, int));
    printf("Py_ARITHMETIC_RIGHT_SHIFT %d\n", Py_ARITHMETIC_RIGHT_SHIFT(int, -16, 2));
    printf("PY_FORMAT_SIZE_T %s PY_DWORD_MAX %u\n", PY_FORMAT_SIZE_T, PY_DWORD_MAX);
    PyDoc_STRVAR(doc, "docstring");
    printf("PyDoc_STRVAR %s\n", doc);
    printf("PyTrace_OPCODE %d MAX_CO_EXTRA_USERS %d FVS_HAVE_SPEC %d\n", PyTrace_OPCODE,
           MAX_CO_EXTRA_USERS, FVS_HAVE_SPEC);
    PyInterpreterConfig isolated = _PyInterpreterConfig_INIT;
    PyInterpreterConfig legacy = _PyInterpreterConfig_LEGACY_INIT;
    printf("_PyInterpreterConfig_INIT gil %d obmalloc %d check %d\n", isolated.gil,
           isolated.use_main_obmalloc, isolated.check_multi_interp_extensions);
    printf("_PyInterpreterConfig_LEGACY_INIT gil %d obmalloc %d fork %d\n", legacy.gil,
           legacy.use_main_obmalloc, legacy.allow_fork);
    init_isolated();
    int *a = PyMem_New(int, 4);
    CHECK(a != NULL);
    a[3] = 5;
    PyMem_Resize(a, int, 8);
    CHECK(a != NULL);
    printf("PyMem_Resize kept %d\n", a[3]);
    PyMem_Del(a);
    size_t huge = (size_t)PY_SSIZE_T_MAX;
    printf("PyMem_New of too many: %s\n", PyMem_New(double, huge) == NULL ? "NULL" : "a block");
    char *b = PyMem_MALLOC(8);
    b = PyMem_REALLOC(b, 16);
    PyMem_FREE(b);
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

static const struct test_case cases[] = {
    {"versions", versions},
    {"recursion_limit", recursion_limit},
    {"recursive_call", recursive_call},
    {"stack_protection", stack_protection},
    {"fd_is_interactive", fd_is_interactive},
    {"after_fork", after_fork},
    {"frozen_main", frozen_main},
    {"perf_map", perf_map},
    {"macros", macros},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
