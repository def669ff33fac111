/* test_lifecycle: initialization, finalization, re-initialization, exit
 * callbacks, pending calls, fatal errors and exit statuses, the front end.
 * Every case configures config.home from PYRT_TEST_HOME (CPython needs its
 * standard library; pyrt records it). */
#include "harness.h"

extern const PyConfig *_Py_GetConfig(void);

/* The legacy flags are deprecated in CPython's headers; reading them is the point. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static void set_home_env(void) {
    const char *home = getenv("PYRT_TEST_HOME");
    setenv("PYTHONHOME", home ? home : "/nonexistent", 1);
}

static void state(const char *when) {
    printf("%s: initialized=%d finalizing=%d\n", when, Py_IsInitialized(), Py_IsFinalizing());
}

static int init_finalize(void) {
    state("before");
    init_isolated();
    state("after init");
    PyThreadState *t = PyThreadState_Get();
    CHECK(t != NULL && t == PyThreadState_GetUnchecked());
    PyInterpreterState *interp = PyInterpreterState_Get();
    CHECK(interp == PyThreadState_GetInterpreter(t));
    CHECK(interp == PyInterpreterState_Main());
    printf("interp id %lld, tstate id %llu\n", (long long)PyInterpreterState_GetID(interp),
           (unsigned long long)PyThreadState_GetID(t));
    printf("finalize: %d\n", Py_FinalizeEx());
    state("after finalize");
    CHECK(PyThreadState_GetUnchecked() == NULL);
    printf("finalize again: %d\n", Py_FinalizeEx());
    return 0;
}

static int finalize_never_initialized(void) {
    printf("finalize: %d\n", Py_FinalizeEx());
    Py_Finalize();
    state("after");
    return 0;
}

static void report(const char *name) {
    printf("%s: initialized=%d finalizing=%d tstate=%s\n", name, Py_IsInitialized(),
           Py_IsFinalizing(), PyThreadState_GetUnchecked() ? "set" : "NULL");
}
static void cb1(void) { report("Py_AtExit cb1"); }
static void cb2(void) { report("Py_AtExit cb2"); }
static void cb3(void) { report("Py_AtExit cb3"); }
static void ucb(void *data) { report((const char *)data); }

static int atexit_order(void) {
    CHECK_EQ_INT(Py_AtExit(cb1), 0); /* before initialization */
    init_isolated();
    CHECK_EQ_INT(Py_AtExit(cb2), 0);
    CHECK_EQ_INT(Py_AtExit(cb3), 0);
    PyInterpreterState *interp = PyInterpreterState_Get();
    CHECK_EQ_INT(PyUnstable_AtExit(interp, ucb, "PyUnstable_AtExit A"), 0);
    CHECK_EQ_INT(PyUnstable_AtExit(interp, ucb, "PyUnstable_AtExit B"), 0);
    puts("finalizing");
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int ncalled;
static void count_cb(void) { ncalled++; }

static int atexit_capacity(void) {
    for (int i = 0; i < 32; i++) CHECK_EQ_INT(Py_AtExit(count_cb), 0);
    printf("33rd registration: %d\n", Py_AtExit(count_cb));
    init_isolated();
    printf("finalize: %d, callbacks run: %d\n", Py_FinalizeEx(), ncalled);
    return 0;
}

static void late_cb(void) { puts("late callback (must not run)"); }

static int atexit_lost_after_finalize(void) {
    /* A registration between finalization and the next initialization is dropped. */
    init_isolated();
    Py_FinalizeEx();
    Py_AtExit(late_cb);
    init_isolated();
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static void reentrant_cb(void) {
    printf("in callback: Py_IsInitialized=%d, Py_AtExit again=%d\n", Py_IsInitialized(),
           Py_AtExit(cb1));
}

static int atexit_reentrant(void) {
    init_isolated();
    Py_AtExit(reentrant_cb);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int reinit_loop(void) {
    for (int i = 0; i < 4; i++) {
        init_isolated();
        PyThreadState *t = PyThreadState_Get();
        printf("pass %d: initialized=%d interp %lld tstate %llu\n", i, Py_IsInitialized(),
               (long long)PyInterpreterState_GetID(PyThreadState_GetInterpreter(t)),
               (unsigned long long)PyThreadState_GetID(t));
        CHECK_EQ_INT(Py_FinalizeEx(), 0);
    }
    state("end");
    return 0;
}

static int pending_ran;
static int pending_ok(void *arg) { pending_ran++; (void)arg; return 0; }
static int pending_fail(void *arg) { printf("failing pending call %s\n", (const char *)arg); return -1; }

static int pending_calls(void) {
    init_isolated();
    int added = 0;
    for (int i = 0; i < 40; i++) added += Py_AddPendingCall(pending_ok, NULL) == 0;
    printf("added: %d\n", added);
    printf("make: %d ran %d\n", Py_MakePendingCalls(), pending_ran);
    printf("make again: %d\n", Py_MakePendingCalls());
    Py_AddPendingCall(pending_ok, NULL);
    Py_AddPendingCall(pending_fail, "x");
    Py_AddPendingCall(pending_ok, NULL);
    printf("make with failure: %d ran %d\n", Py_MakePendingCalls(), pending_ran);
    printf("make rest: %d ran %d\n", Py_MakePendingCalls(), pending_ran);
    Py_AddPendingCall(pending_ok, NULL);
    Py_AddPendingCall(pending_ok, NULL);
    printf("finalize: %d ran %d\n", Py_FinalizeEx(), pending_ran);
    return 0;
}

static int init_main_zero(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    c._init_main = 0;
    CHECK_OK(Py_InitializeFromConfig(&c));
    state("core only");
    printf("finalize core only: %d\n", Py_FinalizeEx());
    state("still core");
    c._init_main = 1;
    CHECK_OK(Py_InitializeFromConfig(&c));
    state("after second init");
    PyConfig_Clear(&c);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int initialize_twice(void) {
    init_isolated();
    set_home_env();
    Py_Initialize(); /* no-op */
    state("after Py_Initialize");
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int init_null_config(void) {
    print_status("init NULL", Py_InitializeFromConfig(NULL));
    state("after");
    return 0;
}

static int init_exit_status(void) {
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    char *argv[] = {"prog", "-z"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 2, argv));
    PyStatus st = Py_InitializeFromConfig(&c);
    print_status("init -z", st);
    PyConfig_Clear(&c);
    state("after");
    return 0;
}

static int init_error_status(void) {
    setenv("PYTHONHASHSEED", "nope", 1);
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    print_status("init", Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    state("after");
    return 0;
}

static int config_after_init(void) {
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    char *argv[] = {"prog", "-bb", "-i", "-i", "-X", "dev", "-W", "ignore", "-O", "-c", "pass", "arg"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 12, argv));
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    const PyConfig *cur = _Py_GetConfig();
    printf("bytes_warning %d dev_mode %d optimization_level %d parse_argv %d inspect %d "
           "interactive %d\n", cur->bytes_warning, cur->dev_mode, cur->optimization_level,
           cur->parse_argv, cur->inspect, cur->interactive);
    printf("argv ");
    print_list(&cur->argv);
    printf("\nwarnoptions ");
    print_list(&cur->warnoptions);
    printf("\norig_argv ");
    print_list(&cur->orig_argv);
    printf("\nrun_command ");
    print_wstr(cur->run_command);
    printf("\nfilesystem ");
    print_wstr(cur->filesystem_encoding);
    printf(" ");
    print_wstr(cur->filesystem_errors);
    printf("\nstdio ");
    print_wstr(cur->stdio_encoding);
    printf(" ");
    print_wstr(cur->stdio_errors);
    printf("\nhome ");
    print_wstr(cur->home);
    putchar('\n');
    int argc = -1;
    wchar_t **wargv = NULL;
    Py_GetArgcArgv(&argc, &wargv);
    printf("Py_GetArgcArgv argc=%d argv[1]=", argc);
    print_wstr(wargv[1]);
    putchar('\n');
    int v = -1;
    printf("GetInt bytes_warning %d -> %d\n", PyConfig_GetInt("bytes_warning", &v), v);
    printf("GetInt utf8_mode %d -> %d\n", PyConfig_GetInt("utf8_mode", &v), v);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int encodings_normalized(void) {
    /* After initialization encodings carry Python's codec names. */
    static const char *const names[] = {"latin1", "UTF8", "us-ascii", "cp424", "ISO-8859-1", NULL};
    for (const char *const *n = names; *n; n++) {
        PyConfig c;
        PyConfig_InitIsolatedConfig(&c);
        const char *home = getenv("PYRT_TEST_HOME");
        CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
        CHECK_OK(PyConfig_SetBytesString(&c, &c.stdio_encoding, *n));
        CHECK_OK(Py_InitializeFromConfig(&c));
        PyConfig_Clear(&c);
        printf("%s -> ", *n);
        print_wstr(_Py_GetConfig()->stdio_encoding);
        putchar('\n');
        Py_FinalizeEx();
    }
    return 0;
}

static int legacy_globals(void) {
    printf("before: Py_HashRandomizationFlag %d fs %s\n", Py_HashRandomizationFlag,
           Py_FileSystemDefaultEncoding ? Py_FileSystemDefaultEncoding : "NULL");
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    char *argv[] = {"prog", "-B", "-s", "-u", "-q", "-d"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 6, argv));
    c.site_import = 0;
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    printf("after init: debug %d dont_write %d no_user_site %d unbuffered %d quiet %d no_site %d "
           "hashrand %d ignore_env %d isolated %d frozen %d\n",
           Py_DebugFlag, Py_DontWriteBytecodeFlag, Py_NoUserSiteDirectory, Py_UnbufferedStdioFlag,
           Py_QuietFlag, Py_NoSiteFlag, Py_HashRandomizationFlag, Py_IgnoreEnvironmentFlag,
           Py_IsolatedFlag, Py_FrozenFlag);
    printf("fs %s %s\n", Py_FileSystemDefaultEncoding, Py_FileSystemDefaultEncodeErrors);
    Py_FinalizeEx();
    printf("after finalize: fs %s debug %d\n",
           Py_FileSystemDefaultEncoding ? Py_FileSystemDefaultEncoding : "NULL", Py_DebugFlag);
    return 0;
}

static int compat_initialize(void) {
    set_home_env();
    Py_VerboseFlag = 0;
    Py_NoSiteFlag = 1;
    Py_Initialize();
    state("after Py_Initialize");
    const PyConfig *cur = _Py_GetConfig();
    printf("config_init %d site_import %d install_signal_handlers %d\n", cur->_config_init,
           cur->site_import, cur->install_signal_handlers);
    Py_Finalize();
    state("after Py_Finalize");
    return 0;
}

static int save_restore_thread(void) {
    init_isolated();
    PyThreadState *t = PyEval_SaveThread();
    CHECK(t != NULL);
    printf("after save: current %s\n", PyThreadState_GetUnchecked() ? "set" : "NULL");
    PyEval_RestoreThread(t);
    printf("after restore: current is saved %d\n", PyThreadState_GetUnchecked() == t);
    PyThreadState *old = PyThreadState_Swap(NULL);
    printf("swap NULL: old is t %d, current %s\n", old == t, PyThreadState_GetUnchecked() ? "set" : "NULL");
    printf("swap back: %s\n", PyThreadState_Swap(t) == NULL ? "NULL" : "set");
    printf("swap same: %d\n", PyThreadState_Swap(t) == t);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int finalize_without_tstate(void) {
    init_isolated();
    PyEval_SaveThread();
    printf("finalize with the GIL released: %d\n", Py_FinalizeEx());
    state("after");
    return 0;
}

static int exit_status_error(void) {
    Py_ExitStatusException(PyStatus_Error("my error message"));
}

static int exit_status_exit(void) {
    Py_ExitStatusException(PyStatus_Exit(42));
}

static int exit_status_ok(void) {
    Py_ExitStatusException(PyStatus_Ok());
}

static int fatal_before_init(void) {
    fflush(stdout);
    Py_FatalError("custom message");
}

static int fatal_initialized(void) {
    init_isolated();
    Py_FatalError("custom message");
}

static int fatal_after_finalize(void) {
    init_isolated();
    Py_FinalizeEx();
    Py_FatalError("after finalize");
}

static int tstate_get_without_tstate(void) {
    PyThreadState_Get();
    return 0;
}

static int get_config_without_tstate(void) {
    _Py_GetConfig();
    return 0;
}

static int py_exit(void) {
    init_isolated();
    Py_AtExit(cb1);
    Py_Exit(7);
}

static int bytes_main_version(void) {
    char *argv[] = {"prog", "-V"};
    printf("Py_BytesMain -> %d\n", Py_BytesMain(2, argv));
    return 0;
}

static int bytes_main_usage(void) {
    char *argv[] = {"prog", "-z"};
    int rc = Py_BytesMain(2, argv);
    printf("Py_BytesMain -> %d\n", rc);
    state("after");
    return 0;
}

static int main_wide_help_env(void) {
    wchar_t *argv[] = {L"prog", L"-E", L"--version"};
    printf("Py_Main -> %d\n", Py_Main(3, argv));
    return 0;
}

static int initconfig_exit(void) {
    PyInitConfig *c = PyInitConfig_Create();
    char *argv[] = {"./prog", "--version"};
    CHECK(PyInitConfig_SetStrList(c, "argv", 2, argv) == 0);
    CHECK(PyInitConfig_SetInt(c, "parse_argv", 1) == 0);
    printf("init: %d\n", Py_InitializeFromInitConfig(c));
    int code = -1;
    const char *msg = NULL;
    printf("exit code %d %d\n", PyInitConfig_GetExitCode(c, &code), code);
    printf("error %d %s\n", PyInitConfig_GetError(c, &msg), msg);
    PyInitConfig_Free(c);
    state("after");
    return 0;
}

static int initconfig_init(void) {
    PyInitConfig *c = PyInitConfig_Create();
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK(PyInitConfig_SetStr(c, "home", home ? home : "/nonexistent") == 0);
    CHECK(PyInitConfig_SetInt(c, "dev_mode", 1) == 0);
    CHECK(PyInitConfig_SetInt(c, "hash_seed", 10) == 0);
    printf("init: %d\n", Py_InitializeFromInitConfig(c));
    const PyConfig *cur = _Py_GetConfig();
    printf("dev_mode %d use_hash_seed %d hash_seed %lu faulthandler %d warnoptions ",
           cur->dev_mode, cur->use_hash_seed, cur->hash_seed, cur->faulthandler);
    print_list(&cur->warnoptions);
    putchar('\n');
    PyInitConfig_Free(c);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}

static int inittab_before_init(void) {
    printf("append: %d\n", PyImport_AppendInittab("pyrt_test_module", NULL));
    int n = 0;
    for (struct _inittab *p = PyImport_Inittab; p->name; p++)
        if (strcmp(p->name, "pyrt_test_module") == 0) n++;
    printf("entries named pyrt_test_module: %d\n", n);
    return 0;
}

static int inittab_after_init(void) {
    init_isolated();
    fflush(stdout);
    PyImport_AppendInittab("late", NULL);
    return 0;
}

static const struct test_case cases[] = {
    {"init_finalize", init_finalize},
    {"finalize_never_initialized", finalize_never_initialized},
    {"atexit_order", atexit_order},
    {"atexit_capacity", atexit_capacity},
    {"atexit_lost_after_finalize", atexit_lost_after_finalize},
    {"atexit_reentrant", atexit_reentrant},
    {"reinit_loop", reinit_loop},
    {"pending_calls", pending_calls},
    {"init_main_zero", init_main_zero},
    {"initialize_twice", initialize_twice},
    {"init_null_config", init_null_config},
    {"init_exit_status", init_exit_status},
    {"init_error_status", init_error_status},
    {"config_after_init", config_after_init},
    {"encodings_normalized", encodings_normalized},
    {"legacy_globals", legacy_globals},
    {"compat_initialize", compat_initialize},
    {"save_restore_thread", save_restore_thread},
    {"finalize_without_tstate", finalize_without_tstate},
    {"exit_status_error", exit_status_error},
    {"exit_status_exit", exit_status_exit},
    {"exit_status_ok", exit_status_ok},
    {"fatal_before_init", fatal_before_init},
    {"fatal_initialized", fatal_initialized},
    {"fatal_after_finalize", fatal_after_finalize},
    {"tstate_get_without_tstate", tstate_get_without_tstate},
    {"get_config_without_tstate", get_config_without_tstate},
    {"py_exit", py_exit},
    {"bytes_main_version", bytes_main_version},
    {"bytes_main_usage", bytes_main_usage},
    {"main_wide_help_env", main_wide_help_env},
    {"initconfig_exit", initconfig_exit},
    {"initconfig_init", initconfig_init},
    {"inittab_before_init", inittab_before_init},
    {"inittab_after_init", inittab_after_init},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
