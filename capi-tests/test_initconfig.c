/* test_initconfig: PyStatus, PyWideStringList, the PyPreConfig / PyConfig
 * initializers, PyConfig_Clear and the PyConfig_Set* helpers. */
#include "config_dump.h"

/* Exported by both libraries, declared only in CPython's internal headers. */
extern void _PyConfig_InitCompatConfig(PyConfig *config);
extern void _PyPreConfig_InitCompatConfig(PyPreConfig *config);

/* --- PyStatus --------------------------------------------------------- */

static int status_constructors(void) {
    PyStatus ok = PyStatus_Ok();
    CHECK(ok._type == 0 && ok.func == NULL && ok.err_msg == NULL && ok.exitcode == 0);
    CHECK(!PyStatus_Exception(ok) && !PyStatus_IsError(ok) && !PyStatus_IsExit(ok));

    static const char msg[] = "custom failure";
    PyStatus err = PyStatus_Error(msg);
    CHECK(err.err_msg == msg); /* stored, not copied */
    CHECK(err.func == NULL && err.exitcode == 0);
    CHECK(PyStatus_Exception(err) && PyStatus_IsError(err) && !PyStatus_IsExit(err));

    PyStatus nomem = PyStatus_NoMemory();
    CHECK(PyStatus_IsError(nomem) && nomem.func == NULL);
    printf("nomem: %s\n", nomem.err_msg);

    PyStatus ex = PyStatus_Exit(3);
    CHECK(PyStatus_Exception(ex) && PyStatus_IsExit(ex) && !PyStatus_IsError(ex));
    CHECK(ex.err_msg == NULL && ex.func == NULL);
    CHECK_EQ_INT(ex.exitcode, 3);
    CHECK_EQ_INT(PyStatus_Exit(-5).exitcode, -5);
    CHECK_EQ_INT(PyStatus_Exit(0)._type, 2);

    print_status("ok", ok);
    print_status("err", err);
    print_status("exit", ex);
    return 0;
}

/* --- PyWideStringList ------------------------------------------------- */

static void clear_list(PyWideStringList *l) {
    for (Py_ssize_t i = 0; i < l->length; i++) PyMem_RawFree(l->items[i]);
    PyMem_RawFree(l->items);
    l->length = 0;
    l->items = NULL;
}

static int wstrlist_insert(void) {
    PyWideStringList l = {0, NULL};
    CHECK_OK(PyWideStringList_Append(&l, L"b"));
    CHECK_OK(PyWideStringList_Insert(&l, 0, L"a"));
    CHECK_OK(PyWideStringList_Insert(&l, 2, L"d"));
    CHECK_OK(PyWideStringList_Insert(&l, 2, L"c"));
    CHECK_OK(PyWideStringList_Insert(&l, 1000, L"z")); /* past the end: appended */
    CHECK_OK(PyWideStringList_Append(&l, L"\u00e9\u20ac"));
    print_list(&l);
    putchar('\n');
    CHECK_EQ_INT(l.length, 6);

    wchar_t item[] = L"copy";
    CHECK_OK(PyWideStringList_Append(&l, item));
    CHECK(l.items[6] != item); /* duplicated */
    item[0] = L'X';
    CHECK(wcscmp(l.items[6], L"copy") == 0);

    PyStatus st = PyWideStringList_Insert(&l, -1, L"neg");
    print_status("insert -1", st);
    CHECK_EQ_INT(l.length, 7);
    clear_list(&l);
    return 0;
}

static int wstrlist_append_empty_string(void) {
    PyWideStringList l = {0, NULL};
    CHECK_OK(PyWideStringList_Append(&l, L""));
    CHECK_EQ_INT(l.length, 1);
    CHECK(l.items[0][0] == L'\0');
    clear_list(&l);
    CHECK(l.items == NULL);
    return 0;
}

/* --- initializers ----------------------------------------------------- */

static int preconfig_python(void) {
    PyPreConfig c;
    memset(&c, 0xAB, sizeof c);
    PyPreConfig_InitPythonConfig(&c);
    dump_preconfig(&c);
    return 0;
}

static int preconfig_isolated(void) {
    PyPreConfig c;
    memset(&c, 0xAB, sizeof c);
    PyPreConfig_InitIsolatedConfig(&c);
    dump_preconfig(&c);
    return 0;
}

static int preconfig_compat(void) {
    PyPreConfig c;
    memset(&c, 0xAB, sizeof c);
    _PyPreConfig_InitCompatConfig(&c);
    dump_preconfig(&c);
    return 0;
}

static int config_python(void) {
    PyConfig c;
    memset(&c, 0xAB, sizeof c);
    PyConfig_InitPythonConfig(&c);
    dump_config(&c);
    PyConfig_Clear(&c);
    return 0;
}

static int config_isolated(void) {
    PyConfig c;
    memset(&c, 0xAB, sizeof c);
    PyConfig_InitIsolatedConfig(&c);
    dump_config(&c);
    PyConfig_Clear(&c);
    return 0;
}

static int config_compat(void) {
    PyConfig c;
    memset(&c, 0xAB, sizeof c);
    _PyConfig_InitCompatConfig(&c);
    dump_config(&c);
    PyConfig_Clear(&c);
    return 0;
}

/* --- setters and Clear ------------------------------------------------ */

static void fill(PyConfig *c) {
    wchar_t *argv[] = {L"prog", L"-c", L"pass"};
    wchar_t *xopts[] = {L"dev", L"utf8=1"};
    CHECK_OK(PyConfig_SetString(c, &c->program_name, L"prog"));
    CHECK_OK(PyConfig_SetString(c, &c->home, L"/opt/py"));
    CHECK_OK(PyConfig_SetBytesString(c, &c->pythonpath_env, "/a:/b"));
    CHECK_OK(PyConfig_SetArgv(c, 3, argv));
    CHECK_OK(PyConfig_SetWideStringList(c, &c->xoptions, 2, xopts));
    CHECK_OK(PyWideStringList_Append(&c->warnoptions, L"ignore"));
    c->module_search_paths_set = 1;
    CHECK_OK(PyWideStringList_Append(&c->module_search_paths, L"/lib/py"));
}

static int clear_resets_members(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    fill(&c);
    c.verbose = 7;
    dump_config(&c);
    puts("-- after clear");
    PyConfig_Clear(&c);
    dump_config(&c); /* strings NULL, lists empty, ints kept */
    PyConfig_Clear(&c); /* twice is harmless */
    return 0;
}

static int set_string_replaces(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    wchar_t buf[] = L"first";
    CHECK_OK(PyConfig_SetString(&c, &c.home, buf));
    CHECK(c.home != buf);
    buf[0] = L'F';
    print_wstr(c.home);
    putchar('\n');
    CHECK_OK(PyConfig_SetString(&c, &c.home, L"second"));
    print_wstr(c.home);
    putchar('\n');
    CHECK_OK(PyConfig_SetString(&c, &c.home, NULL));
    CHECK(c.home == NULL);
    CHECK_OK(PyConfig_SetString(&c, &c.home, L""));
    print_wstr(c.home);
    putchar('\n');
    PyConfig_Clear(&c);
    return 0;
}

static int set_bytes_string_isolated(void) {
    /* Isolated pre-initialization: the C locale, no UTF-8 mode. */
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, "ascii-name"));
    print_wstr(c.program_name);
    putchar('\n');
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, "caf\xc3\xa9/\xff"));
    print_wstr(c.home); /* undecodable bytes are escaped, never an error */
    putchar('\n');
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, NULL));
    CHECK(c.home == NULL);
    PyConfig_Clear(&c);
    return 0;
}

static int set_bytes_string_utf8_mode(void) {
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.utf8_mode = 1;
    CHECK_OK(Py_PreInitialize(&pre));
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, "caf\xc3\xa9/\xff\xe2\x82"));
    print_wstr(c.home);
    putchar('\n');
    PyConfig_Clear(&c);
    return 0;
}

static int set_argv(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    wchar_t *argv[] = {L"prog", L"-X", L"dev", L"script.py", L"arg"};
    CHECK_OK(PyConfig_SetArgv(&c, 5, argv));
    print_list(&c.argv);
    putchar('\n');
    CHECK(c.argv.items[0] != argv[0]);
    CHECK_EQ_INT(c.orig_argv.length, 0); /* only argv is set */
    CHECK_EQ_INT(c.parse_argv, 0);
    CHECK_OK(PyConfig_SetArgv(&c, 1, argv)); /* replaces */
    print_list(&c.argv);
    putchar('\n');
    CHECK_OK(PyConfig_SetArgv(&c, 0, NULL));
    CHECK(c.argv.length == 0);
    PyConfig_Clear(&c);
    return 0;
}

static int set_bytes_argv(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    char *argv[] = {"prog", "caf\xc3\xa9", "\xff", ""};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 4, argv));
    print_list(&c.argv);
    putchar('\n');
    PyConfig_Clear(&c);
    return 0;
}

static int set_bytes_argv_utf8_flag_preinits(void) {
    /* A Python config parses its argv during implicit pre-initialization:
     * -X utf8 among the bytes arguments turns UTF-8 mode on. */
    setenv("LC_ALL", "C", 1);
    unsetenv("PYTHONUTF8");
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    char *argv[] = {"prog", "-X", "utf8", "caf\xc3\xa9"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 4, argv));
    print_list(&c.argv);
    putchar('\n');
    size_t len = 0;
    wchar_t *w = Py_DecodeLocale("\xc3\xa9", &len);
    CHECK(w != NULL);
    printf("decoded len %zu first U+%04lx\n", len, (unsigned long)w[0]);
    PyMem_RawFree(w);
    PyConfig_Clear(&c);
    return 0;
}

static int set_wide_string_list(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    wchar_t *items[] = {L"default", L"error::DeprecationWarning"};
    CHECK_OK(PyConfig_SetWideStringList(&c, &c.warnoptions, 2, items));
    print_list(&c.warnoptions);
    putchar('\n');
    CHECK(c.warnoptions.items[1] != items[1]);
    CHECK_OK(PyConfig_SetWideStringList(&c, &c.warnoptions, 1, items + 1));
    print_list(&c.warnoptions);
    putchar('\n');
    CHECK_OK(PyConfig_SetWideStringList(&c, &c.warnoptions, 0, NULL));
    CHECK(c.warnoptions.length == 0 && c.warnoptions.items == NULL);
    PyConfig_Clear(&c);
    return 0;
}

static int negative_counts(void) {
    /* CPython's size computations fail: out-of-memory statuses, lists kept. */
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    wchar_t *items[] = {L"kept"};
    CHECK_OK(PyConfig_SetWideStringList(&c, &c.xoptions, 1, items));
    print_status("SetArgv(-1)", PyConfig_SetArgv(&c, -1, NULL));
    print_status("SetBytesArgv(-1)", PyConfig_SetBytesArgv(&c, -1, NULL));
    print_status("SetWideStringList(-1)", PyConfig_SetWideStringList(&c, &c.xoptions, -1, items));
    print_list(&c.xoptions);
    putchar('\n');
    PyWideStringList broken = {-1, NULL};
    print_status("Append to length -1", PyWideStringList_Append(&broken, L"x"));
    PyConfig_Clear(&c);
    return 0;
}

static int clear_zeroed_config(void) {
    PyConfig c;
    memset(&c, 0, sizeof c);
    PyConfig_Clear(&c);
    dump_config(&c);
    return 0;
}

static int preinitialize_once(void) {
    /* The first pre-initialization wins; later ones are ignored. */
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    CHECK_OK(Py_PreInitialize(&pre));
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.utf8_mode = 1;
    CHECK_OK(Py_PreInitialize(&pre));
    size_t len = 0;
    wchar_t *w = Py_DecodeLocale("\xc3\xa9", &len);
    CHECK(w != NULL);
    printf("decoded len %zu\n", len);
    PyMem_RawFree(w);
    return 0;
}

static int preinitialize_null(void) {
    print_status("preinit NULL", Py_PreInitialize(NULL));
    return 0;
}

/* A list member with a negative length, as CPython takes it: PyConfig_Read
 * fails for argv, rebuilds warnoptions, and leaves the others as they are;
 * initialization then fails copying the config. */
static int negative_list_lengths(void) {
    static const char *names[] = {"orig_argv", "argv", "xoptions", "warnoptions",
                                  "module_search_paths"};
    for (int i = 0; i < 5; i++) {
        PyConfig c;
        PyConfig_InitIsolatedConfig(&c);
        const char *home = getenv("PYRT_TEST_HOME");
        CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
        PyWideStringList *lists[] = {&c.orig_argv, &c.argv, &c.xoptions, &c.warnoptions,
                                     &c.module_search_paths};
        lists[i]->length = -1;
        printf("%s:\n", names[i]);
        PyStatus st = PyConfig_Read(&c);
        print_status("  read", st);
        printf("  length after read: %zd\n", lists[i]->length);
        if (!PyStatus_Exception(st)) {
            st = Py_InitializeFromConfig(&c);
            print_status("  init", st);
            if (!PyStatus_Exception(st)) printf("  finalize: %d\n", Py_FinalizeEx());
        }
        lists[i]->length = 0; /* as the caller must before clearing */
        PyConfig_Clear(&c);
    }
    return 0;
}

static const struct test_case cases[] = {
    {"status_constructors", status_constructors},
    {"negative_list_lengths", negative_list_lengths},
    {"wstrlist_insert", wstrlist_insert},
    {"wstrlist_append_empty_string", wstrlist_append_empty_string},
    {"preconfig_python", preconfig_python},
    {"preconfig_isolated", preconfig_isolated},
    {"preconfig_compat", preconfig_compat},
    {"config_python", config_python},
    {"config_isolated", config_isolated},
    {"config_compat", config_compat},
    {"clear_resets_members", clear_resets_members},
    {"set_string_replaces", set_string_replaces},
    {"set_bytes_string_isolated", set_bytes_string_isolated},
    {"set_bytes_string_utf8_mode", set_bytes_string_utf8_mode},
    {"set_argv", set_argv},
    {"set_bytes_argv", set_bytes_argv},
    {"set_bytes_argv_utf8_flag_preinits", set_bytes_argv_utf8_flag_preinits},
    {"set_wide_string_list", set_wide_string_list},
    {"negative_counts", negative_counts},
    {"clear_zeroed_config", clear_zeroed_config},
    {"preinitialize_once", preinitialize_once},
    {"preinitialize_null", preinitialize_null},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
