/* pyrt_trace: pyrt's trace (PYRT_TRACE, PYRT_TRACE_FORMAT; issue #17):
 * what getpath examined for a venv, in order; the lifecycle steps as JSON
 * lines; silence when it is off. Expected output recorded from pyrt. */
#define _GNU_SOURCE
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void mkfile(const char *rel, const char *content, int exec) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    fputs(content, f);
    fclose(f);
    if (exec) CHECK(chmod(p, 0755) == 0);
}

static void mkdirs(const char *rel) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    for (char *s = p + strlen(root) + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    }
    mkdir(p, 0755);
}

/* A base installation and a venv made from it. */
static void make_venv(void) {
    snprintf(root, sizeof root, "/tmp/pyrt-trace.XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    mkdirs("base/bin");
    mkdirs("base/lib/python3.14/lib-dynload");
    mkdirs("venv/bin");
    mkfile("base/bin/python3", "", 1);
    mkfile("base/lib/python3.14/os.py", "", 0);
    mkdirs("base/lib/python3.14/encodings");
    mkfile("base/lib/python3.14/encodings/__init__.py", "", 0);
    mkfile("venv/bin/python3", "", 1);
    char cfg[256];
    snprintf(cfg, sizeof cfg, "home = %s/base/bin\ninclude-system-site-packages = false\n", root);
    mkfile("venv/pyvenv.cfg", cfg, 0);
}

/* Prints the trace file's lines of `category` about the temporary tree,
 * with the timestamp dropped and the tree shown as <root>. The order is
 * CPython's: strace shows CPython 3.14 looking at the tree's files in the
 * same order (checked when this case was written). */
static void print_lines(const char *path, const char *const *prefixes, int only_tree) {
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *rest = line;
        CHECK(strncmp(rest, "pyrt-trace ", 11) == 0);
        rest = strchr(rest + 11, ' ');
        CHECK(rest != NULL);
        rest++;
        int wanted = 0;
        for (const char *const *p = prefixes; *p; p++) wanted |= !strncmp(rest, *p, strlen(*p));
        if (!wanted) continue;
        /* Only the tree's paths: the library's own directory and the
         * directories above the tree depend on the machine. */
        if (only_tree && !strstr(rest, root)) continue;
        for (char *p = rest; *p; p++) {
            if (!strncmp(p, root, strlen(root))) {
                fputs("<root>", stdout);
                p += strlen(root) - 1;
            } else {
                putchar(*p);
            }
        }
    }
    fclose(f);
}

static void print_trace(const char *path, const char *category) {
    const char *const prefixes[] = {category, NULL};
    print_lines(path, prefixes, 1);
}

static void remove_tree(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    CHECK(system(cmd) == 0);
}

/* The getpath lines for a venv: pyvenv.cfg read one directory up, then the
 * landmarks under the base installation, in the order they were looked at. */
static int venv_getpath(void) {
    make_venv();
    char trace[128], program[128];
    snprintf(trace, sizeof trace, "%s/trace.txt", root);
    CHECK(setenv("PYRT_TRACE", trace, 1) == 0);
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    snprintf(program, sizeof program, "%s/venv/bin/python3", root);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, program));
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
    CHECK(Py_FinalizeEx() == 0);
    print_trace(trace, "getpath ");
    remove_tree();
    return 0;
}

/* The site lines for the same venv with a .pth file in its site-packages
 * (PyRT_ComputeSysPath): pyvenv.cfg, the site directories of each prefix,
 * the .pth file, each of its lines and what became of it. */
static int venv_site(void) {
    make_venv();
    mkdirs("venv/lib/python3.14/site-packages");
    mkdirs("src");
    char pth[256];
    snprintf(pth, sizeof pth, "# editable\n%s/src\nmissing\nimport os\n", root);
    mkfile("venv/lib/python3.14/site-packages/dev.pth", pth, 0);
    char trace[128], program[128];
    snprintf(trace, sizeof trace, "%s/trace.txt", root);
    CHECK(setenv("PYRT_TRACE", trace, 1) == 0);
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    char *argv[] = {"python3", "-s", "-c", "pass"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 4, argv));
    snprintf(program, sizeof program, "%s/venv/bin/python3", root);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, program));
    PyWideStringList path = {0, NULL};
    CHECK_OK(PyRT_ComputeSysPath(&c, PYRT_SITE_LAYOUT_DEBIAN, 0, &path));
    printf("%d entries\n", (int)path.length);
    for (Py_ssize_t i = 0; i < path.length; i++) PyMem_RawFree(path.items[i]);
    PyMem_RawFree(path.items);
    PyConfig_Clear(&c);
    print_trace(trace, "site ");
    remove_tree();
    return 0;
}

/* The cache lines of PyRT_SysPathCache_Compute: the first answer kept,
 * given again twice, computed after a .pth file appears, and after the
 * environment changes. */
static void cache_call(PyRT_SysPathCache *cache) {
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    char *argv[] = {"python3", "-s", "-c", "pass"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 4, argv));
    char program[128];
    snprintf(program, sizeof program, "%s/venv/bin/python3", root);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, program));
    PyWideStringList path = {0, NULL};
    CHECK_OK(PyRT_SysPathCache_Compute(cache, &c, PYRT_SITE_LAYOUT_DEBIAN, 0, &path));
    printf("%d entries\n", (int)path.length);
    for (Py_ssize_t i = 0; i < path.length; i++) PyMem_RawFree(path.items[i]);
    PyMem_RawFree(path.items);
    PyConfig_Clear(&c);
}

static int sys_path_cache(void) {
    make_venv();
    mkdirs("venv/lib/python3.14/site-packages");
    mkdirs("src");
    char trace[128];
    snprintf(trace, sizeof trace, "%s/trace.txt", root);
    CHECK(setenv("PYRT_TRACE", trace, 1) == 0);
    CHECK(setenv("HOME", root, 1) == 0);
    PyRT_SysPathCache *cache = PyRT_SysPathCache_New();
    CHECK(cache != NULL);
    for (int i = 0; i < 3; i++) cache_call(cache);
    char pth[256];
    snprintf(pth, sizeof pth, "%s/src\n", root);
    mkfile("venv/lib/python3.14/site-packages/dev.pth", pth, 0);
    cache_call(cache);
    CHECK(setenv("PYRT_TEST_CHANGED", "1", 1) == 0);
    cache_call(cache);
    PyRT_SysPathCache_Free(cache);
    /* The decisions (the cache's own looks name the machine's paths). */
    const char *const decisions[] = {"cache hit", "cache miss", NULL};
    print_lines(trace, decisions, 0);
    remove_tree();
    return 0;
}

/* The lifecycle steps, one JSON object per line: each line checked for its
 * shape; the categories and events printed in order. */
static int lifecycle_json(void) {
    char trace[] = "/tmp/pyrt-trace-json.XXXXXX";
    int fd = mkstemp(trace);
    CHECK(fd >= 0);
    close(fd);
    CHECK(setenv("PYRT_TRACE", trace, 1) == 0);
    CHECK(setenv("PYRT_TRACE_FORMAT", "json", 1) == 0);
    init_isolated();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    CHECK(sub != NULL);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    CHECK(Py_FinalizeEx() == 0);
    FILE *f = fopen(trace, "r");
    CHECK(f != NULL);
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        CHECK(len > 2 && line[len - 1] == '\n' && line[len - 2] == '}');
        CHECK(!strncmp(line, "{\"t\":", 5));
        /* Quotes balance outside escapes. */
        int quotes = 0;
        for (size_t i = 0; i < len; i++) {
            if (line[i] == '\\') i++;
            else if (line[i] == '"') quotes++;
        }
        CHECK(quotes % 2 == 0);
        char *cat = strstr(line, "\"cat\":\"");
        char *event = strstr(line, "\"event\":\"");
        CHECK(cat && event);
        cat += 7;
        event += 9;
        /* The files looked at depend on the machine. */
        if (!strncmp(cat, "getpath\"", 8) || !strncmp(cat, "import\"", 7)) continue;
        printf("%.*s: %.*s\n", (int)(strchr(cat, '"') - cat), cat, (int)(strchr(event, '"') - event),
               event);
        n++;
    }
    fclose(f);
    unlink(trace);
    printf("%d lifecycle lines\n", n);
    return 0;
}

/* The trace of a `-X dev -W error` configuration attributes each value
 * that differs from the Python flavour's defaults to where it came from. */
static int config_sources(void) {
    char trace[] = "/tmp/pyrt-trace-config.XXXXXX";
    int fd = mkstemp(trace);
    CHECK(fd >= 0);
    close(fd);
    CHECK(setenv("PYRT_TRACE", trace, 1) == 0);
    CHECK(setenv("PYTHONDONTWRITEBYTECODE", "1", 1) == 0);
    CHECK(setenv("PYTHONPROFILEIMPORTTIME", "1", 1) == 0);
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    c.optimization_level = 2;
    char *argv[] = {"prog", "-X", "dev", "-W", "error", "-X", "int_max_str_digits=5000", "-c", "pass"};
    CHECK_OK(PyConfig_SetBytesArgv(&c, 9, argv));
    CHECK_OK(PyConfig_Read(&c));
    PyConfig_Clear(&c);
    FILE *f = fopen(trace, "r");
    CHECK(f != NULL);
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        char *rest = strstr(line, " config value ");
        if (rest) fputs(rest + 1, stdout);
    }
    fclose(f);
    unlink(trace);
    return 0;
}

/* Off unless asked for: nothing on stderr. */
static int off_by_default(void) {
    unsetenv("PYRT_TRACE");
    init_isolated();
    CHECK(Py_FinalizeEx() == 0);
    printf("done\n");
    return 0;
}

static const struct test_case cases[] = {
    {"venv_getpath", venv_getpath},
    {"venv_site", venv_site},
    {"sys_path_cache", sys_path_cache},
    {"lifecycle_json", lifecycle_json},
    {"config_sources", config_sources},
    {"off_by_default", off_by_default},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
