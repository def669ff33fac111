/* test_pathconfig: the legacy path API (Py_SetPath, Py_SetProgramName,
 * Py_SetPythonHome and the Py_Get* getters) before, during and after an
 * initialization, and the paths PyConfig_Read leaves for initialization.
 * Layouts on disk are covered by getpath_trees.sh. */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

/* Still exported by CPython 3.14, no longer declared by its headers. */
extern void Py_SetPath(const wchar_t *path);
extern void Py_SetProgramName(const wchar_t *name);
extern void Py_SetPythonHome(const wchar_t *home);
extern const PyConfig *_Py_GetConfig(void);

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static void getters(const char *when) {
    printf("%s:\n", when);
    printf("  program name: "); print_wstr(Py_GetProgramName()); putchar('\n');
    printf("  home: "); print_wstr(Py_GetPythonHome()); putchar('\n');
    printf("  full path: "); print_wstr(Py_GetProgramFullPath()); putchar('\n');
    printf("  prefix: "); print_wstr(Py_GetPrefix()); putchar('\n');
    printf("  exec prefix: "); print_wstr(Py_GetExecPrefix()); putchar('\n');
    printf("  path: "); print_wstr(Py_GetPath()); putchar('\n');
}

static int setters_before_init(void) {
    getters("nothing set");
    Py_SetProgramName(L"prog");
    Py_SetPythonHome(L"/home/a:/home/b");
    getters("name and home");
    Py_SetPythonHome(L"");
    Py_SetProgramName(NULL);
    getters("both forgotten");
    Py_SetPythonHome(L"/h");
    Py_SetPath(L"/a:/b");
    getters("home then path");
    Py_SetPath(NULL);
    getters("path NULL forgets all");
    return 0;
}

static int getter_pointer_is_stable(void) {
    Py_SetProgramName(L"stable");
    wchar_t *a = Py_GetProgramName(), *b = Py_GetProgramName();
    CHECK(a == b);
    CHECK(wcscmp(a, L"stable") == 0);
    return 0;
}

static int read_copies_legacy_values(void) {
    Py_SetProgramName(L"legacy-name");
    Py_SetPythonHome(L"/legacy/home");
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    CHECK_OK(PyConfig_SetString(&c, &c.home, L"/config/home"));
    CHECK_OK(PyConfig_Read(&c));
    printf("program_name: "); print_wstr(c.program_name); putchar('\n');
    printf("home: "); print_wstr(c.home); putchar('\n');
    printf("prefix: "); print_wstr(c.prefix); putchar('\n');
    printf("module_search_paths_set: %d\n", c.module_search_paths_set);
    PyConfig_Clear(&c);
    return 0;
}

/* An isolated init in the test home, with a program name that does not
 * depend on what PATH holds on this machine. */
static void init_home(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    CHECK_OK(PyConfig_SetString(&c, &c.program_name, L"/nonexistent/bin/python3"));
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
}

static int after_init_and_finalize(void) {
    init_home();
    const PyConfig *c = _Py_GetConfig();
    CHECK(c->module_search_paths_set == 1);
    CHECK(c->prefix != NULL && c->exec_prefix != NULL && c->stdlib_dir != NULL);
    printf("platlibdir: "); print_wstr(c->platlibdir); putchar('\n');
    printf("module_search_paths: "); print_list(&c->module_search_paths); putchar('\n');
    getters("initialized");
    CHECK(Py_FinalizeEx() == 0);
    getters("finalized");
    return 0;
}

/* Py_SetPath's list is used as given (here the test home's standard
 * library, which CPython needs to finish initializing); the prefixes are "". */
static int set_path_then_init(void) {
    const char *home = getenv("PYRT_TEST_HOME");
    wchar_t path[4096];
    swprintf(path, 4096, L"%s/lib/python3.14:%s/lib/python3.14/lib-dynload",
             home ? home : "/nonexistent", home ? home : "/nonexistent");
    Py_SetPath(path);
    Py_SetProgramName(L"/nonexistent/bin/python3");
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    const PyConfig *cfg = _Py_GetConfig();
    printf("module_search_paths: "); print_list(&cfg->module_search_paths); putchar('\n');
    printf("prefix: "); print_wstr(cfg->prefix); putchar('\n');
    printf("exec_prefix: "); print_wstr(cfg->exec_prefix); putchar('\n');
    printf("stdlib_dir: "); print_wstr(cfg->stdlib_dir); putchar('\n');
    printf("executable: "); print_wstr(cfg->executable); putchar('\n');
    getters("initialized");
    CHECK(Py_FinalizeEx() == 0);
    return 0;
}

/* A pyvenv.cfg that cannot be used stops initialization with CPython's
 * status (the explanation on stderr is each implementation's own). */
static void bad_pyvenv(int too_large) {
    char dir[64], path[128];
    snprintf(dir, sizeof dir, "/tmp/pyrt-pathconfig.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/pyvenv.cfg", dir);
    if (too_large) {
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        for (int i = 0; i < 40 * 1024; i++) fputc('#', f);
        fclose(f);
    } else {
        CHECK(symlink("pyvenv.cfg", path) == 0);
    }
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    char exe[128];
    snprintf(exe, sizeof exe, "%s/bin/python3", dir);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, exe));
    fflush(stderr);
    CHECK(freopen("/dev/null", "w", stderr) != NULL);
    PyStatus st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    print_status("init", st);
    unlink(path);
    rmdir(dir);
}

static int pyvenv_cfg_too_large(void) {
    bad_pyvenv(1);
    return 0;
}

static int pyvenv_cfg_symlink_loop(void) {
    bad_pyvenv(0);
    return 0;
}

/* Over-long paths: CPython's path joins refuse a result longer than 4096
 * characters, counting every part plus one each ("error evaluating path";
 * the explanation on stderr is each implementation's own). `member` gets
 * `len` copies of `fill` after `lead`; the home is the test home unless
 * the member is the home. */
static void init_long(const char *member, const char *lead, char fill, size_t len) {
    CHECK(setenv("PATH", "/usr/bin:/bin", 1) == 0);
    size_t n = strlen(lead);
    char *value = malloc(n + len + 1);
    CHECK(value != NULL);
    memcpy(value, lead, n);
    memset(value + n, fill, len);
    value[n + len] = '\0';
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    wchar_t **slot = !strcmp(member, "home") ? &c.home
                   : !strcmp(member, "program_name") ? &c.program_name
                   : !strcmp(member, "platlibdir") ? &c.platlibdir
                   : !strcmp(member, "base_prefix") ? &c.base_prefix
                   : &c.base_exec_prefix;
    CHECK_OK(PyConfig_SetBytesString(&c, slot, value));
    free(value);
    fflush(stderr);
    CHECK(freopen("/dev/null", "w", stderr) != NULL);
    PyStatus st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    print_status("init", st);
    if (!PyStatus_Exception(st)) CHECK(Py_FinalizeEx() == 0);
}

/* 4070 characters: the platstdlib join (26 more and two separators) passes. */
static int long_home(void) {
    init_long("home", "/", 'h', 4069);
    return 0;
}

/* 4079: the zip-archive join fails first. */
static int long_home_zip(void) {
    init_long("home", "/", 'h', 4078);
    return 0;
}

static int very_long_home(void) {
    init_long("home", "/", 'h', 70000);
    return 0;
}

/* A bare program name is looked up along PATH ("/usr/bin" first):
 * 8 + 1 + 4087 + 1 = 4097 units fit, one more does not. */
static int program_name_along_path_fits(void) {
    init_long("program_name", "", 'p', 4087);
    return 0;
}

static int program_name_along_path_too_long(void) {
    init_long("program_name", "", 'p', 4088);
    return 0;
}

static int long_platlibdir(void) {
    init_long("platlibdir", "", 'l', 5000);
    return 0;
}

static int long_base_prefix(void) {
    init_long("base_prefix", "/", 'b', 5000);
    return 0;
}

static int long_base_exec_prefix(void) {
    init_long("base_exec_prefix", "/", 'b', 5000);
    return 0;
}

/* In the C locale without coercion or UTF-8 mode every byte is a character:
 * 2040 two-byte characters are 4081 units, and the platstdlib join passes
 * the limit. */
static int long_home_bytes_in_c_locale(void) {
    CHECK(setenv("LC_ALL", "C", 1) == 0);
    CHECK(setenv("PYTHONCOERCECLOCALE", "0", 1) == 0);
    CHECK(setenv("PYTHONUTF8", "0", 1) == 0);
    char *home = malloc(1 + 2 * 2040 + 1);
    CHECK(home != NULL);
    home[0] = '/';
    for (int i = 0; i < 2040; i++) memcpy(home + 1 + 2 * i, "\xc3\xa9", 2);
    home[1 + 2 * 2040] = '\0';
    CHECK(setenv("PYTHONHOME", home, 1) == 0);
    free(home);
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    fflush(stderr);
    CHECK(freopen("/dev/null", "w", stderr) != NULL);
    PyStatus st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    print_status("init", st);
    return 0;
}

/* Initialization where no standard library is: CPython's main phase
 * cannot import `encodings`; it writes its path configuration report to
 * stderr and returns an error status without a function name. */
static int init_without_stdlib(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, "/nonexistent/bin/python3"));
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, "/nonexistent/stdlib-less-home"));
    PyStatus st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    fflush(stderr);
    print_status("Py_InitializeFromConfig", st);
    printf("func is NULL: %d\n", st.func == NULL);
    printf("Py_IsInitialized: %d\n", Py_IsInitialized());
    printf("Py_FinalizeEx: %d\n", Py_FinalizeEx());
    return 0;
}

/* The same with the search path set by the caller: the standard library
 * must be on it. */
static int init_search_path_without_stdlib(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, "/nonexistent/bin/python3"));
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, "/nonexistent/stdlib-less-home"));
    c.module_search_paths_set = 1;
    CHECK_OK(PyWideStringList_Append(&c.module_search_paths, L"/nonexistent/dir"));
    CHECK_OK(PyWideStringList_Append(&c.module_search_paths, L"relative/dir"));
    PyStatus st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    fflush(stderr);
    print_status("Py_InitializeFromConfig", st);
    printf("Py_IsInitialized: %d\n", Py_IsInitialized());
    return 0;
}

static const struct test_case cases[] = {
    {"init_without_stdlib", init_without_stdlib},
    {"init_search_path_without_stdlib", init_search_path_without_stdlib},
    {"long_home", long_home},
    {"long_home_zip", long_home_zip},
    {"very_long_home", very_long_home},
    {"program_name_along_path_fits", program_name_along_path_fits},
    {"program_name_along_path_too_long", program_name_along_path_too_long},
    {"long_platlibdir", long_platlibdir},
    {"long_base_prefix", long_base_prefix},
    {"long_base_exec_prefix", long_base_exec_prefix},
    {"long_home_bytes_in_c_locale", long_home_bytes_in_c_locale},
    {"pyvenv_cfg_too_large", pyvenv_cfg_too_large},
    {"pyvenv_cfg_symlink_loop", pyvenv_cfg_symlink_loop},
    {"setters_before_init", setters_before_init},
    {"getter_pointer_is_stable", getter_pointer_is_stable},
    {"read_copies_legacy_values", read_copies_legacy_values},
    {"after_init_and_finalize", after_init_and_finalize},
    {"set_path_then_init", set_path_then_init},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
